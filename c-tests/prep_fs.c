/* SPDX-License-Identifier: MIT */
/*
 * File and path prep helpers on the real kernel, in a private temporary directory:
 * openat/open (mode honoured), openat2 (RESOLVE_NO_SYMLINKS refuses a symlink), close
 * (descriptor really gone), statx (size, mode, AT_SYMLINK_NOFOLLOW), direct descriptors
 * in a raw-registered sparse table (open_direct/openat_direct/openat2_direct into given
 * and allocated slots, I/O through IOSQE_FIXED_FILE, close_direct, files_update,
 * fixed_fd_install with and without O_CLOEXEC), and mkdirat/mkdir, renameat/rename
 * (RENAME_NOREPLACE), symlinkat/symlink, linkat/link, unlinkat/unlink (AT_REMOVEDIR,
 * -EISDIR, -ENOENT). Every result is checked against the file system afterwards.
 */
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/stat.h>
#include <sys/stat.h>
#include <unistd.h>

static struct io_uring ring;
static char dir[64];
static int dfd;

#define sqe_get() t_get_sqe(&ring)

#define run1(sqe, ud) t_run1(&ring, (sqe), (ud))

static const char *in_dir(const char *name)
{
	static char paths[4][128];
	static int n;
	char *p = paths[n++ & 3];

	snprintf(p, 128, "%s/%s", dir, name);
	return p;
}

static void test_open_close(void)
{
	struct io_uring_sqe *sqe;
	struct stat st;
	char buf[32];
	int fd, ret;

	sqe = sqe_get();
	io_uring_prep_openat(sqe, dfd, "file", O_CREAT | O_RDWR | O_EXCL, 0640);
	fd = run1(sqe, 1);
	CHECK(fd >= 0, "openat %d", fd);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0640,
	      "openat mode %o", st.st_mode);
	CHECK(write(fd, "hello, file", 11) == 11, "write");
	/* O_EXCL on an existing file: the flags arrived */
	sqe = sqe_get();
	io_uring_prep_openat(sqe, dfd, "file", O_CREAT | O_RDWR | O_EXCL, 0640);
	CHECK((ret = run1(sqe, 2)) == -EEXIST, "openat O_EXCL %d", ret);

	sqe = sqe_get();
	io_uring_prep_close(sqe, fd);
	CHECK((ret = run1(sqe, 3)) == 0, "close %d", ret);
	CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF, "fd still open after close");
	sqe = sqe_get();
	io_uring_prep_close(sqe, fd);
	CHECK((ret = run1(sqe, 4)) == -EBADF, "second close %d", ret);

	/* open: relative to the current directory (absolute path here) */
	sqe = sqe_get();
	io_uring_prep_open(sqe, in_dir("file"), O_RDONLY, 0);
	fd = run1(sqe, 5);
	CHECK(fd >= 0, "open %d", fd);
	CHECK(read(fd, buf, sizeof(buf)) == 11 && memcmp(buf, "hello, file", 11) == 0, "open data");
	close(fd);
	CHECK(chdir(dir) == 0, "chdir");
	sqe = sqe_get();
	io_uring_prep_open(sqe, "file", O_RDONLY, 0);
	fd = run1(sqe, 6);
	CHECK(fd >= 0, "open relative to cwd %d", fd);
	close(fd);
	CHECK(chdir("/") == 0, "chdir /");

	/* openat2 with RESOLVE_NO_SYMLINKS */
	CHECK(symlinkat("file", dfd, "sl") == 0, "symlinkat");
	struct open_how how = { .flags = O_RDONLY, .mode = 0, .resolve = RESOLVE_NO_SYMLINKS };
	sqe = sqe_get();
	io_uring_prep_openat2(sqe, dfd, "file", &how);
	fd = run1(sqe, 7);
	CHECK(fd >= 0, "openat2 %d", fd);
	CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0, "openat2 data");
	close(fd);
	sqe = sqe_get();
	io_uring_prep_openat2(sqe, dfd, "sl", &how);
	CHECK((ret = run1(sqe, 8)) == -ELOOP, "openat2 RESOLVE_NO_SYMLINKS on a symlink: %d", ret);
}

