/* SPDX-License-Identifier: MIT */
/*
 * The bad-input sweep: every exported function of the library (the table tools/gen-sweep
 * generates from liburing.h and liburing-ffi's symbol list), found with dlsym in the
 * library given on the command line, called in a forked child once per variant:
 *   - each ring parameter NULL, zeroed (never initialised) and exited;
 *   - each other pointer parameter NULL;
 *   - each integer parameter 0, -1, INT_MIN, UINT_MAX and 2^31;
 * every other argument being a live ring, a zeroed 64 KiB scratch area, or 0.
 * A call passes when the child returns from it (no signal) within the time limit, with
 * no leak: a call that reports an error (negative int, NULL pointer) and every call on an
 * invalid ring leaves the process's fd and mapping counts unchanged, and a call on an
 * invalid ring returns an error (-errno for int results, 0 for unsigned and bool ones,
 * NULL for pointers; void ones return).
 * A wait may legitimately block (the kernel waits for 2^31 completions): calls of the
 * waiting functions that are still blocked after the limit count as expected.
 * Usage: sweep LIBRARY.so [-v]. One PASS line per function (FAIL with its bad calls
 * indented; -v lists every call), a totals line, last "sweep: N passed, N failed, N skipped"
 * (functions).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <liburing.h>
#include "sweep.h"

#define SCRATCH_SLOT (64 << 10)
#define TIME_LIMIT_MS 1500

enum { R_LIVE, R_NULL, R_ZEROED, R_EXITED };
static const char *const ring_state_name[] = { "live", "NULL", "zeroed", "exited" };
static const long long extremes[] = { 0, -1, INT_MIN, UINT_MAX, 1LL << 31 };
static const char *const extreme_name[] = { "0", "-1", "INT_MIN", "UINT_MAX", "2^31" };

struct variant {
	int param;	/* -1: baseline call (no parameters) */
	int ring_state; /* for a ring parameter */
	int null_ptr;	/* for another pointer parameter */
	int ext;	/* index into extremes for an integer parameter, or -1 */
};

struct result {
	long long ret;
	int fds_before, fds_after, maps_before, maps_after;
};

/* Waits: blocking past the time limit is what they are for. */
static int may_block(const char *name)
{
	return strstr(name, "wait") || !strcmp(name, "__io_uring_get_cqe");
}

/*
 * Pointer parameters that must come from the library itself (a scratch area would be a
 * program bug, not bad input): they get NULL where another argument is varied.
 */
static int library_owned(const char *name, int param)
{
	return (!strcmp(name, "io_uring_free_probe") && param == 0) ||
	       (!strcmp(name, "io_uring_free_buf_ring") && param == 1);
}

/* Counts with raw syscalls and static buffers: nothing allocated while measuring. */
static int count_fds(void)
{
	static char buf[32768];
	int fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC), n = 0;
	long got;

	if (fd < 0)
		return -1;
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < got;) {
			unsigned short reclen = *(unsigned short *)(buf + off + 16);
			const char *dname = buf + off + 19;

			if (strcmp(dname, ".") && strcmp(dname, ".."))
				n++;
			off += reclen;
		}
	close(fd);
	return n;
}

static int count_maps(void)
{
	static char buf[65536];
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC), n = 0;
	ssize_t got;

	if (fd < 0)
		return -1;
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < got; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

static void *lib;
static int (*lib_queue_init)(unsigned, struct io_uring *, unsigned);
static void (*lib_queue_exit)(struct io_uring *);

