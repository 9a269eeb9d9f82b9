/* SPDX-License-Identifier: MIT */
/*
 * uring-bench: one C program, built against liburing's header or ours (benches/c-bench
 * builds it each way and runs the builds interleaved). Every mode is batches of BATCH
 * requests: get_sqe + prep + set_data64 for each, io_uring_submit_and_wait(BATCH),
 * io_uring_peek_batch_cqe, io_uring_cq_advance. Prints nanoseconds per request.
 *
 *   uring-bench nop BATCH COUNT       NOPs
 *   uring-bench read 32 COUNT FILE    4 KiB reads of FILE (page cache), 32 in flight
 *   uring-bench read_fixed 32 COUNT FILE   the same into a registered buffer
 */
#include <liburing.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct io_uring_cqe *cqes[64];
	struct io_uring ring;
	const char *mode;
	unsigned batch, blocks = 1;
	long count, done = 0, next = 0;
	char *buf = NULL;
	int fd = -1, kind;
	double t0;

	if (argc < 4) {
		fprintf(stderr, "usage: %s nop|read|read_fixed BATCH COUNT [FILE]\n", argv[0]);
		return 2;
	}
	mode = argv[1];
	batch = (unsigned)atoi(argv[2]);
	count = atol(argv[3]);
	kind = !strcmp(mode, "nop") ? 0 : !strcmp(mode, "read") ? 1 : !strcmp(mode, "read_fixed") ? 2 : -1;
	if (kind < 0 || batch < 1 || batch > 64 || (kind && argc < 5))
		return 2;
	if (io_uring_queue_init(64, &ring, 0) < 0)
		return 1;
	if (kind) {
		struct stat st;
		struct iovec iov;

		fd = open(argv[4], O_RDONLY);
		if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < BLOCK)
			return 1;
		blocks = (unsigned)(st.st_size / BLOCK);
		if (posix_memalign((void **)&buf, BLOCK, (size_t)batch * BLOCK))
			return 1;
		memset(buf, 0, (size_t)batch * BLOCK);
		iov.iov_base = buf;
		iov.iov_len = (size_t)batch * BLOCK;
		if (kind == 2 && io_uring_register_buffers(&ring, &iov, 1) < 0)
			return 1;
	}
	t0 = now();
	while (done < count) {
		unsigned i, n;

		for (i = 0; i < batch; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			__u64 off = (__u64)(next++ % blocks) * BLOCK;

			if (kind == 0)
				io_uring_prep_nop(sqe);
			else if (kind == 1)
				io_uring_prep_read(sqe, fd, buf + (size_t)i * BLOCK, BLOCK, off);
			else
				io_uring_prep_read_fixed(sqe, fd, buf + (size_t)i * BLOCK, BLOCK, off, 0);
			io_uring_sqe_set_data64(sqe, i);
		}
		if (io_uring_submit_and_wait(&ring, batch) != (int)batch)
			return 1;
		for (n = 0; n < batch;) {
			unsigned got = io_uring_peek_batch_cqe(&ring, cqes, batch - n);

			for (i = 0; i < got; i++)
				if (cqes[i]->res < 0 || (kind && cqes[i]->res != BLOCK))
					return 1;
			io_uring_cq_advance(&ring, got);
			n += got;
			if (n < batch && io_uring_wait_cqe(&ring, &cqes[0]) < 0)
				return 1;
		}
		done += batch;
	}
	printf("%.2f\n", (now() - t0) * 1e9 / (double)done);
	io_uring_queue_exit(&ring);
	return 0;
}
