/* SPDX-License-Identifier: MIT */
/*
 * Extended-attribute prep helpers on the real kernel: setxattr/getxattr by path and
 * fsetxattr/fgetxattr by fd on a temporary file, cross-checked with the libc calls;
 * XATTR_CREATE/XATTR_REPLACE flags (-EEXIST/-ENODATA), a too-small buffer (-ERANGE),
 * a missing attribute (-ENODATA). Skips only if the file system refuses user xattrs.
 */
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

static struct io_uring ring;

#define run1(sqe, ud) t_run1(&ring, (sqe), (ud))

#define sqe_get() t_get_sqe(&ring)

int main(void)
{
	char path[] = "/tmp/io_urine-xattr-XXXXXX";
	struct io_uring_sqe *sqe;
	char buf[64];
	int fd, ret;

	ret = io_uring_queue_init(8, &ring, 0);
	CHECK(ret == 0, "queue_init %d", ret);
	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");

	/* setxattr by path, read back with libc */
	sqe = sqe_get();
	io_uring_prep_setxattr(sqe, "user.io_urine", "first", path, 0, 5);
	ret = run1(sqe, 1);
	if (ret == -EOPNOTSUPP) {
		unlink(path);
		SKIP("file system does not support user xattrs");
	}
	CHECK(ret == 0, "setxattr %d", ret);
	memset(buf, 0, sizeof(buf));
	CHECK(getxattr(path, "user.io_urine", buf, sizeof(buf)) == 5 && memcmp(buf, "first", 5) == 0,
	      "setxattr value '%s'", buf);

	/* getxattr by path */
	memset(buf, 0, sizeof(buf));
	sqe = sqe_get();
	io_uring_prep_getxattr(sqe, "user.io_urine", buf, path, sizeof(buf));
	CHECK((ret = run1(sqe, 2)) == 5, "getxattr %d", ret);
	CHECK(memcmp(buf, "first", 5) == 0, "getxattr value");
	sqe = sqe_get();
	io_uring_prep_getxattr(sqe, "user.io_urine", buf, path, 2);
	CHECK((ret = run1(sqe, 3)) == -ERANGE, "getxattr into a short buffer %d", ret);
	sqe = sqe_get();
	io_uring_prep_getxattr(sqe, "user.missing", buf, path, sizeof(buf));
	CHECK((ret = run1(sqe, 4)) == -ENODATA, "getxattr of a missing name %d", ret);

	/* flags: XATTR_CREATE on an existing name, XATTR_REPLACE on a missing one */
	sqe = sqe_get();
	io_uring_prep_setxattr(sqe, "user.io_urine", "again", path, XATTR_CREATE, 5);
	CHECK((ret = run1(sqe, 5)) == -EEXIST, "setxattr XATTR_CREATE %d", ret);
	sqe = sqe_get();
	io_uring_prep_fsetxattr(sqe, fd, "user.other", "x", XATTR_REPLACE, 1);
	CHECK((ret = run1(sqe, 6)) == -ENODATA, "fsetxattr XATTR_REPLACE %d", ret);

	/* fsetxattr / fgetxattr by fd */
	sqe = sqe_get();
	io_uring_prep_fsetxattr(sqe, fd, "user.io_urine", "second value", XATTR_REPLACE, 12);
	CHECK((ret = run1(sqe, 7)) == 0, "fsetxattr %d", ret);
	memset(buf, 0, sizeof(buf));
	CHECK(fgetxattr(fd, "user.io_urine", buf, sizeof(buf)) == 12 && strcmp(buf, "second value") == 0,
	      "fsetxattr value '%s'", buf);
	memset(buf, 0, sizeof(buf));
	sqe = sqe_get();
	io_uring_prep_fgetxattr(sqe, fd, "user.io_urine", buf, sizeof(buf));
	CHECK((ret = run1(sqe, 8)) == 12, "fgetxattr %d", ret);
	CHECK(strcmp(buf, "second value") == 0, "fgetxattr value '%s'", buf);
	/* len 0 asks for the size only */
	sqe = sqe_get();
	io_uring_prep_fgetxattr(sqe, fd, "user.io_urine", NULL, 0);
	CHECK((ret = run1(sqe, 9)) == 12, "fgetxattr size query %d", ret);

	close(fd);
	unlink(path);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
