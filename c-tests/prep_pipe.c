/* SPDX-License-Identifier: MIT */
/*
 * Pipe prep helpers on the real kernel: splice file -> pipe -> file at given offsets
 * and at the file position, splice with SPLICE_F_FD_IN_FIXED (fd_in is a direct
 * descriptor) and with a fixed fd_out, tee duplicating data into a second pipe without
 * consuming it, pipe creating a working pipe (O_CLOEXEC honoured), and pipe_direct into
 * given and allocated direct-descriptor slots used through IOSQE_FIXED_FILE.
 */
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <unistd.h>

static struct io_uring ring;

#define sqe_get() t_get_sqe(&ring)

#define run1(sqe, ud) t_run1(&ring, (sqe), (ud))

static void test_splice(void)
{
	static char data[4096], back[4096];
	struct io_uring_sqe *sqe;
	int src = t_tmpfile(), dst = t_tmpfile(), p[2], ret;

	t_fill(data, sizeof(data), 9);
	CHECK(pwrite(src, data, sizeof(data), 0) == (ssize_t)sizeof(data), "pwrite");
	CHECK(pipe(p) == 0, "pipe");

	/* file (at offset 100) -> pipe */
	sqe = sqe_get();
	io_uring_prep_splice(sqe, src, 100, p[1], -1, 500, 0);
	CHECK((ret = run1(sqe, 1)) == 500, "splice file->pipe %d", ret);
	/* pipe -> file at offset 1000 */
	sqe = sqe_get();
	io_uring_prep_splice(sqe, p[0], -1, dst, 1000, 500, 0);
	CHECK((ret = run1(sqe, 2)) == 500, "splice pipe->file %d", ret);
	CHECK(pread(dst, back, 500, 1000) == 500 && memcmp(back, data + 100, 500) == 0, "spliced data");

	/* off_in -1 on a file: the file position is used and advanced */
	CHECK(lseek(src, 2000, SEEK_SET) == 2000, "lseek");
	sqe = sqe_get();
	io_uring_prep_splice(sqe, src, -1, p[1], -1, 100, 0);
	CHECK((ret = run1(sqe, 3)) == 100, "splice at file position %d", ret);
	CHECK(lseek(src, 0, SEEK_CUR) == 2100, "file position not advanced");
	CHECK(read(p[0], back, 100) == 100 && memcmp(back, data + 2000, 100) == 0, "position data");

	/* neither end a pipe: refused */
	sqe = sqe_get();
	io_uring_prep_splice(sqe, src, 0, dst, 0, 100, 0);
	CHECK((ret = run1(sqe, 4)) == -EINVAL, "splice file->file %d", ret);

	/* fd_in as a direct descriptor (slot 0 = src), fd_out as slot 1 = pipe write end */
	int files[2] = { src, p[1] };
	ret = io_uring_register(ring.ring_fd, IORING_REGISTER_FILES, files, 2);
	CHECK(ret == 0, "register files %d", ret);
	sqe = sqe_get();
	io_uring_prep_splice(sqe, 0, 0, p[1], -1, 64, SPLICE_F_FD_IN_FIXED);
	CHECK(sqe->splice_fd_in == 0 && sqe->splice_flags == SPLICE_F_FD_IN_FIXED, "fixed fd_in fields");
	CHECK((ret = run1(sqe, 5)) == 64, "splice from fixed fd_in %d", ret);
	CHECK(read(p[0], back, 64) == 64 && memcmp(back, data, 64) == 0, "fixed fd_in data");
	sqe = sqe_get();
	io_uring_prep_splice(sqe, 0, 64, 1, -1, 64, SPLICE_F_FD_IN_FIXED);
	sqe->flags |= IOSQE_FIXED_FILE;
	CHECK((ret = run1(sqe, 6)) == 64, "splice fixed -> fixed %d", ret);
	CHECK(read(p[0], back, 64) == 64 && memcmp(back, data + 64, 64) == 0, "fixed->fixed data");
	ret = io_uring_register(ring.ring_fd, IORING_UNREGISTER_FILES, NULL, 0);
	CHECK(ret == 0, "unregister %d", ret);

	close(p[0]);
	close(p[1]);
	close(src);
	close(dst);
}

