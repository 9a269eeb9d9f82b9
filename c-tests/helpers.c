/* SPDX-License-Identifier: MIT */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "helpers.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

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
