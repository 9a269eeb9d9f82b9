//! Cancellation family: by `user_data`, by file descriptor, or any request.

use super::rw::prep_rw;
use crate::sys::{self, io_uring_sqe};

/// Cancel the request(s) whose `user_data` matches (or as selected by `flags`,
/// `IORING_ASYNC_CANCEL_*`).
#[inline]
pub fn cancel64(sqe: &mut io_uring_sqe, user_data: u64, flags: i32) {
    prep_rw(sqe, sys::IORING_OP_ASYNC_CANCEL, -1, 0, 0, 0);
    sqe.addr = user_data;
    sqe.op_flags = flags as u32;
}

/// Cancel the request(s) using file `fd` (`IORING_ASYNC_CANCEL_FD` is always set).
#[inline]
pub fn cancel_fd(sqe: &mut io_uring_sqe, fd: i32, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_ASYNC_CANCEL, fd, 0, 0, 0);
    sqe.op_flags = flags | sys::IORING_ASYNC_CANCEL_FD;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prep::rw::tests::dirty;

    #[test]
    fn cancel_fields() {
        let mut s = dirty();
        cancel64(&mut s, 0xdead_beef_0000_0001, sys::IORING_ASYNC_CANCEL_ALL as i32);
        assert_eq!((s.opcode, s.fd, s.addr, s.op_flags), (sys::IORING_OP_ASYNC_CANCEL, -1, 0xdead_beef_0000_0001, 1));
        cancel_fd(&mut s, 7, sys::IORING_ASYNC_CANCEL_ALL);
        assert_eq!((s.fd, s.addr, s.op_flags), (7, 0, 3));
    }
}
