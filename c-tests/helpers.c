/* SPDX-License-Identifier: MIT */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "helpers.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

void t_skip_case(const char *name, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	/* formatted first, then one write: the runner matches the line at its start */
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	fprintf(stderr, "SKIP %s/%s: %s\n", program_invocation_short_name, name, reason);
}

int t_tmpfile(void)
{
	char path[] = "/tmp/io_urine-test-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0) {
		perror("mkstemp");
		exit(T_EXIT_FAIL);
	}
	unlink(path);
	return fd;
}

void t_fill(void *buf, size_t len, unsigned seed)
{
	unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)((i * 31 + seed * 7 + (i >> 8)) & 0xff);
}

int t_check(const void *buf, size_t len, unsigned seed)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		if (p[i] != (unsigned char)((i * 31 + seed * 7 + (i >> 8)) & 0xff))
			return -1;
	return 0;
}

const char *t_loaded_liburing(void)
{
	static char found[4096];
	char line[4096 + 128];
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return NULL;
	found[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');

		if (path && (strstr(path, "/liburing") || strstr(path, "/libio_urine"))) {
			path[strcspn(path, "\n")] = 0;
			snprintf(found, sizeof(found), "%s", path);
			break;
		}
	}
	fclose(f);
	return found[0] ? found : NULL;
}

/*
 * Every C test proves, before main, that the liburing it runs on is ours: the mapped
 * file must lie in IO_URINE_LIBDIR (our build/lib, or the install prefix under test).
 * Statically linked tests define IO_URINE_STATIC and check the exported version instead.
 */
#ifndef IO_URINE_LIBDIR
#error "build the C tests with -DIO_URINE_LIBDIR=\"/abs/path/to/build/lib\""
#endif
#include <liburing.h>
__attribute__((constructor)) static void t_require_ours(void)
{
#ifdef IO_URINE_STATIC
	if (io_uring_major_version() != 2 || io_uring_minor_version() != 15) {
		fprintf(stderr, "statically linked library is not io_urine 2.15\n");
		exit(T_EXIT_FAIL);
	}
#else
	const char *lib = t_loaded_liburing();
	char real[4096], want[4096], line[4096 + 128];
	FILE *f;

	if (!lib || !realpath(lib, real) || !realpath(IO_URINE_LIBDIR, want) ||
	    strncmp(real, want, strlen(want)) != 0) {
		fprintf(stderr, "not running on io_urine: loaded %s, want one in %s\n",
			lib ? lib : "(none)", IO_URINE_LIBDIR);
		exit(T_EXIT_FAIL);
	}
	/* ...and no other liburing file may be mapped beside it (symbols could bind there) */
	f = fopen("/proc/self/maps", "r");
	if (!f) {
		perror("/proc/self/maps");
		exit(T_EXIT_FAIL);
	}
	while (fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');

		if (!path || (!strstr(path, "/liburing") && !strstr(path, "/libio_urine")))
			continue;
		path[strcspn(path, "\n")] = 0;
		if (!realpath(path, real) || strncmp(real, want, strlen(want)) != 0) {
			fprintf(stderr, "a second liburing is mapped: %s (ours in %s)\n", path,
				IO_URINE_LIBDIR);
			exit(T_EXIT_FAIL);
		}
	}
	fclose(f);
#endif
}

int t_run1(struct io_uring *ring, struct io_uring_sqe *sqe, unsigned long long ud)
{
	struct io_uring_cqe *cqe;
	int ret;

	sqe->user_data = ud;
	ret = io_uring_submit_and_wait(ring, 1);
	CHECK(ret == 1, "submit_and_wait %d", ret);
	ret = io_uring_wait_cqe(ring, &cqe);
	CHECK(ret == 0 && cqe->user_data == ud, "wait_cqe %d", ret);
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

struct io_uring_sqe *t_get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	CHECK(sqe, "get_sqe");
	return sqe;
}

