/* SPDX-License-Identifier: MIT */
/*
 * Eventfd notification on the kernel: after N completions (reaped one at a time) the
 * eventfd counter reads N; with io_uring_cq_eventfd_toggle(false) completions leave it
 * alone, and turning it back on restores signalling; register_eventfd_async signals only
 * completions made by an io-wq worker (an inline NOP is not signalled, a file read
 * forced async with IOSQE_ASYNC is); double registration, unregistering without one and bad fds are refused.
 */
#include "helpers.h"
#include <liburing.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static struct io_uring ring;

static void nop_and_reap(__u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;

	io_uring_prep_nop(sqe);
	sqe->user_data = ud;
	CHECK(io_uring_submit_and_wait(&ring, 1) == 1, "submit");
	CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->user_data == ud, "cqe");
	io_uring_cqe_seen(&ring, cqe);
}

/* The counter's value (0 when nothing was signalled); resets it. */
static __u64 drain(int efd)
{
	eventfd_t v = 0;

	if (eventfd_read(efd, &v) < 0) {
		CHECK(errno == EAGAIN, "eventfd_read: %s", strerror(errno));
		return 0;
	}
	return v;
}

int main(void)
{
	int efd, ret;
	__u64 v;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(efd >= 0, "eventfd");

	CHECK(io_uring_register_eventfd(NULL, efd) == -EINVAL, "NULL ring");
	CHECK(io_uring_unregister_eventfd(&ring) == -ENXIO, "unregister none");
	CHECK(io_uring_register_eventfd(&ring, -1) == -EBADF, "bad fd");
	CHECK(io_uring_register_eventfd(&ring, efd) == 0, "register");
	CHECK(io_uring_register_eventfd(&ring, efd) == -EBUSY, "double register");

	for (int i = 0; i < 5; i++)
		nop_and_reap(i);
	v = drain(efd);
	CHECK(v == 5, "counter after 5 completions: %llu", (unsigned long long)v);

	/* Disabled through the CQ ring flag: no signal. */
	CHECK(io_uring_cq_eventfd_enabled(&ring), "enabled by default");
	CHECK(io_uring_cq_eventfd_toggle(&ring, false) == 0, "toggle off");
	CHECK(!io_uring_cq_eventfd_enabled(&ring), "now disabled");
	for (int i = 0; i < 3; i++)
		nop_and_reap(10 + i);
	v = drain(efd);
	CHECK(v == 0, "counter while disabled: %llu", (unsigned long long)v);
	CHECK(io_uring_cq_eventfd_toggle(&ring, true) == 0, "toggle on");
	nop_and_reap(20);
	nop_and_reap(21);
	v = drain(efd);
	CHECK(v == 2, "counter after re-enabling: %llu", (unsigned long long)v);
	CHECK(io_uring_unregister_eventfd(&ring) == 0, "unregister");
	nop_and_reap(30);
	CHECK(drain(efd) == 0, "no signal after unregister");

	/* Async variant: an inline NOP is not signalled, a read that waited is. */
	CHECK(io_uring_register_eventfd_async(&ring, efd) == 0, "register async");
	nop_and_reap(40);
	CHECK(drain(efd) == 0, "inline completion not signalled");
	/* A file read forced to io-wq completes in a worker: that one is signalled. */
	int fd = t_tmpfile();
	char rbuf[8];
	CHECK(pwrite(fd, "hello", 5, 0) == 5, "pwrite");
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, sizeof(rbuf), 0);
	sqe->flags |= IOSQE_ASYNC;
	sqe->user_data = 41;
	CHECK(io_uring_submit(&ring) == 1, "submit read");
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	ret = poll(&pfd, 1, 2000);
	CHECK(ret == 1, "eventfd became readable: %d", ret);
	struct io_uring_cqe *cqe;
	CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->user_data == 41 && cqe->res == 5, "read cqe");
	T_KERNEL_WROTE(rbuf, cqe->res);
	CHECK(memcmp(rbuf, "hello", 5) == 0, "read data");
	io_uring_cqe_seen(&ring, cqe);
	v = drain(efd);
	CHECK(v == 1, "async completion signalled once: %llu", (unsigned long long)v);
	close(fd);
	CHECK(io_uring_unregister_eventfd(&ring) == 0, "unregister async");

	close(efd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
