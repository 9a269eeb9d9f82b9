/* SPDX-License-Identifier: MIT */
/*
 * The completion side without blocking: __io_uring_peek_cqe (nr_available), peek_cqe,
 * peek_batch_cqe (partial batches, ring order), cqe_seen / cq_advance / cq_ready across
 * many CQ wraps, cqe_iter_init / cqe_iter_next and io_uring_for_each_cqe (head values,
 * nothing consumed), cq_has_overflow with the overflow flushed by peek_batch_cqe,
 * cq_eventfd_enabled / cq_eventfd_toggle with a registered eventfd, cqe_nr, and
 * cqe_get_data / cqe_get_data64; peek_batch_cqe on a CQE_MIXED ring never hands out the
 * kernel's IORING_CQE_F_SKIP padding (liburing 2.15: consumed at the head, else ends the batch).
 */
#include "helpers.h"
#include <liburing.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static void queue_nops(struct io_uring *ring, unsigned n, __u64 base)
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		CHECK(sqe, "get_sqe");
		io_uring_prep_nop(sqe);
		sqe->user_data = base + i;
	}
	int ret = io_uring_submit_and_wait(ring, n);
	CHECK(ret == (int)n, "submit_and_wait %d", ret);
}

static void test_peek(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe = (void *)1;
	unsigned avail = 99;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "init");
	CHECK(__io_uring_peek_cqe(&ring, &cqe, &avail) == 0, "__peek empty");
	CHECK(cqe == NULL && avail == 0, "__peek empty: cqe %p avail %u", (void *)cqe, avail);
	CHECK(io_uring_peek_cqe(&ring, &cqe) == -EAGAIN, "peek empty");
	CHECK(io_uring_cq_ready(&ring) == 0, "cq_ready");

	queue_nops(&ring, 5, 10);
	CHECK(io_uring_cq_ready(&ring) == 5, "cq_ready 5");
	CHECK(__io_uring_peek_cqe(&ring, &cqe, &avail) == 0 && cqe && avail == 5, "__peek %u", avail);
	CHECK(cqe->user_data == 10 && cqe == &ring.cq.cqes[*ring.cq.khead & ring.cq.ring_mask], "head cqe");
	CHECK(__io_uring_peek_cqe(&ring, &cqe, NULL) == 0 && cqe->user_data == 10, "__peek NULL avail");
	/* peeking consumes nothing */
	CHECK(io_uring_cq_ready(&ring) == 5, "peek consumed");
	for (unsigned i = 0; i < 5; i++) {
		CHECK(io_uring_peek_cqe(&ring, &cqe) == 0, "peek %u", i);
		CHECK(cqe->user_data == 10 + i && cqe->res == 0, "order %u", i);
		CHECK(io_uring_cqe_nr(cqe) == 1, "cqe_nr");
		CHECK(io_uring_cqe_get_data64(cqe) == 10 + i, "get_data64");
		CHECK(io_uring_cqe_get_data(cqe) == (void *)(uintptr_t)(10 + i), "get_data");
		io_uring_cqe_seen(&ring, cqe);
		CHECK(io_uring_cq_ready(&ring) == 4 - i, "cqe_seen advanced");
	}
	CHECK(io_uring_peek_cqe(&ring, &cqe) == -EAGAIN && cqe == NULL, "drained");
	io_uring_cqe_seen(&ring, NULL); /* NULL: nothing happens */
	CHECK(*ring.cq.khead == *ring.cq.ktail, "head moved by cqe_seen(NULL)");

	/* cqe_nr of a 32-byte CQE on a mixed ring */
	struct io_uring_cqe fake[2];
	memset(fake, 0, sizeof(fake));
	fake[0].flags = IORING_CQE_F_32;
	CHECK(io_uring_cqe_nr(&fake[0]) == 2, "cqe_nr F_32");
	io_uring_queue_exit(&ring);
}

