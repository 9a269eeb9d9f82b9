/* SPDX-License-Identifier: MIT */
/*
 * The register-side structs of include/liburing/io_uring.h have liburing 2.15's layout
 * (sizes and alignments from abi/layouts.txt, plus the offsets the kernel
 * relies on), and the register opcodes / flags have the kernel's values. Compile-time
 * checks; the run only confirms the enum values that need a runtime view.
 */
#include "helpers.h"
#include <liburing.h>
#include <stddef.h>

#define SZ(t, s, a) _Static_assert(sizeof(struct t) == (s) && _Alignof(struct t) == (a), #t)
#define OFF(t, f, o) _Static_assert(offsetof(struct t, f) == (o), #t "." #f)

SZ(io_uring_rsrc_register, 32, 8);
SZ(io_uring_rsrc_update, 16, 8);
SZ(io_uring_rsrc_update2, 32, 8);
SZ(io_uring_buf_reg, 40, 8);
SZ(io_uring_sync_cancel_reg, 64, 8);
SZ(io_uring_file_index_range, 16, 8);
SZ(io_uring_restriction, 16, 4);
SZ(io_uring_napi, 16, 8);
SZ(io_uring_clock_register, 16, 4);
SZ(io_uring_reg_wait, 64, 8);
SZ(io_uring_region_desc, 64, 8);
SZ(io_uring_mem_region_reg, 32, 8);
SZ(io_uring_clone_buffers, 32, 4);
SZ(io_uring_buf, 16, 8);
SZ(io_uring_buf_ring, 16, 8);
SZ(io_uring_probe, 16, 4);
SZ(io_uring_probe_op, 8, 4);
SZ(io_uring_buf_status, 40, 4);
SZ(io_uring_zcrx_ifq_reg, 96, 8);
SZ(io_uring_zcrx_area_reg, 48, 8);
SZ(zcrx_ctrl, 72, 8);
SZ(io_uring_query_hdr, 40, 8);
SZ(io_uring_query_opcode, 48, 8);
SZ(io_uring_bpf_filter, 64, 8);
SZ(io_uring_bpf, 72, 8);
OFF(io_uring_buf_ring, tail, 14);
OFF(io_uring_buf_ring, bufs, 0);
OFF(io_uring_buf, bid, 12);
OFF(io_uring_restriction, sqe_op, 2);
OFF(io_uring_sync_cancel_reg, timeout, 16);
OFF(io_uring_sync_cancel_reg, opcode, 32);
OFF(io_uring_zcrx_ifq_reg, offsets, 32);
OFF(io_uring_zcrx_ifq_reg, zcrx_id, 64);
OFF(io_uring_bpf, filter, 8);
OFF(io_uring_bpf_filter, filter_ptr, 16);
OFF(io_uring_query_hdr, result, 24);
_Static_assert(sizeof(cpu_set_t) == 128, "cpu_set_t");

int main(void)
{
	CHECK(IORING_REGISTER_MEM_REGION == 34 && IORING_REGISTER_QUERY == 35 && IORING_REGISTER_ZCRX_CTRL == 36 &&
	      IORING_REGISTER_BPF_FILTER == 37 && IORING_REGISTER_LAST == 38, "register opcodes");
	CHECK(IORING_REGISTER_USE_REGISTERED_RING == 1U << 31, "USE_REGISTERED_RING");
	CHECK(IOU_PBUF_RING_MMAP == 1 && IOU_PBUF_RING_INC == 2, "pbuf flags");
	CHECK(IORING_RESTRICTION_SQE_FLAGS_REQUIRED == 3 && IORING_RESTRICTION_LAST == 4, "restriction ops");
	CHECK(IORING_REGISTER_SRC_REGISTERED == 1 && IORING_REGISTER_DST_REPLACE == 2, "clone flags");
	CHECK(IORING_MEM_REGION_TYPE_USER == 1 && IORING_MEM_REGION_REG_WAIT_ARG == 1, "region flags");
	CHECK(IORING_REGISTER_FILES_SKIP == -2 && IORING_RSRC_REGISTER_SPARSE == 1, "rsrc");
	CHECK(IO_URING_QUERY_SCQ == 2 && IO_URING_BPF_CMD_FILTER == 1 && IO_URING_BPF_FILTER_DENY_REST == 1,
	      "query / bpf");
	CHECK(IO_WQ_BOUND == 0 && IO_WQ_UNBOUND == 1, "io_wq_type");
	/* The buffer-ring mask helper is a real symbol too. */
	CHECK(io_uring_buf_ring_mask(64) == 63, "buf_ring_mask");
	return T_EXIT_PASS;
}
