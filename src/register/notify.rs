//! Completion notification through an eventfd, and credentials (personalities).

use super::reg;
use crate::sys::{self, io_uring};
use core::ptr;

/// `io_uring_register_eventfd`: the kernel signals `fd` for every posted CQE.
pub fn register_eventfd(ring: &io_uring, fd: i32) -> i32 {
    // SAFETY: one int argument.
    unsafe { reg(ring, sys::IORING_REGISTER_EVENTFD, &fd, 1) }
}

/// `io_uring_register_eventfd_async`: signal `fd` only for CQEs completed out of line
/// (not inline at submission).
pub fn register_eventfd_async(ring: &io_uring, fd: i32) -> i32 {
    // SAFETY: one int argument.
    unsafe { reg(ring, sys::IORING_REGISTER_EVENTFD_ASYNC, &fd, 1) }
}

/// `io_uring_unregister_eventfd`.
pub fn unregister_eventfd(ring: &io_uring) -> i32 {
    // SAFETY: no argument.
    unsafe { reg::<u8>(ring, sys::IORING_UNREGISTER_EVENTFD, ptr::null(), 0) }
}

/// `io_uring_register_personality`: snapshot the caller's credentials; returns the id
/// to put in `sqe->personality`.
pub fn register_personality(ring: &io_uring) -> i32 {
    // SAFETY: no argument.
    unsafe { reg::<u8>(ring, sys::IORING_REGISTER_PERSONALITY, ptr::null(), 0) }
}

/// `io_uring_unregister_personality`: drop personality `id` (passed as the count, as
/// the kernel expects).
pub fn unregister_personality(ring: &io_uring, id: i32) -> i32 {
    // SAFETY: no argument.
    unsafe { reg::<u8>(ring, sys::IORING_UNREGISTER_PERSONALITY, ptr::null(), id as u32) }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::TestRing;
    use super::*;
    use crate::sys::errno::*;

    #[test]
    fn eventfd_and_personality() {
        let ring = TestRing::new(4, 0);
        assert_eq!(unregister_eventfd(&ring.0), -ENXIO);
        // SAFETY: plain libc call.
        let efd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC) };
        assert!(efd >= 0);
        assert_eq!(register_eventfd(&ring.0, efd), 0);
        assert_eq!(register_eventfd_async(&ring.0, efd), -EBUSY);
        assert_eq!(unregister_eventfd(&ring.0), 0);
        assert_eq!(register_eventfd_async(&ring.0, efd), 0);
        assert_eq!(unregister_eventfd(&ring.0), 0);
        // SAFETY: our fd.
        unsafe { libc::close(efd) };
        assert_eq!(register_eventfd(&ring.0, -1), -EBADF);

        let id = register_personality(&ring.0);
        assert!(id > 0, "{id}");
        assert_eq!(unregister_personality(&ring.0, id), 0);
        assert_eq!(unregister_personality(&ring.0, id), -EINVAL);
    }
}
