/* SPDX-License-Identifier: MIT */
/*
 * A C program built with nothing but `pkg-config --cflags --libs liburing` (or
 * liburing-ffi) against an installed io_urine. It does, checking every result and byte:
 *   1. file: 8 patterned 4 KiB blocks written in one submission, fsync linked after the
 *      last write (IOSQE_IO_LINK), reaped with io_uring_for_each_cqe + io_uring_cq_advance;
 *      read back with readv (two iovecs) and compared;
 *   2. socket: socketpair, send/recv both ways, and a recv that waits for data sent later;
 *   3. /proc/self/maps: every liburing*.so* mapped lies under argv[1] (when given), or, with
 *      argv[1] = "static", none is mapped.
 * Exit 0 and "c consumer: OK" on success.
 */
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 4096
#define NBLOCKS 8

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "c consumer: FAIL line %d: ", __LINE__);         \
			fprintf(stderr, __VA_ARGS__);                                    \
			fputc('\n', stderr);                                             \
			exit(1);                                                         \
		}                                                                        \
	} while (0)

static unsigned char pattern(size_t i, unsigned seed)
{
	return (unsigned char)((i * 131) ^ (i >> 8) ^ (seed * 29));
}

static struct io_uring_sqe *sqe_of(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	CHECK(sqe, "io_uring_get_sqe returned NULL");
	return sqe;
}

struct done {
	__u64 user_data;
	int res;
};

static struct done wait_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = NULL;
	int ret = io_uring_wait_cqe(ring, &cqe);
	CHECK(ret == 0 && cqe, "io_uring_wait_cqe: %d", ret);
	struct done d = { io_uring_cqe_get_data64(cqe), cqe->res };
	io_uring_cqe_seen(ring, cqe);
	return d;
}

static void file_io(struct io_uring *ring)
{
	char path[] = "/tmp/c-consumer-XXXXXX";
	static unsigned char data[NBLOCKS * BLOCK], back[NBLOCKS * BLOCK];
	int fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	unlink(path);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = pattern(i, 1);

	for (unsigned b = 0; b < NBLOCKS; b++) {
		struct io_uring_sqe *sqe = sqe_of(ring);
		io_uring_prep_write(sqe, fd, data + b * BLOCK, BLOCK, (__u64)b * BLOCK);
		io_uring_sqe_set_data64(sqe, 100 + b);
		if (b == NBLOCKS - 1)
			io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	}
	struct io_uring_sqe *sqe = sqe_of(ring);
	io_uring_prep_fsync(sqe, fd, 0);
	io_uring_sqe_set_data64(sqe, 150);
	int ret = io_uring_submit_and_wait(ring, NBLOCKS + 1);
	CHECK(ret == NBLOCKS + 1, "io_uring_submit_and_wait: %d", ret);

	unsigned seen = 0, reaped = 0;
	while (reaped < NBLOCKS + 1) {
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		io_uring_for_each_cqe(ring, head, cqe) {
			__u64 ud = io_uring_cqe_get_data64(cqe);
			if (ud == 150) {
				CHECK(cqe->res == 0, "fsync res %d", cqe->res);
			} else {
				CHECK(ud >= 100 && ud < 100 + NBLOCKS, "unexpected user_data %llu",
				      (unsigned long long)ud);
				CHECK(cqe->res == BLOCK, "write %llu res %d", (unsigned long long)ud, cqe->res);
			}
			unsigned bit = ud == 150 ? NBLOCKS : (unsigned)(ud - 100);
			CHECK(!(seen & (1u << bit)), "user_data %llu twice", (unsigned long long)ud);
			seen |= 1u << bit;
			n++;
		}
		io_uring_cq_advance(ring, n);
		reaped += n;
		if (!n) {
			struct io_uring_cqe *w;
			CHECK(io_uring_wait_cqe(ring, &w) == 0, "io_uring_wait_cqe");
		}
	}

	struct iovec iov[2] = {
		{ .iov_base = back, .iov_len = 10000 },
		{ .iov_base = back + 10000, .iov_len = sizeof(back) - 10000 },
	};
	sqe = sqe_of(ring);
	io_uring_prep_readv(sqe, fd, iov, 2, 0);
	io_uring_sqe_set_data64(sqe, 200);
	CHECK(io_uring_submit(ring) == 1, "submit readv");
	struct done c = wait_one(ring);
	CHECK(c.user_data == 200 && c.res == (int)sizeof(back), "readv: %llu %d",
	      (unsigned long long)c.user_data, c.res);
	CHECK(!memcmp(data, back, sizeof(data)), "data read back differs");
	close(fd);
	printf("file: %d x %d bytes written (+ linked fsync), read back with readv, compared\n",
	       NBLOCKS, BLOCK);
}

