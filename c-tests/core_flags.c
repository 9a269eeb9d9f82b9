/* SPDX-License-Identifier: MIT */
/*
 * Every io_uring_setup flag through the library on the real kernel (SQPOLL and IOPOLL
 * have their own tests): CQSIZE, CLAMP, ATTACH_WQ, R_DISABLED, SUBMIT_ALL, COOP_TASKRUN +
 * TASKRUN_FLAG (peek must flush pending task work), SQE128 (get_sqe128, 128-byte
 * stride), CQE32 (32-byte CQE stride), SQE_MIXED / CQE_MIXED (wrap padding never seen by
 * the app), SINGLE_ISSUER (-EEXIST from another thread), DEFER_TASKRUN, NO_MMAP,
 * REGISTERED_FD_ONLY (ring_fd -1, no fd installed, slot freed on exit) and NO_SQARRAY.
 */
#include "helpers.h"
#include <liburing.h>
#include <dirent.h>
#include <pthread.h>
#include <unistd.h>

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	CHECK(d, "opendir");
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static struct io_uring_cqe *wait_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = NULL;
	int ret = io_uring_wait_cqe(ring, &cqe);

	CHECK(ret == 0 && cqe, "wait_cqe %d", ret);
	return cqe;
}

/* Queue one NOP with user_data ud, submit, reap it, check res/ud. */
static void nop_roundtrip(struct io_uring *ring, __u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	CHECK(sqe, "get_sqe");
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, ud);
	int ret = io_uring_submit(ring);
	CHECK(ret == 1, "submit %d", ret);
	struct io_uring_cqe *cqe = wait_one(ring);
	CHECK(cqe->res == 0 && cqe->user_data == ud, "nop cqe res %d ud %llu", cqe->res,
	      (unsigned long long)cqe->user_data);
	io_uring_cqe_seen(ring, cqe);
}

static void test_cqsize_clamp(void)
{
	struct io_uring ring;
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 100;
	CHECK(io_uring_queue_init_params(4, &ring, &p) == 0, "CQSIZE");
	CHECK(ring.cq.ring_entries == 128 && p.cq_entries == 128, "cq %u", ring.cq.ring_entries);
	CHECK(ring.sq.ring_entries == 4, "sq %u", ring.sq.ring_entries);
	nop_roundtrip(&ring, 1);
	io_uring_queue_exit(&ring);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 2;
	CHECK(io_uring_queue_init_params(4, &ring, &p) == -EINVAL, "CQ smaller than SQ");

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CLAMP | IORING_SETUP_CQSIZE;
	p.cq_entries = 1u << 30;
	int ret = io_uring_queue_init_params(1u << 20, &ring, &p);
	CHECK(ret == 0, "CLAMP %d", ret);
	CHECK(ring.sq.ring_entries == 32768, "clamped sq %u", ring.sq.ring_entries);
	CHECK(ring.cq.ring_entries == 65536, "clamped cq %u", ring.cq.ring_entries);
	nop_roundtrip(&ring, 2);
	io_uring_queue_exit(&ring);

	CHECK(io_uring_queue_init(1u << 20, &ring, 0) == -EINVAL, "no CLAMP");
}

static void test_attach_wq(void)
{
	struct io_uring a, b;
	struct io_uring_params p;

	CHECK(io_uring_queue_init(4, &a, 0) == 0, "ring a");
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_ATTACH_WQ;
	p.wq_fd = a.ring_fd;
	int ret = io_uring_queue_init_params(4, &b, &p);
	CHECK(ret == 0, "ATTACH_WQ %d", ret);
	CHECK(b.flags & IORING_SETUP_ATTACH_WQ, "flags");
	/* An async (io-wq) op on the attached ring. */
	struct io_uring_sqe *sqe = io_uring_get_sqe(&b);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_flags(sqe, IOSQE_ASYNC);
	sqe->user_data = 9;
	CHECK(io_uring_submit_and_wait(&b, 1) == 1, "submit");
	struct io_uring_cqe *cqe = wait_one(&b);
	CHECK(cqe->res == 0 && cqe->user_data == 9, "async nop");
	io_uring_cqe_seen(&b, cqe);
	io_uring_queue_exit(&b);
	nop_roundtrip(&a, 3);
	io_uring_queue_exit(&a);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_ATTACH_WQ;
	p.wq_fd = 0; /* stdin: not a ring */
	ret = io_uring_queue_init_params(4, &b, &p);
	CHECK(ret == -EINVAL || ret == -EBADF, "ATTACH_WQ to a non-ring: %d", ret);
}

