/* SPDX-License-Identifier: MIT */
/*
 * Cancel prep helpers on the real kernel, against reads parked on empty pipes:
 * cancel64 and cancel (pointer user_data) cancel exactly the matching read (-ECANCELED;
 * the others stay pending), -ENOENT when nothing matches, IORING_ASYNC_CANCEL_ALL counts
 * every match, cancel_fd matches by file (and by direct descriptor with
 * IORING_ASYNC_CANCEL_FD_FIXED), IORING_ASYNC_CANCEL_ANY matches everything.
 */
#include "helpers.h"
#include <liburing.h>
#include <unistd.h>

static struct io_uring ring;
static char buf[8][16];

#define sqe_get() t_get_sqe(&ring)

static void submit(int n)
{
	int ret = io_uring_submit(&ring);

	CHECK(ret == n, "submit %d, want %d", ret, n);
}

static int res_of[128], seen_of[128];
static void collect(int n)
{
	struct io_uring_cqe *cqe;

	memset(seen_of, 0, sizeof(seen_of));
	for (int i = 0; i < n; i++) {
		int ret = io_uring_wait_cqe(&ring, &cqe);
		CHECK(ret == 0, "wait_cqe %d", ret);
		CHECK(cqe->user_data < 128 && !seen_of[cqe->user_data], "ud %llu",
		      (unsigned long long)cqe->user_data);
		res_of[cqe->user_data] = cqe->res;
		seen_of[cqe->user_data] = 1;
		io_uring_cqe_seen(&ring, cqe);
	}
}

#define expect_empty() t_expect_no_cqe(&ring)

static void park_read(int fd, __u64 ud, int fixed)
{
	struct io_uring_sqe *sqe = sqe_get();

	io_uring_prep_read(sqe, fd, buf[ud % 8], sizeof(buf[0]), 0);
	if (fixed)
		sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = ud;
}

int main(void)
{
	struct io_uring_sqe *sqe;
	int a[2], b[2], ret;

	ret = io_uring_queue_init(16, &ring, 0);
	CHECK(ret == 0, "queue_init %d", ret);
	CHECK(pipe(a) == 0 && pipe(b) == 0, "pipe");

	/* by user_data: only the matching read goes */
	park_read(a[0], 1, 0);
	park_read(a[0], 2, 0);
	submit(2);
	expect_empty();
	sqe = sqe_get();
	io_uring_prep_cancel64(sqe, 1, 0);
	sqe->user_data = 3;
	submit(1);
	collect(2);
	CHECK(res_of[3] == 0 && res_of[1] == -ECANCELED, "cancel64: %d, victim %d", res_of[3], res_of[1]);
	CHECK(!seen_of[2], "read 2 was cancelled too");
	expect_empty();

	/* the pointer form */
	sqe = sqe_get();
	io_uring_prep_cancel(sqe, (void *)(uintptr_t)2, 0);
	sqe->user_data = 4;
	submit(1);
	collect(2);
	CHECK(res_of[4] == 0 && res_of[2] == -ECANCELED, "cancel: %d, victim %d", res_of[4], res_of[2]);
	sqe = sqe_get();
	io_uring_prep_cancel64(sqe, 2, 0);
	sqe->user_data = 5;
	submit(1);
	collect(1);
	CHECK(res_of[5] == -ENOENT, "cancel of nothing %d", res_of[5]);

	/* ALL: three reads share user_data 10 */
	for (int i = 0; i < 3; i++)
		park_read(a[0], 10, 0);
	submit(3);
	sqe = sqe_get();
	io_uring_prep_cancel64(sqe, 10, IORING_ASYNC_CANCEL_ALL);
	sqe->user_data = 11;
	submit(1);
	{
		struct io_uring_cqe *cqe;
		int victims = 0, got = 0;
		for (int i = 0; i < 4; i++) {
			CHECK(io_uring_wait_cqe(&ring, &cqe) == 0, "wait");
			if (cqe->user_data == 11) {
				CHECK(cqe->res == 3, "CANCEL_ALL count %d", cqe->res);
				got = 1;
			} else {
				CHECK(cqe->user_data == 10 && cqe->res == -ECANCELED, "victim res %d", cqe->res);
				victims++;
			}
			io_uring_cqe_seen(&ring, cqe);
		}
		CHECK(got && victims == 3, "CANCEL_ALL CQEs");
	}

	/* by fd: two reads on pipe a, one on pipe b; only a's go */
	park_read(a[0], 20, 0);
	park_read(a[0], 21, 0);
	park_read(b[0], 22, 0);
	submit(3);
	sqe = sqe_get();
	io_uring_prep_cancel_fd(sqe, a[0], IORING_ASYNC_CANCEL_ALL);
	CHECK(sqe->cancel_flags & IORING_ASYNC_CANCEL_FD, "cancel_fd must set IORING_ASYNC_CANCEL_FD");
	sqe->user_data = 23;
	submit(1);
	collect(3);
	CHECK(res_of[23] == 2 && res_of[20] == -ECANCELED && res_of[21] == -ECANCELED && !seen_of[22],
	      "cancel_fd ALL %d", res_of[23]);
	/* single cancel_fd: one match */
	sqe = sqe_get();
	io_uring_prep_cancel_fd(sqe, b[0], 0);
	sqe->user_data = 24;
	submit(1);
	collect(2);
	CHECK(res_of[24] == 0 && res_of[22] == -ECANCELED, "cancel_fd %d", res_of[24]);
	sqe = sqe_get();
	io_uring_prep_cancel_fd(sqe, b[0], 0);
	sqe->user_data = 25;
	submit(1);
	collect(1);
	CHECK(res_of[25] == -ENOENT, "cancel_fd of nothing %d", res_of[25]);

	/* ANY | ALL: everything pending */
	park_read(a[0], 30, 0);
	park_read(b[0], 31, 0);
	submit(2);
	sqe = sqe_get();
	io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL);
	sqe->user_data = 32;
	submit(1);
	collect(3);
	CHECK(res_of[32] == 2 && res_of[30] == -ECANCELED && res_of[31] == -ECANCELED, "cancel ANY %d",
	      res_of[32]);

	/* by direct descriptor */
	int files[2] = { a[0], b[0] };
	ret = io_uring_register(ring.ring_fd, IORING_REGISTER_FILES, files, 2);
	CHECK(ret == 0, "register files %d", ret);
	park_read(1, 40, 1);
	park_read(0, 41, 1);
	submit(2);
	expect_empty();
	sqe = sqe_get();
	io_uring_prep_cancel_fd(sqe, 1, IORING_ASYNC_CANCEL_FD_FIXED);
	sqe->user_data = 42;
	submit(1);
	collect(2);
	CHECK(res_of[42] == 0 && res_of[40] == -ECANCELED && !seen_of[41], "cancel_fd fixed %d", res_of[42]);
	/* the read on slot 0 is still alive: feed it */
	CHECK(write(a[1], "alive", 5) == 5, "write");
	collect(1);
	CHECK(res_of[41] == 5 && memcmp(buf[41 % 8], "alive", 5) == 0, "surviving read %d", res_of[41]);

	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
