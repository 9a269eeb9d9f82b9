/* SPDX-License-Identifier: MIT */
/*
 * io_urine: liburing 2.15's API, implemented in Rust.
 *
 * This file is written by hand. The structs and the prototypes of the out-of-line
 * functions come from liburing/io_urine.h, which cbindgen generates from the Rust
 * signatures (src/capi). The hot path below (SQE handout, every io_uring_prep_*, the
 * CQ accessors, the buffer-ring and recvmsg helpers) is defined here as IOURINGINLINE
 * functions, as liburing does: `static inline` by default (`inline` in C++20), so a
 * C/C++ program pays no call. Each of them is also an exported function of
 * liburing.so.2 / liburing-ffi.so.2 with the same name and signature, for languages
 * that cannot use inline C; the Rust exports validate their arguments, the inline
 * helpers do not (see the README, "Behaviour that differs").
 *
 * Define IOURINGINLINE (e.g. empty) before including this header to turn the inline
 * helpers into plain definitions; define IO_URINE_NO_INLINE to call the library's
 * (validating) exports instead. tests/header-test does that with
 * IO_URINE_INLINE_PROTOTYPES defined, which adds the Rust exports' prototypes of the
 * same functions, so the compiler proves both signatures identical.
 */
/* As liburing's users expect: glibc exposes sigset_t only with _XOPEN_SOURCE, musl
 * cpu_set_t only with _GNU_SOURCE; both must be set before the first system header. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 500
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#ifndef LIB_URING_H
#define LIB_URING_H

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/swab.h>
#include <linux/filter.h>
#include "liburing/compat.h"
#include "liburing/io_uring.h"
#include "liburing/io_uring/query.h"
#include "liburing/io_uring/bpf_filter.h"
#include "liburing/io_uring_version.h"
#include "liburing/barrier.h"

#ifndef uring_unlikely
#define uring_unlikely(cond) __builtin_expect(!!(cond), 0)
#endif
#ifndef uring_likely
#define uring_likely(cond) __builtin_expect(!!(cond), 1)
#endif

/* How the hot-path helpers are defined (see the top of this file). */
#ifndef IOURINGINLINE
#if defined(__cplusplus) && __cplusplus >= 202002L
#define IOURINGINLINE inline
#else
#define IOURINGINLINE static inline
#endif
#endif
/* Helpers of this header's own that are never exported. */
#ifndef _LOCAL_INLINE
#if defined(__cplusplus) && __cplusplus >= 202002L
#define _LOCAL_INLINE inline
#else
#define _LOCAL_INLINE static inline
#endif
#endif

#ifdef __cplusplus
#define LIBURING_NOEXCEPT noexcept
#else
#define LIBURING_NOEXCEPT
#endif

/* The io_uring system call numbers, for programs that call them directly. */
#if defined(__alpha__)
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 535
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 536
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 537
#endif
#elif defined(__mips__)
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup (__NR_Linux + 425)
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter (__NR_Linux + 426)
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register (__NR_Linux + 427)
#endif
#else
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif
#endif

/* Kernel/libc structs the prep helpers take pointers to (system headers may lack them). */
struct statx;
struct epoll_event;
struct futex_waitv;

/* struct io_uring and friends, and every out-of-line function (generated). With
 * IO_URINE_NO_INLINE defined, the helpers below are not defined inline: every one is then
 * declared there and called in the library, whose exported functions validate their
 * arguments (NULL ring or SQE ...). */
#if defined(IO_URINE_NO_INLINE) && !defined(IO_URINE_INLINE_PROTOTYPES)
#define IO_URINE_INLINE_PROTOTYPES
#endif
#include "liburing/io_urine.h"

/* user_data of liburing's internal timeout SQE; never returned to the application. */
#define LIBURING_UDATA_TIMEOUT ((__u64) -1)

/* This header has the 64-bit user_data helpers. */
#define LIBURING_HAVE_DATA64

/* True when this header is older than major.minor (compile-time io_uring_check_version). */
#define IO_URING_CHECK_VERSION(major, minor)                                     \
	((major) > IO_URING_VERSION_MAJOR ||                                     \
	 ((major) == IO_URING_VERSION_MAJOR && (minor) > IO_URING_VERSION_MINOR))

/* slot index of CQ position `ptr` (liburing 2.3's macro, kept for old callers) */
#define io_uring_cqe_index(ring, ptr, mask) (((ptr) & (mask)) << io_uring_cqe_shift(ring))

/*
 * Iterate the ready CQEs of `ring` without consuming them: `head` is a caller-declared
 * unsigned (set to each CQE's position), `cqe` a struct io_uring_cqe pointer. Call
 * io_uring_cq_advance(ring, n) afterwards to mark the n CQ slots seen.
 */
#define io_uring_for_each_cqe(ring, head, cqe)                                            \
	for (struct io_uring_cqe_iter __io_urine_it = io_uring_cqe_iter_init(ring);         \
	     (head) = __io_urine_it.head, io_uring_cqe_iter_next(&__io_urine_it, &(cqe)); \
	     (void)(head))

/*
 * The kernel's SQ head: an SQPOLL thread moves it concurrently (acquire), otherwise only
 * io_uring_enter does, on this thread. A macro, so that each helper below contains the
 * atomic load itself: Zig's translate-c cannot translate it and then demotes the whole
 * helper to a call of the exported function of the same name (which liburing.so.2 has),
 * instead of leaving a call to a helper only the static archives define.
 */
#define __io_urine_sq_head(ring)                                                    \
	(((ring)->flags & IORING_SETUP_SQPOLL) ? io_uring_smp_load_acquire((ring)->sq.khead) \
					       : *(ring)->sq.khead)

/* The body of the SQE handout: returns the next free SQE, fields initialised, or NULL
 * when the SQ is full. */
#define __io_urine_return_sqe(ring)                                                       \
	do {                                                                              \
		struct io_uring_sq *__sq = &(ring)->sq;                                   \
		unsigned int __tail = __sq->sqe_tail, __head;                             \
		struct io_uring_sqe *__sqe;                                               \
                                                                                          \
		__head = __io_urine_sq_head(ring);                                        \
		if (__tail - __head >= __sq->ring_entries)                                \
			return NULL;                                                      \
		__sqe = &__sq->sqes[(__tail & __sq->ring_mask) << io_uring_sqe_shift(ring)]; \
		__sq->sqe_tail = __tail + 1;                                              \
		io_uring_initialize_sqe(__sqe);                                           \
		return __sqe;                                                             \
	} while (0)

#ifdef __cplusplus
extern "C" {
#endif

/* ---- small conversions ------------------------------------------------------------ */

_LOCAL_INLINE __u64 uring_ptr_to_u64(const void *ptr) LIBURING_NOEXCEPT
{
	return (__u64)(uintptr_t)ptr;
}

/* poll masks travel as one 32-bit word whose 16-bit halves the kernel swaps on big endian */
_LOCAL_INLINE unsigned __io_uring_prep_poll_mask(unsigned poll_mask) LIBURING_NOEXCEPT
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __swahw32(poll_mask);
#else
	return poll_mask;
#endif
}

