/* SPDX-License-Identifier: MIT */
/*
 * 128-byte SQE helpers on the real kernel. On an IORING_SETUP_SQE128 ring: uring_cmd
 * (SOCKET_URING_OP_SIOCINQ on a loopback UDP socket reports the queued datagram's size) and nop in
 * 128-byte slots (the 80-byte command payload is left alone). get_sqe128's bookkeeping
 * for IORING_SETUP_SQE_MIXED (pairs, wrap padding with a skip-success NOP, full-SQ
 * refusals) and the nop128 / uring_cmd128 fields, checked without the kernel;
 * prep_sqe_mixed runs them on a real mixed ring.
 */
#include "helpers.h"
#include <liburing.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static int sv[2];

static struct io_uring_cqe *wait_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = NULL;
	int ret = io_uring_wait_cqe(ring, &cqe);

	CHECK(ret == 0 && cqe, "wait_cqe %d", ret);
	return cqe;
}

static void test_sqe128_ring(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_queue_init(4, &ring, IORING_SETUP_SQE128);
	CHECK(ret == 0, "SQE128 ring %d", ret);
	/* a plain uring_cmd in a 128-byte slot */
	sqe = io_uring_get_sqe128(&ring);
	CHECK(sqe, "get_sqe128");
	memset(sqe->cmd, 0xee, 80); /* the 80-byte payload area is ours on SQE128 rings */
	io_uring_prep_uring_cmd(sqe, SOCKET_URING_OP_SIOCINQ, sv[1]);
	CHECK(sqe->opcode == IORING_OP_URING_CMD && sqe->cmd_op == SOCKET_URING_OP_SIOCINQ &&
	      sqe->__pad1 == 0 && sqe->fd == sv[1] && sqe->addr == 0 && sqe->len == 0, "uring_cmd fields");
	CHECK(sqe->cmd[79] == 0xee, "uring_cmd touched the payload");
	sqe->user_data = 1;
	struct io_uring_sqe copy[2];
	memcpy(copy, sqe, sizeof(copy));
	sqe = io_uring_get_sqe(&ring);
	CHECK(sqe, "get_sqe");
	io_uring_prep_nop(sqe);
	sqe->user_data = 2;
	CHECK(write(sv[0], "12345", 5) == 5, "socket write");
	usleep(1000);
	ret = io_uring_submit_and_wait(&ring, 2);
	CHECK(ret == 2, "submit %d", ret);
	for (int i = 0; i < 2; i++) {
		cqe = wait_one(&ring);
		if (cqe->user_data == 1 && cqe->res == -EOPNOTSUPP) {
			/* socket uring_cmd is 6.7+: the kernel itself must say the same */
			int raw = t_kernel_run_sqe(IORING_SETUP_SQE128, copy, NULL, 0);
			CHECK(raw == -EOPNOTSUPP, "SIOCINQ -EOPNOTSUPP here, the kernel itself gave %d", raw);
			t_skip_case("uring_cmd_siocinq", "kernel has no socket uring_cmd");
		} else if (cqe->user_data == 1)
			CHECK(cqe->res == 5, "SIOCINQ via uring_cmd: %d", cqe->res);
		else
			CHECK(cqe->user_data == 2 && cqe->res == 0, "nop res %d", cqe->res);
		io_uring_cqe_seen(&ring, cqe);
	}
	char drain[8];
	CHECK(read(sv[1], drain, sizeof(drain)) == 5, "drain");
	io_uring_queue_exit(&ring);
}

/*
 * get_sqe128's bookkeeping on a mixed ring, without the kernel: a plain ring whose flags
 * claim IORING_SETUP_SQE_MIXED (nothing is submitted; the ring is thrown away).
 */
static void test_mixed_bookkeeping(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe, *big;
	int ret = io_uring_queue_init(8, &ring, 0);

	CHECK(ret == 0, "ring %d", ret);
	CHECK(io_uring_get_sqe128(&ring) == NULL, "get_sqe128 on a 64-byte ring");
	ring.flags |= IORING_SETUP_SQE_MIXED;
	/* a pair at slots 0-1 */
	big = io_uring_get_sqe128(&ring);
	CHECK(big == &ring.sq.sqes[0] && ring.sq.sqe_tail == 2, "first pair");
	for (int i = 2; i < 7; i++) {
		sqe = io_uring_get_sqe(&ring);
		CHECK(sqe == &ring.sq.sqes[i], "slot %d", i);
	}
	/* tail at the last slot and only one slot free: no room for a pair */
	CHECK(ring.sq.sqe_tail == 7, "tail %u", ring.sq.sqe_tail);
	CHECK(io_uring_get_sqe128(&ring) == NULL, "pair across the end of a full SQ");
	CHECK(ring.sq.sqe_tail == 7, "failed get_sqe128 moved the tail");
	/* pretend the kernel consumed 0..6: the pair must wrap, the last slot becomes padding */
	memset(&ring.sq.sqes[7], 0xa5, sizeof(ring.sq.sqes[7]));
	*ring.sq.khead = 7;
	ring.sq.sqe_head = 7;
	big = io_uring_get_sqe128(&ring);
	CHECK(big == &ring.sq.sqes[0], "pair did not wrap to slot 0");
	CHECK(ring.sq.sqe_tail == 10, "tail after padding %u", ring.sq.sqe_tail);
	struct io_uring_sqe *pad = &ring.sq.sqes[7];
	CHECK(pad->opcode == IORING_OP_NOP && pad->flags == IOSQE_CQE_SKIP_SUCCESS && pad->fd == -1 &&
	      pad->addr == 0 && pad->len == 0 && pad->off == 0 && pad->rw_flags == 0 &&
	      pad->buf_index == 0 && pad->personality == 0 && pad->file_index == 0 && pad->addr3 == 0,
	      "padding NOP fields");
	/* a pair in the middle needs no padding */
	big = io_uring_get_sqe128(&ring);
	CHECK(big == &ring.sq.sqes[2] && ring.sq.sqe_tail == 12, "middle pair");
	io_uring_prep_nop128(big);
	CHECK(big->opcode == IORING_OP_NOP128 && big->fd == -1, "nop128 fields");
	io_uring_prep_uring_cmd128(big, 5, 3);
	CHECK(big->opcode == IORING_OP_URING_CMD128 && big->cmd_op == 5 && big->fd == 3, "cmd128 fields");
	/* free space: 8 - (12 - 7) = 3 slots: one more pair fits (slots 4-5), then none */
	CHECK(io_uring_get_sqe128(&ring) == &ring.sq.sqes[4], "pair at 4");
	CHECK(io_uring_get_sqe128(&ring) == NULL, "no room for another pair");
	CHECK(io_uring_get_sqe(&ring) == &ring.sq.sqes[6], "a single slot still fits");
	/* never submitted: put the ring back before tearing it down */
	ring.flags &= ~IORING_SETUP_SQE_MIXED;
	io_uring_queue_exit(&ring);
}

int main(void)
{
	/* sv[0] sends datagrams to sv[1] (SIOCINQ needs a protocol with an ioctl: UDP) */
	t_udp_pair(sv);
	test_sqe128_ring();
	test_mixed_bookkeeping();
	return T_EXIT_PASS;
}
