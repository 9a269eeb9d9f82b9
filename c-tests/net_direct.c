/* SPDX-License-Identifier: MIT */
/*
 * Direct (registered) descriptors for sockets, with a sparse 16-slot file table:
 * socket_direct into slot 0 (res 0) and socket_direct_alloc (res = the slot picked);
 * the listener is configured, bound and put in listen state through its slot (cmd_sock
 * SO_REUSEADDR, bind and listen preps with IOSQE_FIXED_FILE); accept_direct into an
 * explicit slot and with IORING_FILE_INDEX_ALLOC; connect/send/recv on slots with the
 * data verified; multishot_accept_direct gives each client its own fresh slot (CQE res)
 * with IORING_CQE_F_MORE, until cancelled. Errors: an empty slot is -EBADF, a slot past
 * the table -EINVAL.
 */
#include "net_util.h"

#define SLOTS 16

enum { UD_SOCK = 1, UD_OPT, UD_BIND, UD_LISTEN, UD_ACCEPT, UD_CONNECT, UD_SEND, UD_RECV,
       UD_MACCEPT, UD_CANCEL };

static struct t_cqe run_fixed(struct io_uring *ring, struct io_uring_sqe *sqe, __u64 ud)
{
	sqe->flags |= IOSQE_FIXED_FILE;
	return t_run(ring, sqe, ud);
}

/* send len bytes of seed-pattern from slot `from` and receive them on slot `to` */
static void xfer(struct io_uring *ring, int from, int from_fixed, int to, unsigned seed)
{
	unsigned char out[3000], in[3000];
	struct io_uring_sqe *sqe;
	struct t_cqe c;
	size_t got = 0;

	t_fill(out, sizeof(out), seed);
	sqe = t_sqe(ring);
	io_uring_prep_send(sqe, from, out, sizeof(out), MSG_NOSIGNAL);
	if (from_fixed)
		sqe->flags |= IOSQE_FIXED_FILE;
	c = t_run(ring, sqe, UD_SEND);
	CHECK(c.res == sizeof(out), "send from %s %d: %d", from_fixed ? "slot" : "fd", from, c.res);
	while (got < sizeof(in)) {
		sqe = t_sqe(ring);
		io_uring_prep_recv(sqe, to, in + got, sizeof(in) - got, 0);
		c = run_fixed(ring, sqe, UD_RECV);
		CHECK(c.res > 0, "recv on slot %d: %d", to, c.res);
		T_KERNEL_WROTE(in + got, c.res);
		got += (size_t)c.res;
	}
	CHECK(t_check(in, sizeof(in), seed) == 0, "data via slot %d corrupted", to);
}