/* direct-descriptor slots are passed to the kernel as index + 1 (0: a normal fd) */
_LOCAL_INLINE void __io_uring_set_target_fixed_file(struct io_uring_sqe *sqe, unsigned int file_index)
	LIBURING_NOEXCEPT
{
	sqe->file_index = file_index + 1;
}

/* the *_direct helpers: IORING_FILE_INDEX_ALLOC asks the kernel for a free slot and must
 * reach it unchanged, so it is stored minus the + 1 above */
_LOCAL_INLINE void __io_urine_set_direct_target(struct io_uring_sqe *sqe, unsigned int file_index)
	LIBURING_NOEXCEPT
{
	__io_uring_set_target_fixed_file(sqe, file_index == IORING_FILE_INDEX_ALLOC ? file_index - 1 : file_index);
}

#ifndef IO_URINE_NO_INLINE
IOURINGINLINE int io_uring_opcode_supported(const struct io_uring_probe *p, int op) LIBURING_NOEXCEPT
{
	return op >= 0 && op <= p->last_op && (p->ops[op].flags & IO_URING_OP_SUPPORTED) != 0;
}

/* ---- ring geometry ---------------------------------------------------------------- */

IOURINGINLINE unsigned int io_uring_sqe_shift_from_flags(unsigned int flags) LIBURING_NOEXCEPT
{
	return (flags & IORING_SETUP_SQE128) ? 1 : 0;
}

IOURINGINLINE unsigned int io_uring_sqe_shift(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	return io_uring_sqe_shift_from_flags(ring->flags);
}

IOURINGINLINE unsigned int io_uring_cqe_shift_from_flags(unsigned int flags) LIBURING_NOEXCEPT
{
	return (flags & IORING_SETUP_CQE32) ? 1 : 0;
}

IOURINGINLINE unsigned int io_uring_cqe_shift(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	return io_uring_cqe_shift_from_flags(ring->flags);
}

/* ---- completion side -------------------------------------------------------------- */

/* CQ slots `cqe` occupies: 2 for a 32-byte CQE on an IORING_SETUP_CQE_MIXED ring */
IOURINGINLINE unsigned int io_uring_cqe_nr(const struct io_uring_cqe *cqe) LIBURING_NOEXCEPT
{
	return (cqe->flags & IORING_CQE_F_32) ? 2 : 1;
}

IOURINGINLINE struct io_uring_cqe_iter io_uring_cqe_iter_init(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	struct io_uring_cqe_iter it;

	it.cqes = ring->cq.cqes;
	it.mask = ring->cq.ring_mask;
	it.shift = io_uring_cqe_shift(ring);
	it.head = *ring->cq.khead;
	/* acquire: the CQEs up to tail are visible once tail is */
	it.tail = io_uring_smp_load_acquire(ring->cq.ktail);
	return it;
}

IOURINGINLINE bool io_uring_cqe_iter_next(struct io_uring_cqe_iter *iter, struct io_uring_cqe **cqe)
	LIBURING_NOEXCEPT
{
	struct io_uring_cqe *c;

	if (iter->head == iter->tail)
		return false;
	c = &iter->cqes[(iter->head & iter->mask) << iter->shift];
	iter->head += io_uring_cqe_nr(c);
	*cqe = c;
	return true;
}

IOURINGINLINE void io_uring_cq_advance(struct io_uring *ring, unsigned int nr) LIBURING_NOEXCEPT
{
	/* release: the kernel may reuse the slots only after we have read them */
	if (nr)
		io_uring_smp_store_release(ring->cq.khead, *ring->cq.khead + nr);
}

IOURINGINLINE void io_uring_cqe_seen(struct io_uring *ring, struct io_uring_cqe *cqe) LIBURING_NOEXCEPT
{
	if (cqe)
		io_uring_cq_advance(ring, io_uring_cqe_nr(cqe));
}

IOURINGINLINE unsigned int io_uring_cq_ready(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	return io_uring_smp_load_acquire(ring->cq.ktail) - *ring->cq.khead;
}

IOURINGINLINE bool io_uring_cq_has_overflow(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	return (IO_URING_READ_ONCE(*ring->sq.kflags) & IORING_SQ_CQ_OVERFLOW) != 0;
}

IOURINGINLINE bool io_uring_cq_eventfd_enabled(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	/* kernels without the CQ flags word cannot disable it */
	return !ring->cq.kflags || !(*ring->cq.kflags & IORING_CQ_EVENTFD_DISABLED);
}

IOURINGINLINE int io_uring_cq_eventfd_toggle(struct io_uring *ring, bool enabled) LIBURING_NOEXCEPT
{
	unsigned int flags;

	if (enabled == io_uring_cq_eventfd_enabled(ring))
		return 0;
	if (!ring->cq.kflags)
		return -EOPNOTSUPP;
	flags = *ring->cq.kflags;
	flags = enabled ? (flags & ~IORING_CQ_EVENTFD_DISABLED) : (flags | IORING_CQ_EVENTFD_DISABLED);
	IO_URING_WRITE_ONCE(*ring->cq.kflags, flags);
	return 0;
}

IOURINGINLINE void io_uring_sqe_set_data(struct io_uring_sqe *sqe, void *data) LIBURING_NOEXCEPT
{
	sqe->user_data = (__u64)(uintptr_t)data;
}

IOURINGINLINE void *io_uring_cqe_get_data(const struct io_uring_cqe *cqe) LIBURING_NOEXCEPT
{
	return (void *)(uintptr_t)cqe->user_data;
}

IOURINGINLINE void io_uring_sqe_set_data64(struct io_uring_sqe *sqe, __u64 data) LIBURING_NOEXCEPT
{
	sqe->user_data = data;
}

IOURINGINLINE __u64 io_uring_cqe_get_data64(const struct io_uring_cqe *cqe) LIBURING_NOEXCEPT
{
	return cqe->user_data;
}

IOURINGINLINE void io_uring_sqe_set_flags(struct io_uring_sqe *sqe, unsigned int flags) LIBURING_NOEXCEPT
{
	sqe->flags = (__u8)flags;
}

IOURINGINLINE void io_uring_sqe_set_buf_group(struct io_uring_sqe *sqe, int bgid) LIBURING_NOEXCEPT
{
	sqe->buf_group = (__u16)bgid;
}

#endif /* IO_URINE_NO_INLINE */

/* A CQE the application never sees: one that asked to be skipped (IORING_CQE_F_SKIP), or
 * the completion of the internal timeout SQE that rings without IORING_FEAT_EXT_ARG use for
 * timed waits (its error, -ETIME included, is reported through *err). Consumes it. */
_LOCAL_INLINE bool io_uring_skip_cqe(struct io_uring *ring, struct io_uring_cqe *cqe, int *err)
	LIBURING_NOEXCEPT
{
	if (!(cqe->flags & IORING_CQE_F_SKIP)) {
		if ((ring->features & IORING_FEAT_EXT_ARG) || cqe->user_data != LIBURING_UDATA_TIMEOUT)
			return false;
		if (cqe->res < 0)
			*err = cqe->res;
	}
	io_uring_cq_advance(ring, io_uring_cqe_nr(cqe));
	return *err == 0;
}

#ifndef IO_URINE_NO_INLINE
/* The next CQE the application should see, or NULL; *nr_available (if given) gets the
 * number of CQ slots ready at that point. Returns 0 or the internal timeout's error. */
