//! The queue operations shared by [`IoUring`](super::IoUring) and the split halves:
//! thin adapters from the core's `-errno` conventions to typed results. No ring logic
//! lives here beyond copying CQEs out in batches (built on the core's `cq_ready` and
//! `cq_advance`, so the head is published once per batch).

use super::{Cqe, Cqe32, EnterError, Errno, PrepSqe, PushError, Sqe, Timespec};
use crate::ring::{self, cq, sq};
use crate::sys::{self, io_uring, io_uring_cqe, io_uring_cqe_iter};
use core::ptr;
use core::time::Duration;

/// `>= 0` → count, `< 0` → error.
#[inline(always)]
pub(crate) fn enter_result(r: i32) -> Result<u32, EnterError> {
    if r >= 0 {
        Ok(r as u32)
    } else {
        Err(EnterError::from_raw(r))
    }
}

/// Next free SQE as a raw pointer (128-byte when `big`), or the reason there is none.
#[inline(always)]
fn next_sqe(ring: &mut io_uring, big: bool) -> Result<&mut sys::io_uring_sqe, PushError> {
    // SAFETY: every `io_uring` reaching the API is live (set up by IoUring::new and
    // torn down only in Drop).
    let p = unsafe {
        if big {
            sq::get_sqe128(ring)
        } else {
            sq::get_sqe(ring)
        }
    };
    if p.is_null() {
        if big && ring.flags & (sys::IORING_SETUP_SQE128 | sys::IORING_SETUP_SQE_MIXED) == 0 {
            return Err(PushError::NeedsSqe128);
        }
        return Err(PushError::QueueFull);
    }
    // SAFETY: a slot just handed out by the core; nothing else references it until the
    // tail is published by the next submit.
    Ok(unsafe { &mut *p })
}

#[inline(always)]
pub(crate) fn get_sqe(ring: &mut io_uring) -> Result<Sqe<'_>, PushError> {
    next_sqe(ring, false).map(Sqe::new)
}

#[inline(always)]
pub(crate) fn get_sqe128(ring: &mut io_uring) -> Result<Sqe<'_>, PushError> {
    next_sqe(ring, true).map(Sqe::new)
}

#[inline(always)]
pub(crate) fn push<O: PrepSqe>(ring: &mut io_uring, op: &O) -> Result<(), PushError> {
    let sqe = next_sqe(ring, O::SQE128)?;
    op.prep(sqe);
    Ok(())
}

/// All of `ops` or none of them.
#[inline]
pub(crate) fn push_multiple<O: PrepSqe>(ring: &mut io_uring, ops: &[O]) -> Result<(), PushError> {
    if O::SQE128 && ring.flags & (sys::IORING_SETUP_SQE128 | sys::IORING_SETUP_SQE_MIXED) == 0 {
        return Err(PushError::NeedsSqe128);
    }
    // A mixed ring may need up to three slots per 128-byte entry (padding).
    let per = if O::SQE128 && ring.flags & sys::IORING_SETUP_SQE_MIXED != 0 { 3 } else { 1 };
    if (sq_space_left(ring) as usize) < ops.len().saturating_mul(per) {
        return Err(PushError::QueueFull);
    }
    for op in ops {
        push(ring, op)?;
    }
    Ok(())
}

#[inline(always)]
pub(crate) fn sq_space_left(ring: &io_uring) -> u32 {
    // SAFETY: live ring.
    unsafe { sq::sq_space_left(ring) }
}

#[inline(always)]
pub(crate) fn sq_ready(ring: &io_uring) -> u32 {
    // SAFETY: live ring.
    unsafe { sq::sq_ready(ring) }
}

#[inline(always)]
pub(crate) fn cq_ready(ring: &io_uring) -> u32 {
    // SAFETY: live ring.
    unsafe { cq::cq_ready(ring) }
}

#[inline(always)]
pub(crate) fn submit(ring: &mut io_uring) -> Result<u32, EnterError> {
    // SAFETY: live ring.
    enter_result(unsafe { sq::submit(ring) })
}

#[inline(always)]
pub(crate) fn submit_and_wait(ring: &mut io_uring, want: u32) -> Result<u32, EnterError> {
    // SAFETY: live ring.
    enter_result(unsafe { sq::submit_and_wait(ring, want) })
}

pub(crate) fn submit_and_get_events(ring: &mut io_uring) -> Result<u32, EnterError> {
    // SAFETY: live ring.
    enter_result(unsafe { sq::submit_and_get_events(ring) })
}

pub(crate) fn sq_wait(ring: &io_uring) -> Result<(), EnterError> {
    // SAFETY: live ring.
    enter_result(unsafe { sq::sqring_wait(ring) }).map(|_| ())
}

