//! Legacy provided buffers (`IORING_OP_PROVIDE_BUFFERS` / `IORING_OP_REMOVE_BUFFERS`).
//! Buffer rings are registered through `crate::register` instead.

use super::rw::prep_rw;
use crate::sys::{self, io_uring_sqe};

/// Hands `nr` buffers of `len` bytes each, laid out back to back from `addr`, to buffer
/// group `bgid`, with buffer ids `bid`, `bid + 1`, …
#[inline]
pub fn provide_buffers(sqe: &mut io_uring_sqe, addr: u64, len: i32, nr: i32, bgid: i32, bid: i32) {
    prep_rw(sqe, sys::IORING_OP_PROVIDE_BUFFERS, nr, addr, len as u32, bid as i64 as u64);
    sqe.buf_index = bgid as u16;
}

/// Takes up to `nr` unused buffers back out of group `bgid` (`cqe->res`: how many).
#[inline]
pub fn remove_buffers(sqe: &mut io_uring_sqe, nr: i32, bgid: i32) {
    prep_rw(sqe, sys::IORING_OP_REMOVE_BUFFERS, nr, 0, 0, 0);
    sqe.buf_index = bgid as u16;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        let mut s = io_uring_sqe { ioprio: 9, splice_fd_in: 3, ..Default::default() };
        provide_buffers(&mut s, 0x1000, 4096, 8, 0x1_0005, -1);
        assert_eq!((s.opcode, s.fd, s.addr, s.len), (sys::IORING_OP_PROVIDE_BUFFERS, 8, 0x1000, 4096));
        assert_eq!((s.off, s.buf_index, s.ioprio, s.splice_fd_in), (u64::MAX, 5, 0, 0));
        remove_buffers(&mut s, 3, 7);
        assert_eq!((s.opcode, s.fd, s.addr, s.len, s.off, s.buf_index), (sys::IORING_OP_REMOVE_BUFFERS, 3, 0, 0, 0, 7));
    }
}
