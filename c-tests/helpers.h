/* SPDX-License-Identifier: MIT */
/* Shared by the C tests: exit codes, checks, and proof that our library is loaded. */
#ifndef IO_URINE_TEST_HELPERS_H
#define IO_URINE_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T_EXIT_PASS 0
#define T_EXIT_FAIL 1
#define T_EXIT_SKIP 77

/* Fail the test with file:line and a message when cond is false. */
#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__,  \
				__LINE__, #cond);                               \
			fprintf(stderr, __VA_ARGS__);                           \
			fprintf(stderr, "\n");                                  \
			exit(T_EXIT_FAIL);                                      \
		}                                                               \
	} while (0)

/*
 * The kernel writes I/O results into the program's buffers itself; valgrind's memcheck
 * sees no store and would call those bytes uninitialised. Tests mark the bytes a CQE says
 * the kernel wrote (a client request: nothing happens outside valgrind).
 */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define T_KERNEL_WROTE(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n) > 0 ? (size_t)(n) : 0))
#define T_UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef T_KERNEL_WROTE
#define T_KERNEL_WROTE(p, n) ((void)(p), (void)(n))
#define T_UNDER_VALGRIND() 0
#endif

/* Skip (exit 77) with a reason. */
#define SKIP(...)                                                               \
	do {                                                                    \
		fprintf(stderr, "SKIP: ");                                      \
		fprintf(stderr, __VA_ARGS__);                                   \
		fprintf(stderr, "\n");                                          \
		exit(T_EXIT_SKIP);                                              \
	} while (0)

/*
 * Skip one sub-case and carry on: prints "SKIP <test>/<name>: <reason>", which
 * tests/run-c-tests counts as a skipped case beside the test's own verdict. Decide it by
 * asking the kernel (t_kernel_has_op, t_kernel_refuses_setup, the features io_uring_setup
 * returned, the raw syscall's answer), never by version numbers.
 */
void t_skip_case(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A temporary file (unlinked at once); returns its fd. */
int t_tmpfile(void);
/* Fill buf with a pattern derived from seed; check it back. */
void t_fill(void *buf, size_t len, unsigned seed);
int t_check(const void *buf, size_t len, unsigned seed);
/* Path of the liburing this process mapped (from /proc/self/maps), or NULL. */
const char *t_loaded_liburing(void);

struct io_uring;
struct io_uring_sqe;
/* Submit the one prepared `sqe` with user_data `ud`, wait for its CQE, return cqe->res. */
int t_run1(struct io_uring *ring, struct io_uring_sqe *sqe, unsigned long long ud);
/* io_uring_get_sqe that fails the test when the SQ is full. */
struct io_uring_sqe *t_get_sqe(struct io_uring *ring);
/* Fail the test if, after a short pause and a flush of task work, any CQE is pending. */
void t_expect_no_cqe(struct io_uring *ring);
/* Two UDP sockets on 127.0.0.1: sv[1] bound to a free port, sv[0] connected to it. */
void t_udp_pair(int sv[2]);
/*
 * The kernel's own answers, asked with raw syscalls (not through the library under test),
 * for deciding skips: does the kernel know opcode `op` (IORING_REGISTER_PROBE on a fresh
 * ring)? Does io_uring_setup(2) with `flags` fail with EINVAL?
 */
int t_kernel_has_op(int op);
int t_kernel_refuses_setup(unsigned flags);
/*
 * Does the kernel refuse IORING_SETUP_NO_MMAP (before 6.5)? Asked with a raw io_uring_setup
 * given real memory for the rings and SQEs, as such a setup needs; the answer is cached.
 */
int t_kernel_refuses_no_mmap(void);
/*
 * Does the kernel post the tags of the resources still registered when a table is
 * unregistered (6.18 does; 6.1 and 6.12 post none)? files: 1 for files, 0 for buffers.
 * Asked with raw syscalls on a private ring.
 */
int t_kernel_posts_unregister_tags(int files);
/*
 * Run one hand-built SQE on a private ring made with raw syscalls only (io_uring_setup with
 * setup_flags, IORING_REGISTER_BUFFERS of bufs[0..nbufs) when nbufs > 0, io_uring_enter)
 * and return the res of its first CQE: what the kernel itself says about that request.
 */
struct iovec;
int t_kernel_run_sqe(unsigned setup_flags, const struct io_uring_sqe *sqe, const struct iovec *bufs,
		     unsigned nbufs);
/*
 * Does the kernel republish a CQE the application already reaped when a 32-byte CQE
 * overflows one slot before the wrap of an IORING_SETUP_CQE_MIXED ring? 6.18 does: it
 * writes the padding entry, finds no room for the CQE, and leaves its CQE cache pointing
 * at the padding slot, so the next 16-byte CQE overwrites the padding and the tail moves
 * past a slot nobody wrote. Asked with raw syscalls on a private (4, 4) ring; 1 when the
 * kernel shows the bug, 0 when not. The caller has checked that CQE_MIXED is accepted.
 */
int t_kernel_cqe_mixed_wrap_bug(void);
/*
 * Register a provided-buffer ring (entries, bgid, IOU_PBUF_RING_* flags; memory mapped
 * here unless IOU_PBUF_RING_MMAP) on ring_fd with a raw IORING_REGISTER_PBUF_RING call,
 * unregister it again on success; returns 0 or the errno the kernel gave.
 */
int t_kernel_pbuf_ring_errno(int ring_fd, unsigned entries, unsigned bgid, unsigned flags);

#endif
