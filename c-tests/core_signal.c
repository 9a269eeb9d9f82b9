/* SPDX-License-Identifier: MIT */
/*
 * Signals and waits: a SIGUSR1 (handler without SA_RESTART) sent by another thread
 * interrupts wait_cqe, wait_cqe_timeout, wait_cqes and submit_and_wait with -EINTR; the
 * sigmask argument of wait_cqes / __io_uring_get_cqe / submit_and_wait_timeout replaces
 * the thread's mask for the wait only: an empty mask lets a pending blocked signal
 * interrupt at once, a mask blocking SIGUSR1 lets the wait run to its end, and the
 * signal is delivered after it.
 */
#include "helpers.h"
#include <liburing.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct kicker {
	pthread_t target;
	int delay_ms;
	int repeat;		/* keep signalling every delay_ms until done */
	volatile int done;
};

static void *kick(void *arg)
{
	struct kicker *k = arg;

	do {
		usleep(k->delay_ms * 1000);
		if (!k->done)
			pthread_kill(k->target, SIGUSR1);
	} while (k->repeat && !k->done);
	return NULL;
}

/*
 * Signal this thread after delay_ms; with repeat, again every delay_ms until stop_kicker
 * (so a wait that starts late, under load, is still interrupted).
 */
static pthread_t start_kicker(struct kicker *k, int delay_ms, int repeat)
{
	pthread_t t;

	k->target = pthread_self();
	k->delay_ms = delay_ms;
	k->repeat = repeat;
	k->done = 0;
	CHECK(pthread_create(&t, NULL, kick, k) == 0, "thread");
	return t;
}

static void stop_kicker(pthread_t t, struct kicker *k)
{
	k->done = 1;
	pthread_join(t, NULL);
}

static void test_eintr(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	struct kicker k;
	pthread_t t;
	int ret;

	for (int which = 0; which < 4; which++) {
		struct __kernel_timespec ts = { .tv_sec = 5, .tv_nsec = 0 };

		caught = 0;
		t = start_kicker(&k, 30, 1);
		long t0 = now_ms();
		switch (which) {
		case 0:
			ret = io_uring_wait_cqe(ring, &cqe);
			break;
		case 1:
			ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
			break;
		case 2:
			ret = io_uring_wait_cqes(ring, &cqe, 2, &ts, NULL);
			break;
		default:
			ret = io_uring_submit_and_wait(ring, 1);
			break;
		}
		long el = now_ms() - t0;
		stop_kicker(t, &k);
		CHECK(ret == -EINTR, "wait %d: %d, want -EINTR", which, ret);
		CHECK(caught >= 1, "handler never ran");
		CHECK(el < 4000, "returned after %ld ms, not at the signal", el);
	}
}

static void test_sigmask(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	sigset_t usr1, empty, old;
	struct kicker k;
	pthread_t t;
	int ret;

	sigemptyset(&empty);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);

	/*
	 * SIGUSR1 blocked and pending; an empty wait mask unblocks it during the wait only,
	 * so the wait is interrupted at once, for each function taking a sigmask.
	 */
	for (int which = 0; which < 4; which++) {
		struct __kernel_timespec ts = { .tv_sec = 5, .tv_nsec = 0 };

		CHECK(pthread_sigmask(SIG_BLOCK, &usr1, &old) == 0, "block");
		caught = 0;
		pthread_kill(pthread_self(), SIGUSR1);
		CHECK(caught == 0, "blocked signal delivered");
		long t0 = now_ms();
		switch (which) {
		case 0:
			ret = io_uring_wait_cqes(ring, &cqe, 1, &ts, &empty);
			break;
		case 1:
			ret = io_uring_wait_cqes(ring, &cqe, 1, NULL, &empty);
			break;
		case 2:
			ret = __io_uring_get_cqe(ring, &cqe, 0, 1, &empty);
			break;
		default:
			ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, &empty);
			break;
		}
		CHECK(ret == -EINTR, "sigmask wait %d: %d", which, ret);
		CHECK(caught == 1, "handler ran %d times", (int)caught);
		CHECK(now_ms() - t0 < 3000, "the pending signal did not interrupt");
		/* the thread's own mask is back: SIGUSR1 blocked again */
		sigset_t cur;
		CHECK(pthread_sigmask(SIG_SETMASK, NULL, &cur) == 0 && sigismember(&cur, SIGUSR1),
		      "mask not restored");
		CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL) == 0, "restore");
	}

	/*
	 * SIGUSR1 unblocked; a wait mask blocking it keeps the wait going to its timeout,
	 * and the signal arrives after the wait.
	 */
	for (int which = 0; which < 2; which++) {
		struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 120 * 1000 * 1000 };

		caught = 0;
		t = start_kicker(&k, 20, 0);
		long t0 = now_ms();
		if (which == 0)
			ret = io_uring_wait_cqes(ring, &cqe, 1, &ts, &usr1);
		else
			ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, &usr1);
		long el = now_ms() - t0;
		pthread_join(t, NULL);
		CHECK(ret == -ETIME, "masked wait %d: %d", which, ret);
		CHECK(el >= 115, "masked wait %d ended after %ld ms", which, el);
		usleep(1000);
		CHECK(caught == 1, "signal not delivered after the wait (%d)", (int)caught);
	}

	/* A masked wait still returns the completion that arrives. */
	int fds[2];
	char c;
	CHECK(pipe(fds) == 0, "pipe");
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	io_uring_prep_read(sqe, fds[0], &c, 1, -1);
	sqe->user_data = 3;
	CHECK(io_uring_submit(ring) == 1, "submit");
	caught = 0;
	t = start_kicker(&k, 10, 0);
	pthread_join(t, NULL);
	CHECK(caught == 1, "kick");
	CHECK(write(fds[1], "q", 1) == 1, "write");
	ret = io_uring_wait_cqes(ring, &cqe, 1, NULL, &usr1);
	CHECK(ret == 0 && cqe->user_data == 3 && cqe->res == 1 && c == 'q', "read %d", ret);
	io_uring_cqe_seen(ring, cqe);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	struct sigaction sa;
	struct io_uring ring;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = 0; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "init");
	test_eintr(&ring);
	test_sigmask(&ring);
	io_uring_queue_exit(&ring);

	/* DEFER_TASKRUN rings wait differently in the kernel; same results. */
	CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN) == 0,
	      "init defer");
	test_eintr(&ring);
	test_sigmask(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
