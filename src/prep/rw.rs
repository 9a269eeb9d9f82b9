//! Read/write family and the generic `io_uring_prep_rw`.

use crate::sys::{self, io_uring_sqe};

/// `io_uring_prep_rw`: the common fill every prep helper starts from.
#[inline(always)]
pub fn prep_rw(sqe: &mut io_uring_sqe, op: u8, fd: i32, addr: u64, len: u32, offset: u64) {
    sqe.opcode = op;
    sqe.flags = 0;
    sqe.ioprio = 0;
    sqe.fd = fd;
    sqe.off = offset;
    sqe.addr = addr;
    sqe.len = len;
    sqe.op_flags = 0;
    sqe.buf_index = 0;
    sqe.personality = 0;
    sqe.splice_fd_in = 0;
    sqe.addr3 = 0;
    sqe.__pad2 = [0];
}

#[inline]
pub fn nop(sqe: &mut io_uring_sqe) {
    prep_rw(sqe, sys::IORING_OP_NOP, -1, 0, 0, 0);
}

#[inline]
pub fn read(sqe: &mut io_uring_sqe, fd: i32, buf: u64, nbytes: u32, offset: u64) {
    prep_rw(sqe, sys::IORING_OP_READ, fd, buf, nbytes, offset);
}

#[inline]
pub fn write(sqe: &mut io_uring_sqe, fd: i32, buf: u64, nbytes: u32, offset: u64) {
    prep_rw(sqe, sys::IORING_OP_WRITE, fd, buf, nbytes, offset);
}

#[inline]
pub fn readv(sqe: &mut io_uring_sqe, fd: i32, iovecs: u64, nr_vecs: u32, offset: u64) {
    prep_rw(sqe, sys::IORING_OP_READV, fd, iovecs, nr_vecs, offset);
}

#[inline]
pub fn writev(sqe: &mut io_uring_sqe, fd: i32, iovecs: u64, nr_vecs: u32, offset: u64) {
    prep_rw(sqe, sys::IORING_OP_WRITEV, fd, iovecs, nr_vecs, offset);
}

#[inline]
pub fn fsync(sqe: &mut io_uring_sqe, fd: i32, fsync_flags: u32) {
    prep_rw(sqe, sys::IORING_OP_FSYNC, fd, 0, 0, 0);
    sqe.op_flags = fsync_flags;
}

#[inline]
pub fn close(sqe: &mut io_uring_sqe, fd: i32) {
    prep_rw(sqe, sys::IORING_OP_CLOSE, fd, 0, 0, 0);
}

#[inline]
pub fn timeout(sqe: &mut io_uring_sqe, ts: u64, count: u32, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_TIMEOUT, -1, ts, 1, count as u64);
    sqe.op_flags = flags;
}
