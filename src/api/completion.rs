//! Reaped completions that remember where they came from: [`CqeGuard`] (the head CQE,
//! handed back to the kernel exactly when the guard goes) and [`Completion`] (an owned,
//! non-`Copy` completion of a ring, which a [`BufRing`](crate::BufRing) accepts once).

use super::Cqe;
use crate::ring::cq::{self, Reap};
use crate::ring::Live;
use core::fmt;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicU64, Ordering};

/// Ring identities, so a completion is only ever matched with its own ring's buffers.
static NEXT_RING_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh ring identity.
pub(crate) fn new_ring_id() -> u64 {
    NEXT_RING_ID.fetch_add(1, Ordering::Relaxed)
}

/// A completion the ring itself consumed: the CQE's values plus the proof of where it
/// came from. Not `Copy`, not `Clone`, and only the library makes one, so a
/// [`BufRing`](crate::BufRing) can trust that the kernel is done with the buffer it
/// names, and hand it out once.
///
/// ```compile_fail
/// fn is_clone<T: Clone>() {}
/// is_clone::<io_urine::Completion>();
/// ```
pub struct Completion {
    cqe: Cqe,
    ring_id: u64,
    buffer_claimed: bool,
}

impl Completion {
    #[inline(always)]
    pub(crate) fn new(cqe: Cqe, ring_id: u64) -> Self {
        Completion { cqe, ring_id, buffer_claimed: false }
    }

    /// A copy of the CQE's values.
    #[inline]
    pub fn cqe(&self) -> Cqe {
        self.cqe
    }

    /// The provided buffer this completion names, for ring `ring_id`, at most once.
    #[inline]
    pub(crate) fn claim_buffer(&mut self, ring_id: u64) -> Option<u16> {
        if self.ring_id != ring_id || self.buffer_claimed {
            return None;
        }
        let bid = self.cqe.buffer_id()?;
        self.buffer_claimed = true;
        Some(bid)
    }
}

impl Deref for Completion {
    type Target = Cqe;
    #[inline(always)]
    fn deref(&self) -> &Cqe {
        &self.cqe
    }
}

impl fmt::Debug for Completion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.cqe.fmt(f)
    }
}

/// The completion at the head of the queue, borrowed from the ring: reading it through
/// the guard is reading that CQE, and dropping the guard (or [`seen`](Self::seen)) hands
/// exactly that CQE's slots back to the kernel. While it lives the ring is borrowed, so
/// no other completion can be seen or skipped in between.
///
/// ```
/// use io_urine::{ops, IoUring};
/// let mut ring = IoUring::new(4)?;
/// ring.push(ops::Nop::new().user_data(1))?;
/// ring.push(ops::Nop::new().user_data(2))?;
/// ring.submit_and_wait(2)?;
/// let first = ring.wait_cqe()?;
/// assert_eq!(first.user_data(), 1);
/// first.seen(); // (dropping it does the same)
/// assert_eq!(ring.peek_cqe().map(|c| c.user_data()), Some(2));
/// assert_eq!(ring.cq_ready(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Two guards at once, or seeing a completion without one, do not compile:
///
/// ```compile_fail
/// # use io_urine::{ops, IoUring};
/// let mut ring = IoUring::new(4).unwrap();
/// let a = ring.peek_cqe();
/// let b = ring.peek_cqe(); // the ring is still borrowed by `a`
/// drop(a);
/// ```
///
/// ```compile_fail
/// # use io_urine::IoUring;
/// let mut ring = IoUring::new(4).unwrap();
/// ring.cqe_seen(); // no free-standing "advance whatever is at the head"
/// ```
#[must_use = "dropping the guard consumes the completion"]
pub struct CqeGuard<'a> {
    ring: &'a mut Live,
    #[cfg(feature = "alloc")]
    owned: Option<&'a mut super::owned::Slab>,
    c: Completion,
    extra: Option<[u64; 2]>,
    /// The walk that found the CQE; dropping the guard releases up to its end.
    reap: Reap,
}

impl<'a> CqeGuard<'a> {
    /// The visible CQE at the head of `ring` (the core's peek/wait left it there).
    #[inline(always)]
    pub(crate) fn head(
        ring: &'a mut Live,
        ring_id: u64,
        #[cfg(feature = "alloc")] owned: Option<&'a mut super::owned::Slab>,
    ) -> Option<Self> {
        let mut reap = Reap::new(ring);
        let c = reap.next_cqe(ring)?;
        let (cqe, extra) = (Cqe(*c), cq::cqe32_extra(ring, c));
        Some(CqeGuard {
            ring,
            #[cfg(feature = "alloc")]
            owned,
            c: Completion::new(cqe, ring_id),
            extra,
            reap,
        })
    }

    /// Consumes the completion (hands its slots back to the kernel).
    #[doc(alias = "cqe_seen")]
    #[inline]
    pub fn seen(self) {}

    /// The CQE in 32-byte form (`CQE32` rings, or a big CQE of a `CQE_MIXED` ring).
    #[inline]
    pub fn cqe32(&self) -> Option<super::Cqe32> {
        self.extra.map(|extra| super::Cqe32 { cqe: self.c.cqe, extra })
    }
}

impl Deref for CqeGuard<'_> {
    type Target = Completion;
    #[inline(always)]
    fn deref(&self) -> &Completion {
        &self.c
    }
}

impl DerefMut for CqeGuard<'_> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut Completion {
        &mut self.c
    }
}

impl Drop for CqeGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        #[cfg(feature = "alloc")]
        if let Some(o) = self.owned.as_deref_mut() {
            o.completed(&self.c.cqe.0);
        }
        // Exactly the guard's CQE (and hidden entries before it) goes back: the ring has
        // been borrowed since it was read, so the head has not moved.
        self.reap.release(self.ring);
    }
}

impl fmt::Debug for CqeGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.c.cqe.fmt(f)
    }
}