static void test_r_disabled(void)
{
	struct io_uring ring;

	CHECK(io_uring_queue_init(4, &ring, IORING_SETUP_R_DISABLED) == 0, "init");
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	CHECK(io_uring_submit(&ring) == -EBADFD, "disabled ring accepts submissions");
	CHECK(io_uring_enable_rings(&ring) == 0, "enable");
	CHECK(io_uring_submit_and_wait(&ring, 1) == 1, "submit after enable");
	io_uring_cqe_seen(&ring, wait_one(&ring));
	io_uring_queue_exit(&ring);
}

static void test_submit_all(void)
{
	for (int all = 0; all < 2; all++) {
		struct io_uring ring;

		CHECK(io_uring_queue_init(8, &ring, all ? IORING_SETUP_SUBMIT_ALL : 0) == 0, "init");
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		io_uring_prep_nop(sqe);
		sqe->opcode = 250; /* invalid opcode: fails at submission */
		sqe->user_data = 100;
		for (int i = 0; i < 2; i++) {
			sqe = io_uring_get_sqe(&ring);
			io_uring_prep_nop(sqe);
			sqe->user_data = 101 + i;
		}
		int ret = io_uring_submit(&ring);
		if (!all) {
			CHECK(ret == 1, "without SUBMIT_ALL submit stops after the failure: %d", ret);
			CHECK(io_uring_sq_ready(&ring) == 2, "two left %u", io_uring_sq_ready(&ring));
			ret = io_uring_submit(&ring);
			CHECK(ret == 2, "rest %d", ret);
		} else {
			CHECK(ret == 3, "SUBMIT_ALL submits all: %d", ret);
		}
		for (int i = 0; i < 3; i++) {
			struct io_uring_cqe *cqe = wait_one(&ring);

			if (cqe->user_data == 100)
				CHECK(cqe->res == -EINVAL, "bad opcode res %d", cqe->res);
			else
				CHECK(cqe->res == 0 && (cqe->user_data == 101 || cqe->user_data == 102), "nop");
			io_uring_cqe_seen(&ring, cqe);
		}
		io_uring_queue_exit(&ring);
	}
}

