/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_cmd_getsockname over loopback TCP (IPv4 and IPv6): the local (peer = 0)
 * and peer (peer = 1) addresses of both ends match getsockname(2)/getpeername(2),
 * including the updated length; a too-small length truncates like the syscall and
 * reports the full length; peer = 2 is -EINVAL. Skips if the kernel answers the command
 * with -EOPNOTSUPP/-EINVAL (no SOCKET_URING_OP_GETSOCKNAME, added after Linux 6.18).
 */
#include "net_util.h"

static int getname(struct io_uring *ring, int fd, struct sockaddr_storage *ss, socklen_t *len, int peer)
{
	struct io_uring_sqe *sqe = t_sqe(ring);

	memset(ss, 0, sizeof(*ss));
	*len = sizeof(*ss);
	io_uring_prep_cmd_getsockname(sqe, fd, (struct sockaddr *)ss, len, peer);
	return t_run(ring, sqe, 50).res;
}

static void same_addr(int fd, const struct sockaddr_storage *got, socklen_t glen, int peer)
{
	struct sockaddr_storage want;
	socklen_t wlen = sizeof(want);

	memset(&want, 0, sizeof(want));
	CHECK((peer ? getpeername(fd, (struct sockaddr *)&want, &wlen)
		    : getsockname(fd, (struct sockaddr *)&want, &wlen)) == 0, "get*name(2)");
	CHECK(glen == wlen, "%s length %u, syscall says %u", peer ? "peer" : "local", glen, wlen);
	CHECK(memcmp(got, &want, wlen) == 0, "%s address differs from the syscall's (port %u vs %u)",
	      peer ? "peer" : "local", t_port(got), t_port(&want));
}

/* Returns 0 when done, 1 if the family is unavailable here. */
static int test_family(struct io_uring *ring, int family)
{
	struct sockaddr_storage ss, want;
	struct sockaddr_storage a;
	socklen_t len, alen, wlen = sizeof(want);
	struct io_uring_sqe *sqe;
	int cli, srv, l, ret;

	l = t_listener(family, &a, &alen);
	if (l < 0)
		return 1;
	cli = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(cli >= 0 && connect(cli, (struct sockaddr *)&a, alen) == 0, "connect");
	srv = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	CHECK(srv >= 0, "accept");
	close(l);

	ret = getname(ring, srv, &ss, &len, 0);
	/* the kernel answers an unknown socket command with EOPNOTSUPP; EINVAL is a bad SQE */
	if (ret == -EOPNOTSUPP)
		SKIP("kernel lacks SOCKET_URING_OP_GETSOCKNAME (%d)", ret);
	CHECK(ret == 0, "getsockname: %d", ret);
	same_addr(srv, &ss, len, 0);
	CHECK(t_port(&ss) == t_port(&a), "server local port %u, listener port %u", t_port(&ss),
	      t_port(&a));
	CHECK(getname(ring, srv, &ss, &len, 1) == 0, "getpeername");
	same_addr(srv, &ss, len, 1);
	CHECK(getname(ring, cli, &ss, &len, 0) == 0, "client getsockname");
	same_addr(cli, &ss, len, 0);
	CHECK(getname(ring, cli, &ss, &len, 1) == 0, "client getpeername");
	same_addr(cli, &ss, len, 1);

	/* a 4-byte buffer: truncated copy, full length reported */
	CHECK(getsockname(cli, (struct sockaddr *)&want, &wlen) == 0, "getsockname(2)");
	memset(&ss, 0xa5, sizeof(ss));
	len = 4;
	sqe = t_sqe(ring);
	io_uring_prep_cmd_getsockname(sqe, cli, (struct sockaddr *)&ss, &len, 0);
	ret = t_run(ring, sqe, 51).res;
	CHECK(ret == 0, "truncated getsockname: %d", ret);
	CHECK(len == wlen, "truncated getsockname reported length %u, want %u", len, wlen);
	CHECK(memcmp(&ss, &want, 4) == 0, "truncated getsockname copied the wrong bytes");
	CHECK(((unsigned char *)&ss)[4] == 0xa5, "truncated getsockname wrote past the length");

	ret = getname(ring, cli, &ss, &len, 2);
	CHECK(ret == -EINVAL, "getsockname with peer = 2: %d", ret);
	close(cli);
	close(srv);
	return 0;
}

int main(void)
{
	struct io_uring ring;
	int ret;

	t_watchdog(30);
	ret = io_uring_queue_init(8, &ring, 0);
	CHECK(ret == 0, "queue_init: %s", strerror(-ret));
	if (!t_op_supported(&ring, IORING_OP_URING_CMD))
		SKIP("kernel lacks IORING_OP_URING_CMD");
	CHECK(test_family(&ring, AF_INET) == 0, "IPv4 loopback unavailable");
	if (test_family(&ring, AF_INET6))
		t_skip_case("ipv6", "no IPv6 loopback (socket/bind refused)");
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
