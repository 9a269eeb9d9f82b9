//! The core: one implementation of every ring behaviour, operating on liburing's
//! `struct io_uring` (which binaries built against the real header also read inline).
//!
//! Split as liburing splits it: [`setup`] (create, map, tear down), [`sq`] (SQ memory:
//! hand out SQEs, publish them), [`cq`] (CQ memory: the reap primitive, advance,
//! iterate) and [`queue`] (every decision to enter the kernel: submit, wait, flush).
//!
//! A ring is validated once, at the boundary, into a [`Live`]: the C entry points check
//! the pointer (NULL, never set up, exited), the safe API builds one in `IoUring::new`.
//! Above that the core's functions are safe; `unsafe` remains only where shared ring
//! memory is touched (atomics on the indices, SQE/CQE slots, mmap).

pub mod cq;
pub mod queue;
pub mod setup;
pub mod sq;

use crate::sys::{self, io_uring, INT_FLAGS_MASK, INT_FLAG_REG_REG_RING};
use core::ffi::c_void;
use core::sync::atomic::{AtomicU32, Ordering};

/// A ring whose queues are mapped: set up by [`setup::queue_init_params`] (or
/// [`setup::queue_mmap`]) and not exited since.
///
/// Invariant, established by the constructors' callers: every `k*` pointer points at
/// its aligned 4-byte word of the mapped SQ/CQ ring, `sqes` at `sq.ring_entries` SQE
/// slots (twice as many 64-byte slots with `SQE128`), `cqes` at `cq.ring_entries` CQE
/// slots (twice as many 16-byte slots with `CQE32`), and `ring_mask = ring_entries - 1`.
/// The type hands out shared access to the struct ([`Deref`](core::ops::Deref)); the
/// core changes only its own SQ bookkeeping, so the invariant holds while it lives.
#[repr(transparent)]
pub struct Live(io_uring);

impl Live {
    /// The live ring behind a C `struct io_uring *`, or `None` for NULL, a never set up
    /// or an exited ring (the checks read only our own struct, never shared memory).
    ///
    /// # Safety
    /// `ring` must be null or point to a `struct io_uring` that is zeroed, exited, or
    /// set up by this library and unmodified since (liburing's contract with C
    /// callers), and not otherwise referenced for `'a`.
    #[inline(always)]
    pub unsafe fn from_ptr<'a>(ring: *mut io_uring) -> Option<&'a mut Live> {
        // SAFETY: null-checked by as_mut; readable and unaliased by the caller's contract.
        let r = unsafe { ring.as_mut() }?;
        if !has_queues(r) {
            return None;
        }
        // SAFETY: `Live` is repr(transparent) over io_uring, and the queues are mapped.
        Some(unsafe { &mut *(r as *mut io_uring as *mut Live) })
    }

    /// Takes ownership of a ring that `setup::queue_init_params` just set up (`None` if
    /// it is not set up).
    ///
    /// # Safety
    /// `ring` must have been set up by this library and be unmodified since.
    #[inline]
    pub unsafe fn new(ring: io_uring) -> Option<Live> {
        if has_queues(&ring) {
            Some(Live(ring))
        } else {
            None
        }
    }

    /// A second handle on the same mapped ring (the split API's completion half).
    ///
    /// # Safety
    /// The two handles must not touch the same ring-struct state (the split halves keep
    /// to the SQ and CQ side respectively), and the copy must not outlive the original
    /// or be torn down.
    #[inline]
    pub(crate) unsafe fn alias(&self) -> Live {
        // SAFETY: io_uring is plain data with no Drop; the caller bounds the copy's use.
        Live(unsafe { core::ptr::read(&self.0) })
    }

    /// The ring struct, for what changes the mapping itself (teardown, resize, ring fd
    /// registration).
    ///
    /// # Safety
    /// When the borrow ends the invariant must hold again (or the ring must never be
    /// used as `Live` again, as after `queue_exit`).
    #[inline(always)]
    pub unsafe fn raw_mut(&mut self) -> &mut io_uring {
        &mut self.0
    }

    /// Our own SQ bookkeeping (`sqe_head`, `sqe_tail`): plain numbers the core masks
    /// before every slot access, so no value breaks the invariant.
    #[inline(always)]
    pub(crate) fn sq_indices(&mut self) -> (&mut u32, &mut u32) {
        (&mut self.0.sq.sqe_head, &mut self.0.sq.sqe_tail)
    }

