//! Submission side, in ring memory: hand out SQEs and publish them to the kernel. The
//! decision to enter the kernel lives in [`queue`](super::queue).

use super::{sqe_shift_from_flags, Live};
use crate::sys::{self, io_uring_sqe};
use core::ptr;

/// The kernel's SQ head: acquire under SQPOLL (a kernel thread moves it), plain otherwise.
#[inline(always)]
pub(crate) fn load_sq_head(ring: &Live) -> u32 {
    if ring.flags & sys::IORING_SETUP_SQPOLL != 0 {
        ring.sq_khead_acquire()
    } else {
        ring.sq_khead_relaxed()
    }
}

/// Clears the SQE fields that prep helpers do not always write (liburing 2.15's
/// `io_uring_initialize_sqe`), so a reused slot never leaks old flags into a new op.
#[inline(always)]
pub(crate) fn initialize_sqe(sqe: &mut io_uring_sqe) {
    sqe.flags = 0;
    sqe.ioprio = 0;
    sqe.op_flags = 0;
    sqe.buf_index = 0;
    sqe.personality = 0;
    sqe.splice_fd_in = 0;
    sqe.addr3 = 0;
    sqe.__pad2 = [0];
}

/// The SQE slot of ring index `index` (masked, scaled to 64-byte units on `SQE128`).
#[inline(always)]
pub(crate) fn slot(ring: &Live, index: u32) -> *mut io_uring_sqe {
    let idx = ((index & ring.sq.ring_mask) << sqe_shift_from_flags(ring.flags)) as usize;
    // SAFETY: Live invariant: idx < ring_entries << shift, the 64-byte slots mapped at
    // `sqes`, so the offset stays inside that mapping.
    unsafe { ring.sq.sqes.add(idx) }
}

/// Hands out the slot at ring index `index` (a free one: the caller checked the room
/// and moves the tail past it), cleared of stale fields.
#[inline(always)]
fn take_slot(ring: &Live, index: u32) -> *mut io_uring_sqe {
    let p = slot(ring, index);
    // SAFETY: the slot is in the mapping (see `slot`) and free: it lies past the
    // kernel's head and at our tail, so neither the kernel nor an earlier caller
    // references it, and the tail moves past it so it is handed out once.
    initialize_sqe(unsafe { &mut *p });
    p
}

/// `io_uring_get_sqe`: the next free SQE, or null when the SQ is full.
#[inline]
pub fn get_sqe(ring: &mut Live) -> *mut io_uring_sqe {
    let head = load_sq_head(ring);
    let tail = ring.sq.sqe_tail;
    if tail.wrapping_sub(head) >= ring.sq.ring_entries {
        return ptr::null_mut();
    }
    *ring.sq_indices().1 = tail.wrapping_add(1);
    take_slot(ring, tail)
}

/// `io_uring_get_sqe128`: a 128-byte SQE on `SQE128` rings, or two adjacent slots on
/// `SQE_MIXED` rings (padding the ring's last slot with a skipped NOP when the pair would
/// wrap). Null when there is no room or the ring has neither flag.
pub fn get_sqe128(ring: &mut Live) -> *mut io_uring_sqe {
    if ring.flags & sys::IORING_SETUP_SQE128 != 0 {
        return get_sqe(ring);
    }
    if ring.flags & sys::IORING_SETUP_SQE_MIXED == 0 {
        return ptr::null_mut();
    }
    let head = load_sq_head(ring);
    let mut tail = ring.sq.sqe_tail;
    let mask = ring.sq.ring_mask;
    let pad = (tail & mask) == mask;
    let need = 2 + pad as u32;
    if tail.wrapping_sub(head).wrapping_add(need) > ring.sq.ring_entries {
        return ptr::null_mut();
    }
    if pad {
        // SAFETY: as in take_slot: a free slot of the mapping, ours until published.
        let nop = unsafe { &mut *slot(ring, tail) };
        *nop = io_uring_sqe::default();
        crate::prep::rw::nop(nop);
        nop.flags = sys::IOSQE_CQE_SKIP_SUCCESS;
        tail = tail.wrapping_add(1);
    }
    // (tail & mask) < mask here, so both slots of the pair are in the ring.
    *ring.sq_indices().1 = tail.wrapping_add(2);
    take_slot(ring, tail)
}

/// Publishes the SQEs handed out since the last flush by moving the kernel-visible tail
/// (release: the SQE stores must be visible before the tail). Returns how many SQEs the
/// kernel has not consumed yet.
#[inline]
pub fn flush_sq(ring: &mut Live) -> u32 {
    if crate::trace::active() {
        return flush_sq_traced(ring);
    }
    flush_sq_untraced(ring)
}

/// [`flush_sq`] with tracing on, out of line: the untraced path makes no call (so the
/// submit fast path saves no registers).
#[cold]
#[inline(never)]
fn flush_sq_traced(ring: &mut Live) -> u32 {
    crate::trace::on_submit(ring);
    flush_sq_untraced(ring)
}