static void test_tee(void)
{
	struct io_uring_sqe *sqe;
	char back[32];
	int a[2], b[2], ret;

	CHECK(pipe(a) == 0 && pipe(b) == 0, "pipe");
	CHECK(write(a[1], "tee me please", 13) == 13, "write");
	sqe = sqe_get();
	io_uring_prep_tee(sqe, a[0], b[1], 6, 0);
	CHECK((ret = run1(sqe, 10)) == 6, "tee %d", ret);
	CHECK(read(b[0], back, sizeof(back)) == 6 && memcmp(back, "tee me", 6) == 0, "tee copy");
	CHECK(read(a[0], back, sizeof(back)) == 13 && memcmp(back, "tee me please", 13) == 0,
	      "tee consumed its input");
	sqe = sqe_get();
	io_uring_prep_tee(sqe, a[0], a[1], 6, 0);
	CHECK((ret = run1(sqe, 11)) == -EINVAL, "tee of a pipe onto itself %d", ret);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void test_pipe_ops(void)
{
	struct io_uring_sqe *sqe;
	int fds[2] = { -1, -1 }, ret;
	char back[16];

	sqe = sqe_get();
	io_uring_prep_pipe(sqe, fds, O_CLOEXEC);
	ret = run1(sqe, 20);
	if ((ret == -EINVAL || ret == -EOPNOTSUPP) && !t_kernel_has_op(IORING_OP_PIPE)) {
		t_skip_case("pipe", "kernel lacks IORING_OP_PIPE (%d)", ret);
		return;
	}
	CHECK(ret == 0 && fds[0] >= 0 && fds[1] >= 0, "pipe %d (%d, %d)", ret, fds[0], fds[1]);
	CHECK(fcntl(fds[0], F_GETFD) == FD_CLOEXEC && fcntl(fds[1], F_GETFD) == FD_CLOEXEC, "O_CLOEXEC");
	CHECK(write(fds[1], "pipe!", 5) == 5 && read(fds[0], back, 16) == 5 && memcmp(back, "pipe!", 5) == 0,
	      "pipe data");
	close(fds[0]);
	close(fds[1]);

	struct io_uring_rsrc_register reg;
	memset(&reg, 0, sizeof(reg));
	reg.nr = 8;
	reg.flags = IORING_RSRC_REGISTER_SPARSE;
	ret = io_uring_register(ring.ring_fd, IORING_REGISTER_FILES2, &reg, sizeof(reg));
	CHECK(ret == 0, "register sparse %d", ret);

	/* into slots 2 and 3 */
	fds[0] = fds[1] = -1;
	sqe = sqe_get();
	io_uring_prep_pipe_direct(sqe, fds, 0, 2);
	CHECK((ret = run1(sqe, 21)) == 0, "pipe_direct %d", ret);
	CHECK(fds[0] == 2 && fds[1] == 3, "pipe_direct slots %d %d", fds[0], fds[1]);
	sqe = sqe_get();
	io_uring_prep_write(sqe, 3, "direct", 6, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	CHECK((ret = run1(sqe, 22)) == 6, "write to slot 3 %d", ret);
	memset(back, 0, sizeof(back));
	sqe = sqe_get();
	io_uring_prep_read(sqe, 2, back, sizeof(back), 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	CHECK((ret = run1(sqe, 23)) == 6 && memcmp(back, "direct", 6) == 0, "read slot 2 %d", ret);

	/* allocated slots */
	fds[0] = fds[1] = -1;
	sqe = sqe_get();
	io_uring_prep_pipe_direct(sqe, fds, 0, IORING_FILE_INDEX_ALLOC);
	CHECK((ret = run1(sqe, 24)) == 0, "pipe_direct alloc %d", ret);
	CHECK(fds[0] >= 0 && fds[0] < 8 && fds[1] >= 0 && fds[1] < 8 && fds[0] != fds[1] &&
	      fds[0] != 2 && fds[0] != 3 && fds[1] != 2 && fds[1] != 3, "allocated slots %d %d", fds[0], fds[1]);
	sqe = sqe_get();
	io_uring_prep_write(sqe, fds[1], "alloc", 5, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	CHECK((ret = run1(sqe, 25)) == 5, "write to allocated slot %d", ret);
	sqe = sqe_get();
	io_uring_prep_read(sqe, fds[0], back, sizeof(back), 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	CHECK((ret = run1(sqe, 26)) == 5 && memcmp(back, "alloc", 5) == 0, "read allocated slot %d", ret);
	ret = io_uring_register(ring.ring_fd, IORING_UNREGISTER_FILES, NULL, 0);
	CHECK(ret == 0, "unregister %d", ret);
}

int main(void)
{
	int ret = io_uring_queue_init(8, &ring, 0);

	CHECK(ret == 0, "queue_init %d", ret);
	test_splice();
	test_tee();
	test_pipe_ops();
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
