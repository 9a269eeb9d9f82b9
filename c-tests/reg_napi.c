/* SPDX-License-Identifier: MIT */
/*
 * NAPI busy polling registration on the kernel: register_napi enables it and writes the
 * previous settings (none) back into the struct; registering again returns the settings
 * of the first call; unregister_napi returns the settings in force and disables it (a
 * further unregister reports zeros); a socket recv still works with busy polling on.
 * Skipped only when the kernel answers -EINVAL / -EOPNOTSUPP (no CONFIG_NET_RX_BUSY_POLL).
 */
#include "helpers.h"
#include <liburing.h>
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/socket.h>

int main(void)
{
	struct io_uring_napi napi;
	struct io_uring ring;
	int ret, sv[2];

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");
	memset(&napi, 0, sizeof(napi));
	napi.busy_poll_to = 50;
	napi.prefer_busy_poll = 1;
	CHECK(io_uring_register_napi(NULL, &napi) == -EINVAL, "NULL ring");
	ret = io_uring_register_napi(&ring, &napi);
	if ((ret == -EINVAL || ret == -EOPNOTSUPP) &&
	    syscall(__NR_io_uring_register, ring.ring_fd, IORING_REGISTER_NAPI, &napi, 1) == -1 && errno == -ret)
		SKIP("kernel refuses NAPI registration: %d", ret);
	CHECK(ret == 0, "register_napi %d", ret);
	CHECK(napi.busy_poll_to == 0 && napi.prefer_busy_poll == 0, "previous settings were off: %u %u",
	      napi.busy_poll_to, napi.prefer_busy_poll);

	memset(&napi, 0, sizeof(napi));
	napi.busy_poll_to = 20;
	CHECK(io_uring_register_napi(&ring, &napi) == 0, "register again");
	CHECK(napi.busy_poll_to == 50 && napi.prefer_busy_poll == 1, "first settings returned: %u %u",
	      napi.busy_poll_to, napi.prefer_busy_poll);

	/* A recv on a socket with busy polling on. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	char buf[8];
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_recv(sqe, sv[0], buf, sizeof(buf), 0);
	CHECK(io_uring_submit(&ring) == 1, "submit recv");
	CHECK(write(sv[1], "napi", 4) == 4, "write");
	struct io_uring_cqe *cqe;
	CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->res == 4, "recv");
	T_KERNEL_WROTE(buf, cqe->res);
	CHECK(memcmp(buf, "napi", 4) == 0, "recv data");
	io_uring_cqe_seen(&ring, cqe);

	memset(&napi, 0xff, sizeof(napi));
	CHECK(io_uring_unregister_napi(&ring, &napi) == 0, "unregister_napi");
	CHECK(napi.busy_poll_to == 20 && napi.prefer_busy_poll == 0, "settings in force: %u %u",
	      napi.busy_poll_to, napi.prefer_busy_poll);
	memset(&napi, 0xff, sizeof(napi));
	CHECK(io_uring_unregister_napi(&ring, &napi) == 0, "unregister again");
	CHECK(napi.busy_poll_to == 0, "now off: %u", napi.busy_poll_to);
	CHECK(io_uring_unregister_napi(&ring, NULL) == 0, "NULL out struct is allowed");
	CHECK(io_uring_register_napi(&ring, NULL) == -EFAULT, "NULL napi");

	close(sv[0]);
	close(sv[1]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
