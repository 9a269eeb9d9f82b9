//! Every decision to enter the kernel, in one place (liburing's queue.c): whether a
//! submission or a reap needs `io_uring_enter(2)`, the submit paths, and the one
//! get-CQE loop behind every wait. Ring memory is handled by [`sq`](super::sq) and
//! [`cq`](super::cq).
//!
//! Timespec, sigmask and wait-argument pointers are only read, by the kernel, which
//! validates them (`-EFAULT`); so these functions are safe.

use super::cq::{self, cq_ring_needs_flush};
use super::sq::{flush_sq, get_sqe, sq_space_left};
use super::{ring_enter_flags, Live};
use crate::sys::{self, __kernel_timespec, errno::*, io_uring_cqe};
use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{fence, Ordering};

/// `io_uring_enter(2)` on the ring's enter fd (a registered index once the ring fd is
/// registered). The kernel only reads `arg` (a sigset of `sz` bytes, or what `flags`
/// say) and checks it, so any value is memory-safe.
#[inline]
pub(crate) fn enter(ring: &Live, to_submit: u32, min_complete: u32, flags: u32, arg: *const c_void, sz: usize) -> i32 {
    if crate::trace::active() {
        return enter_traced(ring, to_submit, min_complete, flags, arg, sz);
    }
    enter_untraced(ring, to_submit, min_complete, flags, arg, sz)
}

/// [`enter`] for a caller that has already found tracing off.
#[inline(always)]
fn enter_untraced(ring: &Live, to_submit: u32, min_complete: u32, flags: u32, arg: *const c_void, sz: usize) -> i32 {
    // SAFETY: io_uring_enter never writes through `arg`; a bad pointer is -EFAULT.
    unsafe { sys::syscall::io_uring_enter(ring.enter_ring_fd as u32, to_submit, min_complete, flags, arg, sz) }
}

/// [`enter`] with tracing on, out of line: the untraced path then keeps no register
/// across the system call (no spills on the submit fast path).
#[cold]
#[inline(never)]
fn enter_traced(ring: &Live, to_submit: u32, min_complete: u32, flags: u32, arg: *const c_void, sz: usize) -> i32 {
    // SAFETY: as in `enter`.
    let ret =
        unsafe { sys::syscall::io_uring_enter(ring.enter_ring_fd as u32, to_submit, min_complete, flags, arg, sz) };
    // Trace what this enter completed before a real-header binary reaps it inline.
    crate::trace::on_reap(ring);
    ret
}

/// True when the kernel must be entered to get `submit` SQEs consumed: always without
/// SQPOLL, and with SQPOLL only when its thread sleeps (adds `IORING_ENTER_SQ_WAKEUP`).
#[inline]
fn sq_ring_needs_enter(ring: &Live, submit: u32, flags: &mut u32) -> bool {
    if submit == 0 {
        return false;
    }
    if ring.flags & sys::IORING_SETUP_SQPOLL == 0 {
        return true;
    }
    // The SQ tail store must be visible to the SQPOLL thread before we read its flags,
    // or both sides could miss each other (the thread sleeps, we do not wake it).
    fence(Ordering::SeqCst);
    if ring.sq_kflags() & sys::IORING_SQ_NEED_WAKEUP != 0 {
        *flags |= sys::IORING_ENTER_SQ_WAKEUP;
        return true;
    }
    false
}

/// True when reaping completions requires a syscall (IOPOLL without SQPOLL, or a flush).
#[inline]
pub fn cq_ring_needs_enter(ring: &Live) -> bool {
    ring.int_flags & sys::INT_FLAG_CQ_ENTER != 0 || cq_ring_needs_flush(ring)
}

/// The shared submit path: enters only when submission or completion needs it.
#[inline(always)]
fn submit_inner(ring: &mut Live, submitted: u32, wait_nr: u32, getevents: bool) -> i32 {
    submit_inner_with::<true>(ring, submitted, wait_nr, getevents)
}

/// [`submit_inner`]; `TRACE = false` when the caller has already found tracing off.
#[inline(always)]
fn submit_inner_with<const TRACE: bool>(ring: &mut Live, submitted: u32, wait_nr: u32, getevents: bool) -> i32 {
    let cq_needs_enter = getevents || wait_nr != 0 || cq_ring_needs_enter(ring);
    let mut flags = ring_enter_flags(ring);
    if sq_ring_needs_enter(ring, submitted, &mut flags) || cq_needs_enter {
        if cq_needs_enter {
            flags |= sys::IORING_ENTER_GETEVENTS;
        }
        if TRACE {
            enter(ring, submitted, wait_nr, flags, ptr::null(), sys::NSIG_BYTES)
        } else {
            enter_untraced(ring, submitted, wait_nr, flags, ptr::null(), sys::NSIG_BYTES)
        }
    } else {
        submitted as i32
    }
}

