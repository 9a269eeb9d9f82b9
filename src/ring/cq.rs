//! Completion side, in ring memory: the one rule for which CQEs the application sees
//! ([`Reap`]), advancing the head, the ring's flag words and liburing's CQE iterator.
//! Waiting and flushing (entering the kernel) live in [`queue`](super::queue).

use super::{cqe_shift_from_flags, read_once, write_once, Live};
use crate::sys::{self, errno::*, io_uring_cqe, io_uring_cqe_iter};
use core::ptr;

/// True when the kernel holds completions we only get by entering: overflowed CQEs or
/// pending task work (`IORING_SQ_CQ_OVERFLOW`, `IORING_SQ_TASKRUN`).
#[inline]
pub fn cq_ring_needs_flush(ring: &Live) -> bool {
    // Relaxed, as liburing's READ_ONCE: the flag is only a hint to enter the kernel,
    // which then does the synchronised work; no ring data is read on its strength.
    ring.sq_kflags() & (sys::IORING_SQ_CQ_OVERFLOW | sys::IORING_SQ_TASKRUN) != 0
}

/// `io_uring_cqe_nr`: slots a CQE occupies (2 for a 32-byte CQE on a `CQE_MIXED` ring).
#[inline(always)]
pub fn cqe_nr(cqe: &io_uring_cqe) -> u32 {
    1 << ((cqe.flags & sys::IORING_CQE_F_32 != 0) as u32)
}

/// `io_uring_cq_advance`: hand `nr` CQ slots back to the kernel (release: our reads of
/// those CQEs happen before the kernel may overwrite them).
#[inline]
pub fn cq_advance(ring: &mut Live, nr: u32) {
    if nr != 0 {
        ring.set_cq_khead(ring.cq_khead().wrapping_add(nr));
    }
}

/// `io_uring_cq_ready`: completions ready to be reaped.
#[inline]
pub fn cq_ready(ring: &Live) -> u32 {
    ring.cq_ktail().wrapping_sub(ring.cq_khead())
}

/// `io_uring_cq_has_overflow`.
#[inline]
pub fn cq_has_overflow(ring: &Live) -> bool {
    // Relaxed, as liburing's READ_ONCE: a status hint (see cq_ring_needs_flush).
    ring.sq_kflags() & sys::IORING_SQ_CQ_OVERFLOW != 0
}

/// `io_uring_cq_eventfd_enabled`: true when no CQ flags word exists (old kernels).
pub fn cq_eventfd_enabled(ring: &Live) -> bool {
    if ring.cq.kflags.is_null() {
        return true;
    }
    // SAFETY: a non-null kflags points at the mapped CQ flags word (Live invariant).
    unsafe { read_once(ring.cq.kflags) & sys::IORING_CQ_EVENTFD_DISABLED == 0 }
}

