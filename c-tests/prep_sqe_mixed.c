/* SPDX-License-Identifier: MIT */
/*
 * 128-byte SQEs on a real IORING_SETUP_SQE_MIXED ring: nop128 and uring_cmd128 (from
 * io_uring_get_sqe128) interleaved with 64-byte nops and pipe writes in a pseudo-random
 * pattern over many wraps of an 8-entry SQ, so get_sqe128 must pad at the ring's end.
 * Every request completes exactly once with its own user_data and result, the padding
 * NOPs never produce a CQE, and the pipe receives exactly the bytes written, in order;
 * uring_cmd128 (SOCKET_URING_OP_SIOCINQ) reports a queued datagram's size. Skipped when
 * the kernel refuses IORING_SETUP_SQE_MIXED or IORING_OP_NOP128.
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

/* Expected result per user_data (index), -1000 = not issued. */
static int want[4096], got[4096];

static void test_mixed_ring(void)
{
	struct io_uring ring;
	int p[2], ret;
	unsigned seed = 12345, ud = 0, pipe_bytes = 0, inflight = 0;
	static char pipe_data[4096], back[4096];

	ret = io_uring_queue_init(8, &ring, IORING_SETUP_SQE_MIXED);
	if (ret == -EINVAL && t_kernel_refuses_setup(IORING_SETUP_SQE_MIXED))
		SKIP("kernel refuses IORING_SETUP_SQE_MIXED");
	CHECK(ret == 0, "SQE_MIXED ring %d", ret);
	CHECK(pipe(p) == 0, "pipe");
	t_fill(pipe_data, sizeof(pipe_data), 3);

	/* first, the kernel must know NOP128 */
	struct io_uring_sqe *sqe = io_uring_get_sqe128(&ring);
	CHECK(sqe, "get_sqe128");
	io_uring_prep_nop128(sqe);
	CHECK(sqe->opcode == IORING_OP_NOP128 && sqe->fd == -1, "nop128 fields");
	sqe->user_data = 9999;
	CHECK(io_uring_submit(&ring) >= 1, "submit");
	struct io_uring_cqe *cqe = wait_one(&ring);
	if (cqe->res == -EINVAL && !t_kernel_has_op(IORING_OP_NOP128)) {
		io_uring_cqe_seen(&ring, cqe);
		SKIP("kernel refuses IORING_OP_NOP128");
	}
	CHECK(cqe->user_data == 9999 && cqe->res == 0, "nop128 res %d", cqe->res);
	io_uring_cqe_seen(&ring, cqe);

	for (int i = 0; i < 4096; i++)
		want[i] = -1000;
	for (int round = 0; round < 200; round++) {
		/* queue 1..3 requests of random kinds */
		unsigned n = 1 + (seed >> 16) % 3;
		for (unsigned k = 0; k < n; k++) {
			seed = seed * 1103515245 + 12345;
			unsigned kind = (seed >> 16) % 4;
			if (kind == 0) {
				sqe = io_uring_get_sqe(&ring);
				if (!sqe)
					break;
				io_uring_prep_nop(sqe);
				want[ud] = 0;
			} else if (kind == 1) {
				sqe = io_uring_get_sqe128(&ring);
				if (!sqe)
					break;
				io_uring_prep_nop128(sqe);
				want[ud] = 0;
			} else if (kind == 2) {
				sqe = io_uring_get_sqe128(&ring);
				if (!sqe)
					break;
				memset(sqe->cmd, 0, 80);
				io_uring_prep_uring_cmd128(sqe, SOCKET_URING_OP_SIOCINQ, sv[1]);
				CHECK(sqe->opcode == IORING_OP_URING_CMD128 && sqe->cmd_op == 0, "cmd128 fields");
				want[ud] = 0; /* nothing queued on the socket */
			} else {
				unsigned len = 1 + (seed >> 8) % 16;
				if (pipe_bytes + len > sizeof(pipe_data))
					len = 0;
				sqe = io_uring_get_sqe(&ring);
				if (!sqe)
					break;
				io_uring_prep_write(sqe, p[1], pipe_data + pipe_bytes, len, 0);
				want[ud] = (int)len;
				pipe_bytes += len;
			}
			sqe->user_data = ud++;
			inflight++;
			CHECK(ud < 4096, "too many requests");
		}
		ret = io_uring_submit(&ring);
		CHECK(ret >= 0, "submit %d", ret);
		/* reap everything in flight */
		while (inflight) {
			cqe = wait_one(&ring);
			CHECK(cqe->user_data < ud, "CQE with unknown user_data %llu (padding leaked?)",
			      (unsigned long long)cqe->user_data);
			CHECK(!got[cqe->user_data], "two CQEs for %llu", (unsigned long long)cqe->user_data);
			got[cqe->user_data] = 1;
			CHECK(cqe->res == want[cqe->user_data], "ud %llu res %d, want %d",
			      (unsigned long long)cqe->user_data, cqe->res, want[cqe->user_data]);
			io_uring_cqe_seen(&ring, cqe);
			inflight--;
		}
		CHECK(io_uring_cq_ready(&ring) == 0, "extra CQEs");
	}
	for (unsigned i = 0; i < ud; i++)
		CHECK(got[i], "request %u never completed", i);
	CHECK(ring.sq.sqe_tail > 3 * 8, "the SQ did not wrap");

	/* the pipe got every write, in order */
	unsigned have = 0;
	while (have < pipe_bytes) {
		ssize_t r = read(p[0], back + have, pipe_bytes - have);
		CHECK(r > 0, "pipe read");
		have += (unsigned)r;
	}
	CHECK(memcmp(back, pipe_data, pipe_bytes) == 0, "pipe data");

	/* uring_cmd128 with data queued on the socket */
	CHECK(write(sv[0], "abc", 3) == 3, "socket write");
	usleep(1000);
	sqe = io_uring_get_sqe128(&ring);
	CHECK(sqe, "get_sqe128");
	io_uring_prep_uring_cmd128(sqe, SOCKET_URING_OP_SIOCINQ, sv[1]);
	sqe->user_data = 7777;
	CHECK(io_uring_submit(&ring) >= 1, "submit");
	cqe = wait_one(&ring);
	CHECK(cqe->user_data == 7777 && cqe->res == 3, "uring_cmd128 SIOCINQ %d", cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	/* sv[0] sends datagrams to sv[1] (SIOCINQ needs a protocol with an ioctl: UDP) */
	t_udp_pair(sv);
	test_mixed_ring();
	return T_EXIT_PASS;
}
