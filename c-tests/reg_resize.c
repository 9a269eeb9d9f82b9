/* SPDX-License-Identifier: MIT */
/*
 * io_uring_resize_rings on the kernel, under load: 150 rounds of submitting NOP batches,
 * reaping only part of the completions, and resizing SQ/CQ to random sizes while
 * completions sit in the CQ, reads wait on pipes, and prepared-but-unsubmitted SQEs sit
 * in the SQ. Every CQE is counted: each user_data must be seen exactly once, the in-flight
 * reads complete into the new rings with their data, and ring->sq/cq report the new
 * sizes. A resize the pending CQEs would not fit in is refused with -EOVERFLOW; rings
 * without DEFER_TASKRUN are refused by the kernel (same code as the raw syscall), and
 * IORING_SETUP_NO_MMAP rings by the library (-EINVAL); p->flags is cleared each time.
 */
#include "helpers.h"
#include <liburing.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NPIPES 4
#define MAX_UD 8192

static struct io_uring ring;
static unsigned char seen[MAX_UD];
static __u64 next_ud = 1;
static unsigned outstanding;
static int pipes[NPIPES][2];
static char pbuf[NPIPES][16];

static unsigned rnd(void)
{
	static unsigned s = 12345;

	s = s * 1103515245 + 12345;
	return (s >> 16) & 0x7fff;
}

/* Reaps up to max CQEs; reads (ud >= 0x10000) are checked for their data. */
static unsigned reap(unsigned max)
{
	struct io_uring_cqe *cqe;
	unsigned n = 0;

	while (n < max && io_uring_peek_cqe(&ring, &cqe) == 0) {
		__u64 ud = cqe->user_data;

		if (ud >= 0x10000) {
			int i = ud - 0x10000;

			CHECK(i < NPIPES && cqe->res == 6, "pipe read %d: res %d", i, cqe->res);
			CHECK(memcmp(pbuf[i], "pipe-", 5) == 0 && pbuf[i][5] == '0' + i, "pipe data %d", i);
			CHECK(seen[MAX_UD - 1 - i] == 0, "pipe %d completed twice", i);
			seen[MAX_UD - 1 - i] = 1;
		} else {
			CHECK(ud > 0 && ud < MAX_UD - NPIPES, "user_data %llu", (unsigned long long)ud);
			CHECK(cqe->res == 0, "nop res %d", cqe->res);
			CHECK(!seen[ud], "user_data %llu seen twice", (unsigned long long)ud);
			seen[ud] = 1;
		}
		io_uring_cqe_seen(&ring, cqe);
		outstanding--;
		n++;
	}
	return n;
}

static void queue_nops(unsigned k)
{
	for (unsigned i = 0; i < k; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		if (!sqe)
			break;
		io_uring_prep_nop(sqe);
		sqe->user_data = next_ud++;
		outstanding++;
	}
}

/* Does the kernel itself refuse IORING_REGISTER_RESIZE_RINGS (before 6.13)? Raw syscalls. */
static int kernel_refuses_resize(void)
{
	struct io_uring_params p;
	int fd, ret, err;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	CHECK(fd >= 0, "raw DEFER_TASKRUN setup: %s", strerror(errno));
	memset(&p, 0, sizeof(p));
	p.sq_entries = 8;
	p.cq_entries = 16;
	p.flags = IORING_SETUP_CQSIZE;
	ret = (int)syscall(__NR_io_uring_register, fd, IORING_REGISTER_RESIZE_RINGS, &p, 1);
	err = errno;
	close(fd);
	CHECK(ret == 0 || err == EINVAL, "raw RESIZE_RINGS: %s", strerror(err));
	return ret < 0;
}

static void refused_cases(void)
{
	struct io_uring plain, nm;
	struct io_uring_params p;
	void *mem;
	int ret, raw;

	/* Without DEFER_TASKRUN the kernel says no; the library passes that through. */
	CHECK(io_uring_queue_init(4, &plain, 0) == 0, "plain ring");
	memset(&p, 0, sizeof(p));
	p.sq_entries = 8;
	p.cq_entries = 16;
	p.flags = IORING_SETUP_CQSIZE;
	raw = io_uring_register(plain.ring_fd, IORING_REGISTER_RESIZE_RINGS, &p, 1);
	p.flags = IORING_SETUP_CQSIZE;
	ret = io_uring_resize_rings(&plain, &p);
	CHECK(ret == raw && ret < 0, "resize without DEFER_TASKRUN: %d, raw %d", ret, raw);
	CHECK(p.flags == 0, "p->flags cleared on failure");
	CHECK(io_uring_resize_rings(&plain, NULL) == -EINVAL, "NULL params");
	CHECK(io_uring_resize_rings(NULL, &p) == -EINVAL, "NULL ring");
	io_uring_queue_exit(&plain);

	/* Application-memory rings cannot be remapped. */
	mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED, "mmap");
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	ret = io_uring_queue_init_mem(4, &nm, &p, mem, 1 << 20);
	if (ret == -EINVAL && t_kernel_refuses_no_mmap()) {
		t_skip_case("no_mmap_ring", "kernel refuses IORING_SETUP_NO_MMAP");
		munmap(mem, 1 << 20);
		return;
	}
	CHECK(ret > 0, "queue_init_mem %d", ret);
	memset(&p, 0, sizeof(p));
	p.sq_entries = 8;
	p.cq_entries = 16;
	p.flags = IORING_SETUP_CQSIZE;
	CHECK(io_uring_resize_rings(&nm, &p) == -EINVAL, "NO_MMAP ring");
	CHECK(p.flags == 0, "p->flags cleared");
	io_uring_queue_exit(&nm);
	munmap(mem, 1 << 20);
}

