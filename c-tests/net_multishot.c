/* SPDX-License-Identifier: MIT */
/*
 * Multishot networking with a provided-buffer ring:
 *  - multishot accept: 8 clients connect, each gives a CQE with IORING_CQE_F_MORE and a
 *    working descriptor (a byte written by the client is read back on it); cancelling
 *    the request ends it with one last CQE (-ECANCELED, no F_MORE).
 *  - recv_multishot: 128 KiB through a 64 x 1 KiB buffer ring, so buffers must be
 *    recycled; every CQE carries IORING_CQE_F_BUFFER, buffer ids follow ring order, and the
 *    reassembled stream equals what was sent; the peer's close ends it (res 0, no F_MORE).
 *  - recvmsg_multishot on UDP with IP_PKTINFO: every buffer is parsed with
 *    io_uring_recvmsg_validate / name / cmsg_firsthdr / cmsg_nexthdr / payload /
 *    payload_length, checked against the datagrams sent (sender address, pktinfo, payload,
 *    truncation of an oversized datagram reported through MSG_TRUNC).
 */
/* bad input goes to the library's validating exports, not the inline helpers */
#define IO_URINE_NO_INLINE
#include "net_util.h"
#include <fcntl.h>

#define NR_CLIENTS 8

static void test_multishot_accept(struct io_uring *ring)
{
	struct sockaddr_storage a;
	socklen_t alen;
	int lfd = t_listener(AF_INET, &a, &alen), cli[NR_CLIENTS], acc[NR_CLIENTS], n = 0;
	struct io_uring_sqe *sqe;
	struct t_cqe c;

	CHECK(lfd >= 0, "listener: %s", strerror(-lfd));
	sqe = t_sqe(ring);
	io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, 100);
	t_submit(ring, 1);

	for (int i = 0; i < NR_CLIENTS; i++) {
		cli[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CHECK(cli[i] >= 0, "client socket");
		CHECK(connect(cli[i], (struct sockaddr *)&a, alen) == 0, "connect %d", i);
		CHECK(write(cli[i], &i, 1) == 1, "client write");
	}
	while (n < NR_CLIENTS) {
		c = t_wait(ring);
		CHECK(c.user_data == 100, "user_data %llu", (unsigned long long)c.user_data);
		CHECK(c.res >= 0, "multishot accept %d: %s", n, strerror(-c.res));
		CHECK(c.flags & IORING_CQE_F_MORE, "accept CQE %d lacks IORING_CQE_F_MORE", n);
		CHECK(fcntl(c.res, F_GETFD) & FD_CLOEXEC, "accept flags not applied");
		acc[n++] = c.res;
	}
	/* each accepted descriptor is one of the clients' peers, each seen once */
	{
		int seen = 0;

		for (int i = 0; i < NR_CLIENTS; i++) {
			unsigned char b = 0xff;

			t_read_full(acc[i], &b, 1);
			CHECK(b < NR_CLIENTS && !(seen & (1 << b)), "accepted fd %d read %u", i, b);
			seen |= 1 << b;
		}
		CHECK(seen == (1 << NR_CLIENTS) - 1, "clients seen %#x", seen);
	}
	/* still armed: nothing pending; cancel ends it */
	CHECK(t_wait_ms(ring, &c, 50) == -ETIME, "unexpected CQE res %d", c.res);
	sqe = t_sqe(ring);
	io_uring_prep_cancel64(sqe, 100, 0);
	io_uring_sqe_set_data64(sqe, 101);
	t_submit(ring, 1);
	for (int got = 0; got != 3;) {
		c = t_wait(ring);
		if (c.user_data == 101) {
			CHECK(c.res == 0, "cancel: %d", c.res);
			got |= 1;
		} else {
			CHECK(c.user_data == 100, "user_data %llu", (unsigned long long)c.user_data);
			CHECK(c.res == -ECANCELED, "final accept CQE res %d", c.res);
			CHECK(!(c.flags & IORING_CQE_F_MORE), "final accept CQE still has F_MORE");
			got |= 2;
		}
	}
	for (int i = 0; i < NR_CLIENTS; i++) {
		close(cli[i]);
		close(acc[i]);
	}
	close(lfd);
}

