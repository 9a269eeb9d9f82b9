/* SPDX-License-Identifier: MIT */
/*
 * Personalities on the kernel: register_personality returns an id; an SQE carrying it in
 * sqe->personality runs with the registered credentials. As root the test proves it:
 * after switching the effective uid to nobody, opening a root-only (0600) file fails with
 * -EACCES unless the SQE uses the personality registered as root. Unknown ids fail the
 * request with -EINVAL; unregister_personality drops the id (a second time: -EINVAL).
 */
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <unistd.h>

static struct io_uring ring;

static int open_with(const char *path, int personality)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;
	int res;

	io_uring_prep_openat(sqe, AT_FDCWD, path, O_RDONLY, 0);
	sqe->personality = personality;
	sqe->user_data = 0x99;
	CHECK(io_uring_submit(&ring) == 1, "submit");
	CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->user_data == 0x99, "cqe");
	res = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	if (res >= 0)
		close(res);
	return res;
}

int main(void)
{
	char path[] = "/tmp/io_urine-pers-XXXXXX";
	int fd, id, id2, ret;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");
	CHECK(io_uring_register_personality(NULL) == -EINVAL, "NULL ring");
	fd = mkstemp(path);
	CHECK(fd >= 0 && fchmod(fd, 0600) == 0, "temp file");
	close(fd);

	id = io_uring_register_personality(&ring);
	CHECK(id > 0, "register_personality %d", id);
	id2 = io_uring_register_personality(&ring);
	CHECK(id2 > 0 && id2 != id, "second personality %d", id2);
	CHECK(open_with(path, id) >= 0, "open with personality");
	ret = open_with(path, id + id2 + 100);
	CHECK(ret == -EINVAL, "unknown personality: %d", ret);

	if (geteuid() == 0) {
		CHECK(seteuid(65534) == 0, "seteuid nobody");
		ret = open_with(path, 0);
		CHECK(ret == -EACCES, "as nobody without personality: %d", ret);
		ret = open_with(path, id);
		CHECK(ret >= 0, "as nobody with root's personality: %d", ret);
		CHECK(seteuid(0) == 0, "seteuid back");
	} else {
		t_skip_case("credential_switch", "not root (seteuid needs it)");
	}

	CHECK(io_uring_unregister_personality(&ring, id) == 0, "unregister");
	CHECK(io_uring_unregister_personality(&ring, id) == -EINVAL, "unregister twice");
	ret = open_with(path, id);
	CHECK(ret == -EINVAL, "dropped personality: %d", ret);
	CHECK(io_uring_unregister_personality(&ring, id2) == 0, "unregister 2");

	unlink(path);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
