/* SPDX-License-Identifier: MIT */
/*
 * Waiting: wait_cqe, __io_uring_get_cqe, wait_cqe_nr and wait_cqes (wait_nr: return
 * only once that many CQEs are ready), timeouts (-ETIME after the time, never early;
 * a zero timeout), wait_cqe_timeout, wait_cqes_min_timeout and
 * submit_and_wait_min_timeout (return after the min wait once something completed),
 * submit_and_wait_timeout; then all of them again with IORING_FEAT_EXT_ARG cleared in
 * ring.features, which forces liburing's internal timeout SQE: its CQE
 * (LIBURING_UDATA_TIMEOUT) must never reach the application.
 */
#include "helpers.h"
#include <liburing.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
		char c = 'A' + i;
		CHECK(write(w->fds[i], &c, 1) == 1, "write");
	}
	return NULL;
}

struct pipes {
	int p[4][2];
	char buf[4][8];
	int n;
};

/* Queue (not submit) n reads, one per pipe, user_data 1000 + i. */
static void queue_reads(struct io_uring *ring, struct pipes *ps, int n)
{
	ps->n = n;
	for (int i = 0; i < n; i++) {
		CHECK(pipe(ps->p[i]) == 0, "pipe");
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		CHECK(sqe, "get_sqe");
		io_uring_prep_read(sqe, ps->p[i][0], ps->buf[i], sizeof(ps->buf[i]), -1);
		sqe->user_data = 1000 + i;
	}
}

static void start_writer(pthread_t *t, struct writer *w, struct pipes *ps, int n, int delay)
{
	w->n = n;
	w->delay_ms = delay;
	for (int i = 0; i < n; i++)
		w->fds[i] = ps->p[i][1];
	CHECK(pthread_create(t, NULL, delayed_writes, w) == 0, "thread");
}

/* Reap every remaining CQE of the reads; check data; never see the internal timeout. */
static void reap_reads(struct io_uring *ring, struct pipes *ps, int *got)
{
	struct io_uring_cqe *cqe;

	while (io_uring_peek_cqe(ring, &cqe) == 0) {
		CHECK(cqe->user_data != LIBURING_UDATA_TIMEOUT, "internal timeout CQE reached the app");
		int k = cqe->user_data - 1000;
		CHECK(k >= 0 && k < ps->n && !got[k], "unexpected CQE %llu", (unsigned long long)cqe->user_data);
		CHECK(cqe->res == 1 && ps->buf[k][0] == 'A' + k, "read %d res %d", k, cqe->res);
		got[k] = 1;
		io_uring_cqe_seen(ring, cqe);
	}
}

static void close_pipes(struct pipes *ps)
{
	for (int i = 0; i < ps->n; i++) {
		close(ps->p[i][0]);
		close(ps->p[i][1]);
	}
}

static void test_blocking_waits(struct io_uring *ring)
{
	struct pipes ps;
	struct writer w;
	pthread_t t;
	struct io_uring_cqe *cqe;
	int got[4] = { 0 };

	/* wait_cqe blocks until the single read completes. */
	queue_reads(ring, &ps, 1);
	CHECK(io_uring_submit(ring) == 1, "submit");
	start_writer(&t, &w, &ps, 1, 30);
	CHECK(io_uring_wait_cqe(ring, &cqe) == 0 && cqe, "wait_cqe");
	CHECK(cqe->user_data == 1000 && cqe->res == 1, "wait_cqe returned without the read");
	pthread_join(t, NULL);
	reap_reads(ring, &ps, got);
	CHECK(got[0], "read missing");
	close_pipes(&ps);

	/* wait_cqe_nr(3): returns only once three are ready. */
	memset(got, 0, sizeof(got));
	queue_reads(ring, &ps, 3);
	CHECK(io_uring_submit(ring) == 3, "submit");
	start_writer(&t, &w, &ps, 3, 15);
	CHECK(io_uring_wait_cqe_nr(ring, &cqe, 3) == 0 && cqe, "wait_cqe_nr");
	CHECK(io_uring_cq_ready(ring) == 3, "wait_cqe_nr(3) returned with %u ready", io_uring_cq_ready(ring));
	pthread_join(t, NULL);
	reap_reads(ring, &ps, got);
	close_pipes(&ps);

	/* wait_cqes without timeout, wait_nr 2 */
	memset(got, 0, sizeof(got));
	queue_reads(ring, &ps, 2);
	CHECK(io_uring_submit(ring) == 2, "submit");
	start_writer(&t, &w, &ps, 2, 10);
	int ret = io_uring_wait_cqes(ring, &cqe, 2, NULL, NULL);
	CHECK(ret == 0 && cqe, "wait_cqes %d", ret);
	CHECK(io_uring_cq_ready(ring) == 2, "wait_cqes(2) returned with %u", io_uring_cq_ready(ring));
	pthread_join(t, NULL);
	reap_reads(ring, &ps, got);
	close_pipes(&ps);

	/* __io_uring_get_cqe: submit 1 (published by hand) and wait for it */
	memset(got, 0, sizeof(got));
	queue_reads(ring, &ps, 1);
	ring->sq.sqe_head = ring->sq.sqe_tail;
	__atomic_store_n(ring->sq.ktail, ring->sq.sqe_tail, __ATOMIC_RELEASE);
	start_writer(&t, &w, &ps, 1, 10);
	ret = __io_uring_get_cqe(ring, &cqe, 1, 1, NULL);
	CHECK(ret >= 0 && cqe && cqe->user_data == 1000, "__io_uring_get_cqe %d", ret);
	pthread_join(t, NULL);
	reap_reads(ring, &ps, got);
	close_pipes(&ps);
	/* nothing to submit nor wait for: -EAGAIN */
	CHECK(__io_uring_get_cqe(ring, &cqe, 0, 0, NULL) == -EAGAIN && !cqe, "__get_cqe empty");
}

