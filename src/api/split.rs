//! The two halves of a split ring: one thread submits, another reaps.
//!
//! Soundness: the halves never write the same memory. The submission half owns the
//! ring struct's SQ bookkeeping (`sqe_head`/`sqe_tail`) and the SQ ring's tail; the
//! completion half works on a private copy of the (immutable after setup) pointers and
//! writes only the CQ ring's head. Shared words are accessed atomically by the core:
//! kernel-written indices with acquire loads, ours with release stores. Neither half
//! calls a core function that touches the other half's state (the submission half
//! never peeks completions; the completion half never queues SQEs, so its timed wait
//! requires `FEAT_EXT_ARG`).

use super::queue::{self, Completions};
use super::slot_ts::SlotTs;
use super::{Cqe, CqeGuard, EnterError, PrepSqe, PushError, SafeOp, Sqe};
use crate::ring::Live;
use core::marker::PhantomData;
use core::time::Duration;

/// The submission half of a split [`IoUring`](crate::IoUring): `Send`, not `Sync`,
/// not `Clone`.
///
/// ```compile_fail
/// fn is_sync<T: Sync>() {}
/// is_sync::<io_urine::SubmissionQueue<'static>>();
/// ```
///
/// ```compile_fail
/// fn is_clone<T: Clone>() {}
/// is_clone::<io_urine::SubmissionQueue<'static>>();
/// ```
pub struct SubmissionQueue<'a> {
    ring: &'a mut Live,
    ts: &'a mut SlotTs,
}

/// The completion half of a split [`IoUring`](crate::IoUring): `Send`, not `Sync`,
/// not `Clone`.
///
/// ```compile_fail
/// fn is_sync<T: Sync>() {}
/// is_sync::<io_urine::CompletionQueue<'static>>();
/// ```
///
/// ```compile_fail
/// fn is_clone<T: Clone>() {}
/// is_clone::<io_urine::CompletionQueue<'static>>();
/// ```
///
/// Rings set up with `DEFER_TASKRUN` must wait for completions on the submitting
/// thread (the kernel answers `EEXIST` otherwise).
///
/// Completions of owned-buffer operations reaped here mark their buffers done, as on
/// the unsplit ring: [`IoUring::take_owned`](crate::IoUring::take_owned) hands them back
/// once the split ends (the submission half cannot queue owned operations, so this half
/// is the only one touching the ring's buffer table while the split lasts).
pub struct CompletionQueue<'a> {
    ring: Live,
    id: u64,
    #[cfg(feature = "alloc")]
    owned: &'a mut super::owned::Slab,
    _ring: PhantomData<&'a mut Live>,
}

// SAFETY: see the module comment: the submission half only writes SQ state, which no
// other handle touches while the split lasts, and the kernel-shared words it uses are
// accessed with atomics.
unsafe impl Send for SubmissionQueue<'_> {}
// SAFETY: as above, for the CQ side.
unsafe impl Send for CompletionQueue<'_> {}

pub(crate) fn split<'a>(
    ring: &'a mut Live,
    ts: &'a mut SlotTs,
    #[cfg(feature = "alloc")] owned: &'a mut super::owned::Slab,
    id: u64,
) -> (SubmissionQueue<'a>, CompletionQueue<'a>) {
    // SAFETY: the halves keep to their side (module comment); the copy is never torn
    // down, and it only lives while `ring` is borrowed.
    let mut copy = unsafe { ring.alias() };
    // A registered ring fd is only valid on the thread that registered it; the
    // completion half usually runs elsewhere, so it enters through the real fd.
    if copy.ring_fd >= 0 {
        let (fd, enter_fd) = copy.fds_mut();
        *enter_fd = *fd;
        *copy.int_flags_mut() &= !(crate::sys::INT_FLAG_REG_RING | crate::sys::INT_FLAG_REG_REG_RING);
    }
    let cq = CompletionQueue {
        ring: copy,
        id,
        #[cfg(feature = "alloc")]
        owned,
        _ring: PhantomData,
    };
    (SubmissionQueue { ring, ts }, cq)
}

