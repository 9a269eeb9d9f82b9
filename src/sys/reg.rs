//! io_uring_register(2) opcodes and argument structs (owned by the register layer).

/// The kernel's `__u64`. On x86_64 it is `unsigned long long` while `uint64_t` is
/// `unsigned long`, so prototypes taking `__u64 *` (the tag arrays) must spell it this
/// way for C callers passing `__u64` arrays to compile warning-free.
pub type __u64 = u64;

pub const IORING_REGISTER_BUFFERS: u32 = 0;
pub const IORING_UNREGISTER_BUFFERS: u32 = 1;
pub const IORING_REGISTER_FILES: u32 = 2;
pub const IORING_UNREGISTER_FILES: u32 = 3;
pub const IORING_REGISTER_EVENTFD: u32 = 4;
pub const IORING_UNREGISTER_EVENTFD: u32 = 5;
pub const IORING_REGISTER_FILES_UPDATE: u32 = 6;
pub const IORING_REGISTER_EVENTFD_ASYNC: u32 = 7;
pub const IORING_REGISTER_PROBE: u32 = 8;
pub const IORING_REGISTER_PERSONALITY: u32 = 9;
pub const IORING_UNREGISTER_PERSONALITY: u32 = 10;
pub const IORING_REGISTER_RESTRICTIONS: u32 = 11;
pub const IORING_REGISTER_ENABLE_RINGS: u32 = 12;
pub const IORING_REGISTER_FILES2: u32 = 13;
pub const IORING_REGISTER_FILES_UPDATE2: u32 = 14;
pub const IORING_REGISTER_BUFFERS2: u32 = 15;
pub const IORING_REGISTER_BUFFERS_UPDATE: u32 = 16;
pub const IORING_REGISTER_IOWQ_AFF: u32 = 17;
pub const IORING_UNREGISTER_IOWQ_AFF: u32 = 18;
pub const IORING_REGISTER_IOWQ_MAX_WORKERS: u32 = 19;
pub const IORING_REGISTER_RING_FDS: u32 = 20;
pub const IORING_UNREGISTER_RING_FDS: u32 = 21;
pub const IORING_REGISTER_PBUF_RING: u32 = 22;
pub const IORING_UNREGISTER_PBUF_RING: u32 = 23;
pub const IORING_REGISTER_SYNC_CANCEL: u32 = 24;
pub const IORING_REGISTER_FILE_ALLOC_RANGE: u32 = 25;
pub const IORING_REGISTER_PBUF_STATUS: u32 = 26;
pub const IORING_REGISTER_NAPI: u32 = 27;
pub const IORING_UNREGISTER_NAPI: u32 = 28;
pub const IORING_REGISTER_CLOCK: u32 = 29;
pub const IORING_REGISTER_CLONE_BUFFERS: u32 = 30;
pub const IORING_REGISTER_SEND_MSG_RING: u32 = 31;
pub const IORING_REGISTER_ZCRX_IFQ: u32 = 32;
pub const IORING_REGISTER_RESIZE_RINGS: u32 = 33;
pub const IORING_REGISTER_MEM_REGION: u32 = 34;
/// Flag or'ed into the opcode: the fd argument is a registered ring index.
pub const IORING_REGISTER_USE_REGISTERED_RING: u32 = 1 << 31;

/// `struct io_uring_rsrc_update` (used by ring fd registration and file updates).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_rsrc_update {
    pub offset: u32,
    pub resv: u32,
    pub data: u64,
}

/// `struct io_uring_probe_op`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_probe_op {
    pub op: u8,
    pub resv: u8,
    pub flags: u16,
    pub resv2: u32,
}

/// `struct io_uring_probe` (followed by `ops_len` [`io_uring_probe_op`]s).
#[repr(C)]
#[derive(Debug)]
pub struct io_uring_probe {
    pub last_op: u8,
    pub ops_len: u8,
    pub resv: u16,
    pub resv2: [u32; 3],
    pub ops: [io_uring_probe_op; 0],
}

pub const IO_URING_OP_SUPPORTED: u16 = 1 << 0;

