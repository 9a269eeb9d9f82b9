//! The helpers liburing.h defines for its own inline code (`io_uring_initialize_sqe`, the
//! SQE/CQE shifts, `_io_uring_get_sqe` …) and the setup internals that liburing-ffi.a
//! makes global (`io_uring_mmap` …). Statically linked programs and liburing's own test
//! helpers call them; the shared libraries keep them local (no version node names them).

use crate::prep::rw;
use crate::ring::{self, setup, sq};
use crate::sys::{errno::*, io_uring, io_uring_cq, io_uring_params, io_uring_sq, io_uring_sqe};
use core::ffi::{c_int, c_uint, c_void};
use core::ptr;

/// The next free SQE (what `io_uring_get_sqe` expands to), or NULL when the SQ is full
/// or `ring` is invalid.
#[no_mangle]
pub unsafe extern "C" fn _io_uring_get_sqe(ring: *mut io_uring) -> *mut io_uring_sqe {
    let r = ring!(ring, or ptr::null_mut());
    sq::get_sqe(r)
}

/// Clear the SQE fields a prep helper may leave unset (flags, ioprio, op flags, buffer
/// index, personality, file index, addr3); `io_uring_get_sqe` does this for every SQE
/// it hands out. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn io_uring_initialize_sqe(sqe: *mut io_uring_sqe) {
    // SAFETY: null-checked; the caller passes an SQE.
    if let Some(s) = unsafe { sqe.as_mut() } {
        sq::initialize_sqe(s);
    }
}

/// The kernel's SQ head (acquire-loaded under `IORING_SETUP_SQPOLL`); 0 for an invalid
/// ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_load_sq_head(ring: *const io_uring) -> c_uint {
    let r = ring!(ring as *mut io_uring, or 0);
    sq::load_sq_head(r)
}

/// log2 of the SQE slot size in 64-byte units for setup `flags` (1 with `IORING_SETUP_SQE128`).
#[no_mangle]
pub extern "C" fn io_uring_sqe_shift_from_flags(flags: c_uint) -> c_uint {
    ring::sqe_shift_from_flags(flags)
}

/// log2 of the SQE slot size of `ring` in 64-byte units; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_shift(ring: *const io_uring) -> c_uint {
    // SAFETY: null-checked; only the flags word is read.
    unsafe { ring.as_ref() }.map_or(0, |r| ring::sqe_shift_from_flags(r.flags))
}

/// log2 of the CQE slot size in 16-byte units for setup `flags` (1 with `IORING_SETUP_CQE32`).
#[no_mangle]
pub extern "C" fn io_uring_cqe_shift_from_flags(flags: c_uint) -> c_uint {
    ring::cqe_shift_from_flags(flags)
}

/// log2 of the CQE slot size of `ring` in 16-byte units; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_shift(ring: *const io_uring) -> c_uint {
    // SAFETY: null-checked; only the flags word is read.
    unsafe { ring.as_ref() }.map_or(0, |r| ring::cqe_shift_from_flags(r.flags))
}

/// Fill `sqe` as a passthrough command: opcode `op`, command `cmd_op` on `fd`, address
/// and length 0. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_prep_uring_cmd(sqe: *mut io_uring_sqe, op: c_int, cmd_op: u32, fd: c_int) {
    // SAFETY: null-checked; the caller passes an SQE.
    if let Some(s) = unsafe { sqe.as_mut() } {
        rw::uring_cmd_op(s, op as u8, cmd_op, fd);
    }
}

/// One attempt at setting up `ring` with `p` (no `IORING_SETUP_NO_SQARRAY` fallback), in
/// `buf` when `IORING_SETUP_NO_MMAP` is set. Returns what `io_uring_queue_init_mem`
/// returns, or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_queue_init_params(
    entries: c_uint,
    ring: *mut io_uring,
    p: *mut io_uring_params,
    buf: *mut c_void,
    buf_size: usize,
) -> c_int {
    if ring.is_null() || p.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null caller structs; `buf` is valid for `buf_size` by contract.
    unsafe { setup::queue_init_once(entries, &mut *ring, &mut *p, buf, buf_size) }
}

/// Map the rings and SQEs of ring fd `fd` described by `p` into `sq`/`cq` (which are
/// overwritten). Returns 0 or `-errno`; nothing stays mapped on error.
#[no_mangle]
pub unsafe extern "C" fn io_uring_mmap(
    fd: c_int,
    p: *mut io_uring_params,
    sq: *mut io_uring_sq,
    cq: *mut io_uring_cq,
) -> c_int {
    if p.is_null() || sq.is_null() || cq.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null caller structs, zeroed before mapping as the core requires.
    unsafe {
        *sq = io_uring_sq::zeroed();
        *cq = io_uring_cq::zeroed();
        setup::mmap_rings(fd, &*p, &mut *sq, &mut *cq)
    }
}

/// Unmap the SQ and CQ rings that `io_uring_mmap` mapped (not the SQE array).
#[no_mangle]
pub unsafe extern "C" fn io_uring_unmap_rings(sq: *mut io_uring_sq, cq: *mut io_uring_cq) {
    // SAFETY: null-checked; the caller passes rings io_uring_mmap filled in.
    if let (Some(s), Some(c)) = unsafe { (sq.as_ref(), cq.as_ref()) } {
        // SAFETY: the caller's rings describe mappings io_uring_mmap made.
        unsafe { setup::unmap_rings(s, c) }
    }
}

/// Point the fields of `sq`/`cq` at their mapped rings (`ring_ptr`, `ring_sz` set) using
/// the offsets in `p`. Does nothing when an offset lies outside its mapping.
#[no_mangle]
pub unsafe extern "C" fn io_uring_setup_ring_pointers(
    p: *mut io_uring_params,
    sq: *mut io_uring_sq,
    cq: *mut io_uring_cq,
) {
    // SAFETY: null-checked caller structs.
    let (Some(p), Some(s), Some(c)) = (unsafe { p.as_ref() }, unsafe { sq.as_mut() }, unsafe { cq.as_mut() }) else {
        return;
    };
    if s.ring_ptr.is_null() || c.ring_ptr.is_null() || !setup::offsets_fit(p, s.ring_sz, c.ring_sz) {
        return;
    }
    // SAFETY: both rings are mapped and every offset lies inside its mapping.
    unsafe { setup::setup_ring_pointers(p, s, c) }
}