static void test_timeouts(struct io_uring *ring, int ext_arg)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 40 * 1000 * 1000 };
	struct io_uring_cqe *cqe = (void *)1;
	struct pipes ps;
	struct writer w;
	pthread_t t;
	int got[4] = { 0 };
	int ret;

	/* Nothing pending: -ETIME after the timeout, not before, no CQE. */
	long t0 = now_ms();
	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	long el = now_ms() - t0;
	CHECK(ret == -ETIME, "wait_cqe_timeout empty: %d", ret);
	CHECK(cqe == NULL, "cqe set on timeout");
	CHECK(el >= 38 && el < 2000, "timed out after %ld ms", el);
	CHECK(io_uring_cq_ready(ring) == 0, "internal timeout CQE left in the CQ");

	/* Zero timeout: immediate. */
	struct __kernel_timespec zero = { 0, 0 };
	t0 = now_ms();
	ret = io_uring_wait_cqe_timeout(ring, &cqe, &zero);
	CHECK(ret == -ETIME, "zero timeout %d", ret);
	CHECK(now_ms() - t0 < 2000, "zero timeout waited");
	usleep(2000);
	CHECK(io_uring_peek_cqe(ring, &cqe) == -EAGAIN, "leftover after zero timeout");

	/* A completion before the timeout: returned (0, or the submit count of the fallback). */
	queue_reads(ring, &ps, 1);
	CHECK(io_uring_submit(ring) == 1, "submit");
	start_writer(&t, &w, &ps, 1, 20);
	ts.tv_sec = 5;
	t0 = now_ms();
	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	/* 0 on success (man page), also when the fallback had to submit its timeout SQE. */
	CHECK(ret == 0 && cqe && cqe->user_data == 1000, "wait_cqe_timeout %d (ext_arg %d)", ret, ext_arg);
	CHECK(now_ms() - t0 < 4000, "waited for the timeout");
	pthread_join(t, NULL);
	reap_reads(ring, &ps, got);
	CHECK(got[0], "read");
	close_pipes(&ps);

	/* wait_nr 2 with one completion only: -ETIME, the one CQE stays ready. */
	memset(got, 0, sizeof(got));
	queue_reads(ring, &ps, 2);
	CHECK(io_uring_submit(ring) == 2, "submit");
	CHECK(write(ps.p[0][1], "A", 1) == 1, "write");
	usleep(5000);
	ts.tv_sec = 0;
	ts.tv_nsec = 40 * 1000 * 1000;
	t0 = now_ms();
	ret = io_uring_wait_cqes(ring, &cqe, 2, &ts, NULL);
	el = now_ms() - t0;
	/*
	 * The wait lasts the whole timeout. Then the kernel (EXT_ARG) reports success since the
	 * CQ is not empty, and the fallback's timeout CQE makes the count: both give 0 with the
	 * ready CQE, as liburing does; -ETIME would be fine too.
	 */
	CHECK((ret == 0 && cqe && cqe->user_data == 1000) || ret == -ETIME, "wait_cqes(2) with one ready: %d (ext_arg %d)",
	      ret, ext_arg);
	CHECK(el >= 38, "returned after %ld ms", el);
	CHECK(io_uring_cq_ready(ring) >= 1, "the ready CQE vanished");
	reap_reads(ring, &ps, got);
	CHECK(got[0] && !got[1], "first read");
	/* then the second arrives within a long timeout */
	CHECK(write(ps.p[1][1], "B", 1) == 1, "write");
	ts.tv_sec = 5;
	ret = io_uring_wait_cqes(ring, &cqe, 1, &ts, NULL);
	CHECK(ret >= 0 && cqe, "second %d", ret);
	reap_reads(ring, &ps, got);
	CHECK(got[1], "second read");
	close_pipes(&ps);

	/* submit_and_wait_timeout: submits, returns the count, with the CQE. */
	for (int i = 0; i < 3; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		io_uring_prep_nop(sqe);
		sqe->user_data = 7;
	}
	ts.tv_sec = 5;
	ret = io_uring_submit_and_wait_timeout(ring, &cqe, 3, &ts, NULL);
	CHECK(ret >= 3, "submit_and_wait_timeout %d", ret);
	CHECK(cqe && cqe->user_data == 7, "cqe");
	CHECK(io_uring_cq_ready(ring) >= 3, "ready %u", io_uring_cq_ready(ring));
	for (int i = 0; i < 3; i++) {
		CHECK(io_uring_peek_cqe(ring, &cqe) == 0 && cqe->user_data == 7, "nop %d", i);
		io_uring_cqe_seen(ring, cqe);
	}
	/* ...and with nothing to submit or complete it times out. */
	ts.tv_sec = 0;
	t0 = now_ms();
	ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
	el = now_ms() - t0;
	CHECK(ret == -ETIME && cqe == NULL, "submit_and_wait_timeout idle %d", ret);
	CHECK(el >= 38, "returned after %ld ms", el);
	/* Submits a read that does not complete in time: -ETIME and no CQE (not the count). */
	memset(got, 0, sizeof(got));
	queue_reads(ring, &ps, 1);
	t0 = now_ms();
	ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
	el = now_ms() - t0;
	CHECK(ret == -ETIME && cqe == NULL, "submit_and_wait_timeout expiring %d (ext_arg %d)", ret, ext_arg);
	CHECK(el >= 38, "returned after %ld ms", el);
	CHECK(io_uring_sq_ready(ring) == 0, "read not submitted");
	CHECK(write(ps.p[0][1], "A", 1) == 1, "write");
	CHECK(io_uring_wait_cqe(ring, &cqe) == 0, "wait");
	reap_reads(ring, &ps, got);
	CHECK(got[0], "read");
	close_pipes(&ps);
	/* NULL timeout: plain submit and wait */
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 8;
	ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, NULL, NULL);
	CHECK(ret >= 0 && cqe && cqe->user_data == 8, "NULL ts %d", ret);
	io_uring_cqe_seen(ring, cqe);

	/* The SQ is full when the fallback needs a slot for its timeout SQE. */
	unsigned n = 0;
	while ((sqe = io_uring_get_sqe(ring))) {
		io_uring_prep_nop(sqe);
		sqe->user_data = 9;
		n++;
	}
	CHECK(n == ring->sq.ring_entries, "filled %u", n);
	ts.tv_sec = 5;
	ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
	CHECK(ret >= 0 && cqe && cqe->user_data == 9, "full SQ %d", ret);
	usleep(10000);
	unsigned reaped = 0;
	while (io_uring_peek_cqe(ring, &cqe) == 0) {
		CHECK(cqe->user_data == 9, "unexpected CQE %llx", (unsigned long long)cqe->user_data);
		io_uring_cqe_seen(ring, cqe);
		reaped++;
	}
	CHECK(reaped == n, "reaped %u of %u", reaped, n);
}