static void child(const struct sweep_fn *fn, void *fp, const struct variant *v, int wfd)
{
	static struct io_uring rings[SWEEP_MAX_PARAMS];
	struct sweep_arg a[SWEEP_MAX_PARAMS];
	struct result r;
	char *scratch = mmap(NULL, SWEEP_MAX_PARAMS * SCRATCH_SLOT, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (scratch == MAP_FAILED)
		_exit(3);
	memset(a, 0, sizeof(a));
	for (int j = 0; j < fn->nparams; j++) {
		int mine = j == v->param;

		switch (fn->kinds[j]) {
		case K_RING: {
			int st = mine ? v->ring_state : R_LIVE;

			if (st == R_NULL)
				break;
			a[j].p = &rings[j];
			if (st == R_LIVE || st == R_EXITED) {
				if (lib_queue_init(8, &rings[j], 0) != 0)
					_exit(4);
				if (st == R_EXITED)
					lib_queue_exit(&rings[j]);
			}
			break;
		}
		case K_PTR:
			if (!(mine && v->null_ptr) && !library_owned(fn->name, j))
				a[j].p = scratch + j * SCRATCH_SLOT;
			break;
		default:
			a[j].i = mine && v->ext >= 0 ? extremes[v->ext] : 0;
		}
	}
	count_fds();
	count_maps();
	r.fds_before = count_fds();
	r.maps_before = count_maps();
	r.ret = fn->call(fp, a);
	r.fds_after = count_fds();
	r.maps_after = count_maps();
	if (write(wfd, &r, sizeof(r)) != sizeof(r))
		_exit(5);
	_exit(0);
}

static int verbose;
static unsigned calls, errors, values, blocked, bad_calls;
static int fn_failed; /* the current function already has its FAIL line */

static void describe(char *out, size_t len, const struct sweep_fn *fn, const struct variant *v)
{
	if (v->param < 0)
		snprintf(out, len, "%s()", fn->name);
	else if (fn->kinds[v->param] == K_RING)
		snprintf(out, len, "%s(arg%d = %s ring)", fn->name, v->param, ring_state_name[v->ring_state]);
	else if (v->null_ptr)
		snprintf(out, len, "%s(arg%d = NULL)", fn->name, v->param);
	else
		snprintf(out, len, "%s(arg%d = %s)", fn->name, v->param, extreme_name[v->ext]);
}

static void run(const struct sweep_fn *fn, void *fp, const struct variant *v)
{
	char what[256];
	struct result r;
	int p[2], status, invalid_ring = v->param >= 0 && fn->kinds[v->param] == K_RING;
	pid_t pid;

	describe(what, sizeof(what), fn, v);
	calls++;
	if (pipe2(p, O_CLOEXEC) != 0) {
		perror("pipe");
		exit(2);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child(fn, fp, v, p[1]);
	}
	close(p[1]);
	struct pollfd pfd = { .fd = p[0], .events = POLLIN };
	int ready = poll(&pfd, 1, TIME_LIMIT_MS);
	ssize_t got = ready == 1 ? read(p[0], &r, sizeof(r)) : 0;
	if (ready != 1)
		kill(pid, SIGKILL);
	close(p[0]);
	waitpid(pid, &status, 0);

	const char *bad = NULL;
	char why[256];
	if (ready != 1) {
		if (may_block(fn->name)) {
			blocked++;
			if (verbose)
				printf("    %s: blocked (a wait), killed after %d ms\n", what, TIME_LIMIT_MS);
			return;
		}
		bad = "blocked";
	} else if (WIFSIGNALED(status)) {
		snprintf(why, sizeof(why), "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
		bad = why;
	} else if (got != sizeof(r) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(why, sizeof(why), "child setup failed (exit %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		bad = why;
	} else {
		int is_error = (fn->ret == RET_INT && (int)r.ret < 0) || (fn->ret == RET_PTR && r.ret == 0);
		int changed = r.fds_after != r.fds_before || r.maps_after != r.maps_before;
		int grew = r.fds_after > r.fds_before || r.maps_after > r.maps_before;

		if (fn->ret == RET_INT && (int)r.ret < 0 && (int)r.ret < -4095) {
			snprintf(why, sizeof(why), "returned %d, not -errno", (int)r.ret);
			bad = why;
		} else if (invalid_ring && !is_error &&
			   ((fn->ret == RET_INT) || (fn->ret == RET_UINT && r.ret != 0))) {
			snprintf(why, sizeof(why), "returned %lld on an invalid ring", r.ret);
			bad = why;
		} else if ((is_error || invalid_ring) ? changed : (fn->ret == RET_VOID && grew)) {
			snprintf(why, sizeof(why), "leak: fds %d -> %d, mappings %d -> %d (returned %lld)", r.fds_before,
				 r.fds_after, r.maps_before, r.maps_after, r.ret);
			bad = why;
		} else if (is_error) {
			errors++;
		} else {
			values++;
		}
		if (!bad && verbose)
			printf("    %s: %lld\n", what, r.ret);
	}
	if (bad) {
		bad_calls++;
		if (!fn_failed)
			printf("FAIL %s\n", fn->name);
		fn_failed = 1;
		printf("    %s: %s\n", what, bad);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s LIBRARY.so [-v]\n", argv[0]);
		return 2;
	}
	verbose = argc > 2 && !strcmp(argv[2], "-v");
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "dlopen %s: %s\n", argv[1], dlerror());
		return 2;
	}
	lib_queue_init = (int (*)(unsigned, struct io_uring *, unsigned))dlsym(lib, "io_uring_queue_init");
	lib_queue_exit = (void (*)(struct io_uring *))dlsym(lib, "io_uring_queue_exit");
	if (!lib_queue_init || !lib_queue_exit) {
		fprintf(stderr, "no io_uring_queue_init/exit in %s\n", argv[1]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	unsigned passed = 0, failed = 0;
	for (int f = 0; f < sweep_nfns; f++) {
		const struct sweep_fn *fn = &sweep_fns[f];
		void *fp = dlsym(lib, fn->name);

		fn_failed = 0;
		if (!fp) {
			printf("FAIL %s\n    not exported by %s\n", fn->name, argv[1]);
			failed++;
			continue;
		}
		if (fn->nparams == 0) {
			struct variant v = { -1, 0, 0, -1 };
			run(fn, fp, &v);
		}
		for (int j = 0; j < fn->nparams; j++) {
			struct variant v = { j, R_LIVE, 0, -1 };

			switch (fn->kinds[j]) {
			case K_RING:
				for (v.ring_state = R_NULL; v.ring_state <= R_EXITED; v.ring_state++)
					run(fn, fp, &v);
				break;
			case K_PTR:
				v.null_ptr = 1;
				run(fn, fp, &v);
				break;
			default:
				for (v.ext = 0; v.ext < (int)(sizeof(extremes) / sizeof(extremes[0])); v.ext++)
					run(fn, fp, &v);
			}
		}
		if (fn_failed) {
			failed++;
		} else {
			passed++;
			printf("PASS %s\n", fn->name);
		}
	}
	printf("sweep totals: %d functions, %u calls: %u error codes, %u other results (success or a harmless value), %u blocked waits "
	       "(killed after %d ms, expected), %u bad calls\n",
	       sweep_nfns, calls, errors, values, blocked, TIME_LIMIT_MS, bad_calls);
	printf("sweep: %u passed, %u failed, 0 skipped\n", passed, failed);
	return failed != 0;
}
