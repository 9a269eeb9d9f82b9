//! Timeout family: timeouts, their removal and update, and linked timeouts.

use super::rw::prep_rw;
use crate::sys::{self, io_uring_sqe};

/// A timeout that completes after `ts` (relative unless `IORING_TIMEOUT_ABS`), or once
/// `count` other completions have been posted.
#[inline]
pub fn timeout(sqe: &mut io_uring_sqe, ts: u64, count: u32, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_TIMEOUT, -1, ts, 1, count as u64);
    sqe.op_flags = flags;
}

/// Cancel the timeout whose `user_data` is `user_data`.
#[inline]
pub fn timeout_remove(sqe: &mut io_uring_sqe, user_data: u64, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_TIMEOUT_REMOVE, -1, 0, 0, 0);
    sqe.addr = user_data;
    sqe.op_flags = flags;
}

/// Re-arm the timeout `user_data` with the new expiry `ts` (which travels in `off`).
#[inline]
pub fn timeout_update(sqe: &mut io_uring_sqe, ts: u64, user_data: u64, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_TIMEOUT_REMOVE, -1, 0, 0, ts);
    sqe.addr = user_data;
    sqe.op_flags = flags | sys::IORING_TIMEOUT_UPDATE;
}

/// A timeout for the request it is linked behind (`IOSQE_IO_LINK` on that request).
#[inline]
pub fn link_timeout(sqe: &mut io_uring_sqe, ts: u64, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_LINK_TIMEOUT, -1, ts, 1, 0);
    sqe.op_flags = flags;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prep::rw::tests::dirty;

    #[test]
    fn timeout_fields() {
        let mut s = dirty();
        timeout(&mut s, 0x100, 3, sys::IORING_TIMEOUT_ABS);
        assert_eq!((s.opcode, s.fd, s.addr, s.len, s.off, s.op_flags), (sys::IORING_OP_TIMEOUT, -1, 0x100, 1, 3, 1));
        timeout_update(&mut s, 0x200, 77, sys::IORING_TIMEOUT_ABS);
        assert_eq!((s.opcode, s.addr, s.off, s.len, s.op_flags), (sys::IORING_OP_TIMEOUT_REMOVE, 77, 0x200, 0, 3));
        timeout_remove(&mut s, 78, 0);
        assert_eq!((s.addr, s.off, s.op_flags), (78, 0, 0));
        link_timeout(&mut s, 0x300, 0);
        assert_eq!((s.opcode, s.addr, s.len, s.off), (sys::IORING_OP_LINK_TIMEOUT, 0x300, 1, 0));
    }
}