static void test_min_timeout(struct io_uring *ring)
{
	struct __kernel_timespec ts = { .tv_sec = 3, .tv_nsec = 0 };
	struct io_uring_cqe *cqe;
	struct pipes ps;
	int got[4] = { 0 };

	if (!(ring->features & IORING_FEAT_MIN_TIMEOUT)) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		io_uring_prep_nop(sqe);
		CHECK(io_uring_submit_and_wait_min_timeout(ring, &cqe, 1, &ts, 1000, NULL) == -EINVAL,
		      "min_timeout without FEAT_MIN_TIMEOUT");
		t_skip_case("min_timeout", "kernel lacks IORING_FEAT_MIN_TIMEOUT (only its -EINVAL checked)");
		io_uring_submit_and_wait(ring, 1);
		io_uring_cq_advance(ring, io_uring_cq_ready(ring));
		return;
	}
	/* 1 NOP completes at once, 3 reads never: wait_nr 4 returns after the 30 ms min wait. */
	queue_reads(ring, &ps, 3);
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 5;
	long t0 = now_ms();
	int ret = io_uring_submit_and_wait_min_timeout(ring, &cqe, 4, &ts, 30000, NULL);
	long el = now_ms() - t0;
	CHECK(ret >= 0, "submit_and_wait_min_timeout %d", ret);
	CHECK(el < 2000, "waited %ld ms: min timeout ignored", el);
	CHECK(io_uring_cq_ready(ring) == 1, "ready %u", io_uring_cq_ready(ring));
	CHECK(io_uring_peek_cqe(ring, &cqe) == 0 && cqe->user_data == 5, "nop");
	io_uring_cqe_seen(ring, cqe);

	/* wait_cqes_min_timeout: one read completes, wait_nr 3. */
	CHECK(write(ps.p[0][1], "A", 1) == 1, "write");
	t0 = now_ms();
	ret = io_uring_wait_cqes_min_timeout(ring, &cqe, 3, &ts, 30000, NULL);
	el = now_ms() - t0;
	CHECK(ret == 0 && cqe && cqe->user_data == 1000, "wait_cqes_min_timeout %d", ret);
	CHECK(el < 2000, "waited %ld ms", el);
	reap_reads(ring, &ps, got);
	CHECK(write(ps.p[1][1], "B", 1) == 1 && write(ps.p[2][1], "C", 1) == 1, "write");
	ret = io_uring_wait_cqe_nr(ring, &cqe, 2);
	CHECK(ret == 0, "wait 2 %d", ret);
	reap_reads(ring, &ps, got);
	CHECK(got[0] && got[1] && got[2], "reads");
	close_pipes(&ps);

	/*
	 * Without IORING_FEAT_MIN_TIMEOUT both min-timeout waits are -EINVAL (liburing 2.15),
	 * before anything is submitted or waited for: the NOP stays queued.
	 */
	ring->features &= ~IORING_FEAT_MIN_TIMEOUT;
	struct io_uring_sqe *nop = io_uring_get_sqe(ring);
	io_uring_prep_nop(nop);
	nop->user_data = 6;
	ts.tv_sec = 0;
	ts.tv_nsec = 120 * 1000 * 1000;
	t0 = now_ms();
	ret = io_uring_wait_cqes_min_timeout(ring, &cqe, 1, &ts, 10000, NULL);
	CHECK(ret == -EINVAL, "wait_cqes_min_timeout without FEAT_MIN_TIMEOUT: %d", ret);
	CHECK(io_uring_submit_and_wait_min_timeout(ring, &cqe, 1, &ts, 10, NULL) == -EINVAL,
	      "submit_and_wait_min_timeout without FEAT_MIN_TIMEOUT");
	CHECK(now_ms() - t0 < 100, "waited without the feature");
	CHECK(io_uring_sq_ready(ring) == 1 && io_uring_cq_ready(ring) == 0, "something was submitted");
	CHECK(io_uring_submit_and_wait(ring, 1) == 1, "submit");
	CHECK(io_uring_peek_cqe(ring, &cqe) == 0 && cqe->user_data == 6, "nop");
	io_uring_cqe_seen(ring, cqe);
	ring->features |= IORING_FEAT_MIN_TIMEOUT;
}