pub(crate) fn submit_and_wait_timeout(ring: &mut io_uring, want: u32, timeout: Duration) -> Result<u32, EnterError> {
    let ts = Timespec::from(timeout);
    let mut cqe: *mut io_uring_cqe = ptr::null_mut();
    // SAFETY: live ring; `ts` outlives the call (with EXT_ARG the kernel reads it during
    // the call; without it, the internal timeout is submitted and waited for here).
    enter_result(unsafe { cq::submit_and_wait_timeout(ring, &mut cqe, want, ts.as_ptr(), 0, ptr::null()) })
}

/// Turns a core "get a CQE" result into a copy of the CQE.
#[inline(always)]
fn got(r: i32, cqe: *mut io_uring_cqe) -> Result<Cqe, EnterError> {
    if r < 0 {
        return Err(EnterError::from_raw(r));
    }
    if cqe.is_null() {
        return Err(EnterError::from(Errno::EAGAIN));
    }
    // SAFETY: the core returned a pointer to a ready CQE of this ring.
    Ok(Cqe(unsafe { *cqe }))
}

#[inline]
pub(crate) fn peek_cqe(ring: &mut io_uring) -> Option<Cqe> {
    let mut cqe = ptr::null_mut();
    // SAFETY: live ring.
    let r = unsafe { cq::peek_cqe(ring, &mut cqe) };
    got(r, cqe).ok()
}

#[inline]
pub(crate) fn wait_cqe(ring: &mut io_uring) -> Result<Cqe, EnterError> {
    let mut cqe = ptr::null_mut();
    // SAFETY: live ring.
    let r = unsafe { cq::wait_cqe(ring, &mut cqe) };
    got(r, cqe)
}

pub(crate) fn wait_cqe_nr(ring: &mut io_uring, want: u32) -> Result<Cqe, EnterError> {
    let mut cqe = ptr::null_mut();
    // SAFETY: live ring.
    let r = unsafe { cq::wait_cqe_nr(ring, &mut cqe, want) };
    got(r, cqe)
}

/// Waits with a timeout. `ext_arg_only` refuses the fallback that queues an internal
/// timeout SQE (the completion half of a split ring must not touch the SQ).
pub(crate) fn wait_cqe_timeout(
    ring: &mut io_uring,
    want: u32,
    timeout: Duration,
    ext_arg_only: bool,
) -> Result<Cqe, EnterError> {
    if ext_arg_only && ring.features & sys::IORING_FEAT_EXT_ARG == 0 {
        return Err(EnterError::from(Errno::EOPNOTSUPP));
    }
    let ts = Timespec::from(timeout);
    let mut cqe = ptr::null_mut();
    // SAFETY: live ring; `ts` outlives the wait.
    let r = unsafe { cq::wait_cqes(ring, &mut cqe, want, ts.as_ptr(), ptr::null()) };
    got(r, cqe)
}

/// The head CQE in 32-byte form (CQE32 rings, or a big CQE of a CQE_MIXED ring).
pub(crate) fn peek_cqe32(ring: &mut io_uring) -> Option<Cqe32> {
    let mut cqe = ptr::null_mut();
    // SAFETY: live ring.
    let r = unsafe { cq::peek_cqe(ring, &mut cqe) };
    let small = got(r, cqe).ok()?;
    let big = ring.flags & sys::IORING_SETUP_CQE32 != 0 || small.flags() & sys::IORING_CQE_F_32 != 0;
    if !big {
        return None;
    }
    // SAFETY: a 32-byte CQE occupies two 16-byte slots; the second is in the mapping
    // (CQE32 rings map 32 bytes per entry; mixed rings never split a big CQE at the wrap).
    let extra = unsafe { ptr::read_unaligned(cqe.add(1) as *const [u64; 2]) };
    Some(Cqe32 { cqe: small, extra })
}

/// Hands the head CQE back to the kernel. False when there was none.
#[inline]
pub(crate) fn cqe_seen(ring: &mut io_uring) -> bool {
    if cq_ready(ring) == 0 {
        return false;
    }
    // SAFETY: live ring; a CQE is ready at the head.
    unsafe {
        let cqe = &*cq::cqe_at(ring, ring::read_once(ring.cq.khead));
        cq::cq_advance(ring, cq::cqe_nr(cqe));
    }
    true
}

/// The head CQE, if any, without consuming it (no syscall, no flush).
#[cfg(feature = "alloc")]
#[inline(always)]
pub(crate) fn head_cqe(ring: &io_uring) -> Option<io_uring_cqe> {
    if cq_ready(ring) == 0 {
        return None;
    }
    // SAFETY: live ring; a CQE is ready at the head.
    unsafe { Some(*cq::cqe_at(ring, ring::read_once(ring.cq.khead))) }
}

