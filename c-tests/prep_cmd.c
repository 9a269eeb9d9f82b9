/* SPDX-License-Identifier: MIT */
/*
 * Block-device passthrough helpers on the real kernel, on a loop device backed by a
 * temporary file: cmd_discard of an aligned range reads back as zeroes afterwards while
 * the data around it is intact, a misaligned range is refused (-EINVAL); uring_cmd of an
 * unknown block command and cmd_zone_reset_all on this non-zoned device are refused
 * (-EINVAL/-EOPNOTSUPP); a regular file takes no uring_cmd at all (-EOPNOTSUPP).
 * Skipped when no loop device can be set up (no /dev/loop-control or no permission).
 */
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SZ (1 << 20)

#pragma weak io_uring_prep_cmd_zone_reset_all

static struct io_uring ring;

#define run1(sqe, ud) t_run1(&ring, (sqe), (ud))

#define sqe_get() t_get_sqe(&ring)

/* Attach `backing` to a free loop device (detached again on its last close). */
static int loop_attach(int backing)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);

	if (ctl < 0)
		SKIP("no /dev/loop-control (%s)", strerror(errno));
	for (int tries = 0; tries < 10; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		char path[32];

		if (n < 0)
			SKIP("LOOP_CTL_GET_FREE: %s", strerror(errno));
		snprintf(path, sizeof(path), "/dev/loop%d", n);
		int lfd = open(path, O_RDWR | O_CLOEXEC);
		if (lfd < 0)
			SKIP("open %s: %s", path, strerror(errno));
		struct loop_config cfg;
		memset(&cfg, 0, sizeof(cfg));
		cfg.fd = (__u32)backing;
		cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
		if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0) {
			close(ctl);
			return lfd;
		}
		int err = errno;
		close(lfd);
		if (err != EBUSY)
			SKIP("LOOP_CONFIGURE: %s", strerror(err));
	}
	SKIP("no free loop device");
}

int main(void)
{
	static char data[SZ], back[SZ], zero[8192];
	struct io_uring_sqe *sqe;
	int ret, file, lfd;

	ret = io_uring_queue_init(8, &ring, 0);
	CHECK(ret == 0, "queue_init %d", ret);
	file = t_tmpfile();
	t_fill(data, SZ, 6);
	CHECK(pwrite(file, data, SZ, 0) == SZ, "pwrite");
	CHECK(fsync(file) == 0, "fsync");

	/* a regular file has no uring_cmd handler */
	sqe = sqe_get();
	io_uring_prep_cmd_discard(sqe, file, 0, 4096);
	CHECK((ret = run1(sqe, 1)) == -EOPNOTSUPP, "cmd_discard on a regular file %d", ret);

	lfd = loop_attach(file);
	CHECK(pread(lfd, back, SZ, 0) == SZ && memcmp(back, data, SZ) == 0, "loop device data");

	sqe = sqe_get();
	io_uring_prep_cmd_discard(sqe, lfd, 65536, 8192);
	CHECK(sqe->opcode == IORING_OP_URING_CMD && sqe->cmd_op == BLOCK_URING_CMD_DISCARD &&
	      sqe->addr == 65536 && sqe->addr3 == 8192, "cmd_discard fields");
	ret = run1(sqe, 2);
	if (ret == -EOPNOTSUPP) {
		close(lfd);
		SKIP("this loop device does not support discard");
	}
	CHECK(ret == 0, "cmd_discard %d", ret);
	CHECK(pread(lfd, back, SZ, 0) == SZ, "pread after discard");
	CHECK(memcmp(back + 65536, zero, 8192) == 0, "discarded range not zero");
	CHECK(memcmp(back, data, 65536) == 0 && memcmp(back + 73728, data + 73728, SZ - 73728) == 0,
	      "discard touched data outside its range");

	sqe = sqe_get();
	io_uring_prep_cmd_discard(sqe, lfd, 100, 4096);
	CHECK((ret = run1(sqe, 3)) == -EINVAL, "misaligned discard %d", ret);

	sqe = sqe_get();
	io_uring_prep_uring_cmd(sqe, _IO(0x12, 0x7f), lfd);
	CHECK((ret = run1(sqe, 4)) == -EINVAL || ret == -EOPNOTSUPP, "unknown block command %d", ret);

	if (!io_uring_prep_cmd_zone_reset_all) {
		/* a LIBURING_2.16 symbol: the build's version map must know that node */
		fprintf(stderr, "WARNING: io_uring_prep_cmd_zone_reset_all is not exported\n");
	} else {
		sqe = sqe_get();
		io_uring_prep_cmd_zone_reset_all(sqe, lfd);
		CHECK(sqe->opcode == IORING_OP_URING_CMD && sqe->cmd_op == BLOCK_URING_CMD_ZONE_RESET_ALL,
		      "zone_reset_all fields");
		ret = run1(sqe, 5);
		CHECK(ret == -EINVAL || ret == -EOPNOTSUPP, "zone reset on a non-zoned device %d", ret);
	}

	close(lfd);
	close(file);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
