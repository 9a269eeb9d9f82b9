//! Read/write family, the generic `io_uring_prep_rw`, and the passthrough commands
//! (`IORING_OP_URING_CMD*`) with their block-device helpers.

use crate::sys::{self, io_uring_sqe};

/// `io_uring_prep_rw`: the common fill every prep helper starts from.
///
/// liburing 2.15's version writes only opcode, fd, off, addr and len and relies on
/// `io_uring_get_sqe` having cleared the rest; this one also clears those fields (as
/// liburing up to 2.4 did), which gives the same bytes for every SQE handed out by
/// `io_uring_get_sqe`.
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

/// `__io_uring_set_target_fixed_file`: the kernel takes direct-descriptor slots as
/// `index + 1` (0 means "a normal descriptor").
#[inline(always)]
pub fn set_target_fixed_file(sqe: &mut io_uring_sqe, file_index: u32) {
    sqe.set_file_index(file_index.wrapping_add(1));
}

/// Target slot of the `*_direct` helpers: `IORING_FILE_INDEX_ALLOC` asks the kernel to
/// pick a free slot, and is passed through unchanged (it must not get the `+ 1`).
#[inline(always)]
pub fn set_direct_target(sqe: &mut io_uring_sqe, file_index: u32) {
    let idx = if file_index == sys::IORING_FILE_INDEX_ALLOC { file_index.wrapping_sub(1) } else { file_index };
    set_target_fixed_file(sqe, idx);
}

#[inline]
pub fn nop(sqe: &mut io_uring_sqe) {
    prep_rw(sqe, sys::IORING_OP_NOP, -1, 0, 0, 0);
}

