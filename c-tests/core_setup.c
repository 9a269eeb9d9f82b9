/* SPDX-License-Identifier: MIT */
/*
 * Core ring setup and teardown on the real kernel: queue_init / _params / _mem (NO_MMAP
 * with a user buffer: bytes used, two rings in one buffer, -ENOMEM when too small),
 * io_uring_queue_mmap after a raw io_uring_setup, queue_exit (fd closed, twice is
 * harmless), memory_size / mlock_size, enable_rings on an R_DISABLED ring, the raw
 * io_uring_setup / enter / enter2 / register wrappers, and the version functions.
 */
/* bad input goes to the library's validating exports, not the inline helpers */
#define IO_URINE_NO_INLINE
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#if IO_URING_CHECK_VERSION(2, 15)
#error "IO_URING_CHECK_VERSION(2, 15) must be false for a 2.15 header"
#endif
#if !IO_URING_CHECK_VERSION(2, 16) || !IO_URING_CHECK_VERSION(3, 0)
#error "IO_URING_CHECK_VERSION must be true for versions newer than the header"
#endif
#if IO_URING_VERSION_MAJOR != 2 || IO_URING_VERSION_MINOR != 15
#error "header version must be 2.15"
#endif

static long page_sz;

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static int fd_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* Submit `n` NOPs with user_data base..base+n-1 in one batch, reap all, check each once. */
static void nops(struct io_uring *ring, unsigned n, __u64 base)
{
	unsigned long long seen = 0;

	CHECK(n <= 64, "n %u", n);
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		CHECK(sqe, "get_sqe %u", i);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, base + i);
	}
	int ret = io_uring_submit_and_wait(ring, n);
	CHECK(ret == (int)n, "submit_and_wait %d", ret);
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe;

		ret = io_uring_wait_cqe(ring, &cqe);
		CHECK(ret == 0, "wait_cqe %d", ret);
		CHECK(cqe->res == 0, "nop res %d", cqe->res);
		__u64 ud = io_uring_cqe_get_data64(cqe);
		CHECK(ud >= base && ud < base + n, "user_data %llu", (unsigned long long)ud);
		CHECK(!(seen & (1ull << (ud - base))), "user_data %llu twice", (unsigned long long)ud);
		seen |= 1ull << (ud - base);
		io_uring_cqe_seen(ring, cqe);
	}
	CHECK(io_uring_cq_ready(ring) == 0, "cq not drained");
}

static void test_queue_init(void)
{
	struct io_uring ring;
	int ret = io_uring_queue_init(8, &ring, 0);

	CHECK(ret == 0, "queue_init %d", ret);
	CHECK(ring.sq.ring_entries == 8 && ring.sq.ring_mask == 7, "sq %u/%u", ring.sq.ring_entries,
	      ring.sq.ring_mask);
	CHECK(ring.cq.ring_entries == 16 && ring.cq.ring_mask == 15, "cq %u", ring.cq.ring_entries);
	CHECK(*ring.sq.kring_entries == 8 && *ring.cq.kring_entries == 16, "kernel ring sizes");
	CHECK(ring.ring_fd >= 0 && ring.enter_ring_fd == ring.ring_fd, "fds %d %d", ring.ring_fd,
	      ring.enter_ring_fd);
	CHECK(ring.features & IORING_FEAT_SINGLE_MMAP, "features %#x", ring.features);
	CHECK(ring.int_flags == 0, "int_flags %#x", ring.int_flags);
	CHECK(ring.sq.sqe_head == 0 && ring.sq.sqe_tail == 0, "sqe head/tail");
	/*
	 * liburing 2.15 asks for NO_SQARRAY by default and retries without it on a kernel
	 * that refuses it (before 6.6), which then has the SQ index array.
	 */
	if (t_kernel_refuses_setup(IORING_SETUP_NO_SQARRAY)) {
		CHECK(!(ring.flags & IORING_SETUP_NO_SQARRAY), "flags %#x", ring.flags);
		CHECK(ring.sq.array != NULL, "SQ array expected without NO_SQARRAY");
	} else {
		CHECK(ring.flags & IORING_SETUP_NO_SQARRAY, "flags %#x", ring.flags);
		CHECK(ring.sq.array == NULL, "no SQ array expected");
	}
	nops(&ring, 8, 100);
	nops(&ring, 5, 200);
	int fd = ring.ring_fd;
	io_uring_queue_exit(&ring);
	CHECK(!fd_open(fd), "ring fd %d still open after exit", fd);
}