IOURINGINLINE int __io_uring_peek_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
				      unsigned int *nr_available) LIBURING_NOEXCEPT
{
	const unsigned int mask = ring->cq.ring_mask, shift = io_uring_cqe_shift(ring);
	struct io_uring_cqe *cqe = NULL;
	unsigned int ready, tail, head;
	int err = 0;

	/* (assignments, not initialisers: Zig's translate-c then demotes the whole function
	 * to a call of the export instead of failing on the atomic load) */
	for (;;) {
		tail = io_uring_smp_load_acquire(ring->cq.ktail);
		head = *ring->cq.khead;
		ready = tail - head;
		if (!ready)
			break;
		cqe = &ring->cq.cqes[(head & mask) << shift];
		if (!io_uring_skip_cqe(ring, cqe, &err)) {
			if (err)
				cqe = NULL;
			break;
		}
		cqe = NULL;
	}
	*cqe_ptr = cqe;
	if (nr_available)
		*nr_available = ready;
	return err;
}

IOURINGINLINE int io_uring_wait_cqe_nr(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
				       unsigned int wait_nr) LIBURING_NOEXCEPT
{
	return __io_uring_get_cqe(ring, cqe_ptr, 0, wait_nr, NULL);
}

IOURINGINLINE int io_uring_peek_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr) LIBURING_NOEXCEPT
{
	if (__io_uring_peek_cqe(ring, cqe_ptr, NULL) == 0) {
		if (*cqe_ptr)
			return 0;
		/* nothing ready, and nothing the kernel must be entered for (IOPOLL
		 * reaping, overflowed CQEs, deferred task work): done without a syscall */
		if (!(ring->flags & IORING_SETUP_IOPOLL) &&
		    !(IO_URING_READ_ONCE(*ring->sq.kflags) & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN)))
			return -EAGAIN;
	}
	return io_uring_wait_cqe_nr(ring, cqe_ptr, 0);
}

IOURINGINLINE int io_uring_wait_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr) LIBURING_NOEXCEPT
{
	if (__io_uring_peek_cqe(ring, cqe_ptr, NULL) == 0 && *cqe_ptr)
		return 0;
	return io_uring_wait_cqe_nr(ring, cqe_ptr, 1);
}

/* ---- submission side -------------------------------------------------------------- */

IOURINGINLINE unsigned int io_uring_load_sq_head(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	unsigned int head;

	head = __io_urine_sq_head(ring);
	return head;
}

IOURINGINLINE unsigned int io_uring_sq_ready(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	unsigned int head;

	/* the kernel's head, not sqe_head: a short submit must not lose entries */
	head = __io_urine_sq_head(ring);
	return ring->sq.sqe_tail - head;
}

IOURINGINLINE unsigned int io_uring_sq_space_left(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	return ring->sq.ring_entries - io_uring_sq_ready(ring);
}

IOURINGINLINE int io_uring_sqring_wait(struct io_uring *ring) LIBURING_NOEXCEPT
{
	if (!(ring->flags & IORING_SETUP_SQPOLL) || io_uring_sq_space_left(ring))
		return 0;
	return __io_uring_sqring_wait(ring);
}

/* The fields a prep helper may leave alone; cleared on every SQE handed out. */
IOURINGINLINE void io_uring_initialize_sqe(struct io_uring_sqe *sqe) LIBURING_NOEXCEPT
{
	sqe->flags = 0;
	sqe->ioprio = 0;
	sqe->rw_flags = 0;
	sqe->buf_index = 0;
	sqe->personality = 0;
	sqe->file_index = 0;
	sqe->addr3 = 0;
	sqe->__pad2[0] = 0;
}

IOURINGINLINE struct io_uring_sqe *_io_uring_get_sqe(struct io_uring *ring) LIBURING_NOEXCEPT
{
	__io_urine_return_sqe(ring);
}

IOURINGINLINE struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring) LIBURING_NOEXCEPT
{
	__io_urine_return_sqe(ring);
}

/* ---- prep helpers ----------------------------------------------------------------- */

/* The five fields every request sets; io_uring_get_sqe cleared the rest. */
IOURINGINLINE void io_uring_prep_rw(int op, struct io_uring_sqe *sqe, int fd, const void *addr,
				    unsigned int len, __u64 offset) LIBURING_NOEXCEPT
{
	sqe->opcode = (__u8)op;
	sqe->fd = fd;
	sqe->off = offset;
	sqe->addr = (__u64)(uintptr_t)addr;
	sqe->len = len;
}

IOURINGINLINE void io_uring_prep_nop(struct io_uring_sqe *sqe) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_NOP, sqe, -1, NULL, 0, 0);
}

IOURINGINLINE void io_uring_prep_nop128(struct io_uring_sqe *sqe) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_NOP128, sqe, -1, NULL, 0, 0);
}

/* A 128-byte SQE: the ring's own on IORING_SETUP_SQE128, two adjacent slots on
 * IORING_SETUP_SQE_MIXED (a pair never wraps: the last slot then gets a NOP whose CQE
 * is skipped), NULL otherwise or when there is no room. */
IOURINGINLINE struct io_uring_sqe *io_uring_get_sqe128(struct io_uring *ring) LIBURING_NOEXCEPT
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned int head, tail = sq->sqe_tail;
	struct io_uring_sqe *sqe;

	if (ring->flags & IORING_SETUP_SQE128)
		__io_urine_return_sqe(ring);
	if (!(ring->flags & IORING_SETUP_SQE_MIXED))
		return NULL;
	head = __io_urine_sq_head(ring);
	if (((tail + 1) & sq->ring_mask) == 0) {
		/* the ring's last slot: fill it with a NOP whose CQE is skipped */
		if (tail + 2 - head >= sq->ring_entries)
			return NULL;
		sqe = &sq->sqes[tail & sq->ring_mask];
		io_uring_initialize_sqe(sqe);
		io_uring_prep_nop(sqe);
		sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
		tail++;
	} else if (tail + 1 - head >= sq->ring_entries) {
		return NULL;
	}
	sqe = &sq->sqes[tail & sq->ring_mask];
	sq->sqe_tail = tail + 2;
	io_uring_initialize_sqe(sqe);
	return sqe;
}

/* read / write */

IOURINGINLINE void io_uring_prep_read(struct io_uring_sqe *sqe, int fd, void *buf, unsigned int nbytes,
				      __u64 offset) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READ, sqe, fd, buf, nbytes, offset);
}

IOURINGINLINE void io_uring_prep_write(struct io_uring_sqe *sqe, int fd, const void *buf, unsigned int nbytes,
				       __u64 offset) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WRITE, sqe, fd, buf, nbytes, offset);
}

IOURINGINLINE void io_uring_prep_readv(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs,
				       unsigned int nr_vecs, __u64 offset) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READV, sqe, fd, iovecs, nr_vecs, offset);
}

IOURINGINLINE void io_uring_prep_writev(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs,
					unsigned int nr_vecs, __u64 offset) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WRITEV, sqe, fd, iovecs, nr_vecs, offset);
}

