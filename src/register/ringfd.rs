//! Registering the ring fd with the ring itself (`IORING_REGISTER_RING_FDS`), so
//! `io_uring_enter(2)` / `io_uring_register(2)` skip the fd table lookup.
//!
//! State lives where liburing keeps it: `enter_ring_fd` holds the registered index,
//! `int_flags` gets `INT_FLAG_REG_RING` (every enter then passes
//! `IORING_ENTER_REGISTERED_RING`) and, on kernels with `IORING_FEAT_REG_REG_RING`,
//! `INT_FLAG_REG_REG_RING` (register calls go through the index too).

use super::reg;
use crate::ring::Live;
use crate::sys::{self, errno::*};

/// `io_uring_register_ring_fd`: returns 1 on success (the number registered).
pub fn register_ring_fd(ring: &mut Live) -> i32 {
    if ring.int_flags & sys::INT_FLAG_REG_RING != 0 {
        return -EEXIST;
    }
    let mut up = sys::io_uring_rsrc_update { offset: u32::MAX, resv: 0, data: ring.ring_fd as i64 as u64 };
    // SAFETY: one rsrc_update the kernel reads and writes back.
    let ret =
        unsafe { reg(ring, sys::IORING_REGISTER_RING_FDS, &mut up as *mut _ as *const sys::io_uring_rsrc_update, 1) };
    if ret == 1 {
        *ring.fds_mut().1 = up.offset as i32;
        let reg_reg = ring.features & sys::IORING_FEAT_REG_REG_RING != 0;
        *ring.int_flags_mut() |= sys::INT_FLAG_REG_RING | if reg_reg { sys::INT_FLAG_REG_REG_RING } else { 0 };
    }
    ret
}

/// `io_uring_unregister_ring_fd`: back to the plain fd; returns 1 on success.
pub fn unregister_ring_fd(ring: &mut Live) -> i32 {
    if ring.int_flags & sys::INT_FLAG_REG_RING == 0 {
        return -EINVAL;
    }
    let up = sys::io_uring_rsrc_update { offset: ring.enter_ring_fd as u32, resv: 0, data: 0 };
    // SAFETY: one rsrc_update.
    let ret = unsafe { reg(ring, sys::IORING_UNREGISTER_RING_FDS, &up, 1) };
    if ret == 1 {
        let (fd, enter_fd) = ring.fds_mut();
        *enter_fd = *fd;
        *ring.int_flags_mut() &= !(sys::INT_FLAG_REG_RING | sys::INT_FLAG_REG_REG_RING);
    }
    ret
}

/// `io_uring_close_ring_fd`: close the real ring fd once it is registered, leaving the
/// registered index as the only handle. Returns 1; `-EOPNOTSUPP` without
/// `IORING_FEAT_REG_REG_RING`, `-EINVAL` when not registered, `-EBADF` when already closed.
pub fn close_ring_fd(ring: &mut Live) -> i32 {
    if ring.features & sys::IORING_FEAT_REG_REG_RING == 0 {
        return -EOPNOTSUPP;
    }
    if ring.int_flags & sys::INT_FLAG_REG_RING == 0 {
        return -EINVAL;
    }
    if ring.ring_fd == -1 {
        return -EBADF;
    }
    // SAFETY: the ring owns this fd; it is forgotten right after.
    unsafe { rustix::io::close(ring.ring_fd) };
    *ring.fds_mut().0 = -1;
    1
}

#[cfg(test)]
mod tests {
    use super::super::testutil::TestRing;
    use super::*;

    #[test]
    fn register_unregister_tracks_int_flags() {
        let mut ring = TestRing::new(4, 0);
        let r = &mut *ring.0;
        let fd = r.ring_fd;
        assert_eq!(unregister_ring_fd(r), -EINVAL);
        assert_eq!(register_ring_fd(r), 1);
        assert_ne!(r.int_flags & sys::INT_FLAG_REG_RING, 0);
        assert_ne!(r.enter_ring_fd, fd);
        assert_eq!(register_ring_fd(r), -EEXIST);
        if r.features & sys::IORING_FEAT_REG_REG_RING != 0 {
            assert_ne!(r.int_flags & sys::INT_FLAG_REG_REG_RING, 0);
        }
        // A register call now goes through the index and still works.
        assert_eq!(super::super::rsrc::register_files_sparse(r, 2), 0);
        assert_eq!(unregister_ring_fd(r), 1);
        assert_eq!(r.enter_ring_fd, fd);
        assert_eq!(r.int_flags & (sys::INT_FLAG_REG_RING | sys::INT_FLAG_REG_REG_RING), 0);
        assert_eq!(
            close_ring_fd(r),
            if r.features & sys::IORING_FEAT_REG_REG_RING != 0 { -EINVAL } else { -EOPNOTSUPP }
        );
    }
}