/// `struct io_uring_reg_wait`: one slot of a registered wait region.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_reg_wait {
    pub ts: super::__kernel_timespec,
    pub min_wait_usec: u32,
    pub flags: u32,
    pub sigmask: u64,
    pub sigmask_sz: u32,
    pub pad: [u32; 3],
    pub pad2: [u64; 2],
}

pub const IORING_REGISTER_QUERY: u32 = 35;
pub const IORING_REGISTER_ZCRX_CTRL: u32 = 36;
pub const IORING_REGISTER_BPF_FILTER: u32 = 37;
/// One past the last register opcode this library knows.
pub const IORING_REGISTER_LAST: u32 = 38;

/// io-wq worker categories (index into the `IORING_REGISTER_IOWQ_MAX_WORKERS` pair).
pub const IO_WQ_BOUND: u32 = 0;
pub const IO_WQ_UNBOUND: u32 = 1;

/// `struct io_uring_files_update` (deprecated form of [`io_uring_rsrc_update`]).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_files_update {
    pub offset: u32,
    pub resv: u32,
    pub fds: u64,
}

/// `io_uring_region_desc.flags`: the region lives in user memory at `user_addr`.
pub const IORING_MEM_REGION_TYPE_USER: u32 = 1;
/// `io_uring_mem_region_reg.flags`: the region holds registered wait arguments.
pub const IORING_MEM_REGION_REG_WAIT_ARG: u64 = 1;

/// `struct io_uring_region_desc`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_region_desc {
    pub user_addr: u64,
    pub size: u64,
    pub flags: u32,
    pub id: u32,
    pub mmap_offset: u64,
    pub __resv: [u64; 4],
}

/// `struct io_uring_mem_region_reg` (argument of `IORING_REGISTER_MEM_REGION`).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_mem_region_reg {
    /// Address of a [`io_uring_region_desc`].
    pub region_uptr: u64,
    pub flags: u64,
    pub __resv: [u64; 2],
}

/// Register a fully sparse table instead of passing an array of -1 entries.
pub const IORING_RSRC_REGISTER_SPARSE: u32 = 1 << 0;

/// `struct io_uring_rsrc_register` (argument of `IORING_REGISTER_FILES2`/`BUFFERS2`).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_rsrc_register {
    pub nr: u32,
    pub flags: u32,
    pub resv2: u64,
    pub data: u64,
    pub tags: u64,
}

/// `struct io_uring_rsrc_update2` (argument of `IORING_REGISTER_FILES_UPDATE2`/`BUFFERS_UPDATE`).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_rsrc_update2 {
    pub offset: u32,
    pub resv: u32,
    pub data: u64,
    pub tags: u64,
    pub nr: u32,
    pub resv2: u32,
}

/// A file table update entry of this value leaves the slot unchanged.
pub const IORING_REGISTER_FILES_SKIP: i32 = -2;

/// `struct io_uring_restriction`. The C struct has a union of `register_op`, `sqe_op`
/// and `sqe_flags` (one byte) where this has [`op`](Self::op).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_restriction {
    pub opcode: u16,
    /// union { register_op, sqe_op, sqe_flags }
    pub op: u8,
    pub resv: u8,
    pub resv2: [u32; 3],
}

/// `struct io_uring_task_restriction` (followed by `nr_res` restrictions).
#[repr(C)]
#[derive(Debug)]
pub struct io_uring_task_restriction {
    pub flags: u16,
    pub nr_res: u16,
    pub resv: [u32; 3],
    pub restrictions: [io_uring_restriction; 0],
}

/// `io_uring_restriction.opcode` values.
pub const IORING_RESTRICTION_REGISTER_OP: u16 = 0;
pub const IORING_RESTRICTION_SQE_OP: u16 = 1;
pub const IORING_RESTRICTION_SQE_FLAGS_ALLOWED: u16 = 2;
pub const IORING_RESTRICTION_SQE_FLAGS_REQUIRED: u16 = 3;
pub const IORING_RESTRICTION_LAST: u16 = 4;

/// `struct io_uring_clock_register`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_clock_register {
    pub clockid: u32,
    pub __resv: [u32; 3],
}

