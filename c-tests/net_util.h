/* SPDX-License-Identifier: MIT */
/*
 * Shared by the c-tests/net_*.c tests: bounded CQE waits, loopback socket setup, an
 * opcode probe and a small wrapper around a provided-buffer ring.
 */
#ifndef IO_URINE_NET_UTIL_H
#define IO_URINE_NET_UTIL_H

#include <liburing.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "helpers.h"

/* A CQE copied out of the ring (struct io_uring_cqe has a flexible array member). */
struct t_cqe {
	__u64 user_data;
	__s32 res;
	__u32 flags;
};

/* Abort a hung test: every wait below is bounded, this is the last line of defence. */
static inline void t_watchdog(unsigned secs)
{
	signal(SIGALRM, SIG_DFL);
	alarm(secs);
}

/* Wait (at most ms milliseconds) for one CQE, copy it and mark it seen. 0 or -ETIME. */
static inline int t_wait_ms(struct io_uring *ring, struct t_cqe *out, long ms)
{
	struct __kernel_timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	struct io_uring_cqe *cqe;
	int ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);

	if (ret)
		return ret;
	out->user_data = cqe->user_data;
	out->res = cqe->res;
	out->flags = cqe->flags;
	io_uring_cqe_seen(ring, cqe);
	return 0;
}

/* One CQE within 5 s, or fail the test. */
static inline struct t_cqe t_wait(struct io_uring *ring)
{
	struct t_cqe c;
	int ret = t_wait_ms(ring, &c, 5000);

	CHECK(ret == 0, "waiting for a CQE: %s", strerror(-ret));
	return c;
}

static inline struct io_uring_sqe *t_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	CHECK(sqe != NULL, "SQ full");
	return sqe;
}

static inline void t_submit(struct io_uring *ring, int n)
{
	int ret = io_uring_submit(ring);

	CHECK(ret == n, "submit returned %d, expected %d", ret, n);
}

/* Submit the one prepared SQE and return its CQE (user_data must match). */
static inline struct t_cqe t_run(struct io_uring *ring, struct io_uring_sqe *sqe, __u64 ud)
{
	struct t_cqe c;

	io_uring_sqe_set_data64(sqe, ud);
	t_submit(ring, 1);
	c = t_wait(ring);
	CHECK(c.user_data == ud, "user_data %llu, expected %llu", (unsigned long long)c.user_data,
	      (unsigned long long)ud);
	return c;
}

/* Is opcode op supported by this kernel? */
static inline int t_op_supported(struct io_uring *ring, int op)
{
	struct io_uring_probe *p = io_uring_get_probe_ring(ring);
	int ok;

	CHECK(p, "io_uring_get_probe_ring failed");
	ok = io_uring_opcode_supported(p, op);
	io_uring_free_probe(p);
	return ok;
}

/* 127.0.0.1:port / [::1]:port */
static inline socklen_t t_loopback(struct sockaddr_storage *ss, int family, unsigned short port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		a->sin6_port = htons(port);
		return sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->sin_port = htons(port);
	return sizeof(*a);
}

static inline unsigned short t_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* A plain (syscall) TCP listener on loopback, port chosen by the kernel. */
static inline int t_listener(int family, struct sockaddr_storage *addr, socklen_t *len)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	*len = t_loopback(addr, family, 0);
	if (bind(fd, (struct sockaddr *)addr, *len) || listen(fd, 128)) {
		int e = -errno;

		close(fd);
		return e;
	}
	CHECK(getsockname(fd, (struct sockaddr *)addr, len) == 0, "getsockname");
	return fd;
}

/* A connected TCP pair over loopback made with plain syscalls: *srv is the accepted end. */
static inline void t_tcp_pair(int family, int *cli, int *srv)
{
	struct sockaddr_storage a;
	socklen_t len;
	int l = t_listener(family, &a, &len);

	CHECK(l >= 0, "listener: %s", strerror(-l));
	*cli = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(*cli >= 0, "socket");
	CHECK(connect(*cli, (struct sockaddr *)&a, len) == 0, "connect: %s", strerror(errno));
	*srv = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	CHECK(*srv >= 0, "accept");
	close(l);
}

/* Read exactly len bytes with the plain syscall, within 5 s. */
static inline void t_read_full(int fd, void *buf, size_t len)
{
	struct timeval tv = { .tv_sec = 5 };
	size_t got = 0;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		CHECK(n > 0, "read: %zd (%s) after %zu of %zu bytes", n, strerror(errno), got, len);
		got += (size_t)n;
	}
}

/* A provided-buffer ring (io_uring_setup_buf_ring): entries slots, each bufsz bytes. */
struct t_bufring {
	struct io_uring_buf_ring *br;
	unsigned char *mem;	/* entries * bufsz bytes of buffer memory */
	unsigned entries, bufsz, bgid, pending;
};

static inline unsigned char *t_bufring_buf(struct t_bufring *b, unsigned bid)
{
	return b->mem + (size_t)bid * b->bufsz;
}

/* Queue buffer bid for the kernel (made visible by t_bufring_publish). */
static inline void t_bufring_add(struct t_bufring *b, unsigned bid)
{
	io_uring_buf_ring_add(b->br, t_bufring_buf(b, bid), b->bufsz, (unsigned short)bid,
			      io_uring_buf_ring_mask(b->entries), (int)b->pending++);
}

static inline void t_bufring_publish(struct t_bufring *b)
{
	io_uring_buf_ring_advance(b->br, (int)b->pending);
	b->pending = 0;
}

/* Register a ring for group bgid; with fill, hand it all its buffers. 0 or -errno. */
static inline int t_bufring_setup(struct io_uring *ring, struct t_bufring *b, unsigned entries,
				  unsigned bufsz, unsigned bgid, int fill)
{
	int err = 0;

	memset(b, 0, sizeof(*b));
	b->entries = entries;
	b->bufsz = bufsz;
	b->bgid = bgid;
	b->br = io_uring_setup_buf_ring(ring, entries, (int)bgid, 0, &err);
	if (!b->br)
		return err;
	b->mem = malloc((size_t)entries * bufsz);
	CHECK(b->mem, "malloc buffers");
	if (fill) {
		for (unsigned i = 0; i < entries; i++)
			t_bufring_add(b, i);
		t_bufring_publish(b);
	}
	return 0;
}

static inline void t_bufring_free(struct io_uring *ring, struct t_bufring *b)
{
	int ret = io_uring_free_buf_ring(ring, b->br, b->entries, (int)b->bgid);

	CHECK(ret == 0, "io_uring_free_buf_ring: %s", strerror(-ret));
	free(b->mem);
}

#endif