IOURINGINLINE void io_uring_prep_readv2(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs,
					unsigned int nr_vecs, __u64 offset, int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_readv(sqe, fd, iovecs, nr_vecs, offset);
	sqe->rw_flags = (__kernel_rwf_t)flags;
}

IOURINGINLINE void io_uring_prep_writev2(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs,
					 unsigned int nr_vecs, __u64 offset, int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_writev(sqe, fd, iovecs, nr_vecs, offset);
	sqe->rw_flags = (__kernel_rwf_t)flags;
}

IOURINGINLINE void io_uring_prep_read_fixed(struct io_uring_sqe *sqe, int fd, void *buf, unsigned int nbytes,
					    __u64 offset, int buf_index) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READ_FIXED, sqe, fd, buf, nbytes, offset);
	sqe->buf_index = (__u16)buf_index;
}

IOURINGINLINE void io_uring_prep_write_fixed(struct io_uring_sqe *sqe, int fd, const void *buf,
					     unsigned int nbytes, __u64 offset, int buf_index) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WRITE_FIXED, sqe, fd, buf, nbytes, offset);
	sqe->buf_index = (__u16)buf_index;
}

IOURINGINLINE void io_uring_prep_readv_fixed(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs,
					     unsigned int nr_vecs, __u64 offset, int flags, int buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_readv2(sqe, fd, iovecs, nr_vecs, offset, flags);
	sqe->opcode = IORING_OP_READV_FIXED;
	sqe->buf_index = (__u16)buf_index;
}

IOURINGINLINE void io_uring_prep_writev_fixed(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs,
					      unsigned int nr_vecs, __u64 offset, int flags, int buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_writev2(sqe, fd, iovecs, nr_vecs, offset, flags);
	sqe->opcode = IORING_OP_WRITEV_FIXED;
	sqe->buf_index = (__u16)buf_index;
}

IOURINGINLINE void io_uring_prep_read_multishot(struct io_uring_sqe *sqe, int fd, unsigned int nbytes,
						__u64 offset, int buf_group) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READ_MULTISHOT, sqe, fd, NULL, nbytes, offset);
	sqe->buf_group = (__u16)buf_group;
	sqe->flags = IOSQE_BUFFER_SELECT;
}

IOURINGINLINE void io_uring_prep_splice(struct io_uring_sqe *sqe, int fd_in, int64_t off_in, int fd_out,
					int64_t off_out, unsigned int nbytes, unsigned int splice_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SPLICE, sqe, fd_out, NULL, nbytes, (__u64)off_out);
	sqe->splice_off_in = (__u64)off_in;
	sqe->splice_fd_in = fd_in;
	sqe->splice_flags = splice_flags;
}

IOURINGINLINE void io_uring_prep_tee(struct io_uring_sqe *sqe, int fd_in, int fd_out, unsigned int nbytes,
				     unsigned int splice_flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TEE, sqe, fd_out, NULL, nbytes, 0);
	sqe->splice_off_in = 0;
	sqe->splice_fd_in = fd_in;
	sqe->splice_flags = splice_flags;
}

/* sync, allocation, advice */

IOURINGINLINE void io_uring_prep_fsync(struct io_uring_sqe *sqe, int fd, unsigned int fsync_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FSYNC, sqe, fd, NULL, 0, 0);
	sqe->fsync_flags = fsync_flags;
}

IOURINGINLINE void io_uring_prep_sync_file_range(struct io_uring_sqe *sqe, int fd, unsigned int len,
						 __u64 offset, int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SYNC_FILE_RANGE, sqe, fd, NULL, len, offset);
	sqe->sync_range_flags = (__u32)flags;
}

IOURINGINLINE void io_uring_prep_fallocate(struct io_uring_sqe *sqe, int fd, int mode, __u64 offset,
					   __u64 len) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FALLOCATE, sqe, fd, NULL, (unsigned int)mode, offset);
	sqe->addr = len;
}

IOURINGINLINE void io_uring_prep_fadvise(struct io_uring_sqe *sqe, int fd, __u64 offset, uint32_t len,
					 int advice) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FADVISE, sqe, fd, NULL, len, offset);
	sqe->fadvise_advice = (__u32)advice;
}

IOURINGINLINE void io_uring_prep_fadvise64(struct io_uring_sqe *sqe, int fd, __u64 offset, off_t len,
					   int advice) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FADVISE, sqe, fd, NULL, 0, offset);
	sqe->addr = (__u64)len;
	sqe->fadvise_advice = (__u32)advice;
}

IOURINGINLINE void io_uring_prep_madvise(struct io_uring_sqe *sqe, void *addr, uint32_t length, int advice)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MADVISE, sqe, -1, addr, length, 0);
	sqe->fadvise_advice = (__u32)advice;
}

IOURINGINLINE void io_uring_prep_madvise64(struct io_uring_sqe *sqe, void *addr, off_t length, int advice)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MADVISE, sqe, -1, addr, 0, (__u64)length);
	sqe->fadvise_advice = (__u32)advice;
}

#ifdef _GNU_SOURCE
IOURINGINLINE void io_uring_prep_ftruncate(struct io_uring_sqe *sqe, int fd, loff_t len) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FTRUNCATE, sqe, fd, NULL, 0, (__u64)len);
}
#endif

/* polling */

IOURINGINLINE void io_uring_prep_poll_add(struct io_uring_sqe *sqe, int fd, unsigned int poll_mask)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_POLL_ADD, sqe, fd, NULL, 0, 0);
	sqe->poll32_events = __io_uring_prep_poll_mask(poll_mask);
}

IOURINGINLINE void io_uring_prep_poll_multishot(struct io_uring_sqe *sqe, int fd, unsigned int poll_mask)
	LIBURING_NOEXCEPT
{
	io_uring_prep_poll_add(sqe, fd, poll_mask);
	sqe->len = IORING_POLL_ADD_MULTI;
}

IOURINGINLINE void io_uring_prep_poll_remove(struct io_uring_sqe *sqe, __u64 user_data) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_POLL_REMOVE, sqe, -1, NULL, 0, 0);
	sqe->addr = user_data;
}

IOURINGINLINE void io_uring_prep_poll_update(struct io_uring_sqe *sqe, __u64 old_user_data,
					     __u64 new_user_data, unsigned int poll_mask, unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_POLL_REMOVE, sqe, -1, NULL, flags, new_user_data);
	sqe->addr = old_user_data;
	sqe->poll32_events = __io_uring_prep_poll_mask(poll_mask);
}

IOURINGINLINE void io_uring_prep_epoll_ctl(struct io_uring_sqe *sqe, int epfd, int fd, int op,
					   const struct epoll_event *ev) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_EPOLL_CTL, sqe, epfd, ev, (unsigned int)op, (__u32)fd);
}

IOURINGINLINE void io_uring_prep_epoll_wait(struct io_uring_sqe *sqe, int fd, struct epoll_event *events,
					    int maxevents, unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_EPOLL_WAIT, sqe, fd, events, (unsigned int)maxevents, 0);
	sqe->rw_flags = (__kernel_rwf_t)flags;
}

/* timeouts and cancellation */

IOURINGINLINE void io_uring_prep_timeout(struct io_uring_sqe *sqe, const struct __kernel_timespec *ts,
					 unsigned int count, unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TIMEOUT, sqe, -1, ts, 1, count);
	sqe->timeout_flags = flags;
}