int main(void)
{
	struct io_uring ring;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "init");
	CHECK(ring.features & IORING_FEAT_EXT_ARG, "kernel has EXT_ARG");
	test_blocking_waits(&ring);
	test_timeouts(&ring, 1);
	test_min_timeout(&ring);
	io_uring_queue_exit(&ring);

	/* Liburing's fallback for kernels without EXT_ARG: an internal timeout SQE. */
	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "init");
	ring.features &= ~IORING_FEAT_EXT_ARG;
	test_blocking_waits(&ring);
	test_timeouts(&ring, 0);
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { 1, 0 };
	ring.features &= ~IORING_FEAT_MIN_TIMEOUT;
	CHECK(io_uring_wait_cqes_min_timeout(&ring, &cqe, 1, &ts, 10, NULL) == -EINVAL,
	      "min-timeout wait needs FEAT_MIN_TIMEOUT");
	/* Let any internal timeouts still armed expire; none may surface as a CQE. */
	usleep(60000);
	int ret;
	while ((ret = io_uring_peek_cqe(&ring, &cqe)) != -EAGAIN) {
		CHECK(ret == 0 || ret == -ETIME, "peek %d", ret);
		if (ret == 0) {
			CHECK(cqe->user_data != LIBURING_UDATA_TIMEOUT, "internal timeout CQE returned");
			io_uring_cqe_seen(&ring, cqe);
		}
	}
	CHECK(io_uring_cq_ready(&ring) == 0, "CQ not empty");
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
