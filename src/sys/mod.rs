//! Kernel ABI: the `repr(C)` types of `<linux/io_uring.h>` (with liburing's field names),
//! liburing's own ring structs, the constants, and the three io_uring system calls.
//!
//! The C view of these types lives in `include/liburing/io_uring.h`; both are checked
//! against `abi/layouts.txt` by the layout tests.
#![allow(non_camel_case_types, non_upper_case_globals)]

pub mod alloc;
pub mod consts;
pub mod net;
pub mod op;
pub mod page;
pub mod procfs;
pub mod reg;
pub mod syscall;

pub use consts::*;
pub use net::*;
pub use op::*;
pub use reg::*;

use core::ffi::{c_uint, c_void};

/// One submission queue entry (64 bytes; 128 with `IORING_SETUP_SQE128`).
///
/// The kernel header spells this struct with anonymous unions; Rust has no anonymous
/// unions, so the overlapping fields are reached through accessor methods named after
/// liburing's fields (`off`/`addr2`, `rw_flags`/`msg_flags`/…). The byte layout is
/// identical to `struct io_uring_sqe`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_sqe {
    pub opcode: u8,
    pub flags: u8,
    pub ioprio: u16,
    pub fd: i32,
    /// union { off, addr2, { cmd_op, __pad1 } }
    pub off: u64,
    /// union { addr, splice_off_in, { level, optname } }
    pub addr: u64,
    pub len: u32,
    /// union of every per-opcode flags word (rw_flags, msg_flags, timeout_flags, …)
    pub op_flags: u32,
    pub user_data: u64,
    /// union { buf_index, buf_group }
    pub buf_index: u16,
    pub personality: u16,
    /// union { splice_fd_in, file_index, zcrx_ifq_idx, optlen, { addr_len, __pad3 } }
    pub splice_fd_in: i32,
    /// `union { { addr3, __pad2[1] }, optval, cmd[0] }`
    pub addr3: u64,
    pub __pad2: [u64; 1],
}

impl io_uring_sqe {
    #[inline]
    pub fn set_addr2(&mut self, v: u64) {
        self.off = v;
    }
    #[inline]
    pub fn set_cmd_op(&mut self, v: u32) {
        self.off = (self.off & !0xffff_ffff) | v as u64;
    }
    #[inline]
    pub fn set_pad1(&mut self, v: u32) {
        self.off = (self.off & 0xffff_ffff) | ((v as u64) << 32);
    }
    #[inline]
    pub fn set_level(&mut self, v: u32) {
        self.addr = (self.addr & !0xffff_ffff) | v as u64;
    }
    #[inline]
    pub fn set_optname(&mut self, v: u32) {
        self.addr = (self.addr & 0xffff_ffff) | ((v as u64) << 32);
    }
    #[inline]
    pub fn set_file_index(&mut self, v: u32) {
        self.splice_fd_in = v as i32;
    }
    #[inline]
    pub fn file_index(&self) -> u32 {
        self.splice_fd_in as u32
    }
    #[inline]
    pub fn set_addr_len(&mut self, v: u16) {
        self.splice_fd_in = ((self.splice_fd_in as u32 & 0xffff_0000) | v as u32) as i32;
    }
    #[inline]
    pub fn set_pad3(&mut self, v: u16) {
        self.splice_fd_in = ((self.splice_fd_in as u32 & 0xffff) | ((v as u32) << 16)) as i32;
    }
    #[inline]
    pub fn set_poll_events(&mut self, v: u16) {
        // poll_events is the low half of the flags word on little endian
        self.op_flags = (self.op_flags & 0xffff_0000) | v as u32;
    }
}

/// `sqe->file_index` value asking the kernel to pick a free direct-descriptor slot.
pub const IORING_FILE_INDEX_ALLOC: u32 = !0;