IOURINGINLINE void io_uring_prep_timeout_remove(struct io_uring_sqe *sqe, __u64 user_data, unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TIMEOUT_REMOVE, sqe, -1, NULL, 0, 0);
	sqe->addr = user_data;
	sqe->timeout_flags = flags;
}

IOURINGINLINE void io_uring_prep_timeout_update(struct io_uring_sqe *sqe, const struct __kernel_timespec *ts,
						__u64 user_data, unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TIMEOUT_REMOVE, sqe, -1, NULL, 0, uring_ptr_to_u64(ts));
	sqe->addr = user_data;
	sqe->timeout_flags = flags | IORING_TIMEOUT_UPDATE;
}

IOURINGINLINE void io_uring_prep_link_timeout(struct io_uring_sqe *sqe, const struct __kernel_timespec *ts,
					      unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_LINK_TIMEOUT, sqe, -1, ts, 1, 0);
	sqe->timeout_flags = flags;
}

IOURINGINLINE void io_uring_prep_cancel64(struct io_uring_sqe *sqe, __u64 user_data, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_ASYNC_CANCEL, sqe, -1, NULL, 0, 0);
	sqe->addr = user_data;
	sqe->cancel_flags = (__u32)flags;
}

IOURINGINLINE void io_uring_prep_cancel(struct io_uring_sqe *sqe, const void *user_data, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_cancel64(sqe, uring_ptr_to_u64(user_data), flags);
}

IOURINGINLINE void io_uring_prep_cancel_fd(struct io_uring_sqe *sqe, int fd, unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_ASYNC_CANCEL, sqe, fd, NULL, 0, 0);
	sqe->cancel_flags = flags | IORING_ASYNC_CANCEL_FD;
}

/* files and paths */

IOURINGINLINE void io_uring_prep_files_update(struct io_uring_sqe *sqe, int *fds, unsigned int nr_fds,
					      int offset) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FILES_UPDATE, sqe, -1, fds, nr_fds, (__u64)offset);
}

IOURINGINLINE void io_uring_prep_openat(struct io_uring_sqe *sqe, int dfd, const char *path, int flags,
					mode_t mode) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_OPENAT, sqe, dfd, path, mode, 0);
	sqe->open_flags = (__u32)flags;
}

IOURINGINLINE void io_uring_prep_openat_direct(struct io_uring_sqe *sqe, int dfd, const char *path, int flags,
					       mode_t mode, unsigned int file_index) LIBURING_NOEXCEPT
{
	io_uring_prep_openat(sqe, dfd, path, flags, mode);
	__io_urine_set_direct_target(sqe, file_index);
}

IOURINGINLINE void io_uring_prep_open(struct io_uring_sqe *sqe, const char *path, int flags, mode_t mode)
	LIBURING_NOEXCEPT
{
	io_uring_prep_openat(sqe, AT_FDCWD, path, flags, mode);
}

IOURINGINLINE void io_uring_prep_open_direct(struct io_uring_sqe *sqe, const char *path, int flags,
					     mode_t mode, unsigned int file_index) LIBURING_NOEXCEPT
{
	io_uring_prep_openat_direct(sqe, AT_FDCWD, path, flags, mode, file_index);
}

IOURINGINLINE void io_uring_prep_openat2(struct io_uring_sqe *sqe, int dfd, const char *path,
					 const struct open_how *how) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_OPENAT2, sqe, dfd, path, sizeof(*how), uring_ptr_to_u64(how));
}

IOURINGINLINE void io_uring_prep_openat2_direct(struct io_uring_sqe *sqe, int dfd, const char *path,
						const struct open_how *how, unsigned int file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_openat2(sqe, dfd, path, how);
	__io_urine_set_direct_target(sqe, file_index);
}

IOURINGINLINE void io_uring_prep_close(struct io_uring_sqe *sqe, int fd) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_CLOSE, sqe, fd, NULL, 0, 0);
}

IOURINGINLINE void io_uring_prep_close_direct(struct io_uring_sqe *sqe, unsigned int file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_close(sqe, 0);
	__io_uring_set_target_fixed_file(sqe, file_index);
}

IOURINGINLINE void io_uring_prep_statx(struct io_uring_sqe *sqe, int dfd, const char *path, int flags,
				       unsigned int mask, struct statx *statxbuf) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_STATX, sqe, dfd, path, mask, uring_ptr_to_u64(statxbuf));
	sqe->statx_flags = (__u32)flags;
}

IOURINGINLINE void io_uring_prep_unlinkat(struct io_uring_sqe *sqe, int dfd, const char *path, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_UNLINKAT, sqe, dfd, path, 0, 0);
	sqe->unlink_flags = (__u32)flags;
}

IOURINGINLINE void io_uring_prep_unlink(struct io_uring_sqe *sqe, const char *path, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_unlinkat(sqe, AT_FDCWD, path, flags);
}

IOURINGINLINE void io_uring_prep_renameat(struct io_uring_sqe *sqe, int olddfd, const char *oldpath,
					  int newdfd, const char *newpath, unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_RENAMEAT, sqe, olddfd, oldpath, (unsigned int)newdfd, uring_ptr_to_u64(newpath));
	sqe->rename_flags = flags;
}

IOURINGINLINE void io_uring_prep_rename(struct io_uring_sqe *sqe, const char *oldpath, const char *newpath)
	LIBURING_NOEXCEPT
{
	io_uring_prep_renameat(sqe, AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

IOURINGINLINE void io_uring_prep_mkdirat(struct io_uring_sqe *sqe, int dfd, const char *path, mode_t mode)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MKDIRAT, sqe, dfd, path, mode, 0);
}

IOURINGINLINE void io_uring_prep_mkdir(struct io_uring_sqe *sqe, const char *path, mode_t mode)
	LIBURING_NOEXCEPT
{
	io_uring_prep_mkdirat(sqe, AT_FDCWD, path, mode);
}

IOURINGINLINE void io_uring_prep_symlinkat(struct io_uring_sqe *sqe, const char *target, int newdirfd,
					   const char *linkpath) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SYMLINKAT, sqe, newdirfd, target, 0, uring_ptr_to_u64(linkpath));
}

IOURINGINLINE void io_uring_prep_symlink(struct io_uring_sqe *sqe, const char *target, const char *linkpath)
	LIBURING_NOEXCEPT
{
	io_uring_prep_symlinkat(sqe, target, AT_FDCWD, linkpath);
}

IOURINGINLINE void io_uring_prep_linkat(struct io_uring_sqe *sqe, int olddfd, const char *oldpath, int newdfd,
					const char *newpath, int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_LINKAT, sqe, olddfd, oldpath, (unsigned int)newdfd, uring_ptr_to_u64(newpath));
	sqe->hardlink_flags = (__u32)flags;
}

IOURINGINLINE void io_uring_prep_link(struct io_uring_sqe *sqe, const char *oldpath, const char *newpath,
				      int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_linkat(sqe, AT_FDCWD, oldpath, AT_FDCWD, newpath, flags);
}

