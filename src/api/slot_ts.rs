//! One spare timespec per submission slot: where a timeout operation keeps its timespec
//! (see `PrepSqe::prep_slot`) from the push until the kernel has taken the SQE, so the
//! operation owns its data and the caller passes no pointer. A slot's timespec is only
//! rewritten when the slot is handed out again, which the core does only after the kernel
//! consumed the SQE (and with it, read the timespec).

use super::Timespec;
use crate::ring::Live;
use crate::sys::io_uring_sqe;
use core::ptr;
use rustix::mm::{self, MapFlags, ProtFlags};

pub(crate) struct SlotTs {
    p: *mut Timespec,
    n: usize,
}

// SAFETY: a private anonymous mapping owned by this value; no thread affinity.
unsafe impl Send for SlotTs {}

impl SlotTs {
    /// Room for `entries` slots (`entries >= 1`).
    pub(crate) fn new(entries: u32) -> Result<Self, i32> {
        let n = entries.max(1) as usize;
        // SAFETY: a fresh private anonymous mapping (zero-filled), owned by the result.
        let p = unsafe {
            mm::mmap_anonymous(
                ptr::null_mut(),
                n * size_of::<Timespec>(),
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE,
            )
        }
        .map_err(|e| -e.raw_os_error())?;
        Ok(SlotTs { p: p.cast(), n })
    }

    /// The spare timespec of the slot `sqe` (handed out by `ring`'s core) occupies.
    #[inline(always)]
    pub(crate) fn for_sqe(&mut self, ring: &Live, sqe: &io_uring_sqe) -> &mut Timespec {
        let off = (sqe as *const io_uring_sqe as usize).wrapping_sub(ring.sq.sqes as usize);
        let shift = crate::ring::sqe_shift_from_flags(ring.flags);
        // 64-byte units, scaled down for 128-byte SQEs: below sq entries for any slot.
        let idx = ((off / size_of::<io_uring_sqe>()) >> shift).min(self.n - 1);
        // SAFETY: idx < n, inside our mapping; `&mut self` makes the borrow exclusive.
        unsafe { &mut *self.p.add(idx) }
    }
}

impl Drop for SlotTs {
    fn drop(&mut self) {
        // SAFETY: our mapping; the kernel copied every timespec when it took the SQE.
        let _ = unsafe { mm::munmap(self.p.cast(), self.n * size_of::<Timespec>()) };
    }
}
