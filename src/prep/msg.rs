//! Messages between rings (`IORING_OP_MSG_RING`), futexes, and waitid.

use super::rw::{prep_rw, set_direct_target};
use crate::sys::{self, io_uring_sqe};

/// Post a CQE with `res` = `len` and `user_data` = `data` on the ring `fd`.
#[inline]
pub fn msg_ring(sqe: &mut io_uring_sqe, fd: i32, len: u32, data: u64, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_MSG_RING, fd, 0, len, data);
    sqe.op_flags = flags;
}

/// [`msg_ring`] that also sets the target CQE's `flags` to `cqe_flags`.
#[inline]
pub fn msg_ring_cqe_flags(sqe: &mut io_uring_sqe, fd: i32, len: u32, data: u64, flags: u32, cqe_flags: u32) {
    prep_rw(sqe, sys::IORING_OP_MSG_RING, fd, 0, len, data);
    sqe.op_flags = sys::IORING_MSG_RING_FLAGS_PASS | flags;
    sqe.set_file_index(cqe_flags);
}

/// Send our direct descriptor `source_fd` into slot `target_fd` (or
/// `IORING_FILE_INDEX_ALLOC`) of the ring `fd`, posting a CQE with `user_data` = `data`.
#[inline]
pub fn msg_ring_fd(sqe: &mut io_uring_sqe, fd: i32, source_fd: i32, target_fd: i32, data: u64, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_MSG_RING, fd, sys::IORING_MSG_SEND_FD, 0, data);
    sqe.addr3 = source_fd as i64 as u64;
    set_direct_target(sqe, target_fd as u32);
    sqe.op_flags = flags;
}

#[inline]
pub fn msg_ring_fd_alloc(sqe: &mut io_uring_sqe, fd: i32, source_fd: i32, data: u64, flags: u32) {
    msg_ring_fd(sqe, fd, source_fd, sys::IORING_FILE_INDEX_ALLOC as i32, data, flags);
}

/// Wait on the futex at `futex` while it holds `val` (under `mask`); `futex_flags` are
/// `FUTEX2_*` flags and travel in `fd`.
#[inline]
pub fn futex_wait(sqe: &mut io_uring_sqe, futex: u64, val: u64, mask: u64, futex_flags: u32, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_FUTEX_WAIT, futex_flags as i32, futex, 0, val);
    sqe.op_flags = flags;
    sqe.addr3 = mask;
}

/// Wake up to `val` waiters of the futex at `futex` (matching `mask`).
#[inline]
pub fn futex_wake(sqe: &mut io_uring_sqe, futex: u64, val: u64, mask: u64, futex_flags: u32, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_FUTEX_WAKE, futex_flags as i32, futex, 0, val);
    sqe.op_flags = flags;
    sqe.addr3 = mask;
}

/// Wait on any of `nr_futex` futexes (`struct futex_waitv` array at `futex`).
#[inline]
pub fn futex_waitv(sqe: &mut io_uring_sqe, futex: u64, nr_futex: u32, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_FUTEX_WAITV, 0, futex, nr_futex, 0);
    sqe.op_flags = flags;
}

/// waitid(2): `id` in `fd`, `idtype` in `len`, `options` in `file_index`, `infop` in
/// `addr2`.
#[inline]
pub fn waitid(sqe: &mut io_uring_sqe, idtype: sys::idtype_t, id: sys::id_t, infop: u64, options: i32, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_WAITID, id as i32, 0, idtype, 0);
    sqe.op_flags = flags;
    sqe.set_file_index(options as u32);
    sqe.set_addr2(infop);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prep::rw::tests::dirty;

    #[test]
    fn msg_ring_fields() {
        let mut s = dirty();
        msg_ring_fd(&mut s, 9, 2, 5, 0x77, 0);
        assert_eq!((s.opcode, s.fd, s.addr, s.len, s.off, s.addr3), (sys::IORING_OP_MSG_RING, 9, 1, 0, 0x77, 2));
        assert_eq!(s.file_index(), 6);
        msg_ring_fd_alloc(&mut s, 9, 2, 0x77, sys::IORING_MSG_RING_CQE_SKIP);
        assert_eq!((s.file_index(), s.op_flags), (sys::IORING_FILE_INDEX_ALLOC, 1));
        msg_ring_cqe_flags(&mut s, 9, 42, 0x88, 0, 0x10);
        assert_eq!((s.addr, s.len, s.off, s.op_flags, s.file_index()), (sys::IORING_MSG_DATA, 42, 0x88, 2, 0x10));
    }

    #[test]
    fn futex_and_waitid_fields() {
        let mut s = dirty();
        futex_wait(&mut s, 0x1000, 5, sys::FUTEX_BITSET_MATCH_ANY, sys::FUTEX2_SIZE_U32, 0);
        assert_eq!(
            (s.opcode, s.fd, s.addr, s.off, s.addr3, s.op_flags),
            (sys::IORING_OP_FUTEX_WAIT, 2, 0x1000, 5, 0xffff_ffff, 0)
        );
        futex_waitv(&mut s, 0x2000, 3, 0);
        assert_eq!((s.opcode, s.fd, s.addr, s.len, s.addr3), (sys::IORING_OP_FUTEX_WAITV, 0, 0x2000, 3, 0));
        waitid(&mut s, sys::P_PID, 1234, 0x3000, 4, 0);
        assert_eq!((s.opcode, s.fd, s.len, s.off, s.file_index()), (sys::IORING_OP_WAITID, 1234, 1, 0x3000, 4));
    }
}
