/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_sync_msg on the kernel: an IORING_OP_MSG_RING SQE built on the stack
 * (no source ring) posts a CQE with the given user_data and res into the target ring,
 * also with IORING_MSG_RING_FLAGS_PASS carrying CQE flags; a bad target fd and a non
 * MSG_RING opcode get the same errors as the raw syscall.
 */
#include "helpers.h"
#include <liburing.h>
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct io_uring target;
	struct io_uring_sqe sqe;
	struct io_uring_cqe *cqe;
	int ret, raw;

	CHECK(io_uring_queue_init(8, &target, 0) == 0, "queue_init");

	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring(&sqe, target.ring_fd, 0x1234, 0xdeadbeef, 0);
	ret = io_uring_register_sync_msg(&sqe);
	if (ret == -EINVAL && syscall(__NR_io_uring_register, -1, IORING_REGISTER_SEND_MSG_RING, &sqe, 1) == -1 && errno == EINVAL)
		SKIP("kernel without IORING_REGISTER_SEND_MSG_RING");
	CHECK(ret == 0, "sync_msg %d", ret);
	CHECK(io_uring_peek_cqe(&target, &cqe) == 0, "target got a CQE");
	CHECK(cqe->user_data == 0xdeadbeef && cqe->res == 0x1234, "cqe %llx res %x",
	      (unsigned long long)cqe->user_data, cqe->res);
	io_uring_cqe_seen(&target, cqe);

	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring_cqe_flags(&sqe, target.ring_fd, 7, 0x77, 0, 0x5a0000);
	ret = io_uring_register_sync_msg(&sqe);
	CHECK(ret == 0, "sync_msg with flags %d", ret);
	CHECK(io_uring_peek_cqe(&target, &cqe) == 0, "second CQE");
	CHECK(cqe->user_data == 0x77 && cqe->res == 7 && cqe->flags == 0x5a0000, "flags passed: %x", cqe->flags);
	io_uring_cqe_seen(&target, cqe);

	/* Errors are the kernel's. */
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring(&sqe, 1000, 1, 1, 0);
	raw = io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, &sqe, 1);
	ret = io_uring_register_sync_msg(&sqe);
	CHECK(ret == raw && ret == -EBADF, "bad fd: %d, raw %d", ret, raw);
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_nop(&sqe);
	sqe.fd = target.ring_fd;
	raw = io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, &sqe, 1);
	ret = io_uring_register_sync_msg(&sqe);
	CHECK(ret == raw && ret == -EINVAL, "not MSG_RING: %d, raw %d", ret, raw);
	raw = io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, NULL, 1);
	ret = io_uring_register_sync_msg(NULL);
	CHECK(ret == raw && ret < 0, "NULL sqe: %d, raw %d", ret, raw);
	CHECK(io_uring_cq_ready(&target) == 0, "no stray CQEs");

	io_uring_queue_exit(&target);
	return T_EXIT_PASS;
}
