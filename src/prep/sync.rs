//! Sync and advice family: fsync, sync_file_range, fallocate, fadvise, madvise, ftruncate.

use super::rw::prep_rw;
use crate::sys::{self, io_uring_sqe};

/// fsync(2), or fdatasync(2) with `IORING_FSYNC_DATASYNC`.
#[inline]
pub fn fsync(sqe: &mut io_uring_sqe, fd: i32, fsync_flags: u32) {
    prep_rw(sqe, sys::IORING_OP_FSYNC, fd, 0, 0, 0);
    sqe.op_flags = fsync_flags;
}

/// sync_file_range(2) of `len` bytes at `offset`.
#[inline]
pub fn sync_file_range(sqe: &mut io_uring_sqe, fd: i32, len: u32, offset: u64, flags: i32) {
    prep_rw(sqe, sys::IORING_OP_SYNC_FILE_RANGE, fd, 0, len, offset);
    sqe.op_flags = flags as u32;
}

/// fallocate(2): `mode` travels in `len`, the length in `addr`.
#[inline]
pub fn fallocate(sqe: &mut io_uring_sqe, fd: i32, mode: i32, offset: u64, len: u64) {
    prep_rw(sqe, sys::IORING_OP_FALLOCATE, fd, 0, mode as u32, offset);
    sqe.addr = len;
}

/// posix_fadvise(2) with a 32-bit length (in `len`).
#[inline]
pub fn fadvise(sqe: &mut io_uring_sqe, fd: i32, offset: u64, len: u32, advice: i32) {
    prep_rw(sqe, sys::IORING_OP_FADVISE, fd, 0, len, offset);
    sqe.op_flags = advice as u32;
}

/// posix_fadvise(2) with a 64-bit length (in `addr`, `len` = 0).
#[inline]
pub fn fadvise64(sqe: &mut io_uring_sqe, fd: i32, offset: u64, len: sys::off_t, advice: i32) {
    prep_rw(sqe, sys::IORING_OP_FADVISE, fd, 0, 0, offset);
    sqe.addr = len as u64;
    sqe.op_flags = advice as u32;
}

/// madvise(2) of `length` bytes at `addr` (32-bit length in `len`).
#[inline]
pub fn madvise(sqe: &mut io_uring_sqe, addr: u64, length: u32, advice: i32) {
    prep_rw(sqe, sys::IORING_OP_MADVISE, -1, addr, length, 0);
    sqe.op_flags = advice as u32;
}

/// madvise(2) with a 64-bit length (in `off`, `len` = 0).
#[inline]
pub fn madvise64(sqe: &mut io_uring_sqe, addr: u64, length: sys::off_t, advice: i32) {
    prep_rw(sqe, sys::IORING_OP_MADVISE, -1, addr, 0, length as u64);
    sqe.op_flags = advice as u32;
}

/// ftruncate(2) to `len` bytes (in `off`).
#[inline]
pub fn ftruncate(sqe: &mut io_uring_sqe, fd: i32, len: sys::loff_t) {
    prep_rw(sqe, sys::IORING_OP_FTRUNCATE, fd, 0, 0, len as u64);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prep::rw::tests::dirty;

    #[test]
    fn lengths_land_where_the_kernel_reads_them() {
        let mut s = dirty();
        fallocate(&mut s, 3, 1, 4096, 1 << 40);
        assert_eq!((s.opcode, s.len, s.off, s.addr, s.op_flags), (sys::IORING_OP_FALLOCATE, 1, 4096, 1 << 40, 0));
        fadvise64(&mut s, 3, 10, 1 << 33, 4);
        assert_eq!((s.opcode, s.len, s.off, s.addr, s.op_flags), (sys::IORING_OP_FADVISE, 0, 10, 1 << 33, 4));
        fadvise(&mut s, 3, 10, 20, 2);
        assert_eq!((s.len, s.addr, s.op_flags), (20, 0, 2));
        madvise64(&mut s, 0x7000, 1 << 35, 4);
        assert_eq!(
            (s.opcode, s.fd, s.addr, s.len, s.off, s.op_flags),
            (sys::IORING_OP_MADVISE, -1, 0x7000, 0, 1 << 35, 4)
        );
        ftruncate(&mut s, 5, 12345);
        assert_eq!((s.opcode, s.fd, s.off, s.len, s.addr), (sys::IORING_OP_FTRUNCATE, 5, 12345, 0, 0));
        sync_file_range(&mut s, 5, 100, 200, 7);
        assert_eq!((s.opcode, s.len, s.off, s.op_flags), (sys::IORING_OP_SYNC_FILE_RANGE, 100, 200, 7));
    }
}
