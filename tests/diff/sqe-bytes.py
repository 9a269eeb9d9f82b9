#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""SQE-bytes differential test generator and comparer (used by tests/diff-test).

  sqe-bytes.py gen HEADER                    C source on stdout (define SKIP_<name> to
                                             leave a function out of a build)
  sqe-bytes.py names HEADER                  every function the program calls, one a line
  sqe-bytes.py compare REF OUT SKIPS [LABEL] per-function PASS/FAIL lines and a summary
                                             (LABEL names the reference, default 2.3)

The list of functions comes from HEADER (Debian's liburing 2.3 liburing.h, or liburing
2.15's, whose inline helpers are IOURINGINLINE/_LOCAL_INLINE): every inline function
there is either
  - an SQE writer (takes `struct io_uring_sqe *`, returns void): called with fixed
    argument values on a 64-byte SQE and the 64 bytes printed in hex, in three
    variants: "big" (zeroed SQE, large mixed argument values), "small" (zeroed SQE,
    small argument values) and, for full prep helpers (not MODIFIERS), "ring" (the SQE
    comes from io_uring_get_sqe on a real ring whose slot was filled with 0xA5 first, so
    a field neither get_sqe nor the helper clears shows up);
  - a pure helper with a hand-written case below (buffer rings, recvmsg parsing, CQ/SQ
    accounting on a fabricated ring, probe lookups, cqe data getters);
  - covered by the behaviour programs (get_sqe, peek/wait) or internal (__ names).
A function that fits none of these fails generation, so a helper cannot be missed.
Built once against the reference header (its inline bodies run) and against io_urine's
header: as is (our inline C runs), and with -DVIA_EXPORT, which routes every call of a
listed function through dlsym(), so our exported (Rust) function runs instead. The
outputs must be identical, line by line.
"""
import re
import sys

BEHAVIOUR = {
    # exercised by basic.c / overflow.c / timeout.c (real rings, real kernel)
    "io_uring_get_sqe", "io_uring_peek_cqe", "io_uring_wait_cqe", "io_uring_wait_cqe_nr",
    "io_uring_sqring_wait",
    # 2.15: SQE_MIXED rings (c-tests), a registered buffer ring's kernel head (c-tests)
    "io_uring_get_sqe128", "io_uring_buf_ring_available",
}
# SQE writers that change only some fields of an already prepared SQE (no "ring" variant).
MODIFIERS = {"io_uring_sqe_set_data", "io_uring_sqe_set_data64", "io_uring_sqe_set_flags",
             "io_uring_prep_send_set_addr", "io_uring_initialize_sqe"}
INTERNAL = {"_io_uring_get_sqe", "__io_uring_peek_cqe", "__io_uring_set_target_fixed_file",
            "__io_uring_prep_poll_mask", "uring_ptr_to_u64", "io_uring_skip_cqe"}

# Hand-written cases for the pure helpers: name -> C body (prints with OUTL).
MISC = {
    "io_uring_cqe_get_data": r"""
	struct io_uring_cqe cqe = { .user_data = (__u64)(uintptr_t)A(3) };
	OUTL("ptr 0x%llx", (unsigned long long)(uintptr_t)io_uring_cqe_get_data(&cqe));
	cqe.user_data = 0;
	OUTL("null %d", io_uring_cqe_get_data(&cqe) == NULL);
""",
    "io_uring_cqe_get_data64": r"""
	struct io_uring_cqe cqe = { .user_data = 0xfedcba9876543210ULL };
	OUTL("0x%llx", (unsigned long long)io_uring_cqe_get_data64(&cqe));
""",
    "io_uring_opcode_supported": r"""
	struct io_uring_probe *p = (struct io_uring_probe *)A(8);
	char s[64];
	p->last_op = 40;
	p->ops_len = 41;
	for (int i = 0; i <= 40; i++) {
		p->ops[i].op = (__u8)i;
		p->ops[i].flags = (i % 3 == 0) ? IO_URING_OP_SUPPORTED : (i % 3 == 1 ? 0 : 0xfe);
	}
	for (int i = 0; i < 48; i++)
		s[i] = (char)('0' + io_uring_opcode_supported(p, i));
	s[48] = 0;
	OUTL("%s", s);
""",
    "io_uring_recvmsg_validate": r"""
	struct msghdr mh = { .msg_namelen = 16, .msg_controllen = 32 };
	int lens[] = { -1, 0, 15, 16 + 16 + 32 - 1, 16 + 16 + 32, 200 };
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct io_uring_recvmsg_out *o = io_uring_recvmsg_validate(A(4), lens[i], &mh);
		OUTL("len %d -> %s", lens[i], o ? (o == (void *)A(4) ? "buf" : "other") : "NULL");
	}
	mh.msg_namelen = 0, mh.msg_controllen = 0;
	OUTL("no name/control, len 16 -> %d", io_uring_recvmsg_validate(A(4), 16, &mh) != NULL);
