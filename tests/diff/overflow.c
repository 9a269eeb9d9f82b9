/* SPDX-License-Identifier: MIT */
/*
 * CQ overflow: more completions than CQ slots. Checks what cq_ready, cq_has_overflow and
 * the kernel's overflow counter show, that peek_batch_cqe returns what is in the ring,
 * that peek_cqe / wait_cqe flush the kernel's overflow list (IORING_ENTER_GETEVENTS),
 * and that every completion arrives exactly once, in order.
 */
#include "common.h"

static struct io_uring ring;

static void queue_nops(unsigned n, unsigned long long first)
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		REQUIRE(sqe);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, first + i);
	}
}

int main(void)
{
	struct io_uring_cqe *cqe, *cqes[32];
	unsigned long long expect = 0;
	unsigned got, total = 0, in_order = 1;
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	REQUIRE(ret == 0);
	OUT("sq/cq entries", "%u/%u", ring.sq.ring_entries, ring.cq.ring_entries);
	OUT("overflow counter at start", "%u", *ring.cq.koverflow);

	for (int round = 0; round < 4; round++) {
		queue_nops(4, (unsigned long long)round * 4);
		ret = io_uring_submit(&ring);
		printf("submit round %d = %s\n", round, errname(ret));
	}
	OUT("cq_ready", "%u", io_uring_cq_ready(&ring));
	OUT("cq_has_overflow", "%d", io_uring_cq_has_overflow(&ring));
	OUT("overflow counter", "%u", *ring.cq.koverflow);

	got = io_uring_peek_batch_cqe(&ring, cqes, 32);
	OUT("peek_batch_cqe(32)", "%u", got);
	for (unsigned i = 0; i < got; i++) {
		if (cqes[i]->user_data != expect++ || cqes[i]->res != 0)
			in_order = 0;
	}
	io_uring_cq_advance(&ring, got);
	total += got;
	OUT("cq_ready after advance", "%u", io_uring_cq_ready(&ring));
	OUT("cq_has_overflow after advance", "%d", io_uring_cq_has_overflow(&ring));

	/* peek_cqe must notice the overflow flag and flush the backlog */
	ret = io_uring_peek_cqe(&ring, &cqe);
	OUT_RET("peek_cqe (backlog in kernel)", ret);
	if (ret == 0) {
		OUT("  cqe user_data", "%llu", (unsigned long long)cqe->user_data);
		if (cqe->user_data != expect++)
			in_order = 0;
		io_uring_cqe_seen(&ring, cqe);
		total++;
	}
	OUT("cq_has_overflow after flush", "%d", io_uring_cq_has_overflow(&ring));
	while (total < 16) {
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret) {
			OUT_RET("wait_cqe failed", ret);
			break;
		}
		if (cqe->user_data != expect++ || cqe->res != 0)
			in_order = 0;
		io_uring_cqe_seen(&ring, cqe);
		total++;
	}
	OUT("completions received", "%u", total);
	OUT("all in order with res 0", "%d", in_order);
	OUT("cq_ready at end", "%u", io_uring_cq_ready(&ring));
	OUT("cq_has_overflow at end", "%d", io_uring_cq_has_overflow(&ring));
	OUT_RET("peek_cqe at end", io_uring_peek_cqe(&ring, &cqe));

	/* overflow again, then drain only with wait_cqe_nr / for_each_cqe */
	for (int round = 0; round < 3; round++) {
		queue_nops(4, 100 + (unsigned long long)round * 4);
		ret = io_uring_submit(&ring);
		printf("submit round %d = %s\n", round, errname(ret));
	}
	total = 0;
	expect = 100;
	in_order = 1;
	while (total < 12) {
		unsigned head, n = 0;

		ret = io_uring_wait_cqe_nr(&ring, &cqe, 1);
		if (ret) {
			OUT_RET("wait_cqe_nr failed", ret);
			break;
		}
		io_uring_for_each_cqe(&ring, head, cqe) {
			if (cqe->user_data != expect++)
				in_order = 0;
			n++;
		}
		printf("batch = %u\n", n);
		io_uring_cq_advance(&ring, n);
		total += n;
	}
	OUT("second round received", "%u", total);
	OUT("second round in order", "%d", in_order);
	io_uring_queue_exit(&ring);
	return 0;
}
