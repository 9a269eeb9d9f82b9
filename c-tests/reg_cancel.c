/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_sync_cancel on the kernel: a read stuck on an empty pipe is cancelled
 * synchronously by user_data (the call returns 0 and the read's CQE says -ECANCELED);
 * two stuck reads are cancelled together by fd with IORING_ASYNC_CANCEL_ALL (returns the
 * count, 2, then 0); a single-request cancel matching nothing gives -ENOENT; a finite timeout works too; the pipe still works afterwards.
 */
#include "helpers.h"
#include <liburing.h>
#include <unistd.h>

static struct io_uring ring;
static int p[2];
static char buf[4][16];

static void stuck_read(int i, __u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	io_uring_prep_read(sqe, p[0], buf[i], sizeof(buf[i]), 0);
	sqe->user_data = ud;
	CHECK(io_uring_submit(&ring) == 1, "submit read");
}

static void expect_cqe(__u64 ud, int res)
{
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { .tv_sec = 1 };

	CHECK(io_uring_wait_cqe_timeout(&ring, &cqe, &ts) == 0, "cqe for %llu", (unsigned long long)ud);
	CHECK(cqe->user_data == ud && cqe->res == res, "cqe %llu res %d, want %llu res %d",
	      (unsigned long long)cqe->user_data, cqe->res, (unsigned long long)ud, res);
	io_uring_cqe_seen(&ring, cqe);
}

static struct io_uring_sync_cancel_reg creg(__u64 addr, int fd, unsigned flags, long long sec)
{
	struct io_uring_sync_cancel_reg r;

	memset(&r, 0, sizeof(r));
	r.addr = addr;
	r.fd = fd;
	r.flags = flags;
	r.timeout.tv_sec = sec;
	r.timeout.tv_nsec = sec < 0 ? -1 : 0;
	return r;
}

int main(void)
{
	struct io_uring_sync_cancel_reg r;
	struct io_uring_cqe *cqe;
	int ret;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");
	CHECK(pipe(p) == 0, "pipe");

	r = creg(0x42, -1, 0, -1);
	CHECK(io_uring_register_sync_cancel(NULL, &r) == -EINVAL, "NULL ring");
	CHECK(io_uring_register_sync_cancel(&ring, NULL) == -EFAULT, "NULL reg");
	ret = io_uring_register_sync_cancel(&ring, &r);
	CHECK(ret == -ENOENT, "nothing to cancel: %d", ret);

	/* By user_data, waiting without limit. */
	stuck_read(0, 0x42);
	CHECK(io_uring_peek_cqe(&ring, &cqe) == -EAGAIN, "read is stuck");
	ret = io_uring_register_sync_cancel(&ring, &r);
	CHECK(ret == 0, "sync cancel by user_data: %d", ret);
	expect_cqe(0x42, -ECANCELED);

	/* By fd, all matches, with a 1 s timeout. */
	stuck_read(1, 0x51);
	stuck_read(2, 0x52);
	r = creg(0, p[0], IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL, 1);
	ret = io_uring_register_sync_cancel(&ring, &r);
	CHECK(ret == 2, "sync cancel by fd cancels both: %d", ret);
	int got = 0;
	for (int i = 0; i < 2; i++) {
		CHECK(io_uring_wait_cqe(&ring, &cqe) == 0, "wait");
		CHECK(cqe->res == -ECANCELED && (cqe->user_data == 0x51 || cqe->user_data == 0x52), "cancelled read");
		got |= 1 << (cqe->user_data - 0x51);
		io_uring_cqe_seen(&ring, cqe);
	}
	CHECK(got == 3, "both reads cancelled");
	ret = io_uring_register_sync_cancel(&ring, &r);
	CHECK(ret == 0, "nothing left on the fd: %d cancelled", ret);

	/* The pipe is fine: a new read gets data. */
	stuck_read(3, 0x60);
	CHECK(write(p[1], "after", 5) == 5, "write");
	expect_cqe(0x60, 5);
	CHECK(memcmp(buf[3], "after", 5) == 0, "data");

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