static void socket_io(struct io_uring *ring)
{
	int sv[2];
	char msg[3000], got[3000];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	for (int dir = 0; dir < 2; dir++) {
		int from = sv[dir], to = sv[1 - dir];
		for (size_t i = 0; i < sizeof(msg); i++)
			msg[i] = (char)pattern(i, 10 + dir);
		memset(got, 0, sizeof(got));
		/* the recv goes first and must wait for the send queued behind it */
		struct io_uring_sqe *sqe = sqe_of(ring);
		io_uring_prep_recv(sqe, to, got, sizeof(got), MSG_WAITALL);
		io_uring_sqe_set_data64(sqe, 301);
		CHECK(io_uring_submit(ring) == 1, "submit recv");
		struct io_uring_cqe *peek = NULL;
		CHECK(io_uring_peek_cqe(ring, &peek) == -EAGAIN, "recv completed before any send");
		sqe = sqe_of(ring);
		io_uring_prep_send(sqe, from, msg, sizeof(msg), 0);
		io_uring_sqe_set_data64(sqe, 300);
		CHECK(io_uring_submit(ring) == 1, "submit send");
		for (int k = 0; k < 2; k++) {
			struct done c = wait_one(ring);
			CHECK((c.user_data == 300 || c.user_data == 301) && c.res == (int)sizeof(msg),
			      "socket completion %llu %d", (unsigned long long)c.user_data, c.res);
		}
		CHECK(!memcmp(msg, got, sizeof(msg)), "socket data differs (direction %d)", dir);
	}
	close(sv[0]);
	close(sv[1]);
	printf("socket: 3000 bytes each way over a socketpair (recv queued first), verified\n");
}

static void check_maps(const char *expect)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096], last[4096] = "";
	int found = 0;
	CHECK(f, "open /proc/self/maps");
	while (fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/'), *base;
		if (!path)
			continue;
		path[strcspn(path, "\n")] = 0;
		base = strrchr(path, '/') + 1;
		if (strncmp(base, "liburing", 8) || !strstr(base, ".so") || !strcmp(path, last))
			continue;
		snprintf(last, sizeof(last), "%s", path);
		found++;
		printf("liburing mapped from: %s\n", path);
		if (expect) {
			CHECK(strcmp(expect, "static"), "static build maps %s", path);
			CHECK(!strncmp(path, expect, strlen(expect)) && path[strlen(expect)] == '/',
			      "%s is not under %s", path, expect);
		}
	}
	fclose(f);
	if (expect && strcmp(expect, "static"))
		CHECK(found, "no liburing shared object is mapped");
	if (expect && !strcmp(expect, "static"))
		printf("no liburing shared object mapped (static link)\n");
}

int main(int argc, char **argv)
{
	struct io_uring ring;
	int ret = io_uring_queue_init(16, &ring, 0);
	CHECK(ret == 0, "io_uring_queue_init: %d", ret);
	file_io(&ring);
	socket_io(&ring);
	io_uring_queue_exit(&ring);
	check_maps(argc > 1 ? argv[1] : NULL);
	printf("c consumer: OK (liburing %d.%d, header %d.%d)\n", io_uring_major_version(),
	       io_uring_minor_version(), IO_URING_VERSION_MAJOR, IO_URING_VERSION_MINOR);
	return 0;
}