/// A no-op occupying a 128-byte SQE (for `IORING_SETUP_SQE_MIXED` rings).
#[inline]
pub fn nop128(sqe: &mut io_uring_sqe) {
    prep_rw(sqe, sys::IORING_OP_NOP128, -1, 0, 0, 0);
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

/// `readv` with `preadv2(2)` flags (`RWF_*`) in `rw_flags`.
#[inline]
pub fn readv2(sqe: &mut io_uring_sqe, fd: i32, iovecs: u64, nr_vecs: u32, offset: u64, flags: i32) {
    readv(sqe, fd, iovecs, nr_vecs, offset);
    sqe.op_flags = flags as u32;
}

/// `writev` with `pwritev2(2)` flags (`RWF_*`) in `rw_flags`.
#[inline]
pub fn writev2(sqe: &mut io_uring_sqe, fd: i32, iovecs: u64, nr_vecs: u32, offset: u64, flags: i32) {
    writev(sqe, fd, iovecs, nr_vecs, offset);
    sqe.op_flags = flags as u32;
}

/// Read into (part of) registered buffer `buf_index`.
#[inline]
pub fn read_fixed(sqe: &mut io_uring_sqe, fd: i32, buf: u64, nbytes: u32, offset: u64, buf_index: i32) {
    prep_rw(sqe, sys::IORING_OP_READ_FIXED, fd, buf, nbytes, offset);
    sqe.buf_index = buf_index as u16;
}

/// Write from (part of) registered buffer `buf_index`.
#[inline]
pub fn write_fixed(sqe: &mut io_uring_sqe, fd: i32, buf: u64, nbytes: u32, offset: u64, buf_index: i32) {
    prep_rw(sqe, sys::IORING_OP_WRITE_FIXED, fd, buf, nbytes, offset);
    sqe.buf_index = buf_index as u16;
}

/// Vectored read whose iovecs all lie inside registered buffer `buf_index`.
#[inline]
pub fn readv_fixed(
    sqe: &mut io_uring_sqe,
    fd: i32,
    iovecs: u64,
    nr_vecs: u32,
    offset: u64,
    flags: i32,
    buf_index: i32,
) {
    readv2(sqe, fd, iovecs, nr_vecs, offset, flags);
    sqe.opcode = sys::IORING_OP_READV_FIXED;
    sqe.buf_index = buf_index as u16;
}

/// Vectored write whose iovecs all lie inside registered buffer `buf_index`.
#[inline]
pub fn writev_fixed(
    sqe: &mut io_uring_sqe,
    fd: i32,
    iovecs: u64,
    nr_vecs: u32,
    offset: u64,
    flags: i32,
    buf_index: i32,
) {
    writev2(sqe, fd, iovecs, nr_vecs, offset, flags);
    sqe.opcode = sys::IORING_OP_WRITEV_FIXED;
    sqe.buf_index = buf_index as u16;
}

/// Multishot read: one CQE per chunk read, each into a buffer of group `buf_group`.
#[inline]
pub fn read_multishot(sqe: &mut io_uring_sqe, fd: i32, nbytes: u32, offset: u64, buf_group: i32) {
    prep_rw(sqe, sys::IORING_OP_READ_MULTISHOT, fd, 0, nbytes, offset);
    sqe.buf_index = buf_group as u16;
    sqe.flags = sys::IOSQE_BUFFER_SELECT;
}

/// `__io_uring_prep_uring_cmd`: opcode `op` (`IORING_OP_URING_CMD` or `..._CMD128`) with
/// command `cmd_op` for `fd`. Writes only opcode, fd, cmd_op/`__pad1`, addr and len, as
/// liburing does; the command payload (`sqe->cmd`) is the caller's.
#[inline]
pub fn uring_cmd_op(sqe: &mut io_uring_sqe, op: u8, cmd_op: u32, fd: i32) {
    sqe.opcode = op;
    sqe.fd = fd;
    sqe.off = cmd_op as u64; // cmd_op in the low half, __pad1 = 0
    sqe.addr = 0;
    sqe.len = 0;
}

/// `IORING_OP_URING_CMD` (passthrough command `cmd_op` to the driver of `fd`).
#[inline]
pub fn uring_cmd(sqe: &mut io_uring_sqe, cmd_op: i32, fd: i32) {
    uring_cmd_op(sqe, sys::IORING_OP_URING_CMD, cmd_op as u32, fd);
}

/// `IORING_OP_URING_CMD128`: a passthrough command in a 128-byte SQE of a mixed ring.
#[inline]
pub fn uring_cmd128(sqe: &mut io_uring_sqe, cmd_op: i32, fd: i32) {
    uring_cmd_op(sqe, sys::IORING_OP_URING_CMD128, cmd_op as u32, fd);
}

/// Block device discard of `nbytes` at `offset`.
#[inline]
pub fn cmd_discard(sqe: &mut io_uring_sqe, fd: i32, offset: u64, nbytes: u64) {
    uring_cmd(sqe, sys::BLOCK_URING_CMD_DISCARD as i32, fd);
    sqe.addr = offset;
    sqe.addr3 = nbytes;
}

/// Reset every sequential-write-required zone of a zoned block device.
#[inline]
pub fn cmd_zone_reset_all(sqe: &mut io_uring_sqe, fd: i32) {
    uring_cmd(sqe, sys::BLOCK_URING_CMD_ZONE_RESET_ALL as i32, fd);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An SQE full of 0xa5 bytes, to see exactly which fields a helper writes.
    pub(crate) fn dirty() -> io_uring_sqe {
        io_uring_sqe {
            opcode: 0xa5,
            flags: 0xa5,
            ioprio: 0xa5a5,
            fd: 0x5a5a_5a5a,
            off: 0xa5a5_a5a5_a5a5_a5a5,
            addr: 0xa5a5_a5a5_a5a5_a5a5,
            len: 0xa5a5_a5a5,
            op_flags: 0xa5a5_a5a5,
            user_data: 0x1234,
            buf_index: 0xa5a5,
            personality: 0xa5a5,
            splice_fd_in: 0x5a5a_5a5a,
            addr3: 0xa5a5_a5a5_a5a5_a5a5,
            __pad2: [0xa5a5_a5a5_a5a5_a5a5],
        }
    }

    #[test]
    fn prep_rw_clears_all_but_user_data() {
        let mut s = dirty();
        prep_rw(&mut s, sys::IORING_OP_READ, 3, 0x1000, 16, 8);
        let want = io_uring_sqe {
            opcode: sys::IORING_OP_READ,
            fd: 3,
            addr: 0x1000,
            len: 16,
            off: 8,
            user_data: 0x1234,
            ..Default::default()
        };
        assert_eq!(s, want);
    }

    #[test]
    fn rw_variants() {
        let mut s = dirty();
        readv2(&mut s, 4, 0x2000, 3, u64::MAX, 0x10);
        assert_eq!(
            (s.opcode, s.fd, s.addr, s.len, s.off, s.op_flags),
            (sys::IORING_OP_READV, 4, 0x2000, 3, u64::MAX, 0x10)
        );
        writev_fixed(&mut s, 5, 0x3000, 2, 64, 4, 7);
        assert_eq!((s.opcode, s.op_flags, s.buf_index, s.len), (sys::IORING_OP_WRITEV_FIXED, 4, 7, 2));
        read_fixed(&mut s, 6, 0x4000, 100, 0, 0x1_0003);
        assert_eq!((s.opcode, s.buf_index), (sys::IORING_OP_READ_FIXED, 3));
        read_multishot(&mut s, 7, 256, 0, 9);
        assert_eq!(
            (s.opcode, s.flags, s.buf_index, s.addr, s.len),
            (sys::IORING_OP_READ_MULTISHOT, sys::IOSQE_BUFFER_SELECT, 9, 0, 256)
        );
        nop128(&mut s);
        assert_eq!((s.opcode, s.fd), (sys::IORING_OP_NOP128, -1));
    }

    #[test]
    fn direct_targets() {
        let mut s = dirty();
        set_direct_target(&mut s, 4);
        assert_eq!(s.file_index(), 5);
        set_direct_target(&mut s, sys::IORING_FILE_INDEX_ALLOC);
        assert_eq!(s.file_index(), sys::IORING_FILE_INDEX_ALLOC);
        set_target_fixed_file(&mut s, 0);
        assert_eq!(s.file_index(), 1);
    }

    #[test]
    fn uring_cmd_writes_only_its_fields() {
        let mut s = dirty();
        uring_cmd128(&mut s, -2, 9);
        assert_eq!(s.opcode, sys::IORING_OP_URING_CMD128);
        assert_eq!(s.off, 0xffff_fffe); // cmd_op, __pad1 = 0
        assert_eq!((s.fd, s.addr, s.len), (9, 0, 0));
        assert_eq!((s.flags, s.op_flags, s.addr3), (0xa5, 0xa5a5_a5a5, 0xa5a5_a5a5_a5a5_a5a5));
        cmd_discard(&mut s, 3, 4096, 8192);
        assert_eq!((s.opcode, s.off, s.addr, s.addr3), (sys::IORING_OP_URING_CMD, 0x1200, 4096, 8192));
        cmd_zone_reset_all(&mut s, 3);
        assert_eq!(s.off, 0x1201);
    }
}
