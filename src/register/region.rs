//! Memory regions shared with the kernel (`IORING_REGISTER_MEM_REGION`), registered
//! wait arguments built on them, and ring resizing (`IORING_REGISTER_RESIZE_RINGS`).

use super::reg;
use crate::ring::{setup, Live};
use crate::sys::{self, errno::*, io_uring, io_uring_cq, io_uring_params, io_uring_reg_wait, io_uring_sq};
use core::mem::size_of;
use rustix::mm;

/// `io_uring_register_region`: register the region `reg_arg` describes.
///
/// # Safety
/// `reg_arg.region_uptr` must point to a region descriptor (the kernel checks it and the
/// memory it names).
pub unsafe fn register_region(ring: &io_uring, reg_arg: *const sys::io_uring_mem_region_reg) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { reg(ring, sys::IORING_REGISTER_MEM_REGION, reg_arg, 1) }
}

/// `io_uring_register_wait_reg`: register `nr` wait argument slots at `reg_arg` for
/// `io_uring_submit_and_wait_reg` (slot `i` is `reg_arg[i]`).
///
/// liburing 2.15 keeps this name but always answers `-EINVAL` (its old kernel
/// interface is gone). Here it is implemented on today's interface: a user-memory
/// region flagged `IORING_MEM_REGION_REG_WAIT_ARG`. The kernel accepts that only on a
/// ring still disabled (`IORING_SETUP_R_DISABLED`) and only for page-aligned memory; the
/// size passed is `nr` slots rounded up to whole pages.
///
/// # Safety
/// `reg_arg` must point to `nr` slots that stay valid while the ring uses them.
pub unsafe fn register_wait_reg(ring: &io_uring, reg_arg: *mut io_uring_reg_wait, nr: i32) -> i32 {
    if reg_arg.is_null() || nr <= 0 {
        return -EINVAL;
    }
    let page = sys::page::page_size();
    let bytes = nr as usize * size_of::<io_uring_reg_wait>();
    let size = (bytes + page - 1) & !(page - 1);
    let rd = sys::io_uring_region_desc {
        user_addr: reg_arg as u64,
        size: size as u64,
        flags: sys::IORING_MEM_REGION_TYPE_USER,
        ..Default::default()
    };
    let mr = sys::io_uring_mem_region_reg {
        region_uptr: &rd as *const _ as u64,
        flags: sys::IORING_MEM_REGION_REG_WAIT_ARG,
        ..Default::default()
    };
    // SAFETY: `mr` names `rd`, which names the caller's memory.
    unsafe { register_region(ring, &mr) }
}

/// Unmaps SQ/CQ ring mappings made by `setup::mmap_rings` (and the SQE array).
///
/// # Safety
/// The fields must describe mappings made by `setup::mmap_rings`, unused afterwards.
unsafe fn unmap_all(sq: &io_uring_sq, cq: &io_uring_cq) {
    // SAFETY: per the contract.
    unsafe {
        if !sq.sqes.is_null() && sq.sqes_sz != 0 {
            let _ = mm::munmap(sq.sqes.cast(), sq.sqes_sz as usize);
        }
        if !sq.ring_ptr.is_null() && sq.ring_sz != 0 {
            let _ = mm::munmap(sq.ring_ptr, sq.ring_sz);
        }
        if !cq.ring_ptr.is_null() && cq.ring_sz != 0 && cq.ring_ptr != sq.ring_ptr {
            let _ = mm::munmap(cq.ring_ptr, cq.ring_sz);
        }
    }
}

