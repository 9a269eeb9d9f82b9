//! Completion side: peek, wait (with timeouts and sigmasks), advance, iterate.

use super::{cqe_shift_from_flags, enter, load_acquire, read_once, ring_enter_flags, store_release, write_once};
use crate::sys::{self, __kernel_timespec, errno::*, io_uring, io_uring_cqe, io_uring_cqe_iter};
use core::ffi::c_void;
use core::ptr;

/// True when the kernel holds completions we only get by entering: overflowed CQEs or
/// pending task work (`IORING_SQ_CQ_OVERFLOW`, `IORING_SQ_TASKRUN`).
///
/// # Safety
/// `ring` must be live.
#[inline]
pub unsafe fn cq_ring_needs_flush(ring: &io_uring) -> bool {
    // Relaxed, as liburing's READ_ONCE: the flag is only a hint to enter the kernel,
    // which then does the synchronised work; no ring data is read on its strength.
    // SAFETY: live ring.
    unsafe { read_once(ring.sq.kflags) & (sys::IORING_SQ_CQ_OVERFLOW | sys::IORING_SQ_TASKRUN) != 0 }
}

/// True when reaping completions requires a syscall (IOPOLL without SQPOLL, or a flush).
///
/// # Safety
/// `ring` must be live.
#[inline]
pub unsafe fn cq_ring_needs_enter(ring: &io_uring) -> bool {
    // SAFETY: live ring.
    ring.int_flags & sys::INT_FLAG_CQ_ENTER != 0 || unsafe { cq_ring_needs_flush(ring) }
}

/// `io_uring_cqe_nr`: slots a CQE occupies (2 for a 32-byte CQE on a `CQE_MIXED` ring).
#[inline(always)]
pub fn cqe_nr(cqe: &io_uring_cqe) -> u32 {
    1 << ((cqe.flags & sys::IORING_CQE_F_32 != 0) as u32)
}

/// `io_uring_cq_advance`: hand `nr` CQ slots back to the kernel (release: our reads of
/// those CQEs happen before the kernel may overwrite them).
///
/// # Safety
/// `ring` must be live.
#[inline]
pub unsafe fn cq_advance(ring: &mut io_uring, nr: u32) {
    if nr != 0 {
        // SAFETY: live ring: khead points into the mapped CQ ring; only we write it.
        unsafe {
            let head = read_once(ring.cq.khead);
            store_release(ring.cq.khead, head.wrapping_add(nr));
        }
    }
}

/// `io_uring_cq_ready`: completions ready to be reaped.
///
/// # Safety
/// `ring` must be live.
#[inline]
pub unsafe fn cq_ready(ring: &io_uring) -> u32 {
    // SAFETY: live ring.
    unsafe { load_acquire(ring.cq.ktail).wrapping_sub(read_once(ring.cq.khead)) }
}

/// `io_uring_cq_has_overflow`.
///
/// # Safety
/// `ring` must be live.
#[inline]
pub unsafe fn cq_has_overflow(ring: &io_uring) -> bool {
    // Relaxed, as liburing's READ_ONCE: a status hint (see cq_ring_needs_flush).
    // SAFETY: live ring.
    unsafe { read_once(ring.sq.kflags) & sys::IORING_SQ_CQ_OVERFLOW != 0 }
}

/// `io_uring_cq_eventfd_enabled`: true when no CQ flags word exists (old kernels).
///
/// # Safety
/// `ring` must be live.
pub unsafe fn cq_eventfd_enabled(ring: &io_uring) -> bool {
    if ring.cq.kflags.is_null() {
        return true;
    }
    // SAFETY: non-null kflags points into the mapped CQ ring.
    unsafe { read_once(ring.cq.kflags) & sys::IORING_CQ_EVENTFD_DISABLED == 0 }
}

/// `io_uring_cq_eventfd_toggle`.
///
/// # Safety
/// `ring` must be live.
pub unsafe fn cq_eventfd_toggle(ring: &mut io_uring, enabled: bool) -> i32 {
    // SAFETY: live ring.
    if enabled == unsafe { cq_eventfd_enabled(ring) } {
        return 0;
    }
    if ring.cq.kflags.is_null() {
        return -EOPNOTSUPP;
    }
    // SAFETY: non-null kflags points into the mapped CQ ring; only we write it.
    unsafe {
        let mut flags = read_once(ring.cq.kflags);
        if enabled {
            flags &= !sys::IORING_CQ_EVENTFD_DISABLED;
        } else {
            flags |= sys::IORING_CQ_EVENTFD_DISABLED;
        }
        write_once(ring.cq.kflags, flags);
    }
    0
}

