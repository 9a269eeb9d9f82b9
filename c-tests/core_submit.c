/* SPDX-License-Identifier: MIT */
/*
 * The submission side against the real kernel: get_sqe (slot reuse clears stale
 * fields, NULL at ring size), sq_ready / sq_space_left, submit, submit_and_wait (waits
 * for wait_nr completions), submit_and_get_events / get_events (flush deferred work),
 * the SQE field helpers (set_data / set_data64 / set_flags with links and CQE skipping /
 * set_buf_group), and the preps nop, read, write, readv, writev, fsync, close, timeout
 * with the file data checked; IORING_SETUP_SQ_REWIND (each submit rewinds to slot 0) where
 * the kernel has it.
 */
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#ifndef IORING_SETUP_SQ_REWIND
#define IORING_SETUP_SQ_REWIND (1U << 20)
#endif

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct io_uring_cqe *wait_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = NULL;
	int ret = io_uring_wait_cqe(ring, &cqe);

	CHECK(ret == 0 && cqe, "wait_cqe %d", ret);
	return cqe;
}

static int run_one(struct io_uring *ring, struct io_uring_sqe *sqe, __u64 ud)
{
	sqe->user_data = ud;
	int ret = io_uring_submit(ring);
	CHECK(ret == 1, "submit %d", ret);
	struct io_uring_cqe *cqe = wait_one(ring);
	CHECK(cqe->user_data == ud, "user_data %llu want %llu", (unsigned long long)cqe->user_data,
	      (unsigned long long)ud);
	int res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

static void test_sq_full_and_reuse(void)
{
	struct io_uring ring;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "init");
	CHECK(io_uring_sq_space_left(&ring) == 8 && io_uring_sq_ready(&ring) == 0, "empty SQ");
	for (int round = 0; round < 300; round++) {
		struct io_uring_sqe *sqes[8];

		for (int i = 0; i < 8; i++) {
			sqes[i] = io_uring_get_sqe(&ring);
			CHECK(sqes[i], "get_sqe %d round %d", i, round);
			CHECK(io_uring_sq_ready(&ring) == (unsigned)i + 1, "sq_ready");
			CHECK(io_uring_sq_space_left(&ring) == 7u - i, "space_left");
			if (round) {
				/* Reused slot: liburing's initialization cleared what preps skip. */
				CHECK(sqes[i]->flags == 0 && sqes[i]->ioprio == 0 && sqes[i]->rw_flags == 0 &&
					      sqes[i]->buf_index == 0 && sqes[i]->personality == 0 &&
					      sqes[i]->file_index == 0 && sqes[i]->addr3 == 0 &&
					      sqes[i]->__pad2[0] == 0,
				      "stale fields in a reused SQE");
			}
			io_uring_prep_nop(sqes[i]);
			sqes[i]->user_data = round * 8 + i;
		}
		CHECK(io_uring_get_sqe(&ring) == NULL, "get_sqe beyond ring size");
		CHECK(io_uring_sq_space_left(&ring) == 0, "space_left at full");
		/* Distinct slots. */
		for (int i = 1; i < 8; i++)
			CHECK(sqes[i] != sqes[0], "slot reused while queued");
		int ret = io_uring_submit(&ring);
		CHECK(ret == 8, "submit %d", ret);
		CHECK(io_uring_sq_ready(&ring) == 0 && io_uring_sq_space_left(&ring) == 8, "after submit");
		for (int i = 0; i < 8; i++) {
			struct io_uring_cqe *cqe = wait_one(&ring);
			CHECK(cqe->res == 0 && cqe->user_data / 8 == (unsigned)round, "cqe");
			io_uring_cqe_seen(&ring, cqe);
		}
		/* Dirty every slot as an app might, before the next round reuses them. */
		for (int i = 0; i < 8; i++)
			memset(sqes[i], 0xff, sizeof(*sqes[i]));
	}
	/* Submitting nothing: 0, no error. */
	CHECK(io_uring_submit(&ring) == 0, "empty submit");
	CHECK(io_uring_submit_and_wait(&ring, 0) == 0, "empty submit_and_wait");
	io_uring_queue_exit(&ring);
}

struct writer {
	int fds[4];
	int n;
	int delay_ms;
};

static void *delayed_writes(void *arg)
{
	struct writer *w = arg;

	for (int i = 0; i < w->n; i++) {
		usleep(w->delay_ms * 1000);
		char c = 'a' + i;
		CHECK(write(w->fds[i], &c, 1) == 1, "write");
	}
	return NULL;
}

