//! The queue operations shared by [`IoUring`](super::IoUring) and the split halves:
//! thin adapters from the core's `-errno` conventions to typed results. Reaping goes
//! through the core's one reap primitive (`ring::cq::Reap`), entering through
//! `ring::queue`.

use super::slot_ts::SlotTs;
use super::{Completion, Cqe, CqeGuard, EnterError, Errno, PrepSqe, PushError, SafeOp, Sqe, Timespec};
use crate::ring::cq::{self, Reap};
use crate::ring::{queue, sq, Live};
use crate::sys::{self, io_uring_cqe};
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
fn next_sqe(ring: &mut Live, big: bool) -> Result<&mut sys::io_uring_sqe, PushError> {
    let p = if big { sq::get_sqe128(ring) } else { sq::get_sqe(ring) };
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
pub(crate) fn get_sqe<'a>(ring: &'a mut Live, ts: &'a mut SlotTs) -> Result<Sqe<'a>, PushError> {
    slot(ring, ts, false)
}

#[inline(always)]
pub(crate) fn get_sqe128<'a>(ring: &'a mut Live, ts: &'a mut SlotTs) -> Result<Sqe<'a>, PushError> {
    slot(ring, ts, true)
}

/// The next slot with its spare timespec.
#[inline(always)]
fn slot<'a>(ring: &'a mut Live, ts: &'a mut SlotTs, big: bool) -> Result<Sqe<'a>, PushError> {
    let p: *mut sys::io_uring_sqe = next_sqe(ring, big)?;
    // SAFETY: the slot just handed out (see next_sqe); the ring borrow ended above and
    // the slot is ours until the next submit.
    let sqe = unsafe { &mut *p };
    let aux = ts.for_sqe(ring, sqe);
    Ok(Sqe::new(sqe, aux))
}

#[inline(always)]
pub(crate) fn push<O: PrepSqe>(ring: &mut Live, ts: &mut SlotTs, op: O) -> Result<(), PushError> {
    let sqe = next_sqe(ring, O::SQE128)?;
    let sqe: *mut sys::io_uring_sqe = sqe;
    // SAFETY: as in `slot`.
    let sqe = unsafe { &mut *sqe };
    if O::SLOT_TS {
        op.prep_slot(sqe, ts.for_sqe(ring, sqe));
    } else {
        op.prep(sqe);
    }
    Ok(())
}

/// All of `ops` or none of them.
#[inline]
pub(crate) fn push_multiple<O: SafeOp>(ring: &mut Live, ts: &mut SlotTs, ops: &[O]) -> Result<(), PushError> {
    if O::SQE128 && ring.flags & (sys::IORING_SETUP_SQE128 | sys::IORING_SETUP_SQE_MIXED) == 0 {
        return Err(PushError::NeedsSqe128);
    }
    // A mixed ring may need up to three slots per 128-byte entry (padding).
    let per = if O::SQE128 && ring.flags & sys::IORING_SETUP_SQE_MIXED != 0 { 3 } else { 1 };
    if (sq_space_left(ring) as usize) < ops.len().saturating_mul(per) {
        return Err(PushError::QueueFull);
    }
    for op in ops {
        push(ring, ts, op)?;
    }
    Ok(())
}

#[inline(always)]
pub(crate) fn sq_space_left(ring: &Live) -> u32 {
    sq::sq_space_left(ring)
}

#[inline(always)]
pub(crate) fn sq_ready(ring: &Live) -> u32 {
    sq::sq_ready(ring)
}

#[inline(always)]
pub(crate) fn cq_ready(ring: &Live) -> u32 {
    cq::cq_ready(ring)
}

#[inline(always)]
pub(crate) fn submit(ring: &mut Live) -> Result<u32, EnterError> {
    enter_result(queue::submit(ring))
}

#[inline(always)]
pub(crate) fn submit_and_wait(ring: &mut Live, want: u32) -> Result<u32, EnterError> {
    enter_result(queue::submit_and_wait(ring, want))
}

pub(crate) fn submit_and_get_events(ring: &mut Live) -> Result<u32, EnterError> {
    enter_result(queue::submit_and_get_events(ring))
}

pub(crate) fn sq_wait(ring: &Live) -> Result<(), EnterError> {
    enter_result(queue::sqring_wait(ring)).map(|_| ())
}

pub(crate) fn submit_and_wait_timeout(ring: &mut Live, want: u32, timeout: Duration) -> Result<u32, EnterError> {
    let ts = Timespec::from(timeout);
    let mut cqe: *mut io_uring_cqe = ptr::null_mut();
    // `ts` outlives the call (with EXT_ARG the kernel reads it during the call; without
    // it, the internal timeout is submitted and waited for here).
    enter_result(queue::submit_and_wait_timeout(ring, &mut cqe, want, ts.as_ptr(), 0, ptr::null()))
}

/// Turns a core "get a CQE" result into "a visible CQE is at the head".
#[inline(always)]
fn got(r: i32, cqe: *mut io_uring_cqe) -> Result<(), EnterError> {
    if r < 0 {
        return Err(EnterError::from_raw(r));
    }
    if cqe.is_null() {
        return Err(EnterError::from(Errno::EAGAIN));
    }
    Ok(())
}

/// True when a visible CQE is at the head (entering only to flush).
#[inline]
fn peek_cqe(ring: &mut Live) -> bool {
    let mut cqe = ptr::null_mut();
    let r = queue::peek_cqe(ring, &mut cqe);
    got(r, cqe).is_ok()
}

/// Waits until a visible CQE is at the head.
#[inline]
fn wait_cqe(ring: &mut Live) -> Result<(), EnterError> {
    let mut cqe = ptr::null_mut();
    let r = queue::wait_cqe(ring, &mut cqe);
    got(r, cqe)
}

/// Waits until `want` CQEs are ready (a visible one at the head).
fn wait_cqe_nr(ring: &mut Live, want: u32) -> Result<(), EnterError> {
    let mut cqe = ptr::null_mut();
    let r = queue::wait_cqe_nr(ring, &mut cqe, want);
    got(r, cqe)
}

/// Waits with a timeout. `ext_arg_only` refuses the fallback that queues an internal
/// timeout SQE (the completion half of a split ring must not touch the SQ).
fn wait_cqe_timeout(ring: &mut Live, want: u32, timeout: Duration, ext_arg_only: bool) -> Result<(), EnterError> {
    if ext_arg_only && ring.features & sys::IORING_FEAT_EXT_ARG == 0 {
        return Err(EnterError::from(Errno::EOPNOTSUPP));
    }
    let ts = Timespec::from(timeout);
    let mut cqe = ptr::null_mut();
    // `ts` outlives the wait (the kernel reads it while we wait).
    let r = queue::wait_cqes(ring, &mut cqe, want, ts.as_ptr(), ptr::null());
    got(r, cqe)
}

/// How [`guard`] gets a visible completion to the head of the queue.
pub(crate) enum Wait {
    /// Do not wait (enter only to flush).
    Peek,
    /// Wait until this many are ready.
    Nr(u32),
    /// Wait for one, at most this long; `true`: refuse the internal-timeout fallback.
    Timeout(Duration, bool),
}

/// Gets a visible CQE to the head as `how` says and wraps it in the guard that
/// consumes exactly it (the reap paths of `IoUring` and `CompletionQueue`).
#[inline]
pub(crate) fn guard<'a>(
    ring: &'a mut Live,
    id: u64,
    #[cfg(feature = "alloc")] owned: Option<&'a mut super::owned::Slab>,
    how: Wait,
) -> Result<CqeGuard<'a>, EnterError> {
    match how {
        Wait::Peek if !peek_cqe(ring) => return Err(EnterError::from(Errno::EAGAIN)),
        Wait::Peek => {}
        Wait::Nr(1) => wait_cqe(ring)?,
        Wait::Nr(n) => wait_cqe_nr(ring, n)?,
        Wait::Timeout(t, ext_arg_only) => wait_cqe_timeout(ring, 1, t, ext_arg_only)?,
    }
    CqeGuard::head(
        ring,
        id,
        #[cfg(feature = "alloc")]
        owned,
    )
    .ok_or(EnterError::from(Errno::EAGAIN))
}