IOURINGINLINE void io_uring_prep_getxattr(struct io_uring_sqe *sqe, const char *name, char *value,
					  const char *path, unsigned int len) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_GETXATTR, sqe, 0, name, len, uring_ptr_to_u64(value));
	sqe->addr3 = uring_ptr_to_u64(path);
	sqe->xattr_flags = 0;
}

IOURINGINLINE void io_uring_prep_setxattr(struct io_uring_sqe *sqe, const char *name, const char *value,
					  const char *path, int flags, unsigned int len) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SETXATTR, sqe, 0, name, len, uring_ptr_to_u64(value));
	sqe->addr3 = uring_ptr_to_u64(path);
	sqe->xattr_flags = (__u32)flags;
}

IOURINGINLINE void io_uring_prep_fgetxattr(struct io_uring_sqe *sqe, int fd, const char *name, char *value,
					   unsigned int len) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FGETXATTR, sqe, fd, name, len, uring_ptr_to_u64(value));
	sqe->xattr_flags = 0;
}

IOURINGINLINE void io_uring_prep_fsetxattr(struct io_uring_sqe *sqe, int fd, const char *name,
					   const char *value, int flags, unsigned int len) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FSETXATTR, sqe, fd, name, len, uring_ptr_to_u64(value));
	sqe->xattr_flags = (__u32)flags;
}

IOURINGINLINE void io_uring_prep_fixed_fd_install(struct io_uring_sqe *sqe, int fd, unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FIXED_FD_INSTALL, sqe, fd, NULL, 0, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->install_fd_flags = flags;
}

IOURINGINLINE void io_uring_prep_pipe(struct io_uring_sqe *sqe, int *fds, int pipe_flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_PIPE, sqe, 0, fds, 0, 0);
	sqe->pipe_flags = (__u32)pipe_flags;
}

IOURINGINLINE void io_uring_prep_pipe_direct(struct io_uring_sqe *sqe, int *fds, int pipe_flags,
					     unsigned int file_index) LIBURING_NOEXCEPT
{
	io_uring_prep_pipe(sqe, fds, pipe_flags);
	__io_urine_set_direct_target(sqe, file_index);
}

/* provided buffers (the legacy opcodes) */

IOURINGINLINE void io_uring_prep_provide_buffers(struct io_uring_sqe *sqe, void *addr, int len, int nr,
						 int bgid, int bid) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_PROVIDE_BUFFERS, sqe, nr, addr, (unsigned int)len, (__u64)bid);
	sqe->buf_group = (__u16)bgid;
}

IOURINGINLINE void io_uring_prep_remove_buffers(struct io_uring_sqe *sqe, int nr, int bgid) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_REMOVE_BUFFERS, sqe, nr, NULL, 0, 0);
	sqe->buf_group = (__u16)bgid;
}

/* sockets */

IOURINGINLINE void io_uring_prep_socket(struct io_uring_sqe *sqe, int domain, int type_, int protocol,
					unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SOCKET, sqe, domain, NULL, (unsigned int)protocol, (__u64)type_);
	sqe->rw_flags = (__kernel_rwf_t)flags;
}

IOURINGINLINE void io_uring_prep_socket_direct(struct io_uring_sqe *sqe, int domain, int type_, int protocol,
					       unsigned int file_index, unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_socket(sqe, domain, type_, protocol, flags);
	__io_urine_set_direct_target(sqe, file_index);
}

IOURINGINLINE void io_uring_prep_socket_direct_alloc(struct io_uring_sqe *sqe, int domain, int type_,
						     int protocol, unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_socket_direct(sqe, domain, type_, protocol, IORING_FILE_INDEX_ALLOC, flags);
}

IOURINGINLINE void io_uring_prep_connect(struct io_uring_sqe *sqe, int fd, const struct sockaddr *addr,
					 socklen_t addrlen) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_CONNECT, sqe, fd, addr, 0, addrlen);
}

IOURINGINLINE void io_uring_prep_bind(struct io_uring_sqe *sqe, int fd, const struct sockaddr *addr,
				      socklen_t addrlen) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_BIND, sqe, fd, addr, 0, addrlen);
}

IOURINGINLINE void io_uring_prep_listen(struct io_uring_sqe *sqe, int fd, int backlog) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_LISTEN, sqe, fd, NULL, (unsigned int)backlog, 0);
}

IOURINGINLINE void io_uring_prep_accept(struct io_uring_sqe *sqe, int fd, struct sockaddr *addr,
					socklen_t *addrlen, int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_ACCEPT, sqe, fd, addr, 0, uring_ptr_to_u64(addrlen));
	sqe->accept_flags = (__u32)flags;
}

IOURINGINLINE void io_uring_prep_accept_direct(struct io_uring_sqe *sqe, int fd, struct sockaddr *addr,
					       socklen_t *addrlen, int flags, unsigned int file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_accept(sqe, fd, addr, addrlen, flags);
	__io_urine_set_direct_target(sqe, file_index);
}

IOURINGINLINE void io_uring_prep_multishot_accept(struct io_uring_sqe *sqe, int fd, struct sockaddr *addr,
						  socklen_t *addrlen, int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_accept(sqe, fd, addr, addrlen, flags);
	sqe->ioprio |= IORING_ACCEPT_MULTISHOT;
}

IOURINGINLINE void io_uring_prep_multishot_accept_direct(struct io_uring_sqe *sqe, int fd,
							 struct sockaddr *addr, socklen_t *addrlen, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_multishot_accept(sqe, fd, addr, addrlen, flags);
	__io_urine_set_direct_target(sqe, IORING_FILE_INDEX_ALLOC);
}

IOURINGINLINE void io_uring_prep_shutdown(struct io_uring_sqe *sqe, int fd, int how) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SHUTDOWN, sqe, fd, NULL, (unsigned int)how, 0);
}

IOURINGINLINE void io_uring_prep_send(struct io_uring_sqe *sqe, int sockfd, const void *buf, size_t len,
				      int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SEND, sqe, sockfd, buf, (unsigned int)len, 0);
	sqe->msg_flags = (__u32)flags;
}

IOURINGINLINE void io_uring_prep_send_bundle(struct io_uring_sqe *sqe, int sockfd, size_t len, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_send(sqe, sockfd, NULL, len, flags);
	sqe->ioprio |= IORING_RECVSEND_BUNDLE;
}

IOURINGINLINE void io_uring_prep_send_set_addr(struct io_uring_sqe *sqe, const struct sockaddr *dest_addr,
					       uint16_t addr_len) LIBURING_NOEXCEPT
{
	sqe->addr2 = uring_ptr_to_u64(dest_addr);
	sqe->addr_len = addr_len;
}

IOURINGINLINE void io_uring_prep_sendto(struct io_uring_sqe *sqe, int sockfd, const void *buf, size_t len,
					int flags, const struct sockaddr *addr, socklen_t addrlen)
	LIBURING_NOEXCEPT
{
	io_uring_prep_send(sqe, sockfd, buf, len, flags);
	io_uring_prep_send_set_addr(sqe, addr, (uint16_t)addrlen);
}

IOURINGINLINE void io_uring_prep_send_zc(struct io_uring_sqe *sqe, int sockfd, const void *buf, size_t len,
					 int flags, unsigned int zc_flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SEND_ZC, sqe, sockfd, buf, (unsigned int)len, 0);
	sqe->msg_flags = (__u32)flags;
	sqe->ioprio = (__u16)zc_flags;
}