/// `io_uring_cq_eventfd_toggle`.
pub fn cq_eventfd_toggle(ring: &mut Live, enabled: bool) -> i32 {
    if enabled == cq_eventfd_enabled(ring) {
        return 0;
    }
    if ring.cq.kflags.is_null() {
        return -EOPNOTSUPP;
    }
    // SAFETY: a non-null kflags points at the mapped CQ flags word, which only we write.
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

/// The CQ slot of ring index `head` (masked, and scaled to 16-byte units on `CQE32`).
#[inline(always)]
pub(crate) fn cqe_at(ring: &Live, head: u32) -> *mut io_uring_cqe {
    let idx = ((head & ring.cq.ring_mask) << cqe_shift_from_flags(ring.flags)) as usize;
    // SAFETY: Live invariant: idx < ring_entries << shift, the 16-byte slots mapped at
    // `cqes`, so the offset stays inside that mapping.
    unsafe { ring.cq.cqes.add(idx) }
}

/// True when no ready CQE can be hidden from the application: a plain ring (no
/// `CQE_MIXED` padding, 16-byte CQEs) whose kernel has `FEAT_EXT_ARG` (so liburing's
/// internal timeout is never queued). Then every slot is one visible CQE.
#[inline(always)]
pub(crate) fn all_visible(ring: &Live) -> bool {
    ring.flags & (sys::IORING_SETUP_CQE32 | sys::IORING_SETUP_CQE_MIXED) == 0
        && ring.features & sys::IORING_FEAT_EXT_ARG != 0
}

/// Pointers to the `out.len()` CQEs from the head of an [`all_visible`] ring (16-byte
/// slots), which the caller has checked are ready.
#[inline(always)]
pub(crate) fn plain_cqe_ptrs(ring: &Live, out: &mut [*mut io_uring_cqe]) {
    // Two contiguous runs: from the head's slot to the end of the ring, then from its
    // start. The slots lie in the ring_entries 16-byte CQEs mapped at `cqes` (Live
    // invariant: mask < ring_entries), so every pointer stays inside that mapping.
    let cqes = ring.cq.cqes;
    let idx = (ring.cq_khead() & ring.cq.ring_mask) as usize;
    if let [only] = out {
        // One CQE (a peek after each submit): skip the loops' setup.
        *only = cqes.wrapping_add(idx);
        return;
    }
    let first = out.len().min((ring.cq.ring_entries as usize).saturating_sub(idx));
    let (to_end, wrapped) = out.split_at_mut(first);
    for (i, slot) in to_end.iter_mut().enumerate() {
        *slot = cqes.wrapping_add(idx + i);
    }
    for (i, slot) in wrapped.iter_mut().enumerate() {
        *slot = cqes.wrapping_add(i);
    }
}

/// What a [`Reap`] walk found at its position.
pub(crate) enum Seen<'r> {
    /// A completion the application sees.
    Cqe(&'r io_uring_cqe),
    /// An entry the application never sees: the kernel's `IORING_CQE_F_SKIP` padding,
    /// or (without `FEAT_EXT_ARG`) liburing's internal timeout, with its error if it
    /// failed or fired (0 otherwise).
    Hidden(i32),
    /// No more ready CQEs.
    End,
}

/// The one reap primitive: a walk over the ready CQEs from the CQ head towards a
/// snapshot of the tail, deciding which ones the application sees. Every reaping path,
/// C and Rust, goes through it; the caller decides how far to hand slots back
/// ([`Reap::release`]).
pub(crate) struct Reap {
    pub(crate) head: u32,
    tail: u32,
}

impl Reap {
    /// A walk over the CQEs ready now (tail loaded with acquire).
    #[inline(always)]
    pub(crate) fn new(ring: &Live) -> Reap {
        if crate::trace::active() {
            crate::trace::on_reap(ring);
        }
        Reap { head: ring.cq_khead(), tail: ring.cq_ktail() }
    }

    /// Ready slots not walked over yet.
    #[inline(always)]
    pub(crate) fn left(&self) -> u32 {
        self.tail.wrapping_sub(self.head)
    }

    /// The entry at the walk's position, stepping past it.
    #[inline(always)]
    pub(crate) fn next<'r>(&mut self, ring: &'r Live) -> Seen<'r> {
        if self.head == self.tail {
            return Seen::End;
        }
        // SAFETY: the slot lies between the CQ head and the acquire-loaded tail, so
        // the kernel has written it and will not touch it until the head moves past it,
        // which needs `&mut Live` (cq_advance / release), so not while 'r lasts.
        let cqe = unsafe { &*cqe_at(ring, self.head) };
        self.head = self.head.wrapping_add(cqe_nr(cqe));
        if cqe.flags & sys::IORING_CQE_F_SKIP != 0 {
            return Seen::Hidden(0);
        }
        if ring.features & sys::IORING_FEAT_EXT_ARG == 0 && cqe.user_data == sys::LIBURING_UDATA_TIMEOUT {
            return Seen::Hidden(cqe.res.min(0));
        }
        Seen::Cqe(cqe)
    }

    /// The next CQE the application sees, stepping over hidden ones.
    #[inline(always)]
    pub(crate) fn next_cqe<'r>(&mut self, ring: &'r Live) -> Option<&'r io_uring_cqe> {
        loop {
            match self.next(ring) {
                Seen::End => return None,
                Seen::Cqe(c) => return Some(c),
                Seen::Hidden(_) => {}
            }
        }
    }

    /// Hands every slot walked over back to the kernel (one release store).
    #[inline(always)]
    pub(crate) fn release(&self, ring: &mut Live) {
        if ring.cq_khead() != self.head {
            ring.set_cq_khead(self.head);
        }
    }
}