/// Copies up to `out.len()` visible CQEs into `out`, first waiting until at least
/// `wait_nr` are ready, and hands their slots back with one head store.
#[inline]
pub(crate) fn copy_cqes(ring: &mut Live, out: &mut [Cqe], wait_nr: u32) -> Result<usize, EnterError> {
    // SAFETY: Cqe is repr(transparent) over io_uring_cqe, so the slices have the same
    // layout; the borrow of `out` is reused for the length of the call.
    let raw = unsafe { core::slice::from_raw_parts_mut(out.as_mut_ptr().cast::<io_uring_cqe>(), out.len()) };
    queue::copy_cqes(ring, raw, wait_nr).map_err(EnterError::from_raw)
}

/// Iterator over the CQEs that were ready when it was created, as [`Completion`]s;
/// consumed slots are handed back to the kernel with one head store when it is dropped.
pub struct Completions<'a> {
    ring: &'a mut Live,
    ring_id: u64,
    reap: Reap,
    #[cfg(feature = "alloc")]
    owned: Option<&'a mut super::owned::Slab>,
}

impl<'a> Completions<'a> {
    pub(crate) fn new(
        ring: &'a mut Live,
        ring_id: u64,
        #[cfg(feature = "alloc")] owned: Option<&'a mut super::owned::Slab>,
    ) -> Self {
        Completions {
            reap: Reap::new(ring),
            ring,
            ring_id,
            #[cfg(feature = "alloc")]
            owned,
        }
    }
}

impl Iterator for Completions<'_> {
    type Item = Completion;

    #[inline]
    fn next(&mut self) -> Option<Completion> {
        let cqe = *self.reap.next_cqe(self.ring)?;
        #[cfg(feature = "alloc")]
        if let Some(o) = self.owned.as_deref_mut() {
            o.completed(&cqe);
        }
        Some(Completion::new(Cqe(cqe), self.ring_id))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.reap.left() as usize))
    }
}

impl Drop for Completions<'_> {
    fn drop(&mut self) {
        self.reap.release(self.ring);
    }
}
