//! Submission and completion: get SQEs, submit, wait, peek, advance, iterate.

use crate::ring::{cq, queue, sq};
use crate::sys::{
    __kernel_timespec, __u64, errno::*, io_uring, io_uring_cqe, io_uring_cqe_iter, io_uring_sqe, sigset_t,
};
use core::ffi::{c_int, c_uint, c_void};
use core::ptr;

/// The next free SQE of `ring`, or NULL when the SQ is full (or `ring` is invalid).
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_sqe(ring: *mut io_uring) -> *mut io_uring_sqe {
    let r = ring!(ring, or ptr::null_mut());
    sq::get_sqe(r)
}

/// A 128-byte SQE (`IORING_SETUP_SQE128`, or two slots on `IORING_SETUP_SQE_MIXED`);
/// NULL when full or the ring has neither flag.
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_sqe128(ring: *mut io_uring) -> *mut io_uring_sqe {
    let r = ring!(ring, or ptr::null_mut());
    sq::get_sqe128(r)
}

/// Submit the queued SQEs. Returns how many were submitted, or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit(ring: *mut io_uring) -> c_int {
    let r = ring!(ring);
    queue::submit(r)
}

/// Submit and wait for at least `wait_nr` completions. Returns submitted count or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_wait(ring: *mut io_uring, wait_nr: c_uint) -> c_int {
    let r = ring!(ring);
    queue::submit_and_wait(r, wait_nr)
}

/// Submit, then wait for `wait_nr` completions for at most `ts` (NULL: no limit) with
/// `sigmask` applied while waiting. Returns submitted count, `-ETIME`, or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_wait_timeout(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
    ts: *mut __kernel_timespec,
    sigmask: *mut sigset_t,
) -> c_int {
    let r = ring!(ring);
    if cqe_ptr.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null out pointer; ts/sigmask are passed to the kernel which validates.
    unsafe { queue::submit_and_wait_timeout(r, &mut *cqe_ptr, wait_nr, ts, 0, sigmask as *const c_void) }
}

/// Like `io_uring_submit_and_wait_timeout`, but once a CQE arrives waits at most
/// `min_wait_usec` for more (`IORING_FEAT_MIN_TIMEOUT`; `-EINVAL` without it).
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_wait_min_timeout(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
    ts: *mut __kernel_timespec,
    min_wait_usec: c_uint,
    sigmask: *mut sigset_t,
) -> c_int {
    let r = ring!(ring);
    if cqe_ptr.is_null() {
        return -EINVAL;
    }
    // SAFETY: as above.
    unsafe {
        queue::submit_and_wait_min_timeout(r, &mut *cqe_ptr, wait_nr, ts, min_wait_usec, sigmask as *const c_void)
    }
}

/// Submit and wait using registered wait region slot `reg_index`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_wait_reg(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
    reg_index: c_int,
) -> c_int {
    let r = ring!(ring);
    if cqe_ptr.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null out pointer.
    unsafe { queue::submit_and_wait_reg(r, &mut *cqe_ptr, wait_nr, reg_index) }
}

/// Submit, and enter the kernel even with nothing to submit, to flush completions.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_get_events(ring: *mut io_uring) -> c_int {
    let r = ring!(ring);
    queue::submit_and_get_events(r)
}

/// Enter the kernel only to flush overflowed completions and run task work.
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_events(ring: *mut io_uring) -> c_int {
    let r = ring!(ring);
    queue::get_events(r)
}

/// Wait (SQPOLL rings) until the SQ has a free slot.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_sqring_wait(ring: *mut io_uring) -> c_int {
    let r = ring!(ring);
    queue::sqring_wait_enter(r)
}

/// 0 at once without SQPOLL or with free SQ space; otherwise waits for space.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqring_wait(ring: *mut io_uring) -> c_int {
    let r = ring!(ring);
    queue::sqring_wait(r)
}

/// SQEs queued and not yet consumed by the kernel (0 for an invalid ring).
#[no_mangle]
pub unsafe extern "C" fn io_uring_sq_ready(ring: *const io_uring) -> c_uint {
    let r = ring!(ring as *mut io_uring, or 0);
    sq::sq_ready(r)
}