static void test_queue_init_params(void)
{
	struct io_uring ring;
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	int ret = io_uring_queue_init_params(5, &ring, &p);
	CHECK(ret == 0, "init_params %d", ret);
	CHECK(p.sq_entries == 8 && p.cq_entries == 16, "p entries %u %u", p.sq_entries, p.cq_entries);
	CHECK((!(p.flags & IORING_SETUP_NO_SQARRAY)) == t_kernel_refuses_setup(IORING_SETUP_NO_SQARRAY),
	      "p.flags %#x", p.flags);
	CHECK(p.features == ring.features && p.features & IORING_FEAT_NODROP, "features %#x", p.features);
	CHECK(ring.flags == p.flags, "ring.flags %#x p.flags %#x", ring.flags, p.flags);
	CHECK(p.sq_off.head == 0 || p.sq_off.head < 4096, "sq_off");
	nops(&ring, 8, 0);
	io_uring_queue_exit(&ring);

	/* Asking for NO_SQARRAY explicitly works the same, or fails (no fallback) where refused. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_SQARRAY;
	ret = io_uring_queue_init_params(4, &ring, &p);
	if (t_kernel_refuses_setup(IORING_SETUP_NO_SQARRAY)) {
		CHECK(ret == -EINVAL, "init_params NO_SQARRAY on a kernel refusing it: %d", ret);
		return;
	}
	CHECK(ret == 0, "init_params NO_SQARRAY %d", ret);
	nops(&ring, 4, 10);
	io_uring_queue_exit(&ring);
}

static void test_queue_init_mem(void)
{
	size_t bufsz = 64 * 1024;
	void *buf = mmap(NULL, bufsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct io_uring ring, ring2;
	struct io_uring_params p;

	CHECK(buf != MAP_FAILED, "mmap");
	/* What liburing uses: SQEs page-aligned, then the 64-byte ring header + CQEs. */
	size_t want = align_up(align_up(8 * 64, page_sz) + 64 + 16 * 16, page_sz);

	memset(&p, 0, sizeof(p));
	int ret = io_uring_queue_init_mem(8, &ring, &p, buf, bufsz);
	if (t_kernel_refuses_no_mmap()) {
		/* Before 6.5: the kernel's -EINVAL, and NO_MMAP without a buffer fails the same. */
		CHECK(ret == -EINVAL, "init_mem on a kernel refusing NO_MMAP: %d", ret);
		CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_NO_MMAP) == -EINVAL, "NO_MMAP");
		t_skip_case("init_mem", "kernel refuses IORING_SETUP_NO_MMAP (its -EINVAL checked)");
		munmap(buf, bufsz);
		return;
	}
	CHECK(ret == (int)want, "init_mem returned %d, want %zu", ret, want);
	CHECK(p.flags & IORING_SETUP_NO_MMAP, "p.flags %#x", p.flags);
	CHECK(ring.flags & IORING_SETUP_NO_MMAP, "ring.flags %#x", ring.flags);
	CHECK((void *)ring.sq.sqes == buf, "sqes %p buf %p", (void *)ring.sq.sqes, buf);
	CHECK((char *)ring.sq.ring_ptr == (char *)buf + align_up(8 * 64, page_sz), "ring_ptr");
	CHECK((char *)ring.cq.cqes > (char *)buf && (char *)ring.cq.cqes < (char *)buf + want,
	      "cqes outside the buffer");
	CHECK(p.sq_off.user_addr == (unsigned long)buf, "sq user_addr");
	nops(&ring, 8, 300);

	/* A second ring in the rest of the same buffer. */
	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(8, &ring2, &p, (char *)buf + want, bufsz - want);
	CHECK(ret == (int)want, "second init_mem %d", ret);
	nops(&ring2, 8, 400);
	nops(&ring, 3, 500);
	io_uring_queue_exit(&ring2);
	io_uring_queue_exit(&ring);
	/* The caller's buffer survives queue_exit. */
	memset(buf, 0x5a, bufsz);

	/* Too small: -ENOMEM, nothing set up. */
	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(8, &ring, &p, buf, want - 1);
	CHECK(ret == -ENOMEM, "small buffer: %d", ret);
	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(8, &ring, &p, buf, page_sz);
	CHECK(ret == -ENOMEM, "one page: %d", ret);
	CHECK(io_uring_get_sqe(&ring) == NULL, "failed init left a usable ring");

	/* Bigger ring, exactly sized buffer (zeroed: before 6.13 the kernel takes head/tail as found). */
	want = align_up(align_up(64 * 64, page_sz) + 64 + 128 * 16, page_sz);
	memset(buf, 0, bufsz);
	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(64, &ring, &p, buf, want);
	CHECK(ret == (int)want, "64 entries: %d want %zu", ret, want);
	nops(&ring, 64, 1000);
	io_uring_queue_exit(&ring);

	/* NO_MMAP without a buffer: the library maps the memory itself (small ring). */
	ret = io_uring_queue_init(8, &ring, IORING_SETUP_NO_MMAP);
	CHECK(ret == 0, "NO_MMAP without buffer %d", ret);
	nops(&ring, 8, 600);
	io_uring_queue_exit(&ring);
	munmap(buf, bufsz);
}