/// `__io_uring_peek_cqe`: the first visible CQE (or null), never entering the kernel.
/// Hidden entries at the head are consumed; an internal timeout that fired ends the
/// peek with its error and no CQE. `nr_available` gets the count of ready slots left.
pub fn peek_cqe_inner(ring: &mut Live, cqe_ptr: &mut *mut io_uring_cqe, nr_available: Option<&mut u32>) -> i32 {
    let mut reap = Reap::new(ring);
    let mut err = 0;
    let mut cqe = ptr::null_mut();
    let mut available;
    loop {
        available = reap.left();
        match reap.next(ring) {
            Seen::End => break,
            Seen::Cqe(c) => {
                cqe = c as *const io_uring_cqe as *mut io_uring_cqe;
                break;
            }
            Seen::Hidden(e) => {
                reap.release(ring);
                if e != 0 {
                    err = e;
                    break;
                }
            }
        }
    }
    *cqe_ptr = cqe;
    if let Some(n) = nr_available {
        *n = available;
    }
    err
}

/// `io_uring_peek_batch_cqe` without the overflow flush: up to `out.len()` visible
/// CQEs from the head. As liburing 2.15, a hidden entry at the head is consumed and one
/// after a visible CQE ends the batch, so `io_uring_cq_advance(count)` stays right.
pub(crate) fn peek_batch(ring: &mut Live, out: &mut [*mut io_uring_cqe]) -> u32 {
    let mut reap = Reap::new(ring);
    let mut n = 0;
    while n < out.len() {
        match reap.next(ring) {
            Seen::End => break,
            Seen::Cqe(c) => {
                out[n] = c as *const io_uring_cqe as *mut io_uring_cqe;
                n += 1;
            }
            Seen::Hidden(_) if n == 0 => reap.release(ring),
            Seen::Hidden(_) => break,
        }
    }
    n as u32
}

/// Copies up to `out.len()` visible CQEs from the head into `out` and hands their
/// slots (and any hidden ones among them) back with one head store. Returns the count.
pub(crate) fn copy_ready(ring: &mut Live, out: &mut [io_uring_cqe]) -> usize {
    if all_visible(ring) {
        // Every slot is one visible CQE: at most two contiguous copies.
        let ready = cq_ready(ring) as usize;
        let n = ready.min(out.len());
        if n == 0 {
            return 0;
        }
        let head = ring.cq_khead();
        let idx = (head & ring.cq.ring_mask) as usize;
        let first = n.min(ring.cq.ring_entries as usize - idx);
        // SAFETY: slots head..head+n are ready (acquire-loaded tail in cq_ready) and,
        // masked, lie in the mapped array of ring_entries 16-byte CQEs (first run up
        // to its end, the rest from its start); `out` has room for n.
        unsafe {
            ptr::copy_nonoverlapping(cqe_at(ring, head), out.as_mut_ptr(), first);
            ptr::copy_nonoverlapping(ring.cq.cqes, out.as_mut_ptr().add(first), n - first);
        }
        ring.set_cq_khead(head.wrapping_add(n as u32));
        return n;
    }
    let mut reap = Reap::new(ring);
    let mut n = 0;
    while n < out.len() {
        let Some(c) = reap.next_cqe(ring) else { break };
        out[n] = *c;
        n += 1;
    }
    reap.release(ring);
    n
}

/// The second 16 bytes of a 32-byte CQE (a `CQE32` ring, or one flagged
/// `IORING_CQE_F_32` on a `CQE_MIXED` ring), read from the slot after `cqe`.
pub(crate) fn cqe32_extra(ring: &Live, cqe: &io_uring_cqe) -> Option<[u64; 2]> {
    if ring.flags & sys::IORING_SETUP_CQE32 == 0 && cqe.flags & sys::IORING_CQE_F_32 == 0 {
        return None;
    }
    // SAFETY: a 32-byte CQE occupies two 16-byte slots of the mapping (CQE32 rings map
    // 32 bytes per entry; mixed rings never split a big CQE at the wrap, the kernel
    // pads instead), and the caller holds it as a ready CQE.
    Some(unsafe { ptr::read_unaligned((cqe as *const io_uring_cqe).add(1) as *const [u64; 2]) })
}

