/* SPDX-License-Identifier: MIT */
/*
 * No fd or mapping leaks: 10,000 init/exit cycles over every setup path (plain,
 * SQE128|CQE32, NO_MMAP, NO_MMAP|REGISTERED_FD_ONLY, init_mem with a user buffer,
 * io_uring_queue_mmap after a raw io_uring_setup, init_params with CQSIZE), interleaved
 * with failing inits (bad flags after NO_MMAP allocated memory, too-small buffers,
 * REGISTERED_FD_ONLY without NO_MMAP) and mlock_size (which makes a ring inside), leave
 * /proc/self/fd and /proc/self/maps exactly as they were.
 */
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#define CYCLES 10000

static char before_maps[65536], after_maps[65536], before_fds[8192], after_fds[8192];

/* Read a /proc file without stdio (no malloc between snapshots). */
static void slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	size_t off = 0;
	ssize_t n;

	CHECK(fd >= 0, "open %s", path);
	while ((n = read(fd, buf + off, len - 1 - off)) > 0)
		off += n;
	CHECK(n == 0, "read %s", path);
	CHECK(off < len - 1, "%s too big", path);
	buf[off] = 0;
	close(fd);
}

static void list_fds(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int fd = 0; fd < 1024; fd++) {
		if (fcntl(fd, F_GETFD) == -1)
			continue;
		char link[64], target[256];
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = 0;
		off += snprintf(buf + off, len - off, "%d %s\n", fd, target);
		CHECK(off < len, "fd list too long");
	}
}

static void nop(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;

	CHECK(sqe, "get_sqe");
	io_uring_prep_nop(sqe);
	sqe->user_data = 42;
	CHECK(io_uring_submit_and_wait(ring, 1) == 1, "submit");
	CHECK(io_uring_peek_cqe(ring, &cqe) == 0 && cqe->user_data == 42, "cqe");
	io_uring_cqe_seen(ring, cqe);
}

static void *ubuf;
static size_t ubuf_len = 64 * 1024;

static void cycle(int i)
{
	struct io_uring ring;
	struct io_uring_params p;
	int ret = 0;

	memset(&p, 0, sizeof(p));
	switch (i % 12) {
	case 0:
		ret = io_uring_queue_init(8, &ring, 0);
		break;
	case 1:
		ret = io_uring_queue_init(4, &ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
		break;
	case 2:
		ret = io_uring_queue_init(8, &ring, IORING_SETUP_NO_MMAP);
		break;
	case 3:
		ret = io_uring_queue_init(8, &ring, IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY);
		break;
	case 4:
		/* fresh ring memory, as an application gives it (the kernel reads head/tail there) */
		memset(ubuf, 0, ubuf_len);
		ret = io_uring_queue_init_mem(8, &ring, &p, ubuf, ubuf_len);
		if (ret > 0)
			ret = 0;
		break;
	case 5: {
		int fd = io_uring_setup(4, &p);
		CHECK(fd >= 0, "setup %d", fd);
		ret = io_uring_queue_mmap(fd, &p, &ring);
		if (ret)
			close(fd);
		break;
	}
	case 6:
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = 64;
		ret = io_uring_queue_init_params(4, &ring, &p);
		break;
	case 7: /* failures: nothing may stay behind */
		CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_NO_MMAP | (1u << 30)) == -EINVAL, "bad flag");
		CHECK(io_uring_queue_init(8, &ring, 1u << 29) == -EINVAL, "bad flag");
		CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_REGISTERED_FD_ONLY) == -EINVAL, "fd only");
		CHECK(io_uring_queue_init(0, &ring, 0) == -EINVAL, "0 entries");
		CHECK(io_uring_queue_init_mem(8, &ring, &p, ubuf, 4096) == -ENOMEM, "small buffer");
		return;
	case 8:
		CHECK(io_uring_mlock_size(8, 0) >= 0, "mlock_size");
		return;
	case 9:
		ret = io_uring_queue_init(2, &ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
		break;
	case 10: {
		int fd = io_uring_setup(4, &p);
		CHECK(fd >= 0, "setup");
		struct io_uring_params bad = p;
		bad.sq_entries = 2;
		CHECK(io_uring_queue_mmap(fd, &bad, &ring) == -EINVAL, "mismatched params");
		close(fd);
		return;
	}
	default:
		ret = io_uring_queue_init(32, &ring, IORING_SETUP_R_DISABLED);
		CHECK(ret == 0, "init %d", ret);
		CHECK(io_uring_enable_rings(&ring) == 0, "enable");
		break;
	}
	/* Kinds 2-4 are NO_MMAP rings: the kernel's -EINVAL before 6.5 (nothing may leak either). */
	if (i % 12 >= 2 && i % 12 <= 4 && ret == -EINVAL && t_kernel_refuses_no_mmap())
		return;
	CHECK(ret == 0, "cycle %d kind %d: %d", i, i % 12, ret);
	nop(&ring);
	io_uring_queue_exit(&ring);
	if (i % 5 == 0)
		io_uring_queue_exit(&ring); /* twice: harmless */
}

int main(void)
{
	ubuf = mmap(NULL, ubuf_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ubuf != MAP_FAILED, "mmap");
	/* warm up: stdio, the loader and the library settle their own mappings */
	for (int i = 0; i < 24; i++)
		cycle(i);
	list_fds(before_fds, sizeof(before_fds));
	slurp("/proc/self/maps", before_maps, sizeof(before_maps));

	/* T_LEAK_CYCLES: fewer cycles where each is slow (the kernel matrix's emulated guests) */
	int cycles = getenv("T_LEAK_CYCLES") ? atoi(getenv("T_LEAK_CYCLES")) : CYCLES;
	for (int i = 0; i < cycles; i++)
		cycle(i);

	list_fds(after_fds, sizeof(after_fds));
	slurp("/proc/self/maps", after_maps, sizeof(after_maps));
	if (strcmp(before_fds, after_fds)) {
		fprintf(stderr, "fds before:\n%s\nafter:\n%s\n", before_fds, after_fds);
		CHECK(0, "fd leak");
	}
	if (strcmp(before_maps, after_maps)) {
		fprintf(stderr, "maps before:\n%s\nafter:\n%s\n", before_maps, after_maps);
		CHECK(0, "mapping leak");
	}
	munmap(ubuf, ubuf_len);
	return T_EXIT_PASS;
}