    /// The flags that select how the ring is entered (`INT_FLAG_*`): not part of the
    /// invariant, a wrong value only makes the kernel answer with an error.
    #[inline(always)]
    pub(crate) fn int_flags_mut(&mut self) -> &mut u8 {
        &mut self.0.int_flags
    }

    /// The ring's fd and the fd (or registered index) it is entered through: not part of
    /// the invariant either (a stale fd is `-EBADF` from the kernel).
    #[inline(always)]
    pub(crate) fn fds_mut(&mut self) -> (&mut i32, &mut i32) {
        (&mut self.0.ring_fd, &mut self.0.enter_ring_fd)
    }

    /// The kernel's SQ head, relaxed (a stale value only under-reports free space).
    #[inline(always)]
    pub(crate) fn sq_khead_relaxed(&self) -> u32 {
        // SAFETY: Live invariant: khead is the mapped SQ head word.
        unsafe { read_once(self.0.sq.khead) }
    }

    /// The kernel's SQ head, acquire (SQPOLL: the kernel thread moves it).
    #[inline(always)]
    pub(crate) fn sq_khead_acquire(&self) -> u32 {
        // SAFETY: Live invariant: khead is the mapped SQ head word.
        unsafe { load_acquire(self.0.sq.khead) }
    }

    /// Publishes our SQ tail, release: the SQE stores happen before the kernel sees it.
    #[inline(always)]
    pub(crate) fn set_sq_ktail(&self, tail: u32) {
        // SAFETY: Live invariant: ktail is the mapped SQ tail word, which only we write.
        unsafe { store_release(self.0.sq.ktail, tail) }
    }

    /// The SQ ring's flags word (NEED_WAKEUP, CQ_OVERFLOW, TASKRUN), relaxed: a hint to
    /// enter, after which the kernel does the synchronised work.
    #[inline(always)]
    pub(crate) fn sq_kflags(&self) -> u32 {
        // SAFETY: Live invariant: kflags is the mapped SQ flags word.
        unsafe { read_once(self.0.sq.kflags) }
    }

    /// SQEs the kernel dropped as invalid, relaxed.
    #[inline(always)]
    pub(crate) fn sq_kdropped(&self) -> u32 {
        // SAFETY: Live invariant: kdropped is the mapped SQ dropped counter.
        unsafe { read_once(self.0.sq.kdropped) }
    }

    /// The CQ head (only we write it), relaxed.
    #[inline(always)]
    pub(crate) fn cq_khead(&self) -> u32 {
        // SAFETY: Live invariant: khead is the mapped CQ head word.
        unsafe { read_once(self.0.cq.khead) }
    }

    /// Hands CQ slots before `head` back, release: our CQE reads happen before the
    /// kernel may overwrite those slots.
    #[inline(always)]
    pub(crate) fn set_cq_khead(&self, head: u32) {
        // SAFETY: Live invariant: khead is the mapped CQ head word, which only we write.
        unsafe { store_release(self.0.cq.khead, head) }
    }

    /// The CQ tail, acquire: the kernel's CQE stores are visible before we read them.
    #[inline(always)]
    pub(crate) fn cq_ktail(&self) -> u32 {
        // SAFETY: Live invariant: ktail is the mapped CQ tail word.
        unsafe { load_acquire(self.0.cq.ktail) }
    }

    /// Completions the kernel had to drop (no `FEAT_NODROP`), relaxed.
    #[inline(always)]
    pub(crate) fn cq_koverflow(&self) -> u32 {
        // SAFETY: Live invariant: koverflow is the mapped CQ overflow counter.
        unsafe { read_once(self.0.cq.koverflow) }
    }
}

impl core::ops::Deref for Live {
    type Target = io_uring;
    #[inline(always)]
    fn deref(&self) -> &io_uring {
        &self.0
    }
}

/// True when the queues of `r` are mapped (set up and not exited).
#[inline(always)]
fn has_queues(r: &io_uring) -> bool {
    !r.sq.khead.is_null() && !r.sq.sqes.is_null() && !r.cq.khead.is_null() && !r.cq.cqes.is_null()
}

/// True when `ring` points at a ring whose queues are mapped (set up and not exited).
///
/// # Safety
/// `ring` must be null or point to readable memory of `struct io_uring`'s size.
#[inline(always)]
pub unsafe fn is_live(ring: *const io_uring) -> bool {
    // SAFETY: null-checked by as_ref; readable by the caller's contract.
    unsafe { ring.as_ref() }.is_some_and(has_queues)
}

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