static void test_submit_and_wait(void)
{
	struct io_uring ring;
	int p[3][2];
	char bufs[3][4];
	struct writer w = { .n = 3, .delay_ms = 15 };
	pthread_t t;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "init");
	for (int i = 0; i < 3; i++) {
		CHECK(pipe(p[i]) == 0, "pipe");
		w.fds[i] = p[i][1];
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		io_uring_prep_read(sqe, p[i][0], bufs[i], sizeof(bufs[i]), -1);
		sqe->user_data = i;
	}
	CHECK(pthread_create(&t, NULL, delayed_writes, &w) == 0, "thread");
	int ret = io_uring_submit_and_wait(&ring, 3);
	CHECK(ret == 3, "submit_and_wait %d", ret);
	CHECK(io_uring_cq_ready(&ring) == 3, "returned with %u of 3 ready", io_uring_cq_ready(&ring));
	pthread_join(t, NULL);
	for (int i = 0; i < 3; i++) {
		struct io_uring_cqe *cqe = wait_one(&ring);
		int k = cqe->user_data;
		CHECK(cqe->res == 1 && bufs[k][0] == 'a' + k, "read %d res %d", k, cqe->res);
		io_uring_cqe_seen(&ring, cqe);
		close(p[i][0]);
		close(p[i][1]);
	}
	io_uring_queue_exit(&ring);
}

static void test_get_events(void)
{
	struct io_uring ring;
	int fds[2];
	char buf[8];

	int ret = io_uring_queue_init(4, &ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
	CHECK(ret == 0, "DEFER_TASKRUN init %d", ret);
	CHECK(pipe(fds) == 0, "pipe");
	for (int round = 0; round < 2; round++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		io_uring_prep_read(sqe, fds[0], buf, sizeof(buf), -1);
		sqe->user_data = 50 + round;
		CHECK(io_uring_submit(&ring) == 1, "submit");
		CHECK(write(fds[1], "xy", 2) == 2, "write");
		CHECK(io_uring_cq_ready(&ring) == 0, "deferred completion visible");
		/*
		 * Where the kernel serves the pipe read from an io-wq worker (no FMODE_NOWAIT
		 * pipes, 6.1), the completion reaches the deferred list only once that worker
		 * ran: enter again (a deferred CQE appears only when we enter) for up to 5 s.
		 */
		for (int tries = 0; tries < 5000 && io_uring_cq_ready(&ring) == 0; tries++) {
			if (tries)
				usleep(1000);
			if (round == 0) {
				ret = io_uring_get_events(&ring);
				CHECK(ret == 0, "get_events %d", ret);
			} else {
				/* Nothing to submit: still enters and runs the deferred work. */
				ret = io_uring_submit_and_get_events(&ring);
				CHECK(ret == 0, "submit_and_get_events %d", ret);
			}
		}
		CHECK(io_uring_cq_ready(&ring) == 1, "get_events flushed nothing");
		struct io_uring_cqe *cqe = wait_one(&ring);
		CHECK(cqe->user_data == 50u + round && cqe->res == 2 && !memcmp(buf, "xy", 2), "read");
		io_uring_cqe_seen(&ring, cqe);
	}
	/* submit_and_get_events with SQEs: submits them and returns the count. */
	for (int i = 0; i < 3; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		io_uring_prep_nop(sqe);
		sqe->user_data = 60 + i;
	}
	ret = io_uring_submit_and_get_events(&ring);
	CHECK(ret == 3, "submit_and_get_events %d", ret);
	CHECK(io_uring_cq_ready(&ring) == 3, "NOP completions %u", io_uring_cq_ready(&ring));
	io_uring_cq_advance(&ring, 3);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

static void test_sqe_helpers(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int anchor;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "init");
	/* set_data / get_data round-trip a pointer; set_data64 / get_data64 a u64. */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data(sqe, &anchor);
	CHECK(sqe->user_data == (__u64)(uintptr_t)&anchor, "set_data");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 0xfedcba9876543210ULL);
	CHECK(io_uring_submit_and_wait(&ring, 2) == 2, "submit");
	cqe = wait_one(&ring);
	CHECK(io_uring_cqe_get_data(cqe) == &anchor, "get_data");
	io_uring_cqe_seen(&ring, cqe);
	cqe = wait_one(&ring);
	CHECK(io_uring_cqe_get_data64(cqe) == 0xfedcba9876543210ULL, "get_data64");
	io_uring_cqe_seen(&ring, cqe);

	/* set_flags(IO_LINK): a failing head cancels the linked NOP. */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, -1, "x", 1, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	CHECK(sqe->flags == IOSQE_IO_LINK, "flags");
	sqe->user_data = 1;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 2;
	CHECK(io_uring_submit_and_wait(&ring, 2) == 2, "submit link");
	for (int i = 0; i < 2; i++) {
		cqe = wait_one(&ring);
		if (cqe->user_data == 1)
			CHECK(cqe->res == -EBADF, "bad write %d", cqe->res);
		else
			CHECK(cqe->res == -ECANCELED, "linked nop %d", cqe->res);
		io_uring_cqe_seen(&ring, cqe);
	}
	/* set_flags(CQE_SKIP_SUCCESS): no CQE for a successful NOP. */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_flags(sqe, IOSQE_CQE_SKIP_SUCCESS);
	sqe->user_data = 3;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 4;
	CHECK(io_uring_submit_and_wait(&ring, 1) == 2, "submit skip");
	cqe = wait_one(&ring);
	CHECK(cqe->user_data == 4, "only the second NOP completes");
	io_uring_cqe_seen(&ring, cqe);
	CHECK(io_uring_cq_ready(&ring) == 0, "skipped CQE posted");

	/* set_buf_group: the group id lands in buf_group; an empty group gives -ENOBUFS. */
	int fds[2];
	CHECK(pipe(fds) == 0, "pipe");
	CHECK(write(fds[1], "z", 1) == 1, "write");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fds[0], NULL, 1, -1);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	io_uring_sqe_set_buf_group(sqe, 0x1234);
	CHECK(sqe->buf_group == 0x1234, "buf_group %#x", sqe->buf_group);
	CHECK(run_one(&ring, sqe, 5) == -ENOBUFS, "no buffers in group");
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