static void test_queue_mmap(void)
{
	struct io_uring_params p;
	struct io_uring ring;

	/* Without NO_SQARRAY: the SQ array must be identity-mapped or SQEs get lost. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 64;
	int fd = io_uring_setup(8, &p);
	CHECK(fd >= 0, "io_uring_setup %d", fd);
	CHECK(p.sq_entries == 8 && p.cq_entries == 64, "p %u %u", p.sq_entries, p.cq_entries);
	int ret = io_uring_queue_mmap(fd, &p, &ring);
	CHECK(ret == 0, "queue_mmap %d", ret);
	CHECK(ring.sq.ring_entries == 8 && ring.cq.ring_entries == 64, "entries");
	CHECK(ring.sq.array != NULL, "array");
	/* liburing 2.15 leaves these for the caller; ours fills them in; set them anyway. */
	ring.ring_fd = ring.enter_ring_fd = fd;
	ring.flags = p.flags;
	ring.features = p.features;
	nops(&ring, 8, 700);
	nops(&ring, 7, 800);
	io_uring_queue_exit(&ring);
	CHECK(!fd_open(fd), "fd open after exit");

	/* Bad fds. */
	memset(&p, 0, sizeof(p));
	fd = io_uring_setup(4, &p);
	CHECK(fd >= 0, "setup %d", fd);
	ret = io_uring_queue_mmap(-1, &p, &ring);
	CHECK(ret == -EBADF, "fd -1: %d", ret);
	int closed = dup(fd);
	close(closed);
	ret = io_uring_queue_mmap(closed, &p, &ring);
	CHECK(ret == -EBADF, "closed fd: %d", ret);
	int devnull = open("/dev/null", O_RDWR);
	ret = io_uring_queue_mmap(devnull, &p, &ring);
	CHECK(ret < 0, "/dev/null mapped: %d", ret);
	close(devnull);
	close(fd);
}

static void test_exit_twice(void)
{
	struct io_uring ring;
	int ret = io_uring_queue_init(4, &ring, 0);

	CHECK(ret == 0, "init %d", ret);
	int fd = ring.ring_fd;
	io_uring_queue_exit(&ring);
	/* Reuse the fd number, then exit again: must not close the new file. */
	int other = open("/dev/null", O_RDONLY);
	CHECK(other == fd, "fd number not reused (%d vs %d)", other, fd);
	io_uring_queue_exit(&ring);
	io_uring_queue_exit(&ring);
	CHECK(fd_open(other), "second queue_exit closed a reused fd");
	close(other);
}

