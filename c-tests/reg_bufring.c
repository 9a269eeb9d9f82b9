/* SPDX-License-Identifier: MIT */
/*
 * Provided-buffer rings on the kernel, consumed by recv with IOSQE_BUFFER_SELECT on a
 * socketpair: setup_buf_ring (library memory and IOU_PBUF_RING_MMAP), buf_ring_add /
 * advance / mask, the buffer id and data of each completion, io_uring_buf_ring_head and
 * io_uring_buf_ring_available as the kernel consumes buffers, recycling with
 * io_uring_buf_ring_cq_advance and __io_uring_buf_ring_cq_advance, -ENOBUFS when the
 * ring is empty, incremental consumption (IOU_PBUF_RING_INC: IORING_CQE_F_BUF_MORE while
 * a buffer has room, data placed after the previous piece), manual register_buf_ring
 * (flags or'ed into reg->flags), free_buf_ring, and the error codes.
 */
#include "helpers.h"
#include <liburing.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NBUF 8
#define BSZ 64

static struct io_uring ring;
static int sv[2];
static char mem[NBUF][BSZ];

static void send_bytes(const void *p, size_t n)
{
	CHECK(write(sv[1], p, n) == (ssize_t)n, "write %zu", n);
}

/* Submits a buffer-select recv on group bgid and waits; returns the CQE (not seen). */
static struct io_uring_cqe *recv_select(int bgid, unsigned len)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;

	io_uring_prep_recv(sqe, sv[0], NULL, len, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = bgid;
	sqe->user_data = 0x500 + bgid;
	CHECK(io_uring_submit(&ring) == 1, "submit recv");
	CHECK(io_uring_wait_cqe(&ring, &cqe) == 0, "wait recv");
	CHECK(cqe->user_data == (__u64)(0x500 + bgid), "recv user_data");
	return cqe;
}

/*
 * Does the kernel have IORING_REGISTER_PBUF_STATUS (6.8+), which buf_ring_head and
 * buf_ring_available ask? Without it they give the kernel's -EINVAL, as liburing's do.
 */
static int has_status;

static void expect_head(int bgid, unsigned want)
{
	uint16_t head = 0xffff;
	int ret = io_uring_buf_ring_head(&ring, bgid, &head);

	if (!has_status) {
		CHECK(ret == -EINVAL, "head of group %d without PBUF_STATUS: %d", bgid, ret);
		return;
	}
	CHECK(ret == 0 && head == want, "head of group %d: ret %d head %u want %u", bgid, ret, head, want);
}

static int avail_is(struct io_uring_buf_ring *br, int bgid, int want)
{
	int ret = io_uring_buf_ring_available(&ring, br, (unsigned short)bgid);

	return has_status ? ret == want : ret == -EINVAL;
}

