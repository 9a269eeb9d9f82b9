//! Files and file-system family: open/close (normal and direct descriptors), statx,
//! the registered-file helpers, and the path operations (unlink, rename, mkdir, symlink,
//! link, xattrs).

use super::rw::{prep_rw, set_direct_target, set_target_fixed_file};
use crate::sys::{self, io_uring_sqe, AT_FDCWD};

/// openat(2) of `path` relative to `dfd`; `mode` travels in `len`.
#[inline]
pub fn openat(sqe: &mut io_uring_sqe, dfd: i32, path: u64, flags: i32, mode: sys::mode_t) {
    prep_rw(sqe, sys::IORING_OP_OPENAT, dfd, path, mode, 0);
    sqe.op_flags = flags as u32;
}

/// openat(2) into direct-descriptor slot `file_index` (or `IORING_FILE_INDEX_ALLOC`).
#[inline]
pub fn openat_direct(sqe: &mut io_uring_sqe, dfd: i32, path: u64, flags: i32, mode: sys::mode_t, file_index: u32) {
    openat(sqe, dfd, path, flags, mode);
    set_direct_target(sqe, file_index);
}

#[inline]
pub fn open(sqe: &mut io_uring_sqe, path: u64, flags: i32, mode: sys::mode_t) {
    openat(sqe, AT_FDCWD, path, flags, mode);
}

#[inline]
pub fn open_direct(sqe: &mut io_uring_sqe, path: u64, flags: i32, mode: sys::mode_t, file_index: u32) {
    openat_direct(sqe, AT_FDCWD, path, flags, mode, file_index);
}

/// openat2(2): `how` points to a `struct open_how`, whose size goes in `len`.
#[inline]
pub fn openat2(sqe: &mut io_uring_sqe, dfd: i32, path: u64, how: u64) {
    prep_rw(sqe, sys::IORING_OP_OPENAT2, dfd, path, core::mem::size_of::<sys::open_how>() as u32, how);
}

#[inline]
pub fn openat2_direct(sqe: &mut io_uring_sqe, dfd: i32, path: u64, how: u64, file_index: u32) {
    openat2(sqe, dfd, path, how);
    set_direct_target(sqe, file_index);
}

/// close(2) of a normal descriptor.
#[inline]
pub fn close(sqe: &mut io_uring_sqe, fd: i32) {
    prep_rw(sqe, sys::IORING_OP_CLOSE, fd, 0, 0, 0);
}

/// Close direct-descriptor slot `file_index`.
#[inline]
pub fn close_direct(sqe: &mut io_uring_sqe, file_index: u32) {
    close(sqe, 0);
    set_target_fixed_file(sqe, file_index);
}

/// statx(2): `mask` travels in `len`, the result buffer in `off`.
#[inline]
pub fn statx(sqe: &mut io_uring_sqe, dfd: i32, path: u64, flags: i32, mask: u32, statxbuf: u64) {
    prep_rw(sqe, sys::IORING_OP_STATX, dfd, path, mask, statxbuf);
    sqe.op_flags = flags as u32;
}

/// Update `nr_fds` registered-file slots starting at `offset` from the array `fds`.
#[inline]
pub fn files_update(sqe: &mut io_uring_sqe, fds: u64, nr_fds: u32, offset: i32) {
    prep_rw(sqe, sys::IORING_OP_FILES_UPDATE, -1, fds, nr_fds, offset as i64 as u64);
}

/// Install direct descriptor `fd` as a normal descriptor (the fd field is a slot index,
/// hence `IOSQE_FIXED_FILE`).
#[inline]
pub fn fixed_fd_install(sqe: &mut io_uring_sqe, fd: i32, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_FIXED_FD_INSTALL, fd, 0, 0, 0);
    sqe.flags = sys::IOSQE_FIXED_FILE;
    sqe.op_flags = flags;
}

#[inline]
pub fn unlinkat(sqe: &mut io_uring_sqe, dfd: i32, path: u64, flags: i32) {
    prep_rw(sqe, sys::IORING_OP_UNLINKAT, dfd, path, 0, 0);
    sqe.op_flags = flags as u32;
}

#[inline]
pub fn unlink(sqe: &mut io_uring_sqe, path: u64, flags: i32) {
    unlinkat(sqe, AT_FDCWD, path, flags);
}

/// renameat2(2): the new directory fd travels in `len`, the new path in `off`.
#[inline]
pub fn renameat(sqe: &mut io_uring_sqe, olddfd: i32, oldpath: u64, newdfd: i32, newpath: u64, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_RENAMEAT, olddfd, oldpath, newdfd as u32, newpath);
    sqe.op_flags = flags;
}

