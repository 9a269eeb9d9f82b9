//! The remaining register calls: restrictions, io-wq tuning, synchronous cancel, ring-less
//! messages, clock, NAPI busy polling, zero-copy receive, BPF filters and queries.

use super::{reg, reg_noring};
use crate::ring::Live;
use crate::sys::{self, errno::*, io_uring};
use core::ptr;

/// `io_uring_register_restrictions`: restrict a disabled (`IORING_SETUP_R_DISABLED`) ring
/// to the `nr` allowed register opcodes, SQE opcodes and SQE flags in `res`.
///
/// # Safety
/// `res` must be valid for `nr` restrictions.
pub unsafe fn register_restrictions(ring: &io_uring, res: *const sys::io_uring_restriction, nr: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { reg(ring, sys::IORING_REGISTER_RESTRICTIONS, res, nr) }
}

/// `io_uring_register_iowq_aff`: bind the ring's io-wq workers to the CPUs in `mask`
/// (`cpusz` bytes). Sizes of 2^31 and above are refused with `-EINVAL`.
///
/// # Safety
/// `mask` must be valid for `cpusz` bytes.
pub unsafe fn register_iowq_aff(ring: &io_uring, cpusz: usize, mask: *const sys::cpu_set_t) -> i32 {
    if cpusz >= 1 << 31 {
        return -EINVAL;
    }
    // SAFETY: forwarded caller contract.
    unsafe { reg(ring, sys::IORING_REGISTER_IOWQ_AFF, mask, cpusz as u32) }
}

/// `io_uring_unregister_iowq_aff`: let io-wq workers run anywhere again.
pub fn unregister_iowq_aff(ring: &io_uring) -> i32 {
    // SAFETY: no argument.
    unsafe { reg::<u8>(ring, sys::IORING_UNREGISTER_IOWQ_AFF, ptr::null(), 0) }
}

/// `io_uring_register_iowq_max_workers`: `val[0]` bounded, `val[1]` unbounded worker
/// limits (0 = leave unchanged); the previous limits are written back.
pub fn register_iowq_max_workers(ring: &io_uring, val: &mut [u32; 2]) -> i32 {
    // SAFETY: two writable u32s.
    unsafe { reg(ring, sys::IORING_REGISTER_IOWQ_MAX_WORKERS, val.as_mut_ptr(), 2) }
}

/// `io_uring_register_sync_cancel`: cancel matching requests and wait for them (up to
/// `timeout`); 0 when something was cancelled, `-ENOENT` when nothing matched.
pub fn register_sync_cancel(ring: &io_uring, r: &mut sys::io_uring_sync_cancel_reg) -> i32 {
    // SAFETY: one sync_cancel_reg.
    unsafe { reg(ring, sys::IORING_REGISTER_SYNC_CANCEL, r as *const sys::io_uring_sync_cancel_reg, 1) }
}

/// `io_uring_register_sync_msg`: perform an `IORING_OP_MSG_RING` SQE right away without a
/// source ring (fd -1, `IORING_REGISTER_SEND_MSG_RING`).
///
/// # Safety
/// `sqe` must point to a readable SQE.
pub unsafe fn register_sync_msg(sqe: *const sys::io_uring_sqe) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { reg_noring(sys::IORING_REGISTER_SEND_MSG_RING, sqe, 1) }
}

/// `io_uring_register_clock`: the clock used for wait timeouts.
pub fn register_clock(ring: &io_uring, arg: &sys::io_uring_clock_register) -> i32 {
    // SAFETY: one clock_register.
    unsafe { reg(ring, sys::IORING_REGISTER_CLOCK, arg as *const sys::io_uring_clock_register, 0) }
}

/// `io_uring_register_napi`: enable NAPI busy polling; the previous settings are
/// written back into `napi`.
pub fn register_napi(ring: &io_uring, napi: &mut sys::io_uring_napi) -> i32 {
    // SAFETY: one napi struct.
    unsafe { reg(ring, sys::IORING_REGISTER_NAPI, napi as *mut sys::io_uring_napi, 1) }
}

/// `io_uring_unregister_napi`: disable NAPI busy polling; `napi` (may be null) receives
/// the settings in force.
///
/// # Safety
/// `napi` must be null or point to a writable napi struct.
pub unsafe fn unregister_napi(ring: &io_uring, napi: *mut sys::io_uring_napi) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { reg(ring, sys::IORING_UNREGISTER_NAPI, napi, 1) }
}

/// `io_uring_register_ifq`: register a zero-copy receive interface queue.
///
/// # Safety
/// `r` must point to an ifq registration whose area/region pointers are valid.
pub unsafe fn register_ifq(ring: &io_uring, r: *mut sys::io_uring_zcrx_ifq_reg) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { reg(ring, sys::IORING_REGISTER_ZCRX_IFQ, r, 1) }
}

