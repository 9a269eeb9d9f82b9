/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_clock on the kernel: CLOCK_BOOTTIME and CLOCK_MONOTONIC are accepted
 * and a 30 ms wait timeout then expires with -ETIME after about 30 ms on either clock;
 * an unsupported clock id gets the raw syscall's error (-EINVAL); NULL arguments are
 * refused (-EFAULT, as the kernel would; -EINVAL for a NULL ring).
 */
#include "helpers.h"
#include <liburing.h>
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void timed_wait(struct io_uring *ring)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 30 * 1000000 };
	struct io_uring_cqe *cqe;
	double t0 = now_ms(), el;
	int ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);

	el = now_ms() - t0;
	CHECK(ret == -ETIME, "wait_cqe_timeout %d", ret);
	CHECK(el >= 25 && el < 1000, "waited %.1f ms", el);
}

int main(void)
{
	struct io_uring_clock_register arg;
	struct io_uring ring;
	int ret, raw;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");
	memset(&arg, 0, sizeof(arg));
	arg.clockid = CLOCK_BOOTTIME;
	ret = io_uring_register_clock(&ring, &arg);
	if (ret == -EINVAL && syscall(__NR_io_uring_register, ring.ring_fd, IORING_REGISTER_CLOCK, &arg, 0) == -1 && errno == EINVAL)
		SKIP("kernel without IORING_REGISTER_CLOCK");
	CHECK(ret == 0, "CLOCK_BOOTTIME: %d", ret);
	timed_wait(&ring);
	arg.clockid = CLOCK_MONOTONIC;
	CHECK(io_uring_register_clock(&ring, &arg) == 0, "CLOCK_MONOTONIC");
	timed_wait(&ring);

	arg.clockid = CLOCK_THREAD_CPUTIME_ID;
	raw = io_uring_register(ring.ring_fd, IORING_REGISTER_CLOCK, &arg, 0);
	ret = io_uring_register_clock(&ring, &arg);
	CHECK(ret == raw && ret == -EINVAL, "unsupported clock: %d, raw %d", ret, raw);
	CHECK(io_uring_register_clock(&ring, NULL) == -EFAULT, "NULL arg");
	CHECK(io_uring_register_clock(NULL, &arg) == -EINVAL, "NULL ring");
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