static void test_batch_and_wrap(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqes[16];
	__u64 next = 0, expect = 0;

	CHECK(io_uring_queue_init(4, &ring, 0) == 0, "init");
	CHECK(ring.cq.ring_entries == 8, "cq 8");
	CHECK(io_uring_peek_batch_cqe(&ring, cqes, 16) == 0, "empty batch");
	/* 200 rounds of 1..4 NOPs: CQ indices wrap the 8-entry ring many times. */
	for (int round = 0; round < 200; round++) {
		unsigned n = 1 + round % 4;
		queue_nops(&ring, n, next);
		next += n;
		CHECK(io_uring_cq_ready(&ring) == n, "ready %u want %u", io_uring_cq_ready(&ring), n);
		switch (round % 3) {
		case 0: { /* partial batches */
			unsigned got = io_uring_peek_batch_cqe(&ring, cqes, 2);
			CHECK(got == (n < 2 ? n : 2), "batch of 2 gave %u", got);
			for (unsigned i = 0; i < got; i++)
				CHECK(cqes[i]->user_data == expect + i, "batch order");
			CHECK(io_uring_peek_batch_cqe(&ring, cqes, 0) == 0, "count 0");
			io_uring_cq_advance(&ring, got);
			expect += got;
			got = io_uring_peek_batch_cqe(&ring, cqes, 16);
			CHECK(got == n - (n < 2 ? n : 2), "rest %u", got);
			for (unsigned i = 0; i < got; i++) {
				CHECK(cqes[i]->user_data == expect + i, "batch order");
				CHECK(cqes[i] == &ring.cq.cqes[(*ring.cq.khead + i) & ring.cq.ring_mask],
				      "batch pointer");
			}
			io_uring_cq_advance(&ring, got);
			expect += got;
			break;
		}
		case 1: { /* iterator: nothing consumed until cq_advance */
			struct io_uring_cqe_iter it = io_uring_cqe_iter_init(&ring);
			struct io_uring_cqe *cqe;
			unsigned seen = 0;

			CHECK(it.head == *ring.cq.khead && it.tail == *ring.cq.ktail, "iter bounds");
			while (io_uring_cqe_iter_next(&it, &cqe)) {
				CHECK(cqe->user_data == expect + seen, "iter order");
				seen++;
			}
			CHECK(seen == n && io_uring_cq_ready(&ring) == n, "iter saw %u", seen);
			CHECK(!io_uring_cqe_iter_next(&it, &cqe), "iter past end");
			io_uring_cq_advance(&ring, seen);
			expect += seen;
			break;
		}
		default: { /* for_each with head */
			struct io_uring_cqe *cqe;
			unsigned head, seen = 0, first = *ring.cq.khead;

			io_uring_for_each_cqe(&ring, head, cqe) {
				CHECK(head == first + seen, "head %u want %u", head, first + seen);
				CHECK(cqe == &ring.cq.cqes[head & ring.cq.ring_mask], "cqe at head");
				CHECK(cqe->user_data == expect + seen, "for_each order");
				seen++;
			}
			CHECK(seen == n, "for_each saw %u", seen);
			io_uring_cq_advance(&ring, seen);
			expect += seen;
			break;
		}
		}
		CHECK(io_uring_cq_ready(&ring) == 0, "left %u", io_uring_cq_ready(&ring));
	}
	CHECK(expect == next, "reaped %llu of %llu", (unsigned long long)expect, (unsigned long long)next);
	io_uring_cq_advance(&ring, 0);
	io_uring_queue_exit(&ring);
}

static void test_overflow_flag(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	struct io_uring_cqe *cqes[8];
	int seen[12] = { 0 };

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	CHECK(io_uring_queue_init_params(4, &ring, &p) == 0, "init");
	CHECK(ring.features & IORING_FEAT_NODROP, "NODROP");
	CHECK(!io_uring_cq_has_overflow(&ring), "overflow at start");
	for (int b = 0; b < 3; b++) {
		for (int i = 0; i < 4; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			io_uring_prep_nop(sqe);
			sqe->user_data = b * 4 + i;
		}
		CHECK(io_uring_submit(&ring) == 4, "submit");
	}
	CHECK(io_uring_cq_ready(&ring) == 4, "ring holds 4, has %u", io_uring_cq_ready(&ring));
	CHECK(io_uring_cq_has_overflow(&ring), "IORING_SQ_CQ_OVERFLOW not set");
	unsigned total = 0;
	for (int i = 0; i < 10 && total < 12; i++) {
		unsigned n = io_uring_peek_batch_cqe(&ring, cqes, 8);
		for (unsigned k = 0; k < n; k++) {
			CHECK(cqes[k]->user_data < 12 && !seen[cqes[k]->user_data]++, "dup/unknown CQE");
			CHECK(cqes[k]->res == 0, "res");
		}
		io_uring_cq_advance(&ring, n);
		total += n;
	}
	CHECK(total == 12, "reaped %u of 12", total);
	CHECK(!io_uring_cq_has_overflow(&ring), "overflow flag stuck");
	CHECK(*ring.cq.koverflow == 0, "NODROP ring dropped %u", *ring.cq.koverflow);
	io_uring_queue_exit(&ring);
}

static int efd_signalled(int efd)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	eventfd_t v;

	if (poll(&pfd, 1, 100) != 1)
		return 0;
	CHECK(eventfd_read(efd, &v) == 0, "eventfd_read");
	return 1;
}

