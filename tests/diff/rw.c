/* SPDX-License-Identifier: MIT */
/*
 * File and pipe I/O: write / read / writev / readv / fsync (and fdatasync) on a temporary
 * file, data verified and fingerprinted; reads past EOF, short reads, offset -1 (file
 * position), linked write->read, and the errors the kernel reports in cqe->res for bad
 * fds, wrong open modes and unsupported combinations.
 */
#include "common.h"
#include <fcntl.h>
#include <sys/uio.h>

static struct io_uring ring;
static struct io_uring_sqe *sqe;

/* Get the next SQE into `sqe` (the caller preps it, then calls run()). */
static void next(void)
{
	sqe = io_uring_get_sqe(&ring);
	REQUIRE(sqe);
}

/* Submit the one prepared SQE, wait for its completion, return cqe->res. */
static int run(unsigned long long ud)
{
	struct io_uring_cqe *cqe;
	int ret, res;

	io_uring_sqe_set_data64(sqe, ud);
	ret = io_uring_submit(&ring);
	REQUIRE(ret == 1);
	ret = io_uring_wait_cqe(&ring, &cqe);
	REQUIRE(ret == 0);
	REQUIRE(cqe->user_data == ud);
	res = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	return res;
}

int main(void)
{
	static unsigned char wbuf[4 * 4096], rbuf[4 * 4096];
	struct iovec iov[3];
	int fd, ro, pfd[2], ret;
	char path[] = "/tmp/io_urine-diff-ro-XXXXXX";

	ret = io_uring_queue_init(16, &ring, 0);
	REQUIRE(ret == 0);
	fd = diff_tmpfile();
	diff_fill(wbuf, sizeof(wbuf), 1);

	next(); io_uring_prep_write(sqe, fd, wbuf, 4096, 0);
	OUT_RET("write 4096 @0", run(1));
	memset(rbuf, 0, sizeof(rbuf));
	next(); io_uring_prep_read(sqe, fd, rbuf, 4096, 0);
	OUT_RET("read 4096 @0", run(2));
	OUT("read data matches", "%d", memcmp(rbuf, wbuf, 4096) == 0);
	OUT("read data hash", "%08x", diff_hash(rbuf, 4096));

	/* writev of three pieces at 8192, readv back into differently split buffers */
	iov[0] = (struct iovec){ wbuf + 4096, 100 };
	iov[1] = (struct iovec){ wbuf + 4196, 3000 };
	iov[2] = (struct iovec){ wbuf + 7196, 5000 };
	next(); io_uring_prep_writev(sqe, fd, iov, 3, 8192);
	OUT_RET("writev 8100 @8192", run(3));
	memset(rbuf, 0, sizeof(rbuf));
	iov[0] = (struct iovec){ rbuf, 4000 };
	iov[1] = (struct iovec){ rbuf + 4000, 4000 };
	iov[2] = (struct iovec){ rbuf + 8000, 4000 };
	next(); io_uring_prep_readv(sqe, fd, iov, 3, 8192);
	OUT_RET("readv 12000 @8192 (short: EOF)", run(4));
	OUT("readv data matches", "%d", memcmp(rbuf, wbuf + 4096, 8100) == 0);
	OUT("readv tail untouched", "%d", rbuf[8100] == 0 && rbuf[11999] == 0);

	/* the hole between 4096 and 8192 reads as zeros */
	memset(rbuf, 0xff, 4096);
	next(); io_uring_prep_read(sqe, fd, rbuf, 4096, 4096);
	OUT_RET("read hole 4096 @4096", run(5));
	OUT("hole is zeros", "%d", rbuf[0] == 0 && rbuf[4095] == 0);

	next(); io_uring_prep_read(sqe, fd, rbuf, 4096, 1 << 20);
	OUT_RET("read past EOF", run(6));
	next(); io_uring_prep_read(sqe, fd, rbuf, 0, 0);
	OUT_RET("read 0 bytes", run(7));

	next(); io_uring_prep_fsync(sqe, fd, 0);
	OUT_RET("fsync", run(8));
	next(); io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	OUT_RET("fsync DATASYNC", run(9));

	/* offset -1: the file position, which then advances */
	REQUIRE(lseek(fd, 100, SEEK_SET) == 100);
	next(); io_uring_prep_read(sqe, fd, rbuf, 50, (__u64)-1);
	OUT_RET("read 50 @-1 (pos 100)", run(10));
	OUT("read @-1 data matches", "%d", memcmp(rbuf, wbuf + 100, 50) == 0);
	OUT("file position after", "%lld", (long long)lseek(fd, 0, SEEK_CUR));

	/* a linked write -> read in one submit */
	next(); io_uring_prep_write(sqe, fd, wbuf + 3 * 4096, 512, 20000);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	io_uring_sqe_set_data64(sqe, 11);
	next(); io_uring_prep_read(sqe, fd, rbuf, 512, 20000);
	io_uring_sqe_set_data64(sqe, 12);
	OUT_RET("submit linked write+read", io_uring_submit(&ring));
	diff_reap_sorted(&ring, 2, "linked");
	OUT("linked read matches", "%d", memcmp(rbuf, wbuf + 3 * 4096, 512) == 0);

	/* a failing link head cancels the rest of the chain */
	next(); io_uring_prep_read(sqe, 1000, rbuf, 512, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	io_uring_sqe_set_data64(sqe, 13);
	next(); io_uring_prep_write(sqe, fd, wbuf, 512, 0);
	io_uring_sqe_set_data64(sqe, 14);
	OUT_RET("submit failing chain", io_uring_submit(&ring));
	diff_reap_sorted(&ring, 2, "chain");

	/* errors reported in cqe->res */
	next(); io_uring_prep_read(sqe, 1000, rbuf, 16, 0);
	OUT_RET("read fd 1000 (not open)", run(20));
	next(); io_uring_prep_read(sqe, -1, rbuf, 16, 0);
	OUT_RET("read fd -1", run(21));
	next(); io_uring_prep_writev(sqe, 1000, iov, 1, 0);
	OUT_RET("writev fd 1000", run(22));
	next(); io_uring_prep_fsync(sqe, 1000, 0);
	OUT_RET("fsync fd 1000", run(23));
	ro = mkstemp(path);
	REQUIRE(ro >= 0);
	close(ro);
	ro = open(path, O_RDONLY);
	REQUIRE(ro >= 0);
	unlink(path);
	next(); io_uring_prep_write(sqe, ro, wbuf, 16, 0);
	OUT_RET("write to O_RDONLY fd", run(24));
	next(); io_uring_prep_read(sqe, fd, rbuf, 16, 0);
	sqe->opcode = 250;
	OUT_RET("unknown opcode 250", run(25));
	next(); io_uring_prep_fsync(sqe, fd, 0x100);
	OUT_RET("fsync bad flags", run(26));
	next(); io_uring_prep_read(sqe, fd, rbuf, 16, 0);
	sqe->flags = 0x80;
	OUT_RET("read with unknown sqe flag 0x80", run(27));

	/* pipes: no offsets, short reads */
	REQUIRE(pipe(pfd) == 0);
	next(); io_uring_prep_write(sqe, pfd[1], "0123456789", 10, 0);
	OUT_RET("pipe write 10", run(30));
	memset(rbuf, 0, 64);
	next(); io_uring_prep_read(sqe, pfd[0], rbuf, 64, 0);
	OUT_RET("pipe read 64 (short)", run(31));
	OUT("pipe data", "%s", (char *)rbuf);
	next(); io_uring_prep_read(sqe, pfd[0], rbuf, 64, 12345);
	io_uring_sqe_set_data64(sqe, 32);
	close(pfd[1]);
	OUT_RET("submit read of pipe w/o writer", io_uring_submit(&ring));
	diff_reap_sorted(&ring, 1, "pipe eof");
	close(pfd[0]);

	/* close through io_uring, then the fd is gone */
	next(); io_uring_prep_close(sqe, ro);
	OUT_RET("close ro fd", run(40));
	OUT("fcntl(closed fd) fails EBADF", "%d", fcntl(ro, F_GETFD) == -1 && errno == EBADF);
	next(); io_uring_prep_close(sqe, ro);
	OUT_RET("close it again", run(41));

	close(fd);
	io_uring_queue_exit(&ring);
	return 0;
}
