//! Pipe family: splice, tee, and pipe creation.

use super::rw::{prep_rw, set_direct_target};
use crate::sys::{self, io_uring_sqe};

/// splice(2) `nbytes` from `fd_in` (at `off_in`, -1 for pipes / the file position) to
/// `fd_out` (at `off_out`). With `SPLICE_F_FD_IN_FIXED` in `splice_flags`, `fd_in` is a
/// direct-descriptor index (`fd_out` is one when the SQE has `IOSQE_FIXED_FILE`).
#[inline]
pub fn splice(
    sqe: &mut io_uring_sqe,
    fd_in: i32,
    off_in: i64,
    fd_out: i32,
    off_out: i64,
    nbytes: u32,
    splice_flags: u32,
) {
    prep_rw(sqe, sys::IORING_OP_SPLICE, fd_out, 0, nbytes, off_out as u64);
    sqe.addr = off_in as u64; // splice_off_in
    sqe.splice_fd_in = fd_in;
    sqe.op_flags = splice_flags;
}

/// tee(2): duplicate `nbytes` from pipe `fd_in` into pipe `fd_out`.
#[inline]
pub fn tee(sqe: &mut io_uring_sqe, fd_in: i32, fd_out: i32, nbytes: u32, splice_flags: u32) {
    prep_rw(sqe, sys::IORING_OP_TEE, fd_out, 0, nbytes, 0);
    sqe.addr = 0; // splice_off_in
    sqe.splice_fd_in = fd_in;
    sqe.op_flags = splice_flags;
}

/// pipe2(2): the two descriptors are written to the `int[2]` at `fds`.
#[inline]
pub fn pipe(sqe: &mut io_uring_sqe, fds: u64, pipe_flags: i32) {
    prep_rw(sqe, sys::IORING_OP_PIPE, 0, fds, 0, 0);
    sqe.op_flags = pipe_flags as u32;
}

/// pipe2(2) into direct descriptors starting at slot `file_index` (or allocated).
#[inline]
pub fn pipe_direct(sqe: &mut io_uring_sqe, fds: u64, pipe_flags: i32, file_index: u32) {
    pipe(sqe, fds, pipe_flags);
    set_direct_target(sqe, file_index);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prep::rw::tests::dirty;

    #[test]
    fn splice_fields() {
        let mut s = dirty();
        splice(&mut s, 3, -1, 4, 100, 512, sys::SPLICE_F_FD_IN_FIXED);
        assert_eq!((s.opcode, s.fd, s.off, s.addr, s.len), (sys::IORING_OP_SPLICE, 4, 100, u64::MAX, 512));
        assert_eq!((s.splice_fd_in, s.op_flags), (3, 1 << 31));
        tee(&mut s, 5, 6, 10, 0);
        assert_eq!((s.opcode, s.fd, s.off, s.addr, s.splice_fd_in), (sys::IORING_OP_TEE, 6, 0, 0, 5));
        pipe_direct(&mut s, 0x10, 0o2000000, 2);
        assert_eq!((s.opcode, s.fd, s.addr, s.op_flags, s.file_index()), (sys::IORING_OP_PIPE, 0, 0x10, 0o2000000, 3));
    }
}
