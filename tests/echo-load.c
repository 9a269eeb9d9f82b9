/* SPDX-License-Identifier: MIT */
/*
 * echo-load PORT CONNS ROUNDS BYTES [SERVER_PID]: a load generator for the echo servers
 * (examples/tcp-echo.c, examples/tcp_echo.rs serve).
 *
 * Opens CONNS loopback connections to PORT and keeps every one of them open; then, for
 * ROUNDS rounds, each connection sends one BYTES-byte message (a pattern naming the
 * connection and the round) and reads the echo back, every connection at once, all
 * driven by one epoll loop. Every echoed byte is checked. Prints
 *   held N
 *   messages M in S s: R msg/s
 *   server VmRSS K kB VmHWM H kB      (with SERVER_PID, read while all are held)
 * and exits 0 only if all CONNS connections were held and every echo was right. A 120 s
 * deadline bounds the run.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn {
	int fd;
	int connected;
	size_t sent, got;	/* of the current round's message */
	unsigned round;
};

static unsigned bytes;

static unsigned char pat(unsigned c, unsigned r, size_t off)
{
	return (unsigned char)((c * 7 + r * 131 + off * 13 + (off >> 8)) & 0xff);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void server_mem(const char *pid)
{
	char path[64], line[256];
	long rss = -1, hwm = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "VmRSS: %ld", &rss);
		sscanf(line, "VmHWM: %ld", &hwm);
	}
	fclose(f);
	printf("server VmRSS %ld kB VmHWM %ld kB\n", rss, hwm);
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: echo-load PORT CONNS ROUNDS BYTES [SERVER_PID]\n");
		return 2;
	}
	unsigned port = (unsigned)atoi(argv[1]), n = (unsigned)atoi(argv[2]);
	unsigned rounds = (unsigned)atoi(argv[3]);
	bytes = (unsigned)atoi(argv[4]);
	struct rlimit rl = { n + 64, n + 64 };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
	struct conn *c = calloc(n, sizeof(*c));
	struct epoll_event *ev = calloc(1024, sizeof(*ev));
	unsigned char *buf = malloc(bytes), *msg = malloc(bytes);
	unsigned held = 0, done = 0, opened = 0, pending = 0;
	unsigned long long msgs = 0;
	double deadline = now() + 120, t0 = 0;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (!c || !ev || !buf || !msg || ep < 0 || !bytes || !n)
		return 2;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("setrlimit(RLIMIT_NOFILE)");
		return 1;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	/* Phase 1: open all connections, at most 256 handshakes at a time (the backlog). */
	while (held < n) {
		while (opened < n && pending < 256) {
			struct conn *k = &c[opened];
			struct epoll_event e = { .events = EPOLLOUT, .data.u32 = opened };

			k->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			if (k->fd < 0) {
				perror("socket");
				return 1;
			}
			if (connect(k->fd, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS) {
				perror("connect");
				return 1;
			}
			if (epoll_ctl(ep, EPOLL_CTL_ADD, k->fd, &e)) {
				perror("epoll_ctl");
				return 1;
			}
			opened++;
			pending++;
		}
		int m = epoll_wait(ep, ev, 1024, 1000);
		if (now() > deadline) {
			fprintf(stderr, "echo-load: only %u of %u connected\n", held, n);
			return 1;
		}
		for (int i = 0; i < m; i++) {
			struct conn *k = &c[ev[i].data.u32];
			int err = 0;
			socklen_t el = sizeof(err);

			getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &el);
			if (err) {
				fprintf(stderr, "echo-load: connect: %s\n", strerror(err));
				return 1;
			}
			if (!k->connected) {
				struct epoll_event e = { .events = EPOLLIN, .data.u32 = ev[i].data.u32 };

				k->connected = 1;
				held++;
				pending--;
				epoll_ctl(ep, EPOLL_CTL_MOD, k->fd, &e);
			}
		}
	}
	printf("held %u\n", held);
	fflush(stdout);

	/* Phase 2: every connection sends a message and waits for its echo, ROUNDS times. */
	t0 = now();
	for (unsigned i = 0; i < n; i++) {
		for (unsigned o = 0; o < bytes; o++)
			msg[o] = pat(i, 0, o);
		if (send(c[i].fd, msg, bytes, MSG_NOSIGNAL) != (ssize_t)bytes) {
			fprintf(stderr, "echo-load: send on connection %u failed\n", i);
			return 1;
		}
	}
	while (done < n) {
		int m = epoll_wait(ep, ev, 1024, 1000);

		if (now() > deadline) {
			fprintf(stderr, "echo-load: timed out, %u of %u connections done\n", done, n);
			return 1;
		}
		for (int i = 0; i < m; i++) {
			unsigned id = ev[i].data.u32;
			struct conn *k = &c[id];
			ssize_t r = recv(k->fd, buf, bytes - k->got, 0);

			if (r <= 0) {
				if (r < 0 && errno == EAGAIN)
					continue;
				fprintf(stderr, "echo-load: connection %u closed early\n", id);
				return 1;
			}
			for (ssize_t o = 0; o < r; o++) {
				if (buf[o] != pat(id, k->round, k->got + (size_t)o)) {
					fprintf(stderr, "echo-load: wrong byte on connection %u\n", id);
					return 1;
				}
			}
			k->got += (size_t)r;
			if (k->got < bytes)
				continue;
			msgs++;
			k->got = 0;
			if (++k->round == rounds) {
				done++;
				continue;
			}
			for (unsigned o = 0; o < bytes; o++)
				msg[o] = pat(id, k->round, o);
			if (send(k->fd, msg, bytes, MSG_NOSIGNAL) != (ssize_t)bytes) {
				fprintf(stderr, "echo-load: send on connection %u failed\n", id);
				return 1;
			}
		}
	}
	double t = now() - t0;
	printf("messages %llu in %.3f s: %.0f msg/s\n", msgs, t, (double)msgs / t);
	if (argc > 5)
		server_mem(argv[5]);
	fflush(stdout);
	for (unsigned i = 0; i < n; i++)
		close(c[i].fd);
	return 0;
}