IOURINGINLINE void io_uring_prep_send_zc_fixed(struct io_uring_sqe *sqe, int sockfd, const void *buf,
					       size_t len, int flags, unsigned int zc_flags,
					       unsigned int buf_index) LIBURING_NOEXCEPT
{
	io_uring_prep_send_zc(sqe, sockfd, buf, len, flags, zc_flags);
	sqe->ioprio |= IORING_RECVSEND_FIXED_BUF;
	sqe->buf_index = (__u16)buf_index;
}

IOURINGINLINE void io_uring_prep_sendmsg(struct io_uring_sqe *sqe, int fd, const struct msghdr *msg,
					 unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SENDMSG, sqe, fd, msg, 1, 0);
	sqe->msg_flags = flags;
}

IOURINGINLINE void io_uring_prep_sendmsg_zc(struct io_uring_sqe *sqe, int fd, const struct msghdr *msg,
					    unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_sendmsg(sqe, fd, msg, flags);
	sqe->opcode = IORING_OP_SENDMSG_ZC;
}

IOURINGINLINE void io_uring_prep_sendmsg_zc_fixed(struct io_uring_sqe *sqe, int fd, const struct msghdr *msg,
						  unsigned int flags, unsigned int buf_index) LIBURING_NOEXCEPT
{
	io_uring_prep_sendmsg_zc(sqe, fd, msg, flags);
	sqe->ioprio |= IORING_RECVSEND_FIXED_BUF;
	sqe->buf_index = (__u16)buf_index;
}

IOURINGINLINE void io_uring_prep_recv(struct io_uring_sqe *sqe, int sockfd, void *buf, size_t len, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_RECV, sqe, sockfd, buf, (unsigned int)len, 0);
	sqe->msg_flags = (__u32)flags;
}

IOURINGINLINE void io_uring_prep_recv_multishot(struct io_uring_sqe *sqe, int sockfd, void *buf, size_t len,
						int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_recv(sqe, sockfd, buf, len, flags);
	sqe->ioprio |= IORING_RECV_MULTISHOT;
}

IOURINGINLINE void io_uring_prep_recvmsg(struct io_uring_sqe *sqe, int fd, struct msghdr *msg,
					 unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_RECVMSG, sqe, fd, msg, 1, 0);
	sqe->msg_flags = flags;
}

IOURINGINLINE void io_uring_prep_recvmsg_multishot(struct io_uring_sqe *sqe, int fd, struct msghdr *msg,
						   unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_recvmsg(sqe, fd, msg, flags);
	sqe->ioprio |= IORING_RECV_MULTISHOT;
}

/* The layout a multishot recvmsg CQE's buffer has: struct io_uring_recvmsg_out, then
 * msg_namelen bytes of name, msg_controllen bytes of control data, then the payload.
 * NULL when buf_len cannot hold the header, name and control parts. */
IOURINGINLINE struct io_uring_recvmsg_out *io_uring_recvmsg_validate(void *buf, int buf_len,
								    struct msghdr *msgh) LIBURING_NOEXCEPT
{
	const unsigned long hdr = sizeof(struct io_uring_recvmsg_out);
	unsigned long room;

	if (buf_len < 0 || (unsigned long)buf_len < hdr)
		return NULL;
	room = (unsigned long)buf_len - hdr;
	/* one subtraction at a time: the sum of the lengths could overflow */
	if ((unsigned long)msgh->msg_namelen > room)
		return NULL;
	room -= msgh->msg_namelen;
	if ((unsigned long)msgh->msg_controllen > room)
		return NULL;
	return (struct io_uring_recvmsg_out *)buf;
}

IOURINGINLINE void *io_uring_recvmsg_name(struct io_uring_recvmsg_out *o) LIBURING_NOEXCEPT
{
	return (void *)(o + 1);
}

/* Control bytes to parse: what the kernel stored, bounded by what the msghdr reserved
 * (a reused buffer's header may say anything; liburing trusts it). */
_LOCAL_INLINE size_t __io_urine_recvmsg_control(const struct io_uring_recvmsg_out *o, const struct msghdr *msgh)
	LIBURING_NOEXCEPT
{
	return o->controllen < msgh->msg_controllen ? o->controllen : msgh->msg_controllen;
}

IOURINGINLINE struct cmsghdr *io_uring_recvmsg_cmsg_firsthdr(struct io_uring_recvmsg_out *o,
							     struct msghdr *msgh) LIBURING_NOEXCEPT
{
	if (__io_urine_recvmsg_control(o, msgh) < sizeof(struct cmsghdr))
		return NULL;
	return (struct cmsghdr *)((unsigned char *)io_uring_recvmsg_name(o) + msgh->msg_namelen);
}

IOURINGINLINE struct cmsghdr *io_uring_recvmsg_cmsg_nexthdr(struct io_uring_recvmsg_out *o,
							    struct msghdr *msgh, struct cmsghdr *cmsg)
	LIBURING_NOEXCEPT
{
	unsigned char *first, *end, *next;

	if (cmsg->cmsg_len < sizeof(struct cmsghdr))
		return NULL;
	first = (unsigned char *)io_uring_recvmsg_cmsg_firsthdr(o, msgh);
	if (!first)
		return NULL;
	end = first + __io_urine_recvmsg_control(o, msgh);
	next = (unsigned char *)cmsg + CMSG_ALIGN(cmsg->cmsg_len);
	/* the next header, and then all of its data, must lie inside the control area */
	if (next + sizeof(struct cmsghdr) > end)
		return NULL;
	if (next + CMSG_ALIGN(((struct cmsghdr *)next)->cmsg_len) > end)
		return NULL;
	return (struct cmsghdr *)next;
}

IOURINGINLINE void *io_uring_recvmsg_payload(struct io_uring_recvmsg_out *o, struct msghdr *msgh)
	LIBURING_NOEXCEPT
{
	return (void *)((unsigned char *)io_uring_recvmsg_name(o) + msgh->msg_namelen + msgh->msg_controllen);
}

IOURINGINLINE unsigned int io_uring_recvmsg_payload_length(struct io_uring_recvmsg_out *o, int buf_len,
							   struct msghdr *msgh) LIBURING_NOEXCEPT
{
	uintptr_t start, end;

	if (buf_len < 0)
		return 0;
	start = (uintptr_t)io_uring_recvmsg_payload(o, msgh);
	end = (uintptr_t)o + (unsigned int)buf_len;
	return start < end ? (unsigned int)(end - start) : 0;
}

/* messages to other rings */

IOURINGINLINE void io_uring_prep_msg_ring(struct io_uring_sqe *sqe, int fd, unsigned int len, __u64 data,
					  unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MSG_RING, sqe, fd, NULL, len, data);
	sqe->msg_ring_flags = flags;
}

IOURINGINLINE void io_uring_prep_msg_ring_cqe_flags(struct io_uring_sqe *sqe, int fd, unsigned int len,
						    __u64 data, unsigned int flags, unsigned int cqe_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_msg_ring(sqe, fd, len, data, flags | IORING_MSG_RING_FLAGS_PASS);
	sqe->file_index = cqe_flags;
}