""",
    "io_uring_recvmsg_name": r"""
	struct io_uring_recvmsg_out *o = (struct io_uring_recvmsg_out *)A(4);
	OUTL("offset %ld", (long)((char *)io_uring_recvmsg_name(o) - (char *)o));
""",
    "io_uring_recvmsg_cmsg_firsthdr": r"""
	struct io_uring_recvmsg_out *o = (struct io_uring_recvmsg_out *)A(4);
	struct msghdr mh = { .msg_namelen = 24, .msg_controllen = 64 };
	unsigned cl[] = { 0, 8, 15, 16, 64 };
	for (unsigned i = 0; i < sizeof(cl) / sizeof(cl[0]); i++) {
		struct cmsghdr *c;
		o->controllen = cl[i];
		c = io_uring_recvmsg_cmsg_firsthdr(o, &mh);
		OUTL("controllen %u -> %ld", cl[i], c ? (long)((char *)c - (char *)o) : -1L);
	}
""",
    "io_uring_recvmsg_cmsg_nexthdr": r"""
	struct io_uring_recvmsg_out *o = (struct io_uring_recvmsg_out *)A(4);
	struct msghdr mh = { .msg_namelen = 8, .msg_controllen = 96 };
	unsigned char *ctl = (unsigned char *)(o + 1) + 8;
	unsigned lens[] = { 20, 16, 33, 0 };
	unsigned off = 0;
	memset(o, 0, 256);
	o->namelen = 8;
	o->controllen = 96;
	for (unsigned i = 0; i < 4 && off < 96; i++) {
		struct cmsghdr *c = (struct cmsghdr *)(ctl + off);
		c->cmsg_len = lens[i];
		off += (unsigned)CMSG_ALIGN(lens[i] ? lens[i] : 16);
	}
	{
		struct cmsghdr *c = io_uring_recvmsg_cmsg_firsthdr(o, &mh);
		for (int n = 0; c && n < 8; n++) {
			OUTL("cmsg at %ld len %u", (long)((unsigned char *)c - ctl), (unsigned)c->cmsg_len);
			c = io_uring_recvmsg_cmsg_nexthdr(o, &mh, c);
		}
		OUTL("end %s", c ? "non-NULL" : "NULL");
	}
	/* a cmsg_len smaller than a header stops the walk */
	((struct cmsghdr *)ctl)->cmsg_len = 4;
	OUTL("short cmsg -> %s", io_uring_recvmsg_cmsg_nexthdr(o, &mh, (struct cmsghdr *)ctl) ? "non-NULL" : "NULL");
	o->controllen = 20;
	((struct cmsghdr *)ctl)->cmsg_len = 20;
	OUTL("controllen 20 -> %s", io_uring_recvmsg_cmsg_nexthdr(o, &mh, (struct cmsghdr *)ctl) ? "non-NULL" : "NULL");
""",
    "io_uring_recvmsg_payload": r"""
	struct io_uring_recvmsg_out *o = (struct io_uring_recvmsg_out *)A(4);
	struct msghdr mh = { .msg_namelen = 12, .msg_controllen = 40 };
	OUTL("offset %ld", (long)((char *)io_uring_recvmsg_payload(o, &mh) - (char *)o));
""",
    "io_uring_recvmsg_payload_length": r"""
	struct io_uring_recvmsg_out *o = (struct io_uring_recvmsg_out *)A(4);
	struct msghdr mh = { .msg_namelen = 12, .msg_controllen = 40 };
	OUTL("len(200) %u", io_uring_recvmsg_payload_length(o, 200, &mh));
	OUTL("len(68) %u", io_uring_recvmsg_payload_length(o, 68, &mh));