/// True for CQEs the application must never see: the kernel's `IORING_CQE_F_SKIP`
/// padding and, without `FEAT_EXT_ARG`, liburing's internal timeout CQE.
#[inline(always)]
pub(crate) fn cqe_is_internal(ring: &io_uring, cqe: &io_uring_cqe) -> bool {
    cqe.flags & sys::IORING_CQE_F_SKIP != 0
        || (ring.features & sys::IORING_FEAT_EXT_ARG == 0 && cqe.user_data == sys::LIBURING_UDATA_TIMEOUT)
}

/// The CQ slot of ring index `head` (masked, and scaled to 16-byte units on `CQE32`).
///
/// # Safety
/// `ring` must be live.
#[inline(always)]
pub(crate) unsafe fn cqe_at(ring: &io_uring, head: u32) -> *mut io_uring_cqe {
    let idx = ((head & ring.cq.ring_mask) << cqe_shift_from_flags(ring.flags)) as usize;
    // SAFETY: live ring: idx < ring_entries << shift, the 16-byte slots mapped at `cqes`.
    unsafe { ring.cq.cqes.add(idx) }
}

/// Consumes CQEs the application must never see: the kernel's `IORING_CQE_F_SKIP`
/// padding and, without `FEAT_EXT_ARG`, liburing's internal timeout CQE (whose error is
/// reported through `err`). Returns true when `cqe` was consumed and peeking should go on.
///
/// # Safety
/// `ring` must be live and `cqe` one of its ready CQEs.
#[inline]
unsafe fn skip_cqe(ring: &mut io_uring, cqe: &io_uring_cqe, err: &mut i32) -> bool {
    if !cqe_is_internal(ring, cqe) {
        return false;
    }
    if cqe.flags & sys::IORING_CQE_F_SKIP == 0 && cqe.res < 0 {
        // liburing's internal timeout failed (or fired): report it.
        *err = cqe.res;
    }
    // SAFETY: live ring.
    unsafe { cq_advance(ring, cqe_nr(cqe)) };
    *err == 0
}

/// `__io_uring_peek_cqe`: the first visible CQE (or null), never entering the kernel.
/// Returns 0 or the error of an internal timeout CQE; `nr_available` gets the count seen.
///
/// # Safety
/// `ring` must be live.
pub unsafe fn peek_cqe_inner(
    ring: &mut io_uring,
    cqe_ptr: &mut *mut io_uring_cqe,
    nr_available: Option<&mut u32>,
) -> i32 {
    let mut err = 0;
    let mut available;
    let mut cqe: *mut io_uring_cqe;
    loop {
        // SAFETY: live ring.
        let (tail, head) = unsafe { (load_acquire(ring.cq.ktail), read_once(ring.cq.khead)) };
        cqe = ptr::null_mut();
        available = tail.wrapping_sub(head);
        if available == 0 {
            break;
        }
        // SAFETY: live ring.
        cqe = unsafe { cqe_at(ring, head) };
        // SAFETY: cqe is a ready CQE of this ring.
        if !unsafe { skip_cqe(ring, &*cqe, &mut err) } {
            break;
        }
    }
    if err != 0 {
        // An internal timeout fired: report it, with no CQE.
        cqe = ptr::null_mut();
    }
    *cqe_ptr = cqe;
    if let Some(n) = nr_available {
        *n = available;
    }
    err
}

/// What one wait asks of `io_uring_enter(2)` (liburing's `struct get_data`).
pub struct GetData {
    pub submit: u32,
    pub wait_nr: u32,
    pub get_flags: u32,
    pub sz: usize,
    pub has_ts: bool,
    pub arg: *const c_void,
}

/// The one wait loop behind every wait/peek/submit-and-wait variant: peek, and enter
/// only if there is something to submit, to wait for, or to flush. With a timeout, one
/// enter is all it takes; a second pass without a CQE yields `-ETIME`.
///
/// # Safety
/// `ring` must be live; `data.arg` must match `data.get_flags`/`data.sz`.
pub unsafe fn get_cqe(ring: &mut io_uring, cqe_ptr: &mut *mut io_uring_cqe, data: &mut GetData) -> i32 {
    let mut cqe: *mut io_uring_cqe = ptr::null_mut();
    let mut looped = false;
    let mut err = 0;
    loop {
        let mut need_enter = false;
        let mut flags = ring_enter_flags(ring);
        let mut nr_available = 0;
        // SAFETY: live ring.
        let ret = unsafe { peek_cqe_inner(ring, &mut cqe, Some(&mut nr_available)) };
        if ret != 0 {
            // The internal timeout (no-EXT_ARG fallback) fired: that error wins over the
            // count an earlier enter submitted (liburing keeps the count here and so
            // returns success with no CQE; its man pages promise -ETIME).
            if err >= 0 {
                err = ret;
            }
            break;
        }
        if cqe.is_null() && data.wait_nr == 0 && data.submit == 0 {
            // Nothing to submit or wait for: enter once at most, to flush.
            // SAFETY: live ring.
            if looped || !unsafe { cq_ring_needs_enter(ring) } {
                if err == 0 {
                    err = -EAGAIN;
                }
                break;
            }
            need_enter = true;
        }
        if data.wait_nr > nr_available || need_enter {
            flags |= sys::IORING_ENTER_GETEVENTS | data.get_flags;
            need_enter = true;
        }
        // SAFETY: live ring.
        if unsafe { super::sq::sq_ring_needs_enter(ring, data.submit, &mut flags) } {
            need_enter = true;
        }
        if !need_enter {
            break;
        }
        if looped && data.has_ts {
            // The kernel already waited out the timeout once. No CQE is a timeout, even
            // if that enter submitted something (liburing would return the count with a
            // NULL CQE, which callers take for success).
            if cqe.is_null() && err >= 0 {
                err = -ETIME;
            }
            break;
        }
        // SAFETY: data.arg matches flags/sz by the caller's contract.
        let ret = unsafe { enter(ring, data.submit, data.wait_nr, flags, data.arg, data.sz) };
        if ret < 0 {
            // As above: an error beats the count of an earlier submitting enter.
            if err >= 0 {
                err = ret;
            }
            break;
        }
        data.submit = data.submit.wrapping_sub(ret as u32);
        if !cqe.is_null() {
            break;
        }
        if !looped {
            looped = true;
            err = ret;
        }
    }
    *cqe_ptr = cqe;
    // As in liburing, a positive value is the count the first enter submitted.
    err
}