static void basic(void)
{
	struct io_uring_buf_ring *br;
	struct io_uring_cqe *cqe;
	int err = 1, mask = io_uring_buf_ring_mask(NBUF);
	char msg[BSZ];

	CHECK(mask == NBUF - 1, "mask %d", mask);
	br = io_uring_setup_buf_ring(&ring, NBUF, 1, 0, &err);
	CHECK(br && err == 0, "setup_buf_ring err %d", err);
	CHECK(br->tail == 0, "fresh tail");
	for (int i = 0; i < NBUF; i++)
		io_uring_buf_ring_add(br, mem[i], BSZ, 100 + i, mask, i);
	CHECK(avail_is(br, 1, 0), "added but not published");
	io_uring_buf_ring_advance(br, NBUF);
	CHECK(br->tail == NBUF, "tail %u", br->tail);
	expect_head(1, 0);
	CHECK(avail_is(br, 1, NBUF), "all available");

	/* Three receives use buffers 100, 101, 102 in order. */
	for (int i = 0; i < 3; i++) {
		t_fill(msg, 20 + i, 30 + i);
		send_bytes(msg, 20 + i);
		cqe = recv_select(1, 0);
		CHECK(cqe->res == 20 + i, "recv res %d", cqe->res);
		CHECK(cqe->flags & IORING_CQE_F_BUFFER, "F_BUFFER");
		CHECK((cqe->flags >> IORING_CQE_BUFFER_SHIFT) == (unsigned)(100 + i), "bid %u", cqe->flags >> 16);
		CHECK(t_check(mem[i], 20 + i, 30 + i) == 0, "data in buffer %d", i);
		io_uring_cqe_seen(&ring, cqe);
	}
	expect_head(1, 3);
	CHECK(avail_is(br, 1, NBUF - 3), "available after 3");

	/* Recycle while consuming: add the buffer back and advance CQ and tail together. */
	send_bytes("abc", 3);
	cqe = recv_select(1, 0);
	CHECK(cqe->res == 3 && (cqe->flags >> 16) == 103, "recv 4: res %d bid %u", cqe->res, cqe->flags >> 16);
	CHECK(memcmp(mem[3], "abc", 3) == 0, "data 4");
	io_uring_buf_ring_add(br, mem[3], BSZ, 103, mask, 0);
	io_uring_buf_ring_cq_advance(&ring, br, 1);
	CHECK(io_uring_cq_ready(&ring) == 0, "cqe consumed by cq_advance");
	CHECK(avail_is(br, 1, NBUF - 3), "buffer returned");

	/* The split form: publish one buffer, consume one CQE. */
	send_bytes("defg", 4);
	cqe = recv_select(1, 0);
	CHECK(cqe->res == 4 && (cqe->flags >> 16) == 104, "recv 5 bid %u", cqe->flags >> 16);
	io_uring_buf_ring_add(br, mem[4], BSZ, 104, mask, 0);
	__io_uring_buf_ring_cq_advance(&ring, br, 1, 1);
	CHECK(io_uring_cq_ready(&ring) == 0, "cqe consumed");

	/* Drain every published buffer, then the ring is empty: -ENOBUFS. */
	int avail = io_uring_buf_ring_available(&ring, br, 1);
	CHECK(avail == (has_status ? NBUF - 3 : -EINVAL), "available %d", avail);
	avail = NBUF - 3;
	for (int i = 0; i < avail; i++) {
		send_bytes("x", 1);
		cqe = recv_select(1, 0);
		CHECK(cqe->res == 1, "drain recv %d: %d", i, cqe->res);
		io_uring_cqe_seen(&ring, cqe);
	}
	CHECK(avail_is(br, 1, 0), "empty");
	send_bytes("y", 1);
	cqe = recv_select(1, 0);
	CHECK(cqe->res == -ENOBUFS, "recv on empty ring: %d", cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	CHECK(read(sv[0], msg, 1) == 1, "drain socket");

	CHECK(io_uring_setup_buf_ring(&ring, NBUF, 1, 0, &err) == NULL && err == -EEXIST, "duplicate group: %d", err);
	CHECK(io_uring_free_buf_ring(&ring, br, NBUF, 1) == 0, "free");
	uint16_t h;
	CHECK(io_uring_buf_ring_head(&ring, 1, &h) == (has_status ? -ENOENT : -EINVAL), "head of a freed group");
	/* the kernel's answer for a group it does not have: -ENOENT (6.1: -EINVAL) */
	struct io_uring_buf_reg none = { .bgid = 1 };
	int raw = (int)syscall(__NR_io_uring_register, ring.ring_fd, IORING_UNREGISTER_PBUF_RING, &none, 1);
	int kerr = errno;
	CHECK(raw < 0 && (kerr == ENOENT || kerr == EINVAL), "raw unregister of a freed group: %d", raw);
	int freed = io_uring_free_buf_ring(&ring, br, NBUF, 1);
	CHECK(freed == -kerr, "double free refused before unmapping: %d, kernel -%d", freed, kerr);
}

static void incremental(void)
{
	static char big[4096] __attribute__((aligned(64)));
	struct io_uring_buf_ring *br;
	struct io_uring_cqe *cqe;
	char part[200];
	int err;

	br = io_uring_setup_buf_ring(&ring, 4, 2, IOU_PBUF_RING_INC, &err);
	if (!br && err == -EINVAL) {
		/* The kernel itself must refuse the same registration for this to be a skip. */
		int kerr = t_kernel_pbuf_ring_errno(ring.ring_fd, 4, 2, IOU_PBUF_RING_INC);

		CHECK(kerr == EINVAL,
		      "IOU_PBUF_RING_INC: -EINVAL from the library, raw register gives %d", -kerr);
		t_skip_case("incremental", "kernel refuses IOU_PBUF_RING_INC");
		return;
	}
	CHECK(br, "setup inc ring: %d", err);
	io_uring_buf_ring_add(br, big, sizeof(big), 7, io_uring_buf_ring_mask(4), 0);
	io_uring_buf_ring_advance(br, 1);

	/* 100 bytes: buffer 7 keeps room, so BUF_MORE; data at its start. */
	t_fill(part, 100, 1);
	send_bytes(part, 100);
	cqe = recv_select(2, 0);
	CHECK(cqe->res == 100 && (cqe->flags >> 16) == 7, "inc recv 1: res %d bid %u", cqe->res, cqe->flags >> 16);
	CHECK(cqe->flags & IORING_CQE_F_BUF_MORE, "BUF_MORE after a partial use");
	CHECK(t_check(big, 100, 1) == 0, "inc data 1");
	io_uring_cqe_seen(&ring, cqe);
	expect_head(2, 0);
	CHECK(avail_is(br, 2, 1), "still one buffer");

	/* 50 more bytes land right after the first piece. */
	t_fill(part, 50, 2);
	send_bytes(part, 50);
	cqe = recv_select(2, 0);
	CHECK(cqe->res == 50 && (cqe->flags >> 16) == 7, "inc recv 2: %d", cqe->res);
	CHECK(cqe->flags & IORING_CQE_F_BUF_MORE, "BUF_MORE 2");
	CHECK(t_check(big + 100, 50, 2) == 0, "inc data 2 follows piece 1");
	io_uring_cqe_seen(&ring, cqe);

	/* Filling the rest consumes the buffer: no BUF_MORE, head moves on. */
	size_t rest = sizeof(big) - 150;
	static char fill[4096];
	t_fill(fill, rest, 3);
	send_bytes(fill, rest);
	cqe = recv_select(2, 0);
	CHECK(cqe->res == (int)rest, "inc recv 3: %d", cqe->res);
	CHECK(!(cqe->flags & IORING_CQE_F_BUF_MORE), "buffer used up");
	CHECK(t_check(big + 150, rest, 3) == 0, "inc data 3");
	io_uring_cqe_seen(&ring, cqe);
	expect_head(2, 1);
	CHECK(avail_is(br, 2, 0), "none left");
	CHECK(io_uring_free_buf_ring(&ring, br, 4, 2) == 0, "free inc");
}

static void kernel_mapped(void)
{
	struct io_uring_buf_ring *br;
	struct io_uring_cqe *cqe;
	int err;

	br = io_uring_setup_buf_ring(&ring, 16, 3, IOU_PBUF_RING_MMAP, &err);
	if (!br && err == -EINVAL && t_kernel_pbuf_ring_errno(ring.ring_fd, 16, 3, IOU_PBUF_RING_MMAP) == EINVAL) {
		/* IOU_PBUF_RING_MMAP is 6.4+: the kernel itself refuses it */
		t_skip_case("kernel_mapped", "kernel refuses IOU_PBUF_RING_MMAP");
		return;
	}
	CHECK(br, "setup mmap ring: %d", err);
	CHECK(br->tail == 0, "mmap ring tail");
	io_uring_buf_ring_add(br, mem[5], BSZ, 55, io_uring_buf_ring_mask(16), 0);
	io_uring_buf_ring_advance(br, 1);
	send_bytes("mapped", 6);
	cqe = recv_select(3, 0);
	CHECK(cqe->res == 6 && (cqe->flags >> 16) == 55, "recv via mmap ring: %d", cqe->res);
	CHECK(memcmp(mem[5], "mapped", 6) == 0, "mmap ring data");
	io_uring_cqe_seen(&ring, cqe);
	expect_head(3, 1);
	CHECK(io_uring_free_buf_ring(&ring, br, 16, 3) == 0, "free mmap ring");
}

static void manual(void)
{
	struct io_uring_buf_reg reg;
	struct io_uring_buf_ring *br;
	size_t sz = 8 * sizeof(struct io_uring_buf);

	br = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(br != MAP_FAILED, "mmap");
	io_uring_buf_ring_init(br);
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long)br;
	reg.ring_entries = 8;
	reg.bgid = 4;
	CHECK(io_uring_register_buf_ring(&ring, NULL, 0) == -EINVAL, "NULL reg");
	int ret = io_uring_register_buf_ring(&ring, &reg, IOU_PBUF_RING_INC);
	CHECK(reg.flags == IOU_PBUF_RING_INC, "flags or'ed into reg: %u", reg.flags);
	CHECK(ret == 0 || ret == -EINVAL, "register_buf_ring %d", ret);
	if (ret == 0)
		CHECK(io_uring_unregister_buf_ring(&ring, 4) == 0, "unregister");
	struct io_uring_buf_reg none = { .bgid = 4 };
	int raw = (int)syscall(__NR_io_uring_register, ring.ring_fd, IORING_UNREGISTER_PBUF_RING, &none, 1);
	int kerr = errno;
	CHECK(raw < 0 && (kerr == ENOENT || kerr == EINVAL), "raw unregister twice: %d", raw);
	ret = io_uring_unregister_buf_ring(&ring, 4);
	CHECK(ret == -kerr, "unregister twice: %d, kernel -%d (6.1: -EINVAL)", ret, kerr);
	reg.ring_entries = 6;
	reg.flags = 0;
	CHECK(io_uring_register_buf_ring(&ring, &reg, 0) == -EINVAL, "not a power of two");
	munmap(br, sz);
}

