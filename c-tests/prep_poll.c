/* SPDX-License-Identifier: MIT */
/*
 * Poll prep helpers on the real kernel: poll_add waits until a pipe becomes readable
 * (and not before), poll_remove cancels a pending poll (-ECANCELED / -ENOENT),
 * poll_update changes both the mask and the user_data of a pending poll on an eventfd,
 * poll_multishot posts one CQE per event with IORING_CQE_F_MORE until removed, and
 * epoll_ctl (ADD/MOD/DEL, -EEXIST) plus epoll_wait deliver the registered event data.
 */
#include "helpers.h"
#include <liburing.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static struct io_uring ring;

#define sqe_get() t_get_sqe(&ring)

static void submit(void)
{
	int ret = io_uring_submit(&ring);

	CHECK(ret >= 1, "submit %d", ret);
}

/* Wait for one CQE, check its user_data, return res; flags go to *flags if given. */
static int reap(__u64 ud, unsigned *flags)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_wait_cqe(&ring, &cqe);

	CHECK(ret == 0, "wait_cqe %d", ret);
	CHECK(cqe->user_data == ud, "user_data %llu, want %llu", (unsigned long long)cqe->user_data,
	      (unsigned long long)ud);
	ret = cqe->res;
	if (flags)
		*flags = cqe->flags;
	io_uring_cqe_seen(&ring, cqe);
	return ret;
}

/* Nothing must be completed (the kernel has run everything it could). */
static void expect_none(void)
{
	struct io_uring_cqe *cqe = NULL;
	int ret;

	usleep(20000);
	io_uring_get_events(&ring);
	ret = io_uring_peek_cqe(&ring, &cqe);
	CHECK(ret == -EAGAIN && !cqe, "unexpected completion (ud %llu, res %d)",
	      cqe ? (unsigned long long)cqe->user_data : 0ULL, cqe ? cqe->res : 0);
}

static void test_poll_add_remove(void)
{
	struct io_uring_sqe *sqe;
	int p[2], ret;
	char c;

	CHECK(pipe(p) == 0, "pipe");
	sqe = sqe_get();
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	sqe->user_data = 1;
	submit();
	expect_none();
	CHECK(write(p[1], "x", 1) == 1, "write");
	ret = reap(1, NULL);
	CHECK(ret > 0 && (ret & POLLIN), "poll_add res %x", ret);
	CHECK(read(p[0], &c, 1) == 1, "read");

	/* writable end polled for POLLOUT fires at once */
	sqe = sqe_get();
	io_uring_prep_poll_add(sqe, p[1], POLLOUT);
	sqe->user_data = 2;
	submit();
	CHECK((ret = reap(2, NULL)) & POLLOUT, "POLLOUT res %x", ret);

	/* poll_remove of a pending poll */
	sqe = sqe_get();
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	sqe->user_data = 10;
	submit();
	sqe = sqe_get();
	io_uring_prep_poll_remove(sqe, 10);
	sqe->user_data = 11;
	submit();
	int got_remove = 0, got_poll = 0;
	for (int i = 0; i < 2; i++) {
		struct io_uring_cqe *cqe;
		CHECK(io_uring_wait_cqe(&ring, &cqe) == 0, "wait");
		if (cqe->user_data == 11) {
			CHECK(cqe->res == 0, "poll_remove res %d", cqe->res);
			got_remove = 1;
		} else {
			CHECK(cqe->user_data == 10 && cqe->res == -ECANCELED, "removed poll: ud %llu res %d",
			      (unsigned long long)cqe->user_data, cqe->res);
			got_poll = 1;
		}
		io_uring_cqe_seen(&ring, cqe);
	}
	CHECK(got_remove && got_poll, "missing CQEs");
	sqe = sqe_get();
	io_uring_prep_poll_remove(sqe, 10);
	sqe->user_data = 12;
	submit();
	CHECK((ret = reap(12, NULL)) == -ENOENT, "poll_remove of nothing %d", ret);
	close(p[0]);
	close(p[1]);
}

static void test_poll_update(void)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int efd = eventfd(0, 0), ret;

	CHECK(efd >= 0, "eventfd");
	/* POLLIN on a zero eventfd stays pending */
	sqe = sqe_get();
	io_uring_prep_poll_add(sqe, efd, POLLIN);
	sqe->user_data = 20;
	submit();
	expect_none();
	/* switch it to POLLOUT (ready now) and to user_data 21 */
	sqe = sqe_get();
	io_uring_prep_poll_update(sqe, 20, 21, POLLOUT,
				  IORING_POLL_UPDATE_EVENTS | IORING_POLL_UPDATE_USER_DATA);
	sqe->user_data = 22;
	submit();
	int seen_update = 0, seen_poll = 0;
	for (int i = 0; i < 2; i++) {
		CHECK(io_uring_wait_cqe(&ring, &cqe) == 0, "wait");
		if (cqe->user_data == 22) {
			CHECK(cqe->res == 0, "poll_update res %d", cqe->res);
			seen_update = 1;
		} else {
			CHECK(cqe->user_data == 21, "updated poll fired with ud %llu",
			      (unsigned long long)cqe->user_data);
			CHECK(cqe->res & POLLOUT, "updated poll res %x", cqe->res);
			seen_poll = 1;
		}
		io_uring_cqe_seen(&ring, cqe);
	}
	CHECK(seen_update && seen_poll, "missing CQEs");
	sqe = sqe_get();
	io_uring_prep_poll_update(sqe, 20, 0, POLLIN, IORING_POLL_UPDATE_EVENTS);
	sqe->user_data = 23;
	submit();
	CHECK((ret = reap(23, NULL)) == -ENOENT, "update of a finished poll %d", ret);
	close(efd);
}