/// `io_uring_clone_buffers.flags`.
pub const IORING_REGISTER_SRC_REGISTERED: u32 = 1 << 0;
pub const IORING_REGISTER_DST_REPLACE: u32 = 1 << 1;

/// `struct io_uring_clone_buffers`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_clone_buffers {
    pub src_fd: u32,
    pub flags: u32,
    pub src_off: u32,
    pub dst_off: u32,
    pub nr: u32,
    pub pad: [u32; 3],
}

/// `struct io_uring_buf`: one provided buffer in a buffer ring.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_buf {
    pub addr: u64,
    pub len: u32,
    pub bid: u16,
    pub resv: u16,
}

/// `struct io_uring_buf_ring`: the ring header, overlaid on `bufs[0]`; the tail lives in
/// the first buffer's `resv` field. The buffers start at offset 0.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_buf_ring {
    pub resv1: u64,
    pub resv2: u32,
    pub resv3: u16,
    pub tail: u16,
}

/// `io_uring_buf_reg.flags`.
pub const IOU_PBUF_RING_MMAP: u16 = 1;
pub const IOU_PBUF_RING_INC: u16 = 2;

/// `struct io_uring_buf_reg` (argument of `IORING_(UN)REGISTER_PBUF_RING`).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_buf_reg {
    pub ring_addr: u64,
    pub ring_entries: u32,
    pub bgid: u16,
    pub flags: u16,
    pub min_left: u32,
    pub resv: [u32; 5],
}

/// `struct io_uring_buf_status` (argument of `IORING_REGISTER_PBUF_STATUS`).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_buf_status {
    pub buf_group: u32,
    pub head: u32,
    pub resv: [u32; 8],
}

/// `struct io_uring_napi` (argument of `IORING_(UN)REGISTER_NAPI`).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_napi {
    pub busy_poll_to: u32,
    pub prefer_busy_poll: u8,
    pub pad: [u8; 3],
    pub resv: u64,
}

/// `io_uring_reg_wait.flags`: `ts` is valid.
pub const IORING_REG_WAIT_TS: u32 = 1 << 0;

/// `struct io_uring_sync_cancel_reg` (argument of `IORING_REGISTER_SYNC_CANCEL`).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_sync_cancel_reg {
    pub addr: u64,
    pub fd: i32,
    pub flags: u32,
    pub timeout: super::__kernel_timespec,
    pub opcode: u8,
    pub pad: [u8; 7],
    pub pad2: [u64; 3],
}

/// `struct io_uring_file_index_range` (argument of `IORING_REGISTER_FILE_ALLOC_RANGE`).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_file_index_range {
    pub off: u32,
    pub len: u32,
    pub resv: u64,
}

/// glibc's `cpu_set_t` (1024 CPUs), as passed to `io_uring_register_iowq_aff`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct cpu_set_t {
    pub __bits: [u64; 16],
}

// ---- zero-copy receive (zcrx) ----

/// Zero-copy receive refill queue entry.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_zcrx_rqe {
    pub off: u64,
    pub len: u32,
    pub __pad: u32,
}

/// Zero-copy receive completion extra data (second half of a 32-byte CQE).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_zcrx_cqe {
    pub off: u64,
    pub __pad: u64,
}

/// The bit from which the area id is encoded into zcrx offsets.
pub const IORING_ZCRX_AREA_SHIFT: u32 = 48;
pub const IORING_ZCRX_AREA_MASK: u64 = !((1u64 << IORING_ZCRX_AREA_SHIFT) - 1);

/// `struct io_uring_zcrx_offsets`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_zcrx_offsets {
    pub head: u32,
    pub tail: u32,
    pub rqes: u32,
    pub __resv2: u32,
    pub __resv: [u64; 2],
}

/// `io_uring_zcrx_area_reg.flags`.
pub const IORING_ZCRX_AREA_DMABUF: u32 = 1;

/// `struct io_uring_zcrx_area_reg`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_zcrx_area_reg {
    pub addr: u64,
    pub len: u64,
    pub rq_area_token: u64,
    pub flags: u32,
    pub dmabuf_fd: u32,
    pub __resv2: [u64; 2],
}

