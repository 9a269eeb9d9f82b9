/* SPDX-License-Identifier: MIT */
/*
 * Registered ring fd on the kernel: register_ring_fd returns 1, puts the registered
 * index in enter_ring_fd and sets liburing's int_flags (REG_RING = 0x10, and REG_REG_RING
 * = 0x1 with IORING_FEAT_REG_REG_RING); submit/wait keep working through the index
 * (checked with a pipe read that completes later), as do register calls; a second
 * registration is -EEXIST. unregister_ring_fd restores the fd and flags. After
 * re-registering, close_ring_fd closes the real fd (fcntl sees it gone), sets ring_fd
 * to -1, and the ring still submits, waits and registers; a second close is -EBADF.
 */
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <unistd.h>

#define REG_RING 0x10
#define REG_REG_RING 0x01

static void nop_cycle(struct io_uring *ring, __u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;

	io_uring_prep_nop(sqe);
	sqe->user_data = ud;
	CHECK(io_uring_submit_and_wait(ring, 1) == 1, "submit_and_wait");
	CHECK(io_uring_peek_cqe(ring, &cqe) == 0 && cqe->user_data == ud, "nop cqe");
	io_uring_cqe_seen(ring, cqe);
}

/* A read on a pipe that completes only after a write: a real wait in the kernel. */
static void pipe_cycle(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	char buf[8] = { 0 };
	int p[2];

	CHECK(pipe(p) == 0, "pipe");
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->user_data = 0x77;
	CHECK(io_uring_submit(ring) == 1, "submit read");
	CHECK(io_uring_peek_cqe(ring, &cqe) == -EAGAIN, "not complete yet");
	CHECK(write(p[1], "ringfd", 6) == 6, "write");
	CHECK(io_uring_wait_cqe(ring, &cqe) == 0, "wait");
	CHECK(cqe->user_data == 0x77 && cqe->res == 6 && memcmp(buf, "ringfd", 6) == 0, "read result %d", cqe->res);
	io_uring_cqe_seen(ring, cqe);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	struct io_uring ring;
	int fd, ret;

	CHECK(io_uring_register_ring_fd(NULL) == -EINVAL, "NULL ring");
	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");
	fd = ring.ring_fd;
	CHECK(ring.enter_ring_fd == fd && (ring.int_flags & (REG_RING | REG_REG_RING)) == 0, "initial state");
	CHECK(io_uring_unregister_ring_fd(&ring) == -EINVAL, "unregister when not registered");
	CHECK(io_uring_close_ring_fd(&ring) == ((ring.features & IORING_FEAT_REG_REG_RING) ? -EINVAL : -EOPNOTSUPP),
	      "close when not registered");

	ret = io_uring_register_ring_fd(&ring);
	CHECK(ret == 1, "register_ring_fd %d", ret);
	CHECK(ring.ring_fd == fd, "ring_fd unchanged");
	CHECK(ring.enter_ring_fd >= 0 && ring.enter_ring_fd != fd, "enter_ring_fd is the index %d", ring.enter_ring_fd);
	CHECK(ring.int_flags & REG_RING, "INT_FLAG_REG_RING set: 0x%x", ring.int_flags);
	if (ring.features & IORING_FEAT_REG_REG_RING)
		CHECK(ring.int_flags & REG_REG_RING, "INT_FLAG_REG_REG_RING set: 0x%x", ring.int_flags);
	CHECK(io_uring_register_ring_fd(&ring) == -EEXIST, "second registration");
	/* The raw enter with the index and the registered-ring flag works: it is an index. */
	ret = io_uring_enter(ring.enter_ring_fd, 0, 0, IORING_ENTER_REGISTERED_RING, NULL);
	CHECK(ret == 0, "raw enter through the index: %d", ret);
	nop_cycle(&ring, 1);
	pipe_cycle(&ring);
	CHECK(io_uring_register_files_sparse(&ring, 2) == 0, "register call while registered");
	CHECK(io_uring_unregister_files(&ring) == 0, "unregister files");

	ret = io_uring_unregister_ring_fd(&ring);
	CHECK(ret == 1, "unregister_ring_fd %d", ret);
	CHECK(ring.enter_ring_fd == fd && (ring.int_flags & (REG_RING | REG_REG_RING)) == 0, "state restored");
	nop_cycle(&ring, 2);

	if (!(ring.features & IORING_FEAT_REG_REG_RING)) {
		io_uring_queue_exit(&ring);
		t_skip_case("close_ring_fd", "kernel lacks IORING_FEAT_REG_REG_RING");
		return T_EXIT_PASS;
	}
	CHECK(io_uring_register_ring_fd(&ring) == 1, "register again");
	ret = io_uring_close_ring_fd(&ring);
	CHECK(ret == 1, "close_ring_fd %d", ret);
	CHECK(ring.ring_fd == -1, "ring_fd now -1");
	CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF, "real fd closed");
	nop_cycle(&ring, 3);
	pipe_cycle(&ring);
	CHECK(io_uring_register_files_sparse(&ring, 2) == 0, "register call on the index only");
	CHECK(io_uring_close_ring_fd(&ring) == -EBADF, "second close");
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