/// `io_uring_submit_and_wait`.
pub fn submit_and_wait(ring: &mut Live, wait_nr: u32) -> i32 {
    // Tracing is checked once, up front, and handled out of line: the fast path then
    // makes no call but the system call, and saves no registers.
    if crate::trace::active() {
        return submit_and_wait_traced(ring, wait_nr);
    }
    let n = super::sq::flush_sq_untraced(ring);
    submit_inner_with::<false>(ring, n, wait_nr, false)
}

#[cold]
#[inline(never)]
fn submit_and_wait_traced(ring: &mut Live, wait_nr: u32) -> i32 {
    let n = flush_sq(ring);
    submit_inner(ring, n, wait_nr, false)
}

/// `io_uring_submit`.
pub fn submit(ring: &mut Live) -> i32 {
    submit_and_wait(ring, 0)
}

/// `io_uring_submit_and_get_events`: submit and always enter to flush completions.
pub fn submit_and_get_events(ring: &mut Live) -> i32 {
    let n = flush_sq(ring);
    submit_inner(ring, n, 0, true)
}

/// `__io_uring_sqring_wait`: block until the SQPOLL thread frees an SQ slot.
pub fn sqring_wait_enter(ring: &Live) -> i32 {
    let flags = sys::IORING_ENTER_SQ_WAIT | ring_enter_flags(ring);
    enter(ring, 0, 0, flags, ptr::null(), sys::NSIG_BYTES)
}

/// `io_uring_sqring_wait`: 0 at once without SQPOLL or with free space, else waits.
pub fn sqring_wait(ring: &Live) -> i32 {
    if ring.flags & sys::IORING_SETUP_SQPOLL == 0 || sq_space_left(ring) != 0 {
        return 0;
    }
    sqring_wait_enter(ring)
}