static void test_sizes(void)
{
	ssize_t want = (ssize_t)(align_up(16 * 16 + 64, page_sz) + align_up(8 * 64, page_sz));

	CHECK(io_uring_memory_size(8, 0) == want, "memory_size(8) %zd want %zd",
	      io_uring_memory_size(8, 0), want);
	CHECK(io_uring_memory_size(5, 0) == want, "rounds up to 8");
	want = (ssize_t)(align_up(16 * 32 + 64, page_sz) + align_up(8 * 128, page_sz));
	CHECK(io_uring_memory_size(8, IORING_SETUP_SQE128 | IORING_SETUP_CQE32) == want, "big %zd",
	      io_uring_memory_size(8, IORING_SETUP_SQE128 | IORING_SETUP_CQE32));
	want = (ssize_t)(align_up(32768 * 2 * 16 + 64, page_sz) + align_up(32768 * 64, page_sz));
	CHECK(io_uring_memory_size(32768, 0) == want, "max");
	CHECK(io_uring_memory_size(0, 0) == -EINVAL, "0 entries");
	CHECK(io_uring_memory_size(1 << 20, 0) == -EINVAL, "too many entries");
	CHECK(io_uring_memory_size(1 << 20, IORING_SETUP_CLAMP) == want, "clamped");

	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 100;
	want = (ssize_t)(align_up(128 * 16 + 64, page_sz) + align_up(8 * 64, page_sz));
	CHECK(io_uring_memory_size_params(8, &p) == want, "cqsize %zd", io_uring_memory_size_params(8, &p));
	p.cq_entries = 4;
	CHECK(io_uring_memory_size_params(8, &p) == -EINVAL, "cq smaller than sq");
	p.cq_entries = 0;
	CHECK(io_uring_memory_size_params(8, &p) == -EINVAL, "cq 0");

	/* This kernel has FEAT_NATIVE_WORKERS: no memlock is charged. */
	struct io_uring ring;
	CHECK(io_uring_queue_init(4, &ring, 0) == 0, "init");
	int native = !!(ring.features & IORING_FEAT_NATIVE_WORKERS);
	io_uring_queue_exit(&ring);
	if (native) {
		CHECK(io_uring_mlock_size(8, 0) == 0, "mlock_size %zd", io_uring_mlock_size(8, 0));
		memset(&p, 0, sizeof(p));
		CHECK(io_uring_mlock_size_params(8, &p) == 0, "mlock_size_params");
	} else {
		CHECK(io_uring_mlock_size(8, 0) == io_uring_memory_size(8, 0), "mlock = memory size");
	}
	CHECK(io_uring_mlock_size(0, 0) == -EINVAL, "mlock_size(0) %zd", io_uring_mlock_size(0, 0));
}

static void test_enable_rings(void)
{
	struct io_uring ring;
	int ret = io_uring_queue_init(4, &ring, IORING_SETUP_R_DISABLED);

	CHECK(ret == 0, "init R_DISABLED %d", ret);
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	ret = io_uring_submit(&ring);
	CHECK(ret == -EBADFD, "submit on disabled ring: %d", ret);
	ret = io_uring_enable_rings(&ring);
	CHECK(ret == 0, "enable_rings %d", ret);
	ret = io_uring_enable_rings(&ring);
	CHECK(ret == -EBADFD, "enable twice: %d", ret);
	/* The NOP queued before is still in the SQ; submit it now. */
	ret = io_uring_submit_and_wait(&ring, 1);
	CHECK(ret == 1, "submit after enable %d", ret);
	struct io_uring_cqe *cqe;
	CHECK(io_uring_peek_cqe(&ring, &cqe) == 0 && cqe->res == 0, "cqe");
	io_uring_cqe_seen(&ring, cqe);
	nops(&ring, 4, 0);
	io_uring_queue_exit(&ring);
}