/// A ring over plain memory, no kernel: the tests play the kernel by moving `khead` /
/// `ktail` and filling CQEs, so index wraparound at 2^32 can be driven directly.
#[cfg(test)]
pub(crate) mod fake {
    use crate::sys::{self, io_uring, io_uring_cqe, io_uring_sqe};
    use std::boxed::Box;
    use std::vec;
    use std::vec::Vec;

    // Word slots of the fake SQ and CQ ring headers.
    const HEAD: usize = 0;
    const TAIL: usize = 1;
    const MASK: usize = 2;
    const ENTRIES: usize = 3;
    const SQ_FLAGS: usize = 4;
    const SQ_DROPPED: usize = 5;
    const CQ_OVERFLOW: usize = 4;
    const CQ_FLAGS: usize = 5;

    pub(crate) struct FakeRing {
        pub ring: super::Live,
        sq_words: Vec<u32>,
        cq_words: Vec<u32>,
        sqes: Vec<io_uring_sqe>,
        cqes: Vec<io_uring_cqe>,
    }

    impl FakeRing {
        /// SQ/CQ of the given sizes (powers of two) with every index starting at
        /// `sq_start` / `cq_start`. `flags` are setup flags (SQE128, CQE32, ...).
        pub(crate) fn new(sq_entries: u32, cq_entries: u32, flags: u32, sq_start: u32, cq_start: u32) -> Box<Self> {
            let sqe_slots = (sq_entries << super::sqe_shift_from_flags(flags)) as usize;
            let cqe_slots = (cq_entries << super::cqe_shift_from_flags(flags)) as usize;
            let mut f = Box::new(FakeRing {
                // The pointers are set below, before any use as a live ring.
                ring: super::Live(io_uring::zeroed()),
                sq_words: vec![sq_start, sq_start, sq_entries - 1, sq_entries, 0, 0],
                cq_words: vec![cq_start, cq_start, cq_entries - 1, cq_entries, 0, 0],
                sqes: vec![io_uring_sqe::default(); sqe_slots],
                cqes: vec![io_uring_cqe::default(); cqe_slots],
            });
            let sw = f.sq_words.as_mut_ptr();
            let cw = f.cq_words.as_mut_ptr();
            let r = &mut f.ring.0;
            // SAFETY: all offsets are within the six-word vectors.
            unsafe {
                r.sq.khead = sw.add(HEAD);
                r.sq.ktail = sw.add(TAIL);
                r.sq.kring_mask = sw.add(MASK);
                r.sq.kring_entries = sw.add(ENTRIES);
                r.sq.kflags = sw.add(SQ_FLAGS);
                r.sq.kdropped = sw.add(SQ_DROPPED);
                r.cq.khead = cw.add(HEAD);
                r.cq.ktail = cw.add(TAIL);
                r.cq.kring_mask = cw.add(MASK);
                r.cq.kring_entries = cw.add(ENTRIES);
                r.cq.koverflow = cw.add(CQ_OVERFLOW);
                r.cq.kflags = cw.add(CQ_FLAGS);
            }
            r.sq.sqes = f.sqes.as_mut_ptr();
            r.cq.cqes = f.cqes.as_mut_ptr();
            let r = &mut f.ring.0;
            r.sq.ring_ptr = sw.cast();
            r.cq.ring_ptr = cw.cast();
            r.sq.sqe_head = sq_start;
            r.sq.sqe_tail = sq_start;
            r.sq.ring_mask = sq_entries - 1;
            r.sq.ring_entries = sq_entries;
            r.cq.ring_mask = cq_entries - 1;
            r.cq.ring_entries = cq_entries;
            r.flags = flags | sys::IORING_SETUP_NO_SQARRAY;
            r.features = sys::IORING_FEAT_EXT_ARG | sys::IORING_FEAT_NODROP;
            f
        }

        pub(crate) fn sq_khead(&self) -> u32 {
            self.sq_words[HEAD]
        }

        pub(crate) fn sq_ktail(&self) -> u32 {
            self.sq_words[TAIL]
        }

        pub(crate) fn cq_khead(&self) -> u32 {
            self.cq_words[HEAD]
        }

        pub(crate) fn cq_ktail(&self) -> u32 {
            self.cq_words[TAIL]
        }