impl SubmissionQueue<'_> {
    /// A free slot (reset to `NOP`), or [`PushError::QueueFull`].
    #[inline]
    pub fn get_sqe(&mut self) -> Result<Sqe<'_>, PushError> {
        queue::get_sqe(self.ring, self.ts)
    }

    /// Queues one operation.
    #[inline]
    pub fn push<O: PrepSqe>(&mut self, op: O) -> Result<(), PushError> {
        queue::push(self.ring, self.ts, op)
    }

    /// Queues all of `ops` or none.
    pub fn push_multiple<O: SafeOp>(&mut self, ops: &[O]) -> Result<(), PushError> {
        queue::push_multiple(self.ring, self.ts, ops)
    }

    /// Sends queued submissions to the kernel.
    #[inline]
    pub fn submit(&mut self) -> Result<u32, EnterError> {
        queue::submit(self.ring)
    }

    /// Submits and blocks until at least `want` completions are ready (the completion
    /// half consumes them).
    #[inline]
    pub fn submit_and_wait(&mut self, want: u32) -> Result<u32, EnterError> {
        queue::submit_and_wait(self.ring, want)
    }

    /// With SQPOLL, waits for a free slot.
    pub fn sq_wait(&mut self) -> Result<(), EnterError> {
        queue::sq_wait(self.ring)
    }

    /// Free slots.
    #[inline]
    pub fn sq_space_left(&self) -> u32 {
        queue::sq_space_left(self.ring)
    }

    /// Queued, not yet consumed submissions.
    #[inline]
    pub fn sq_ready(&self) -> u32 {
        queue::sq_ready(self.ring)
    }
}

impl CompletionQueue<'_> {
    #[inline(always)]
    fn guard(&mut self, how: queue::Wait) -> Result<CqeGuard<'_>, EnterError> {
        queue::guard(
            &mut self.ring,
            self.id,
            #[cfg(feature = "alloc")]
            Some(&mut *self.owned),
            how,
        )
    }

    /// The next ready completion, consumed when the guard drops.
    #[inline]
    pub fn peek_cqe(&mut self) -> Option<CqeGuard<'_>> {
        self.guard(queue::Wait::Peek).ok()
    }

    /// The next completion, waiting if needed; consumed when the guard drops.
    #[inline]
    pub fn wait_cqe(&mut self) -> Result<CqeGuard<'_>, EnterError> {
        self.guard(queue::Wait::Nr(1))
    }

    /// [`wait_cqe`](Self::wait_cqe) with a timeout; needs `FEAT_EXT_ARG` (else
    /// `EOPNOTSUPP`).
    pub fn wait_cqe_timeout(&mut self, timeout: Duration) -> Result<CqeGuard<'_>, EnterError> {
        self.guard(queue::Wait::Timeout(timeout, true))
    }

    /// Copies and consumes up to `out.len()` completions after waiting for `wait_nr`,
    /// with one head store.
    #[inline]
    pub fn copy_cqes(&mut self, out: &mut [Cqe], wait_nr: u32) -> Result<usize, EnterError> {
        let n = queue::copy_cqes(&mut self.ring, out, wait_nr)?;
        #[cfg(feature = "alloc")]
        self.owned.completed_copies(&out[..n]);
        Ok(n)
    }

    /// Iterates over and consumes the ready completions.
    #[inline]
    pub fn completions(&mut self) -> Completions<'_> {
        Completions::new(
            &mut self.ring,
            self.id,
            #[cfg(feature = "alloc")]
            Some(&mut *self.owned),
        )
    }

    /// Completions ready to be consumed.
    #[inline]
    pub fn cq_ready(&self) -> u32 {
        queue::cq_ready(&self.ring)
    }
}
