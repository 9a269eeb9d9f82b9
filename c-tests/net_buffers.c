/* SPDX-License-Identifier: MIT */
/*
 * Provided buffers over a loopback TCP connection:
 *  - provide_buffers (8 x 128 bytes, ids 10..17, group 3) then recv with
 *    IOSQE_BUFFER_SELECT: each CQE names a distinct buffer of the group and that buffer
 *    holds the message; remove_buffers returns the number still unused (then 0), removing
 *    from an unknown group fails with -ENOENT, a recv from the emptied group with -ENOBUFS.
 *  - send_bundle: 6 buffers of a provided-buffer ring are sent by one request; the
 *    result covers all of them (starting buffer id in the CQE) and the peer receives
 *    their concatenation. Skipped if the kernel lacks IORING_FEAT_RECVSEND_BUNDLE.
 */
#include "net_util.h"

#define PB_NR 8
#define PB_LEN 128
#define PB_BID 10
#define PB_GROUP 3

static void test_provide_buffers(struct io_uring *ring)
{
	static unsigned char mem[PB_NR * PB_LEN];
	unsigned used = 0;
	struct io_uring_sqe *sqe;
	int cli, srv;
	struct t_cqe c;

	t_tcp_pair(AF_INET, &cli, &srv);
	memset(mem, 0, sizeof(mem));
	sqe = t_sqe(ring);
	io_uring_prep_provide_buffers(sqe, mem, PB_LEN, PB_NR, PB_GROUP, PB_BID);
	c = t_run(ring, sqe, 1);
	CHECK(c.res == 0 || c.res == PB_NR, "provide_buffers: %d", c.res);

	for (int i = 0; i < 3; i++) {
		unsigned char msg[100];
		unsigned bid;

		t_fill(msg, sizeof(msg), 60 + (unsigned)i);
		CHECK(write(cli, msg, sizeof(msg)) == sizeof(msg), "client write");
		sqe = t_sqe(ring);
		io_uring_prep_recv(sqe, srv, NULL, PB_LEN, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = PB_GROUP;
		c = t_run(ring, sqe, 2);
		CHECK(c.res == sizeof(msg), "recv with buffer select: %d", c.res);
		CHECK(c.flags & IORING_CQE_F_BUFFER, "no IORING_CQE_F_BUFFER");
		bid = c.flags >> IORING_CQE_BUFFER_SHIFT;
		CHECK(bid >= PB_BID && bid < PB_BID + PB_NR, "buffer id %u outside the group", bid);
		CHECK(!(used & (1u << (bid - PB_BID))), "buffer %u handed out twice", bid);
		used |= 1u << (bid - PB_BID);
		CHECK(t_check(mem + (bid - PB_BID) * PB_LEN, sizeof(msg), 60 + (unsigned)i) == 0,
		      "buffer %u does not hold message %d", bid, i);
	}

	sqe = t_sqe(ring);
	io_uring_prep_remove_buffers(sqe, 100, PB_GROUP);
	c = t_run(ring, sqe, 3);
	CHECK(c.res == PB_NR - 3, "remove_buffers removed %d, expected %d", c.res, PB_NR - 3);
	sqe = t_sqe(ring);
	io_uring_prep_remove_buffers(sqe, 1, PB_GROUP);
	c = t_run(ring, sqe, 4);
	CHECK(c.res == 0, "remove from an emptied group: %d", c.res);
	sqe = t_sqe(ring);
	io_uring_prep_remove_buffers(sqe, 1, PB_GROUP + 70);
	c = t_run(ring, sqe, 4);
	CHECK(c.res == -ENOENT, "remove from an unknown group: %d", c.res);

	CHECK(write(cli, "z", 1) == 1, "client write");
	sqe = t_sqe(ring);
	io_uring_prep_recv(sqe, srv, NULL, PB_LEN, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = PB_GROUP;
	c = t_run(ring, sqe, 5);
	CHECK(c.res == -ENOBUFS, "recv from an emptied group: %d", c.res);

	close(cli);
	close(srv);
}

#define BR_ENTRIES 8
#define BR_BUFSZ 1000
#define BUNDLE_BUFS 6

static void test_send_bundle(struct io_uring *ring)
{
	unsigned char in[BUNDLE_BUFS * BR_BUFSZ];
	struct io_uring_sqe *sqe;
	struct t_bufring br;
	int cli, srv, ret;
	struct t_cqe c;

	if (!(ring->features & IORING_FEAT_RECVSEND_BUNDLE)) {
		t_skip_case("send_bundle", "kernel lacks IORING_FEAT_RECVSEND_BUNDLE");
		return;
	}
	ret = t_bufring_setup(ring, &br, BR_ENTRIES, BR_BUFSZ, 5, 0);
	CHECK(ret == 0, "buffer ring: %s", strerror(-ret));
	/* publish 6 of the 8 slots, each buffer full of its own pattern */
	for (unsigned i = 0; i < BUNDLE_BUFS; i++) {
		t_fill(t_bufring_buf(&br, i), BR_BUFSZ, 70 + i);
		t_bufring_add(&br, i);
	}
	t_bufring_publish(&br);

	t_tcp_pair(AF_INET, &cli, &srv);
	sqe = t_sqe(ring);
	io_uring_prep_send_bundle(sqe, cli, 0, MSG_NOSIGNAL);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 5;
	c = t_run(ring, sqe, 10);
	CHECK(c.res == BUNDLE_BUFS * BR_BUFSZ, "send_bundle sent %d, expected %d", c.res,
	      BUNDLE_BUFS * BR_BUFSZ);
	CHECK(c.flags & IORING_CQE_F_BUFFER, "send_bundle CQE lacks IORING_CQE_F_BUFFER");
	CHECK((c.flags >> IORING_CQE_BUFFER_SHIFT) == 0, "starting buffer id %u",
	      c.flags >> IORING_CQE_BUFFER_SHIFT);
	t_read_full(srv, in, sizeof(in));
	for (unsigned i = 0; i < BUNDLE_BUFS; i++)
		CHECK(t_check(in + i * BR_BUFSZ, BR_BUFSZ, 70 + i) == 0, "bundle buffer %u corrupted", i);

	/* every buffer was consumed: another bundle send finds none */
	sqe = t_sqe(ring);
	io_uring_prep_send_bundle(sqe, cli, 0, MSG_NOSIGNAL);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 5;
	c = t_run(ring, sqe, 11);
	CHECK(c.res == -ENOBUFS, "send_bundle with no buffers: %d", c.res);

	close(cli);
	close(srv);
	t_bufring_free(ring, &br);
}

int main(void)
{
	struct io_uring ring;
	int ret;

	t_watchdog(30);
	ret = io_uring_queue_init(8, &ring, 0);
	CHECK(ret == 0, "queue_init: %s", strerror(-ret));
	test_provide_buffers(&ring);
	test_send_bundle(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