IOURINGINLINE void io_uring_prep_msg_ring_fd(struct io_uring_sqe *sqe, int fd, int source_fd, int target_fd,
					     __u64 data, unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MSG_RING, sqe, fd, (const void *)(uintptr_t)IORING_MSG_SEND_FD, 0, data);
	sqe->addr3 = (__u64)(__s64)source_fd;
	__io_urine_set_direct_target(sqe, (unsigned int)target_fd);
	sqe->msg_ring_flags = flags;
}

IOURINGINLINE void io_uring_prep_msg_ring_fd_alloc(struct io_uring_sqe *sqe, int fd, int source_fd,
						   __u64 data, unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_msg_ring_fd(sqe, fd, source_fd, (int)IORING_FILE_INDEX_ALLOC, data, flags);
}

/* processes and futexes */

IOURINGINLINE void io_uring_prep_waitid(struct io_uring_sqe *sqe, idtype_t idtype, id_t id, siginfo_t *infop,
					int options, unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WAITID, sqe, (int)id, NULL, (unsigned int)idtype, 0);
	sqe->waitid_flags = flags;
	sqe->file_index = (__u32)options;
	sqe->addr2 = uring_ptr_to_u64(infop);
}

IOURINGINLINE void io_uring_prep_futex_wake(struct io_uring_sqe *sqe, const uint32_t *futex, uint64_t val,
					    uint64_t mask, uint32_t futex_flags, unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FUTEX_WAKE, sqe, (int)futex_flags, futex, 0, val);
	sqe->futex_flags = flags;
	sqe->addr3 = mask;
}

IOURINGINLINE void io_uring_prep_futex_wait(struct io_uring_sqe *sqe, const uint32_t *futex, uint64_t val,
					    uint64_t mask, uint32_t futex_flags, unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FUTEX_WAIT, sqe, (int)futex_flags, futex, 0, val);
	sqe->futex_flags = flags;
	sqe->addr3 = mask;
}

IOURINGINLINE void io_uring_prep_futex_waitv(struct io_uring_sqe *sqe, const struct futex_waitv *futex,
					     uint32_t nr_futex, unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FUTEX_WAITV, sqe, 0, futex, nr_futex, 0);
	sqe->futex_flags = flags;
}

/* passthrough commands */

IOURINGINLINE void __io_uring_prep_uring_cmd(struct io_uring_sqe *sqe, int op, uint32_t cmd_op, int fd)
	LIBURING_NOEXCEPT
{
	sqe->opcode = (__u8)op;
	sqe->fd = fd;
	sqe->cmd_op = cmd_op;
	sqe->__pad1 = 0;
	sqe->addr = 0;
	sqe->len = 0;
}

IOURINGINLINE void io_uring_prep_uring_cmd(struct io_uring_sqe *sqe, int cmd_op, int fd) LIBURING_NOEXCEPT
{
	__io_uring_prep_uring_cmd(sqe, IORING_OP_URING_CMD, (uint32_t)cmd_op, fd);
}

IOURINGINLINE void io_uring_prep_uring_cmd128(struct io_uring_sqe *sqe, int cmd_op, int fd) LIBURING_NOEXCEPT
{
	__io_uring_prep_uring_cmd(sqe, IORING_OP_URING_CMD128, (uint32_t)cmd_op, fd);
}

IOURINGINLINE void io_uring_prep_cmd_sock(struct io_uring_sqe *sqe, int cmd_op, int fd, int level, int optname,
					  void *optval, int optlen) LIBURING_NOEXCEPT
{
	io_uring_prep_uring_cmd(sqe, cmd_op, fd);
	sqe->optval = uring_ptr_to_u64(optval);
	sqe->optname = (__u32)optname;
	sqe->optlen = (__u32)optlen;
	sqe->level = (__u32)level;
}

IOURINGINLINE void io_uring_prep_cmd_getsockname(struct io_uring_sqe *sqe, int fd, struct sockaddr *sockaddr,
						 socklen_t *sockaddr_len, int peer) LIBURING_NOEXCEPT
{
	io_uring_prep_uring_cmd(sqe, SOCKET_URING_OP_GETSOCKNAME, fd);
	sqe->addr = uring_ptr_to_u64(sockaddr);
	sqe->addr3 = uring_ptr_to_u64(sockaddr_len);
	sqe->optlen = (__u32)peer;
}

IOURINGINLINE void io_uring_prep_cmd_discard(struct io_uring_sqe *sqe, int fd, uint64_t offset, uint64_t nbytes)
	LIBURING_NOEXCEPT
{
	io_uring_prep_uring_cmd(sqe, (int)BLOCK_URING_CMD_DISCARD, fd);
	sqe->addr = offset;
	sqe->addr3 = nbytes;
}

/* ---- provided-buffer rings -------------------------------------------------------- */

IOURINGINLINE int io_uring_buf_ring_mask(uint32_t ring_entries) LIBURING_NOEXCEPT
{
	return (int)(ring_entries - 1);
}

IOURINGINLINE void io_uring_buf_ring_init(struct io_uring_buf_ring *br) LIBURING_NOEXCEPT
{
	br->tail = 0;
}

/* Put buffer `bid` (addr, len) in the slot `buf_offset` past the tail; visible to the
 * kernel after io_uring_buf_ring_advance. */
IOURINGINLINE void io_uring_buf_ring_add(struct io_uring_buf_ring *br, void *addr, unsigned int len,
					 unsigned short bid, int mask, int buf_offset) LIBURING_NOEXCEPT
{
	struct io_uring_buf *buf = &br->bufs[(br->tail + buf_offset) & mask];

	buf->addr = uring_ptr_to_u64(addr);
	buf->len = len;
	buf->bid = bid;
}

IOURINGINLINE void io_uring_buf_ring_advance(struct io_uring_buf_ring *br, int count) LIBURING_NOEXCEPT
{
	/* release: the buffers' entries must be visible before the new tail */
	io_uring_smp_store_release(&br->tail, (__u16)(br->tail + count));
}

IOURINGINLINE void __io_uring_buf_ring_cq_advance(struct io_uring *ring, struct io_uring_buf_ring *br,
						  int cq_count, int buf_count) LIBURING_NOEXCEPT
{
	io_uring_buf_ring_advance(br, buf_count);
	io_uring_cq_advance(ring, (unsigned int)cq_count);
}

IOURINGINLINE void io_uring_buf_ring_cq_advance(struct io_uring *ring, struct io_uring_buf_ring *br, int count)
	LIBURING_NOEXCEPT
{
	__io_uring_buf_ring_cq_advance(ring, br, count, count);
}

IOURINGINLINE int io_uring_buf_ring_available(struct io_uring *ring, struct io_uring_buf_ring *br,
					      unsigned short bgid) LIBURING_NOEXCEPT
{
	uint16_t head;
	int ret = io_uring_buf_ring_head(ring, bgid, &head);

	return ret ? ret : (int)(uint16_t)(br->tail - head);
}

#endif /* IO_URINE_NO_INLINE */

#ifdef __cplusplus
}
#endif

#undef IOURINGINLINE
#undef _LOCAL_INLINE

#endif /* LIB_URING_H */