static void test_preps(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	char *wbuf = malloc(16384), *rbuf = malloc(16384);
	int fd = t_tmpfile();

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "init");

	/* write at offset 0, check with pread */
	t_fill(wbuf, 4096, 1);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, wbuf, 4096, 0);
	CHECK(sqe->opcode == IORING_OP_WRITE && sqe->fd == fd && sqe->len == 4096 && sqe->off == 0, "write sqe");
	CHECK(run_one(&ring, sqe, 10) == 4096, "write");
	CHECK(pread(fd, rbuf, 4096, 0) == 4096 && t_check(rbuf, 4096, 1) == 0, "written data");

	/* read at offset 4096 of data put there with pwrite */
	t_fill(wbuf, 4096, 2);
	CHECK(pwrite(fd, wbuf, 4096, 4096) == 4096, "pwrite");
	memset(rbuf, 0, 4096);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, 4096, 4096);
	CHECK(run_one(&ring, sqe, 11) == 4096, "read");
	CHECK(t_check(rbuf, 4096, 2) == 0, "read data");

	/* writev of three iovecs at 8192 */
	struct iovec iov[3];
	t_fill(wbuf, 12288, 3);
	for (int i = 0; i < 3; i++) {
		iov[i].iov_base = wbuf + i * 4096;
		iov[i].iov_len = 4096;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_writev(sqe, fd, iov, 3, 8192);
	CHECK(sqe->opcode == IORING_OP_WRITEV && sqe->len == 3, "writev sqe");
	CHECK(run_one(&ring, sqe, 12) == 12288, "writev");
	CHECK(pread(fd, rbuf, 12288, 8192) == 12288 && t_check(rbuf, 12288, 3) == 0, "writev data");

	/* readv of three uneven iovecs from 0: 100 + 4000 + rest */
	memset(rbuf, 0, 16384);
	size_t lens[3] = { 100, 4000, 16384 - 4100 };
	size_t off = 0;
	for (int i = 0; i < 3; i++) {
		iov[i].iov_base = rbuf + off;
		iov[i].iov_len = lens[i];
		off += lens[i];
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_readv(sqe, fd, iov, 3, 0);
	CHECK(run_one(&ring, sqe, 13) == 16384, "readv");
	char *expect = malloc(16384);
	CHECK(pread(fd, expect, 16384, 0) == 16384, "pread");
	CHECK(memcmp(expect, rbuf, 16384) == 0, "readv data");
	free(expect);

	/* offset -1: current file position, which then advances */
	CHECK(lseek(fd, 4096, SEEK_SET) == 4096, "lseek");
	memset(rbuf, 0, 4096);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, 4096, -1);
	CHECK(run_one(&ring, sqe, 14) == 4096, "read at current position");
	CHECK(t_check(rbuf, 4096, 2) == 0, "data at position");
	CHECK(lseek(fd, 0, SEEK_CUR) == 8192, "position advanced");

	/* fsync and fdatasync */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_fsync(sqe, fd, 0);
	CHECK(sqe->opcode == IORING_OP_FSYNC && sqe->fsync_flags == 0, "fsync sqe");
	CHECK(run_one(&ring, sqe, 15) == 0, "fsync");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	CHECK(sqe->fsync_flags == IORING_FSYNC_DATASYNC, "datasync flag");
	CHECK(run_one(&ring, sqe, 16) == 0, "fdatasync");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_fsync(sqe, -1, 0);
	CHECK(run_one(&ring, sqe, 17) == -EBADF, "fsync bad fd");

	/* close */
	int dupfd = dup(fd);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_close(sqe, dupfd);
	CHECK(run_one(&ring, sqe, 18) == 0, "close");
	CHECK(fcntl(dupfd, F_GETFD) == -1 && errno == EBADF, "fd still open after close");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_close(sqe, dupfd);
	CHECK(run_one(&ring, sqe, 19) == -EBADF, "close twice");

	/* timeout: by time (-ETIME after >= 20ms), and by count (0 after two CQEs) */
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 20000000 };
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	CHECK(sqe->opcode == IORING_OP_TIMEOUT && sqe->addr == (__u64)(uintptr_t)&ts && sqe->len == 1 &&
		      sqe->off == 0 && sqe->timeout_flags == 0 && sqe->fd == -1,
	      "timeout sqe");
	long t0 = now_ms();
	CHECK(run_one(&ring, sqe, 20) == -ETIME, "timeout res");
	CHECK(now_ms() - t0 >= 19, "timeout fired early");
	ts.tv_sec = 10;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 2, 0);
	sqe->user_data = 21;
	CHECK(sqe->off == 2, "count");
	for (int i = 0; i < 2; i++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_nop(sqe);
		sqe->user_data = 22;
	}
	t0 = now_ms();
	CHECK(io_uring_submit_and_wait(&ring, 3) == 3, "submit");
	CHECK(now_ms() - t0 < 5000, "count timeout waited for the clock");
	for (int i = 0; i < 3; i++) {
		struct io_uring_cqe *cqe = wait_one(&ring);
		if (cqe->user_data == 21)
			CHECK(cqe->res == 0, "count timeout res %d", cqe->res);
		else
			CHECK(cqe->user_data == 22 && cqe->res == 0, "nop");
		io_uring_cqe_seen(&ring, cqe);
	}

	/* nop: all fields as liburing writes them */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	CHECK(sqe->opcode == IORING_OP_NOP && sqe->fd == -1 && sqe->addr == 0 && sqe->len == 0 &&
		      sqe->off == 0,
	      "nop sqe");
	CHECK(run_one(&ring, sqe, 23) == 0, "nop");

	io_uring_queue_exit(&ring);
	close(fd);
	free(wbuf);
	free(rbuf);
}

