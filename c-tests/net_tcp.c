/* SPDX-License-Identifier: MIT */
/*
 * TCP over loopback (IPv4 and, when available, IPv6) driven entirely through the ring:
 * socket + bind + listen preps (socket(2) fallback if the kernel lacks OP_BIND/LISTEN),
 * connect and accept in flight together (peer address checked against the client's
 * own), 256 KiB each way with send/recv (partial transfers resubmitted, every byte
 * verified), MSG_WAITALL recv, shutdown(SHUT_WR) seen as EOF by the peer, and the error
 * paths (connect to a closed port, accept on a non-listening socket, send on a bad fd).
 */
#include "net_util.h"
#include <fcntl.h>

#define XFER (256 * 1024)

enum { UD_SOCK = 1, UD_BIND, UD_LISTEN, UD_ACCEPT, UD_CONNECT, UD_SEND, UD_RECV, UD_SHUT };

static int have_bind_listen;

/* A listening socket made with the socket/bind/listen preps. Returns fd or -errno. */
static int ring_listener(struct io_uring *ring, int family, struct sockaddr_storage *addr,
			 socklen_t *alen)
{
	struct io_uring_sqe *sqe = t_sqe(ring);
	struct t_cqe c;
	int fd, one = 1;

	io_uring_prep_socket(sqe, family, SOCK_STREAM | SOCK_CLOEXEC, 0, 0);
	c = t_run(ring, sqe, UD_SOCK);
	if (c.res == -EAFNOSUPPORT)
		return c.res;
	CHECK(c.res >= 0, "socket prep: %s", strerror(-c.res));
	fd = c.res;
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC, "SOCK_CLOEXEC from the type argument not applied");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	*alen = t_loopback(addr, family, 0);

	if (have_bind_listen) {
		sqe = t_sqe(ring);
		io_uring_prep_bind(sqe, fd, (struct sockaddr *)addr, *alen);
		c = t_run(ring, sqe, UD_BIND);
		if (c.res == -EADDRNOTAVAIL) {
			close(fd);
			return c.res;
		}
		CHECK(c.res == 0, "bind prep: %s", strerror(-c.res));
		sqe = t_sqe(ring);
		io_uring_prep_listen(sqe, fd, 64);
		c = t_run(ring, sqe, UD_LISTEN);
		CHECK(c.res == 0, "listen prep: %s", strerror(-c.res));
	} else {
		if (bind(fd, (struct sockaddr *)addr, *alen)) {
			int e = -errno;

			close(fd);
			return e;
		}
		CHECK(listen(fd, 64) == 0, "listen");
	}
	CHECK(getsockname(fd, (struct sockaddr *)addr, alen) == 0, "getsockname");
	CHECK(t_port(addr) != 0, "no port bound");
	return fd;
}

/* Send all of buf through the ring, resubmitting after partial sends. */
static void ring_send_all(struct io_uring *ring, int fd, const unsigned char *buf, size_t len)
{
	size_t done = 0;
	int rounds = 0;

	while (done < len) {
		struct io_uring_sqe *sqe = t_sqe(ring);
		struct t_cqe c;

		io_uring_prep_send(sqe, fd, buf + done, len - done, MSG_NOSIGNAL);
		c = t_run(ring, sqe, UD_SEND);
		CHECK(c.res > 0, "send: %s", strerror(-c.res));
		done += (size_t)c.res;
		CHECK(++rounds < 10000, "send makes no progress");
	}
}

/* Receive exactly len bytes through the ring. */
static void ring_recv_all(struct io_uring *ring, int fd, unsigned char *buf, size_t len)
{
	size_t done = 0;
	int rounds = 0;

	while (done < len) {
		struct io_uring_sqe *sqe = t_sqe(ring);
		struct t_cqe c;

		io_uring_prep_recv(sqe, fd, buf + done, len - done, 0);
		c = t_run(ring, sqe, UD_RECV);
		CHECK(c.res > 0, "recv: %d (%s) after %zu of %zu", c.res, strerror(-c.res), done, len);
		done += (size_t)c.res;
		CHECK(++rounds < 10000, "recv makes no progress");
	}
}

