/* SPDX-License-Identifier: MIT */
/*
 * Error codes returned by the library's functions (not cqe->res): queue_init with bad
 * sizes and flags, CLAMP, register/unregister of files and eventfds with bad arguments,
 * the probe (opcode_supported), and ring fds after queue_exit.
 */
#include "common.h"
#include <fcntl.h>
#include <sys/eventfd.h>

int main(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	struct io_uring_probe *probe;
	int ret, fds[4], efd, supported;

	OUT_RET("queue_init(0)", io_uring_queue_init(0, &ring, 0));
	OUT_RET("queue_init(65536)", io_uring_queue_init(65536, &ring, 0));
	memset(&p, 0, sizeof(p));
	p.flags = 0x80000000u;
	OUT_RET("queue_init_params(bad flag)", io_uring_queue_init_params(4, &ring, &p));
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 0;
	OUT_RET("queue_init_params(CQSIZE 0)", io_uring_queue_init_params(4, &ring, &p));
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 2;
	OUT_RET("queue_init_params(CQSIZE < SQ)", io_uring_queue_init_params(4, &ring, &p));
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQ_AFF;
	p.sq_thread_cpu = 0;
	OUT_RET("queue_init_params(SQ_AFF w/o SQPOLL)", io_uring_queue_init_params(4, &ring, &p));

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CLAMP;
	ret = io_uring_queue_init_params(1u << 20, &ring, &p);
	OUT_RET("queue_init_params(1M, CLAMP)", ret);
	if (ret == 0) {
		OUT("clamped sq/cq entries", "%u/%u", ring.sq.ring_entries, ring.cq.ring_entries);
		io_uring_queue_exit(&ring);
	}

	ret = io_uring_queue_init(8, &ring, 0);
	REQUIRE(ret == 0);

	/* files */
	OUT_RET("unregister_files (none)", io_uring_unregister_files(&ring));
	fds[0] = -2;
	OUT_RET("register_files({-2})", io_uring_register_files(&ring, fds, 1));
	fds[0] = 1000;
	OUT_RET("register_files({1000})", io_uring_register_files(&ring, fds, 1));
	fds[0] = 0, fds[1] = 1, fds[2] = -1, fds[3] = 2;
	OUT_RET("register_files({0,1,-1,2})", io_uring_register_files(&ring, fds, 4));
	OUT_RET("register_files again (busy)", io_uring_register_files(&ring, fds, 4));
	fds[0] = 1000;
	OUT_RET("register_files_update(bad fd)", io_uring_register_files_update(&ring, 2, fds, 1));
	fds[0] = 0;
	OUT_RET("register_files_update(slot 2)", io_uring_register_files_update(&ring, 2, fds, 1));
	OUT_RET("register_files_update(off 10)", io_uring_register_files_update(&ring, 10, fds, 1));
	OUT_RET("unregister_files", io_uring_unregister_files(&ring));
	OUT_RET("unregister_files again", io_uring_unregister_files(&ring));
	OUT_RET("register_files(NULL, 0)", io_uring_register_files(&ring, NULL, 0));

	/* eventfd */
	OUT_RET("register_eventfd(-1)", io_uring_register_eventfd(&ring, -1));
	OUT_RET("unregister_eventfd (none)", io_uring_unregister_eventfd(&ring));
	efd = eventfd(0, EFD_CLOEXEC);
	REQUIRE(efd >= 0);
	OUT_RET("register_eventfd", io_uring_register_eventfd(&ring, efd));
	OUT_RET("register_eventfd again", io_uring_register_eventfd(&ring, efd));
	OUT("cq_eventfd_enabled", "%d", io_uring_cq_eventfd_enabled(&ring));
	OUT_RET("cq_eventfd_toggle(false)", io_uring_cq_eventfd_toggle(&ring, false));
	OUT("cq_eventfd_enabled", "%d", io_uring_cq_eventfd_enabled(&ring));
	OUT_RET("cq_eventfd_toggle(true)", io_uring_cq_eventfd_toggle(&ring, true));
	OUT_RET("unregister_eventfd", io_uring_unregister_eventfd(&ring));
	close(efd);

	/* personality, buffers */
	ret = io_uring_register_personality(&ring);
	OUT("register_personality > 0", "%d", ret > 0);
	if (ret > 0) {
		OUT_RET("unregister_personality", io_uring_unregister_personality(&ring, ret));
		OUT_RET("unregister_personality again", io_uring_unregister_personality(&ring, ret));
	}
	OUT_RET("unregister_buffers (none)", io_uring_unregister_buffers(&ring));
	{
		static char b1[4096];
		struct iovec iov = { b1, sizeof(b1) };

		OUT_RET("register_buffers(1)", io_uring_register_buffers(&ring, &iov, 1));
		OUT_RET("register_buffers again", io_uring_register_buffers(&ring, &iov, 1));
		OUT_RET("unregister_buffers", io_uring_unregister_buffers(&ring));
		iov.iov_base = NULL;
		OUT_RET("register_buffers(NULL base)", io_uring_register_buffers(&ring, &iov, 1));
	}

	/* probe */
	probe = io_uring_get_probe_ring(&ring);
	OUT("get_probe_ring != NULL", "%d", probe != NULL);
	if (probe) {
		OUT("probe last_op", "%u", probe->last_op);
		supported = 0;
		for (int op = 0; op <= probe->last_op; op++)
			supported += io_uring_opcode_supported(probe, op);
		OUT("opcodes supported", "%d", supported);
		OUT("NOP/READ/WRITE supported", "%d%d%d", io_uring_opcode_supported(probe, IORING_OP_NOP),
		    io_uring_opcode_supported(probe, IORING_OP_READ), io_uring_opcode_supported(probe, IORING_OP_WRITE));
		OUT("opcode last_op+1 supported", "%d", io_uring_opcode_supported(probe, probe->last_op + 1));
		io_uring_free_probe(probe);
	}
	probe = io_uring_get_probe();
	OUT("get_probe != NULL", "%d", probe != NULL);
	if (probe)
		io_uring_free_probe(probe);

	/* after queue_exit the ring fd is closed */
	{
		int rfd = ring.ring_fd;

		io_uring_queue_exit(&ring);
		OUT("ring fd closed after exit", "%d", fcntl(rfd, F_GETFD) == -1 && errno == EBADF);
	}
	return 0;
}