/* Read from a pipe that only gets data after submission, so completion runs as task work. */
static void pipe_read_taskwork(unsigned flags)
{
	struct io_uring ring;
	int fds[2];
	char buf[16] = { 0 };

	int ret = io_uring_queue_init(4, &ring, flags);
	if (ret == -EINVAL && t_kernel_refuses_setup(flags)) {
		char name[64];

		snprintf(name, sizeof(name), "pipe_read_taskwork(%#x)", flags);
		t_skip_case(name, "kernel refuses setup flags %#x", flags);
		return;
	}
	CHECK(ret == 0, "init %#x: %d", flags, ret);
	CHECK(pipe(fds) == 0, "pipe");
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fds[0], buf, sizeof(buf), -1);
	sqe->user_data = 77;
	CHECK(io_uring_submit(&ring) == 1, "submit read");
	CHECK(io_uring_cq_ready(&ring) == 0, "read completed without data");
	CHECK(write(fds[1], "taskwork", 8) == 8, "write");
	/*
	 * Where the kernel serves the pipe read from an io-wq worker (no FMODE_NOWAIT pipes,
	 * 6.1), that worker completes it a little later: wait (up to 5 s) until the kernel
	 * flagged task work or posted the CQE.
	 */
	for (int i = 0; i < 5000 && (flags & IORING_SETUP_TASKRUN_FLAG) && io_uring_cq_ready(&ring) == 0 &&
			!(*ring.sq.kflags & IORING_SQ_TASKRUN);
	     i++)
		usleep(1000);

	if ((flags & IORING_SETUP_TASKRUN_FLAG) && io_uring_cq_ready(&ring) == 0) {
		/* Completion is pending task work, flagged in the SQ ring, not yet a CQE. */
		CHECK(*ring.sq.kflags & IORING_SQ_TASKRUN, "IORING_SQ_TASKRUN not set: %#x",
		      *ring.sq.kflags);
	}
	if (flags & IORING_SETUP_DEFER_TASKRUN) {
		/* Deferred task work runs only when we ask for events. */
		CHECK(io_uring_cq_ready(&ring) == 0, "deferred CQE posted without entering");
		if (!(flags & IORING_SETUP_TASKRUN_FLAG)) {
			/* (entering again while an io-wq worker may still hold the read, as above) */
			for (int i = 0; i < 5000 && io_uring_cq_ready(&ring) == 0; i++) {
				if (i)
					usleep(1000);
				ret = io_uring_get_events(&ring);
				CHECK(ret >= 0, "get_events %d", ret);
			}
			CHECK(io_uring_cq_ready(&ring) == 1, "get_events did not run deferred work");
		}
	}
	struct io_uring_cqe *cqe = NULL;
	/* peek must enter to flush task work when the kernel flags it. */
	ret = io_uring_peek_cqe(&ring, &cqe);
	if (ret == -EAGAIN && !(flags & IORING_SETUP_TASKRUN_FLAG))
		cqe = wait_one(&ring);
	else if (ret == -EAGAIN && (flags & IORING_SETUP_DEFER_TASKRUN) && !(*ring.sq.kflags & IORING_SQ_TASKRUN))
		/*
		 * 6.1: the enter peek made (the flag is gone: only entering clears it) ran the
		 * deferred work but posts its CQE only for a wait count (min_complete 0 here).
		 */
		cqe = wait_one(&ring);
	else
		CHECK(ret == 0 && cqe, "peek_cqe %d", ret);
	CHECK(cqe->user_data == 77 && cqe->res == 8, "read res %d", cqe->res);
	CHECK(memcmp(buf, "taskwork", 8) == 0, "data");
	io_uring_cqe_seen(&ring, cqe);
	CHECK(!(*ring.sq.kflags & IORING_SQ_TASKRUN), "TASKRUN still set");
	nop_roundtrip(&ring, 5);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

static void test_sqe128(void)
{
	struct io_uring ring;

	CHECK(io_uring_queue_init(4, &ring, IORING_SETUP_SQE128) == 0, "init SQE128");
	struct io_uring_sqe *a = io_uring_get_sqe128(&ring);
	struct io_uring_sqe *b = io_uring_get_sqe(&ring);
	CHECK(a && b && (char *)b - (char *)a == 128, "stride %td", (char *)b - (char *)a);
	CHECK(a == ring.sq.sqes, "first slot");
	io_uring_prep_nop(a);
	a->user_data = 1;
	io_uring_prep_nop(b);
	b->user_data = 2;
	CHECK(io_uring_submit_and_wait(&ring, 2) == 2, "submit");
	for (int i = 0; i < 2; i++) {
		struct io_uring_cqe *cqe = wait_one(&ring);
		CHECK(cqe->res == 0 && cqe->user_data == (__u64)i + 1, "cqe %d", i);
		io_uring_cqe_seen(&ring, cqe);
	}
	/* Four 128-byte slots: the fifth get fails. */
	for (int i = 0; i < 4; i++)
		CHECK(io_uring_get_sqe128(&ring), "slot %d", i);
	CHECK(io_uring_get_sqe128(&ring) == NULL, "SQ full");
	io_uring_queue_exit(&ring);

	/* A plain ring has no 128-byte SQEs. */
	CHECK(io_uring_queue_init(4, &ring, 0) == 0, "plain");
	CHECK(io_uring_get_sqe128(&ring) == NULL, "get_sqe128 on a 64-byte ring");
	io_uring_queue_exit(&ring);
}