static void test_statx(void)
{
	struct io_uring_sqe *sqe;
	struct statx stx;
	int ret;

	memset(&stx, 0, sizeof(stx));
	sqe = sqe_get();
	io_uring_prep_statx(sqe, dfd, "file", 0, STATX_SIZE | STATX_MODE, &stx);
	CHECK((ret = run1(sqe, 10)) == 0, "statx %d", ret);
	CHECK((stx.stx_mask & (STATX_SIZE | STATX_MODE)) == (STATX_SIZE | STATX_MODE), "mask %x",
	      stx.stx_mask);
	CHECK(stx.stx_size == 11 && S_ISREG(stx.stx_mode) && (stx.stx_mode & 0777) == 0640,
	      "statx size %llu mode %o", (unsigned long long)stx.stx_size, stx.stx_mode);

	/* the symlink itself with AT_SYMLINK_NOFOLLOW, its target without */
	memset(&stx, 0, sizeof(stx));
	sqe = sqe_get();
	io_uring_prep_statx(sqe, AT_FDCWD, in_dir("sl"), AT_SYMLINK_NOFOLLOW, STATX_MODE, &stx);
	CHECK((ret = run1(sqe, 11)) == 0, "statx nofollow %d", ret);
	CHECK(S_ISLNK(stx.stx_mode), "statx AT_SYMLINK_NOFOLLOW mode %o", stx.stx_mode);
	memset(&stx, 0, sizeof(stx));
	sqe = sqe_get();
	io_uring_prep_statx(sqe, AT_FDCWD, in_dir("sl"), 0, STATX_MODE, &stx);
	CHECK((ret = run1(sqe, 12)) == 0 && S_ISREG(stx.stx_mode), "statx follow %d", ret);

	sqe = sqe_get();
	io_uring_prep_statx(sqe, dfd, "missing", 0, STATX_SIZE, &stx);
	CHECK((ret = run1(sqe, 13)) == -ENOENT, "statx of a missing file %d", ret);
}

