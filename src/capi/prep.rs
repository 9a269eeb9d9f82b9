//! C ABI of the prep helpers: each converts its arguments and calls `crate::prep`.
//! A NULL `sqe` is ignored (liburing would crash).

use crate::prep::rw;
use crate::sys::{__kernel_timespec, io_uring_sqe, iovec};
use core::ffi::{c_int, c_uint, c_void};

/// Borrow the SQE, or return from the helper when it is NULL.
macro_rules! sqe {
    ($p:expr) => {
        // SAFETY: null-checked; the caller passes an SQE from io_uring_get_sqe.
        match unsafe { $p.as_mut() } {
            Some(s) => s,
            None => return,
        }
    };
}
#[allow(unused_imports)]
pub(crate) use sqe;

/// Fill `sqe` with opcode `op` and the common fields (liburing's `io_uring_prep_rw`).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_rw(
    op: c_int,
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *const c_void,
    len: c_uint,
    offset: u64,
) {
    rw::prep_rw(sqe!(sqe), op as u8, fd, addr as u64, len, offset);
}

/// A no-op.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_nop(sqe: *mut io_uring_sqe) {
    rw::nop(sqe!(sqe));
}

/// Read `nbytes` from `fd` at `offset` (-1: current position) into `buf`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_read(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    buf: *mut c_void,
    nbytes: c_uint,
    offset: u64,
) {
    rw::read(sqe!(sqe), fd, buf as u64, nbytes, offset);
}

/// Write `nbytes` from `buf` to `fd` at `offset` (-1: current position).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_write(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    buf: *const c_void,
    nbytes: c_uint,
    offset: u64,
) {
    rw::write(sqe!(sqe), fd, buf as u64, nbytes, offset);
}

/// Vectored read into `nr_vecs` iovecs.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_readv(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: u64,
) {
    rw::readv(sqe!(sqe), fd, iovecs as u64, nr_vecs, offset);
}

/// Vectored write from `nr_vecs` iovecs.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_writev(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: u64,
) {
    rw::writev(sqe!(sqe), fd, iovecs as u64, nr_vecs, offset);
}

/// fsync(2)/fdatasync(2) (`IORING_FSYNC_DATASYNC`) of `fd`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fsync(sqe: *mut io_uring_sqe, fd: c_int, fsync_flags: c_uint) {
    rw::fsync(sqe!(sqe), fd, fsync_flags);
}

/// close(2) of `fd`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_close(sqe: *mut io_uring_sqe, fd: c_int) {
    rw::close(sqe!(sqe), fd);
}

/// A timeout: completes after `ts`, or after `count` other completions.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_timeout(
    sqe: *mut io_uring_sqe,
    ts: *mut __kernel_timespec,
    count: c_uint,
    flags: c_uint,
) {
    rw::timeout(sqe!(sqe), ts as u64, count, flags);
}