int t_kernel_has_op(int op)
{
	struct io_uring_params p;
	struct {
		struct io_uring_probe hdr;
		struct io_uring_probe_op ops[256];
	} probe;
	int fd, ret;

	memset(&p, 0, sizeof(p));
	fd = (int)syscall(__NR_io_uring_setup, 2, &p);
	CHECK(fd >= 0, "raw io_uring_setup: %s", strerror(errno));
	memset(&probe, 0, sizeof(probe));
	ret = (int)syscall(__NR_io_uring_register, fd, IORING_REGISTER_PROBE, &probe, 256);
	close(fd);
	CHECK(ret == 0, "raw IORING_REGISTER_PROBE: %s", strerror(errno));
	return op >= 0 && op <= probe.hdr.last_op && op < 256 &&
	       (probe.hdr.ops[op].flags & IO_URING_OP_SUPPORTED);
}

int t_kernel_refuses_setup(unsigned flags)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	if (flags & IORING_SETUP_CQSIZE)
		p.cq_entries = 8;
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EINVAL;
}

int t_kernel_refuses_no_mmap(void)
{
	static int answer = -1;
	size_t len = 64 * 1024;
	struct io_uring_params p;
	char *mem;
	int fd, err;

	if (answer >= 0)
		return answer;
	mem = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_MMAP;
	p.sq_off.user_addr = (unsigned long)mem;
	p.cq_off.user_addr = (unsigned long)(mem + len);
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	munmap(mem, 2 * len);
	CHECK(fd >= 0 || err == EINVAL, "raw NO_MMAP io_uring_setup: %s", strerror(err));
	answer = fd < 0;
	return answer;
}

