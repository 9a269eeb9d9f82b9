/* SPDX-License-Identifier: MIT */
/*
 * Sync and advice prep helpers on the real kernel: fsync/fdatasync, sync_file_range,
 * fallocate (size grows; KEEP_SIZE allocates blocks only; PUNCH_HOLE zeroes exactly the
 * given range), fadvise/fadvise64, madvise/madvise64 (MADV_DONTNEED zeroes exactly the
 * given length of private anonymous memory), ftruncate (size checked with fstat). Bad
 * flags/advice values must come back as -EINVAL, proving each field reaches the kernel.
 */
#include "helpers.h"
#include <liburing.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static struct io_uring ring;

#define run1(sqe, ud) t_run1(&ring, (sqe), (ud))

#define sqe_get() t_get_sqe(&ring)

/*
 * Run the prepared sqe; 0 when it succeeded. On -EINVAL the kernel itself must refuse the
 * same SQE (raw ring): then sub-case `name` is skipped and 1 returned.
 */
static int run1_or_refused(struct io_uring_sqe *sqe, unsigned long long ud, const char *name)
{
	struct io_uring_sqe copy = *sqe;
	int ret = run1(sqe, ud), raw;

	if (ret == -EINVAL) {
		raw = t_kernel_run_sqe(0, &copy, NULL, 0);
		CHECK(raw == -EINVAL, "%s -EINVAL here, the kernel itself gave %d", name, raw);
		t_skip_case(name, "kernel refuses the 64-bit length");
		return 1;
	}
	CHECK(ret == 0, "%s %d", name, ret);
	return 0;
}

static off_t fsize(int fd)
{
	struct stat st;

	CHECK(fstat(fd, &st) == 0, "fstat");
	return st.st_size;
}

static void test_fsync(int fd)
{
	struct io_uring_sqe *sqe;
	char buf[512];
	int ret;

	t_fill(buf, sizeof(buf), 1);
	CHECK(pwrite(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf), "pwrite");
	sqe = sqe_get();
	io_uring_prep_fsync(sqe, fd, 0);
	CHECK((ret = run1(sqe, 1)) == 0, "fsync %d", ret);
	sqe = sqe_get();
	io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	CHECK((ret = run1(sqe, 2)) == 0, "fdatasync %d", ret);
	sqe = sqe_get();
	io_uring_prep_fsync(sqe, fd, 1U << 7);
	CHECK((ret = run1(sqe, 3)) == -EINVAL, "fsync with unknown flag: %d", ret);
	sqe = sqe_get();
	io_uring_prep_fsync(sqe, -1, 0);
	CHECK((ret = run1(sqe, 4)) == -EBADF, "fsync of fd -1: %d", ret);

	sqe = sqe_get();
	io_uring_prep_sync_file_range(sqe, fd, 512, 0, SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
	CHECK((ret = run1(sqe, 5)) == 0, "sync_file_range %d", ret);
	sqe = sqe_get();
	io_uring_prep_sync_file_range(sqe, fd, 512, 0, 0x100);
	CHECK((ret = run1(sqe, 6)) == -EINVAL, "sync_file_range with bad flags: %d", ret);
}

static void test_fallocate(int fd)
{
	struct io_uring_sqe *sqe;
	struct stat st;
	static char buf[16384], zero[4096];
	int ret;

	CHECK(ftruncate(fd, 0) == 0, "ftruncate");
	/* mode 0: allocate and extend; the 64-bit length lives in sqe->addr */
	sqe = sqe_get();
	io_uring_prep_fallocate(sqe, fd, 0, 4096, 1 << 20);
	CHECK((ret = run1(sqe, 10)) == 0, "fallocate %d", ret);
	CHECK(fsize(fd) == 4096 + (1 << 20), "size after fallocate %lld", (long long)fsize(fd));

	/* KEEP_SIZE beyond EOF: blocks allocated, size unchanged */
	CHECK(fstat(fd, &st) == 0, "fstat");
	blkcnt_t blocks = st.st_blocks;
	sqe = sqe_get();
	io_uring_prep_fallocate(sqe, fd, FALLOC_FL_KEEP_SIZE, 2 << 20, 1 << 20);
	ret = run1(sqe, 11);
	CHECK(ret == 0, "fallocate KEEP_SIZE %d", ret);
	CHECK(fstat(fd, &st) == 0, "fstat");
	CHECK(st.st_size == 4096 + (1 << 20), "KEEP_SIZE changed the size");
	CHECK(st.st_blocks >= blocks + 2048, "KEEP_SIZE allocated too little: %lld -> %lld",
	      (long long)blocks, (long long)st.st_blocks);

	/* PUNCH_HOLE zeroes exactly [4096, 8192) of written data */
	t_fill(buf, sizeof(buf), 2);
	CHECK(pwrite(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf), "pwrite");
	sqe = sqe_get();
	io_uring_prep_fallocate(sqe, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 4096);
	ret = run1(sqe, 12);
	if (ret == -EOPNOTSUPP) {
		/* only a skip if fallocate(2) itself gets the same answer on this file */
		CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 4096) == -1 &&
			      errno == EOPNOTSUPP,
		      "punch hole: -EOPNOTSUPP through io_uring, fallocate(2) works");
		t_skip_case("punch_hole", "the file system of /tmp cannot punch holes");
	} else {
		static char back[16384];
		CHECK(ret == 0, "punch hole %d", ret);
		CHECK(pread(fd, back, sizeof(back), 0) == (ssize_t)sizeof(back), "pread");
		CHECK(memcmp(back, buf, 4096) == 0, "data before the hole changed");
		CHECK(memcmp(back + 4096, zero, 4096) == 0, "hole not zeroed");
		CHECK(memcmp(back + 8192, buf + 8192, 8192) == 0, "data after the hole changed");
	}
	/* an invalid mode combination (PUNCH_HOLE needs KEEP_SIZE) */
	sqe = sqe_get();
	io_uring_prep_fallocate(sqe, fd, FALLOC_FL_PUNCH_HOLE, 0, 4096);
	CHECK((ret = run1(sqe, 13)) == -EOPNOTSUPP || ret == -EINVAL, "bad fallocate mode: %d", ret);
}