""",
    "io_uring_buf_ring_mask": r"""
	__u32 e[] = { 1, 2, 8, 4096, 32768 };
	for (unsigned i = 0; i < 5; i++)
		OUTL("%u -> %d", e[i], io_uring_buf_ring_mask(e[i]));
""",
    "io_uring_buf_ring_init": r"""
	struct io_uring_buf_ring *br = (struct io_uring_buf_ring *)A(16);
	memset(br, 0xA5, 64);
	io_uring_buf_ring_init(br);
	hexline(br, 64);
""",
    "io_uring_buf_ring_add": r"""
	struct io_uring_buf_ring *br = (struct io_uring_buf_ring *)A(16);
	memset(br, 0xA5, 64);
	br->tail = 6;
	io_uring_buf_ring_add(br, A(20), 0x1234, 7, io_uring_buf_ring_mask(4), 0);
	io_uring_buf_ring_add(br, A(21), 0x10000, 0xfffe, 3, 1);
	io_uring_buf_ring_add(br, A(22), 1, 0, 3, 5);
	hexline(br, 64);
""",
    "io_uring_buf_ring_advance": r"""
	struct io_uring_buf_ring *br = (struct io_uring_buf_ring *)A(16);
	memset(br, 0, 64);
	br->tail = 65530;
	io_uring_buf_ring_advance(br, 3);
	OUTL("tail %u", br->tail);
	io_uring_buf_ring_advance(br, 10);
	OUTL("tail %u (wrapped)", br->tail);
	hexline(br, 16);
""",
    "io_uring_buf_ring_cq_advance": r"""
	struct io_uring ring;
	struct io_uring_buf_ring *br = (struct io_uring_buf_ring *)A(16);
	unsigned *khead;
	fab_ring(&ring);
	memset(br, 0, 64);
	khead = ring.cq.khead;
	*khead = 0xfffffffe;
	br->tail = 100;
	io_uring_buf_ring_cq_advance(&ring, br, 4);
	OUTL("khead %u tail %u", *khead, br->tail);
""",
    "io_uring_cq_advance": r"""
	struct io_uring ring;
	unsigned *khead;
	fab_ring(&ring);
	khead = ring.cq.khead;
	*khead = 0xfffffffd;
	io_uring_cq_advance(&ring, 2);
	OUTL("khead %u", *khead);
	io_uring_cq_advance(&ring, 0);
	OUTL("khead %u", *khead);
	io_uring_cq_advance(&ring, 5);
	OUTL("khead %u (wrapped)", *khead);
""",
    "io_uring_cqe_seen": r"""
	struct io_uring ring;
	struct io_uring_cqe cqe;
	unsigned *khead;
	memset(&cqe, 0, sizeof(cqe));
	fab_ring(&ring);
	khead = ring.cq.khead;
	*khead = 41;
	io_uring_cqe_seen(&ring, &cqe);
	OUTL("khead %u", *khead);
	io_uring_cqe_seen(&ring, NULL);
	OUTL("khead after NULL %u", *khead);
""",
    "io_uring_cqe_nr": r"""
	struct io_uring_cqe cqe;
	memset(&cqe, 0, sizeof(cqe));
	OUTL("plain %u", io_uring_cqe_nr(&cqe));
	cqe.flags = IORING_CQE_F_32 | IORING_CQE_F_MORE;
	OUTL("32-byte %u", io_uring_cqe_nr(&cqe));
""",
    "io_uring_cqe_iter_init": r"""
	struct io_uring ring;
	struct io_uring_cqe_iter it;
	fab_ring(&ring);
	*ring.cq.khead = 0xfffffffe;
	*ring.cq.ktail = 3;
	it = io_uring_cqe_iter_init(&ring);
	OUTL("cqes +%ld mask %u shift %u head %u tail %u", (long)((char *)it.cqes - (char *)arena),
	     it.mask, it.shift, it.head, it.tail);
	ring.flags = IORING_SETUP_CQE32;
	it = io_uring_cqe_iter_init(&ring);
	OUTL("cqe32 shift %u", it.shift);