static void test_cqe32(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqes[8];

	CHECK(io_uring_queue_init(4, &ring, IORING_SETUP_CQE32) == 0, "init CQE32");
	for (int i = 0; i < 4; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		io_uring_prep_nop(sqe);
		sqe->user_data = 10 + i;
	}
	CHECK(io_uring_submit_and_wait(&ring, 4) == 4, "submit");
	unsigned n = io_uring_peek_batch_cqe(&ring, cqes, 8);
	CHECK(n == 4, "batch %u", n);
	for (unsigned i = 0; i < n; i++) {
		CHECK(cqes[i]->user_data == 10 + i && cqes[i]->res == 0, "cqe %u", i);
		CHECK((char *)cqes[i] == (char *)ring.cq.cqes + 32 * i, "32-byte stride at %u", i);
		CHECK(io_uring_cqe_nr(cqes[i]) == 1, "cqe_nr");
	}
	unsigned head, seen = 0;
	struct io_uring_cqe *cqe;
	io_uring_for_each_cqe(&ring, head, cqe) {
		CHECK(cqe == cqes[seen], "for_each %u", seen);
		seen++;
	}
	CHECK(seen == 4, "for_each saw %u", seen);
	io_uring_cq_advance(&ring, seen);
	CHECK(io_uring_cq_ready(&ring) == 0, "drained");
	io_uring_queue_exit(&ring);
}

static void test_sqe_mixed(void)
{
	struct io_uring ring;
	int ret = io_uring_queue_init(4, &ring, IORING_SETUP_SQE_MIXED);

	if (ret == -EINVAL && t_kernel_refuses_setup(IORING_SETUP_SQE_MIXED)) {
		t_skip_case("sqe_mixed", "kernel refuses IORING_SETUP_SQE_MIXED");
		return;
	}
	CHECK(ret == 0, "SQE_MIXED %d", ret);
	/* Three plain NOPs move the tail to the last slot... */
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 3; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			CHECK(sqe, "get_sqe");
			io_uring_prep_nop(sqe);
			sqe->user_data = 1;
		}
		CHECK(io_uring_submit(&ring) == 3, "submit 3");
		for (int i = 0; i < 3; i++)
			io_uring_cqe_seen(&ring, wait_one(&ring));
		/* ...so a 128-byte SQE needs a padding NOP (skipped CQE) and wraps to slot 0. */
		unsigned tail = ring.sq.sqe_tail;
		struct io_uring_sqe *big = io_uring_get_sqe128(&ring);
		CHECK(big, "get_sqe128");
		CHECK(((tail + 1) & ring.sq.ring_mask) != 0 || big == ring.sq.sqes,
		      "pair not contiguous at slot 0");
		CHECK(ring.sq.sqe_tail - tail == (((tail + 1) & ring.sq.ring_mask) == 0 ? 3u : 2u),
		      "tail moved %u", ring.sq.sqe_tail - tail);
		io_uring_prep_nop(big);
		big->opcode = IORING_OP_NOP128;
		big->user_data = 128;
		ret = io_uring_submit(&ring);
		CHECK(ret >= 1, "submit big %d", ret);
		struct io_uring_cqe *cqe = wait_one(&ring);
		if (cqe->res == -EINVAL && !t_kernel_has_op(IORING_OP_NOP128)) {
			io_uring_cqe_seen(&ring, cqe);
			t_skip_case("sqe_mixed_nop128", "kernel lacks IORING_OP_NOP128");
			break;
		}
		CHECK(cqe->user_data == 128 && cqe->res == 0, "big nop ud %llu res %d",
		      (unsigned long long)cqe->user_data, cqe->res);
		io_uring_cqe_seen(&ring, cqe);
		CHECK(io_uring_cq_ready(&ring) == 0, "padding NOP produced a CQE");
	}
	CHECK(io_uring_get_sqe128(&ring) != NULL, "room after wrap");
	io_uring_queue_exit(&ring);
}