static void test_fadvise(int fd)
{
	struct io_uring_sqe *sqe;
	int ret;

	sqe = sqe_get();
	io_uring_prep_fadvise(sqe, fd, 0, 4096, POSIX_FADV_DONTNEED);
	CHECK((ret = run1(sqe, 20)) == 0, "fadvise %d", ret);
	sqe = sqe_get();
	io_uring_prep_fadvise(sqe, fd, 0, 4096, 77);
	CHECK((ret = run1(sqe, 21)) == -EINVAL, "fadvise with bad advice: %d", ret);
	sqe = sqe_get();
	io_uring_prep_fadvise64(sqe, fd, 0, (off_t)1 << 40, POSIX_FADV_WILLNEED);
	/* the 64-bit length in sqe->addr is 6.7+; older kernels refuse a non-zero addr */
	if (run1_or_refused(sqe, 22, "fadvise64"))
		return;
	sqe = sqe_get();
	io_uring_prep_fadvise64(sqe, fd, 0, 4096, 77);
	CHECK((ret = run1(sqe, 23)) == -EINVAL, "fadvise64 with bad advice: %d", ret);
	/* a negative 64-bit length is refused: the length really is read from sqe->addr */
	sqe = sqe_get();
	io_uring_prep_fadvise64(sqe, fd, 0, -4096, POSIX_FADV_NORMAL);
	CHECK((ret = run1(sqe, 24)) == -EINVAL, "fadvise64 with negative length: %d", ret);
}

static void test_madvise(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct io_uring_sqe *sqe;
	int ret, i;

	CHECK(m != MAP_FAILED, "mmap");
	memset(m, 0xab, 4 * pg);
	/* DONTNEED on page 0 only: it reads back as zeroes, page 1 keeps its data */
	sqe = sqe_get();
	io_uring_prep_madvise(sqe, m, pg, MADV_DONTNEED);
	CHECK((ret = run1(sqe, 30)) == 0, "madvise %d", ret);
	for (i = 0; i < pg; i++)
		CHECK(m[i] == 0, "page 0 not dropped at %d", i);
	CHECK(m[pg] == 0xab && m[2 * pg - 1] == 0xab, "madvise went past its length");

	/* madvise64: pages 2..3 */
	sqe = sqe_get();
	io_uring_prep_madvise64(sqe, m + 2 * pg, 2 * pg, MADV_DONTNEED);
	/* the 64-bit length in sqe->off is 6.7+; older kernels refuse a non-zero off */
	if (run1_or_refused(sqe, 31, "madvise64")) {
		munmap(m, 4 * pg);
		return;
	}
	CHECK(m[2 * pg] == 0 && m[4 * pg - 1] == 0, "madvise64 did not drop pages 2..3");
	CHECK(m[pg] == 0xab, "madvise64 touched page 1");

	sqe = sqe_get();
	io_uring_prep_madvise(sqe, m, pg, 12345);
	CHECK((ret = run1(sqe, 32)) == -EINVAL, "madvise with bad advice: %d", ret);
	sqe = sqe_get();
	io_uring_prep_madvise64(sqe, m + 1, pg, MADV_DONTNEED);
	CHECK((ret = run1(sqe, 33)) == -EINVAL, "madvise64 of an unaligned address: %d", ret);
	munmap(m, 4 * pg);
}

static void test_ftruncate(int fd)
{
	struct io_uring_sqe *sqe;
	int ret;

	sqe = sqe_get();
	io_uring_prep_ftruncate(sqe, fd, 12345);
	ret = run1(sqe, 40);
	if ((ret == -EINVAL || ret == -EOPNOTSUPP) && !t_kernel_has_op(IORING_OP_FTRUNCATE)) {
		t_skip_case("ftruncate", "kernel lacks IORING_OP_FTRUNCATE (%d)", ret);
		return;
	}
	CHECK(ret == 0, "ftruncate %d", ret);
	CHECK(fsize(fd) == 12345, "size after ftruncate %lld", (long long)fsize(fd));
	sqe = sqe_get();
	io_uring_prep_ftruncate(sqe, fd, (loff_t)5 << 30);
	CHECK((ret = run1(sqe, 41)) == 0, "ftruncate to 5 GiB %d", ret);
	CHECK(fsize(fd) == (off_t)5 << 30, "64-bit ftruncate length lost: %lld", (long long)fsize(fd));
	sqe = sqe_get();
	io_uring_prep_ftruncate(sqe, fd, -1);
	CHECK((ret = run1(sqe, 42)) == -EINVAL, "negative ftruncate: %d", ret);
}

int main(void)
{
	int ret = io_uring_queue_init(8, &ring, 0);
	int fd = t_tmpfile();

	CHECK(ret == 0, "queue_init %d", ret);
	test_fsync(fd);
	test_fallocate(fd);
	test_fadvise(fd);
	test_madvise();
	test_ftruncate(fd);
	close(fd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
