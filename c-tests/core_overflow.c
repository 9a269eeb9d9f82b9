/* SPDX-License-Identifier: MIT */
/*
 * CQ overflow with IORING_FEAT_NODROP: bursts of NOPs several times larger than the CQ,
 * submitted without reaping, then reaped with every method (wait_cqe + cqe_seen,
 * peek_batch_cqe, io_uring_for_each_cqe + cq_advance, cqe_iter, get_events to flush the
 * overflow list). 10^6 NOPs in total: every submitted SQE yields exactly one CQE
 * (checked per user_data in a bitmap), nothing is dropped (koverflow stays 0), and the
 * overflow flag clears once everything is reaped.
 * On an IORING_SETUP_CQE_MIXED (4, 4) ring: 16- and 32-byte NOPs in random bursts with
 * partial reaping, so 32-byte CQEs overflow at the wrap, behind padding entries; each comes
 * back once, with IORING_CQE_F_32 exactly when asked, and no padding entry is handed out
 * (skipped where the kernel itself republishes reaped CQEs there: t_kernel_cqe_mixed_wrap_bug).
 */
#include "helpers.h"
#include <liburing.h>

#define TOTAL 1000000u

static unsigned char seen[TOTAL / 8 + 1];
static unsigned long long reaped;

static void mark(struct io_uring_cqe *cqe)
{
	__u64 ud = cqe->user_data;

	CHECK(ud < TOTAL, "user_data %llu out of range", (unsigned long long)ud);
	CHECK(cqe->res == 0, "NOP res %d", cqe->res);
	CHECK(!(cqe->flags & IORING_CQE_F_SKIP), "skip CQE returned");
	CHECK(!(seen[ud / 8] & (1u << (ud % 8))), "CQE for %llu twice", (unsigned long long)ud);
	seen[ud / 8] |= 1u << (ud % 8);
	reaped++;
}

/* Reap whatever is visible (and flush the overflow once) with method m; returns count. */
static unsigned reap(struct io_uring *ring, int m)
{
	struct io_uring_cqe *cqes[64], *cqe;
	unsigned n = 0, head;

	switch (m) {
	case 0:
		while (io_uring_peek_cqe(ring, &cqe) == 0) {
			mark(cqe);
			io_uring_cqe_seen(ring, cqe);
			n++;
		}
		break;
	case 1:
		for (;;) {
			unsigned got = io_uring_peek_batch_cqe(ring, cqes, 64);
			if (!got)
				break;
			for (unsigned i = 0; i < got; i++)
				mark(cqes[i]);
			io_uring_cq_advance(ring, got);
			n += got;
		}
		break;
	case 2: {
		unsigned k = 0;
		io_uring_for_each_cqe(ring, head, cqe) {
			mark(cqe);
			k++;
		}
		io_uring_cq_advance(ring, k);
		n += k;
		if (io_uring_cq_has_overflow(ring)) {
			CHECK(io_uring_get_events(ring) >= 0, "get_events");
		}
		break;
	}
	default: {
		struct io_uring_cqe_iter it = io_uring_cqe_iter_init(ring);
		unsigned k = 0;
		while (io_uring_cqe_iter_next(&it, &cqe)) {
			mark(cqe);
			k++;
		}
		io_uring_cq_advance(ring, k);
		n += k;
		if (!k && io_uring_cq_has_overflow(ring))
			CHECK(io_uring_get_events(ring) >= 0, "get_events");
		break;
	}
	}
	return n;
}

static void run(unsigned flags, unsigned sq, unsigned cq, unsigned bursts, unsigned long long *next,
		unsigned long long end)
{
	struct io_uring ring;
	struct io_uring_params p;
	unsigned long long inflight = 0;
	int m = 0, saw_overflow = 0;

	memset(&p, 0, sizeof(p));
	p.flags = flags | IORING_SETUP_CQSIZE;
	p.cq_entries = cq;
	int ret = io_uring_queue_init_params(sq, &ring, &p);
	CHECK(ret == 0, "init %#x: %d", flags, ret);
	CHECK(ring.features & IORING_FEAT_NODROP, "no NODROP");

	while (*next < end || inflight) {
		/* A burst: several full SQs submitted back to back, nothing reaped. */
		for (unsigned b = 0; b < bursts && *next < end; b++) {
			struct io_uring_sqe *sqe;
			unsigned q = 0;

			while (*next < end && (sqe = io_uring_get_sqe(&ring))) {
				io_uring_prep_nop(sqe);
				sqe->user_data = (*next)++;
				q++;
			}
			int s;
			while ((s = io_uring_submit(&ring)) == -EBUSY || s == -EAGAIN)
				inflight -= reap(&ring, 1);
			CHECK(s == (int)q, "submit %d of %u", s, q);
			inflight += q;
		}
		if (io_uring_cq_has_overflow(&ring))
			saw_overflow = 1;
		/* Reap everything of this burst with one method, flushing the overflow. */
		unsigned spins = 0;
		while (inflight) {
			unsigned got = reap(&ring, m);
			inflight -= got;
			if (!got && inflight) {
				struct io_uring_cqe *cqe;
				/* nothing visible: wait (flushes overflow / runs task work) */
				CHECK(io_uring_wait_cqe(&ring, &cqe) == 0, "wait_cqe");
				CHECK(++spins < 1000000, "stuck with %llu in flight", inflight);
			}
		}
		m = (m + 1) % 4;
	}
	CHECK(saw_overflow, "CQ never overflowed (%#x)", flags);
	CHECK(!io_uring_cq_has_overflow(&ring), "overflow flag still set");
	CHECK(*ring.cq.koverflow == 0, "kernel dropped %u CQEs", *ring.cq.koverflow);
	CHECK(io_uring_cq_ready(&ring) == 0, "CQ not empty");
	io_uring_queue_exit(&ring);
}