/// `__io_uring_get_cqe`: submit `submit`, wait for `wait_nr`, with an optional sigmask.
///
/// # Safety
/// `ring` must be live; `sigmask` null or a valid sigset.
pub unsafe fn get_cqe_sigmask(
    ring: &mut io_uring,
    cqe_ptr: &mut *mut io_uring_cqe,
    submit: u32,
    wait_nr: u32,
    sigmask: *const c_void,
) -> i32 {
    let mut data = GetData { submit, wait_nr, get_flags: 0, sz: sys::NSIG_BYTES, has_ts: false, arg: sigmask };
    // SAFETY: forwarded.
    unsafe { get_cqe(ring, cqe_ptr, &mut data) }
}

/// `io_uring_wait_cqe_nr`.
///
/// # Safety
/// `ring` must be live.
pub unsafe fn wait_cqe_nr(ring: &mut io_uring, cqe_ptr: &mut *mut io_uring_cqe, wait_nr: u32) -> i32 {
    // SAFETY: forwarded.
    unsafe { get_cqe_sigmask(ring, cqe_ptr, 0, wait_nr, ptr::null()) }
}

/// `io_uring_peek_cqe`: a ready CQE, entering only to flush overflow/task work;
/// `-EAGAIN` when none.
///
/// # Safety
/// `ring` must be live.
pub unsafe fn peek_cqe(ring: &mut io_uring, cqe_ptr: &mut *mut io_uring_cqe) -> i32 {
    // SAFETY: live ring.
    unsafe {
        if peek_cqe_inner(ring, cqe_ptr, None) == 0 && !cqe_ptr.is_null() {
            return 0;
        }
        wait_cqe_nr(ring, cqe_ptr, 0)
    }
}

/// `io_uring_wait_cqe`.
///
/// # Safety
/// `ring` must be live.
pub unsafe fn wait_cqe(ring: &mut io_uring, cqe_ptr: &mut *mut io_uring_cqe) -> i32 {
    // SAFETY: live ring.
    unsafe {
        if peek_cqe_inner(ring, cqe_ptr, None) == 0 && !cqe_ptr.is_null() {
            return 0;
        }
        wait_cqe_nr(ring, cqe_ptr, 1)
    }
}

/// Wait with an `IORING_ENTER_EXT_ARG` timeout (and optional min-wait and sigmask),
/// submitting `submit` SQEs on the way. A non-zero `min_wait_usec` needs
/// `IORING_FEAT_MIN_TIMEOUT` (callers check it: older kernels refuse a non-zero pad).
///
/// # Safety
/// `ring` must be live; `ts` and `sigmask` null or valid.
pub unsafe fn wait_ext_arg(
    ring: &mut io_uring,
    cqe_ptr: &mut *mut io_uring_cqe,
    submit: u32,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const c_void,
) -> i32 {
    let arg = sys::io_uring_getevents_arg {
        sigmask: sigmask as u64,
        sigmask_sz: sys::NSIG_BYTES as u32,
        min_wait_usec,
        ts: ts as u64,
    };
    let mut data = GetData {
        submit,
        wait_nr,
        get_flags: sys::IORING_ENTER_EXT_ARG,
        sz: core::mem::size_of::<sys::io_uring_getevents_arg>(),
        has_ts: !ts.is_null(),
        arg: &arg as *const _ as *const c_void,
    };
    // SAFETY: `arg` outlives the call and matches EXT_ARG.
    unsafe { get_cqe(ring, cqe_ptr, &mut data) }
}