/// `io_uring_resize_rings`: ask the kernel to resize the SQ/CQ to `p.sq_entries` /
/// `p.cq_entries` (`IORING_SETUP_CQSIZE`/`CLAMP` in `p.flags`), then remap the ring.
///
/// As liburing does: refused (`-EINVAL`) for `IORING_SETUP_NO_MMAP` rings (their memory
/// is the application's), `p`'s ring offsets are cleared before the call, the local SQE
/// head/tail survive the remap, the SQ array is re-identity-mapped, and `p.flags` is
/// zeroed afterwards whatever the outcome.
///
/// Beyond liburing: SQEs prepared but not yet submitted are flushed to the kernel's SQ
/// first, so the kernel carries them over into the new ring (liburing's remap would
/// lose them); the old SQE array is unmapped too (liburing leaks it); a ring whose fd
/// was closed (`io_uring_close_ring_fd`) is refused with `-EBADF` before resizing,
/// since the new rings could not be mapped.
///
/// # Safety
/// When mapping the new rings fails the old ones are gone: the ring is then no longer
/// live, and the caller must not use `ring` again without validating it anew (the C
/// layer does so at every entry).
pub unsafe fn resize_rings(ring: &mut Live, p: &mut io_uring_params) -> i32 {
    // The kernel carries submitted SQEs over into the new rings.
    if ring.flags & sys::IORING_SETUP_NO_MMAP == 0 && ring.int_flags & sys::INT_FLAG_APP_MEM == 0 && ring.ring_fd >= 0 {
        crate::ring::sq::flush_sq(ring);
    }
    // SAFETY: the mapping is replaced below as a whole; on failure the ring is left
    // not live (zeroed queues), which the caller's contract covers.
    let ring = unsafe { ring.raw_mut() };
    let ret = 'out: {
        if ring.flags & sys::IORING_SETUP_NO_MMAP != 0 || ring.int_flags & sys::INT_FLAG_APP_MEM != 0 {
            break 'out -EINVAL;
        }
        if ring.ring_fd < 0 {
            break 'out -EBADF;
        }
        p.sq_off = Default::default();
        p.cq_off = Default::default();
        // SAFETY: `p` is a valid params struct the kernel reads and fills in.
        let ret = unsafe { reg(ring, sys::IORING_REGISTER_RESIZE_RINGS, p as *mut io_uring_params, 1) };
        if ret < 0 {
            break 'out ret;
        }
        let (sq_head, sq_tail) = (ring.sq.sqe_head, ring.sq.sqe_tail);
        let mut mp = *p;
        mp.features |= ring.features & sys::IORING_FEAT_SINGLE_MMAP;
        let mut sq = io_uring_sq::zeroed();
        let mut cq = io_uring_cq::zeroed();
        // SAFETY: fresh sq/cq; `mp` is what the kernel returned for this fd.
        let r = unsafe { setup::mmap_rings(ring.ring_fd, &mp, &mut sq, &mut cq) };
        // SAFETY: the old mappings are ours and replaced (or, on failure, useless: the
        // kernel already switched to the new rings).
        unsafe { unmap_all(&ring.sq, &ring.cq) };
        if r != 0 {
            ring.sq = io_uring_sq::zeroed();
            ring.cq = io_uring_cq::zeroed();
            break 'out r;
        }
        ring.sq = sq;
        ring.cq = cq;
        ring.sq.sqe_head = sq_head;
        ring.sq.sqe_tail = sq_tail;
        if mp.flags & sys::IORING_SETUP_NO_SQARRAY == 0 && !ring.sq.array.is_null() {
            for i in 0..ring.sq.ring_entries {
                // SAFETY: i < ring_entries, within the freshly mapped array.
                unsafe { *ring.sq.array.add(i as usize) = i };
            }
        }
        ret
    };
    p.flags = 0;
    ret
}

#[cfg(test)]
mod tests {
    use super::super::testutil::TestRing;
    use super::*;
    use crate::ring::{queue, sq};

    #[test]
    fn resize_keeps_pending_sqes_and_cqes() {
        let flags = sys::IORING_SETUP_SINGLE_ISSUER | sys::IORING_SETUP_DEFER_TASKRUN;
        let mut ring = TestRing::new(4, flags);
        let r = &mut *ring.0;
        // Two completions waiting, one SQE prepared but not submitted.
        for ud in 1..=2u64 {
            // SAFETY: a free slot handed out by get_sqe.
            let sqe = unsafe { &mut *sq::get_sqe(r) };
            crate::prep::rw::nop(sqe);
            sqe.user_data = ud;
        }
        assert_eq!(queue::submit_and_wait(r, 2), 2);
        // SAFETY: a free slot handed out by get_sqe.
        let sqe = unsafe { &mut *sq::get_sqe(r) };
        crate::prep::rw::nop(sqe);
        sqe.user_data = 3;

        let mut p =
            io_uring_params { sq_entries: 16, cq_entries: 64, flags: sys::IORING_SETUP_CQSIZE, ..Default::default() };
        // SAFETY: checked to succeed, so the ring stays live.
        assert_eq!(unsafe { resize_rings(r, &mut p) }, 0);
        assert_eq!(p.flags, 0);
        assert_eq!((r.sq.ring_entries, r.cq.ring_entries), (16, 64));
        assert_eq!(queue::submit_and_wait(r, 3), 1);
        let mut seen = std::vec::Vec::new();
        loop {
            let mut c: *mut sys::io_uring_cqe = core::ptr::null_mut();
            if queue::peek_cqe(r, &mut c) != 0 || c.is_null() {
                break;
            }
            // SAFETY: a ready CQE.
            seen.push(unsafe { (*c).user_data });
            crate::ring::cq::cq_advance(r, 1);
        }
        seen.sort();
        assert_eq!(seen, [1, 2, 3]);
    }

    #[test]
    fn resize_refused_for_no_mmap_and_bad_wait_reg_args() {
        let ring = TestRing::new(4, 0);
        let mut fake = crate::ring::fake::FakeRing::new(4, 8, sys::IORING_SETUP_NO_MMAP, 0, 0);
        let mut p = io_uring_params { flags: sys::IORING_SETUP_CQSIZE, cq_entries: 8, ..Default::default() };
        // SAFETY: refused before anything is touched.
        assert_eq!(unsafe { resize_rings(&mut fake.ring, &mut p) }, -EINVAL);
        assert_eq!(p.flags, 0);
        // SAFETY: invalid arguments are refused before the kernel is asked.
        unsafe {
            assert_eq!(register_wait_reg(&ring.0, core::ptr::null_mut(), 1), -EINVAL);
            let mut w = io_uring_reg_wait::default();
            assert_eq!(register_wait_reg(&ring.0, &mut w, 0), -EINVAL);
        }
    }
}