#define RB_ENTRIES 64
#define RB_BUFSZ 1024
#define ROUNDS 8
#define ROUND_BYTES (16 * 1024)

static void arm_recv(struct io_uring *ring, int fd, unsigned bgid)
{
	struct io_uring_sqe *sqe = t_sqe(ring);

	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16)bgid;
	io_uring_sqe_set_data64(sqe, 200);
	t_submit(ring, 1);
}

static void test_recv_multishot(struct io_uring *ring)
{
	static unsigned char out[ROUNDS * ROUND_BYTES], in[ROUNDS * ROUND_BYTES];
	struct t_bufring br;
	size_t got = 0;
	unsigned cqes = 0, rearms = 0;
	int cli, srv, ret;
	struct t_cqe c;

	ret = t_bufring_setup(ring, &br, RB_ENTRIES, RB_BUFSZ, 7, 1);
	if (ret == -EINVAL) {
		int kerr = t_kernel_pbuf_ring_errno(ring->ring_fd, RB_ENTRIES, 7, 0);

		CHECK(kerr == EINVAL,
		      "buffer ring: -EINVAL from the library, raw register gives %d", -kerr);
		SKIP("kernel lacks provided-buffer rings");
	}
	CHECK(ret == 0, "buffer ring: %s", strerror(-ret));
	t_tcp_pair(AF_INET, &cli, &srv);
	t_fill(out, sizeof(out), 41);
	arm_recv(ring, srv, 7);

	for (int r = 0; r < ROUNDS; r++) {
		size_t want = (size_t)(r + 1) * ROUND_BYTES;

		for (size_t off = (size_t)r * ROUND_BYTES; off < want;) {
			ssize_t n = write(cli, out + off, want - off);

			CHECK(n > 0, "client write");
			off += (size_t)n;
		}
		while (got < want) {
			unsigned bid;

			c = t_wait(ring);
			CHECK(c.user_data == 200, "user_data %llu", (unsigned long long)c.user_data);
			if (c.res == -ENOBUFS) {
				/* ran dry before we recycled: legitimate, re-arm */
				CHECK(!(c.flags & IORING_CQE_F_MORE), "-ENOBUFS with F_MORE");
				CHECK(++rearms < 100, "too many -ENOBUFS");
				arm_recv(ring, srv, 7);
				continue;
			}
			CHECK(c.res > 0, "recv multishot: %d", c.res);
			CHECK(c.flags & IORING_CQE_F_BUFFER, "CQE lacks IORING_CQE_F_BUFFER");
			bid = c.flags >> IORING_CQE_BUFFER_SHIFT;
			CHECK(bid == cqes % RB_ENTRIES, "buffer id %u, expected %u (ring order)", bid,
			      cqes % RB_ENTRIES);
			CHECK(c.res <= RB_BUFSZ && got + (size_t)c.res <= sizeof(in), "res %d too big",
			      c.res);
			T_KERNEL_WROTE(t_bufring_buf(&br, bid), c.res);
			memcpy(in + got, t_bufring_buf(&br, bid), (size_t)c.res);
			got += (size_t)c.res;
			cqes++;
			if (!(c.flags & IORING_CQE_F_MORE)) {
				CHECK(++rearms < 100, "multishot keeps terminating");
				arm_recv(ring, srv, 7);
			}
			t_bufring_add(&br, bid);
			t_bufring_publish(&br);
		}
	}
	CHECK(got == sizeof(out) && memcmp(in, out, sizeof(out)) == 0,
	      "reassembled stream differs (%zu bytes)", got);
	CHECK(cqes > RB_ENTRIES, "only %u CQEs: buffers were never recycled", cqes);

	close(cli);
	c = t_wait(ring);
	CHECK(c.user_data == 200 && c.res == 0, "after peer close: res %d", c.res);
	CHECK(!(c.flags & IORING_CQE_F_MORE), "EOF CQE still has F_MORE");
	close(srv);
	t_bufring_free(ring, &br);
}

