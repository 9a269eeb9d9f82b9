/* SPDX-License-Identifier: MIT */
/*
 * demo: real I/O through io_urine. Writes 64 blocks of 4 KiB to a file with one
 * batch of writes, fsyncs it through a linked SQE, reads everything back with readv,
 * and verifies every byte. Prints which liburing the process runs on.
 */
#define _GNU_SOURCE
#include <liburing.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCKS 64
#define BS 4096

static const char *loaded_liburing(void)
{
	static char path[4096];
	char line[4352];
	FILE *f = fopen("/proc/self/maps", "r");

	path[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, '/');
		if (p && strstr(p, "liburing")) {
			p[strcspn(p, "\n")] = 0;
			snprintf(path, sizeof(path), "%s", p);
			break;
		}
	}
	if (f)
		fclose(f);
	return path;
}

int main(void)
{
	static char wbuf[BLOCKS][BS], rbuf[BLOCKS][BS];
	struct iovec iov[BLOCKS];
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	char path[] = "/tmp/io_urine-demo-XXXXXX";
	int fd, ret, i, done = 0;

	printf("io_urine demo: liburing %d.%d, library %s\n", io_uring_major_version(),
	       io_uring_minor_version(), loaded_liburing());
	ret = io_uring_queue_init(BLOCKS * 2, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "queue_init: %s\n", strerror(-ret));
		return 1;
	}
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	unlink(path);

	for (i = 0; i < BLOCKS; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		memset(wbuf[i], 'a' + i % 26, BS);
		snprintf(wbuf[i], BS, "block %d", i);
		io_uring_prep_write(sqe, fd, wbuf[i], BS, (unsigned long long)i * BS);
		io_uring_sqe_set_data64(sqe, i);
	}
	ret = io_uring_submit_and_wait(&ring, BLOCKS);
	printf("submitted %d writes\n", ret);
	while (done < BLOCKS) {
		if (io_uring_wait_cqe(&ring, &cqe) < 0 || cqe->res != BS) {
			fprintf(stderr, "write failed: %d\n", cqe ? cqe->res : -1);
			return 1;
		}
		io_uring_cqe_seen(&ring, cqe);
		done++;
	}

	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	for (i = 0; i < BLOCKS; i++) {
		iov[i].iov_base = rbuf[i];
		iov[i].iov_len = BS;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_readv(sqe, fd, iov, BLOCKS, 0);
	io_uring_submit(&ring);
	for (i = 0; i < 2; i++) {
		io_uring_wait_cqe(&ring, &cqe);
		if (cqe->res < 0) {
			fprintf(stderr, "fsync/readv failed: %s\n", strerror(-cqe->res));
			return 1;
		}
		if (i == 1)
			printf("fsync ok, readv read %d bytes\n", cqe->res);
		io_uring_cqe_seen(&ring, cqe);
	}
	if (memcmp(wbuf, rbuf, sizeof(wbuf)) != 0) {
		fprintf(stderr, "data mismatch\n");
		return 1;
	}
	printf("verified %d bytes: OK\n", BLOCKS * BS);
	close(fd);
	io_uring_queue_exit(&ring);
	return 0;
}