/// `io_uring_register_zcrx_ctrl`: a control operation on a zero-copy receive instance.
///
/// # Safety
/// `ctrl` must point to a readable (and, for export, writable) zcrx_ctrl.
pub unsafe fn register_zcrx_ctrl(ring: &io_uring, ctrl: *mut sys::zcrx_ctrl) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { reg(ring, sys::IORING_REGISTER_ZCRX_CTRL, ctrl, 0) }
}

/// `io_uring_register_bpf_filter`: attach a classic BPF filter to this ring.
///
/// # Safety
/// `bpf` must point to an `io_uring_bpf` whose filter pointer is valid.
pub unsafe fn register_bpf_filter(ring: &io_uring, bpf: *mut sys::io_uring_bpf) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { reg(ring, sys::IORING_REGISTER_BPF_FILTER, bpf, 1) }
}

/// `io_uring_register_bpf_filter_task`: attach a classic BPF filter to the calling task
/// (rings it creates later), through the ring-less fd -1.
///
/// # Safety
/// As for [`register_bpf_filter`].
pub unsafe fn register_bpf_filter_task(bpf: *mut sys::io_uring_bpf) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { reg_noring(sys::IORING_REGISTER_BPF_FILTER, bpf, 1) }
}

/// `io_uring_register_query`: run the chain of queries starting at `query` (no ring
/// needed); each header's `result` receives that query's outcome.
///
/// # Safety
/// `query` must point to a query header chain with valid data pointers.
pub unsafe fn register_query(query: *mut sys::io_uring_query_hdr) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { reg_noring(sys::IORING_REGISTER_QUERY, query, 0) }
}

/// `io_uring_set_iowait`: whether this ring's waits count as iowait. Only kernels with
/// `IORING_FEAT_NO_IOWAIT` can leave it out: `-EOPNOTSUPP` elsewhere (liburing 2.15).
pub fn set_iowait(ring: &mut Live, enable_iowait: bool) -> i32 {
    if ring.features & sys::IORING_FEAT_NO_IOWAIT == 0 {
        return -EOPNOTSUPP;
    }
    let flags = ring.int_flags_mut();
    if enable_iowait {
        *flags &= !sys::INT_FLAG_NO_IOWAIT;
    } else {
        *flags |= sys::INT_FLAG_NO_IOWAIT;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::super::testutil::TestRing;
    use super::*;

    #[test]
    fn iowq_max_workers_round_trip() {
        let ring = TestRing::new(4, 0);
        let mut v = [0u32, 0];
        assert_eq!(register_iowq_max_workers(&ring.0, &mut v), 0);
        let orig = v;
        assert!(orig[0] > 0 && orig[1] > 0);
        let mut v = [2u32, 3];
        assert_eq!(register_iowq_max_workers(&ring.0, &mut v), 0);
        assert_eq!(v, orig);
        let mut v = [0u32, 0];
        assert_eq!(register_iowq_max_workers(&ring.0, &mut v), 0);
        assert_eq!(v, [2, 3]);
        // SAFETY: refused before the pointer is used.
        assert_eq!(unsafe { register_iowq_aff(&ring.0, 1 << 31, ptr::null()) }, -EINVAL);
        let mut set = sys::cpu_set_t::default();
        set.__bits[0] = 1;
        // SAFETY: a full cpu set.
        assert_eq!(unsafe { register_iowq_aff(&ring.0, 128, &set) }, 0);
        assert_eq!(unregister_iowq_aff(&ring.0), 0);
    }

    #[test]
    fn iowait_needs_the_feature() {
        let mut f = crate::ring::fake::FakeRing::new(4, 8, 0, 0, 0);
        assert_eq!(set_iowait(&mut f.ring, false), -EOPNOTSUPP);
        assert_eq!(f.ring.int_flags & sys::INT_FLAG_NO_IOWAIT, 0);
        // SAFETY: only the features word changes.
        unsafe { f.ring.raw_mut().features |= sys::IORING_FEAT_NO_IOWAIT };
        assert_eq!(set_iowait(&mut f.ring, false), 0);
        assert_ne!(f.ring.int_flags & sys::INT_FLAG_NO_IOWAIT, 0);
        assert_eq!(set_iowait(&mut f.ring, true), 0);
        assert_eq!(f.ring.int_flags & sys::INT_FLAG_NO_IOWAIT, 0);
    }

    #[test]
    fn sync_cancel_without_match() {
        let ring = TestRing::new(4, 0);
        let mut r = sys::io_uring_sync_cancel_reg { addr: 0x1234, fd: -1, ..Default::default() };
        r.timeout.tv_sec = -1;
        r.timeout.tv_nsec = -1;
        assert_eq!(register_sync_cancel(&ring.0, &mut r), -ENOENT);
    }
}
