/* SPDX-License-Identifier: MIT */
/*
 * Restricted rings on the kernel: a ring set up with IORING_SETUP_R_DISABLED gets
 * restrictions (SQE ops NOP and READ; SQE flags IOSQE_IO_LINK allowed; register op
 * REGISTER_PERSONALITY), then io_uring_enable_rings. After that a NOP and a READ work
 * (data checked), a WRITE and an SQE with a forbidden flag fail with -EACCES, an allowed
 * register op works and a forbidden one returns -EACCES. Restrictions are refused on an
 * enabled ring and a second time.
 */
#include "helpers.h"
#include <liburing.h>
#include <unistd.h>

static struct io_uring ring;

static int run(struct io_uring_sqe *sqe, __u64 ud)
{
	struct io_uring_cqe *cqe;
	int res;

	sqe->user_data = ud;
	CHECK(io_uring_submit(&ring) == 1, "submit");
	CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->user_data == ud, "cqe %llu", (unsigned long long)ud);
	res = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	return res;
}

int main(void)
{
	struct io_uring_restriction res[4];
	struct io_uring plain;
	char buf[16] = { 0 };
	int fd, ret;

	CHECK(io_uring_queue_init(8, &plain, 0) == 0, "queue_init plain");
	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_SQE_OP;
	res[0].sqe_op = IORING_OP_NOP;
	res[1].opcode = IORING_RESTRICTION_SQE_OP;
	res[1].sqe_op = IORING_OP_READ;
	res[2].opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED;
	res[2].sqe_flags = IOSQE_IO_LINK;
	res[3].opcode = IORING_RESTRICTION_REGISTER_OP;
	res[3].register_op = IORING_REGISTER_PERSONALITY;
	/* Only disabled rings take restrictions. */
	ret = io_uring_register_restrictions(&plain, res, 4);
	CHECK(ret == -EBADFD, "restrictions on an enabled ring: %d", ret);
	io_uring_queue_exit(&plain);

	CHECK(io_uring_register_restrictions(NULL, res, 4) == -EINVAL, "NULL ring");
	CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_R_DISABLED) == 0, "queue_init disabled");
	ret = io_uring_register_restrictions(&ring, res, 4);
	CHECK(ret == 0, "register_restrictions %d", ret);
	ret = io_uring_register_restrictions(&ring, res, 4);
	CHECK(ret == -EBUSY, "second set of restrictions: %d", ret);
	/* Submitting before enabling fails. */
	io_uring_prep_nop(io_uring_get_sqe(&ring));
	ret = io_uring_submit(&ring);
	CHECK(ret == -EBADFD, "submit on a disabled ring: %d", ret);
	CHECK(io_uring_enable_rings(&ring) == 0, "enable_rings");
	/* The NOP that was queued goes now. */
	struct io_uring_cqe *cqe;
	CHECK(io_uring_submit_and_wait(&ring, 1) == 1, "submit queued nop");
	CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->res == 0, "queued nop");
	io_uring_cqe_seen(&ring, cqe);

	fd = t_tmpfile();
	CHECK(pwrite(fd, "restricted", 10, 0) == 10, "pwrite");

	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	CHECK(run(sqe, 1) == 0, "allowed NOP");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
	ret = run(sqe, 2);
	CHECK(ret == 10 && memcmp(buf, "restricted", 10) == 0, "allowed READ: %d", ret);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, buf, 4, 0);
	ret = run(sqe, 3);
	CHECK(ret == -EACCES, "forbidden WRITE: %d", ret);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->flags |= IOSQE_ASYNC;
	ret = run(sqe, 4);
	CHECK(ret == -EACCES, "forbidden IOSQE_ASYNC: %d", ret);

	/* Register ops: personality allowed, files not. */
	ret = io_uring_register_personality(&ring);
	CHECK(ret > 0, "allowed register op: %d", ret);
	ret = io_uring_register_files_sparse(&ring, 4);
	CHECK(ret == -EACCES, "forbidden register op: %d", ret);

	close(fd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