/// `io_uring_wait_cqes`: wait for `wait_nr` CQEs with an optional timeout and sigmask.
/// Uses EXT_ARG when the kernel has it, else liburing's internal timeout SQE.
///
/// # Safety
/// `ring` must be live; `ts`/`sigmask` null or valid.
pub unsafe fn wait_cqes(
    ring: &mut io_uring,
    cqe_ptr: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    sigmask: *const c_void,
) -> i32 {
    let mut to_submit = 0;
    if !ts.is_null() {
        if ring.features & sys::IORING_FEAT_EXT_ARG != 0 {
            // SAFETY: forwarded.
            return unsafe { wait_ext_arg(ring, cqe_ptr, 0, wait_nr, ts, 0, sigmask) };
        }
        // SAFETY: live ring; ts valid until the timeout completes (the caller waits).
        let ret = unsafe { super::sq::submit_timeout(ring, wait_nr, ts) };
        if ret < 0 {
            return ret;
        }
        to_submit = ret as u32;
    }
    // SAFETY: forwarded.
    let ret = unsafe { get_cqe_sigmask(ring, cqe_ptr, to_submit, wait_nr, sigmask) };
    // Success is 0 (man page), also when the fallback had to submit its timeout SQE
    // (liburing returns that submit count instead); no CQE is -EAGAIN, as with EXT_ARG.
    match ret {
        r if r <= 0 => r,
        _ if cqe_ptr.is_null() => -EAGAIN,
        _ => 0,
    }
}

/// `io_uring_submit_and_wait_timeout` / `_min_timeout`.
///
/// # Safety
/// `ring` must be live; `ts`/`sigmask` null or valid.
pub unsafe fn submit_and_wait_timeout(
    ring: &mut io_uring,
    cqe_ptr: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const c_void,
) -> i32 {
    let to_submit = if !ts.is_null() {
        if ring.features & sys::IORING_FEAT_EXT_ARG != 0 {
            // SAFETY: live ring.
            let submit = unsafe { super::sq::flush_sq(ring) };
            // SAFETY: forwarded.
            return unsafe { wait_ext_arg(ring, cqe_ptr, submit, wait_nr, ts, min_wait_usec, sigmask) };
        }
        // SAFETY: as in wait_cqes.
        let ret = unsafe { super::sq::submit_timeout(ring, wait_nr, ts) };
        if ret < 0 {
            return ret;
        }
        ret as u32
    } else {
        // SAFETY: live ring.
        unsafe { super::sq::flush_sq(ring) }
    };
    // SAFETY: forwarded.
    unsafe { get_cqe_sigmask(ring, cqe_ptr, to_submit, wait_nr, sigmask) }
}

/// `io_uring_wait_cqes_min_timeout`: as [`wait_cqes`] with a minimum batching wait;
/// `-EINVAL` on kernels without `IORING_FEAT_MIN_TIMEOUT` (as liburing 2.15).
///
/// # Safety
/// `ring` must be live; `ts`/`sigmask` null or valid.
pub unsafe fn wait_cqes_min_timeout(
    ring: &mut io_uring,
    cqe_ptr: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const c_void,
) -> i32 {
    if ring.features & sys::IORING_FEAT_MIN_TIMEOUT == 0 {
        return -EINVAL;
    }
    // SAFETY: forwarded; MIN_TIMEOUT kernels have EXT_ARG.
    unsafe { wait_ext_arg(ring, cqe_ptr, 0, wait_nr, ts, min_wait_usec, sigmask) }
}

/// `io_uring_submit_and_wait_min_timeout`: `-EINVAL` without `IORING_FEAT_MIN_TIMEOUT`.
///
/// # Safety
/// `ring` must be live; `ts`/`sigmask` null or valid.
pub unsafe fn submit_and_wait_min_timeout(
    ring: &mut io_uring,
    cqe_ptr: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const c_void,
) -> i32 {
    if ring.features & sys::IORING_FEAT_MIN_TIMEOUT == 0 {
        return -EINVAL;
    }
    // SAFETY: forwarded.
    unsafe { submit_and_wait_timeout(ring, cqe_ptr, wait_nr, ts, min_wait_usec, sigmask) }
}