/* Read 5 bytes from direct descriptor slot `slot` at offset 0. */
static int read_slot(int slot, char *buf)
{
	struct io_uring_sqe *sqe = sqe_get();

	io_uring_prep_read(sqe, slot, buf, 5, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	return run1(sqe, 99);
}

static void test_direct(void)
{
	struct io_uring_rsrc_register reg;
	struct io_uring_sqe *sqe;
	char buf[8];
	int ret, slot, fd;

	memset(&reg, 0, sizeof(reg));
	reg.nr = 8;
	reg.flags = IORING_RSRC_REGISTER_SPARSE;
	ret = io_uring_register(ring.ring_fd, IORING_REGISTER_FILES2, &reg, sizeof(reg));
	CHECK(ret == 0, "register sparse files %d", ret);

	/* open_direct into slot 3: res 0, I/O through the slot works */
	sqe = sqe_get();
	io_uring_prep_open_direct(sqe, in_dir("file"), O_RDONLY, 0, 3);
	CHECK(sqe->file_index == 4, "file_index %u", sqe->file_index);
	CHECK((ret = run1(sqe, 20)) == 0, "open_direct %d", ret);
	CHECK((ret = read_slot(3, buf)) == 5 && memcmp(buf, "hello", 5) == 0, "read slot 3 %d", ret);
	CHECK((ret = read_slot(2, buf)) == -EBADF, "read of empty slot 2 %d", ret);

	/* openat_direct with IORING_FILE_INDEX_ALLOC: res is the allocated slot */
	sqe = sqe_get();
	io_uring_prep_openat_direct(sqe, dfd, "file", O_RDONLY, 0, IORING_FILE_INDEX_ALLOC);
	CHECK(sqe->file_index == IORING_FILE_INDEX_ALLOC, "alloc file_index %x", sqe->file_index);
	slot = run1(sqe, 21);
	CHECK(slot >= 0 && slot < 8 && slot != 3, "openat_direct alloc %d", slot);
	CHECK((ret = read_slot(slot, buf)) == 5, "read allocated slot %d", ret);

	/* openat2_direct into slot 5 */
	struct open_how how = { .flags = O_RDONLY };
	sqe = sqe_get();
	io_uring_prep_openat2_direct(sqe, dfd, "file", &how, 5);
	CHECK((ret = run1(sqe, 22)) == 0, "openat2_direct %d", ret);
	CHECK((ret = read_slot(5, buf)) == 5, "read slot 5 %d", ret);
	sqe = sqe_get();
	io_uring_prep_openat2_direct(sqe, dfd, "file", &how, IORING_FILE_INDEX_ALLOC);
	ret = run1(sqe, 23);
	CHECK(ret >= 0 && ret != 3 && ret != 5 && ret != slot, "openat2_direct alloc %d", ret);
	int slot2 = ret;

	/* close_direct empties the slot */
	sqe = sqe_get();
	io_uring_prep_close_direct(sqe, 3);
	CHECK((ret = run1(sqe, 24)) == 0, "close_direct %d", ret);
	CHECK((ret = read_slot(3, buf)) == -EBADF, "read after close_direct %d", ret);
	sqe = sqe_get();
	io_uring_prep_close_direct(sqe, 3);
	CHECK((ret = run1(sqe, 25)) == -EBADF, "close_direct of an empty slot %d", ret);
	sqe = sqe_get();
	io_uring_prep_close_direct(sqe, (unsigned)slot2);
	CHECK((ret = run1(sqe, 26)) == 0, "close_direct of allocated slot %d", ret);

	/* files_update: a normal fd into slot 6, then slot 6 emptied again */
	fd = open(in_dir("file"), O_RDONLY);
	CHECK(fd >= 0, "open");
	int fds[2] = { fd, -1 };
	sqe = sqe_get();
	io_uring_prep_files_update(sqe, fds, 1, 6);
	CHECK((ret = run1(sqe, 27)) == 1, "files_update %d", ret);
	CHECK((ret = read_slot(6, buf)) == 5, "read updated slot %d", ret);
	sqe = sqe_get();
	io_uring_prep_files_update(sqe, fds + 1, 1, 6);
	CHECK((ret = run1(sqe, 28)) == 1, "files_update -1 %d", ret);
	CHECK((ret = read_slot(6, buf)) == -EBADF, "slot 6 still in use %d", ret);
	/* IORING_FILE_INDEX_ALLOC as offset: the chosen slot is written back into fds */
	fds[0] = fd;
	sqe = sqe_get();
	io_uring_prep_files_update(sqe, fds, 1, (int)IORING_FILE_INDEX_ALLOC);
	CHECK((ret = run1(sqe, 29)) == 1, "files_update alloc %d", ret);
	CHECK(fds[0] >= 0 && fds[0] < 8 && fds[0] != fd, "allocated slot %d", fds[0]);
	CHECK((ret = read_slot(fds[0], buf)) == 5, "read alloc-updated slot %d", ret);
	close(fd);

	/* fixed_fd_install: a normal descriptor for slot 5, O_CLOEXEC unless NO_CLOEXEC */
	sqe = sqe_get();
	io_uring_prep_fixed_fd_install(sqe, 5, 0);
	CHECK(sqe->flags & IOSQE_FIXED_FILE, "fixed_fd_install must set IOSQE_FIXED_FILE");
	fd = run1(sqe, 30);
	if ((fd == -EINVAL || fd == -EOPNOTSUPP) && !t_kernel_has_op(IORING_OP_FIXED_FD_INSTALL)) {
		t_skip_case("fixed_fd_install", "kernel lacks IORING_OP_FIXED_FD_INSTALL (%d)", fd);
	} else {
		CHECK(fd >= 0, "fixed_fd_install %d", fd);
		CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "installed fd without O_CLOEXEC");
		CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "hello", 5) == 0, "installed fd data");
		close(fd);
		sqe = sqe_get();
		io_uring_prep_fixed_fd_install(sqe, 5, IORING_FIXED_FD_NO_CLOEXEC);
		fd = run1(sqe, 31);
		CHECK(fd >= 0 && fcntl(fd, F_GETFD) == 0, "NO_CLOEXEC install %d", fd);
		close(fd);
		sqe = sqe_get();
		io_uring_prep_fixed_fd_install(sqe, 3, 0);
		CHECK((ret = run1(sqe, 32)) == -EBADF, "install of an empty slot %d", ret);
	}
	ret = io_uring_register(ring.ring_fd, IORING_UNREGISTER_FILES, NULL, 0);
	CHECK(ret == 0, "unregister files %d", ret);
}