/// Free SQ slots (0 for an invalid ring).
#[no_mangle]
pub unsafe extern "C" fn io_uring_sq_space_left(ring: *const io_uring) -> c_uint {
    let r = ring!(ring as *mut io_uring, or 0);
    sq::sq_space_left(r)
}

/// Get a completion, submitting `submit` SQEs and waiting for `wait_nr`, with `sigmask`
/// applied while waiting. Returns 0 (or the submitted count) with `*cqe_ptr` set, or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_get_cqe(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    submit: c_uint,
    wait_nr: c_uint,
    sigmask: *mut sigset_t,
) -> c_int {
    let r = ring!(ring);
    if cqe_ptr.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null out pointer; the kernel validates sigmask.
    unsafe { queue::get_cqe_sigmask(r, &mut *cqe_ptr, submit, wait_nr, sigmask as *const c_void) }
}

/// Wait for one completion. Returns 0 with `*cqe_ptr` set, or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqe(ring: *mut io_uring, cqe_ptr: *mut *mut io_uring_cqe) -> c_int {
    let r = ring!(ring);
    if cqe_ptr.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null out pointer.
    unsafe { queue::wait_cqe(r, &mut *cqe_ptr) }
}

/// Wait until `wait_nr` completions are ready; `*cqe_ptr` gets the first.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqe_nr(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
) -> c_int {
    let r = ring!(ring);
    if cqe_ptr.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null out pointer.
    unsafe { queue::wait_cqe_nr(r, &mut *cqe_ptr, wait_nr) }
}

/// Wait for `wait_nr` completions for at most `ts` (NULL: forever), with `sigmask`.
/// Returns 0 with `*cqe_ptr` set, `-ETIME` on timeout, or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqes(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
    ts: *mut __kernel_timespec,
    sigmask: *mut sigset_t,
) -> c_int {
    let r = ring!(ring);
    if cqe_ptr.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null out pointer; ts/sigmask validated by the kernel.
    unsafe { queue::wait_cqes(r, &mut *cqe_ptr, wait_nr, ts, sigmask as *const c_void) }
}

/// Like `io_uring_wait_cqes`, with a minimum-wait batching window of `min_ts_usec`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqes_min_timeout(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
    ts: *mut __kernel_timespec,
    min_ts_usec: c_uint,
    sigmask: *mut sigset_t,
) -> c_int {
    let r = ring!(ring);
    if cqe_ptr.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null out pointer.
    unsafe { queue::wait_cqes_min_timeout(r, &mut *cqe_ptr, wait_nr, ts, min_ts_usec, sigmask as *const c_void) }
}

/// Wait for one completion for at most `ts`. Returns 0, `-ETIME`, or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqe_timeout(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    ts: *mut __kernel_timespec,
) -> c_int {
    // SAFETY: forwarded.
    unsafe { io_uring_wait_cqes(ring, cqe_ptr, 1, ts, ptr::null_mut()) }
}

/// A ready completion without waiting: 0 with `*cqe_ptr` set, or `-EAGAIN`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_peek_cqe(ring: *mut io_uring, cqe_ptr: *mut *mut io_uring_cqe) -> c_int {
    let r = ring!(ring);
    if cqe_ptr.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null out pointer.
    unsafe { queue::peek_cqe(r, &mut *cqe_ptr) }
}

/// Peek without ever entering the kernel; `*nr_available` (if non-NULL) gets the count
/// of visible CQEs. Returns 0 (with `*cqe_ptr` NULL when none) or an internal-timeout error.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_peek_cqe(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    nr_available: *mut c_uint,
) -> c_int {
    let r = ring!(ring);
    if cqe_ptr.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null out pointers.
    unsafe { cq::peek_cqe_inner(r, &mut *cqe_ptr, nr_available.as_mut()) }
}

/// Fill `cqes` with up to `count` ready completions; returns how many.
#[no_mangle]
pub unsafe extern "C" fn io_uring_peek_batch_cqe(
    ring: *mut io_uring,
    cqes: *mut *mut io_uring_cqe,
    count: c_uint,
) -> c_uint {
    let r = ring!(ring, or 0);
    if cqes.is_null() {
        return 0;
    }
    // SAFETY: the caller provides room for `count` pointers (man page contract).
    let out = unsafe { core::slice::from_raw_parts_mut(cqes, count as usize) };
    queue::peek_batch_cqe(r, out)
}

