/* SPDX-License-Identifier: MIT */
/*
 * tcp-echo: a TCP echo server driven by one io_uring.
 *
 *   tcp-echo [-p port] [-n conns] [-6] [-b bufsize] [-e entries]
 *
 * One multishot accept takes every connection; each connection has one multishot recv
 * that picks buffers from a provided-buffer ring (io_uring_register_buf_ring); what arrives
 * is sent back from that same buffer, which goes back into the ring once the send has
 * completed. Sends on a connection are kept in order (one in flight, the rest queued)
 * and short sends are continued. Multishot requests that end (e.g. the ring ran out of
 * buffers) are re-armed.
 *
 * It listens on loopback (127.0.0.1, or ::1 with -6); port 0 (the default) lets the
 * kernel choose, and the chosen port is printed as "tcp-echo: listening on port N".
 * With -n, the server exits after `conns` connections have been served and closed.
 */
#define _GNU_SOURCE
#include <liburing.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define BGID 1

enum { OP_ACCEPT = 1, OP_RECV, OP_SEND };

/* user_data: op in bits 56..63, buffer id in 32..47, fd in 0..31 */
static __u64 ud(unsigned op, unsigned bid, int fd)
{
	return ((__u64)op << 56) | ((__u64)(bid & 0xffff) << 32) | (__u32)fd;
}

struct conn {
	int active;
	int recv_armed;		/* a multishot recv is outstanding */
	int send_inflight;	/* one send at a time keeps the echo in order */
	int eof;		/* peer closed (or the connection failed) */
	int starved;		/* recv ended for lack of buffers; re-arm on recycle */
	unsigned head, count;	/* FIFO of buffer ids waiting to be sent */
	unsigned *queue;
	size_t sent;		/* bytes of the head buffer already sent */
};

static struct io_uring ring;
static struct io_uring_buf_ring *br;
static size_t br_size;
static unsigned char *bufmem;
static unsigned *buflen;	/* bytes held by each buffer id */
static unsigned entries = 256, bufsz = 4096;
static struct conn *conns;
static int nconns;
static unsigned long long served, total_bytes;
static int nstarved;

static struct io_uring_sqe *get_sqe(void)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	if (!sqe) {	/* SQ full: push what is queued to the kernel and retry */
		io_uring_submit(&ring);
		sqe = io_uring_get_sqe(&ring);
	}
	if (!sqe) {
		fprintf(stderr, "tcp-echo: no SQE available\n");
		exit(1);
	}
	return sqe;
}

static void arm_recv(int fd);

/* Give buffer bid back to the ring, and restart receives that ran out of buffers. */
static void recycle(unsigned bid)
{
	io_uring_buf_ring_add(br, bufmem + (size_t)bid * bufsz, bufsz, (unsigned short)bid,
			      io_uring_buf_ring_mask(entries), 0);
	io_uring_buf_ring_advance(br, 1);
	for (int fd = 0; nstarved && fd < nconns; fd++) {
		if (conns[fd].starved) {
			conns[fd].starved = 0;
			nstarved--;
			if (!conns[fd].eof)
				arm_recv(fd);
		}
	}
}

static void arm_accept(int lfd)
{
	struct io_uring_sqe *sqe = get_sqe();

	io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, ud(OP_ACCEPT, 0, lfd));
}

static void arm_recv(int fd)
{
	struct io_uring_sqe *sqe = get_sqe();

	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, ud(OP_RECV, 0, fd));
	conns[fd].recv_armed = 1;
}

/* Send (the rest of) the buffer at the head of fd's queue, if none is in flight. */
static void kick_send(int fd)
{
	struct conn *c = &conns[fd];
	struct io_uring_sqe *sqe;
	unsigned bid;

	if (c->send_inflight || !c->count)
		return;
	bid = c->queue[c->head];
	sqe = get_sqe();
	io_uring_prep_send(sqe, fd, bufmem + (size_t)bid * bufsz + c->sent, buflen[bid] - c->sent,
			   MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, ud(OP_SEND, bid, fd));
	c->send_inflight = 1;
}