int main(void)
{
	struct sockaddr_storage addr;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	socklen_t alen = 0;
	int ret, cslot, one = 1, bound = 0;
	int plain[3], mslot[3];
	struct t_cqe c;

	t_watchdog(30);
	ret = io_uring_queue_init(16, &ring, 0);
	CHECK(ret == 0, "queue_init: %s", strerror(-ret));
	if (!t_op_supported(&ring, IORING_OP_SOCKET))
		SKIP("kernel lacks IORING_OP_SOCKET");
	if (!t_op_supported(&ring, IORING_OP_BIND) || !t_op_supported(&ring, IORING_OP_LISTEN))
		SKIP("kernel lacks IORING_OP_BIND/LISTEN (a direct socket cannot be bound)");
	ret = io_uring_register_files_sparse(&ring, SLOTS);
	CHECK(ret == 0, "sparse file table: %s", strerror(-ret));

	/* listener in slot 0 */
	sqe = t_sqe(&ring);
	io_uring_prep_socket_direct(sqe, AF_INET, SOCK_STREAM, 0, 0, 0);
	c = t_run(&ring, sqe, UD_SOCK);
	CHECK(c.res == 0, "socket_direct into slot 0: %d", c.res);
	sqe = t_sqe(&ring);
	io_uring_prep_cmd_sock(sqe, SOCKET_URING_OP_SETSOCKOPT, 0, SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof(one));
	c = run_fixed(&ring, sqe, UD_OPT);
	CHECK(c.res == 0 || c.res == -EOPNOTSUPP, "SO_REUSEADDR on slot 0: %d", c.res);
	/* a direct socket has no fd for getsockname(2): bind to a port found free just now */
	for (int tries = 0; tries < 20 && !bound; tries++) {
		int tmp = t_listener(AF_INET, &addr, &alen);

		CHECK(tmp >= 0, "probe listener");
		close(tmp);
		sqe = t_sqe(&ring);
		io_uring_prep_bind(sqe, 0, (struct sockaddr *)&addr, alen);
		c = run_fixed(&ring, sqe, UD_BIND);
		if (c.res == -EADDRINUSE)
			continue;
		CHECK(c.res == 0, "bind on slot 0: %d", c.res);
		bound = 1;
	}
	CHECK(bound, "no free port found");
	sqe = t_sqe(&ring);
	io_uring_prep_listen(sqe, 0, 16);
	c = run_fixed(&ring, sqe, UD_LISTEN);
	CHECK(c.res == 0, "listen on slot 0: %d", c.res);

	/* client in a slot the kernel picks */
	sqe = t_sqe(&ring);
	io_uring_prep_socket_direct_alloc(sqe, AF_INET, SOCK_STREAM, 0, 0);
	c = t_run(&ring, sqe, UD_SOCK);
	CHECK(c.res > 0 && c.res < SLOTS, "socket_direct_alloc: %d", c.res);
	cslot = c.res;

	/* accept into slot 5 while the client connects through its slot */
	sqe = t_sqe(&ring);
	io_uring_prep_accept_direct(sqe, 0, NULL, NULL, 0, 5);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, UD_ACCEPT);
	sqe = t_sqe(&ring);
	io_uring_prep_connect(sqe, cslot, (struct sockaddr *)&addr, alen);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, UD_CONNECT);
	t_submit(&ring, 2);
	for (int seen = 0; seen != 3;) {
		c = t_wait(&ring);
		if (c.user_data == UD_ACCEPT) {
			CHECK(c.res == 0, "accept_direct into slot 5: %d", c.res);
			seen |= 1;
		} else {
			CHECK(c.user_data == UD_CONNECT && c.res == 0, "connect on slot %d: %d", cslot,
			      c.res);
			seen |= 2;
		}
	}
	xfer(&ring, cslot, 1, 5, 81);
	xfer(&ring, 5, 1, cslot, 82);

	/* accept_direct with IORING_FILE_INDEX_ALLOC */
	plain[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(connect(plain[0], (struct sockaddr *)&addr, alen) == 0, "plain connect");
	sqe = t_sqe(&ring);
	io_uring_prep_accept_direct(sqe, 0, NULL, NULL, 0, IORING_FILE_INDEX_ALLOC);
	c = run_fixed(&ring, sqe, UD_ACCEPT);
	CHECK(c.res > 0 && c.res < SLOTS && c.res != 5 && c.res != cslot,
	      "accept_direct(ALLOC) gave slot %d", c.res);
	xfer(&ring, plain[0], 0, c.res, 83);
	close(plain[0]);

	/* multishot accept into allocated slots */
	sqe = t_sqe(&ring);
	io_uring_prep_multishot_accept_direct(sqe, 0, NULL, NULL, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, UD_MACCEPT);
	t_submit(&ring, 1);
	for (int i = 0; i < 3; i++) {
		plain[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CHECK(connect(plain[i], (struct sockaddr *)&addr, alen) == 0, "plain connect %d", i);
		c = t_wait(&ring);
		CHECK(c.user_data == UD_MACCEPT, "user_data %llu", (unsigned long long)c.user_data);
		CHECK(c.res > 0 && c.res < SLOTS, "multishot accept_direct: %d", c.res);
		CHECK(c.flags & IORING_CQE_F_MORE, "multishot accept_direct lacks F_MORE");
		for (int j = 0; j < i; j++)
			CHECK(mslot[j] != c.res, "slot %d handed out twice", c.res);
		mslot[i] = c.res;
	}
	for (int i = 0; i < 3; i++) {
		xfer(&ring, plain[i], 0, mslot[i], 90 + (unsigned)i);
		close(plain[i]);
	}
	sqe = t_sqe(&ring);
	io_uring_prep_cancel64(sqe, UD_MACCEPT, 0);
	io_uring_sqe_set_data64(sqe, UD_CANCEL);
	t_submit(&ring, 1);
	for (int seen = 0; seen != 3;) {
		c = t_wait(&ring);
		if (c.user_data == UD_CANCEL) {
			CHECK(c.res == 0, "cancel: %d", c.res);
			seen |= 1;
		} else {
			CHECK(c.user_data == UD_MACCEPT && c.res == -ECANCELED &&
				      !(c.flags & IORING_CQE_F_MORE),
			      "final multishot accept CQE: res %d flags %#x", c.res, c.flags);
			seen |= 2;
		}
	}

	/* errors: an empty slot, a slot past the table */
	sqe = t_sqe(&ring);
	io_uring_prep_send(sqe, SLOTS - 1, "x", 1, 0);
	c = run_fixed(&ring, sqe, UD_SEND);
	CHECK(c.res == -EBADF, "send on an empty slot: %d", c.res);
	sqe = t_sqe(&ring);
	io_uring_prep_socket_direct(sqe, AF_INET, SOCK_STREAM, 0, SLOTS + 10, 0);
	c = t_run(&ring, sqe, UD_SOCK);
	CHECK(c.res == -EINVAL, "socket_direct past the table: %d", c.res);

	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