#[inline]
pub fn rename(sqe: &mut io_uring_sqe, oldpath: u64, newpath: u64) {
    renameat(sqe, AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

#[inline]
pub fn mkdirat(sqe: &mut io_uring_sqe, dfd: i32, path: u64, mode: sys::mode_t) {
    prep_rw(sqe, sys::IORING_OP_MKDIRAT, dfd, path, mode, 0);
}

#[inline]
pub fn mkdir(sqe: &mut io_uring_sqe, path: u64, mode: sys::mode_t) {
    mkdirat(sqe, AT_FDCWD, path, mode);
}

/// symlinkat(2): `target` in `addr`, the link path in `off`.
#[inline]
pub fn symlinkat(sqe: &mut io_uring_sqe, target: u64, newdirfd: i32, linkpath: u64) {
    prep_rw(sqe, sys::IORING_OP_SYMLINKAT, newdirfd, target, 0, linkpath);
}

#[inline]
pub fn symlink(sqe: &mut io_uring_sqe, target: u64, linkpath: u64) {
    symlinkat(sqe, target, AT_FDCWD, linkpath);
}

/// linkat(2): like renameat, new directory fd in `len`, new path in `off`.
#[inline]
pub fn linkat(sqe: &mut io_uring_sqe, olddfd: i32, oldpath: u64, newdfd: i32, newpath: u64, flags: i32) {
    prep_rw(sqe, sys::IORING_OP_LINKAT, olddfd, oldpath, newdfd as u32, newpath);
    sqe.op_flags = flags as u32;
}

#[inline]
pub fn link(sqe: &mut io_uring_sqe, oldpath: u64, newpath: u64, flags: i32) {
    linkat(sqe, AT_FDCWD, oldpath, AT_FDCWD, newpath, flags);
}

/// getxattr(2) of `name` on `path` into `value` (`len` bytes).
#[inline]
pub fn getxattr(sqe: &mut io_uring_sqe, name: u64, value: u64, path: u64, len: u32) {
    prep_rw(sqe, sys::IORING_OP_GETXATTR, 0, name, len, value);
    sqe.addr3 = path;
    sqe.op_flags = 0;
}

/// setxattr(2) of `name` on `path` to `len` bytes at `value`.
#[inline]
pub fn setxattr(sqe: &mut io_uring_sqe, name: u64, value: u64, path: u64, flags: i32, len: u32) {
    prep_rw(sqe, sys::IORING_OP_SETXATTR, 0, name, len, value);
    sqe.addr3 = path;
    sqe.op_flags = flags as u32;
}

#[inline]
pub fn fgetxattr(sqe: &mut io_uring_sqe, fd: i32, name: u64, value: u64, len: u32) {
    prep_rw(sqe, sys::IORING_OP_FGETXATTR, fd, name, len, value);
    sqe.op_flags = 0;
}

#[inline]
pub fn fsetxattr(sqe: &mut io_uring_sqe, fd: i32, name: u64, value: u64, flags: i32, len: u32) {
    prep_rw(sqe, sys::IORING_OP_FSETXATTR, fd, name, len, value);
    sqe.op_flags = flags as u32;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prep::rw::tests::dirty;

    #[test]
    fn open_family() {
        let mut s = dirty();
        open_direct(&mut s, 0x1000, 0o2, 0o644, 3);
        assert_eq!(
            (s.opcode, s.fd, s.addr, s.len, s.op_flags, s.file_index()),
            (sys::IORING_OP_OPENAT, AT_FDCWD, 0x1000, 0o644, 2, 4)
        );
        openat2_direct(&mut s, 5, 0x1000, 0x2000, sys::IORING_FILE_INDEX_ALLOC);
        assert_eq!((s.opcode, s.fd, s.len, s.off, s.file_index()), (sys::IORING_OP_OPENAT2, 5, 24, 0x2000, !0));
        close_direct(&mut s, 7);
        assert_eq!((s.opcode, s.fd, s.file_index()), (sys::IORING_OP_CLOSE, 0, 8));
        fixed_fd_install(&mut s, 2, sys::IORING_FIXED_FD_NO_CLOEXEC);
        assert_eq!((s.opcode, s.flags, s.op_flags), (sys::IORING_OP_FIXED_FD_INSTALL, sys::IOSQE_FIXED_FILE, 1));
        files_update(&mut s, 0x3000, 2, -1);
        assert_eq!((s.fd, s.off, s.len), (-1, u64::MAX, 2));
    }

    #[test]
    fn path_ops() {
        let mut s = dirty();
        renameat(&mut s, 3, 0x10, 4, 0x20, 1);
        assert_eq!((s.fd, s.addr, s.len, s.off, s.op_flags), (3, 0x10, 4, 0x20, 1));
        rename(&mut s, 0x10, 0x20);
        assert_eq!((s.fd, s.len), (AT_FDCWD, AT_FDCWD as u32));
        symlink(&mut s, 0x10, 0x20);
        assert_eq!((s.opcode, s.fd, s.addr, s.len, s.off), (sys::IORING_OP_SYMLINKAT, AT_FDCWD, 0x10, 0, 0x20));
        setxattr(&mut s, 0x1, 0x2, 0x3, 1, 5);
        assert_eq!(
            (s.opcode, s.fd, s.addr, s.off, s.addr3, s.len, s.op_flags),
            (sys::IORING_OP_SETXATTR, 0, 1, 2, 3, 5, 1)
        );
        statx(&mut s, 3, 0x10, 0x100, 0x7ff, 0x20);
        assert_eq!((s.opcode, s.len, s.off, s.op_flags), (sys::IORING_OP_STATX, 0x7ff, 0x20, 0x100));
    }
}