""",
    "io_uring_cqe_iter_next": r"""
	struct io_uring ring;
	struct io_uring_cqe_iter it;
	struct io_uring_cqe *cqe = NULL;
	int n = 0;
	fab_ring(&ring);
	ring.flags = IORING_SETUP_CQE_MIXED;
	*ring.cq.khead = 30;
	*ring.cq.ktail = 35;
	ring.cq.cqes[30 & 31].flags = 0;
	ring.cq.cqes[31 & 31].flags = IORING_CQE_F_32; /* takes slots 31 and 32 */
	ring.cq.cqes[33 & 31].flags = 0;
	ring.cq.cqes[34 & 31].flags = IORING_CQE_F_32; /* runs past the tail */
	it = io_uring_cqe_iter_init(&ring);
	while (n < 8 && io_uring_cqe_iter_next(&it, &cqe))
		OUTL("%d: slot %ld head %u", n++, (long)(cqe - ring.cq.cqes), it.head);
	OUTL("end head %u tail %u", it.head, it.tail);
""",
    "io_uring_load_sq_head": r"""
	struct io_uring ring;
	fab_ring(&ring);
	*ring.sq.khead = 0x12345678;
	OUTL("head %u", io_uring_load_sq_head(&ring));
	ring.flags = IORING_SETUP_SQPOLL;
	OUTL("sqpoll head %u", io_uring_load_sq_head(&ring));
""",
    "io_uring_sqe_shift_from_flags": r"""
	OUTL("%u %u %u %u", io_uring_sqe_shift_from_flags(0), io_uring_sqe_shift_from_flags(IORING_SETUP_SQE128),
	     io_uring_sqe_shift_from_flags(IORING_SETUP_CQE32), io_uring_sqe_shift_from_flags(~0u));
""",
    "io_uring_cqe_shift_from_flags": r"""
	OUTL("%u %u %u %u", io_uring_cqe_shift_from_flags(0), io_uring_cqe_shift_from_flags(IORING_SETUP_CQE32),
	     io_uring_cqe_shift_from_flags(IORING_SETUP_SQE128), io_uring_cqe_shift_from_flags(~0u));
""",
    "io_uring_sqe_shift": r"""
	struct io_uring ring;
	fab_ring(&ring);
	OUTL("plain %u", io_uring_sqe_shift(&ring));
	ring.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	OUTL("sqe128 %u", io_uring_sqe_shift(&ring));
""",
    "io_uring_cqe_shift": r"""
	struct io_uring ring;
	fab_ring(&ring);
	OUTL("plain %u", io_uring_cqe_shift(&ring));
	ring.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	OUTL("cqe32 %u", io_uring_cqe_shift(&ring));
""",
    "__io_uring_buf_ring_cq_advance": r"""
	struct io_uring ring;
	struct io_uring_buf_ring *br = (struct io_uring_buf_ring *)A(16);
	fab_ring(&ring);
	memset(br, 0, 64);
	*ring.cq.khead = 0xfffffffe;
	br->tail = 0xfffe;
	__io_uring_buf_ring_cq_advance(&ring, br, 3, 5);
	OUTL("khead %u tail %u", *ring.cq.khead, br->tail);
""",
    "io_uring_sq_ready": r"""
	struct io_uring ring;
	unsigned *khead;
	fab_ring(&ring);
	khead = ring.sq.khead;
	*khead = 0xfffffffc;
	ring.sq.sqe_tail = 3;
	OUTL("ready %u", io_uring_sq_ready(&ring));
	ring.flags = IORING_SETUP_SQPOLL;
	OUTL("ready (sqpoll) %u", io_uring_sq_ready(&ring));
""",
    "io_uring_sq_space_left": r"""
	struct io_uring ring;
	unsigned *khead;
	fab_ring(&ring);
	khead = ring.sq.khead;
	*khead = 0xfffffffc;
	ring.sq.sqe_tail = 3;
	OUTL("left %u", io_uring_sq_space_left(&ring));
	ring.sq.sqe_tail = 12;
	OUTL("left (full) %u", io_uring_sq_space_left(&ring));
""",
    "io_uring_cq_ready": r"""
	struct io_uring ring;
	fab_ring(&ring);
	*ring.cq.khead = 0xfffffffa;
	*ring.cq.ktail = 5;
	OUTL("ready %u", io_uring_cq_ready(&ring));