static void test_sq_rewind(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;

	if (t_kernel_refuses_setup(IORING_SETUP_SQ_REWIND | IORING_SETUP_NO_SQARRAY)) {
		int ret = io_uring_queue_init(8, &ring, IORING_SETUP_SQ_REWIND);
		CHECK(ret == -EINVAL, "SQ_REWIND refused by the kernel, init gave %d", ret);
		fprintf(stderr, "kernel refuses IORING_SETUP_SQ_REWIND: rewind covered by the core's fake-ring test\n");
		return;
	}
	CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_SQ_REWIND) == 0, "init SQ_REWIND");
	for (unsigned round = 0; round < 40; round++) {
		unsigned n = 1 + round % 8, seen = 0;

		for (unsigned i = 0; i < n; i++) {
			struct io_uring_sqe *sqe = t_get_sqe(&ring);

			CHECK(sqe == &ring.sq.sqes[i], "round %u: SQE %u not in slot %u", round, i, i);
			io_uring_prep_nop(sqe);
			sqe->user_data = round * 16 + i;
		}
		CHECK(io_uring_submit_and_wait(&ring, n) == (int)n, "submit round %u", round);
		CHECK(ring.sq.sqe_tail == 0 && io_uring_sq_ready(&ring) == 0, "tail %u not rewound", ring.sq.sqe_tail);
		while (seen < n && io_uring_peek_cqe(&ring, &cqe) == 0) {
			CHECK(cqe->user_data / 16 == round && cqe->user_data % 16 < n, "ud %llu",
			      (unsigned long long)cqe->user_data);
			io_uring_cqe_seen(&ring, cqe);
			seen++;
		}
		CHECK(seen == n, "round %u: %u of %u CQEs", round, seen, n);
	}
	io_uring_queue_exit(&ring);
}

int main(void)
{
	test_sq_full_and_reuse();
	test_submit_and_wait();
	test_get_events();
	test_sqe_helpers();
	test_preps();
	test_sq_rewind();
	return T_EXIT_PASS;
}