static void test_paths(void)
{
	struct io_uring_sqe *sqe;
	struct stat st;
	char buf[64];
	int ret;

	/* mkdirat / mkdir */
	sqe = sqe_get();
	io_uring_prep_mkdirat(sqe, dfd, "sub", 0750);
	CHECK((ret = run1(sqe, 40)) == 0, "mkdirat %d", ret);
	CHECK(fstatat(dfd, "sub", &st, 0) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0750,
	      "mkdirat result");
	sqe = sqe_get();
	io_uring_prep_mkdir(sqe, in_dir("sub2"), 0700);
	CHECK((ret = run1(sqe, 41)) == 0, "mkdir %d", ret);
	CHECK(stat(in_dir("sub2"), &st) == 0 && S_ISDIR(st.st_mode), "mkdir result");
	sqe = sqe_get();
	io_uring_prep_mkdir(sqe, in_dir("sub2"), 0700);
	CHECK((ret = run1(sqe, 42)) == -EEXIST, "mkdir of an existing dir %d", ret);

	/* renameat / rename, RENAME_NOREPLACE */
	sqe = sqe_get();
	io_uring_prep_renameat(sqe, dfd, "file", dfd, "renamed", 0);
	CHECK((ret = run1(sqe, 43)) == 0, "renameat %d", ret);
	CHECK(faccessat(dfd, "file", F_OK, 0) == -1 && faccessat(dfd, "renamed", F_OK, 0) == 0,
	      "renameat result");
	sqe = sqe_get();
	io_uring_prep_rename(sqe, in_dir("renamed"), in_dir("file"));
	CHECK((ret = run1(sqe, 44)) == 0, "rename %d", ret);
	CHECK(faccessat(dfd, "file", F_OK, 0) == 0, "rename result");
	int fd = openat(dfd, "other", O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0, "create other");
	close(fd);
	sqe = sqe_get();
	io_uring_prep_renameat(sqe, dfd, "other", dfd, "file", RENAME_NOREPLACE);
	CHECK((ret = run1(sqe, 45)) == -EEXIST, "RENAME_NOREPLACE onto a file %d", ret);

	/* symlinkat / symlink */
	sqe = sqe_get();
	io_uring_prep_symlinkat(sqe, "file", dfd, "link1");
	CHECK((ret = run1(sqe, 46)) == 0, "symlinkat %d", ret);
	memset(buf, 0, sizeof(buf));
	CHECK(readlinkat(dfd, "link1", buf, sizeof(buf)) == 4 && strcmp(buf, "file") == 0,
	      "symlinkat target '%s'", buf);
	sqe = sqe_get();
	io_uring_prep_symlink(sqe, "/nonexistent/target", in_dir("link2"));
	CHECK((ret = run1(sqe, 47)) == 0, "symlink %d", ret);
	memset(buf, 0, sizeof(buf));
	CHECK(readlinkat(dfd, "link2", buf, sizeof(buf)) > 0 && strcmp(buf, "/nonexistent/target") == 0,
	      "symlink target '%s'", buf);

	/* linkat / link: the link count goes up */
	sqe = sqe_get();
	io_uring_prep_linkat(sqe, dfd, "file", dfd, "hard1", 0);
	CHECK((ret = run1(sqe, 48)) == 0, "linkat %d", ret);
	sqe = sqe_get();
	io_uring_prep_link(sqe, in_dir("file"), in_dir("hard2"), 0);
	CHECK((ret = run1(sqe, 49)) == 0, "link %d", ret);
	CHECK(fstatat(dfd, "file", &st, 0) == 0 && st.st_nlink == 3, "nlink %lu", (unsigned long)st.st_nlink);
	/* AT_SYMLINK_FOLLOW: linking through the symlink links its target */
	sqe = sqe_get();
	io_uring_prep_linkat(sqe, dfd, "link1", dfd, "hard3", AT_SYMLINK_FOLLOW);
	CHECK((ret = run1(sqe, 50)) == 0, "linkat follow %d", ret);
	CHECK(fstatat(dfd, "hard3", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	      st.st_nlink == 4, "linkat AT_SYMLINK_FOLLOW result");

	/* unlinkat / unlink */
	const char *victims[] = { "hard1", "hard3", "link1", "other" };
	for (unsigned i = 0; i < 4; i++) {
		sqe = sqe_get();
		io_uring_prep_unlinkat(sqe, dfd, victims[i], 0);
		CHECK((ret = run1(sqe, 51)) == 0, "unlinkat %s %d", victims[i], ret);
		CHECK(faccessat(dfd, victims[i], F_OK, AT_SYMLINK_NOFOLLOW) == -1, "%s survived", victims[i]);
	}
	sqe = sqe_get();
	io_uring_prep_unlink(sqe, in_dir("hard2"), 0);
	CHECK((ret = run1(sqe, 52)) == 0, "unlink %d", ret);
	CHECK(fstatat(dfd, "file", &st, 0) == 0 && st.st_nlink == 1, "nlink after unlinks");
	sqe = sqe_get();
	io_uring_prep_unlink(sqe, in_dir("hard2"), 0);
	CHECK((ret = run1(sqe, 53)) == -ENOENT, "unlink of a missing file %d", ret);
	sqe = sqe_get();
	io_uring_prep_unlinkat(sqe, dfd, "sub", 0);
	CHECK((ret = run1(sqe, 54)) == -EISDIR, "unlinkat of a dir without AT_REMOVEDIR %d", ret);
	sqe = sqe_get();
	io_uring_prep_unlinkat(sqe, dfd, "sub", AT_REMOVEDIR);
	CHECK((ret = run1(sqe, 55)) == 0, "unlinkat AT_REMOVEDIR %d", ret);
	sqe = sqe_get();
	io_uring_prep_unlink(sqe, in_dir("sub2"), AT_REMOVEDIR);
	CHECK((ret = run1(sqe, 56)) == 0, "unlink AT_REMOVEDIR %d", ret);
	CHECK(faccessat(dfd, "sub", F_OK, 0) == -1 && faccessat(dfd, "sub2", F_OK, 0) == -1, "dirs remain");

	const char *rest[] = { "file", "sl", "link2" };
	for (unsigned i = 0; i < 3; i++)
		CHECK(unlinkat(dfd, rest[i], 0) == 0, "cleanup %s", rest[i]);
}

int main(void)
{
	int ret = io_uring_queue_init(8, &ring, 0);

	CHECK(ret == 0, "queue_init %d", ret);
	snprintf(dir, sizeof(dir), "/tmp/io_urine-fs-XXXXXX");
	CHECK(mkdtemp(dir), "mkdtemp");
	dfd = open(dir, O_DIRECTORY | O_RDONLY);
	CHECK(dfd >= 0, "open dir");
	test_open_close();
	test_statx();
	test_direct();
	test_paths();
	close(dfd);
	CHECK(rmdir(dir) == 0, "temp dir not empty at the end");
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
