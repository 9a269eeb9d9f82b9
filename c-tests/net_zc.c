/* SPDX-License-Identifier: MIT */
/*
 * Zero-copy sends over loopback TCP and UDP. For every variant (send_zc, send_zc with
 * IORING_SEND_ZC_REPORT_USAGE, send_zc_fixed from a registered buffer, send_zc + set_addr
 * on UDP, sendmsg_zc, sendmsg_zc_fixed) the test checks the two-CQE protocol: first the
 * result (res = bytes, IORING_CQE_F_MORE set), then the notification with the same
 * user_data (IORING_CQE_F_NOTIF, F_MORE clear, res 0 or only IORING_NOTIF_USAGE_ZC_COPIED
 * when usage reporting was asked for), and that the receiver got exactly the bytes sent.
 */
#include "net_util.h"

#define LEN (64 * 1024)

static unsigned char sendbuf[LEN] __attribute__((aligned(4096)));
static unsigned char recvbuf[LEN];

/* Submit the prepared zc SQE and check both of its CQEs; returns the byte count. */
static int zc_complete(struct io_uring *ring, struct io_uring_sqe *sqe, __u64 ud, int report)
{
	struct t_cqe c, n;

	io_uring_sqe_set_data64(sqe, ud);
	t_submit(ring, 1);
	c = t_wait(ring);
	CHECK(c.user_data == ud, "result CQE user_data %llu", (unsigned long long)c.user_data);
	if (c.res < 0) {
		CHECK(!(c.flags & IORING_CQE_F_MORE) || (t_wait(ring).flags & IORING_CQE_F_NOTIF),
		      "failed zc send left a dangling notification");
		return c.res;
	}
	CHECK(c.flags & IORING_CQE_F_MORE, "result CQE lacks IORING_CQE_F_MORE (flags %#x)", c.flags);
	CHECK(!(c.flags & IORING_CQE_F_NOTIF), "result CQE has IORING_CQE_F_NOTIF");
	n = t_wait(ring);
	CHECK(n.user_data == ud, "notification user_data %llu", (unsigned long long)n.user_data);
	CHECK(n.flags & IORING_CQE_F_NOTIF, "second CQE lacks IORING_CQE_F_NOTIF (flags %#x)",
	      n.flags);
	CHECK(!(n.flags & IORING_CQE_F_MORE), "notification still has IORING_CQE_F_MORE");
	if (report)
		CHECK(((unsigned)n.res & ~IORING_NOTIF_USAGE_ZC_COPIED) == 0,
		      "usage report res %#x", (unsigned)n.res);
	else
		CHECK(n.res == 0, "notification res %d without usage reporting", n.res);
	return c.res;
}

static void expect_tcp(int fd, int len, unsigned seed)
{
	memset(recvbuf, 0, (size_t)len);
	t_read_full(fd, recvbuf, (size_t)len);
	CHECK(t_check(recvbuf, (size_t)len, seed) == 0, "zc data (seed %u) corrupted", seed);
}