/* Close fd once nothing refers to it any more. */
static void maybe_close(int fd)
{
	struct conn *c = &conns[fd];

	if (!c->active || !c->eof || c->recv_armed || c->send_inflight)
		return;
	if (c->starved) {
		c->starved = 0;
		nstarved--;
	}
	while (c->count) {	/* unsent data of a failed connection */
		recycle(c->queue[c->head]);
		c->head = (c->head + 1) % entries;
		c->count--;
	}
	free(c->queue);
	memset(c, 0, sizeof(*c));
	close(fd);
	served++;
}

static int new_conn(int fd)
{
	if (fd >= nconns) {
		int n = fd + 64;
		struct conn *p = realloc(conns, (size_t)n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		memset(p + nconns, 0, (size_t)(n - nconns) * sizeof(*p));
		conns = p;
		nconns = n;
	}
	memset(&conns[fd], 0, sizeof(conns[fd]));
	conns[fd].queue = malloc(entries * sizeof(unsigned));
	if (!conns[fd].queue)
		return -ENOMEM;
	conns[fd].active = 1;
	return 0;
}

/* The connection failed: stop receiving, drop what was not sent yet. */
static void fail_conn(int fd)
{
	conns[fd].eof = 1;
	shutdown(fd, SHUT_RDWR);	/* ends the multishot recv */
}

static void handle(struct io_uring_cqe *cqe, int lfd, unsigned long long *accepted)
{
	unsigned op = (unsigned)(cqe->user_data >> 56);
	unsigned bid = (unsigned)(cqe->user_data >> 32) & 0xffff;
	int fd = (int)(__u32)cqe->user_data, res = cqe->res;
	int more = !!(cqe->flags & IORING_CQE_F_MORE);
	struct conn *c;

	switch (op) {
	case OP_ACCEPT:
		if (res >= 0) {
			if (new_conn(res)) {
				close(res);
			} else {
				(*accepted)++;
				arm_recv(res);
			}
		} else if (res != -ECANCELED) {
			fprintf(stderr, "tcp-echo: accept: %s\n", strerror(-res));
		}
		if (!more && res != -ECANCELED)
			arm_accept(lfd);
		break;
	case OP_RECV:
		c = &conns[fd];
		if (res > 0) {
			bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
			buflen[bid] = (unsigned)res;
			total_bytes += (unsigned)res;
			if (c->eof) {	/* failed connection: do not echo */
				recycle(bid);
			} else {
				c->queue[(c->head + c->count) % entries] = bid;
				c->count++;
				kick_send(fd);
			}
		} else if (res == 0 || (res < 0 && res != -ENOBUFS)) {
			if (res < 0 && res != -ECONNRESET)
				fprintf(stderr, "tcp-echo: recv on %d: %s\n", fd, strerror(-res));
			c->eof = 1;
		}
		if (!more) {
			c->recv_armed = 0;
			if (res == -ENOBUFS && !c->eof) {
				/* every buffer is queued for sending: wait for one */
				c->starved = 1;
				nstarved++;
			} else if (!c->eof) {
				arm_recv(fd);
			}
		}
		maybe_close(fd);
		break;
	case OP_SEND:
		c = &conns[fd];
		c->send_inflight = 0;
		if (res < 0) {
			if (res != -EPIPE && res != -ECONNRESET)
				fprintf(stderr, "tcp-echo: send on %d: %s\n", fd, strerror(-res));
			fail_conn(fd);
		} else {
			c->sent += (size_t)res;
			if (c->sent == buflen[bid]) {	/* buffer fully echoed */
				recycle(bid);
				c->head = (c->head + 1) % entries;
				c->count--;
				c->sent = 0;
			}
			if (!c->eof || c->count)
				kick_send(fd);
		}
		maybe_close(fd);
		break;
	}
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-p port] [-n conns] [-6] [-b bufsize] [-e entries]\n", argv0);
	exit(2);
}

