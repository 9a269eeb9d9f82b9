/* SPDX-License-Identifier: MIT */
/*
 * Probing on the kernel: io_uring_get_probe and io_uring_get_probe_ring agree; for every
 * opcode 0..255 the probe's answer matches what the kernel does with an SQE of that
 * opcode: each op io_uring_opcode_supported calls unsupported (including everything past
 * last_op) fails with -EINVAL (or -EOPNOTSUPP for ops the kernel knows but has compiled
 * out), and the supported NOP completes with 0. io_uring_register_probe into a small
 * caller buffer reports only that many ops; a non-zeroed buffer is refused by the kernel;
 * NULL probes are harmless.
 */
/* bad input goes to the library's validating exports, not the inline helpers */
#define IO_URINE_NO_INLINE
#include "helpers.h"
#include <liburing.h>
#include <stdlib.h>

static struct io_uring ring;

static int submit_op(int op)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;
	int res;

	io_uring_prep_rw(op, sqe, -1, NULL, 0, 0);
	sqe->user_data = 0x1000 + op;
	CHECK(io_uring_submit(&ring) == 1, "submit op %d", op);
	CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->user_data == (__u64)(0x1000 + op), "cqe op %d", op);
	res = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	return res;
}

int main(void)
{
	struct io_uring_probe *p, *pr, *small;
	int unsupported = 0;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");
	p = io_uring_get_probe();
	CHECK(p, "get_probe");
	pr = io_uring_get_probe_ring(&ring);
	CHECK(pr, "get_probe_ring");
	CHECK(io_uring_get_probe_ring(NULL) == NULL, "NULL ring");
	CHECK(p->last_op == pr->last_op && p->ops_len == pr->ops_len, "probes agree");
	CHECK(p->ops_len == p->last_op + 1, "ops_len %u last_op %u", p->ops_len, p->last_op);
	CHECK(p->last_op >= IORING_OP_READ, "last_op %u", p->last_op);
	for (int op = 0; op <= p->last_op; op++) {
		CHECK(p->ops[op].op == op, "ops[%d].op = %u", op, p->ops[op].op);
		CHECK(io_uring_opcode_supported(p, op) == io_uring_opcode_supported(pr, op), "op %d", op);
	}
	CHECK(io_uring_opcode_supported(p, IORING_OP_NOP) == 1, "NOP supported");
	CHECK(io_uring_opcode_supported(p, IORING_OP_READ) == 1, "READ supported");
	CHECK(io_uring_opcode_supported(p, -1) == 0, "negative op");
	CHECK(io_uring_opcode_supported(p, p->last_op + 1) == 0, "op past last_op");
	CHECK(io_uring_opcode_supported(NULL, 0) == 0, "NULL probe");

	CHECK(submit_op(IORING_OP_NOP) == 0, "supported NOP works");
	for (int op = 0; op < 256; op++) {
		if (io_uring_opcode_supported(p, op))
			continue;
		int res = submit_op(op);
		if (op > p->last_op)
			CHECK(res == -EINVAL, "op %d past last_op: %d", op, res);
		else
			CHECK(res == -EINVAL || res == -EOPNOTSUPP, "unsupported op %d: %d", op, res);
		unsupported++;
	}
	CHECK(unsupported >= 256 - (p->last_op + 1), "unsupported count %d", unsupported);

	/* A caller buffer with room for 4 ops gets 4. */
	small = calloc(1, sizeof(*small) + 4 * sizeof(struct io_uring_probe_op));
	CHECK(small, "calloc");
	CHECK(io_uring_register_probe(&ring, small, 4) == 0, "register_probe");
	CHECK(small->ops_len == 4 && small->last_op == p->last_op, "small probe %u/%u", small->ops_len, small->last_op);
	CHECK(io_uring_opcode_supported(small, IORING_OP_NOP) == 1, "NOP in small probe");
	CHECK(io_uring_opcode_supported(small, IORING_OP_READ) == 0, "READ is beyond the small probe");
	small->resv = 1;
	CHECK(io_uring_register_probe(&ring, small, 4) == -EINVAL, "non-zeroed probe refused");
	CHECK(io_uring_register_probe(NULL, small, 4) == -EINVAL, "NULL ring");
	free(small);

	io_uring_free_probe(p);
	io_uring_free_probe(pr);
	io_uring_free_probe(NULL);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
