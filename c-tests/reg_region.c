/* SPDX-License-Identifier: MIT */
/*
 * Memory regions and registered waits on the kernel: io_uring_register_wait_reg on a
 * disabled ring (page-aligned slots) makes io_uring_submit_and_wait_reg work: slot 0
 * with a 40 ms timeout expires with -ETIME after ~40 ms, slot 1 with a long timeout
 * returns at once when a NOP completes; the same through io_uring_register_region with
 * a hand-built struct io_uring_region_desc; on an enabled ring the kernel refuses the
 * region and the library returns the raw syscall's error; bad arguments are -EINVAL.
 */
#include "helpers.h"
#include <liburing.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void use_slots(struct io_uring *ring, struct io_uring_reg_wait *w)
{
	struct io_uring_cqe *cqe = NULL;
	double t0, el;
	int ret;

	memset(w, 0, 2 * sizeof(*w));
	w[0].flags = IORING_REG_WAIT_TS;
	w[0].ts.tv_nsec = 40 * 1000000;
	w[1].flags = IORING_REG_WAIT_TS;
	w[1].ts.tv_sec = 5;

	t0 = now_ms();
	ret = io_uring_submit_and_wait_reg(ring, &cqe, 1, 0);
	el = now_ms() - t0;
	CHECK(ret == -ETIME, "slot 0 wait: %d", ret);
	CHECK(el >= 35 && el < 1000, "slot 0 waited %.1f ms", el);

	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 0xabc;
	t0 = now_ms();
	ret = io_uring_submit_and_wait_reg(ring, &cqe, 1, 1);
	el = now_ms() - t0;
	/* liburing returns the submit count when it had to enter the kernel. */
	CHECK((ret == 0 || ret == 1) && cqe && cqe->user_data == 0xabc, "slot 1 wait with a NOP: %d", ret);
	CHECK(el < 1000, "returned at once (%.1f ms)", el);
	io_uring_cqe_seen(ring, cqe);
	CHECK(io_uring_submit_and_wait_reg(ring, &cqe, 1, -1) == -EINVAL, "negative slot");
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	struct io_uring ring;
	struct io_uring_reg_wait *w;
	int ret, raw;

	w = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(w != MAP_FAILED, "mmap");

	/* Enabled ring: the kernel refuses wait regions; same answer as the raw call. */
	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");
	struct io_uring_region_desc rd;
	struct io_uring_mem_region_reg mr;
	memset(&rd, 0, sizeof(rd));
	rd.user_addr = (unsigned long)w;
	rd.size = page;
	rd.flags = IORING_MEM_REGION_TYPE_USER;
	memset(&mr, 0, sizeof(mr));
	mr.region_uptr = (unsigned long)&rd;
	mr.flags = IORING_MEM_REGION_REG_WAIT_ARG;
	raw = io_uring_register(ring.ring_fd, IORING_REGISTER_MEM_REGION, &mr, 1);
	ret = io_uring_register_wait_reg(&ring, w, 2);
	CHECK(ret == raw && ret < 0, "wait region on an enabled ring: %d, raw %d", ret, raw);
	ret = io_uring_register_region(&ring, &mr);
	CHECK(ret == raw, "register_region: %d, raw %d", ret, raw);
	io_uring_queue_exit(&ring);

	/* Disabled ring: register the slots, enable, wait on them. */
	CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_R_DISABLED) == 0, "queue_init disabled");
	CHECK(io_uring_register_wait_reg(&ring, NULL, 1) == -EINVAL, "NULL slots");
	CHECK(io_uring_register_wait_reg(&ring, w, 0) == -EINVAL, "no slots");
	CHECK(io_uring_register_wait_reg(NULL, w, 1) == -EINVAL, "NULL ring");
	ret = io_uring_register_wait_reg(&ring, (void *)((char *)w + 64), 1);
	CHECK(ret == -EINVAL, "unaligned slots: %d", ret);
	ret = io_uring_register_wait_reg(&ring, w, 2);
	if (ret == -EINVAL) {
		/* Before 6.13 the kernel itself refuses IORING_REGISTER_MEM_REGION. */
		raw = (int)syscall(__NR_io_uring_register, ring.ring_fd, IORING_REGISTER_MEM_REGION, &mr, 1);
		CHECK(raw < 0 && errno == EINVAL, "register_wait_reg -EINVAL, raw MEM_REGION gave %d (%s)", raw,
		      strerror(errno));
		t_skip_case("wait_regions", "kernel refuses IORING_REGISTER_MEM_REGION");
		io_uring_queue_exit(&ring);
		munmap(w, page);
		return T_EXIT_PASS;
	}
	CHECK(ret == 0, "register_wait_reg %d", ret);
	CHECK(io_uring_enable_rings(&ring) == 0, "enable");
	use_slots(&ring, w);
	io_uring_queue_exit(&ring);

	/* The same by hand with io_uring_register_region. */
	CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_R_DISABLED) == 0, "queue_init disabled 2");
	CHECK(io_uring_register_region(NULL, &mr) == -EINVAL, "NULL ring");
	ret = io_uring_register_region(&ring, &mr);
	CHECK(ret == 0, "register_region %d", ret);
	ret = io_uring_register_region(&ring, &mr);
	CHECK(ret < 0, "second wait region refused: %d", ret);
	CHECK(io_uring_enable_rings(&ring) == 0, "enable 2");
	use_slots(&ring, w);
	io_uring_queue_exit(&ring);

	munmap(w, page);
	return T_EXIT_PASS;
}
