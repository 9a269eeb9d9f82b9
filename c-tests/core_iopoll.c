/* SPDX-License-Identifier: MIT */
/*
 * IORING_SETUP_IOPOLL: a buffered fd gets the kernel's refusal and a NOP completes; then
 * O_DIRECT reads and writes of a regular temp file complete through
 * polling, reaped by wait_cqe / peek_cqe / peek_batch_cqe (which must enter the kernel on
 * an IOPOLL ring); data is verified both ways.
 * Skips only when the kernel refuses polled O_DIRECT I/O on this filesystem.
 */
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <unistd.h>

#define BS 4096
#define NBLK 8

int main(void)
{
	char path[] = "/tmp/io_urine-iopoll-XXXXXX";
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	void *buf;
	int ret;

	int bfd = mkstemp(path);
	CHECK(bfd >= 0, "mkstemp");
	int dfd = open(path, O_RDWR | O_DIRECT);
	unlink(path);
	if (dfd < 0 && errno == EINVAL)
		SKIP("filesystem of /tmp refuses O_DIRECT");
	CHECK(dfd >= 0, "open O_DIRECT: %s", strerror(errno));
	CHECK(posix_memalign(&buf, BS, BS * NBLK) == 0, "memalign");
	for (int i = 0; i < NBLK; i++)
		t_fill((char *)buf + i * BS, BS, 10 + i);
	CHECK(pwrite(bfd, buf, BS * NBLK, 0) == BS * NBLK, "pwrite");
	CHECK(fsync(bfd) == 0, "fsync");

	ret = io_uring_queue_init(8, &ring, IORING_SETUP_IOPOLL);
	CHECK(ret == 0, "IOPOLL init %d", ret);
	CHECK(ring.flags & IORING_SETUP_IOPOLL, "flags");
	CHECK(ring.int_flags & 4, "IOPOLL ring must enter to reap (int_flags %#x)", ring.int_flags);

	/* A buffered file cannot be polled: the kernel's answer comes back in the CQE. */
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, bfd, buf, BS, 0);
	sqe->user_data = 999;
	CHECK(io_uring_submit(&ring) == 1, "submit buffered");
	ret = io_uring_wait_cqe(&ring, &cqe);
	CHECK(ret == 0 && cqe->user_data == 999, "wait %d", ret);
	CHECK(cqe->res == -EOPNOTSUPP, "buffered read on IOPOLL: %d", cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	CHECK(io_uring_peek_cqe(&ring, &cqe) == -EAGAIN, "empty");

	/* A NOP is not polled: it completes at once, wait_cqe still works. */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 998;
	CHECK(io_uring_submit_and_wait(&ring, 1) == 1, "submit nop");
	ret = io_uring_wait_cqe(&ring, &cqe);
	CHECK(ret == 0 && cqe->user_data == 998 && cqe->res == 0, "nop %d %d", ret, cqe->res);
	io_uring_cqe_seen(&ring, cqe);

	/* A polled O_DIRECT read of each block. */
	memset(buf, 0, BS * NBLK);
	for (int i = 0; i < NBLK; i++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_read(sqe, dfd, (char *)buf + i * BS, BS, (__u64)i * BS);
		sqe->user_data = i;
	}
	ret = io_uring_submit(&ring);
	CHECK(ret == NBLK, "submit %d", ret);
	ret = io_uring_wait_cqe(&ring, &cqe);
	CHECK(ret == 0, "wait_cqe %d", ret);
	if (cqe->res == -EOPNOTSUPP || cqe->res == -EINVAL)
		SKIP("kernel refuses polled O_DIRECT reads here: %s", strerror(-cqe->res));
	unsigned done = 0;
	while (done < NBLK) {
		CHECK(cqe->res == BS, "read %llu res %d", (unsigned long long)cqe->user_data, cqe->res);
		CHECK(t_check((char *)buf + cqe->user_data * BS, BS, 10 + cqe->user_data) == 0,
		      "data of block %llu", (unsigned long long)cqe->user_data);
		io_uring_cqe_seen(&ring, cqe);
		if (++done == NBLK)
			break;
		/* peek also has to enter on IOPOLL rings: spin on it. */
		while ((ret = io_uring_peek_cqe(&ring, &cqe)) == -EAGAIN)
			;
		CHECK(ret == 0, "peek_cqe %d", ret);
	}

	/* Polled O_DIRECT writes, then read back with pread. */
	for (int i = 0; i < NBLK; i++)
		t_fill((char *)buf + i * BS, BS, 50 + i);
	for (int i = 0; i < NBLK; i++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_write(sqe, dfd, (char *)buf + i * BS, BS, (__u64)i * BS);
		sqe->user_data = 100 + i;
	}
	ret = io_uring_submit_and_wait(&ring, NBLK);
	CHECK(ret == NBLK, "submit writes %d", ret);
	done = 0;
	while (done < NBLK) {
		struct io_uring_cqe *cqes[NBLK];
		unsigned n = io_uring_peek_batch_cqe(&ring, cqes, NBLK);

		for (unsigned i = 0; i < n; i++)
			CHECK(cqes[i]->res == BS, "write res %d", cqes[i]->res);
		io_uring_cq_advance(&ring, n);
		done += n;
		if (!n) {
			ret = io_uring_wait_cqe_nr(&ring, &cqe, NBLK - done);
			CHECK(ret == 0, "wait_cqe_nr %d", ret);
		}
	}
	void *check;
	CHECK(posix_memalign(&check, BS, BS * NBLK) == 0, "memalign");
	CHECK(pread(bfd, check, BS * NBLK, 0) == BS * NBLK, "pread");
	for (int i = 0; i < NBLK; i++)
		CHECK(t_check((char *)check + i * BS, BS, 50 + i) == 0, "written block %d", i);

	io_uring_queue_exit(&ring);
	free(buf);
	free(check);
	close(dfd);
	close(bfd);
	return T_EXIT_PASS;
}