/// `io_uring_submit_and_wait_reg`: wait using registered wait region slot `reg_index`.
///
/// # Safety
/// `ring` must be live.
pub unsafe fn submit_and_wait_reg(
    ring: &mut io_uring,
    cqe_ptr: &mut *mut io_uring_cqe,
    wait_nr: u32,
    reg_index: i32,
) -> i32 {
    if ring.features & sys::IORING_FEAT_EXT_ARG == 0 || reg_index < 0 {
        return -EINVAL;
    }
    let offset = (reg_index as usize).wrapping_mul(core::mem::size_of::<sys::io_uring_reg_wait>());
    // SAFETY: live ring.
    let submit = unsafe { super::sq::flush_sq(ring) };
    let mut data = GetData {
        submit,
        wait_nr,
        get_flags: sys::IORING_ENTER_EXT_ARG | sys::IORING_ENTER_EXT_ARG_REG,
        sz: core::mem::size_of::<sys::io_uring_reg_wait>(),
        has_ts: true,
        arg: offset as *const c_void,
    };
    // SAFETY: with EXT_ARG_REG the argument is an offset into a registered region,
    // which the kernel validates.
    unsafe { get_cqe(ring, cqe_ptr, &mut data) }
}

/// `io_uring_get_events`: enter only to flush completions / run task work.
///
/// # Safety
/// `ring` must be live.
pub unsafe fn get_events(ring: &io_uring) -> i32 {
    let flags = sys::IORING_ENTER_GETEVENTS | ring_enter_flags(ring);
    // SAFETY: null argument.
    unsafe { enter(ring, 0, 0, flags, ptr::null(), sys::NSIG_BYTES) }
}

/// Stores up to `count` ready CQEs in `cqes` without entering the kernel; returns how many.
/// On a `CQE_MIXED` ring only real CQEs are stored (one pointer per CQE, 32-byte ones
/// spanning two slots): kernel padding (`IORING_CQE_F_SKIP`) at the head is consumed,
/// padding behind a stored CQE ends the batch (it is consumed by the next peek), as in
/// liburing 2.15.
///
/// # Safety
/// `ring` must be live; `cqes` valid for `count` writes.
unsafe fn peek_batch_ready(ring: &mut io_uring, cqes: *mut *mut io_uring_cqe, count: u32) -> u32 {
    // SAFETY: live ring.
    let ready = unsafe { cq_ready(ring) };
    if ready == 0 {
        return 0;
    }
    // SAFETY: live ring.
    let mut head = unsafe { read_once(ring.cq.khead) };
    if ring.flags & sys::IORING_SETUP_CQE_MIXED == 0 {
        let n = count.min(ready);
        for i in 0..n {
            // SAFETY: live ring (slot within the mapped CQ ring); i < count slots of `cqes`.
            unsafe { *cqes.add(i as usize) = cqe_at(ring, head.wrapping_add(i)) };
        }
        return n;
    }
    let last = head.wrapping_add(ready);
    let mut n = 0;
    while n < count && head != last {
        // SAFETY: live ring: a ready slot of the mapped CQ ring.
        let cqe = unsafe { cqe_at(ring, head) };
        // SAFETY: a ready CQE, written by the kernel before the tail we acquired.
        let c = unsafe { &*cqe };
        if c.flags & sys::IORING_CQE_F_SKIP != 0 {
            // Only the head slot can be handed back; a later one waits for the next peek.
            if n != 0 {
                break;
            }
            // SAFETY: live ring; the padding is the head CQE.
            unsafe { cq_advance(ring, 1) };
            head = head.wrapping_add(1);
            continue;
        }
        // SAFETY: n < count slots of `cqes`.
        unsafe { *cqes.add(n as usize) = cqe };
        head = head.wrapping_add(cqe_nr(c));
        n += 1;
    }
    n
}

/// `io_uring_peek_batch_cqe`: up to `count` ready CQEs without waiting (flushing an
/// overflow or task work once if none is visible). Returns how many were stored.
///
/// # Safety
/// `ring` must be live; `cqes` valid for `count` writes.
pub unsafe fn peek_batch_cqe(ring: &mut io_uring, cqes: *mut *mut io_uring_cqe, count: u32) -> u32 {
    // SAFETY: live ring; forwarded `cqes` contract.
    unsafe {
        let n = peek_batch_ready(ring, cqes, count);
        if n != 0 || !cq_ring_needs_flush(ring) {
            return n;
        }
        get_events(ring);
        peek_batch_ready(ring, cqes, count)
    }
}

/// `io_uring_cqe_iter_init`: snapshot of the ready CQEs.
///
/// # Safety
/// `ring` must be live.
pub unsafe fn cqe_iter_init(ring: &io_uring) -> io_uring_cqe_iter {
    io_uring_cqe_iter {
        cqes: ring.cq.cqes,
        mask: ring.cq.ring_mask,
        shift: cqe_shift_from_flags(ring.flags),
        // SAFETY: live ring.
        head: unsafe { read_once(ring.cq.khead) },
        // SAFETY: live ring.
        tail: unsafe { load_acquire(ring.cq.ktail) },
    }
}

