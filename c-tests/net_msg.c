/* SPDX-License-Identifier: MIT */
/*
 * Datagrams and messages through the ring:
 *  - UDP over 127.0.0.1: sendto prep and send + send_set_addr to an unconnected socket;
 *    recvmsg with msg_name and IP_PKTINFO control data (source address/port, pktinfo
 *    destination address, payload and MSG_TRUNC all checked); recvmsg with MSG_PEEK.
 *  - Unix socketpair: sendmsg with SCM_RIGHTS passes a pipe's write end; recvmsg receives
 *    it (MSG_CMSG_CLOEXEC), and data written to the received descriptor arrives in the
 *    pipe. Scatter/gather iovecs are checked on both sides.
 */
#include "net_util.h"
#include <fcntl.h>

enum { UD_SEND = 1, UD_RECV };

static int udp_socket(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0, "udp socket");
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(fd, (struct sockaddr *)addr, sizeof(*addr)) == 0, "bind udp");
	CHECK(getsockname(fd, (struct sockaddr *)addr, &len) == 0, "getsockname");
	return fd;
}

/* recvmsg one datagram into buf (len bytes); checks sender and IP_PKTINFO. Returns res. */
static int recv_checked(struct io_uring *ring, int fd, void *buf, size_t len,
			const struct sockaddr_in *from, int flags, int *msg_flags)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo)) + 64];
	} ctl;
	struct sockaddr_in src;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &src, .msg_namelen = sizeof(src),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct io_uring_sqe *sqe = t_sqe(ring);
	struct cmsghdr *cm;
	int found = 0;
	struct t_cqe c;

	memset(&src, 0, sizeof(src));
	io_uring_prep_recvmsg(sqe, fd, &msg, (unsigned)flags);
	c = t_run(ring, sqe, UD_RECV);
	CHECK(c.res >= 0, "recvmsg: %s", strerror(-c.res));
	T_KERNEL_WROTE(&src, msg.msg_namelen);
	T_KERNEL_WROTE(ctl.buf, msg.msg_controllen);
	T_KERNEL_WROTE(buf, (size_t)c.res < len ? (size_t)c.res : len); /* res may exceed len (MSG_TRUNC) */
	CHECK(msg.msg_namelen == sizeof(src), "namelen %u", msg.msg_namelen);
	CHECK(src.sin_family == AF_INET && src.sin_port == from->sin_port &&
		      src.sin_addr.s_addr == from->sin_addr.s_addr,
	      "recvmsg source %s:%u", inet_ntoa(src.sin_addr), ntohs(src.sin_port));
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			CHECK(pi.ipi_addr.s_addr == htonl(INADDR_LOOPBACK), "pktinfo dst %s",
			      inet_ntoa(pi.ipi_addr));
			CHECK(pi.ipi_ifindex > 0, "pktinfo ifindex %d", pi.ipi_ifindex);
			found = 1;
		}
	}
	CHECK(found, "no IP_PKTINFO control message (controllen %zu)", (size_t)msg.msg_controllen);
	*msg_flags = msg.msg_flags;
	return c.res;
}