/*
 * io_uring_free_buf_ring with a size the kernel never accepts (0, not a power of two, or
 * beyond 32768 entries) is -EINVAL before anything happens: the group stays registered
 * and the ring mapped (liburing would unregister, then unmap nentries * 16 bytes).
 */
static void free_bad_sizes(void)
{
	static const unsigned bad[] = { 0x80000000u, 0xffffffffu, 65536, 32769, 0, 6 };
	struct io_uring_buf_ring *br;
	int err = 0;

	br = io_uring_setup_buf_ring(&ring, 8, 9, 0, &err);
	CHECK(br && err == 0, "setup: %d", err);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = io_uring_free_buf_ring(&ring, br, bad[i], 9);
		CHECK(ret == -EINVAL, "free with %u entries: %d", bad[i], ret);
		/* still registered and mapped */
		expect_head(9, 0);
		io_uring_buf_ring_add(br, mem[0], BSZ, 0, io_uring_buf_ring_mask(8), 0);
		io_uring_buf_ring_init(br);
	}
	CHECK(io_uring_free_buf_ring(&ring, br, 8, 9) == 0, "free");
	uint16_t head = 0;
	int ret = io_uring_buf_ring_head(&ring, 9, &head);
	CHECK(ret == -ENOENT || ret == -EINVAL, "group 9 still registered: %d", ret);
}

int main(void)
{
	int err = 0;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");

	CHECK(io_uring_setup_buf_ring(NULL, 8, 1, 0, &err) == NULL && err == -EINVAL, "NULL ring");
	CHECK(io_uring_setup_buf_ring(&ring, 6, 1, 0, &err) == NULL && err == -EINVAL, "6 entries: %d", err);
	CHECK(io_uring_setup_buf_ring(&ring, 6, 1, 0, NULL) == NULL, "NULL err pointer");
	CHECK(io_uring_buf_ring_head(&ring, 1, NULL) == -EINVAL, "NULL head");
	struct io_uring_buf_status st = { .buf_group = 999 };
	int raw = (int)syscall(__NR_io_uring_register, ring.ring_fd, IORING_REGISTER_PBUF_STATUS, &st, 1);
	CHECK(raw < 0 && (errno == ENOENT || errno == EINVAL), "raw PBUF_STATUS of no group: %d", raw);
	has_status = errno == ENOENT;

	basic();
	incremental();
	kernel_mapped();
	manual();
	free_bad_sizes();

	close(sv[0]);
	close(sv[1]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