int main(void)
{
	struct iovec reg = { .iov_base = sendbuf, .iov_len = LEN };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct sockaddr_storage ua, ub;
	socklen_t ulen = sizeof(ua);
	int cli, srv, ret, u1, u2;

	t_watchdog(30);
	ret = io_uring_queue_init(8, &ring, 0);
	CHECK(ret == 0, "queue_init: %s", strerror(-ret));
	if (!t_op_supported(&ring, IORING_OP_SEND_ZC))
		SKIP("kernel lacks IORING_OP_SEND_ZC");
	t_tcp_pair(AF_INET, &cli, &srv);

	/* plain send_zc */
	t_fill(sendbuf, LEN, 31);
	sqe = t_sqe(&ring);
	io_uring_prep_send_zc(sqe, cli, sendbuf, LEN, 0, 0);
	ret = zc_complete(&ring, sqe, 1, 0);
	CHECK(ret > 0, "send_zc: %s", strerror(-ret));
	expect_tcp(srv, ret, 31);

	/* usage reporting: loopback has to copy, the notification says so */
	t_fill(sendbuf, LEN, 32);
	sqe = t_sqe(&ring);
	io_uring_prep_send_zc(sqe, cli, sendbuf, 4096, MSG_NOSIGNAL, IORING_SEND_ZC_REPORT_USAGE);
	ret = zc_complete(&ring, sqe, 2, 1);
	CHECK(ret == 4096, "send_zc report usage: %d", ret);
	expect_tcp(srv, 4096, 32);

	/* send_zc_fixed from a registered buffer, starting 100 bytes in */
	ret = io_uring_register_buffers(&ring, &reg, 1);
	CHECK(ret == 0, "register buffers: %s", strerror(-ret));
	t_fill(sendbuf + 100, 8192, 33);
	sqe = t_sqe(&ring);
	io_uring_prep_send_zc_fixed(sqe, cli, sendbuf + 100, 8192, 0, 0, 0);
	ret = zc_complete(&ring, sqe, 3, 0);
	CHECK(ret == 8192, "send_zc_fixed: %s", strerror(-ret));
	expect_tcp(srv, 8192, 33);
	/* an unregistered buffer index fails */
	sqe = t_sqe(&ring);
	io_uring_prep_send_zc_fixed(sqe, cli, sendbuf, 16, 0, 0, 5);
	ret = zc_complete(&ring, sqe, 4, 0);
	CHECK(ret == -EFAULT || ret == -EINVAL, "send_zc_fixed with bad index: %d", ret);

	/* sendmsg_zc with two iovecs */
	{
		struct iovec iov[2] = { { sendbuf, 3000 }, { sendbuf + 3000, 5000 } };
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };

		t_fill(sendbuf, 8000, 34);
		sqe = t_sqe(&ring);
		io_uring_prep_sendmsg_zc(sqe, cli, &msg, 0);
		ret = zc_complete(&ring, sqe, 5, 0);
		CHECK(ret == 8000, "sendmsg_zc: %d", ret);
		expect_tcp(srv, 8000, 34);

		/* sendmsg_zc_fixed: the iovecs lie in registered buffer 0 */
		t_fill(sendbuf, 8000, 35);
		sqe = t_sqe(&ring);
		io_uring_prep_sendmsg_zc_fixed(sqe, cli, &msg, 0, 0);
		ret = zc_complete(&ring, sqe, 6, 0);
		if (ret == -EINVAL) {
			/*
			 * Only the kernel may refuse it: the same request, built by hand
			 * (SENDMSG_ZC, ioprio IORING_RECVSEND_FIXED_BUF, buf_index 0), on a
			 * raw-syscall ring with the same buffer registered.
			 */
			struct io_uring_sqe raw;
			int kres;

			memset(&raw, 0, sizeof(raw));
			raw.opcode = IORING_OP_SENDMSG_ZC;
			raw.fd = cli;
			raw.addr = (__u64)(uintptr_t)&msg;
			raw.len = 1;
			raw.ioprio = IORING_RECVSEND_FIXED_BUF;
			raw.buf_index = 0;
			raw.user_data = 6;
			kres = t_kernel_run_sqe(0, &raw, &reg, 1);
			CHECK(kres == -EINVAL,
			      "sendmsg_zc_fixed: -EINVAL through the library, %d from the kernel directly",
			      kres);
			t_skip_case("sendmsg_zc_fixed", "kernel lacks fixed buffers for sendmsg_zc");
		} else {
			CHECK(ret == 8000, "sendmsg_zc_fixed: %d", ret);
			expect_tcp(srv, 8000, 35);
		}
	}

	/* UDP: send_zc + send_set_addr to an unconnected socket */
	u1 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	u2 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ulen = t_loopback(&ua, AF_INET, 0);
	CHECK(bind(u2, (struct sockaddr *)&ua, ulen) == 0, "bind");
	CHECK(getsockname(u2, (struct sockaddr *)&ua, &ulen) == 0, "getsockname");
	t_fill(sendbuf, 1200, 36);
	sqe = t_sqe(&ring);
	io_uring_prep_send_zc(sqe, u1, sendbuf, 1200, 0, 0);
	io_uring_prep_send_set_addr(sqe, (struct sockaddr *)&ua, (__u16)ulen);
	ret = zc_complete(&ring, sqe, 7, 0);
	CHECK(ret == 1200, "udp send_zc: %d", ret);
	memset(recvbuf, 0, 1200);
	ulen = sizeof(ub);
	CHECK(recvfrom(u2, recvbuf, sizeof(recvbuf), MSG_DONTWAIT, (struct sockaddr *)&ub, &ulen) == 1200,
	      "udp zc datagram missing");
	CHECK(t_check(recvbuf, 1200, 36) == 0, "udp zc datagram corrupted");

	close(u1);
	close(u2);
	close(cli);
	close(srv);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