static void test_udp(struct io_uring *ring)
{
	struct sockaddr_in ra, sa;
	int rfd = udp_socket(&ra), sfd = udp_socket(&sa), one = 1, mflags;
	char out[1000], in[1000];
	struct io_uring_sqe *sqe;
	struct t_cqe c;
	int n;

	CHECK(setsockopt(rfd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) == 0, "IP_PKTINFO");

	/* sendto prep */
	t_fill(out, sizeof(out), 21);
	sqe = t_sqe(ring);
	io_uring_prep_sendto(sqe, sfd, out, sizeof(out), 0, (struct sockaddr *)&ra, sizeof(ra));
	c = t_run(ring, sqe, UD_SEND);
	CHECK(c.res == sizeof(out), "sendto: %d", c.res);
	memset(in, 0, sizeof(in));
	n = recv_checked(ring, rfd, in, sizeof(in), &sa, 0, &mflags);
	CHECK(n == sizeof(out) && t_check(in, sizeof(in), 21) == 0, "sendto datagram wrong (%d)", n);
	CHECK(!(mflags & MSG_TRUNC), "unexpected MSG_TRUNC");

	/* send + send_set_addr; peek first, then a truncating read */
	t_fill(out, sizeof(out), 22);
	sqe = t_sqe(ring);
	io_uring_prep_send(sqe, sfd, out, 600, 0);
	io_uring_prep_send_set_addr(sqe, (struct sockaddr *)&ra, sizeof(ra));
	c = t_run(ring, sqe, UD_SEND);
	CHECK(c.res == 600, "send with set_addr: %d", c.res);
	memset(in, 0, sizeof(in));
	n = recv_checked(ring, rfd, in, sizeof(in), &sa, MSG_PEEK, &mflags);
	CHECK(n == 600 && t_check(in, 600, 22) == 0, "peeked datagram wrong (%d)", n);
	memset(in, 0, sizeof(in));
	n = recv_checked(ring, rfd, in, 100, &sa, 0, &mflags);
	CHECK(n == 100 && (mflags & MSG_TRUNC), "truncated read: %d flags %#x", n, mflags);
	CHECK(t_check(in, 100, 22) == 0, "truncated datagram content wrong");

	/* send on an unconnected UDP socket without an address fails */
	sqe = t_sqe(ring);
	io_uring_prep_send(sqe, sfd, out, 10, 0);
	c = t_run(ring, sqe, UD_SEND);
	CHECK(c.res == -EDESTADDRREQ, "send without address: %d", c.res);

	close(rfd);
	close(sfd);
}

static void test_scm_rights(struct io_uring *ring)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} sctl, rctl;
	char a[7] = "abcdefg", b[9] = "012345678", ra[7], rb[9], via[16];
	struct iovec siov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct iovec riov[2] = { { ra, sizeof(ra) }, { rb, sizeof(rb) } };
	struct msghdr smsg = { .msg_iov = siov, .msg_iovlen = 2, .msg_control = sctl.buf,
			       .msg_controllen = sizeof(sctl.buf) };
	struct msghdr rmsg = { .msg_iov = riov, .msg_iovlen = 2, .msg_control = rctl.buf,
			       .msg_controllen = sizeof(rctl.buf) };
	struct io_uring_sqe *sqe;
	struct cmsghdr *cm;
	int sv[2], p[2], got = -1;
	struct t_cqe c;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	CHECK(pipe2(p, O_CLOEXEC) == 0, "pipe");
	memset(&sctl, 0, sizeof(sctl));
	cm = CMSG_FIRSTHDR(&smsg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &p[1], sizeof(int));

	sqe = t_sqe(ring);
	io_uring_prep_sendmsg(sqe, sv[0], &smsg, 0);
	c = t_run(ring, sqe, UD_SEND);
	CHECK(c.res == sizeof(a) + sizeof(b), "sendmsg: %d", c.res);
	close(p[1]);	/* only the copy in flight keeps the write end alive now */

	sqe = t_sqe(ring);
	io_uring_prep_recvmsg(sqe, sv[1], &rmsg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	c = t_run(ring, sqe, UD_RECV);
	CHECK(c.res == sizeof(a) + sizeof(b), "recvmsg: %d", c.res);
	T_KERNEL_WROTE(ra, sizeof(a));
	T_KERNEL_WROTE(rb, sizeof(b));
	T_KERNEL_WROTE(rmsg.msg_control, rmsg.msg_controllen);
	CHECK(memcmp(ra, a, sizeof(a)) == 0 && memcmp(rb, b, sizeof(b)) == 0,
	      "scatter/gather data mismatch");
	for (cm = CMSG_FIRSTHDR(&rmsg); cm; cm = CMSG_NXTHDR(&rmsg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&got, CMSG_DATA(cm), sizeof(int));
	CHECK(got >= 0, "no SCM_RIGHTS descriptor received");
	CHECK(fcntl(got, F_GETFD) & FD_CLOEXEC, "MSG_CMSG_CLOEXEC not applied");
	CHECK(write(got, "via-received-fd", 15) == 15, "write to received fd");
	close(got);
	CHECK(read(p[0], via, sizeof(via)) == 15 && memcmp(via, "via-received-fd", 15) == 0,
	      "data written to the passed descriptor did not reach the pipe");
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	struct io_uring ring;
	int ret;

	t_watchdog(30);
	ret = io_uring_queue_init(8, &ring, 0);
	CHECK(ret == 0, "queue_init: %s", strerror(-ret));
	test_udp(&ring);
	test_scm_rights(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