/// Queues liburing's internal timeout SQE (the wait-with-timeout fallback for kernels
/// without `IORING_FEAT_EXT_ARG`) and flushes; returns what is pending for submission.
/// The kernel reads `ts` when it takes the SQE, within the caller's wait.
fn submit_timeout(ring: &mut Live, wait_nr: u32, ts: *const __kernel_timespec) -> i32 {
    let mut sqe = get_sqe(ring);
    if sqe.is_null() {
        // The SQ is full: submit what is there first, as liburing does.
        let ret = submit(ring);
        if ret < 0 {
            return ret;
        }
        sqe = get_sqe(ring);
        if sqe.is_null() {
            return -EAGAIN;
        }
    }
    // SAFETY: get_sqe handed out this free slot of the mapping; it is ours until flushed.
    let sqe = unsafe { &mut *sqe };
    crate::prep::rw::prep_rw(sqe, sys::IORING_OP_TIMEOUT, -1, ts as u64, 1, wait_nr as u64);
    sqe.user_data = sys::LIBURING_UDATA_TIMEOUT;
    flush_sq(ring) as i32
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
pub fn get_cqe(ring: &mut Live, cqe_ptr: &mut *mut io_uring_cqe, data: &mut GetData) -> i32 {
    let mut cqe: *mut io_uring_cqe = ptr::null_mut();
    let mut looped = false;
    let mut err = 0;
    loop {
        let mut need_enter = false;
        let mut flags = ring_enter_flags(ring);
        let mut nr_available = 0;
        let ret = cq::peek_cqe_inner(ring, &mut cqe, Some(&mut nr_available));
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
            if looped || !cq_ring_needs_enter(ring) {
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
        if sq_ring_needs_enter(ring, data.submit, &mut flags) {
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
        let ret = enter(ring, data.submit, data.wait_nr, flags, data.arg, data.sz);
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
pub fn get_cqe_sigmask(
    ring: &mut Live,
    cqe_ptr: &mut *mut io_uring_cqe,
    submit: u32,
    wait_nr: u32,
    sigmask: *const c_void,
) -> i32 {
    let mut data = GetData { submit, wait_nr, get_flags: 0, sz: sys::NSIG_BYTES, has_ts: false, arg: sigmask };
    get_cqe(ring, cqe_ptr, &mut data)
}

/// `io_uring_wait_cqe_nr`.
pub fn wait_cqe_nr(ring: &mut Live, cqe_ptr: &mut *mut io_uring_cqe, wait_nr: u32) -> i32 {
    get_cqe_sigmask(ring, cqe_ptr, 0, wait_nr, ptr::null())
}

/// `io_uring_peek_cqe`: a ready CQE, entering only to flush overflow/task work;
/// `-EAGAIN` when none.
pub fn peek_cqe(ring: &mut Live, cqe_ptr: &mut *mut io_uring_cqe) -> i32 {
    if cq::peek_cqe_inner(ring, cqe_ptr, None) == 0 && !cqe_ptr.is_null() {
        return 0;
    }
    wait_cqe_nr(ring, cqe_ptr, 0)
}

/// `io_uring_wait_cqe`.
pub fn wait_cqe(ring: &mut Live, cqe_ptr: &mut *mut io_uring_cqe) -> i32 {
    if cq::peek_cqe_inner(ring, cqe_ptr, None) == 0 && !cqe_ptr.is_null() {
        return 0;
    }
    wait_cqe_nr(ring, cqe_ptr, 1)
}

/// Wait with an `IORING_ENTER_EXT_ARG` timeout (and optional min-wait and sigmask),
/// submitting `submit` SQEs on the way. A non-zero `min_wait_usec` needs
/// `IORING_FEAT_MIN_TIMEOUT` (callers check it: older kernels refuse a non-zero pad).
pub fn wait_ext_arg(
    ring: &mut Live,
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
    get_cqe(ring, cqe_ptr, &mut data)
}

/// `io_uring_wait_cqes`: wait for `wait_nr` CQEs with an optional timeout and sigmask.
/// Uses EXT_ARG when the kernel has it, else liburing's internal timeout SQE.
pub fn wait_cqes(
    ring: &mut Live,
    cqe_ptr: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    sigmask: *const c_void,
) -> i32 {
    let mut to_submit = 0;
    if !ts.is_null() {
        if ring.features & sys::IORING_FEAT_EXT_ARG != 0 {
            return wait_ext_arg(ring, cqe_ptr, 0, wait_nr, ts, 0, sigmask);
        }
        let ret = submit_timeout(ring, wait_nr, ts);
        if ret < 0 {
            return ret;
        }
        to_submit = ret as u32;
    }
    let ret = get_cqe_sigmask(ring, cqe_ptr, to_submit, wait_nr, sigmask);
    // Success is 0 (man page), also when the fallback had to submit its timeout SQE
    // (liburing returns that submit count instead); no CQE is -EAGAIN, as with EXT_ARG.
    match ret {
        r if r <= 0 => r,
        _ if cqe_ptr.is_null() => -EAGAIN,
        _ => 0,
    }
}

/// `io_uring_submit_and_wait_timeout` / `_min_timeout`.
pub fn submit_and_wait_timeout(
    ring: &mut Live,
    cqe_ptr: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const c_void,
) -> i32 {
    let to_submit = if !ts.is_null() {
        if ring.features & sys::IORING_FEAT_EXT_ARG != 0 {
            let submit = flush_sq(ring);
            return wait_ext_arg(ring, cqe_ptr, submit, wait_nr, ts, min_wait_usec, sigmask);
        }
        let ret = submit_timeout(ring, wait_nr, ts);
        if ret < 0 {
            return ret;
        }
        ret as u32
    } else {
        flush_sq(ring)
    };
    get_cqe_sigmask(ring, cqe_ptr, to_submit, wait_nr, sigmask)
}

/// `io_uring_wait_cqes_min_timeout`: as [`wait_cqes`] with a minimum batching wait;
/// `-EINVAL` on kernels without `IORING_FEAT_MIN_TIMEOUT` (as liburing 2.15).
pub fn wait_cqes_min_timeout(
    ring: &mut Live,
    cqe_ptr: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const c_void,
) -> i32 {
    if ring.features & sys::IORING_FEAT_MIN_TIMEOUT == 0 {
        return -EINVAL;
    }
    // MIN_TIMEOUT kernels have EXT_ARG.
    wait_ext_arg(ring, cqe_ptr, 0, wait_nr, ts, min_wait_usec, sigmask)
}

/// `io_uring_submit_and_wait_min_timeout`: `-EINVAL` without `IORING_FEAT_MIN_TIMEOUT`.
pub fn submit_and_wait_min_timeout(
    ring: &mut Live,
    cqe_ptr: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const c_void,
) -> i32 {
    if ring.features & sys::IORING_FEAT_MIN_TIMEOUT == 0 {
        return -EINVAL;
    }
    submit_and_wait_timeout(ring, cqe_ptr, wait_nr, ts, min_wait_usec, sigmask)
}

/// `io_uring_submit_and_wait_reg`: wait using registered wait region slot `reg_index`.
pub fn submit_and_wait_reg(ring: &mut Live, cqe_ptr: &mut *mut io_uring_cqe, wait_nr: u32, reg_index: i32) -> i32 {
    if ring.features & sys::IORING_FEAT_EXT_ARG == 0 || reg_index < 0 {
        return -EINVAL;
    }
    // With EXT_ARG_REG the argument is an offset into a registered region, which the
    // kernel validates.
    let offset = (reg_index as usize).wrapping_mul(core::mem::size_of::<sys::io_uring_reg_wait>());
    let submit = flush_sq(ring);
    let mut data = GetData {
        submit,
        wait_nr,
        get_flags: sys::IORING_ENTER_EXT_ARG | sys::IORING_ENTER_EXT_ARG_REG,
        sz: core::mem::size_of::<sys::io_uring_reg_wait>(),
        has_ts: true,
        arg: offset as *const c_void,
    };
    get_cqe(ring, cqe_ptr, &mut data)
}

/// `io_uring_get_events`: enter only to flush completions / run task work.
pub fn get_events(ring: &Live) -> i32 {
    let flags = sys::IORING_ENTER_GETEVENTS | ring_enter_flags(ring);
    enter(ring, 0, 0, flags, ptr::null(), sys::NSIG_BYTES)
}

/// `io_uring_peek_batch_cqe`: up to `out.len()` visible CQEs without waiting (flushing
/// an overflow once if nothing is visible). Returns how many were stored.
pub fn peek_batch_cqe(ring: &mut Live, out: &mut [*mut io_uring_cqe]) -> u32 {
    // The common case first, in a few instructions: every ready slot is one visible CQE.
    if cq::all_visible(ring) {
        let ready = cq::cq_ready(ring);
        if ready != 0 {
            let n = (ready as usize).min(out.len());
            cq::plain_cqe_ptrs(ring, &mut out[..n]);
            return n as u32;
        }
    }
    peek_batch_slow(ring, out)
}

/// [`peek_batch_cqe`] when nothing is ready or CQEs may be hidden.
#[inline(never)]
fn peek_batch_slow(ring: &mut Live, out: &mut [*mut io_uring_cqe]) -> u32 {
    let n = cq::peek_batch(ring, out);
    if n == 0 && cq::cq_ready(ring) == 0 && cq_ring_needs_flush(ring) {
        get_events(ring);
        return cq::peek_batch(ring, out);
    }
    n
}

/// Waits (entering if needed) until `wait_nr` CQEs are ready, or flushes when nothing
/// is ready but the kernel holds completions; then copies up to `out.len()` visible CQEs
/// and hands their slots back at once. The Rust API's batch reap.
pub fn copy_cqes(ring: &mut Live, out: &mut [io_uring_cqe], wait_nr: u32) -> Result<usize, i32> {
    let ready = cq::cq_ready(ring);
    if ready < wait_nr || (ready == 0 && cq_ring_needs_enter(ring)) {
        let mut cqe = ptr::null_mut();
        let r = wait_cqe_nr(ring, &mut cqe, wait_nr);
        if r < 0 && !(wait_nr == 0 && r == -EAGAIN) {
            return Err(r);
        }
    }
    Ok(cq::copy_ready(ring, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ring::fake::FakeRing;

    #[test]
    fn min_timeout_waits_need_the_feature() {
        // Issue 11 defect 5: without IORING_FEAT_MIN_TIMEOUT both min-timeout waits are
        // -EINVAL before anything is submitted or waited for (liburing 2.15).
        let mut f = FakeRing::new(4, 8, 0, 0, 0);
        *f.ring.fds_mut().1 = -1;
        let ts = __kernel_timespec { tv_sec: 0, tv_nsec: 1 };
        let mut cqe = ptr::null_mut();
        assert!(!get_sqe(&mut f.ring).is_null());
        assert_eq!(wait_cqes_min_timeout(&mut f.ring, &mut cqe, 1, &ts, 10, ptr::null()), -EINVAL);
        assert_eq!(submit_and_wait_min_timeout(&mut f.ring, &mut cqe, 1, &ts, 10, ptr::null()), -EINVAL);
        // Nothing was published to the kernel.
        assert_eq!(f.sq_ktail(), 0);
    }
}