/// One completion queue entry (16 bytes; 32 with `IORING_SETUP_CQE32`).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_cqe {
    pub user_data: u64,
    pub res: i32,
    pub flags: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_sqring_offsets {
    pub head: u32,
    pub tail: u32,
    pub ring_mask: u32,
    pub ring_entries: u32,
    pub flags: u32,
    pub dropped: u32,
    pub array: u32,
    pub resv1: u32,
    pub user_addr: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_cqring_offsets {
    pub head: u32,
    pub tail: u32,
    pub ring_mask: u32,
    pub ring_entries: u32,
    pub overflow: u32,
    pub cqes: u32,
    pub flags: u32,
    pub resv1: u32,
    pub user_addr: u64,
}

/// Passed to `io_uring_setup(2)`; filled in by the kernel.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_params {
    pub sq_entries: u32,
    pub cq_entries: u32,
    pub flags: u32,
    pub sq_thread_cpu: u32,
    pub sq_thread_idle: u32,
    pub features: u32,
    pub wq_fd: u32,
    pub resv: [u32; 3],
    pub sq_off: io_sqring_offsets,
    pub cq_off: io_cqring_offsets,
}

/// The kernel's `struct __kernel_timespec`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct __kernel_timespec {
    pub tv_sec: i64,
    pub tv_nsec: i64,
}

/// Argument of `IORING_ENTER_EXT_ARG`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct io_uring_getevents_arg {
    pub sigmask: u64,
    pub sigmask_sz: u32,
    pub min_wait_usec: u32,
    pub ts: u64,
}

/// liburing's submission queue state (`struct io_uring_sq`), byte-compatible.
#[repr(C)]
#[derive(Debug)]
pub struct io_uring_sq {
    pub khead: *mut c_uint,
    pub ktail: *mut c_uint,
    /// Deprecated in liburing: use `ring_mask`.
    pub kring_mask: *mut c_uint,
    /// Deprecated in liburing: use `ring_entries`.
    pub kring_entries: *mut c_uint,
    pub kflags: *mut c_uint,
    pub kdropped: *mut c_uint,
    pub array: *mut c_uint,
    pub sqes: *mut io_uring_sqe,
    pub sqe_head: c_uint,
    pub sqe_tail: c_uint,
    pub ring_sz: usize,
    pub ring_ptr: *mut c_void,
    pub ring_mask: c_uint,
    pub ring_entries: c_uint,
    pub sqes_sz: c_uint,
    pub pad: c_uint,
}

/// liburing's completion queue state (`struct io_uring_cq`), byte-compatible.
#[repr(C)]
#[derive(Debug)]
pub struct io_uring_cq {
    pub khead: *mut c_uint,
    pub ktail: *mut c_uint,
    /// Deprecated in liburing: use `ring_mask`.
    pub kring_mask: *mut c_uint,
    /// Deprecated in liburing: use `ring_entries`.
    pub kring_entries: *mut c_uint,
    pub kflags: *mut c_uint,
    pub koverflow: *mut c_uint,
    pub cqes: *mut io_uring_cqe,
    pub ring_sz: usize,
    pub ring_ptr: *mut c_void,
    pub ring_mask: c_uint,
    pub ring_entries: c_uint,
    pub pad: [c_uint; 2],
}

/// A ring: liburing's `struct io_uring`, byte-compatible. This *is* the core's state.
#[repr(C)]
#[derive(Debug)]
pub struct io_uring {
    pub sq: io_uring_sq,
    pub cq: io_uring_cq,
    pub flags: c_uint,
    pub ring_fd: core::ffi::c_int,
    pub features: c_uint,
    pub enter_ring_fd: core::ffi::c_int,
    pub int_flags: u8,
    pub pad: [u8; 3],
    pub pad2: c_uint,
}

/// Iterator over ready CQEs (`struct io_uring_cqe_iter`, liburing 2.15).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct io_uring_cqe_iter {
    pub cqes: *mut io_uring_cqe,
    pub mask: c_uint,
    pub shift: c_uint,
    pub head: c_uint,
    pub tail: c_uint,
}

impl io_uring_sq {
    pub const fn zeroed() -> Self {
        Self {
            khead: core::ptr::null_mut(),
            ktail: core::ptr::null_mut(),
            kring_mask: core::ptr::null_mut(),
            kring_entries: core::ptr::null_mut(),
            kflags: core::ptr::null_mut(),
            kdropped: core::ptr::null_mut(),
            array: core::ptr::null_mut(),
            sqes: core::ptr::null_mut(),
            sqe_head: 0,
            sqe_tail: 0,
            ring_sz: 0,
            ring_ptr: core::ptr::null_mut(),
            ring_mask: 0,
            ring_entries: 0,
            sqes_sz: 0,
            pad: 0,
        }
    }
}