""",
    "io_uring_cq_has_overflow": r"""
	struct io_uring ring;
	unsigned *kflags;
	fab_ring(&ring);
	kflags = ring.sq.kflags;
	*kflags = 0;
	OUTL("none %d", (int)io_uring_cq_has_overflow(&ring));
	*kflags = IORING_SQ_CQ_OVERFLOW;
	OUTL("overflow %d", (int)io_uring_cq_has_overflow(&ring));
	*kflags = IORING_SQ_NEED_WAKEUP;
	OUTL("need_wakeup only %d", (int)io_uring_cq_has_overflow(&ring));
""",
    "io_uring_cq_eventfd_enabled": r"""
	struct io_uring ring;
	unsigned *kflags;
	fab_ring(&ring);
	kflags = ring.cq.kflags;
	ring.cq.kflags = NULL;
	OUTL("no kflags %d", (int)io_uring_cq_eventfd_enabled(&ring));
	ring.cq.kflags = kflags;
	*kflags = 0;
	OUTL("enabled %d", (int)io_uring_cq_eventfd_enabled(&ring));
	*kflags = IORING_CQ_EVENTFD_DISABLED;
	OUTL("disabled %d", (int)io_uring_cq_eventfd_enabled(&ring));
""",
    "io_uring_cq_eventfd_toggle": r"""
	struct io_uring ring;
	unsigned *kflags;
	fab_ring(&ring);
	kflags = ring.cq.kflags;
	ring.cq.kflags = NULL;
	OUTL("no kflags, true -> %d", io_uring_cq_eventfd_toggle(&ring, true));
	OUTL("no kflags, false -> %d", io_uring_cq_eventfd_toggle(&ring, false));
	ring.cq.kflags = kflags;
	*kflags = 0x10;
	OUTL("false -> %d flags 0x%x", io_uring_cq_eventfd_toggle(&ring, false), *kflags);
	OUTL("false again -> %d flags 0x%x", io_uring_cq_eventfd_toggle(&ring, false), *kflags);
	OUTL("true -> %d flags 0x%x", io_uring_cq_eventfd_toggle(&ring, true), *kflags);
""",
}

# MISC cases of helpers liburing 2.3's header does not have.
MISC_215 = {"io_uring_cqe_nr", "io_uring_cqe_iter_init", "io_uring_cqe_iter_next", "io_uring_load_sq_head",
            "io_uring_sqe_shift_from_flags", "io_uring_cqe_shift_from_flags", "io_uring_sqe_shift",
            "io_uring_cqe_shift", "__io_uring_buf_ring_cq_advance"}

PROLOGUE = r"""/* Generated by tests/diff/sqe-bytes.py from %(header)s: do not edit. */
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

/* Pointer arguments point into one mapping at a fixed address, so both builds pass the
 * same pointer values (and a helper that dereferences one reads mapped zeros). */
#define ARENA_ADDR 0x5a5a00000000UL
#define ARENA_SIZE (64 * 4096)
static unsigned char *arena;
#define A(k) ((void *)(arena + 0x100 * (k)))

/* Argument values by parameter position: "big" uses large values with every byte
 * distinct (64-bit truncation shows), "small" uses small ones. */
static const unsigned long long VBIG[12] = {
	0x8a1b2c3d4e5f6071ULL, 0x9b2c3d4e5f607182ULL, 0xac3d4e5f60718293ULL,
	0xbd4e5f60718293a4ULL, 0xce5f60718293a4b5ULL, 0xdf60718293a4b5c6ULL,
	0x60718293a4b5c6d7ULL, 0x718293a4b5c6d7e8ULL, 0x8293a4b5c6d7e8f9ULL,
	0x93a4b5c6d7e8f90aULL, 0xa4b5c6d7e8f90a1bULL, 0xb5c6d7e8f90a1b2cULL,
};
static const unsigned long long VSMALL[12] = { 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41 };
static const unsigned long long *V = VBIG;

static const char *cur_name, *cur_variant;
#define OUTL(...)                                                     \
	do {                                                          \
		printf("%%s [misc] ", cur_name);                       \
		printf(__VA_ARGS__);                                  \
		printf("\n");                                         \
	} while (0)

static void hexline(const void *p, size_t n)
{
	const unsigned char *b = p;

	printf("%%s [%%s] ", cur_name, cur_variant ? cur_variant : "misc");
	for (size_t i = 0; i < n; i++)
		printf("%%02x%%s", b[i], (i %% 8 == 7 && i + 1 < n) ? " " : "");
	printf("\n");
}

