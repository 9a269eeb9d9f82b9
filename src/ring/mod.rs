//! The core: one implementation of every ring behaviour, operating on liburing's
//! `struct io_uring` (which binaries built against the real header also read inline).
//!
//! Split as liburing splits it: [`setup`] (create, map, tear down), [`sq`] (get SQEs,
//! flush, submit), [`cq`] (peek, wait, advance). Every function takes a raw ring pointer
//! because C callers own the memory; the safe Rust API wraps these.

pub mod cq;
pub mod setup;
pub mod sq;

use crate::sys::{self, io_uring, INT_FLAGS_MASK, INT_FLAG_REG_REG_RING};
use core::ffi::c_void;
use core::sync::atomic::{AtomicU32, Ordering};

/// Reads a kernel-written ring index with acquire ordering.
///
/// # Safety
/// `p` must point to a live, 4-byte aligned ring word.
#[inline(always)]
pub(crate) unsafe fn load_acquire(p: *const u32) -> u32 {
    // SAFETY: caller guarantees `p` is a valid aligned u32 in shared ring memory; the
    // kernel updates it concurrently, so it is accessed atomically.
    unsafe { (*(p as *const AtomicU32)).load(Ordering::Acquire) }
}

/// Reads a shared ring word with no ordering (liburing's `IO_URING_READ_ONCE`).
///
/// # Safety
/// As for [`load_acquire`].
#[inline(always)]
pub(crate) unsafe fn read_once(p: *const u32) -> u32 {
    // SAFETY: as for load_acquire.
    unsafe { (*(p as *const AtomicU32)).load(Ordering::Relaxed) }
}

/// Publishes one of our ring indices with release ordering.
///
/// # Safety
/// As for [`load_acquire`].
#[inline(always)]
pub(crate) unsafe fn store_release(p: *mut u32, v: u32) {
    // SAFETY: as for load_acquire.
    unsafe { (*(p as *const AtomicU32)).store(v, Ordering::Release) }
}

/// Writes a shared ring word with no ordering (liburing's `IO_URING_WRITE_ONCE`).
///
/// # Safety
/// As for [`load_acquire`].
#[inline(always)]
pub(crate) unsafe fn write_once(p: *mut u32, v: u32) {
    // SAFETY: as for load_acquire.
    unsafe { (*(p as *const AtomicU32)).store(v, Ordering::Relaxed) }
}

/// True when `ring` points at a ring whose queues are mapped (set up and not exited).
///
/// This is the library's guard against NULL, never-initialised and exited rings; it
/// reads only our own struct, never shared memory.
///
/// # Safety
/// `ring` must be null or point to readable memory of `struct io_uring`'s size.
#[inline(always)]
pub unsafe fn is_live(ring: *const io_uring) -> bool {
    if ring.is_null() {
        return false;
    }
    // SAFETY: non-null, caller guarantees it is readable.
    let r = unsafe { &*ring };
    !r.sq.khead.is_null() && !r.sq.sqes.is_null() && !r.cq.khead.is_null() && !r.cq.cqes.is_null()
}

/// The `int_flags` bits that go into every `io_uring_enter(2)` call.
#[inline(always)]
pub(crate) fn ring_enter_flags(ring: &io_uring) -> u32 {
    (ring.int_flags & INT_FLAGS_MASK) as u32
}

/// `log2` of the SQE slot size in 64-byte units (1 with `IORING_SETUP_SQE128`).
#[inline(always)]
pub(crate) fn sqe_shift_from_flags(flags: u32) -> u32 {
    (flags & sys::IORING_SETUP_SQE128 != 0) as u32
}

/// `log2` of the CQE slot size in 16-byte units (1 with `IORING_SETUP_CQE32`).
#[inline(always)]
pub(crate) fn cqe_shift_from_flags(flags: u32) -> u32 {
    (flags & sys::IORING_SETUP_CQE32 != 0) as u32
}

/// `io_uring_enter(2)` on the ring's enter fd (which is a registered index once the
/// ring fd is registered), passing a sigmask of the kernel's size.
///
/// # Safety
/// `sig` must be null or point to a sigset.
#[inline]
pub(crate) unsafe fn enter(
    ring: &io_uring,
    to_submit: u32,
    min_complete: u32,
    flags: u32,
    arg: *const c_void,
    sz: usize,
) -> i32 {
    // SAFETY: forwarded caller contract for `arg`.
    unsafe { sys::syscall::io_uring_enter(ring.enter_ring_fd as u32, to_submit, min_complete, flags, arg, sz) }
}

/// `io_uring_register(2)` on `ring`, through the registered ring index when the ring
/// was set up with `IORING_SETUP_REGISTERED_FD_ONLY` (liburing's `do_register`).
///
/// # Safety
/// `arg` must be valid for what `opcode` makes the kernel access.
#[inline]
pub unsafe fn do_register(ring: &io_uring, opcode: u32, arg: *const c_void, nr_args: u32) -> i32 {
    let (fd, opcode) = if ring.int_flags & INT_FLAG_REG_REG_RING != 0 {
        (ring.enter_ring_fd, opcode | sys::IORING_REGISTER_USE_REGISTERED_RING)
    } else {
        (ring.ring_fd, opcode)
    };
    // SAFETY: forwarded caller contract.
    unsafe { sys::syscall::io_uring_register(fd as u32, opcode, arg, nr_args) }
}

/// Converts a rustix error into liburing's `-errno`.
#[inline]
pub(crate) fn neg(e: rustix::io::Errno) -> i32 {
    -e.raw_os_error()
}