impl io_uring_cq {
    pub const fn zeroed() -> Self {
        Self {
            khead: core::ptr::null_mut(),
            ktail: core::ptr::null_mut(),
            kring_mask: core::ptr::null_mut(),
            kring_entries: core::ptr::null_mut(),
            kflags: core::ptr::null_mut(),
            koverflow: core::ptr::null_mut(),
            cqes: core::ptr::null_mut(),
            ring_sz: 0,
            ring_ptr: core::ptr::null_mut(),
            ring_mask: 0,
            ring_entries: 0,
            pad: [0; 2],
        }
    }
}

impl io_uring {
    /// An all-zero ring, as `memset(ring, 0, sizeof(*ring))` leaves it.
    pub const fn zeroed() -> Self {
        Self {
            sq: io_uring_sq::zeroed(),
            cq: io_uring_cq::zeroed(),
            flags: 0,
            ring_fd: -1,
            features: 0,
            enter_ring_fd: -1,
            int_flags: 0,
            pad: [0; 3],
            pad2: 0,
        }
    }
}

impl Default for io_uring {
    fn default() -> Self {
        Self::zeroed()
    }
}

#[cfg(test)]
mod layout_tests {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    #[test]
    fn liburing_structs_match_layouts_txt() {
        assert_eq!(size_of::<io_uring_sq>(), 104);
        assert_eq!(offset_of!(io_uring_sq, sqe_head), 64);
        assert_eq!(offset_of!(io_uring_sq, ring_sz), 72);
        assert_eq!(offset_of!(io_uring_sq, ring_mask), 88);
        assert_eq!(offset_of!(io_uring_sq, sqes_sz), 96);
        assert_eq!(size_of::<io_uring_cq>(), 88);
        assert_eq!(offset_of!(io_uring_cq, cqes), 48);
        assert_eq!(offset_of!(io_uring_cq, ring_mask), 72);
        assert_eq!(offset_of!(io_uring_cq, pad), 80);
        assert_eq!(size_of::<io_uring>(), 216);
        assert_eq!(align_of::<io_uring>(), 8);
        assert_eq!(offset_of!(io_uring, cq), 104);
        assert_eq!(offset_of!(io_uring, flags), 192);
        assert_eq!(offset_of!(io_uring, ring_fd), 196);
        assert_eq!(offset_of!(io_uring, features), 200);
        assert_eq!(offset_of!(io_uring, enter_ring_fd), 204);
        assert_eq!(offset_of!(io_uring, int_flags), 208);
        assert_eq!(offset_of!(io_uring, pad2), 212);
    }

    #[test]
    fn kernel_structs_match_layouts_txt() {
        assert_eq!(size_of::<io_uring_sqe>(), 64);
        assert_eq!(offset_of!(io_uring_sqe, off), 8);
        assert_eq!(offset_of!(io_uring_sqe, addr), 16);
        assert_eq!(offset_of!(io_uring_sqe, len), 24);
        assert_eq!(offset_of!(io_uring_sqe, op_flags), 28);
        assert_eq!(offset_of!(io_uring_sqe, user_data), 32);
        assert_eq!(offset_of!(io_uring_sqe, buf_index), 40);
        assert_eq!(offset_of!(io_uring_sqe, personality), 42);
        assert_eq!(offset_of!(io_uring_sqe, splice_fd_in), 44);
        assert_eq!(offset_of!(io_uring_sqe, addr3), 48);
        assert_eq!(offset_of!(io_uring_sqe, __pad2), 56);
        assert_eq!(size_of::<io_uring_cqe>(), 16);
        assert_eq!(size_of::<io_uring_params>(), 120);
        assert_eq!(offset_of!(io_uring_params, sq_off), 40);
        assert_eq!(offset_of!(io_uring_params, cq_off), 80);
        assert_eq!(size_of::<io_sqring_offsets>(), 40);
        assert_eq!(size_of::<io_cqring_offsets>(), 40);
        assert_eq!(size_of::<io_uring_getevents_arg>(), 24);
        assert_eq!(offset_of!(io_uring_getevents_arg, ts), 16);
    }
}
