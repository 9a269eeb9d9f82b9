/* SPDX-License-Identifier: MIT */
/*
 * Queue basics: ring sizes, get_sqe until the SQ is full, sq_ready / sq_space_left,
 * submit counts, submit_and_wait, wait_cqe_nr, cq_ready, io_uring_for_each_cqe +
 * io_uring_cq_advance, peek_cqe on an empty CQ, cqe_seen, user_data round trips,
 * SQE flags (IO_LINK, IO_DRAIN), CQSIZE and SQPOLL rings.
 */
#include "common.h"

static void nops(struct io_uring *ring, unsigned n, unsigned long long first_ud)
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		REQUIRE(sqe);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, first_ud + i);
	}
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	struct io_uring_cqe *cqe, *cqes[16];
	struct io_uring_sqe *sqe;
	unsigned head, n, got;
	unsigned long long sum;
	int ret;

	ret = io_uring_queue_init(8, &ring, 0);
	OUT_RET("queue_init(8)", ret);
	REQUIRE(ret == 0);
	OUT("sq.ring_entries", "%u", ring.sq.ring_entries);
	OUT("cq.ring_entries", "%u", ring.cq.ring_entries);
	OUT("sq.ring_mask", "%u", ring.sq.ring_mask);
	OUT("cq.ring_mask", "%u", ring.cq.ring_mask);
	OUT("*sq.kring_entries", "%u", *ring.sq.kring_entries);
	OUT("*cq.kring_entries", "%u", *ring.cq.kring_entries);
	OUT("sq_space_left (empty)", "%u", io_uring_sq_space_left(&ring));
	OUT("sq_ready (empty)", "%u", io_uring_sq_ready(&ring));
	OUT("cq_ready (empty)", "%u", io_uring_cq_ready(&ring));
	OUT_RET("submit (nothing queued)", io_uring_submit(&ring));
	OUT_RET("peek_cqe (empty)", io_uring_peek_cqe(&ring, &cqe));

	/* fill the SQ */
	n = 0;
	while ((sqe = io_uring_get_sqe(&ring)) != NULL) {
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 1000 + n);
		n++;
		if (n == 3) {
			OUT("sq_ready after 3", "%u", io_uring_sq_ready(&ring));
			OUT("sq_space_left after 3", "%u", io_uring_sq_space_left(&ring));
		}
		REQUIRE(n <= 64);
	}
	OUT("get_sqe succeeded before NULL", "%u", n);
	OUT("sq_ready (full)", "%u", io_uring_sq_ready(&ring));
	OUT("sq_space_left (full)", "%u", io_uring_sq_space_left(&ring));
	OUT("get_sqe again (full) is NULL", "%d", io_uring_get_sqe(&ring) == NULL);
	ret = io_uring_submit(&ring);
	OUT_RET("submit (full SQ)", ret);
	OUT("sq_ready after submit", "%u", io_uring_sq_ready(&ring));
	OUT("sq_space_left after submit", "%u", io_uring_sq_space_left(&ring));
	ret = io_uring_wait_cqe_nr(&ring, &cqe, 8);
	OUT_RET("wait_cqe_nr(8)", ret);
	OUT("wait_cqe_nr cqe user_data", "%llu", (unsigned long long)cqe->user_data);
	OUT("cq_ready after wait_cqe_nr", "%u", io_uring_cq_ready(&ring));

	/* for_each_cqe + cq_advance */
	got = 0;
	sum = 0;
	io_uring_for_each_cqe(&ring, head, cqe) {
		sum += cqe->user_data;
		printf("for_each_cqe[%u] = ud %llu res %d flags 0x%x\n", got,
		       (unsigned long long)cqe->user_data, cqe->res, cqe->flags);
		got++;
	}
	OUT("for_each_cqe count", "%u", got);
	OUT("for_each_cqe user_data sum", "%llu", sum);
	io_uring_cq_advance(&ring, 5);
	OUT("cq_ready after advance(5)", "%u", io_uring_cq_ready(&ring));
	io_uring_cq_advance(&ring, 0);
	OUT("cq_ready after advance(0)", "%u", io_uring_cq_ready(&ring));
	io_uring_cq_advance(&ring, 3);
	OUT("cq_ready after advance(3)", "%u", io_uring_cq_ready(&ring));
	OUT_RET("peek_cqe (drained)", io_uring_peek_cqe(&ring, &cqe));

	/* submit_and_wait, then peek_batch_cqe in two steps */
	nops(&ring, 6, 2000);
	ret = io_uring_submit_and_wait(&ring, 6);
	OUT_RET("submit_and_wait(6 nops, 6)", ret);
	OUT("cq_ready", "%u", io_uring_cq_ready(&ring));
	got = io_uring_peek_batch_cqe(&ring, cqes, 4);
	OUT("peek_batch_cqe(4)", "%u", got);
	for (unsigned i = 0; i < got; i++)
		printf("peek_batch[%u] = ud %llu res %d\n", i, (unsigned long long)cqes[i]->user_data, cqes[i]->res);
	io_uring_cq_advance(&ring, got);
	got = io_uring_peek_batch_cqe(&ring, cqes, 4);
	OUT("peek_batch_cqe(4) again", "%u", got);
	for (unsigned i = 0; i < got; i++)
		printf("peek_batch[%u] = ud %llu res %d\n", i, (unsigned long long)cqes[i]->user_data, cqes[i]->res);
	io_uring_cq_advance(&ring, got);
	OUT("peek_batch_cqe(4) on empty", "%u", io_uring_peek_batch_cqe(&ring, cqes, 4));

	/* wait_cqe / peek_cqe / cqe_seen one by one; get_data round trip */
	sqe = io_uring_get_sqe(&ring);
	REQUIRE(sqe);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data(sqe, (void *)&ring);
	sqe = io_uring_get_sqe(&ring);
	REQUIRE(sqe);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 0xfedcba9876543210ULL);
	OUT_RET("submit(2)", io_uring_submit(&ring));
	OUT_RET("wait_cqe", io_uring_wait_cqe(&ring, &cqe));
	OUT("cqe_get_data is &ring", "%d", io_uring_cqe_get_data(cqe) == (void *)&ring);
	io_uring_cqe_seen(&ring, cqe);
	OUT_RET("wait_cqe", io_uring_wait_cqe(&ring, &cqe));
	OUT("cqe_get_data64", "0x%llx", (unsigned long long)io_uring_cqe_get_data64(cqe));
	io_uring_cqe_seen(&ring, cqe);
	io_uring_cqe_seen(&ring, NULL);
	OUT("cq_ready after cqe_seen(NULL)", "%u", io_uring_cq_ready(&ring));

	/* SQE flags: a linked chain and a drain */
	nops(&ring, 3, 3000);
	ring.sq.sqes[(ring.sq.sqe_tail - 3) & ring.sq.ring_mask].flags |= IOSQE_IO_LINK;
	ring.sq.sqes[(ring.sq.sqe_tail - 2) & ring.sq.ring_mask].flags |= IOSQE_IO_LINK;
	sqe = io_uring_get_sqe(&ring);
	REQUIRE(sqe);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_DRAIN);
	io_uring_sqe_set_data64(sqe, 3003);
	OUT_RET("submit(link chain + drain)", io_uring_submit(&ring));
	diff_reap_sorted(&ring, 4, "linked");
	io_uring_queue_exit(&ring);

	/* CQSIZE */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 64;
	ret = io_uring_queue_init_params(4, &ring, &p);
	OUT_RET("queue_init_params(4, CQSIZE 64)", ret);
	REQUIRE(ret == 0);
	OUT("sq/cq ring_entries", "%u/%u", ring.sq.ring_entries, ring.cq.ring_entries);
	OUT("p.sq_entries/p.cq_entries", "%u/%u", p.sq_entries, p.cq_entries);
	io_uring_queue_exit(&ring);

	/* non-power-of-two sizes round up */
	ret = io_uring_queue_init(5, &ring, 0);
	OUT_RET("queue_init(5)", ret);
	REQUIRE(ret == 0);
	OUT("sq/cq ring_entries", "%u/%u", ring.sq.ring_entries, ring.cq.ring_entries);
	io_uring_queue_exit(&ring);

	/* SQPOLL: the inline get_sqe/sq_ready read khead with acquire */
	ret = io_uring_queue_init(4, &ring, IORING_SETUP_SQPOLL);
	OUT_RET("queue_init(4, SQPOLL)", ret);
	if (ret == 0) {
		for (int round = 0; round < 3; round++) {
			nops(&ring, 4, 4000 + round * 10);
			ret = io_uring_submit(&ring);
			OUT("sqpoll submit >= 0", "%d", ret >= 0);
			diff_reap_sorted(&ring, 4, "sqpoll");
		}
		OUT_RET("sqring_wait (space left)", io_uring_sqring_wait(&ring));
		io_uring_queue_exit(&ring);
	}
	return 0;
}