int main(void)
{
	struct io_uring_params p;
	unsigned sq = 4, cq = 8, resized = 0, overflowed = 0;
	int ret;

	refused_cases();

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
	p.cq_entries = cq;
	ret = io_uring_queue_init_params(sq, &ring, &p);
	if (ret == -EINVAL && t_kernel_refuses_setup(p.flags))
		SKIP("kernel without DEFER_TASKRUN");
	if (kernel_refuses_resize())
		SKIP("kernel refuses IORING_REGISTER_RESIZE_RINGS");
	CHECK(ret == 0, "queue_init %d", ret);
	/* Through the registered ring index too. */
	CHECK(io_uring_register_ring_fd(&ring) == 1, "register_ring_fd");

	/* Reads that stay in flight across all the resizes. */
	for (int i = 0; i < NPIPES; i++) {
		CHECK(pipe(pipes[i]) == 0, "pipe");
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		io_uring_prep_read(sqe, pipes[i][0], pbuf[i], sizeof(pbuf[i]), 0);
		sqe->user_data = 0x10000 + i;
		CHECK(io_uring_submit(&ring) == 1, "submit read");
		outstanding++;
	}

	for (int round = 0; round < 150; round++) {
		queue_nops(1 + rnd() % sq);
		ret = io_uring_submit_and_get_events(&ring);
		CHECK(ret >= 0, "submit %d", ret);
		/* Keep a random number (0..11) of completions unreaped in the CQ. */
		unsigned keep = rnd() % 12;
		if (io_uring_cq_ready(&ring) > keep)
			reap(io_uring_cq_ready(&ring) - keep);
		/* Leave prepared SQEs unsubmitted across the resize now and then. */
		if (round % 3 == 0)
			queue_nops(1);

		unsigned nsq = 4u << (rnd() % 4);
		unsigned ncq = nsq * (2u << (rnd() % 3));
		unsigned pending = io_uring_cq_ready(&ring);
		unsigned sq_pending = io_uring_sq_ready(&ring);
		bool ovf = io_uring_cq_has_overflow(&ring);

		memset(&p, 0, sizeof(p));
		p.sq_entries = nsq;
		p.cq_entries = ncq;
		p.flags = IORING_SETUP_CQSIZE;
		ret = io_uring_resize_rings(&ring, &p);
		CHECK(p.flags == 0, "p->flags cleared");
		if (ret == -EOVERFLOW) {
			CHECK(pending > ncq || sq_pending > nsq || ovf, "-EOVERFLOW with %u CQEs, %u SQEs for %u/%u",
			      pending, sq_pending, nsq, ncq);
			overflowed++;
			continue;
		}
		CHECK(ret == 0, "resize to %u/%u: %d", nsq, ncq, ret);
		CHECK(ring.sq.ring_entries == nsq && ring.cq.ring_entries == ncq, "new sizes %u/%u, want %u/%u",
		      ring.sq.ring_entries, ring.cq.ring_entries, nsq, ncq);
		CHECK(io_uring_cq_ready(&ring) == pending, "CQEs kept: %u of %u", io_uring_cq_ready(&ring), pending);
		sq = nsq;
		cq = ncq;
		resized++;
	}

	/* Let the reads complete in whatever ring exists now. */
	for (int i = 0; i < NPIPES; i++) {
		char msg[7] = "pipe-0";

		msg[5] = '0' + i;
		CHECK(write(pipes[i][1], msg, 6) == 6, "write pipe");
	}
	CHECK(io_uring_submit(&ring) >= 0, "final submit");
	while (outstanding) {
		struct io_uring_cqe *cqe;

		struct __kernel_timespec ts = { .tv_sec = 2 };

		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		CHECK(ret == 0, "final wait %d (CQEs missing: %u)", ret, outstanding);
		reap(~0u);
	}
	for (__u64 ud = 1; ud < next_ud; ud++)
		CHECK(seen[ud], "CQE of user_data %llu lost", (unsigned long long)ud);
	for (int i = 0; i < NPIPES; i++)
		CHECK(seen[MAX_UD - 1 - i], "pipe read %d lost", i);
	CHECK(resized > 100, "only %u resizes succeeded (%u overflowed)", resized, overflowed);
	fprintf(stderr, "%llu NOPs, %u resizes, %u refused with -EOVERFLOW\n",
		(unsigned long long)next_ud - 1, resized, overflowed);

	for (int i = 0; i < NPIPES; i++) {
		close(pipes[i][0]);
		close(pipes[i][1]);
	}
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