/* Returns 0 on success, 1 if the family is unavailable on this host. */
static int test_family(struct io_uring *ring, int family)
{
	struct sockaddr_storage laddr, peer, cliname;
	socklen_t llen, plen = sizeof(peer), clen = sizeof(cliname);
	struct io_uring_sqe *sqe;
	unsigned char *out = malloc(XFER), *in = malloc(XFER);
	int lfd, cfd, sfd, seen = 0;
	struct t_cqe c;

	CHECK(out && in, "malloc");
	lfd = ring_listener(ring, family, &laddr, &llen);
	if (lfd == -EAFNOSUPPORT || lfd == -EADDRNOTAVAIL) {
		free(out);
		free(in);
		return 1;
	}
	CHECK(lfd >= 0, "listener: %s", strerror(-lfd));

	cfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(cfd >= 0, "client socket");

	/* accept first (it waits), then connect: both in flight in one submit */
	memset(&peer, 0, sizeof(peer));
	sqe = t_sqe(ring);
	io_uring_prep_accept(sqe, lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, UD_ACCEPT);
	sqe = t_sqe(ring);
	io_uring_prep_connect(sqe, cfd, (struct sockaddr *)&laddr, llen);
	io_uring_sqe_set_data64(sqe, UD_CONNECT);
	t_submit(ring, 2);
	sfd = -1;
	while (seen != 3) {
		c = t_wait(ring);
		if (c.user_data == UD_ACCEPT) {
			CHECK(c.res >= 0, "accept: %s", strerror(-c.res));
			sfd = c.res;
			seen |= 1;
		} else {
			CHECK(c.user_data == UD_CONNECT, "unexpected user_data %llu",
			      (unsigned long long)c.user_data);
			CHECK(c.res == 0, "connect: %s", strerror(-c.res));
			seen |= 2;
		}
	}
	CHECK(fcntl(sfd, F_GETFD) & FD_CLOEXEC, "accept flags (SOCK_CLOEXEC) not applied");
	CHECK(getsockname(cfd, (struct sockaddr *)&cliname, &clen) == 0, "getsockname client");
	CHECK(peer.ss_family == family, "accept peer family %d", peer.ss_family);
	CHECK(plen == clen, "accept addrlen %u, client name length %u", plen, clen);
	CHECK(t_port(&peer) == t_port(&cliname), "accept peer port %u, client port %u",
	      t_port(&peer), t_port(&cliname));

	/* client -> server */
	t_fill(out, XFER, 11);
	memset(in, 0, XFER);
	sqe = t_sqe(ring);
	io_uring_prep_recv(sqe, sfd, in, XFER, MSG_WAITALL);
	io_uring_sqe_set_data64(sqe, UD_RECV);
	t_submit(ring, 1);
	ring_send_all(ring, cfd, out, XFER);
	c = t_wait(ring);
	CHECK(c.user_data == UD_RECV && c.res == XFER, "MSG_WAITALL recv got %d", c.res);
	CHECK(t_check(in, XFER, 11) == 0, "client->server data corrupted");

	/* server -> client, received in pieces */
	t_fill(out, XFER, 12);
	memset(in, 0, XFER);
	ring_send_all(ring, sfd, out, XFER);
	ring_recv_all(ring, cfd, in, XFER);
	CHECK(t_check(in, XFER, 12) == 0, "server->client data corrupted");

	/* shutdown(SHUT_WR) on the client: the server reads EOF, can still send back */
	sqe = t_sqe(ring);
	io_uring_prep_shutdown(sqe, cfd, SHUT_WR);
	c = t_run(ring, sqe, UD_SHUT);
	CHECK(c.res == 0, "shutdown: %s", strerror(-c.res));
	sqe = t_sqe(ring);
	io_uring_prep_recv(sqe, sfd, in, 16, 0);
	c = t_run(ring, sqe, UD_RECV);
	CHECK(c.res == 0, "recv after peer SHUT_WR: %d, expected EOF", c.res);
	ring_send_all(ring, sfd, (const unsigned char *)"after", 5);
	memset(in, 0, 8);
	ring_recv_all(ring, cfd, in, 5);
	CHECK(memcmp(in, "after", 5) == 0, "half-closed connection lost data");
	/* client's write side is shut: its send fails with EPIPE */
	sqe = t_sqe(ring);
	io_uring_prep_send(sqe, cfd, "x", 1, MSG_NOSIGNAL);
	c = t_run(ring, sqe, UD_SEND);
	CHECK(c.res == -EPIPE, "send after SHUT_WR: %d, expected -EPIPE", c.res);

	close(sfd);
	close(cfd);

	/* connect to a port nobody listens on: close the listener and reuse its address */
	close(lfd);
	cfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sqe = t_sqe(ring);
	io_uring_prep_connect(sqe, cfd, (struct sockaddr *)&laddr, llen);
	c = t_run(ring, sqe, UD_CONNECT);
	CHECK(c.res == -ECONNREFUSED, "connect to closed port: %d", c.res);
	/* accept on a socket that is not listening */
	sqe = t_sqe(ring);
	io_uring_prep_accept(sqe, cfd, NULL, NULL, 0);
	c = t_run(ring, sqe, UD_ACCEPT);
	CHECK(c.res == -EINVAL, "accept on non-listening socket: %d", c.res);
	close(cfd);

	free(out);
	free(in);
	return 0;
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct t_cqe c;
	int ret;

	t_watchdog(30);
	ret = io_uring_queue_init(16, &ring, 0);
	CHECK(ret == 0, "queue_init: %s", strerror(-ret));
	if (!t_op_supported(&ring, IORING_OP_SOCKET))
		SKIP("kernel lacks IORING_OP_SOCKET");
	have_bind_listen = t_op_supported(&ring, IORING_OP_BIND) &&
			   t_op_supported(&ring, IORING_OP_LISTEN);
	if (!have_bind_listen)
		t_skip_case("bind_listen", "kernel lacks IORING_OP_BIND/LISTEN: bind(2)/listen(2) used");

	CHECK(test_family(&ring, AF_INET) == 0, "IPv4 unavailable");
	if (test_family(&ring, AF_INET6))
		t_skip_case("ipv6", "no IPv6 loopback (socket/bind refused)");

	/* bad descriptors give -EBADF / -ENOTSOCK through the CQE */
	sqe = t_sqe(&ring);
	io_uring_prep_send(sqe, 12345, "x", 1, 0);
	c = t_run(&ring, sqe, UD_SEND);
	CHECK(c.res == -EBADF, "send on bad fd: %d", c.res);
	sqe = t_sqe(&ring);
	io_uring_prep_recv(sqe, ring.ring_fd, NULL, 0, 0);
	c = t_run(&ring, sqe, UD_RECV);
	CHECK(c.res == -ENOTSOCK, "recv on the ring fd: %d", c.res);
	/* a socket prep with an invalid domain fails in the CQE */
	sqe = t_sqe(&ring);
	io_uring_prep_socket(sqe, 12345, SOCK_STREAM, 0, 0);
	c = t_run(&ring, sqe, UD_SOCK);
	CHECK(c.res == -EAFNOSUPPORT || c.res == -EINVAL, "socket(bad domain): %d", c.res);

	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
