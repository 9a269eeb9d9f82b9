/* SPDX-License-Identifier: MIT */
/*
 * Timeouts and waiting: prep_timeout expiring (-ETIME) and completing by count (0),
 * timeout_remove (found / not found), link_timeout cancelling a stuck read,
 * wait_cqe_timeout on an empty CQ (-ETIME) and with a CQE ready, wait_cqes with
 * wait_nr larger than what arrives, submit_and_wait with a timeout on the ring, and
 * an asynchronous close.
 */
#include "common.h"
#include <fcntl.h>

static struct io_uring ring;

static struct io_uring_sqe *next(void)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	REQUIRE(sqe);
	return sqe;
}

int main(void)
{
	struct __kernel_timespec short_ts = { .tv_sec = 0, .tv_nsec = 20 * 1000 * 1000 };
	struct __kernel_timespec long_ts = { .tv_sec = 30, .tv_nsec = 0 };
	struct __kernel_timespec zero_ts = { 0, 0 };
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	char buf[64];
	int pfd[2], ret, fd;

	ret = io_uring_queue_init(16, &ring, 0);
	REQUIRE(ret == 0);

	/* a pure timeout expires */
	sqe = next();
	io_uring_prep_timeout(sqe, &short_ts, 0, 0);
	io_uring_sqe_set_data64(sqe, 1);
	OUT_RET("submit timeout 20ms", io_uring_submit(&ring));
	diff_reap_sorted(&ring, 1, "timeout expired");

	/* a count timeout completes with 0 once 2 other CQEs were posted */
	sqe = next();
	io_uring_prep_timeout(sqe, &long_ts, 2, 0);
	io_uring_sqe_set_data64(sqe, 2);
	OUT_RET("submit count timeout", io_uring_submit(&ring));
	for (int i = 0; i < 2; i++) {
		sqe = next();
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 3 + i);
	}
	OUT_RET("submit 2 nops", io_uring_submit(&ring));
	diff_reap_sorted(&ring, 3, "count timeout");

	/* remove a pending timeout; remove one that does not exist */
	sqe = next();
	io_uring_prep_timeout(sqe, &long_ts, 0, 0);
	io_uring_sqe_set_data64(sqe, 10);
	OUT_RET("submit long timeout", io_uring_submit(&ring));
	sqe = next();
	io_uring_prep_timeout_remove(sqe, 10, 0);
	io_uring_sqe_set_data64(sqe, 11);
	sqe = next();
	io_uring_prep_timeout_remove(sqe, 99999, 0);
	io_uring_sqe_set_data64(sqe, 12);
	OUT_RET("submit 2 timeout_remove", io_uring_submit(&ring));
	diff_reap_sorted(&ring, 3, "timeout_remove");

	/* a read on an empty pipe, cut short by a linked timeout */
	REQUIRE(pipe(pfd) == 0);
	sqe = next();
	io_uring_prep_read(sqe, pfd[0], buf, sizeof(buf), 0);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	io_uring_sqe_set_data64(sqe, 20);
	sqe = next();
	io_uring_prep_link_timeout(sqe, &short_ts, 0);
	io_uring_sqe_set_data64(sqe, 21);
	OUT_RET("submit read + link_timeout", io_uring_submit(&ring));
	diff_reap_sorted(&ring, 2, "link_timeout");

	/* waiting with a timeout */
	ret = io_uring_wait_cqe_timeout(&ring, &cqe, &short_ts);
	OUT_RET("wait_cqe_timeout (empty CQ)", ret);
	ret = io_uring_wait_cqe_timeout(&ring, &cqe, &zero_ts);
	OUT_RET("wait_cqe_timeout 0 (empty CQ)", ret);
	sqe = next();
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 30);
	OUT_RET("submit nop", io_uring_submit(&ring));
	ret = io_uring_wait_cqe_timeout(&ring, &cqe, &short_ts);
	OUT_RET("wait_cqe_timeout (1 ready)", ret);
	if (ret == 0) {
		OUT("  cqe user_data", "%llu", (unsigned long long)cqe->user_data);
		io_uring_cqe_seen(&ring, cqe);
	}
	/* wait for 2 when only 1 arrives: times out, but the CQE is there */
	sqe = next();
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 31);
	OUT_RET("submit nop", io_uring_submit(&ring));
	cqe = NULL;
	ret = io_uring_wait_cqes(&ring, &cqe, 2, &short_ts, NULL);
	OUT_RET("wait_cqes(2, 20ms) with 1 ready", ret);
	OUT("  cqe returned", "%d", cqe != NULL);
	if (cqe) {
		OUT("  cqe user_data", "%llu", (unsigned long long)cqe->user_data);
		io_uring_cqe_seen(&ring, cqe);
	}
	OUT("cq_ready", "%u", io_uring_cq_ready(&ring));
	/* wait_cqes with nothing queued: -ETIME */
	cqe = NULL;
	ret = io_uring_wait_cqes(&ring, &cqe, 1, &short_ts, NULL);
	OUT_RET("wait_cqes(1, 20ms) empty", ret);
	OUT("  cqe returned", "%d", cqe != NULL);
	/* submit_and_wait_timeout exists from 2.2 */
	sqe = next();
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 32);
	cqe = NULL;
	ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &short_ts, NULL);
	OUT("submit_and_wait_timeout(1 nop) >= 0", "%d", ret >= 0);
	OUT("  submitted", "%d", ret);
	if (cqe) {
		OUT("  cqe user_data", "%llu", (unsigned long long)cqe->user_data);
		io_uring_cqe_seen(&ring, cqe);
	}
	cqe = NULL;
	ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &short_ts, NULL);
	OUT_RET("submit_and_wait_timeout(empty)", ret);

	/* asynchronous close of a real fd, then the fd is free */
	fd = dup(pfd[1]);
	REQUIRE(fd >= 0);
	sqe = next();
	io_uring_prep_close(sqe, fd);
	io_uring_sqe_set_data64(sqe, 40);
	sqe = next();
	io_uring_prep_close(sqe, 1000);
	io_uring_sqe_set_data64(sqe, 41);
	OUT_RET("submit 2 closes", io_uring_submit(&ring));
	diff_reap_sorted(&ring, 2, "close");
	OUT("closed fd is gone", "%d", fcntl(fd, F_GETFD) == -1 && errno == EBADF);
	close(pfd[0]);
	close(pfd[1]);
	OUT("cq_ready at end", "%u", io_uring_cq_ready(&ring));
	io_uring_queue_exit(&ring);
	return 0;
}
