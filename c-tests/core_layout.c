/* SPDX-License-Identifier: MIT */
/*
 * Struct layouts seen from C through our headers: sizeof, alignof and the offset and
 * size of every field listed in abi/layouts.txt (liburing 2.15's x86_64
 * layouts: struct io_uring / io_uring_sq / io_uring_cq, every named io_uring_sqe field
 * including union members, cqe, params, offsets, buf, buf_ring, getevents_arg, probe,
 * probe_op, recvmsg_out and the sizeof-only register structs). The expected values are
 * copied from that file; checked at compile time and reported at run time.
 */
#include "helpers.h"
#include <liburing.h>
#include <stddef.h>

static int failures, checks;

static void expect(const char *what, size_t got, size_t want)
{
	checks++;
	if (got != want) {
		fprintf(stderr, "%s: %zu, want %zu\n", what, got, want);
		failures++;
	}
}

#define STRUCT(s, size, align)                                                         \
	do {                                                                           \
		_Static_assert(sizeof(struct s) == (size), "sizeof " #s);              \
		_Static_assert(_Alignof(struct s) == (align), "alignof " #s);          \
		expect("sizeof(struct " #s ")", sizeof(struct s), size);               \
		expect("alignof(struct " #s ")", _Alignof(struct s), align);           \
	} while (0)

#define FIELD(s, f, off, size)                                                         \
	do {                                                                           \
		_Static_assert(offsetof(struct s, f) == (off), "offsetof " #s "." #f); \
		expect("offsetof(" #s "." #f ")", offsetof(struct s, f), off);         \
		expect("sizeof(" #s "." #f ")", sizeof(((struct s *)0)->f), size);    \
	} while (0)

#define FLEX(s, f, off)                                                                \
	do {                                                                           \
		_Static_assert(offsetof(struct s, f) == (off), "offsetof " #s "." #f); \
		expect("offsetof(" #s "." #f ")", offsetof(struct s, f), off);         \
	} while (0)

int main(void)
{
	STRUCT(io_uring_sq, 104, 8);
	FIELD(io_uring_sq, khead, 0, 8);
	FIELD(io_uring_sq, ktail, 8, 8);
	FIELD(io_uring_sq, kring_mask, 16, 8);
	FIELD(io_uring_sq, kring_entries, 24, 8);
	FIELD(io_uring_sq, kflags, 32, 8);
	FIELD(io_uring_sq, kdropped, 40, 8);
	FIELD(io_uring_sq, array, 48, 8);
	FIELD(io_uring_sq, sqes, 56, 8);
	FIELD(io_uring_sq, sqe_head, 64, 4);
	FIELD(io_uring_sq, sqe_tail, 68, 4);
	FIELD(io_uring_sq, ring_sz, 72, 8);
	FIELD(io_uring_sq, ring_ptr, 80, 8);
	FIELD(io_uring_sq, ring_mask, 88, 4);
	FIELD(io_uring_sq, ring_entries, 92, 4);
	FIELD(io_uring_sq, sqes_sz, 96, 4);
	FIELD(io_uring_sq, pad, 100, 4);
	STRUCT(io_uring_cq, 88, 8);
	FIELD(io_uring_cq, khead, 0, 8);
	FIELD(io_uring_cq, ktail, 8, 8);
	FIELD(io_uring_cq, kring_mask, 16, 8);
	FIELD(io_uring_cq, kring_entries, 24, 8);
	FIELD(io_uring_cq, kflags, 32, 8);
	FIELD(io_uring_cq, koverflow, 40, 8);
	FIELD(io_uring_cq, cqes, 48, 8);
	FIELD(io_uring_cq, ring_sz, 56, 8);
	FIELD(io_uring_cq, ring_ptr, 64, 8);
	FIELD(io_uring_cq, ring_mask, 72, 4);
	FIELD(io_uring_cq, ring_entries, 76, 4);
	FIELD(io_uring_cq, pad, 80, 8);
	STRUCT(io_uring, 216, 8);
	FIELD(io_uring, sq, 0, 104);
	FIELD(io_uring, cq, 104, 88);
	FIELD(io_uring, flags, 192, 4);
	FIELD(io_uring, ring_fd, 196, 4);
	FIELD(io_uring, features, 200, 4);
	FIELD(io_uring, enter_ring_fd, 204, 4);
	FIELD(io_uring, int_flags, 208, 1);
	FIELD(io_uring, pad, 209, 3);
	FIELD(io_uring, pad2, 212, 4);
	STRUCT(io_uring_sqe, 64, 8);
	FIELD(io_uring_sqe, opcode, 0, 1);
	FIELD(io_uring_sqe, flags, 1, 1);
	FIELD(io_uring_sqe, ioprio, 2, 2);
	FIELD(io_uring_sqe, fd, 4, 4);
	FIELD(io_uring_sqe, off, 8, 8);
	FIELD(io_uring_sqe, addr2, 8, 8);
	FIELD(io_uring_sqe, cmd_op, 8, 4);
	FIELD(io_uring_sqe, __pad1, 12, 4);
	FIELD(io_uring_sqe, addr, 16, 8);
	FIELD(io_uring_sqe, splice_off_in, 16, 8);
	FIELD(io_uring_sqe, level, 16, 4);
	FIELD(io_uring_sqe, optname, 20, 4);
	FIELD(io_uring_sqe, len, 24, 4);
	FIELD(io_uring_sqe, rw_flags, 28, 4);
	FIELD(io_uring_sqe, fsync_flags, 28, 4);
	FIELD(io_uring_sqe, poll_events, 28, 2);
	FIELD(io_uring_sqe, poll32_events, 28, 4);
	FIELD(io_uring_sqe, sync_range_flags, 28, 4);
	FIELD(io_uring_sqe, msg_flags, 28, 4);
	FIELD(io_uring_sqe, timeout_flags, 28, 4);
	FIELD(io_uring_sqe, accept_flags, 28, 4);
	FIELD(io_uring_sqe, cancel_flags, 28, 4);
	FIELD(io_uring_sqe, open_flags, 28, 4);
	FIELD(io_uring_sqe, statx_flags, 28, 4);
	FIELD(io_uring_sqe, fadvise_advice, 28, 4);
	FIELD(io_uring_sqe, splice_flags, 28, 4);
	FIELD(io_uring_sqe, rename_flags, 28, 4);
	FIELD(io_uring_sqe, unlink_flags, 28, 4);
	FIELD(io_uring_sqe, hardlink_flags, 28, 4);
	FIELD(io_uring_sqe, xattr_flags, 28, 4);
	FIELD(io_uring_sqe, msg_ring_flags, 28, 4);
	FIELD(io_uring_sqe, uring_cmd_flags, 28, 4);
	FIELD(io_uring_sqe, waitid_flags, 28, 4);
	FIELD(io_uring_sqe, futex_flags, 28, 4);
	FIELD(io_uring_sqe, install_fd_flags, 28, 4);
	FIELD(io_uring_sqe, nop_flags, 28, 4);
	FIELD(io_uring_sqe, pipe_flags, 28, 4);
	FIELD(io_uring_sqe, user_data, 32, 8);
	FIELD(io_uring_sqe, buf_index, 40, 2);
	FIELD(io_uring_sqe, buf_group, 40, 2);
	FIELD(io_uring_sqe, personality, 42, 2);
	FIELD(io_uring_sqe, splice_fd_in, 44, 4);
	FIELD(io_uring_sqe, file_index, 44, 4);
	FIELD(io_uring_sqe, zcrx_ifq_idx, 44, 4);
	FIELD(io_uring_sqe, optlen, 44, 4);
	FIELD(io_uring_sqe, addr_len, 44, 2);
	FIELD(io_uring_sqe, __pad3, 46, 2);
	FIELD(io_uring_sqe, addr3, 48, 8);
	FIELD(io_uring_sqe, __pad2, 56, 8);
	FIELD(io_uring_sqe, optval, 48, 8);
	FLEX(io_uring_sqe, cmd, 48);
	STRUCT(io_uring_cqe, 16, 8);
	FIELD(io_uring_cqe, user_data, 0, 8);
	FIELD(io_uring_cqe, res, 8, 4);
	FIELD(io_uring_cqe, flags, 12, 4);
	FLEX(io_uring_cqe, big_cqe, 16);
	STRUCT(io_uring_params, 120, 8);
	FIELD(io_uring_params, sq_entries, 0, 4);
	FIELD(io_uring_params, cq_entries, 4, 4);
	FIELD(io_uring_params, flags, 8, 4);
	FIELD(io_uring_params, sq_thread_cpu, 12, 4);
	FIELD(io_uring_params, sq_thread_idle, 16, 4);
	FIELD(io_uring_params, features, 20, 4);
	FIELD(io_uring_params, wq_fd, 24, 4);
	FIELD(io_uring_params, resv, 28, 12);
	FIELD(io_uring_params, sq_off, 40, 40);
	FIELD(io_uring_params, cq_off, 80, 40);
	STRUCT(io_sqring_offsets, 40, 8);
	FIELD(io_sqring_offsets, head, 0, 4);
	FIELD(io_sqring_offsets, tail, 4, 4);
	FIELD(io_sqring_offsets, ring_mask, 8, 4);
	FIELD(io_sqring_offsets, ring_entries, 12, 4);
	FIELD(io_sqring_offsets, flags, 16, 4);
	FIELD(io_sqring_offsets, dropped, 20, 4);
	FIELD(io_sqring_offsets, array, 24, 4);
	FIELD(io_sqring_offsets, resv1, 28, 4);
	FIELD(io_sqring_offsets, user_addr, 32, 8);
	STRUCT(io_cqring_offsets, 40, 8);
	FIELD(io_cqring_offsets, head, 0, 4);
	FIELD(io_cqring_offsets, tail, 4, 4);
	FIELD(io_cqring_offsets, ring_mask, 8, 4);
	FIELD(io_cqring_offsets, ring_entries, 12, 4);
	FIELD(io_cqring_offsets, overflow, 16, 4);
	FIELD(io_cqring_offsets, cqes, 20, 4);
	FIELD(io_cqring_offsets, flags, 24, 4);
	FIELD(io_cqring_offsets, resv1, 28, 4);
	FIELD(io_cqring_offsets, user_addr, 32, 8);
	STRUCT(io_uring_buf, 16, 8);
	FIELD(io_uring_buf, addr, 0, 8);
	FIELD(io_uring_buf, len, 8, 4);
	FIELD(io_uring_buf, bid, 12, 2);
	FIELD(io_uring_buf, resv, 14, 2);
	STRUCT(io_uring_buf_ring, 16, 8);
	FIELD(io_uring_buf_ring, resv1, 0, 8);
	FIELD(io_uring_buf_ring, resv2, 8, 4);
	FIELD(io_uring_buf_ring, resv3, 12, 2);
	FIELD(io_uring_buf_ring, tail, 14, 2);
	FLEX(io_uring_buf_ring, bufs, 0);
	STRUCT(io_uring_getevents_arg, 24, 8);
	FIELD(io_uring_getevents_arg, sigmask, 0, 8);
	FIELD(io_uring_getevents_arg, sigmask_sz, 8, 4);
	FIELD(io_uring_getevents_arg, min_wait_usec, 12, 4);
	FIELD(io_uring_getevents_arg, ts, 16, 8);
	STRUCT(io_uring_probe, 16, 4);
	FIELD(io_uring_probe, last_op, 0, 1);
	FIELD(io_uring_probe, ops_len, 1, 1);
	FIELD(io_uring_probe, resv, 2, 2);
	FIELD(io_uring_probe, resv2, 4, 12);
	FLEX(io_uring_probe, ops, 16);
	STRUCT(io_uring_probe_op, 8, 4);
	FIELD(io_uring_probe_op, op, 0, 1);
	FIELD(io_uring_probe_op, resv, 1, 1);
	FIELD(io_uring_probe_op, flags, 2, 2);
	FIELD(io_uring_probe_op, resv2, 4, 4);
	STRUCT(io_uring_recvmsg_out, 16, 4);
	FIELD(io_uring_recvmsg_out, namelen, 0, 4);
	FIELD(io_uring_recvmsg_out, controllen, 4, 4);
	FIELD(io_uring_recvmsg_out, payloadlen, 8, 4);
	FIELD(io_uring_recvmsg_out, flags, 12, 4);
	STRUCT(io_uring_rsrc_register, 32, 8);
	STRUCT(io_uring_rsrc_update, 16, 8);
	STRUCT(io_uring_rsrc_update2, 32, 8);
	STRUCT(io_uring_buf_reg, 40, 8);
	STRUCT(io_uring_sync_cancel_reg, 64, 8);
	STRUCT(io_uring_file_index_range, 16, 8);
	STRUCT(io_uring_restriction, 16, 4);
	STRUCT(io_uring_napi, 16, 8);
	STRUCT(io_uring_clock_register, 16, 4);
	STRUCT(io_uring_reg_wait, 64, 8);
	STRUCT(io_uring_region_desc, 64, 8);
	STRUCT(io_uring_mem_region_reg, 32, 8);
	STRUCT(io_uring_clone_buffers, 32, 4);

	/* A few relations code relies on beyond layouts.txt. */
	expect("library major version", io_uring_major_version(), IO_URING_VERSION_MAJOR);
	expect("sizeof(struct io_uring_cqe_iter)", sizeof(struct io_uring_cqe_iter), 24);
	expect("io_uring_buf_ring.tail overlays bufs[0].resv",
	       offsetof(struct io_uring_buf_ring, tail),
	       offsetof(struct io_uring_buf_ring, bufs) + offsetof(struct io_uring_buf, resv));
	if (failures) {
		fprintf(stderr, "%d of %d layout checks failed\n", failures, checks);
		return T_EXIT_FAIL;
	}
	printf("%d layout checks passed\n", checks);
	return T_EXIT_PASS;
}
