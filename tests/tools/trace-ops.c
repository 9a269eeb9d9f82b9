/* A C program for `io_urine trace`, built against whichever liburing.h the test picks
 * (the real liburing's, whose get_sqe/prep/cqe_seen are inline, or ours). It queues a
 * write (linked to an fsync), a read, a readv, a NOP, a read on a bad fd, a timeout and
 * a poll on a pipe, submits them at once and reaps every completion, printing each
 * user_data and result so the test can compare them with the trace. Exit 0 when every
 * result is as expected. */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* Reaps `n` completions, printing each; nonzero if one is not what `want` says (a poll
 * result needs POLLIN). */
static int reap(struct io_uring *ring, int n, const int *want)
{
	struct io_uring_cqe *cqe;
	int bad = 0;

	while (n--) {
		if (io_uring_wait_cqe(ring, &cqe))
			return 1;
		printf("cqe %llu %d\n", (unsigned long long)cqe->user_data, cqe->res);
		if (cqe->user_data < 1 || cqe->user_data > 8)
			bad = 1;
		else if (cqe->user_data == 8)
			bad |= !(cqe->res & POLLIN);
		else
			bad |= cqe->res != want[cqe->user_data];
		io_uring_cqe_seen(ring, cqe);
	}
	return bad;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "trace-ops.tmp";
	static const char msg[] = "hello io_urine";
	char rbuf[5], v1[3], v2[4];
	struct iovec iov[2] = { { v1, sizeof(v1) }, { v2, sizeof(v2) } };
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 100000000 };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int fd, pfd[2], ret, bad = 0;
	int want[9] = { 0, (int)sizeof(msg) - 1, 0, 5, 7, 0, -EBADF, -ETIME, POLLIN };

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || pipe(pfd) || write(pfd[1], "x", 1) != 1) {
		perror("setup");
		return 1;
	}
	ret = io_uring_queue_init(16, &ring, 0);
	if (ret) {
		fprintf(stderr, "queue_init: %s\n", strerror(-ret));
		return 1;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, msg, sizeof(msg) - 1, 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	sqe->user_data = 2;
	ret = io_uring_submit_and_wait(&ring, 2);
	if (ret != 2) {
		fprintf(stderr, "submit 1: %d\n", ret);
		return 1;
	}
	bad |= reap(&ring, 2, want);

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, sizeof(rbuf), 6);
	sqe->user_data = 3;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_readv(sqe, fd, iov, 2, 0);
	sqe->user_data = 4;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 5;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, 1000, rbuf, sizeof(rbuf), 0);
	sqe->user_data = 6;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 7;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, pfd[0], POLLIN);
	sqe->user_data = 8;
	ret = io_uring_submit(&ring);
	if (ret != 6) {
		fprintf(stderr, "submit 2: %d\n", ret);
		return 1;
	}
	bad |= reap(&ring, 6, want);
	bad |= memcmp(rbuf, "io_ur", 5) || memcmp(v1, "hel", 3) || memcmp(v2, "lo i", 4);
	io_uring_queue_exit(&ring);
	close(fd);
	unlink(path);
	return bad;
}