static void test_eventfd_toggle(void)
{
	struct io_uring ring;
	int efd = eventfd(0, EFD_NONBLOCK);

	CHECK(efd >= 0, "eventfd");
	CHECK(io_uring_queue_init(4, &ring, 0) == 0, "init");
	CHECK(ring.cq.kflags != NULL, "no CQ flags word");
	CHECK(io_uring_cq_eventfd_enabled(&ring), "enabled by default");
	int ret = io_uring_register(ring.ring_fd, IORING_REGISTER_EVENTFD, &efd, 1);
	CHECK(ret == 0, "register eventfd %d", ret);

	queue_nops(&ring, 1, 1);
	CHECK(efd_signalled(efd), "eventfd not signalled");
	io_uring_cq_advance(&ring, 1);

	CHECK(io_uring_cq_eventfd_toggle(&ring, false) == 0, "toggle off");
	CHECK(!io_uring_cq_eventfd_enabled(&ring), "still enabled");
	CHECK(*ring.cq.kflags & IORING_CQ_EVENTFD_DISABLED, "flag not in the ring");
	CHECK(io_uring_cq_eventfd_toggle(&ring, false) == 0, "toggle off twice");
	queue_nops(&ring, 1, 2);
	CHECK(!efd_signalled(efd), "signalled while disabled");
	io_uring_cq_advance(&ring, 1);

	CHECK(io_uring_cq_eventfd_toggle(&ring, true) == 0, "toggle on");
	CHECK(io_uring_cq_eventfd_enabled(&ring), "not enabled");
	queue_nops(&ring, 1, 3);
	CHECK(efd_signalled(efd), "not signalled after re-enable");
	io_uring_cq_advance(&ring, 1);
	io_uring_queue_exit(&ring);
	close(efd);
}

/* Submit one NOP (32-byte CQE when big) with user_data ud and wait for it to complete. */
static void mixed_nop(struct io_uring *ring, __u64 ud, int big)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_nop(sqe);
	if (big)
		sqe->nop_flags = IORING_NOP_CQE32;
	sqe->user_data = ud;
	CHECK(io_uring_submit(ring) == 1, "submit");
}

static void test_mixed_batch(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	struct io_uring_cqe *cqe, *cqes[4];

	if (t_kernel_refuses_setup(IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE)) {
		fprintf(stderr, "kernel refuses IORING_SETUP_CQE_MIXED: mixed batch skipped\n");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	CHECK(io_uring_queue_init_params(4, &ring, &p) == 0, "init CQE_MIXED");
	CHECK(ring.cq.ring_entries == 4, "cq entries %u", ring.cq.ring_entries);
	/* Three small CQEs reaped one by one: head = tail = 3, one slot before the end. */
	for (int i = 0; i < 3; i++) {
		mixed_nop(&ring, 1 + i, 0);
		CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->user_data == (__u64)(1 + i), "small %d", i);
		io_uring_cqe_seen(&ring, cqe);
	}
	CHECK(*ring.cq.khead == 3, "head %u", *ring.cq.khead);
	/* A 32-byte CQE cannot start in the last slot: the kernel pads slot 3 (F_SKIP). */
	mixed_nop(&ring, 77, 1);
	while (io_uring_cq_ready(&ring) < 3)
		CHECK(io_uring_get_events(&ring) >= 0, "get_events");
	CHECK(ring.cq.cqes[3].flags & IORING_CQE_F_SKIP, "no padding entry: flags %x", ring.cq.cqes[3].flags);
	unsigned n = io_uring_peek_batch_cqe(&ring, cqes, 4);
	CHECK(n == 1, "batch gave %u CQEs", n);
	CHECK(cqes[0]->user_data == 77 && (cqes[0]->flags & IORING_CQE_F_32), "padding returned: ud %llu flags %x",
	      (unsigned long long)cqes[0]->user_data, cqes[0]->flags);
	CHECK(cqes[0] == &ring.cq.cqes[0], "big CQE not at slot 0");
	CHECK(*ring.cq.khead == 4, "padding not consumed: head %u", *ring.cq.khead);
	io_uring_cqe_seen(&ring, cqes[0]);
	CHECK(io_uring_cq_ready(&ring) == 0, "ready %u", io_uring_cq_ready(&ring));

	/* Padding behind a real CQE ends the batch there; the next batch consumes it. */
	mixed_nop(&ring, 5, 0); /* slot 2 */
	mixed_nop(&ring, 78, 1); /* padding in slot 3, the big CQE in slots 0-1 */
	while (io_uring_cq_ready(&ring) < 4)
		CHECK(io_uring_get_events(&ring) >= 0, "get_events");
	CHECK(ring.cq.cqes[3].flags & IORING_CQE_F_SKIP, "no padding entry: flags %x", ring.cq.cqes[3].flags);
	n = io_uring_peek_batch_cqe(&ring, cqes, 4);
	CHECK(n == 1 && cqes[0]->user_data == 5, "batch 1: %u", n);
	io_uring_cq_advance(&ring, 1);
	n = io_uring_peek_batch_cqe(&ring, cqes, 4);
	CHECK(n == 1 && cqes[0]->user_data == 78 && io_uring_cqe_nr(cqes[0]) == 2, "batch 2: %u", n);
	io_uring_cqe_seen(&ring, cqes[0]);
	CHECK(io_uring_cq_ready(&ring) == 0 && io_uring_peek_batch_cqe(&ring, cqes, 4) == 0, "drained");
	io_uring_queue_exit(&ring);
}

int main(void)
{
	test_peek();
	test_batch_and_wrap();
	test_overflow_flag();
	test_eventfd_toggle();
	test_mixed_batch();
	return T_EXIT_PASS;
}