/// `io_uring_cqe_iter_init`: snapshot of the ready CQEs. As liburing's, the iterator
/// shows every slot (padding included); `io_uring_cqe_nr` says how far to advance.
pub fn cqe_iter_init(ring: &Live) -> io_uring_cqe_iter {
    io_uring_cqe_iter {
        cqes: ring.cq.cqes,
        mask: ring.cq.ring_mask,
        shift: cqe_shift_from_flags(ring.flags),
        head: ring.cq_khead(),
        tail: ring.cq_ktail(),
    }
}

/// `io_uring_cqe_iter_next`.
///
/// # Safety
/// `iter` must come from [`cqe_iter_init`] on a ring that is still live and whose head
/// has not moved since.
pub unsafe fn cqe_iter_next(iter: &mut io_uring_cqe_iter, cqe: &mut *mut io_uring_cqe) -> bool {
    if iter.head == iter.tail {
        return false;
    }
    // SAFETY: the index is masked into the CQ ring captured by the iterator.
    let c = unsafe { iter.cqes.add(((iter.head & iter.mask) << iter.shift) as usize) };
    iter.head = iter.head.wrapping_add(1);
    // SAFETY: c is a ready CQE (between the captured head and tail).
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
                    let first = peek_batch(&mut f.ring, &mut cqes[..3]);
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
                    let rest = peek_batch(&mut f.ring, &mut cqes[..16]);
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
            assert_eq!(peek_batch(&mut f.ring, &mut none[..1]), 0);
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
        // SAFETY: the CQE pointers come from the fake ring's ready slots.
        unsafe {
            assert_eq!(cq_ready(&f.ring), 8);
            let mut cqes = [ptr::null_mut(); 8];
            assert_eq!(peek_batch(&mut f.ring, &mut cqes[..8]), 8);
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
        // SAFETY: the CQE pointers come from the fake ring's ready slots.
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
        // SAFETY: the CQE pointers come from the fake ring's ready slots.
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
        // SAFETY: features are not part of the Live invariant.
        unsafe { f.ring.raw_mut() }.features &= !sys::IORING_FEAT_EXT_ARG;
        // A timeout that completed by count (res 0) is dropped silently...
        f.kernel_post_cqe(sys::LIBURING_UDATA_TIMEOUT, 0, 0);
        f.kernel_post_cqe(7, 5, 0);
        // ...one that expired is reported as -ETIME, with no CQE.
        f.kernel_post_cqe(sys::LIBURING_UDATA_TIMEOUT, -ETIME, 0);
        f.kernel_post_cqe(8, 6, 0);
        // SAFETY: the CQE pointers come from the fake ring's ready slots.
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
        // SAFETY: the CQE pointers come from the fake ring's ready slots.
        unsafe {
            let mut cqe = ptr::null_mut();
            assert_eq!(peek_cqe_inner(&mut g.ring, &mut cqe, None), 0);
            assert_eq!((*cqe).user_data, sys::LIBURING_UDATA_TIMEOUT);
        }
    }

    /// One reap rule for every path: peek_batch consumes padding at the head and ends the
    /// batch at padding after a CQE; copy_ready and the Rust walk never return it.
    #[test]
    fn every_reap_path_hides_padding() {
        // A CQE, padding, a 32-byte CQE, a CQE (the fake kernel posts what it is told).
        let post = |f: &mut FakeRing| {
            f.kernel_post_cqe(1, 0, 0);
            f.kernel_post_cqe(0, 0, sys::IORING_CQE_F_SKIP);
            f.kernel_post_cqe(2, 0, sys::IORING_CQE_F_32);
            f.kernel_post_cqe(3, 0, 0);
        };
        // Three slots reaped first, so the head sits at slot 3 of 4 (issue 11's case).
        let mut f = FakeRing::new(4, 4, sys::IORING_SETUP_CQE_MIXED, 0, 0);
        for ud in 10..13 {
            f.kernel_post_cqe(ud, 0, 0);
        }
        cq_advance(&mut f.ring, 3);
        f.kernel_post_cqe(0, 0, sys::IORING_CQE_F_SKIP);
        f.kernel_post_cqe(2, 0, sys::IORING_CQE_F_32);
        let mut out = [ptr::null_mut(); 4];
        assert_eq!(peek_batch(&mut f.ring, &mut out), 1, "padding at the head is consumed");
        // SAFETY: a ready CQE pointer from peek_batch.
        assert_eq!(unsafe { (*out[0]).user_data }, 2);
        cq_advance(&mut f.ring, 2);
        assert_eq!(cq_ready(&f.ring), 0);

        let mut f = FakeRing::new(4, 8, sys::IORING_SETUP_CQE_MIXED, 0, u32::MAX - 1);
        post(&mut f);
        assert_eq!(peek_batch(&mut f.ring, &mut out), 1, "padding after a CQE ends the batch");
        // SAFETY: as above.
        assert_eq!(unsafe { (*out[0]).user_data }, 1);
        cq_advance(&mut f.ring, 1);
        assert_eq!(peek_batch(&mut f.ring, &mut out), 2);
        // SAFETY: as above.
        assert_eq!(unsafe { ((*out[0]).user_data, (*out[1]).user_data) }, (2, 3));
        cq_advance(&mut f.ring, 3);

        post(&mut f);
        let mut copied = [io_uring_cqe::default(); 8];
        assert_eq!(copy_ready(&mut f.ring, &mut copied), 3);
        assert_eq!(copied[..3].iter().map(|c| c.user_data).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(cq_ready(&f.ring), 0, "copy_ready hands every walked slot back");
    }

    #[test]
    fn mixed_peek_batch_never_returns_padding() {
        use crate::ring::queue::peek_batch_cqe;
        // Issue 11 defect 1: CQE_MIXED, 4 slots; head = tail = 3, then a 32-byte CQE that
        // would straddle the end: the kernel pads slot 3 with a skip CQE, the big one takes
        // slots 0-1.
        let mut f = FakeRing::new(4, 4, sys::IORING_SETUP_CQE_MIXED, 0, 3);
        f.kernel_post_cqe(0, 0, sys::IORING_CQE_F_SKIP);
        f.kernel_post_cqe(77, 0, sys::IORING_CQE_F_32);
        let mut cqes = [ptr::null_mut(); 4];
        // The skip entry at the head is consumed, the big CQE returned, once.
        assert_eq!(peek_batch_cqe(&mut f.ring, &mut cqes), 1);
        // SAFETY: CQE pointers handed out by peek_batch_cqe.
        assert_eq!(unsafe { ((*cqes[0]).user_data, f.cqe_slot(cqes[0])) }, (77, 0));
        assert_eq!(f.cq_khead(), 4, "padding entry not consumed");
        // SAFETY: as above.
        let nr = cqe_nr(unsafe { &*cqes[0] });
        cq_advance(&mut f.ring, nr);
        assert_eq!(cq_ready(&f.ring), 0);
        // A skip entry behind real CQEs ends the batch; the next peek consumes it.
        f.kernel_post_cqe(1, 0, 0); // slot 2
        f.kernel_post_cqe(0, 0, sys::IORING_CQE_F_SKIP); // slot 3
        f.kernel_post_cqe(2, 0, sys::IORING_CQE_F_32); // slots 0-1
        assert_eq!(peek_batch_cqe(&mut f.ring, &mut cqes), 1);
        // SAFETY: as above.
        assert_eq!(unsafe { (*cqes[0]).user_data }, 1);
        cq_advance(&mut f.ring, 1);
        assert_eq!(peek_batch_cqe(&mut f.ring, &mut cqes), 1);
        // SAFETY: as above.
        assert_eq!(unsafe { (*cqes[0]).user_data }, 2);
        cq_advance(&mut f.ring, 2);
        assert_eq!(cq_ready(&f.ring), 0);
        // Only padding ready: nothing returned, the padding consumed.
        f.kernel_post_cqe(0, 0, sys::IORING_CQE_F_SKIP);
        assert_eq!(peek_batch_cqe(&mut f.ring, &mut cqes), 0);
        assert_eq!(cq_ready(&f.ring), 0);
    }
}