/// `io_uring_zcrx_ifq_reg.flags`.
pub const ZCRX_REG_IMPORT: u32 = 1;
pub const ZCRX_REG_NODEV: u32 = 2;
/// `io_uring_query_zcrx.features`.
pub const ZCRX_FEATURE_RX_PAGE_SIZE: u32 = 1 << 0;

/// `struct io_uring_zcrx_ifq_reg` (argument of `IORING_REGISTER_ZCRX_IFQ`).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_zcrx_ifq_reg {
    pub if_idx: u32,
    pub if_rxq: u32,
    pub rq_entries: u32,
    pub flags: u32,
    /// Address of a [`io_uring_zcrx_area_reg`].
    pub area_ptr: u64,
    /// Address of a [`io_uring_region_desc`].
    pub region_ptr: u64,
    pub offsets: io_uring_zcrx_offsets,
    pub zcrx_id: u32,
    pub rx_buf_len: u32,
    pub __resv: [u64; 3],
}

/// `zcrx_ctrl.op` values.
pub const ZCRX_CTRL_FLUSH_RQ: u32 = 0;
pub const ZCRX_CTRL_EXPORT: u32 = 1;

/// `struct zcrx_ctrl_flush_rq`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct zcrx_ctrl_flush_rq {
    pub __resv: [u64; 6],
}

/// `struct zcrx_ctrl_export`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct zcrx_ctrl_export {
    pub zcrx_fd: u32,
    pub __resv1: [u32; 11],
}

/// `struct zcrx_ctrl` (argument of `IORING_REGISTER_ZCRX_CTRL`). The C struct ends in a
/// union of `zc_export` and `zc_flush` (48 bytes); here it is [`data`](Self::data).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct zcrx_ctrl {
    pub zcrx_id: u32,
    pub op: u32,
    pub __resv: [u64; 2],
    /// union { zc_export, zc_flush }
    pub data: [u64; 6],
}

/// liburing's refill-queue view (`struct io_uring_zcrx_rq`), filled by the application
/// from the offsets the kernel returns in `io_uring_zcrx_ifq_reg.offsets`.
#[repr(C)]
#[derive(Debug)]
pub struct io_uring_zcrx_rq {
    pub khead: *mut u32,
    pub ktail: *mut u32,
    pub rq_tail: u32,
    pub ring_entries: core::ffi::c_uint,
    pub rqes: *mut io_uring_zcrx_rqe,
    pub ring_ptr: *mut core::ffi::c_void,
}

// ---- query (liburing/io_uring/query.h) ----

/// `struct io_uring_query_hdr` (argument of `IORING_REGISTER_QUERY`; chained by `next_entry`).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_query_hdr {
    pub next_entry: u64,
    pub query_data: u64,
    pub query_op: u32,
    pub size: u32,
    pub result: i32,
    pub __resv: [u32; 3],
}

/// `io_uring_query_hdr.query_op` values.
pub const IO_URING_QUERY_OPCODES: u32 = 0;
pub const IO_URING_QUERY_ZCRX: u32 = 1;
pub const IO_URING_QUERY_SCQ: u32 = 2;

/// Result of `IO_URING_QUERY_OPCODES` (needs no ring).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_query_opcode {
    pub nr_request_opcodes: u32,
    pub nr_register_opcodes: u32,
    pub feature_flags: u64,
    pub ring_setup_flags: u64,
    pub enter_flags: u64,
    pub sqe_flags: u64,
    pub nr_query_opcodes: u32,
    pub __pad: u32,
}

/// Result of `IO_URING_QUERY_ZCRX`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_query_zcrx {
    pub register_flags: u64,
    pub area_flags: u64,
    pub nr_ctrl_opcodes: u32,
    pub features: u32,
    pub rq_hdr_size: u32,
    pub rq_hdr_alignment: u32,
    pub __resv2: u64,
}

/// Result of `IO_URING_QUERY_SCQ`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_query_scq {
    pub hdr_size: u64,
    pub hdr_alignment: u64,
}

// ---- classic BPF filters (liburing/io_uring/bpf_filter.h) ----