        /// Kernel side: consume up to `max` published SQEs (from `khead` towards
        /// `ktail`), returning (slot index, user_data) of each, in order.
        pub(crate) fn kernel_consume_sq(&mut self, max: usize) -> Vec<(usize, u64)> {
            let shift = super::sqe_shift_from_flags(self.ring.flags);
            let mask = self.sq_words[MASK];
            let mut out = Vec::new();
            let mut head = self.sq_words[HEAD];
            let tail = self.sq_words[TAIL];
            while head != tail && out.len() < max {
                let idx = ((head & mask) << shift) as usize;
                out.push((idx, self.sqes[idx].user_data));
                // A 128-byte op on a mixed ring takes two slots.
                let big = self.ring.flags & sys::IORING_SETUP_SQE_MIXED != 0
                    && self.sqes[idx].opcode == sys::IORING_OP_NOP128;
                head = head.wrapping_add(1 + big as u32);
            }
            self.sq_words[HEAD] = head;
            out
        }

        /// Kernel side: post one CQE (two slots when `flags` has `IORING_CQE_F_32` on a
        /// mixed ring), moving `ktail`.
        pub(crate) fn kernel_post_cqe(&mut self, user_data: u64, res: i32, flags: u32) {
            let shift = super::cqe_shift_from_flags(self.ring.flags);
            let tail = self.cq_words[TAIL];
            let idx = ((tail & self.cq_words[MASK]) << shift) as usize;
            self.cqes[idx] = io_uring_cqe { user_data, res, flags };
            let slots = if flags & sys::IORING_CQE_F_32 != 0 { 2 } else { 1 };
            self.cq_words[TAIL] = tail.wrapping_add(slots);
        }

        /// The CQ slot index of a CQE pointer handed out by the library.
        pub(crate) fn cqe_slot(&self, cqe: *const io_uring_cqe) -> usize {
            (cqe as usize - self.cqes.as_ptr() as usize) / core::mem::size_of::<io_uring_cqe>()
        }

        /// The SQ slot index of an SQE pointer handed out by the library.
        pub(crate) fn sqe_slot(&self, sqe: *const io_uring_sqe) -> usize {
            (sqe as usize - self.sqes.as_ptr() as usize) / core::mem::size_of::<io_uring_sqe>()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{cq, queue, setup, sq, Live};
    use crate::sys::{self, io_uring, io_uring_cqe, io_uring_params};
    use core::ptr;

    /// NOPs through the core on the real kernel: setup, get_sqe, submit, wait, advance.
    #[test]
    fn nop_round_trip_on_the_kernel() {
        let mut raw = io_uring::zeroed();
        let mut p = io_uring_params::default();
        // SAFETY: fresh ring and params, no user buffer.
        let ret = unsafe { setup::queue_init_params(8, &mut raw, &mut p, ptr::null_mut(), 0) };
        assert_eq!(ret, 0, "queue_init_params");
        // SAFETY: just set up by the library.
        let mut ring = unsafe { Live::new(raw) }.expect("live after setup");
        assert_eq!((ring.sq.ring_entries, ring.cq.ring_entries), (8, 16));
        for round in 0..50u64 {
            let n = 1 + round % 8;
            for i in 0..n {
                let sqe = sq::get_sqe(&mut ring);
                assert!(!sqe.is_null());
                // SAFETY: a free slot handed out by get_sqe.
                let sqe = unsafe { &mut *sqe };
                crate::prep::rw::nop(sqe);
                sqe.user_data = round * 100 + i;
            }
            assert_eq!(queue::submit_and_wait(&mut ring, n as u32), n as i32);
            assert_eq!(cq::cq_ready(&ring), n as u32);
            for i in 0..n {
                let mut cqe: *mut io_uring_cqe = ptr::null_mut();
                assert_eq!(queue::wait_cqe(&mut ring, &mut cqe), 0);
                // SAFETY: wait_cqe returned a ready CQE.
                let c = unsafe { *cqe };
                assert_eq!((c.user_data, c.res), (round * 100 + i, 0));
                cq::cq_advance(&mut ring, cq::cqe_nr(&c));
            }
        }
        // A timed wait with nothing pending times out.
        let ts = sys::__kernel_timespec { tv_sec: 0, tv_nsec: 5_000_000 };
        let mut cqe: *mut io_uring_cqe = ptr::null_mut();
        let ret = queue::wait_cqes(&mut ring, &mut cqe, 1, &ts, ptr::null());
        assert_eq!(ret, -sys::errno::ETIME);
        assert!(cqe.is_null());
        // SAFETY: torn down once, never used as Live again.
        let raw = unsafe { ring.raw_mut() };
        // SAFETY: our ring, set up above.
        unsafe { setup::queue_exit(raw) };
        // SAFETY: a torn-down ring is readable and not live.
        assert!(!unsafe { super::is_live(raw) });
    }
}
