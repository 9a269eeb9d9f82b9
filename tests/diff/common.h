/* SPDX-License-Identifier: MIT */
/*
 * Shared by the differential programs in tests/diff/. They use only liburing 2.3's API and
 * print deterministic results to stdout; tests/diff-test builds each against Debian's
 * liburing 2.3 and against io_urine and requires identical output. Which liburing the
 * process mapped is printed to stderr ("loaded: PATH") for the script to check.
 */
#ifndef IO_URINE_DIFF_COMMON_H
#define IO_URINE_DIFF_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <liburing.h>

/* Abort the program (exit 1) with file:line when cond is false: a broken run is a failure,
 * never a silently different output. */
#define REQUIRE(cond)                                                            \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: REQUIRE(%s) failed (errno %d)\n", \
				__FILE__, __LINE__, #cond, errno);               \
			exit(1);                                                 \
		}                                                                \
	} while (0)

/* One result line: "label = value". */
#define OUT(label, fmt, ...) printf("%-40s = " fmt "\n", label, __VA_ARGS__)

static inline const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case -EAGAIN: return "-EAGAIN";
	case -EBADF: return "-EBADF";
	case -EBUSY: return "-EBUSY";
	case -ECANCELED: return "-ECANCELED";
	case -EEXIST: return "-EEXIST";
	case -EFAULT: return "-EFAULT";
	case -EINTR: return "-EINTR";
	case -EINVAL: return "-EINVAL";
	case -ENOENT: return "-ENOENT";
	case -ENOMEM: return "-ENOMEM";
	case -ENXIO: return "-ENXIO";
	case -EOPNOTSUPP: return "-EOPNOTSUPP";
	case -ESPIPE: return "-ESPIPE";
	case -ETIME: return "-ETIME";
	case -EALREADY: return "-EALREADY";
	case -EOVERFLOW: return "-EOVERFLOW";
	case -ENFILE: return "-ENFILE";
	case -EMFILE: return "-EMFILE";
	case -EPERM: return "-EPERM";
	default: {
		static char buf[32];
		snprintf(buf, sizeof(buf), "%d", e);
		return buf;
	}
	}
}

#define OUT_RET(label, v) OUT(label, "%s", errname(v))

/* Print which liburing this process runs on (stderr, checked by the script). */
__attribute__((constructor)) static void diff_report_loaded(void)
{
	char line[4096 + 128];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	if (!f)
		return;
	/* every mapping of a liburing file (the script dedups and wants exactly one file) */
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, '/');

		if (p && strstr(p, "/liburing")) {
			p[strcspn(p, "\n")] = 0;
			fprintf(stderr, "loaded: %s\n", p);
			found = 1;
		}
	}
	if (!found)
		fprintf(stderr, "loaded: (none)\n");
	fclose(f);
}

/* A temporary regular file in /tmp (unlinked at once). */
static inline int diff_tmpfile(void)
{
	char path[] = "/tmp/io_urine-diff-XXXXXX";
	int fd = mkstemp(path);

	REQUIRE(fd >= 0);
	unlink(path);
	return fd;
}

static inline void diff_fill(unsigned char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + seed * 13 + (i >> 9));
}

/* FNV-1a, to print a short fingerprint of data read back. */
static inline unsigned diff_hash(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	unsigned h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Submit what is queued and wait for exactly n completions; print them in user_data
 * order as "label[user_data] = res flags". */
static inline void diff_reap_sorted(struct io_uring *ring, unsigned n, const char *label)
{
	unsigned long long ud[64];
	int res[64];
	unsigned flags[64];

	REQUIRE(n <= 64);
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe;
		int ret = io_uring_wait_cqe(ring, &cqe);

		REQUIRE(ret == 0);
		ud[i] = cqe->user_data;
		res[i] = cqe->res;
		flags[i] = cqe->flags;
		io_uring_cqe_seen(ring, cqe);
	}
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && ud[j - 1] > ud[j]; j--) {
			unsigned long long u = ud[j];
			int r = res[j];
			unsigned fl = flags[j];

			ud[j] = ud[j - 1], res[j] = res[j - 1], flags[j] = flags[j - 1];
			ud[j - 1] = u, res[j - 1] = r, flags[j - 1] = fl;
		}
	for (unsigned i = 0; i < n; i++)
		printf("%s[%llu] = res %s flags 0x%x\n", label, ud[i], errname(res[i]), flags[i]);
}

#endif