static void test_cqe_mixed(void)
{
	struct io_uring ring;
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	int ret = io_uring_queue_init_params(2, &ring, &p);
	if (ret == -EINVAL && t_kernel_refuses_setup(IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE)) {
		t_skip_case("cqe_mixed", "kernel refuses IORING_SETUP_CQE_MIXED");
		return;
	}
	CHECK(ret == 0, "CQE_MIXED %d", ret);
	CHECK(ring.cq.ring_entries == 4, "cq entries %u", ring.cq.ring_entries);
	/* Alternate 16- and 32-byte CQEs so some 32-byte ones hit the ring's end. */
	unsigned got = 0;
	for (int i = 0; i < 12; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		int big = i % 3 != 0;
		io_uring_prep_nop(sqe);
		if (big)
			sqe->nop_flags = IORING_NOP_CQE32;
		sqe->user_data = 1000 + i;
		CHECK(io_uring_submit(&ring) == 1, "submit");
		struct io_uring_cqe *cqe = wait_one(&ring);
		if (i == 1 && cqe->res == -EINVAL) {
			/* Ask the kernel itself: the same NOP on a CQE_MIXED ring built by hand. */
			struct io_uring_sqe raw;
			int kres;

			memset(&raw, 0, sizeof(raw));
			raw.opcode = IORING_OP_NOP;
			raw.nop_flags = IORING_NOP_CQE32;
			raw.user_data = 1001;
			kres = t_kernel_run_sqe(IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE, &raw,
						NULL, 0);
			CHECK(kres == -EINVAL,
			      "NOP_CQE32 gave -EINVAL through the library, but %d on a raw ring", kres);
			io_uring_cqe_seen(&ring, cqe);
			t_skip_case("cqe_mixed_nop_cqe32",
				    "kernel refuses IORING_NOP_CQE32 on a raw CQE_MIXED ring");
			io_uring_queue_exit(&ring);
			return;
		}
		CHECK(cqe->user_data == 1000u + i, "ud %llu want %d", (unsigned long long)cqe->user_data,
		      1000 + i);
		CHECK(cqe->res == 0, "res %d", cqe->res);
		CHECK(!(cqe->flags & IORING_CQE_F_SKIP), "skip CQE handed to the app");
		CHECK(!!(cqe->flags & IORING_CQE_F_32) == big, "F_32 %#x for %d", cqe->flags, i);
		CHECK(io_uring_cqe_nr(cqe) == (big ? 2u : 1u), "cqe_nr");
		io_uring_cqe_seen(&ring, cqe);
		CHECK(io_uring_cq_ready(&ring) == 0, "leftover %u", io_uring_cq_ready(&ring));
		got++;
	}
	CHECK(got == 12, "got %u", got);
	io_uring_queue_exit(&ring);
}

static void *submit_other_thread(void *arg)
{
	struct io_uring *ring = arg;

	return (void *)(long)io_uring_submit(ring);
}

