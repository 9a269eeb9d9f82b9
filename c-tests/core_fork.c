/* SPDX-License-Identifier: MIT */
/*
 * io_uring_ring_dontfork: after it, a fork(2) child has none of the ring's mappings
 * (SQ ring, CQ ring, SQEs: mincore() says ENOMEM and /proc/self/maps has no line for
 * them), while without it the child does have them; the parent's ring keeps working.
 * Also for SQE128/CQE32 and NO_MMAP rings, and -EINVAL for NULL or exited rings.
 */
#include "helpers.h"
#include <liburing.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static long page_sz;

/* 1 if addr lies in a mapping of this process (mincore and /proc/self/maps agree). */
static int mapped(const void *addr)
{
	unsigned char vec;
	void *page = (void *)((uintptr_t)addr & ~(uintptr_t)(page_sz - 1));
	int by_mincore = mincore(page, page_sz, &vec) == 0;

	if (!by_mincore && errno != ENOMEM)
		_exit(90);
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int by_maps = 0;

	if (!f)
		_exit(91);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && (uintptr_t)addr >= lo && (uintptr_t)addr < hi)
			by_maps = 1;
	}
	fclose(f);
	if (by_maps != by_mincore)
		_exit(92);
	return by_maps;
}

static void nop(struct io_uring *ring, __u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;

	CHECK(sqe, "get_sqe");
	io_uring_prep_nop(sqe);
	sqe->user_data = ud;
	CHECK(io_uring_submit_and_wait(ring, 1) == 1, "submit");
	CHECK(io_uring_wait_cqe(ring, &cqe) == 0 && cqe->user_data == ud && cqe->res == 0, "cqe");
	io_uring_cqe_seen(ring, cqe);
}

/* Fork; the child reports 0 if the ring's memory is (want_mapped) / is not mapped. */
static void check_child(struct io_uring *ring, int want_mapped)
{
	const void *addrs[4] = { ring->sq.ring_ptr, ring->sq.sqes, ring->cq.ring_ptr, ring->cq.cqes };
	int status;

	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		for (int i = 0; i < 4; i++)
			if (mapped(addrs[i]) != want_mapped)
				_exit(10 + i);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status), "child died: status %#x", status);
	CHECK(WEXITSTATUS(status) == 0, "child: mapping %d is %s (code %d)", WEXITSTATUS(status) - 10,
	      want_mapped ? "missing" : "still mapped", WEXITSTATUS(status));
}

static void one(unsigned flags)
{
	struct io_uring ring;

	int ret = io_uring_queue_init(8, &ring, flags);

	if ((flags & IORING_SETUP_NO_MMAP) && t_kernel_refuses_no_mmap()) {
		CHECK(ret == -EINVAL, "init %#x on a kernel refusing NO_MMAP: %d", flags, ret);
		t_skip_case("no_mmap", "kernel refuses IORING_SETUP_NO_MMAP");
		return;
	}
	CHECK(ret == 0, "init %#x: %d", flags, ret);
	nop(&ring, 1);
	check_child(&ring, 1); /* control: without dontfork the child has the rings */
	ret = io_uring_ring_dontfork(&ring);
	CHECK(ret == 0, "dontfork %d", ret);
	check_child(&ring, 0);
	nop(&ring, 2);
	check_child(&ring, 0);
	nop(&ring, 3);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	struct io_uring ring;

	page_sz = sysconf(_SC_PAGESIZE);
	one(0);
	one(IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	one(IORING_SETUP_NO_MMAP);

	/*
	 * A user-memory ring (SQEs and rings in one region, ring_sz 0): the part of the
	 * caller's buffer holding the ring gets DONTFORK too (liburing misses the rings).
	 */
	size_t len = 64 * 1024;
	void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	CHECK(buf != MAP_FAILED, "mmap");
	int ret = io_uring_queue_init_mem(8, &ring, &p, buf, len);
	if (ret == -EINVAL && t_kernel_refuses_no_mmap()) {
		t_skip_case("init_mem", "kernel refuses IORING_SETUP_NO_MMAP");
		munmap(buf, len);
		CHECK(io_uring_ring_dontfork(NULL) == -EINVAL, "NULL ring");
		return T_EXIT_PASS;
	}
	CHECK(ret > 0, "init_mem %d", ret);
	check_child(&ring, 1);
	CHECK(io_uring_ring_dontfork(&ring) == 0, "dontfork user memory");
	check_child(&ring, 0);
	nop(&ring, 4);
	io_uring_queue_exit(&ring);
	munmap(buf, len);

	CHECK(io_uring_ring_dontfork(NULL) == -EINVAL, "NULL ring");
	CHECK(io_uring_queue_init(4, &ring, 0) == 0, "init");
	io_uring_queue_exit(&ring);
	CHECK(io_uring_ring_dontfork(&ring) == -EINVAL, "exited ring");
	return T_EXIT_PASS;
}