/// Mark `cqe` consumed (advances the CQ head by its slot count). NULL `cqe` is a no-op.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_seen(ring: *mut io_uring, cqe: *mut io_uring_cqe) {
    if cqe.is_null() {
        return;
    }
    let r = ring!(ring, void);
    // SAFETY: cqe is non-null and, by contract, one of the ring's CQEs.
    let nr = cq::cqe_nr(unsafe { &*cqe });
    cq::cq_advance(r, nr)
}

/// Mark `nr` CQ slots consumed.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_advance(ring: *mut io_uring, nr: c_uint) {
    let r = ring!(ring, void);
    cq::cq_advance(r, nr)
}

/// Completions ready to reap (0 for an invalid ring).
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_ready(ring: *const io_uring) -> c_uint {
    let r = ring!(ring as *mut io_uring, or 0);
    cq::cq_ready(r)
}

/// True when the kernel holds overflowed completions.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_has_overflow(ring: *const io_uring) -> bool {
    let r = ring!(ring as *mut io_uring, or false);
    cq::cq_has_overflow(r)
}

/// True when eventfd notifications are enabled for this ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_eventfd_enabled(ring: *const io_uring) -> bool {
    let r = ring!(ring as *mut io_uring, or false);
    cq::cq_eventfd_enabled(r)
}

/// Enable or disable eventfd notifications. Returns 0 or `-EOPNOTSUPP`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_eventfd_toggle(ring: *mut io_uring, enabled: bool) -> c_int {
    let r = ring!(ring);
    cq::cq_eventfd_toggle(r, enabled)
}

/// CQ slots `cqe` occupies: 2 for a 32-byte CQE on a mixed ring, else 1.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_nr(cqe: *const io_uring_cqe) -> c_uint {
    if cqe.is_null() {
        return 1;
    }
    // SAFETY: non-null.
    cq::cqe_nr(unsafe { &*cqe })
}

/// Start iterating the ready completions of `ring`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_iter_init(ring: *const io_uring) -> io_uring_cqe_iter {
    let r = ring!(ring as *mut io_uring, or io_uring_cqe_iter { cqes: ptr::null_mut(), mask: 0, shift: 0, head: 0, tail: 0 });
    cq::cqe_iter_init(r)
}

/// Next completion of the iteration: true with `*cqe` set, or false at the end.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_iter_next(iter: *mut io_uring_cqe_iter, cqe: *mut *mut io_uring_cqe) -> bool {
    if iter.is_null() || cqe.is_null() {
        return false;
    }
    // SAFETY: non-null iterator from io_uring_cqe_iter_init.
    unsafe { cq::cqe_iter_next(&mut *iter, &mut *cqe) }
}

/// The `user_data` of `cqe` as a pointer.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_get_data(cqe: *const io_uring_cqe) -> *mut c_void {
    if cqe.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: non-null.
    unsafe { (*cqe).user_data as usize as *mut c_void }
}

/// The `user_data` of `cqe`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_get_data64(cqe: *const io_uring_cqe) -> __u64 {
    if cqe.is_null() {
        return 0;
    }
    // SAFETY: non-null.
    unsafe { (*cqe).user_data }
}

/// Set the `user_data` of `sqe` to a pointer.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_data(sqe: *mut io_uring_sqe, data: *mut c_void) {
    // SAFETY: null-checked by as_mut.
    if let Some(s) = unsafe { sqe.as_mut() } {
        s.user_data = data as usize as u64;
    }
}

/// Set the `user_data` of `sqe`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_data64(sqe: *mut io_uring_sqe, data: __u64) {
    // SAFETY: null-checked by as_mut.
    if let Some(s) = unsafe { sqe.as_mut() } {
        s.user_data = data;
    }
}

/// Set the `IOSQE_*` flags of `sqe` (replaces them).
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_flags(sqe: *mut io_uring_sqe, flags: c_uint) {
    // SAFETY: null-checked by as_mut.
    if let Some(s) = unsafe { sqe.as_mut() } {
        s.flags = flags as u8;
    }
}

/// Set the provided-buffer group of `sqe`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_buf_group(sqe: *mut io_uring_sqe, bgid: c_int) {
    // SAFETY: null-checked by as_mut.
    if let Some(s) = unsafe { sqe.as_mut() } {
        s.buf_index = bgid as u16;
    }
}