static void test_single_issuer(void)
{
	struct io_uring ring;
	pthread_t t;
	void *res;

	CHECK(io_uring_queue_init(4, &ring, IORING_SETUP_SINGLE_ISSUER) == 0, "init");
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 4;
	CHECK(pthread_create(&t, NULL, submit_other_thread, &ring) == 0, "thread");
	pthread_join(t, &res);
	CHECK((long)res == -EEXIST, "submit from another thread: %ld", (long)res);
	CHECK(io_uring_submit_and_wait(&ring, 1) == 1, "owner submits");
	struct io_uring_cqe *cqe = wait_one(&ring);
	CHECK(cqe->user_data == 4, "ud");
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

static void test_registered_fd_only(void)
{
	struct io_uring ring;
	int before = count_fds();

	CHECK(io_uring_queue_init(4, &ring, IORING_SETUP_REGISTERED_FD_ONLY) == -EINVAL,
	      "REGISTERED_FD_ONLY without NO_MMAP");
	/* 40 rings in a row: each exit must free its registered slot (16 per task). */
	for (int i = 0; i < 40; i++) {
		int ret = io_uring_queue_init(4, &ring,
					      IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY);
		if (i == 0 && ret == -EINVAL && t_kernel_refuses_no_mmap()) {
			/* NO_MMAP and REGISTERED_FD_ONLY came together in 6.5 */
			t_skip_case("registered_fd_only", "kernel refuses IORING_SETUP_NO_MMAP");
			return;
		}
		CHECK(ret == 0, "init %d: %d", i, ret);
		CHECK(ring.ring_fd == -1, "ring_fd %d", ring.ring_fd);
		CHECK(ring.enter_ring_fd >= 0 && ring.enter_ring_fd < 16, "enter_ring_fd %d",
		      ring.enter_ring_fd);
		CHECK((ring.int_flags & 0x11) == 0x11, "int_flags %#x", ring.int_flags);
		CHECK(count_fds() == before, "a file descriptor was installed");
		nop_roundtrip(&ring, 6);
		io_uring_queue_exit(&ring);
	}
	/* do_register goes through the registered index too. */
	int ret = io_uring_queue_init(4, &ring, IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY |
							IORING_SETUP_R_DISABLED);
	CHECK(ret == 0, "R_DISABLED too: %d", ret);
	CHECK(io_uring_enable_rings(&ring) == 0, "enable via registered ring");
	nop_roundtrip(&ring, 7);
	io_uring_queue_exit(&ring);
	CHECK(count_fds() == before, "fd count changed");
}

static void test_no_sqarray(void)
{
	struct io_uring ring;
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	CHECK(io_uring_queue_init_params(4, &ring, &p) == 0, "init");
	if (t_kernel_refuses_setup(IORING_SETUP_NO_SQARRAY)) {
		/* before 6.6: liburing's fallback, a ring with the SQ index array */
		CHECK(!(p.flags & IORING_SETUP_NO_SQARRAY), "NO_SQARRAY kept on a kernel refusing it");
		CHECK(ring.sq.array != NULL, "no SQ array after the fallback");
	} else {
		CHECK(p.flags & IORING_SETUP_NO_SQARRAY, "library did not ask for NO_SQARRAY: %#x", p.flags);
		CHECK(ring.sq.array == NULL, "array mapped");
	}
	nop_roundtrip(&ring, 8);
	io_uring_queue_exit(&ring);
}

static void test_no_mmap(void)
{
	struct io_uring ring;

	int ret = io_uring_queue_init(4, &ring, IORING_SETUP_NO_MMAP);

	if (t_kernel_refuses_no_mmap()) {
		CHECK(ret == -EINVAL, "NO_MMAP on a kernel refusing it: %d", ret);
		t_skip_case("no_mmap", "kernel refuses IORING_SETUP_NO_MMAP (its -EINVAL checked)");
		return;
	}
	CHECK(ret == 0, "NO_MMAP: %d", ret);
	CHECK(ring.flags & IORING_SETUP_NO_MMAP, "flags");
	for (int i = 0; i < 10; i++)
		nop_roundtrip(&ring, 20 + i);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	test_cqsize_clamp();
	test_attach_wq();
	test_r_disabled();
	test_submit_all();
	pipe_read_taskwork(0);
	pipe_read_taskwork(IORING_SETUP_COOP_TASKRUN);
	pipe_read_taskwork(IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG);
	pipe_read_taskwork(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
	pipe_read_taskwork(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
			   IORING_SETUP_TASKRUN_FLAG);
	test_sqe128();
	test_cqe32();
	test_sqe_mixed();
	test_cqe_mixed();
	test_single_issuer();
	test_registered_fd_only();
	test_no_sqarray();
	test_no_mmap();
	return T_EXIT_PASS;
}