int t_kernel_posts_unregister_tags(int files)
{
	static char page[4096] __attribute__((aligned(4096)));
	struct iovec iov = { page, sizeof(page) };
	struct io_uring_rsrc_register rr;
	struct io_uring_params p;
	__u64 tag = 0x77;
	int fd, file, ret;
	unsigned char *cq;
	size_t cq_len;

	memset(&p, 0, sizeof(p));
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	CHECK(fd >= 0, "raw setup: %s", strerror(errno));
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
	CHECK(cq != MAP_FAILED, "raw CQ mmap: %s", strerror(errno));
	file = open("/dev/null", O_RDONLY);
	memset(&rr, 0, sizeof(rr));
	rr.nr = 1;
	rr.data = files ? (unsigned long)&file : (unsigned long)&iov;
	rr.tags = (unsigned long)&tag;
	ret = (int)syscall(__NR_io_uring_register, fd, files ? IORING_REGISTER_FILES2 : IORING_REGISTER_BUFFERS2,
			   &rr, sizeof(rr));
	CHECK(ret == 0, "raw tagged register: %s", strerror(errno));
	ret = (int)syscall(__NR_io_uring_register, fd, files ? IORING_UNREGISTER_FILES : IORING_UNREGISTER_BUFFERS,
			   NULL, 0);
	CHECK(ret == 0, "raw unregister: %s", strerror(errno));
	for (int i = 0; i < 10 && __atomic_load_n((unsigned *)(cq + p.cq_off.tail), __ATOMIC_ACQUIRE) == 0; i++) {
		syscall(__NR_io_uring_enter, fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
		if (__atomic_load_n((unsigned *)(cq + p.cq_off.tail), __ATOMIC_ACQUIRE) == 0)
			usleep(50 * 1000);
	}
	ret = __atomic_load_n((unsigned *)(cq + p.cq_off.tail), __ATOMIC_ACQUIRE) != 0;
	munmap(cq, cq_len);
	close(file);
	close(fd);
	return ret;
}

int t_kernel_run_sqe(unsigned setup_flags, const struct io_uring_sqe *sqe, const struct iovec *bufs,
		     unsigned nbufs)
{
	size_t sqe_sz = (setup_flags & IORING_SETUP_SQE128) ? 128 : 64;
	size_t cqe_sz = (setup_flags & IORING_SETUP_CQE32) ? 32 : 16;
	struct io_uring_params p;
	unsigned char *sq, *cq, *sqes;
	size_t sq_len, cq_len, sqes_len;
	unsigned head, tail, mask;
	int fd, ret, res;

	memset(&p, 0, sizeof(p));
	p.flags = setup_flags;
	if (setup_flags & IORING_SETUP_CQSIZE)
		p.cq_entries = 8;
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	CHECK(fd >= 0, "raw io_uring_setup(%#x): %s", setup_flags, strerror(errno));
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_len = p.cq_off.cqes + p.cq_entries * cqe_sz;
	sqes_len = p.sq_entries * sqe_sz;
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		    IORING_OFF_SQES);
	CHECK(sq != MAP_FAILED && cq != MAP_FAILED && sqes != MAP_FAILED, "raw ring mmap: %s",
	      strerror(errno));
	if (nbufs) {
		ret = (int)syscall(__NR_io_uring_register, fd, IORING_REGISTER_BUFFERS, bufs, nbufs);
		CHECK(ret == 0, "raw IORING_REGISTER_BUFFERS: %s", strerror(errno));
	}

	/* slot 0 of the SQE array, index 0 in the SQ array, then publish tail + 1 */
	mask = *(unsigned *)(sq + p.sq_off.ring_mask);
	tail = __atomic_load_n((unsigned *)(sq + p.sq_off.tail), __ATOMIC_ACQUIRE);
	memcpy(sqes, sqe, sqe_sz);
	((unsigned *)(sq + p.sq_off.array))[tail & mask] = 0;
	__atomic_store_n((unsigned *)(sq + p.sq_off.tail), tail + 1, __ATOMIC_RELEASE);
	ret = (int)syscall(__NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
	CHECK(ret == 1, "raw io_uring_enter: %d (%s)", ret, strerror(errno));

	mask = *(unsigned *)(cq + p.cq_off.ring_mask);
	head = __atomic_load_n((unsigned *)(cq + p.cq_off.head), __ATOMIC_ACQUIRE);
	tail = __atomic_load_n((unsigned *)(cq + p.cq_off.tail), __ATOMIC_ACQUIRE);
	CHECK(tail != head, "raw ring: no CQE after waiting for one");
	res = ((struct io_uring_cqe *)(cq + p.cq_off.cqes + (head & mask) * cqe_sz))->res;

	munmap(sqes, sqes_len);
	munmap(cq, cq_len);
	munmap(sq, sq_len);
	close(fd);
	return res;
}

int t_kernel_pbuf_ring_errno(int ring_fd, unsigned entries, unsigned bgid, unsigned flags)
{
	struct io_uring_buf_reg reg;
	size_t len = (size_t)entries * sizeof(struct io_uring_buf);
	void *mem = NULL;
	int ret, err;

	memset(&reg, 0, sizeof(reg));
	if (!(flags & IOU_PBUF_RING_MMAP)) {
		mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(mem != MAP_FAILED, "mmap buffer ring: %s", strerror(errno));
		reg.ring_addr = (uint64_t)(uintptr_t)mem;
	}
	reg.ring_entries = entries;
	reg.bgid = (__u16)bgid;
	reg.flags = (__u16)flags;
	ret = (int)syscall(__NR_io_uring_register, ring_fd, IORING_REGISTER_PBUF_RING, &reg, 1);
	err = ret < 0 ? errno : 0;
	if (ret == 0) {
		memset(&reg, 0, sizeof(reg));
		reg.bgid = (__u16)bgid;
		ret = (int)syscall(__NR_io_uring_register, ring_fd, IORING_UNREGISTER_PBUF_RING, &reg, 1);
		CHECK(ret == 0, "raw IORING_UNREGISTER_PBUF_RING: %s", strerror(errno));
	}
	if (mem)
		munmap(mem, len);
	return err;
}

void t_expect_no_cqe(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = NULL;

	usleep(10000);
	io_uring_get_events(ring);
	CHECK(io_uring_peek_cqe(ring, &cqe) == -EAGAIN && !cqe, "unexpected CQE ud %llu res %d",
	      cqe ? (unsigned long long)cqe->user_data : 0ULL, cqe ? cqe->res : 0);
}

void t_udp_pair(int sv[2])
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);

	sv[0] = socket(AF_INET, SOCK_DGRAM, 0);
	sv[1] = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(sv[0] >= 0 && sv[1] >= 0, "socket");
	CHECK(bind(sv[1], (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind");
	CHECK(getsockname(sv[1], (struct sockaddr *)&sa, &sl) == 0, "getsockname");
	CHECK(connect(sv[0], (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect");
}

/* Submit one NOP (32-byte CQE when big) on a raw ring with a 4-entry SQ. */
static void raw_nop(int fd, unsigned char *sq, const struct io_uring_params *p, struct io_uring_sqe *sqes,
		    __u64 ud, int big)
{
	unsigned mask = *(unsigned *)(sq + p->sq_off.ring_mask);
	unsigned tail = __atomic_load_n((unsigned *)(sq + p->sq_off.tail), __ATOMIC_RELAXED);
	struct io_uring_sqe *s = &sqes[tail & mask];

	memset(s, 0, sizeof(*s));
	s->opcode = IORING_OP_NOP;
	s->user_data = ud;
	s->nop_flags = big ? IORING_NOP_CQE32 : 0;
	((unsigned *)(sq + p->sq_off.array))[tail & mask] = tail & mask;
	__atomic_store_n((unsigned *)(sq + p->sq_off.tail), tail + 1, __ATOMIC_RELEASE);
	CHECK(syscall(__NR_io_uring_enter, fd, 1, 0, 0, NULL, 0) == 1, "raw enter: %s", strerror(errno));
}

int t_kernel_cqe_mixed_wrap_bug(void)
{
	struct io_uring_params p;
	struct io_uring_cqe *cqes;
	struct io_uring_sqe *sqes;
	unsigned char *sq, *cq;
	size_t sq_len, cq_len;
	unsigned head, tail, mask, *khead;
	int fd, bug = 0;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	CHECK(fd >= 0, "raw io_uring_setup(CQE_MIXED): %s", strerror(errno));
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		    IORING_OFF_SQES);
	CHECK(sq != MAP_FAILED && cq != MAP_FAILED && sqes != MAP_FAILED, "raw ring mmap: %s", strerror(errno));
	cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	mask = *(unsigned *)(cq + p.cq_off.ring_mask);
	khead = (unsigned *)(cq + p.cq_off.head);

	/* CQEs 1, 2, 3 at indices 0..2; reap the first (head 1, tail 3) */
	raw_nop(fd, sq, &p, sqes, 1, 0);
	raw_nop(fd, sq, &p, sqes, 2, 0);
	raw_nop(fd, sq, &p, sqes, 3, 0);
	__atomic_store_n(khead, 1, __ATOMIC_RELEASE);
	/* a 32-byte CQE: padding at index 3, then no room for two slots: overflow */
	raw_nop(fd, sq, &p, sqes, 4, 1);
	/* a 16-byte CQE, and a flush of the overflow list */
	raw_nop(fd, sq, &p, sqes, 5, 0);
	syscall(__NR_io_uring_enter, fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);

	head = __atomic_load_n(khead, __ATOMIC_RELAXED);
	tail = __atomic_load_n((unsigned *)(cq + p.cq_off.tail), __ATOMIC_ACQUIRE);
	while ((int)(tail - head) > 0) {
		struct io_uring_cqe *c = &cqes[head & mask];

		if (c->user_data == 1)
			bug = 1; /* reaped before: the slot was passed without being written */
		head += (c->flags & IORING_CQE_F_32) ? 2 : 1;
	}
	munmap(sqes, p.sq_entries * sizeof(*sqes));
	munmap(cq, cq_len);
	munmap(sq, sq_len);
	close(fd);
	return bug;
}
