//! Poll family: poll add/remove/update (one-shot and multishot) and epoll.

use super::rw::prep_rw;
use crate::sys::{self, io_uring_sqe};

/// The 32-bit poll mask as the kernel reads `poll32_events`: on big-endian machines its
/// 16-bit halves are swapped, so that the low half still overlays `poll_events`.
#[inline(always)]
pub fn poll_mask(mask: u32) -> u32 {
    #[cfg(target_endian = "big")]
    {
        mask.rotate_left(16)
    }
    #[cfg(not(target_endian = "big"))]
    {
        mask
    }
}

/// One-shot poll of `fd` for `poll_mask` (`POLL*` bits).
#[inline]
pub fn poll_add(sqe: &mut io_uring_sqe, fd: i32, mask: u32) {
    prep_rw(sqe, sys::IORING_OP_POLL_ADD, fd, 0, 0, 0);
    sqe.op_flags = poll_mask(mask);
}

/// Multishot poll: one CQE (with `IORING_CQE_F_MORE`) per readiness event.
#[inline]
pub fn poll_multishot(sqe: &mut io_uring_sqe, fd: i32, mask: u32) {
    poll_add(sqe, fd, mask);
    sqe.len = sys::IORING_POLL_ADD_MULTI;
}

/// Remove the poll request whose `user_data` is `user_data`.
#[inline]
pub fn poll_remove(sqe: &mut io_uring_sqe, user_data: u64) {
    prep_rw(sqe, sys::IORING_OP_POLL_REMOVE, -1, 0, 0, 0);
    sqe.addr = user_data;
}

/// Update the poll request `old_user_data`: new mask and/or new `user_data`, as selected
/// by `flags` (`IORING_POLL_UPDATE_*`, `IORING_POLL_ADD_MULTI`).
#[inline]
pub fn poll_update(sqe: &mut io_uring_sqe, old_user_data: u64, new_user_data: u64, mask: u32, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_POLL_REMOVE, -1, 0, flags, new_user_data);
    sqe.addr = old_user_data;
    sqe.op_flags = poll_mask(mask);
}

/// epoll_ctl(2): `op` travels in `len`, the target fd in `off`.
#[inline]
pub fn epoll_ctl(sqe: &mut io_uring_sqe, epfd: i32, fd: i32, op: i32, ev: u64) {
    prep_rw(sqe, sys::IORING_OP_EPOLL_CTL, epfd, ev, op as u32, fd as u32 as u64);
}

/// epoll_wait(2) into `maxevents` entries at `events`.
#[inline]
pub fn epoll_wait(sqe: &mut io_uring_sqe, fd: i32, events: u64, maxevents: i32, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_EPOLL_WAIT, fd, events, maxevents as u32, 0);
    sqe.op_flags = flags;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prep::rw::tests::dirty;

    #[test]
    fn poll_fields() {
        let mut s = dirty();
        poll_multishot(&mut s, 3, 0x0001_0001);
        assert_eq!((s.opcode, s.fd, s.len, s.addr, s.off), (sys::IORING_OP_POLL_ADD, 3, 1, 0, 0));
        // The first two bytes of the flags word are poll_events on little endian.
        #[cfg(target_endian = "little")]
        assert_eq!(s.op_flags, 0x0001_0001);
        poll_update(&mut s, 11, 22, 4, sys::IORING_POLL_UPDATE_EVENTS | sys::IORING_POLL_UPDATE_USER_DATA);
        assert_eq!((s.opcode, s.fd, s.addr, s.off, s.len), (sys::IORING_OP_POLL_REMOVE, -1, 11, 22, 6));
        epoll_ctl(&mut s, 5, -1, 2, 0x100);
        assert_eq!((s.fd, s.addr, s.len, s.off), (5, 0x100, 2, 0xffff_ffff));
    }
}
