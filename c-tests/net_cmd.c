/* SPDX-License-Identifier: MIT */
/*
 * Socket commands (io_uring_prep_cmd_sock) over loopback TCP:
 * SOCKET_URING_OP_SIOCINQ reports exactly the unread byte count, SIOCOUTQ a sane count;
 * SETSOCKOPT of SO_RCVLOWAT is visible to getsockopt(2) and a short optlen is -EINVAL;
 * GETSOCKOPT reads SO_RCVLOWAT and SO_TYPE back (value and returned length checked).
 * Skips if the kernel returns -EOPNOTSUPP (no socket commands).
 */
#include "net_util.h"

static int cmd(struct io_uring *ring, int op, int fd, int level, int optname, void *val, int len)
{
	struct io_uring_sqe *sqe = t_sqe(ring);

	io_uring_prep_cmd_sock(sqe, op, fd, level, optname, val, len);
	return t_run(ring, sqe, (__u64)op + 1).res;
}

int main(void)
{
	struct io_uring ring;
	socklen_t len;
	int cli, srv, ret, val, got;
	char data[777], sink[777];

	t_watchdog(30);
	ret = io_uring_queue_init(8, &ring, 0);
	CHECK(ret == 0, "queue_init: %s", strerror(-ret));
	if (!t_op_supported(&ring, IORING_OP_URING_CMD))
		SKIP("kernel lacks IORING_OP_URING_CMD");
	t_tcp_pair(AF_INET, &cli, &srv);

	/* SIOCINQ: nothing, then exactly what the client wrote */
	ret = cmd(&ring, SOCKET_URING_OP_SIOCINQ, srv, 0, 0, NULL, 0);
	if (ret == -EOPNOTSUPP)
		SKIP("kernel lacks socket uring commands");
	CHECK(ret == 0, "SIOCINQ on an idle socket: %d", ret);
	memset(data, 'q', sizeof(data));
	CHECK(write(cli, data, sizeof(data)) == sizeof(data), "client write");
	for (int i = 0; i < 100; i++) {	/* loopback delivery is immediate, but be patient */
		ret = cmd(&ring, SOCKET_URING_OP_SIOCINQ, srv, 0, 0, NULL, 0);
		if (ret == (int)sizeof(data))
			break;
		usleep(1000);
	}
	CHECK(ret == (int)sizeof(data), "SIOCINQ: %d, expected %zu", ret, sizeof(data));
	ret = cmd(&ring, SOCKET_URING_OP_SIOCOUTQ, cli, 0, 0, NULL, 0);
	CHECK(ret >= 0 && ret <= (int)sizeof(data), "SIOCOUTQ: %d", ret);
	t_read_full(srv, sink, sizeof(sink));
	ret = cmd(&ring, SOCKET_URING_OP_SIOCINQ, srv, 0, 0, NULL, 0);
	CHECK(ret == 0, "SIOCINQ after draining: %d", ret);

	/* SETSOCKOPT, checked with getsockopt(2); GETSOCKOPT checked against known values */
	val = 5;
	ret = cmd(&ring, SOCKET_URING_OP_SETSOCKOPT, srv, SOL_SOCKET, SO_RCVLOWAT, &val, sizeof(val));
	if (ret == -EOPNOTSUPP)
		SKIP("kernel lacks SOCKET_URING_OP_SETSOCKOPT");
	CHECK(ret == 0, "SETSOCKOPT SO_RCVLOWAT: %d", ret);
	got = 0;
	len = sizeof(got);
	CHECK(getsockopt(srv, SOL_SOCKET, SO_RCVLOWAT, &got, &len) == 0 && got == 5,
	      "SO_RCVLOWAT is %d after SETSOCKOPT", got);
	got = -1;
	ret = cmd(&ring, SOCKET_URING_OP_GETSOCKOPT, srv, SOL_SOCKET, SO_RCVLOWAT, &got, sizeof(got));
	CHECK(ret == (int)sizeof(got) && got == 5, "GETSOCKOPT SO_RCVLOWAT: res %d value %d", ret, got);
	got = -1;
	ret = cmd(&ring, SOCKET_URING_OP_GETSOCKOPT, cli, SOL_SOCKET, SO_TYPE, &got, sizeof(got));
	CHECK(ret == (int)sizeof(got) && got == SOCK_STREAM, "GETSOCKOPT SO_TYPE: res %d value %d", ret,
	      got);
	ret = cmd(&ring, SOCKET_URING_OP_SETSOCKOPT, srv, SOL_SOCKET, SO_RCVLOWAT, &val, 1);
	CHECK(ret == -EINVAL, "SETSOCKOPT with a short optlen: %d", ret);

	close(cli);
	close(srv);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