#[inline(always)]
pub(crate) fn flush_sq_untraced(ring: &mut Live) -> u32 {
    let tail = ring.sq.sqe_tail;
    if ring.flags & sys::IORING_SETUP_SQ_REWIND != 0 {
        // The kernel ignores head and tail and takes `to_submit` SQEs from slot 0: hand
        // over the count and start the next batch at slot 0 again (head stays 0).
        *ring.sq_indices().1 = 0;
        return tail;
    }
    if ring.sq.sqe_head != tail {
        *ring.sq_indices().0 = tail;
        ring.set_sq_ktail(tail);
    }
    // A stale head only over-estimates what is pending; the kernel copes with that
    // (liburing reads it the same way).
    tail.wrapping_sub(ring.sq_khead_relaxed())
}

/// `io_uring_sq_ready`: SQEs handed out and not yet consumed by the kernel.
#[inline]
pub fn sq_ready(ring: &Live) -> u32 {
    ring.sq.sqe_tail.wrapping_sub(load_sq_head(ring))
}

/// `io_uring_sq_space_left`.
#[inline]
pub fn sq_space_left(ring: &Live) -> u32 {
    ring.sq.ring_entries.wrapping_sub(sq_ready(ring))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ring::fake::FakeRing;

    /// Queue `n` SQEs with consecutive user_data, checking slots and counters.
    fn queue(f: &mut FakeRing, n: u32, next_ud: &mut u64) {
        let shift = sqe_shift_from_flags(f.ring.flags);
        for _ in 0..n {
            let ready = sq_ready(&f.ring);
            let tail = f.ring.sq.sqe_tail;
            let sqe = get_sqe(&mut f.ring);
            assert!(!sqe.is_null(), "get_sqe failed with {ready} queued");
            assert_eq!(f.sqe_slot(sqe), ((tail & f.ring.sq.ring_mask) << shift) as usize);
            assert_eq!(f.ring.sq.sqe_tail, tail.wrapping_add(1));
            // SAFETY: a free slot.
            unsafe { (*sqe).user_data = *next_ud };
            *next_ud += 1;
            assert_eq!(sq_ready(&f.ring), ready + 1);
        }
    }

    #[test]
    fn sq_indices_wrap_at_2_32() {
        for flags in [0, sys::IORING_SETUP_SQE128] {
            for start in [u32::MAX - 20, u32::MAX - 7, u32::MAX - 1, u32::MAX, 0xffff_fff0] {
                let mut f = FakeRing::new(8, 16, flags, start, 0);
                let (mut next_ud, mut want_ud) = (0u64, 0u64);
                for round in 0..64u32 {
                    let n = 1 + round % 8;
                    queue(&mut f, n, &mut next_ud);
                    assert_eq!(sq_space_left(&f.ring), 8 - n);
                    if n == 8 {
                        assert!(get_sqe(&mut f.ring).is_null(), "get_sqe on a full SQ");
                        assert!(get_sqe128(&mut f.ring).is_null() || flags == 0);
                    }
                    let khead = f.sq_khead();
                    let pending = flush_sq(&mut f.ring);
                    assert_eq!(pending, n, "flush_sq pending");
                    assert_eq!(f.sq_ktail(), khead.wrapping_add(n), "ktail published");
                    assert_eq!(f.ring.sq.sqe_head, f.ring.sq.sqe_tail);
                    // The kernel takes them in two steps; the counters follow.
                    let first = (n as usize).div_ceil(2);
                    let mut got = f.kernel_consume_sq(first);
                    assert_eq!(sq_ready(&f.ring), n - first as u32);
                    assert_eq!(sq_space_left(&f.ring), 8 - (n - first as u32));
                    // Nothing new: flush republishes nothing, reports what is left.
                    assert_eq!(flush_sq(&mut f.ring), n - first as u32);
                    got.extend(f.kernel_consume_sq(usize::MAX));
                    for (_, ud) in got {
                        assert_eq!(ud, want_ud, "SQE order");
                        want_ud += 1;
                    }
                    assert_eq!(sq_ready(&f.ring), 0);
                    assert_eq!(flush_sq(&mut f.ring), 0);
                }
                assert_eq!(want_ud, next_ud);
                // 64 rounds moved the indices well past 2^32.
                assert!(f.sq_khead() < start && f.ring.sq.sqe_tail == f.sq_khead());
            }
        }
    }

    #[test]
    fn sq_full_across_the_wrap() {
        // head just below 2^32, tail wraps while filling.
        let mut f = FakeRing::new(4, 8, 0, u32::MAX - 1, 0);
        let mut ud = 0;
        queue(&mut f, 4, &mut ud);
        assert_eq!(f.ring.sq.sqe_tail, 2);
        assert!(get_sqe(&mut f.ring).is_null());
        assert_eq!(sq_space_left(&f.ring), 0);
        assert_eq!(flush_sq(&mut f.ring), 4);
        f.kernel_consume_sq(1);
        assert_eq!(sq_space_left(&f.ring), 1);
        assert!(!get_sqe(&mut f.ring).is_null());
        assert!(get_sqe(&mut f.ring).is_null());
    }

    #[test]
    fn get_sqe_clears_stale_fields() {
        let mut f = FakeRing::new(2, 4, 0, u32::MAX, 0);
        for _ in 0..5 {
            // SAFETY: live fake ring; slots handed out by get_sqe.
            unsafe {
                let sqe = &mut *get_sqe(&mut f.ring);
                assert_eq!((sqe.flags, sqe.ioprio, sqe.op_flags, sqe.buf_index, sqe.personality), (0, 0, 0, 0, 0));
                assert_eq!((sqe.splice_fd_in, sqe.addr3, sqe.__pad2), (0, 0, [0]));
                sqe.flags = 0xff;
                sqe.ioprio = 0xffff;
                sqe.op_flags = !0;
                sqe.buf_index = 7;
                sqe.personality = 9;
                sqe.splice_fd_in = -1;
                sqe.addr3 = !0;
                sqe.__pad2 = [!0];
                flush_sq(&mut f.ring);
            }
            f.kernel_consume_sq(usize::MAX);
        }
    }

    #[test]
    fn mixed_sqe128_pads_at_the_ring_end_across_the_wrap() {
        // Tail at the last slot (index 3) just before 2^32.
        let mut f = FakeRing::new(4, 8, sys::IORING_SETUP_SQE_MIXED, u32::MAX, 0);
        assert_eq!(f.ring.sq.sqe_tail & f.ring.sq.ring_mask, 3);
        // SAFETY: live fake ring; pointers handed out by the library.
        unsafe {
            let big = get_sqe128(&mut f.ring);
            assert!(!big.is_null());
            // A skip-success NOP fills slot 3, the pair starts at slot 0.
            assert_eq!(f.sqe_slot(big), 0);
            let pad = &*f.ring.sq.sqes.add(3);
            assert_eq!(pad.opcode, sys::IORING_OP_NOP);
            assert_eq!(pad.flags, sys::IOSQE_CQE_SKIP_SUCCESS);
            assert_eq!(f.ring.sq.sqe_tail, 2); // u32::MAX + 3
            (*big).opcode = sys::IORING_OP_NOP128;
            (*big).user_data = 128;
            assert_eq!(sq_ready(&f.ring), 3);
            // One slot left: no pair fits, a single SQE does.
            assert!(get_sqe128(&mut f.ring).is_null());
            let one = get_sqe(&mut f.ring);
            assert_eq!(f.sqe_slot(one), 2);
            assert!(get_sqe(&mut f.ring).is_null());
            assert_eq!(flush_sq(&mut f.ring), 4);
        }
        let got = f.kernel_consume_sq(usize::MAX);
        assert_eq!(got.iter().map(|g| g.0).collect::<std::vec::Vec<_>>(), [3, 0, 2]);
        // In the middle of the ring no padding is needed.
        assert_eq!(f.ring.sq.sqe_tail & 3, 3);
        let one = get_sqe(&mut f.ring);
        assert_eq!(f.sqe_slot(one), 3);
        let tail = f.ring.sq.sqe_tail;
        let big = get_sqe128(&mut f.ring);
        assert_eq!(f.sqe_slot(big), (tail & 3) as usize);
        assert_eq!(f.ring.sq.sqe_tail, tail.wrapping_add(2));
        // A plain ring has no 128-byte SQEs.
        let mut plain = FakeRing::new(4, 8, 0, 0, 0);
        assert!(get_sqe128(&mut plain.ring).is_null());
    }

    #[test]
    fn sq_rewind_resets_the_tail_on_submit() {
        // Issue 11 defect 6: with IORING_SETUP_SQ_REWIND the kernel takes SQEs from slot 0
        // each time and ignores head/tail; every flush hands over the count and rewinds.
        let mut f = FakeRing::new(8, 16, sys::IORING_SETUP_SQ_REWIND, 0, 0);
        for round in 0..5u32 {
            let n = 1 + round % 8;
            let mut ud = 0;
            queue(&mut f, n, &mut ud);
            assert_eq!(sq_ready(&f.ring), n);
            assert_eq!(flush_sq(&mut f.ring), n, "round {round}");
            assert_eq!(f.ring.sq.sqe_tail, 0, "tail not rewound");
            assert_eq!((f.sq_khead(), f.sq_ktail()), (0, 0), "kernel indices touched");
            assert_eq!(sq_ready(&f.ring), 0);
            assert_eq!(flush_sq(&mut f.ring), 0);
            // The next SQE is slot 0 again.
            let sqe = get_sqe(&mut f.ring);
            assert_eq!(f.sqe_slot(sqe), 0);
            *f.ring.sq_indices().1 = 0;
        }
    }
}