#define MIXED_TOTAL 200000u

static unsigned char mixed_seen[MIXED_TOTAL / 8 + 1];

/* ud's bit 0 says whether a 32-byte CQE was asked for. */
static void mixed_mark(struct io_uring_cqe *cqe)
{
	__u64 ud = cqe->user_data;

	CHECK(!(cqe->flags & IORING_CQE_F_SKIP), "padding entry handed out (ud %llu)", (unsigned long long)ud);
	CHECK(ud < MIXED_TOTAL, "user_data %llu out of range", (unsigned long long)ud);
	CHECK(cqe->res == 0, "NOP %llu res %d", (unsigned long long)ud, cqe->res);
	CHECK(!!(cqe->flags & IORING_CQE_F_32) == (int)(ud & 1), "NOP %llu flags %#x",
	      (unsigned long long)ud, cqe->flags);
	CHECK(!(mixed_seen[ud / 8] & (1u << (ud % 8))), "CQE for %llu twice", (unsigned long long)ud);
	mixed_seen[ud / 8] |= 1u << (ud % 8);
}

static void mixed(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	struct io_uring_cqe *cqe, *cqes[4];
	unsigned long long next = 0, inflight = 0, reaped = 0;
	unsigned rnd = 1, overflowed = 0, head;

	if (t_kernel_refuses_setup(IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE)) {
		t_skip_case("cqe_mixed", "kernel refuses IORING_SETUP_CQE_MIXED");
		return;
	}
	if (t_kernel_cqe_mixed_wrap_bug()) {
		t_skip_case("cqe_mixed", "the kernel itself republishes a reaped CQE when a 32-byte CQE "
			    "overflows at the wrap of a CQE_MIXED ring (raw syscalls)");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	CHECK(io_uring_queue_init_params(4, &ring, &p) == 0, "init CQE_MIXED");
	while (next < MIXED_TOTAL || inflight) {
		unsigned burst, keep;

		rnd = rnd * 1103515245u + 12345u;
		burst = (rnd >> 16) % 5;
		for (unsigned i = 0; i < burst && next < MIXED_TOTAL; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (!sqe)
				break;
			io_uring_prep_nop(sqe);
			/* about half of them 32-byte */
			rnd = rnd * 1103515245u + 12345u;
			sqe->user_data = (next & ~1ull) | ((rnd >> 20) & 1);
			sqe->nop_flags = (sqe->user_data & 1) ? IORING_NOP_CQE32 : 0;
			next += 2;
		}
		int s = io_uring_submit(&ring);
		CHECK(s >= 0, "submit %d", s);
		inflight += (unsigned)s;
		if (io_uring_cq_has_overflow(&ring))
			overflowed++;
		/* reap some, leaving 0..2 behind so the next 32-byte CQE meets the wrap */
		rnd = rnd * 1103515245u + 12345u;
		keep = next < MIXED_TOTAL ? (rnd >> 16) % 3 : 0;
		while (inflight > keep) {
			unsigned got = 0;

			switch ((rnd >> 24) % 3) {
			case 0:
				if (io_uring_peek_cqe(&ring, &cqe) == 0) {
					mixed_mark(cqe);
					io_uring_cqe_seen(&ring, cqe);
					got = 1;
				}
				break;
			case 1: {
				/* a mixed ring advances by slots: io_uring_cqe_nr of each CQE */
				unsigned slots = 0;

				got = io_uring_peek_batch_cqe(&ring, cqes, 4);
				for (unsigned i = 0; i < got; i++) {
					mixed_mark(cqes[i]);
					slots += io_uring_cqe_nr(cqes[i]);
				}
				io_uring_cq_advance(&ring, slots);
				break;
			}
			default: {
				/* as liburing's, the iterator shows padding entries: the caller steps over them */
				unsigned slots = 0;

				io_uring_for_each_cqe(&ring, head, cqe) {
					slots += io_uring_cqe_nr(cqe);
					if (cqe->flags & IORING_CQE_F_SKIP)
						continue;
					mixed_mark(cqe);
					got++;
				}
				io_uring_cq_advance(&ring, slots);
				break;
			}
			}
			if (!got) {
				CHECK(io_uring_wait_cqe(&ring, &cqe) == 0, "wait_cqe");
				continue;
			}
			inflight -= got;
			reaped += got;
		}
	}
	CHECK(reaped == MIXED_TOTAL / 2, "reaped %llu of %u", reaped, MIXED_TOTAL / 2);
	CHECK(overflowed, "the mixed CQ never overflowed");
	CHECK(*ring.cq.koverflow == 0, "kernel dropped %u CQEs", *ring.cq.koverflow);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	unsigned long long next = 0;

	/* tiny CQ, bursts 8x its size */
	run(0, 8, 8, 8, &next, 50000);
	/* 256-entry rings, bursts of four SQs: 768 overflowed CQEs per round */
	run(0, 256, 256, 4, &next, 500000);
	run(IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG, 256, 256, 4, &next, 800000);
	run(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, 128, 128, 6, &next, TOTAL);
	CHECK(next == TOTAL && reaped == TOTAL, "submitted %llu reaped %llu", next, reaped);
	for (unsigned i = 0; i < TOTAL; i++)
		CHECK(seen[i / 8] & (1u << (i % 8)), "no CQE for %u", i);
	mixed();
	return T_EXIT_PASS;
}
