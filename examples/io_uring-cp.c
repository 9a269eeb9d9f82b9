/* SPDX-License-Identifier: MIT */
/*
 * io_uring-cp: copy a file with up to QD block copies in flight.
 *
 *   io_uring-cp [-q depth] [-b blocksize] INFILE OUTFILE
 *
 * Every block is one read followed by one write at the same offset. Reads are queued
 * while there is room (at most `depth` blocks in flight); when a read completes the
 * block turns into a write. Short reads and short writes are continued from where they
 * stopped, -EAGAIN/-EINTR are retried, and the copy fails cleanly on any other error or
 * if the input ends early. Exit status 0 on success.
 */
#define _GNU_SOURCE
#include <liburing.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct block {
	int writing;		/* 0: reading the block, 1: writing it */
	off_t start;		/* file offset of the block */
	size_t len;		/* block length */
	size_t done;		/* bytes of the current phase already transferred */
	unsigned char *buf;
};

static int infd, outfd;

/* Queue the next part of block b (read or write of what is left). 0 or -EBUSY. */
static int queue_block(struct io_uring *ring, struct block *b)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	if (b->writing)
		io_uring_prep_write(sqe, outfd, b->buf + b->done, (unsigned)(b->len - b->done),
				    (__u64)(b->start + (off_t)b->done));
	else
		io_uring_prep_read(sqe, infd, b->buf + b->done, (unsigned)(b->len - b->done),
				   (__u64)(b->start + (off_t)b->done));
	io_uring_sqe_set_data(sqe, b);
	return 0;
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-q depth] [-b blocksize] INFILE OUTFILE\n", argv0);
	exit(2);
}

int main(int argc, char *argv[])
{
	unsigned depth = 64;
	size_t bs = 32 * 1024;
	struct block *blocks, **free_blocks;
	unsigned nfree, inflight = 0;
	off_t size, next = 0;
	struct io_uring ring;
	struct stat st;
	int opt, ret;

	while ((opt = getopt(argc, argv, "q:b:")) != -1) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(optarg, &end, 0);
		if (errno || *end || !v)
			usage(argv[0]);
		if (opt == 'q' && v <= 4096)
			depth = (unsigned)v;
		else if (opt == 'b' && v <= (1UL << 30))
			bs = v;
		else
			usage(argv[0]);
	}
	if (argc - optind != 2)
		usage(argv[0]);

	infd = open(argv[optind], O_RDONLY | O_CLOEXEC);
	if (infd < 0) {
		perror(argv[optind]);
		return 1;
	}
	if (fstat(infd, &st) < 0) {
		perror("fstat");
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: not a regular file\n", argv[optind]);
		return 1;
	}
	size = st.st_size;
	outfd = open(argv[optind + 1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (outfd < 0) {
		perror(argv[optind + 1]);
		return 1;
	}
	ret = io_uring_queue_init(depth, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}

	blocks = calloc(depth, sizeof(*blocks));
	free_blocks = calloc(depth, sizeof(*free_blocks));
	if (!blocks || !free_blocks) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	for (unsigned i = 0; i < depth; i++) {
		blocks[i].buf = malloc(bs);
		if (!blocks[i].buf) {
			fprintf(stderr, "out of memory\n");
			return 1;
		}
		free_blocks[i] = &blocks[i];
	}
	nfree = depth;

	while (next < size || inflight) {
		struct io_uring_cqe *cqe;

		/* start reads for as many blocks as there is room for */
		while (next < size && nfree) {
			struct block *b = free_blocks[--nfree];

			b->writing = 0;
			b->start = next;
			b->len = (size - next) < (off_t)bs ? (size_t)(size - next) : bs;
			b->done = 0;
			if (queue_block(&ring, b)) {
				nfree++;
				break;
			}
			next += (off_t)b->len;
			inflight++;
		}
		if (io_uring_sq_ready(&ring)) {
			ret = io_uring_submit(&ring);
			if (ret < 0) {
				fprintf(stderr, "io_uring_submit: %s\n", strerror(-ret));
				return 1;
			}
		}
		if (!inflight)
			break;

		/* wait for one completion, then take every one that is ready */
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0) {
			fprintf(stderr, "io_uring_wait_cqe: %s\n", strerror(-ret));
			return 1;
		}
		while (cqe) {
			struct block *b = io_uring_cqe_get_data(cqe);
			int res = cqe->res;

			io_uring_cqe_seen(&ring, cqe);
			if (res == -EAGAIN || res == -EINTR) {
				res = 0;	/* retry the same part */
			} else if (res < 0) {
				fprintf(stderr, "%s at offset %lld: %s\n", b->writing ? "write" : "read",
					(long long)(b->start + (off_t)b->done), strerror(-res));
				return 1;
			} else if (res == 0 && !b->writing) {
				fprintf(stderr, "input ended early at offset %lld\n",
					(long long)(b->start + (off_t)b->done));
				return 1;
			}
			b->done += (size_t)res;
			if (b->done == b->len) {
				if (b->writing) {	/* block finished */
					free_blocks[nfree++] = b;
					inflight--;
					b = NULL;
				} else {		/* read complete: write it out */
					b->writing = 1;
					b->done = 0;
				}
			}
			/* continue the block; if the SQ is full, submit and retry once */
			if (b && queue_block(&ring, b) &&
			    (io_uring_submit(&ring) < 0 || queue_block(&ring, b))) {
				fprintf(stderr, "no SQE available\n");
				return 1;
			}
			if (io_uring_peek_cqe(&ring, &cqe))
				cqe = NULL;
		}
	}

	if (fsync(outfd) < 0) {
		perror("fsync");
		return 1;
	}
	io_uring_queue_exit(&ring);
	for (unsigned i = 0; i < depth; i++)
		free(blocks[i].buf);
	free(blocks);
	free(free_blocks);
	close(infd);
	close(outfd);
	return 0;
}