/* A fabricated ring for the accounting helpers: every pointer a live ring has points
 * into the arena (areas 40..52), so a library that validates the ring accepts it. */
static void fab_ring(struct io_uring *ring)
{
	memset(ring, 0, sizeof(*ring));
	ring->sq.khead = (unsigned *)A(40);
	ring->sq.ktail = (unsigned *)A(41);
	ring->sq.kring_mask = (unsigned *)A(42);
	ring->sq.kring_entries = (unsigned *)A(43);
	ring->sq.kflags = (unsigned *)A(44);
	ring->sq.kdropped = (unsigned *)A(45);
	ring->sq.array = (unsigned *)A(46);
	ring->sq.sqes = (struct io_uring_sqe *)A(64);
	ring->sq.ring_mask = 15;
	ring->sq.ring_entries = 16;
	ring->cq.khead = (unsigned *)A(47);
	ring->cq.ktail = (unsigned *)A(48);
	ring->cq.kring_mask = (unsigned *)A(49);
	ring->cq.kring_entries = (unsigned *)A(50);
	ring->cq.kflags = (unsigned *)A(51);
	ring->cq.koverflow = (unsigned *)A(52);
	ring->cq.cqes = (struct io_uring_cqe *)A(128);
	ring->cq.ring_mask = 31;
	ring->cq.ring_entries = 32;
	*ring->sq.kring_mask = 15;
	*ring->sq.kring_entries = 16;
	*ring->cq.kring_mask = 31;
	*ring->cq.kring_entries = 32;
	ring->ring_fd = -1;
	ring->enter_ring_fd = -1;
}

typedef void (*sqe_fn)(struct io_uring_sqe *);
/* ring: also run on an SQE from io_uring_get_sqe (full prep helpers only: a modifier
 * such as io_uring_sqe_set_data or io_uring_prep_send_set_addr alone leaves the rest of
 * a reused slot as it was, and 2.15's get_sqe initializes fields that 2.3's left for the
 * prep helper to clear). */
struct sqe_case { const char *name; sqe_fn fn; int ring; };
struct misc_case { const char *name; void (*fn)(void); };
"""

EPILOGUE = r"""
static void loaded_lib(void)
{
	char line[4096 + 128];
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, '/');
		if (p && strstr(p, "/liburing")) {
			fprintf(stderr, "loaded: %s", p);
			fclose(f);
			return;
		}
	}
	fprintf(stderr, "loaded: (none)\n");
	if (f)
		fclose(f);
}

