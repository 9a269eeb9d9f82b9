/* SPDX-License-Identifier: MIT */
/*
 * Timeout prep helpers and request chaining on the real kernel: a relative timeout
 * fires with -ETIME no earlier than asked; IORING_TIMEOUT_ABS on CLOCK_MONOTONIC; a
 * count-based timeout completes with 0 once enough requests completed; timeout_remove
 * (-ECANCELED for the victim, -ENOENT when gone); timeout_update re-arms a long timeout
 * to fire early, and with IORING_LINK_TIMEOUT_UPDATE does the same to a linked timeout;
 * link_timeout cancels a read on an empty pipe, and is itself cancelled when the read
 * wins; IOSQE_IO_LINK chains carry data and cancel on failure, IOSQE_IO_HARDLINK does
 * not; IOSQE_CQE_SKIP_SUCCESS hides successful CQEs only.
 */
#include "helpers.h"
#include <liburing.h>
#include <time.h>
#include <unistd.h>

static struct io_uring ring;

#define sqe_get() t_get_sqe(&ring)

static void submit(int n)
{
	int ret = io_uring_submit(&ring);

	CHECK(ret == n, "submit %d, want %d", ret, n);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Collect n CQEs; res_of[ud] = res (ud < 64), returns how many arrived. */
static int res_of[64], seen_of[64];
static void collect(int n)
{
	struct io_uring_cqe *cqe;

	memset(seen_of, 0, sizeof(seen_of));
	for (int i = 0; i < n; i++) {
		int ret = io_uring_wait_cqe(&ring, &cqe);
		CHECK(ret == 0, "wait_cqe %d", ret);
		CHECK(cqe->user_data < 64, "unexpected user_data %llu", (unsigned long long)cqe->user_data);
		CHECK(!seen_of[cqe->user_data], "two CQEs for ud %llu", (unsigned long long)cqe->user_data);
		res_of[cqe->user_data] = cqe->res;
		seen_of[cqe->user_data] = 1;
		io_uring_cqe_seen(&ring, cqe);
	}
}

#define expect_empty() t_expect_no_cqe(&ring)

static void test_basic_timeouts(void)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 50 * 1000000 };
	struct io_uring_sqe *sqe;
	long long t0 = now_ms();

	sqe = sqe_get();
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 1;
	submit(1);
	collect(1);
	long long dt = now_ms() - t0;
	CHECK(res_of[1] == -ETIME, "timeout res %d", res_of[1]);
	CHECK(dt >= 45 && dt < 2000, "timeout after %lld ms", dt);

	/* absolute, on CLOCK_MONOTONIC */
	struct timespec mono;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	struct __kernel_timespec abs = { .tv_sec = mono.tv_sec, .tv_nsec = mono.tv_nsec + 30 * 1000000 };
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	t0 = now_ms();
	sqe = sqe_get();
	io_uring_prep_timeout(sqe, &abs, 0, IORING_TIMEOUT_ABS);
	sqe->user_data = 2;
	submit(1);
	collect(1);
	dt = now_ms() - t0;
	CHECK(res_of[2] == -ETIME && dt >= 20 && dt < 2000, "abs timeout res %d after %lld ms", res_of[2], dt);

	/* count 2: completes (res 0) as soon as two other requests have completed */
	struct __kernel_timespec longts = { .tv_sec = 10 };
	t0 = now_ms();
	sqe = sqe_get();
	io_uring_prep_timeout(sqe, &longts, 2, 0);
	sqe->user_data = 3;
	submit(1);
	for (int i = 0; i < 2; i++) {
		sqe = sqe_get();
		io_uring_prep_nop(sqe);
		sqe->user_data = 4 + i;
	}
	submit(2);
	collect(3);
	CHECK(res_of[3] == 0 && res_of[4] == 0 && res_of[5] == 0, "count timeout res %d", res_of[3]);
	CHECK(now_ms() - t0 < 5000, "count timeout waited for its time");
}

static void test_remove_update(void)
{
	struct __kernel_timespec longts = { .tv_sec = 10 }, short_ts = { .tv_nsec = 20 * 1000000 };
	struct io_uring_sqe *sqe;

	sqe = sqe_get();
	io_uring_prep_timeout(sqe, &longts, 0, 0);
	sqe->user_data = 10;
	submit(1);
	sqe = sqe_get();
	io_uring_prep_timeout_remove(sqe, 10, 0);
	sqe->user_data = 11;
	submit(1);
	collect(2);
	CHECK(res_of[11] == 0 && res_of[10] == -ECANCELED, "remove %d, victim %d", res_of[11], res_of[10]);
	sqe = sqe_get();
	io_uring_prep_timeout_remove(sqe, 10, 0);
	sqe->user_data = 12;
	submit(1);
	collect(1);
	CHECK(res_of[12] == -ENOENT, "remove of nothing %d", res_of[12]);

	/* update: a 10 s timeout re-armed to 20 ms fires quickly */
	long long t0 = now_ms();
	sqe = sqe_get();
	io_uring_prep_timeout(sqe, &longts, 0, 0);
	sqe->user_data = 13;
	submit(1);
	sqe = sqe_get();
	io_uring_prep_timeout_update(sqe, &short_ts, 13, 0);
	CHECK(sqe->timeout_flags & IORING_TIMEOUT_UPDATE, "update flag missing");
	sqe->user_data = 14;
	submit(1);
	collect(2);
	CHECK(res_of[14] == 0 && res_of[13] == -ETIME, "update %d, timeout %d", res_of[14], res_of[13]);
	CHECK(now_ms() - t0 < 3000, "updated timeout still waited %lld ms", now_ms() - t0);
	sqe = sqe_get();
	io_uring_prep_timeout_update(sqe, &short_ts, 13, 0);
	sqe->user_data = 15;
	submit(1);
	collect(1);
	CHECK(res_of[15] == -ENOENT, "update of a finished timeout %d", res_of[15]);
}