static void test_poll_multishot(void)
{
	struct io_uring_sqe *sqe;
	unsigned flags;
	uint64_t v;
	int efd = eventfd(0, EFD_NONBLOCK), ret;

	CHECK(efd >= 0, "eventfd");
	sqe = sqe_get();
	io_uring_prep_poll_multishot(sqe, efd, POLLIN);
	CHECK(sqe->len == IORING_POLL_ADD_MULTI, "multishot len %u", sqe->len);
	sqe->user_data = 30;
	submit();
	for (int i = 0; i < 3; i++) {
		v = 1;
		CHECK(write(efd, &v, 8) == 8, "eventfd write");
		ret = reap(30, &flags);
		CHECK(ret & POLLIN, "multishot event %d res %x", i, ret);
		CHECK(flags & IORING_CQE_F_MORE, "multishot event %d without F_MORE", i);
		CHECK(read(efd, &v, 8) == 8, "eventfd read");
	}
	expect_none();
	sqe = sqe_get();
	io_uring_prep_poll_remove(sqe, 30);
	sqe->user_data = 31;
	submit();
	int seen = 0;
	for (int i = 0; i < 2; i++) {
		struct io_uring_cqe *cqe;
		CHECK(io_uring_wait_cqe(&ring, &cqe) == 0, "wait");
		if (cqe->user_data == 31) {
			CHECK(cqe->res == 0, "remove multishot %d", cqe->res);
		} else {
			CHECK(cqe->user_data == 30 && cqe->res == -ECANCELED &&
			      !(cqe->flags & IORING_CQE_F_MORE), "multishot end res %d flags %x",
			      cqe->res, cqe->flags);
		}
		seen++;
		io_uring_cqe_seen(&ring, cqe);
	}
	CHECK(seen == 2, "CQEs");
	close(efd);
}

static void test_epoll(void)
{
	struct io_uring_sqe *sqe;
	struct epoll_event ev, out[4];
	int epfd = epoll_create1(0), p[2], ret;

	CHECK(epfd >= 0 && pipe(p) == 0, "epoll_create/pipe");
	ev.events = EPOLLIN;
	ev.data.u64 = 0x1122334455667788ULL;
	sqe = sqe_get();
	io_uring_prep_epoll_ctl(sqe, epfd, p[0], EPOLL_CTL_ADD, &ev);
	sqe->user_data = 40;
	submit();
	CHECK((ret = reap(40, NULL)) == 0, "epoll_ctl ADD %d", ret);
	sqe = sqe_get();
	io_uring_prep_epoll_ctl(sqe, epfd, p[0], EPOLL_CTL_ADD, &ev);
	sqe->user_data = 41;
	submit();
	CHECK((ret = reap(41, NULL)) == -EEXIST, "second EPOLL_CTL_ADD %d", ret);

	CHECK(write(p[1], "y", 1) == 1, "write");
	memset(out, 0, sizeof(out));
	CHECK(epoll_wait(epfd, out, 4, 0) == 1 && out[0].data.u64 == ev.data.u64, "epoll_wait(2)");

	/* MOD changes the data the next event carries */
	ev.data.u64 = 42;
	sqe = sqe_get();
	io_uring_prep_epoll_ctl(sqe, epfd, p[0], EPOLL_CTL_MOD, &ev);
	sqe->user_data = 42;
	submit();
	CHECK((ret = reap(42, NULL)) == 0, "epoll_ctl MOD %d", ret);

	memset(out, 0, sizeof(out));
	sqe = sqe_get();
	io_uring_prep_epoll_wait(sqe, epfd, out, 4, 0);
	sqe->user_data = 43;
	submit();
	ret = reap(43, NULL);
	if ((ret == -EINVAL || ret == -EOPNOTSUPP) && !t_kernel_has_op(IORING_OP_EPOLL_WAIT)) {
		t_skip_case("epoll_wait", "kernel lacks IORING_OP_EPOLL_WAIT (%d)", ret);
	} else {
		CHECK(ret == 1, "epoll_wait op %d", ret);
		CHECK(out[0].events & EPOLLIN && out[0].data.u64 == 42, "epoll_wait event %x data %llu",
		      out[0].events, (unsigned long long)out[0].data.u64);
	}

	sqe = sqe_get();
	io_uring_prep_epoll_ctl(sqe, epfd, p[0], EPOLL_CTL_DEL, NULL);
	sqe->user_data = 44;
	submit();
	CHECK((ret = reap(44, NULL)) == 0, "epoll_ctl DEL %d", ret);
	CHECK(epoll_wait(epfd, out, 4, 0) == 0, "event after DEL");
	close(p[0]);
	close(p[1]);
	close(epfd);
}

int main(void)
{
	int ret = io_uring_queue_init(8, &ring, 0);

	CHECK(ret == 0, "queue_init %d", ret);
	test_poll_add_remove();
	test_poll_update();
	test_poll_multishot();
	test_epoll();
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