int main(void)
{
	static struct io_uring_sqe sqe __attribute__((aligned(64)));
	struct io_uring ring;
	size_t i, nsqe = sizeof(sqe_cases) / sizeof(sqe_cases[0]);
	int ret;

	arena = mmap((void *)ARENA_ADDR, ARENA_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (arena != (void *)ARENA_ADDR) {
		fprintf(stderr, "cannot map the arena at %%#lx\n", ARENA_ADDR);
		return 1;
	}
	for (i = 0; i < nsqe; i++) {
		cur_name = sqe_cases[i].name;
		cur_variant = "big";
		V = VBIG;
		memset(&sqe, 0, sizeof(sqe));
		sqe_cases[i].fn(&sqe);
		hexline(&sqe, sizeof(sqe));
		cur_variant = "small";
		V = VSMALL;
		memset(&sqe, 0, sizeof(sqe));
		sqe_cases[i].fn(&sqe);
		hexline(&sqe, sizeof(sqe));
	}
	ret = io_uring_queue_init(4, &ring, 0);
	if (ret) {
		fprintf(stderr, "queue_init: %%d\n", ret);
		return 1;
	}
	for (i = 0; i < nsqe; i++) {
		struct io_uring_sqe *s;

		if (!sqe_cases[i].ring)
			continue;
		cur_name = sqe_cases[i].name;
		cur_variant = "ring";
		V = VBIG;
		memset(&ring.sq.sqes[ring.sq.sqe_tail & ring.sq.ring_mask], 0xA5, sizeof(struct io_uring_sqe));
		s = io_uring_get_sqe(&ring);
		if (!s) {
			fprintf(stderr, "get_sqe returned NULL\n");
			return 1;
		}
		sqe_cases[i].fn(s);
		hexline(s, sizeof(*s));
		ring.sq.sqe_tail = ring.sq.sqe_head; /* hand the slot back, nothing submitted */
	}
	io_uring_queue_exit(&ring);
	cur_variant = NULL;
	for (i = 0; i < sizeof(misc_cases) / sizeof(misc_cases[0]); i++) {
		cur_name = misc_cases[i].name;
		memset(arena, 0, ARENA_SIZE);
		misc_cases[i].fn();
	}
	loaded_lib();
	return 0;
}
"""

INT_TYPES = {"int", "unsigned", "unsigned int", "__u64", "__u32", "__u16", "__u8", "off_t", "int64_t",
             "uint64_t", "size_t", "mode_t", "socklen_t", "unsigned short", "short", "uint32_t",
             "uint16_t", "__s32", "long", "unsigned long", "bool", "idtype_t", "id_t", "loff_t"}


def parse_inlines(path):
    src = open(path).read()
    out = []
    for m in re.finditer(r'^(?:static inline|IOURINGINLINE|_LOCAL_INLINE)\s+([^;{]*?)\s*\{', src, re.S | re.M):
        sig = ' '.join(m.group(1).replace('LIBURING_NOEXCEPT', '').split())
        mm = re.match(r'(.*?[\s*])(\w+)\s*\((.*)\)$', sig)
        if not mm:
            sys.exit(f"sqe-bytes: cannot parse signature: {sig}")
        ret, name, params = mm.group(1).strip(), mm.group(2), mm.group(3).strip()
        plist = []
        if params and params != 'void':
            for p in params.split(','):
                p = p.strip()
                pm = re.match(r'(.*?)(\w+)$', p)
                if not pm:
                    sys.exit(f"sqe-bytes: cannot parse parameter '{p}' of {name}")
                plist.append((' '.join(pm.group(1).split()).replace(' *', '*').replace('* ', '*'),
                              pm.group(2)))
        out.append((ret, name, plist))
    return out


def classify(funcs):
    sqe, misc, rest = [], [], []
    for ret, name, params in funcs:
        types = [t for t, _ in params]
        if ret == 'void' and 'struct io_uring_sqe*' in types and name not in INTERNAL:
            sqe.append((name, params))
        elif name in MISC:
            misc.append(name)
        elif name in BEHAVIOUR or name in INTERNAL:
            rest.append(name)
        else:
            sys.exit(f"sqe-bytes: {name} from the header has no case: add one (MISC, BEHAVIOUR)")
    unknown = set(MISC) - set(misc) - MISC_215
    if unknown:
        sys.exit(f"sqe-bytes: MISC cases for functions the header lacks: {sorted(unknown)}")
    return sqe, misc


def arg_expr(ctype, k):
    if ctype == 'struct io_uring_sqe*':
        return 'sqe'
    if '*' in ctype:
        return f'({ctype})A({k + 1})'
    if ctype in INT_TYPES:
        return f'({ctype})V[{k}]'
    sys.exit(f"sqe-bytes: no argument value for type '{ctype}'")


EXPORT_SHIM = r"""
#ifdef VIA_EXPORT
/* Every call of a listed helper goes to the library's exported function of that name
 * (dlsym), not to the header's inline definition. */
#include <dlfcn.h>
static void *io_urine_sym(const char *name)
{
	void *p = dlsym(RTLD_DEFAULT, name);

	if (!p) {
		fprintf(stderr, "no exported function %%s\n", name);
		exit(1);
	}
	return p;
}
#define VIA(f) ((__typeof__(&f))io_urine_sym(#f))
%s#endif
"""


def gen(header):
    funcs = parse_inlines(header)
    sqe, misc = classify(funcs)
    out = [PROLOGUE % {"header": header}]
    exported = sorted(n for _, n, _ in funcs if n not in INTERNAL)
    out.append(EXPORT_SHIM % ''.join(f"#define {n}(...) VIA({n})(__VA_ARGS__)\n" for n in exported))
    for name, params in sqe:
        args = ', '.join(arg_expr(t, k) for k, (t, _) in enumerate(params))
        out.append(f"#ifndef SKIP_{name}\nstatic void t_{name}(struct io_uring_sqe *sqe)\n"
                   f"{{\n\t{name}({args});\n}}\n#endif\n")
    for name in misc:
        out.append(f"#ifndef SKIP_{name}\nstatic void m_{name}(void)\n{{{MISC[name]}}}\n#endif\n")
    out.append("static const struct sqe_case sqe_cases[] = {\n")
    for name, _ in sqe:
        ring = 0 if name in MODIFIERS else 1
        out.append(f"#ifndef SKIP_{name}\n\t{{ \"{name}\", t_{name}, {ring} }},\n#endif\n")
    out.append("};\nstatic const struct misc_case misc_cases[] = {\n")
    for name in misc:
        out.append(f"#ifndef SKIP_{name}\n\t{{ \"{name}\", m_{name} }},\n#endif\n")
    out.append("};\n")
    out.append(EPILOGUE.replace('%%', '%'))
    return ''.join(out)


def names(header):
    sqe, misc = classify(parse_inlines(header))
    return [n for n, _ in sqe] + misc


# SQE field map (x86_64 layout of struct io_uring_sqe), for reporting differing bytes.
FIELDS = [(0, 1, "opcode"), (1, 2, "flags"), (2, 4, "ioprio"), (4, 8, "fd"),
          (8, 16, "off/addr2"), (16, 24, "addr/splice_off_in"), (24, 28, "len"),
          (28, 32, "op_flags (rw_flags/msg_flags/...)"), (32, 40, "user_data"),
          (40, 42, "buf_index/buf_group"), (42, 44, "personality"),
          (44, 48, "splice_fd_in/file_index/addr_len"), (48, 56, "addr3"), (56, 64, "__pad2")]


LABEL = "2.3"


def field_diff(a, b):
    ba, bb = bytes.fromhex(a.replace(' ', '')), bytes.fromhex(b.replace(' ', ''))
    if len(ba) != 64 or len(bb) != 64:
        return "different lengths"
    parts = []
    for lo, hi, name in FIELDS:
        if ba[lo:hi] != bb[lo:hi]:
            va = int.from_bytes(ba[lo:hi], 'little')
            vb = int.from_bytes(bb[lo:hi], 'little')
            parts.append(f"{name} [{lo}..{hi - 1}]: {LABEL} {va:#x} ours {vb:#x}")
    return "; ".join(parts)


def compare(ref_path, out_path, skips_path):
    def load(path):
        d, order = {}, []
        for line in open(path):
            line = line.rstrip('\n')
            m = re.match(r'(\S+) \[(\w+)\] (.*)$', line)
            if not m:
                continue
            name, var, payload = m.groups()
            if name not in d:
                d[name] = []
                order.append(name)
            d[name].append((var, payload))
        return d, order

    ref, order = load(ref_path)
    ours, _ = load(out_path)
    skips = {}
    for line in open(skips_path):
        if '\t' in line:
            n, why = line.rstrip('\n').split('\t', 1)
            skips[n] = why
    passed = failed = 0
    for name in order:
        if name in skips:
            print(f"FAIL {name}: {skips[name]}")
            failed += 1
            continue
        if name not in ours:
            print(f"FAIL {name}: no output from our build")
            failed += 1
            continue
        r, o = ref[name], ours[name]
        if r == o:
            print(f"PASS {name} ({len(r)} lines)")
            passed += 1
            continue
        failed += 1
        print(f"FAIL {name}: output differs")
        for i in range(max(len(r), len(o))):
            rl = r[i] if i < len(r) else ("-", "(missing)")
            ol = o[i] if i < len(o) else ("-", "(missing)")
            if rl == ol:
                continue
            print(f"    [{rl[0]}] {LABEL:4s}: {rl[1]}")
            print(f"    [{ol[0]}] ours: {ol[1]}")
            if rl[0] != 'misc' and rl[0] == ol[0]:
                print(f"          differs in {field_diff(rl[1], ol[1])}")
    for name in ours:
        if name not in ref:
            print(f"FAIL {name}: only in our output")
            failed += 1
    print(f"sqe-bytes: {passed} passed, {failed} failed, 0 skipped")
    return 0 if failed == 0 else 1


def main(argv):
    if len(argv) == 3 and argv[1] == 'gen':
        sys.stdout.write(gen(argv[2]))
        return 0
    if len(argv) == 3 and argv[1] == 'names':
        print('\n'.join(names(argv[2])))
        return 0
    if len(argv) in (5, 6) and argv[1] == 'compare':
        global LABEL
        LABEL = argv[5] if len(argv) == 6 else "2.3"
        return compare(argv[2], argv[3], argv[4])
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