static void test_link_timeout(void)
{
	struct __kernel_timespec ts = { .tv_nsec = 30 * 1000000 }, longts = { .tv_sec = 10 };
	struct io_uring_sqe *sqe;
	char buf[16];
	int p[2];

	CHECK(pipe(p) == 0, "pipe");
	/* the read on an empty pipe loses */
	sqe = sqe_get();
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 20;
	sqe = sqe_get();
	io_uring_prep_link_timeout(sqe, &ts, 0);
	sqe->user_data = 21;
	submit(2);
	collect(2);
	CHECK(res_of[20] == -ECANCELED && res_of[21] == -ETIME, "read %d, link timeout %d", res_of[20],
	      res_of[21]);

	/* the read wins when data is there */
	CHECK(write(p[1], "data", 4) == 4, "write");
	sqe = sqe_get();
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 22;
	sqe = sqe_get();
	io_uring_prep_link_timeout(sqe, &longts, 0);
	sqe->user_data = 23;
	submit(2);
	collect(2);
	CHECK(res_of[22] == 4 && memcmp(buf, "data", 4) == 0, "read %d", res_of[22]);
	CHECK(res_of[23] == -ECANCELED, "link timeout of a finished read %d", res_of[23]);

	/* IORING_LINK_TIMEOUT_UPDATE shortens a pending linked timeout */
	long long t0 = now_ms();
	sqe = sqe_get();
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 24;
	sqe = sqe_get();
	io_uring_prep_link_timeout(sqe, &longts, 0);
	sqe->user_data = 25;
	submit(2);
	expect_empty();
	sqe = sqe_get();
	io_uring_prep_timeout_update(sqe, &ts, 25, IORING_LINK_TIMEOUT_UPDATE);
	sqe->user_data = 26;
	submit(1);
	collect(3);
	CHECK(res_of[26] == 0 && res_of[25] == -ETIME && res_of[24] == -ECANCELED,
	      "link timeout update %d, timeout %d, read %d", res_of[26], res_of[25], res_of[24]);
	CHECK(now_ms() - t0 < 3000, "updated link timeout waited");
	close(p[0]);
	close(p[1]);
}

static void test_links_and_skip(void)
{
	struct io_uring_sqe *sqe;
	char buf[16];
	int p[2];

	CHECK(pipe(p) == 0, "pipe");
	/* write -> read, linked: the read sees the write's data */
	sqe = sqe_get();
	io_uring_prep_write(sqe, p[1], "linked!", 7, 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 30;
	sqe = sqe_get();
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->user_data = 31;
	submit(2);
	collect(2);
	CHECK(res_of[30] == 7 && res_of[31] == 7 && memcmp(buf, "linked!", 7) == 0, "linked rw");

	/* a failing head cancels the rest of a soft link chain */
	sqe = sqe_get();
	io_uring_prep_read(sqe, -1, buf, 1, 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 32;
	sqe = sqe_get();
	io_uring_prep_nop(sqe);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 33;
	sqe = sqe_get();
	io_uring_prep_nop(sqe);
	sqe->user_data = 34;
	submit(3);
	collect(3);
	CHECK(res_of[32] == -EBADF && res_of[33] == -ECANCELED && res_of[34] == -ECANCELED,
	      "soft link chain %d %d %d", res_of[32], res_of[33], res_of[34]);

	/* a hard link goes on regardless */
	sqe = sqe_get();
	io_uring_prep_read(sqe, -1, buf, 1, 0);
	sqe->flags |= IOSQE_IO_HARDLINK;
	sqe->user_data = 35;
	sqe = sqe_get();
	io_uring_prep_write(sqe, p[1], "hard", 4, 0);
	sqe->user_data = 36;
	submit(2);
	collect(2);
	CHECK(res_of[35] == -EBADF && res_of[36] == 4, "hard link chain %d %d", res_of[35], res_of[36]);
	CHECK(read(p[0], buf, sizeof(buf)) == 4, "hard link data");

	/* CQE_SKIP_SUCCESS: no CQE for a successful request, a CQE for a failed one */
	if (ring.features & IORING_FEAT_CQE_SKIP) {
		sqe = sqe_get();
		io_uring_prep_nop(sqe);
		sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
		sqe->user_data = 37;
		sqe = sqe_get();
		io_uring_prep_read(sqe, -1, buf, 1, 0);
		sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
		sqe->user_data = 38;
		sqe = sqe_get();
		io_uring_prep_nop(sqe);
		sqe->user_data = 39;
		submit(3);
		collect(2);
		CHECK(!seen_of[37] && seen_of[38] && seen_of[39], "CQE_SKIP_SUCCESS CQEs");
		CHECK(res_of[38] == -EBADF && res_of[39] == 0, "CQE_SKIP_SUCCESS results");
		expect_empty();
	} else {
		t_skip_case("cqe_skip_success", "kernel lacks IORING_FEAT_CQE_SKIP");
	}
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	int ret = io_uring_queue_init(16, &ring, 0);

	CHECK(ret == 0, "queue_init %d", ret);
	test_basic_timeouts();
	test_remove_update();
	test_link_timeout();
	test_links_and_skip();
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