static void test_raw_syscalls(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	CHECK(io_uring_setup(0, &p) == -EINVAL, "setup 0");
	CHECK(io_uring_setup(4, NULL) == -EFAULT, "setup NULL params");
	memset(&p, 0, sizeof(p));
	p.resv[0] = 1;
	CHECK(io_uring_setup(4, &p) == -EINVAL, "resv must be zero");

	CHECK(io_uring_queue_init(4, &ring, 0) == 0, "init");
	/* Publish one NOP by hand (NO_SQARRAY ring) and enter with the raw wrapper. */
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 42;
	ring.sq.sqe_head = ring.sq.sqe_tail;
	__atomic_store_n(ring.sq.ktail, ring.sq.sqe_tail, __ATOMIC_RELEASE);
	int ret = io_uring_enter(ring.ring_fd, 1, 1, IORING_ENTER_GETEVENTS, NULL);
	CHECK(ret == 1, "io_uring_enter %d", ret);
	CHECK(io_uring_cq_ready(&ring) == 1, "one cqe");
	CHECK(io_uring_peek_cqe(&ring, &cqe) == 0 && cqe->user_data == 42, "cqe 42");
	io_uring_cqe_seen(&ring, cqe);

	/* enter2 with EXT_ARG and a 20ms timeout, nothing pending: -ETIME. */
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 20 * 1000 * 1000 };
	struct io_uring_getevents_arg arg = { .sigmask = 0, .sigmask_sz = _NSIG / 8, .ts = (unsigned long)&ts };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = io_uring_enter2(ring.ring_fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg,
			      sizeof(arg));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ret == -ETIME, "enter2 timeout %d", ret);
	CHECK(ms >= 15 && ms < 2000, "waited %ld ms", ms);
	ret = io_uring_enter2(ring.ring_fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg, 3);
	CHECK(ret == -EINVAL, "enter2 bad size %d", ret);

	/* Raw register: a probe, and an unknown opcode. */
	size_t len = sizeof(struct io_uring_probe) + 256 * sizeof(struct io_uring_probe_op);
	struct io_uring_probe *probe = calloc(1, len);
	ret = io_uring_register(ring.ring_fd, IORING_REGISTER_PROBE, probe, 256);
	CHECK(ret == 0, "register probe %d", ret);
	CHECK(probe->last_op >= IORING_OP_READ && probe->ops_len > IORING_OP_NOP, "probe %u %u",
	      probe->last_op, probe->ops_len);
	CHECK(probe->ops[IORING_OP_NOP].flags & IO_URING_OP_SUPPORTED, "NOP supported");
	free(probe);
	ret = io_uring_register(ring.ring_fd, 9999, NULL, 0);
	CHECK(ret == -EINVAL, "unknown register opcode %d", ret);

	/* enter / register on fds that are not rings. */
	int devnull = open("/dev/null", O_RDONLY);
	CHECK(io_uring_enter(devnull, 0, 0, 0, NULL) == -EOPNOTSUPP, "enter on /dev/null");
	CHECK(io_uring_register(devnull, IORING_REGISTER_PROBE, NULL, 0) == -EOPNOTSUPP,
	      "register on /dev/null %d", io_uring_register(devnull, IORING_REGISTER_PROBE, NULL, 0));
	close(devnull);
	CHECK(io_uring_enter(100000, 0, 0, 0, NULL) == -EBADF, "enter bad fd");
	io_uring_queue_exit(&ring);
}

static void test_versions(void)
{
	CHECK(io_uring_major_version() == 2, "major %d", io_uring_major_version());
	CHECK(io_uring_minor_version() == 15, "minor %d", io_uring_minor_version());
	CHECK(!io_uring_check_version(2, 15), "2.15");
	CHECK(!io_uring_check_version(2, 0), "2.0");
	CHECK(!io_uring_check_version(1, 99), "1.99");
	CHECK(io_uring_check_version(2, 16), "2.16");
	CHECK(io_uring_check_version(3, 0), "3.0");
	CHECK(io_uring_check_version(IO_URING_VERSION_MAJOR, IO_URING_VERSION_MINOR) ==
		      IO_URING_CHECK_VERSION(IO_URING_VERSION_MAJOR, IO_URING_VERSION_MINOR),
	      "macro and function agree");
}

int main(void)
{
	page_sz = sysconf(_SC_PAGESIZE);
	test_versions();
	test_queue_init();
	test_queue_init_params();
	test_queue_init_mem();
	test_queue_mmap();
	test_exit_twice();
	test_sizes();
	test_enable_rings();
	test_raw_syscalls();
	return T_EXIT_PASS;
}