#define NR_DGRAMS 12
#define MB_BUFSZ 512

static void test_recvmsg_multishot(struct io_uring *ring)
{
	struct sockaddr_storage ra, sa;
	socklen_t rlen, slen;
	struct msghdr msg;
	struct t_bufring br;
	struct io_uring_sqe *sqe;
	unsigned char dgram[1024];
	int rfd, sfd, one = 1, ret, seen = 0;
	struct t_cqe c;

	ret = t_bufring_setup(ring, &br, 16, MB_BUFSZ, 9, 1);
	CHECK(ret == 0, "buffer ring: %s", strerror(-ret));
	rfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	sfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	rlen = t_loopback(&ra, AF_INET, 0);
	slen = t_loopback(&sa, AF_INET, 0);
	CHECK(bind(rfd, (struct sockaddr *)&ra, rlen) == 0, "bind r");
	CHECK(bind(sfd, (struct sockaddr *)&sa, slen) == 0, "bind s");
	CHECK(getsockname(rfd, (struct sockaddr *)&ra, &rlen) == 0, "getsockname r");
	CHECK(getsockname(sfd, (struct sockaddr *)&sa, &slen) == 0, "getsockname s");
	CHECK(setsockopt(rfd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) == 0, "IP_PKTINFO");

	/* the msghdr only sizes the name and control areas of each buffer */
	memset(&msg, 0, sizeof(msg));
	msg.msg_namelen = sizeof(struct sockaddr_in);
	msg.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo));
	sqe = t_sqe(ring);
	io_uring_prep_recvmsg_multishot(sqe, rfd, &msg, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 9;
	io_uring_sqe_set_data64(sqe, 300);
	t_submit(ring, 1);

	/* datagram i is 10 + 37*i bytes; the last one does not fit a buffer */
	for (int i = 0; i < NR_DGRAMS; i++) {
		size_t len = i == NR_DGRAMS - 1 ? 900 : 10 + 37 * (size_t)i;

		t_fill(dgram, len, 50 + (unsigned)i);
		CHECK(sendto(sfd, dgram, len, 0, (struct sockaddr *)&ra, rlen) == (ssize_t)len,
		      "sendto %d", i);
	}
	for (int i = 0; i < NR_DGRAMS; i++) {
		size_t len = i == NR_DGRAMS - 1 ? 900 : 10 + 37 * (size_t)i;
		size_t room = MB_BUFSZ - sizeof(struct io_uring_recvmsg_out) - msg.msg_namelen -
			      msg.msg_controllen;
		struct io_uring_recvmsg_out *o;
		struct sockaddr_in *from;
		struct cmsghdr *cm;
		struct in_pktinfo pi;
		unsigned char *buf;
		unsigned bid;

		c = t_wait(ring);
		CHECK(c.user_data == 300 && c.res > 0, "recvmsg multishot %d: %d", i, c.res);
		CHECK(c.flags & IORING_CQE_F_BUFFER, "no buffer flag");
		CHECK(c.flags & IORING_CQE_F_MORE, "datagram %d: F_MORE missing", i);
		bid = c.flags >> IORING_CQE_BUFFER_SHIFT;
		CHECK(bid < 16, "buffer id %u", bid);
		buf = t_bufring_buf(&br, bid);
		T_KERNEL_WROTE(buf, c.res);

		o = io_uring_recvmsg_validate(buf, c.res, &msg);
		CHECK(o == (void *)buf, "validate rejected a good buffer (res %d)", c.res);
		CHECK(io_uring_recvmsg_validate(buf, (int)sizeof(*o) + 3, &msg) == NULL,
		      "validate accepted a buffer too short for name+control");
		CHECK(io_uring_recvmsg_validate(buf, -1, &msg) == NULL, "validate accepted len -1");

		CHECK(o->namelen == sizeof(struct sockaddr_in), "namelen %u", o->namelen);
		from = io_uring_recvmsg_name(o);
		CHECK((unsigned char *)from == buf + sizeof(*o), "name pointer");
		CHECK(from->sin_family == AF_INET &&
			      from->sin_port == ((struct sockaddr_in *)&sa)->sin_port,
		      "sender port %u", ntohs(from->sin_port));

		cm = io_uring_recvmsg_cmsg_firsthdr(o, &msg);
		CHECK(cm != NULL, "no control message (controllen %u)", o->controllen);
		CHECK(cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO,
		      "cmsg %d/%d", cm->cmsg_level, cm->cmsg_type);
		memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
		CHECK(pi.ipi_addr.s_addr == htonl(INADDR_LOOPBACK), "pktinfo address");
		CHECK(io_uring_recvmsg_cmsg_nexthdr(o, &msg, cm) == NULL, "phantom second cmsg");

		/* without MSG_TRUNC in the request, payloadlen is what was stored */
		CHECK(o->payloadlen == (len <= room ? len : room), "payloadlen %u, sent %zu",
		      o->payloadlen, len);
		CHECK((unsigned char *)io_uring_recvmsg_payload(o, &msg) ==
			      buf + sizeof(*o) + msg.msg_namelen + msg.msg_controllen,
		      "payload pointer");
		if (len <= room) {
			CHECK(io_uring_recvmsg_payload_length(o, c.res, &msg) == len,
			      "payload_length %u, sent %zu", io_uring_recvmsg_payload_length(o, c.res, &msg),
			      len);
			CHECK(!(o->flags & MSG_TRUNC), "unexpected MSG_TRUNC");
		} else {
			CHECK(io_uring_recvmsg_payload_length(o, c.res, &msg) == room,
			      "truncated payload_length %u, room %zu",
			      io_uring_recvmsg_payload_length(o, c.res, &msg), room);
			CHECK(o->flags & MSG_TRUNC, "truncation not reported");
		}
		CHECK(t_check(io_uring_recvmsg_payload(o, &msg), len <= room ? len : room,
			      50 + (unsigned)i) == 0,
		      "datagram %d payload corrupted", i);
		seen++;
		t_bufring_add(&br, bid);
		t_bufring_publish(&br);
	}
	CHECK(seen == NR_DGRAMS, "saw %d datagrams", seen);
	/* NULL-safe helpers */
	CHECK(io_uring_recvmsg_validate(NULL, 100, &msg) == NULL, "validate(NULL)");
	CHECK(io_uring_recvmsg_payload_length(NULL, 100, &msg) == 0, "payload_length(NULL)");

	sqe = t_sqe(ring);
	io_uring_prep_cancel64(sqe, 300, 0);
	io_uring_sqe_set_data64(sqe, 301);
	t_submit(ring, 1);
	for (int got = 0; got != 3;) {
		c = t_wait(ring);
		if (c.user_data == 301) {
			CHECK(c.res == 0, "cancel: %d", c.res);
			got |= 1;
		} else {
			CHECK(c.user_data == 300 && c.res == -ECANCELED, "final recvmsg CQE res %d", c.res);
			CHECK(!(c.flags & IORING_CQE_F_MORE), "final CQE has F_MORE");
			got |= 2;
		}
	}
	close(rfd);
	close(sfd);
	t_bufring_free(ring, &br);
}

int main(void)
{
	struct io_uring ring;
	int ret;

	t_watchdog(30);
	ret = io_uring_queue_init(64, &ring, 0);
	CHECK(ret == 0, "queue_init: %s", strerror(-ret));
	test_multishot_accept(&ring);
	test_recv_multishot(&ring);
	test_recvmsg_multishot(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