/// `io_uring_cqe_iter_next`.
///
/// # Safety
/// `iter` must come from [`cqe_iter_init`] on a live ring.
pub unsafe fn cqe_iter_next(iter: &mut io_uring_cqe_iter, cqe: &mut *mut io_uring_cqe) -> bool {
    if iter.head == iter.tail {
        return false;
    }
    // SAFETY: the index is masked into the CQ ring captured by the iterator.
    let c = unsafe { iter.cqes.add(((iter.head & iter.mask) << iter.shift) as usize) };
    iter.head = iter.head.wrapping_add(1);
    // SAFETY: c is a ready CQE.
    if unsafe { (*c).flags } & sys::IORING_CQE_F_32 != 0 {
        iter.head = iter.head.wrapping_add(1);
    }
    *cqe = c;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ring::fake::FakeRing;
    use std::vec::Vec;

    /// Reap `n` ready CQEs with one of the four reaping paths, checking order, slots
    /// and counters; `next` is the user_data expected first.
    fn reap(f: &mut FakeRing, n: u32, way: u32, next: &mut u64) {
        let shift = cqe_shift_from_flags(f.ring.flags);
        let mask = f.ring.cq.ring_mask;
        // SAFETY: the fake ring is live; every CQE pointer used comes from it.
        unsafe {
            assert_eq!(cq_ready(&f.ring), n);
            match way {
                0 => {
                    for left in (1..=n).rev() {
                        let mut cqe = ptr::null_mut();
                        let mut avail = 0;
                        assert_eq!(peek_cqe_inner(&mut f.ring, &mut cqe, Some(&mut avail)), 0);
                        assert_eq!(avail, left);
                        assert!(!cqe.is_null());
                        let head = f.cq_khead();
                        assert_eq!(f.cqe_slot(cqe), ((head & mask) << shift) as usize);
                        assert_eq!((*cqe).user_data, *next);
                        *next += 1;
                        cq_advance(&mut f.ring, cqe_nr(&*cqe));
                        assert_eq!(f.cq_khead(), head.wrapping_add(1));
                    }
                }
                1 => {
                    let mut cqes = [ptr::null_mut(); 16];
                    let first = peek_batch_cqe(&mut f.ring, cqes.as_mut_ptr(), 3);
                    assert_eq!(first, n.min(3));
                    let head = f.cq_khead();
                    for (i, c) in cqes[..first as usize].iter().enumerate() {
                        assert_eq!(f.cqe_slot(*c), ((head.wrapping_add(i as u32) & mask) << shift) as usize);
                        assert_eq!((**c).user_data, *next + i as u64);
                    }
                    // peeking consumed nothing
                    assert_eq!(cq_ready(&f.ring), n);
                    cq_advance(&mut f.ring, first);
                    *next += first as u64;
                    let rest = peek_batch_cqe(&mut f.ring, cqes.as_mut_ptr(), 16);
                    assert_eq!(rest, n - first);
                    for (i, c) in cqes[..rest as usize].iter().enumerate() {
                        assert_eq!((**c).user_data, *next + i as u64);
                    }
                    cq_advance(&mut f.ring, rest);
                    *next += rest as u64;
                }
                2 => {
                    let mut it = cqe_iter_init(&f.ring);
                    assert_eq!((it.head, it.tail), (f.cq_khead(), f.cq_ktail()));
                    let mut cqe = ptr::null_mut();
                    let mut seen = 0;
                    while cqe_iter_next(&mut it, &mut cqe) {
                        let idx = f.cq_khead().wrapping_add(seen);
                        assert_eq!(f.cqe_slot(cqe), ((idx & mask) << shift) as usize);
                        assert_eq!((*cqe).user_data, *next + seen as u64);
                        seen += 1;
                    }
                    assert_eq!(seen, n);
                    assert_eq!(it.head, it.tail);
                    assert_eq!(cq_ready(&f.ring), n, "the iterator consumed CQEs");
                    cq_advance(&mut f.ring, seen);
                    *next += seen as u64;
                }
                _ => {
                    // One advance for all, as after io_uring_for_each_cqe.
                    let mut cqe = ptr::null_mut();
                    assert_eq!(peek_cqe_inner(&mut f.ring, &mut cqe, None), 0);
                    assert_eq!((*cqe).user_data, *next);
                    cq_advance(&mut f.ring, n);
                    *next += n as u64;
                }
            }
            assert_eq!(cq_ready(&f.ring), 0);
            let mut cqe = ptr::null_mut();
            let mut avail = 9;
            assert_eq!(peek_cqe_inner(&mut f.ring, &mut cqe, Some(&mut avail)), 0);
            assert!(cqe.is_null() && avail == 0);
            let mut none = [ptr::null_mut(); 1];
            assert_eq!(peek_batch_cqe(&mut f.ring, none.as_mut_ptr(), 1), 0);
        }
    }

    #[test]
    fn cq_indices_wrap_at_2_32() {
        for flags in [0, sys::IORING_SETUP_CQE32] {
            for start in [u32::MAX - 30, u32::MAX - 7, u32::MAX - 1, u32::MAX] {
                let mut f = FakeRing::new(4, 8, flags, 0, start);
                let (mut posted, mut next) = (0u64, 0u64);
                for round in 0..80u32 {
                    let n = 1 + round % 8; // up to a full CQ
                    for _ in 0..n {
                        f.kernel_post_cqe(posted, 0, 0);
                        posted += 1;
                    }
                    reap(&mut f, n, round % 4, &mut next);
                }
                assert_eq!(next, posted);
                assert!(f.cq_khead() < start, "indices did not wrap");
                assert_eq!(f.cq_khead(), f.cq_ktail());
            }
        }
    }

    #[test]
    fn full_cq_at_the_wrap() {
        let mut f = FakeRing::new(4, 8, 0, 0, u32::MAX - 3);
        for i in 0..8 {
            f.kernel_post_cqe(i, i as i32, 0);
        }
        assert_eq!(f.cq_ktail(), 4);
        // SAFETY: live fake ring.
        unsafe {
            assert_eq!(cq_ready(&f.ring), 8);
            let mut cqes = [ptr::null_mut(); 8];
            assert_eq!(peek_batch_cqe(&mut f.ring, cqes.as_mut_ptr(), 8), 8);
            let uds: Vec<u64> = cqes.iter().map(|c| (**c).user_data).collect();
            assert_eq!(uds, (0..8).collect::<Vec<u64>>());
            cq_advance(&mut f.ring, 8);
            assert_eq!(f.cq_khead(), 4);
            cq_advance(&mut f.ring, 0);
            assert_eq!(f.cq_khead(), 4);
        }
    }

    #[test]
    fn mixed_cq_skips_padding_across_the_wrap() {
        // CQE_MIXED: 16-byte slots; 32-byte CQEs take two; a skip CQE pads the end.
        let mut f = FakeRing::new(4, 8, sys::IORING_SETUP_CQE_MIXED, 0, u32::MAX - 2);
        // Slots 5 and 6 get 16-byte CQEs. A 32-byte CQE at slot 7 would straddle the
        // end: the kernel pads slot 7 with a skip CQE and puts it at slots 0-1, after
        // the index wrapped past 2^32; then a 16-byte one at slot 2.
        f.kernel_post_cqe(1, 0, 0);
        f.kernel_post_cqe(2, 0, 0);
        f.kernel_post_cqe(0, 0, sys::IORING_CQE_F_SKIP);
        f.kernel_post_cqe(3, 0, sys::IORING_CQE_F_32);
        f.kernel_post_cqe(4, 0, 0);
        // SAFETY: live fake ring.
        unsafe {
            assert_eq!(cq_ready(&f.ring), 6);
            assert!(f.cq_ktail() < 8, "tail did not wrap");
            let mut got = Vec::new();
            loop {
                let mut cqe = ptr::null_mut();
                assert_eq!(peek_cqe_inner(&mut f.ring, &mut cqe, None), 0);
                if cqe.is_null() {
                    break;
                }
                assert_eq!((*cqe).flags & sys::IORING_CQE_F_SKIP, 0, "skip CQE returned");
                got.push(((*cqe).user_data, cqe_nr(&*cqe)));
                cq_advance(&mut f.ring, cqe_nr(&*cqe));
            }
            assert_eq!(got, [(1, 1), (2, 1), (3, 2), (4, 1)]);
            assert_eq!(f.cq_khead(), f.cq_ktail());
        }
        // The iterator steps over 32-byte CQEs by two slots.
        f.kernel_post_cqe(5, 0, sys::IORING_CQE_F_32);
        f.kernel_post_cqe(6, 0, 0);
        // SAFETY: live fake ring.
        unsafe {
            let mut it = cqe_iter_init(&f.ring);
            let mut cqe = ptr::null_mut();
            let mut uds = Vec::new();
            while cqe_iter_next(&mut it, &mut cqe) {
                uds.push((*cqe).user_data);
            }
            assert_eq!(uds, [5, 6]);
            cq_advance(&mut f.ring, 3);
            assert_eq!(cq_ready(&f.ring), 0);
        }
    }

    #[test]
    fn internal_timeout_cqes_never_reach_the_app() {
        let mut f = FakeRing::new(4, 8, 0, 0, u32::MAX - 1);
        f.ring.features &= !sys::IORING_FEAT_EXT_ARG;
        // A timeout that completed by count (res 0) is dropped silently...
        f.kernel_post_cqe(sys::LIBURING_UDATA_TIMEOUT, 0, 0);
        f.kernel_post_cqe(7, 5, 0);
        // ...one that expired is reported as -ETIME, with no CQE.
        f.kernel_post_cqe(sys::LIBURING_UDATA_TIMEOUT, -ETIME, 0);
        f.kernel_post_cqe(8, 6, 0);
        // SAFETY: live fake ring.
        unsafe {
            let mut cqe = ptr::null_mut();
            assert_eq!(peek_cqe_inner(&mut f.ring, &mut cqe, None), 0);
            assert_eq!(((*cqe).user_data, (*cqe).res), (7, 5));
            cq_advance(&mut f.ring, 1);
            assert_eq!(peek_cqe_inner(&mut f.ring, &mut cqe, None), -ETIME);
            assert!(cqe.is_null());
            assert_eq!(peek_cqe_inner(&mut f.ring, &mut cqe, None), 0);
            assert_eq!((*cqe).user_data, 8);
            cq_advance(&mut f.ring, 1);
            assert_eq!(cq_ready(&f.ring), 0);
        }
        // With EXT_ARG that user_data is the application's own.
        let mut g = FakeRing::new(4, 8, 0, 0, 0);
        g.kernel_post_cqe(sys::LIBURING_UDATA_TIMEOUT, -ETIME, 0);
        // SAFETY: live fake ring.
        unsafe {
            let mut cqe = ptr::null_mut();
            assert_eq!(peek_cqe_inner(&mut g.ring, &mut cqe, None), 0);
            assert_eq!((*cqe).user_data, sys::LIBURING_UDATA_TIMEOUT);
        }
    }

    #[test]
    fn mixed_peek_batch_never_returns_padding() {
        // Issue 11 defect 1: CQE_MIXED, 4 slots; head = tail = 3, then a 32-byte CQE that
        // would straddle the end: the kernel pads slot 3 with a skip CQE, the big one takes
        // slots 0-1.
        let mut f = FakeRing::new(4, 4, sys::IORING_SETUP_CQE_MIXED, 0, 3);
        f.kernel_post_cqe(0, 0, sys::IORING_CQE_F_SKIP);
        f.kernel_post_cqe(77, 0, sys::IORING_CQE_F_32);
        // SAFETY: live fake ring; the CQE pointers come from it.
        unsafe {
            let mut cqes = [ptr::null_mut(); 4];
            // The skip entry at the head is consumed, the big CQE returned, once.
            assert_eq!(peek_batch_cqe(&mut f.ring, cqes.as_mut_ptr(), 4), 1);
            assert_eq!(((*cqes[0]).user_data, f.cqe_slot(cqes[0])), (77, 0));
            assert_eq!(f.cq_khead(), 4, "padding entry not consumed");
            cq_advance(&mut f.ring, cqe_nr(&*cqes[0]));
            assert_eq!(cq_ready(&f.ring), 0);
        }
        // A skip entry behind real CQEs ends the batch; the next peek consumes it.
        f.kernel_post_cqe(1, 0, 0); // slot 2
        f.kernel_post_cqe(0, 0, sys::IORING_CQE_F_SKIP); // slot 3
        f.kernel_post_cqe(2, 0, sys::IORING_CQE_F_32); // slots 0-1
                                                       // SAFETY: as above.
        unsafe {
            let mut cqes = [ptr::null_mut(); 4];
            assert_eq!(peek_batch_cqe(&mut f.ring, cqes.as_mut_ptr(), 4), 1);
            assert_eq!((*cqes[0]).user_data, 1);
            cq_advance(&mut f.ring, 1);
            assert_eq!(peek_batch_cqe(&mut f.ring, cqes.as_mut_ptr(), 4), 1);
            assert_eq!((*cqes[0]).user_data, 2);
            cq_advance(&mut f.ring, 2);
            assert_eq!(cq_ready(&f.ring), 0);
            // Only padding ready: nothing returned, the padding consumed.
            f.kernel_post_cqe(0, 0, sys::IORING_CQE_F_SKIP);
            assert_eq!(peek_batch_cqe(&mut f.ring, cqes.as_mut_ptr(), 4), 0);
            assert_eq!(cq_ready(&f.ring), 0);
        }
    }

    #[test]
    fn min_timeout_waits_need_the_feature() {
        // Issue 11 defect 5: without IORING_FEAT_MIN_TIMEOUT both min-timeout waits are
        // -EINVAL before anything is submitted or waited for (liburing 2.15).
        let mut f = FakeRing::new(4, 8, 0, 0, 0);
        f.ring.enter_ring_fd = -1;
        let ts = __kernel_timespec { tv_sec: 0, tv_nsec: 1 };
        let mut cqe = ptr::null_mut();
        // SAFETY: live fake ring; ts outlives the calls.
        unsafe {
            let sqe = crate::ring::sq::get_sqe(&mut f.ring);
            assert!(!sqe.is_null());
            assert_eq!(wait_cqes_min_timeout(&mut f.ring, &mut cqe, 1, &ts, 10, ptr::null()), -EINVAL);
            assert_eq!(submit_and_wait_min_timeout(&mut f.ring, &mut cqe, 1, &ts, 10, ptr::null()), -EINVAL);
            // Nothing was published to the kernel.
            assert_eq!(f.sq_ktail(), 0);
        }
    }
}