int main(int argc, char *argv[])
{
	unsigned long long limit = 0, accepted = 0;
	struct sockaddr_storage ss;
	socklen_t slen;
	unsigned port = 0;
	int opt, lfd, ret, family = AF_INET, one = 1;

	while ((opt = getopt(argc, argv, "p:n:6b:e:")) != -1) {
		char *end;
		unsigned long v = 0;

		if (opt != '6') {
			errno = 0;
			v = strtoul(optarg, &end, 0);
			if (errno || *end)
				usage(argv[0]);
		}
		switch (opt) {
		case 'p': if (v > 65535) usage(argv[0]); port = (unsigned)v; break;
		case 'n': limit = v; break;
		case '6': family = AF_INET6; break;
		case 'b': if (v < 64 || v > (1 << 20)) usage(argv[0]); bufsz = (unsigned)v; break;
		case 'e':
			if (v < 1 || v > 32768 || (v & (v - 1)))
				usage(argv[0]);
			entries = (unsigned)v;
			break;
		default: usage(argv[0]);
		}
	}

	lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		perror("socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		a->sin6_port = htons((unsigned short)port);
		slen = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a->sin_port = htons((unsigned short)port);
		slen = sizeof(*a);
	}
	if (bind(lfd, (struct sockaddr *)&ss, slen) || listen(lfd, 4096)) {
		perror("bind/listen");
		return 1;
	}
	slen = sizeof(ss);
	if (getsockname(lfd, (struct sockaddr *)&ss, &slen)) {
		perror("getsockname");
		return 1;
	}
	port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					: ((struct sockaddr_in *)&ss)->sin_port);

	ret = io_uring_queue_init(256, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	/* Registered by hand (not io_uring_setup_buf_ring) so the same source also builds
	 * against liburing 2.3, the baseline tests/tcp10k-test compares with. */
	br_size = (size_t)entries * sizeof(struct io_uring_buf);
	br = mmap(NULL, br_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (br == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	io_uring_buf_ring_init(br);
	{
		struct io_uring_buf_reg reg = {
			.ring_addr = (unsigned long)br, .ring_entries = entries, .bgid = BGID,
		};

		ret = io_uring_register_buf_ring(&ring, &reg, 0);
	}
	if (ret < 0) {
		fprintf(stderr, "io_uring_register_buf_ring: %s\n", strerror(-ret));
		return 1;
	}
	bufmem = malloc((size_t)entries * bufsz);
	buflen = calloc(entries, sizeof(*buflen));
	if (!bufmem || !buflen) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	for (unsigned i = 0; i < entries; i++)
		io_uring_buf_ring_add(br, bufmem + (size_t)i * bufsz, bufsz, (unsigned short)i,
				      io_uring_buf_ring_mask(entries), (int)i);
	io_uring_buf_ring_advance(br, (int)entries);

	arm_accept(lfd);
	printf("tcp-echo: listening on port %u\n", port);
	fflush(stdout);

	while (!limit || served < limit) {
		struct io_uring_cqe *cqe;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "io_uring_submit_and_wait: %s\n", strerror(-ret));
			return 1;
		}
		while (io_uring_peek_cqe(&ring, &cqe) == 0 && cqe) {
			struct io_uring_cqe copy = *cqe;

			io_uring_cqe_seen(&ring, cqe);
			handle(&copy, lfd, &accepted);
		}
	}

	printf("tcp-echo: served %llu connections, echoed %llu bytes\n", served, total_bytes);
	io_uring_unregister_buf_ring(&ring, BGID);
	munmap(br, br_size);
	io_uring_queue_exit(&ring);
	close(lfd);
	free(bufmem);
	free(buflen);
	free(conns);
	return 0;
}