/// Copies up to `out.len()` ready CQEs into `out`, first waiting until at least
/// `wait_nr` are ready, and hands their slots back with one head store.
pub(crate) fn copy_cqes(ring: &mut io_uring, out: &mut [Cqe], wait_nr: u32) -> Result<usize, EnterError> {
    let mut ready = cq_ready(ring);
    // SAFETY: live ring.
    if ready < wait_nr || (ready == 0 && unsafe { cq::cq_ring_needs_enter(ring) }) {
        let mut cqe = ptr::null_mut();
        // SAFETY: live ring. Waits (or flushes overflow / reaps IOPOLL) through the core.
        let r = unsafe { cq::wait_cqe_nr(ring, &mut cqe, wait_nr) };
        if r < 0 && !(wait_nr == 0 && r == -sys::errno::EAGAIN) {
            return Err(EnterError::from_raw(r));
        }
        ready = cq_ready(ring);
    }
    if ready == 0 || out.is_empty() {
        return Ok(0);
    }
    let plain = ring.flags & (sys::IORING_SETUP_CQE32 | sys::IORING_SETUP_CQE_MIXED) == 0
        && ring.features & sys::IORING_FEAT_EXT_ARG != 0;
    if plain {
        // Every slot is one visible 16-byte CQE: at most two contiguous copies.
        let n = (ready as usize).min(out.len());
        let entries = ring.cq.ring_entries as usize;
        // SAFETY: live ring; slots head..head+n are ready (acquire-loaded tail in
        // cq_ready), lie inside the mapped array once masked, and `out` has room for n.
        // Cqe is repr(transparent) over io_uring_cqe.
        unsafe {
            let head = ring::read_once(ring.cq.khead);
            let idx = (head & ring.cq.ring_mask) as usize;
            let first = n.min(entries - idx);
            let dst = out.as_mut_ptr() as *mut io_uring_cqe;
            ptr::copy_nonoverlapping(ring.cq.cqes.add(idx), dst, first);
            if first < n {
                ptr::copy_nonoverlapping(ring.cq.cqes, dst.add(first), n - first);
            }
            cq::cq_advance(ring, n as u32);
        }
        return Ok(n);
    }
    // Big or mixed CQEs, or hidden ones possible: walk with the core iterator.
    // SAFETY: live ring.
    let mut it: io_uring_cqe_iter = unsafe { cq::cqe_iter_init(ring) };
    let start = it.head;
    let mut n = 0;
    let mut consumed = start;
    while n < out.len() {
        let mut c = ptr::null_mut();
        // SAFETY: iterator over this ring's ready CQEs.
        if !unsafe { cq::cqe_iter_next(&mut it, &mut c) } {
            break;
        }
        // SAFETY: `c` is a ready CQE.
        let cqe = unsafe { *c };
        consumed = it.head;
        if cq::cqe_is_internal(ring, &cqe) {
            continue;
        }
        if let Some(slot) = out.get_mut(n) {
            *slot = Cqe(cqe);
        }
        n += 1;
    }
    // SAFETY: live ring; exactly the slots walked over are handed back.
    unsafe { cq::cq_advance(ring, consumed.wrapping_sub(start)) };
    Ok(n)
}

/// Iterator over the CQEs that were ready when it was created; consumed slots are
/// handed back to the kernel with one head store when it is dropped.
pub struct Completions<'a> {
    ring: &'a mut io_uring,
    it: io_uring_cqe_iter,
    start: u32,
    #[cfg(feature = "alloc")]
    owned: Option<&'a mut super::owned::Slab>,
}

impl<'a> Completions<'a> {
    pub(crate) fn new(
        ring: &'a mut io_uring,
        #[cfg(feature = "alloc")] owned: Option<&'a mut super::owned::Slab>,
    ) -> Self {
        // SAFETY: live ring.
        let it = unsafe { cq::cqe_iter_init(ring) };
        Completions {
            start: it.head,
            it,
            ring,
            #[cfg(feature = "alloc")]
            owned,
        }
    }
}

impl Iterator for Completions<'_> {
    type Item = Cqe;

    #[inline]
    fn next(&mut self) -> Option<Cqe> {
        loop {
            let mut c = ptr::null_mut();
            // SAFETY: iterator over this ring's ready CQEs.
            if !unsafe { cq::cqe_iter_next(&mut self.it, &mut c) } {
                return None;
            }
            // SAFETY: `c` is a ready CQE.
            let cqe = unsafe { *c };
            if cq::cqe_is_internal(self.ring, &cqe) {
                continue;
            }
            #[cfg(feature = "alloc")]
            if let Some(o) = self.owned.as_deref_mut() {
                o.completed(&cqe);
            }
            return Some(Cqe(cqe));
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.it.tail.wrapping_sub(self.it.head) as usize))
    }
}

impl Drop for Completions<'_> {
    fn drop(&mut self) {
        // SAFETY: live ring; exactly the slots iterated over are handed back.
        unsafe { cq::cq_advance(self.ring, self.it.head.wrapping_sub(self.start)) };
    }
}