/// `io_uring_bpf_filter.flags`.
pub const IO_URING_BPF_FILTER_DENY_REST: u32 = 1;
pub const IO_URING_BPF_FILTER_SZ_STRICT: u32 = 2;
/// `io_uring_bpf.cmd_type`.
pub const IO_URING_BPF_CMD_FILTER: u16 = 1;

/// `struct io_uring_bpf_filter`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_bpf_filter {
    pub opcode: u32,
    pub flags: u32,
    pub filter_len: u32,
    pub pdu_size: u8,
    pub resv: [u8; 3],
    /// Address of `filter_len` `struct sock_filter` instructions.
    pub filter_ptr: u64,
    pub resv2: [u64; 5],
}

/// `struct io_uring_bpf` (argument of `IORING_REGISTER_BPF_FILTER`); the C struct wraps
/// [`filter`](Self::filter) in a one-member union.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_bpf {
    pub cmd_type: u16,
    pub cmd_flags: u16,
    pub resv: u32,
    pub filter: io_uring_bpf_filter,
}

#[cfg(test)]
mod layout_tests {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    #[test]
    fn register_structs_match_layouts_txt() {
        assert_eq!(size_of::<io_uring_probe>(), 16);
        assert_eq!(size_of::<io_uring_probe_op>(), 8);
        assert_eq!((size_of::<io_uring_rsrc_register>(), align_of::<io_uring_rsrc_register>()), (32, 8));
        assert_eq!((size_of::<io_uring_rsrc_update>(), align_of::<io_uring_rsrc_update>()), (16, 8));
        assert_eq!((size_of::<io_uring_rsrc_update2>(), align_of::<io_uring_rsrc_update2>()), (32, 8));
        assert_eq!((size_of::<io_uring_buf_reg>(), align_of::<io_uring_buf_reg>()), (40, 8));
        assert_eq!((size_of::<io_uring_sync_cancel_reg>(), align_of::<io_uring_sync_cancel_reg>()), (64, 8));
        assert_eq!(offset_of!(io_uring_sync_cancel_reg, opcode), 32);
        assert_eq!((size_of::<io_uring_file_index_range>(), align_of::<io_uring_file_index_range>()), (16, 8));
        assert_eq!((size_of::<io_uring_restriction>(), align_of::<io_uring_restriction>()), (16, 4));
        assert_eq!((size_of::<io_uring_napi>(), align_of::<io_uring_napi>()), (16, 8));
        assert_eq!((size_of::<io_uring_clock_register>(), align_of::<io_uring_clock_register>()), (16, 4));
        assert_eq!((size_of::<io_uring_reg_wait>(), align_of::<io_uring_reg_wait>()), (64, 8));
        assert_eq!((size_of::<io_uring_region_desc>(), align_of::<io_uring_region_desc>()), (64, 8));
        assert_eq!((size_of::<io_uring_mem_region_reg>(), align_of::<io_uring_mem_region_reg>()), (32, 8));
        assert_eq!((size_of::<io_uring_clone_buffers>(), align_of::<io_uring_clone_buffers>()), (32, 4));
        assert_eq!((size_of::<io_uring_buf>(), align_of::<io_uring_buf>()), (16, 8));
        assert_eq!((size_of::<io_uring_buf_ring>(), align_of::<io_uring_buf_ring>()), (16, 8));
        assert_eq!(offset_of!(io_uring_buf_ring, tail), 14);
        assert_eq!(offset_of!(io_uring_buf, bid), 12);
        assert_eq!(size_of::<io_uring_buf_status>(), 40);
        assert_eq!(size_of::<io_uring_zcrx_ifq_reg>(), 96);
        assert_eq!(offset_of!(io_uring_zcrx_ifq_reg, zcrx_id), 64);
        assert_eq!(size_of::<io_uring_zcrx_area_reg>(), 48);
        assert_eq!(size_of::<zcrx_ctrl>(), 72);
        assert_eq!(size_of::<io_uring_query_hdr>(), 40);
        assert_eq!(size_of::<io_uring_query_opcode>(), 48);
        assert_eq!(size_of::<io_uring_bpf_filter>(), 64);
        assert_eq!(size_of::<io_uring_bpf>(), 72);
        assert_eq!(size_of::<cpu_set_t>(), 128);
    }
}
