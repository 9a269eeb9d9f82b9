//! C ABI of the prep helpers (every family except networking and provided buffers): each
//! converts its arguments and calls `crate::prep`. A NULL `sqe` is ignored (liburing
//! would crash). None of these touch `user_data`. The operation's result, or `-errno`,
//! arrives later in the `res` field of its CQE.

use crate::prep::{cancel, fs, msg, pipe, poll, rw, sync, timeout};
use crate::sys::__u64;
use crate::sys::{
    __kernel_timespec, epoll_event, futex_waitv, id_t, idtype_t, io_uring_sqe, iovec, loff_t, mode_t, off_t, open_how,
    siginfo_t, statx,
};
use core::ffi::{c_char, c_int, c_uint, c_void};

/// Borrow the SQE, or return from the helper when it is NULL.
macro_rules! sqe {
    ($p:expr) => {
        // SAFETY: null-checked; the caller passes an SQE from io_uring_get_sqe.
        match unsafe { $p.as_mut() } {
            Some(s) => s,
            None => return,
        }
    };
}
#[allow(unused_imports)]
pub(crate) use sqe;

// ---- generic, read/write -------------------------------------------------------------

/// Fill `sqe` with opcode `op`, file `fd`, address `addr`, length `len` and offset
/// `offset`, clearing the other per-op fields (liburing's `io_uring_prep_rw`).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_rw(
    op: c_int,
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *const c_void,
    len: c_uint,
    offset: __u64,
) {
    rw::prep_rw(sqe!(sqe), op as u8, fd, addr as u64, len, offset);
}

/// A no-op request: completes with `res` 0.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_nop(sqe: *mut io_uring_sqe) {
    rw::nop(sqe!(sqe));
}

/// A no-op request in a 128-byte SQE (from `io_uring_get_sqe128` on an
/// `IORING_SETUP_SQE_MIXED` ring). Completes with `res` 0.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_nop128(sqe: *mut io_uring_sqe) {
    rw::nop128(sqe!(sqe));
}

/// read(2)/pread(2): read up to `nbytes` from `fd` at `offset` (-1: the file position)
/// into `buf`. `res`: bytes read.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_read(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    buf: *mut c_void,
    nbytes: c_uint,
    offset: __u64,
) {
    rw::read(sqe!(sqe), fd, buf as u64, nbytes, offset);
}

/// write(2)/pwrite(2): write `nbytes` from `buf` to `fd` at `offset` (-1: the file
/// position). `res`: bytes written.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_write(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    buf: *const c_void,
    nbytes: c_uint,
    offset: __u64,
) {
    rw::write(sqe!(sqe), fd, buf as u64, nbytes, offset);
}

/// preadv(2): read from `fd` at `offset` into the `nr_vecs` buffers of `iovecs`
/// (which must stay valid until the request is submitted).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_readv(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
) {
    rw::readv(sqe!(sqe), fd, iovecs as u64, nr_vecs, offset);
}

/// preadv2(2): io_uring_prep_readv() with `RWF_*` flags.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_readv2(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
    flags: c_int,
) {
    rw::readv2(sqe!(sqe), fd, iovecs as u64, nr_vecs, offset, flags);
}

/// pwritev(2): write the `nr_vecs` buffers of `iovecs` to `fd` at `offset`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_writev(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
) {
    rw::writev(sqe!(sqe), fd, iovecs as u64, nr_vecs, offset);
}

/// pwritev2(2): io_uring_prep_writev() with `RWF_*` flags.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_writev2(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
    flags: c_int,
) {
    rw::writev2(sqe!(sqe), fd, iovecs as u64, nr_vecs, offset, flags);
}

/// Read `nbytes` from `fd` at `offset` into `buf`, which must lie inside registered
/// buffer `buf_index` (`-EFAULT` otherwise).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_read_fixed(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    buf: *mut c_void,
    nbytes: c_uint,
    offset: __u64,
    buf_index: c_int,
) {
    rw::read_fixed(sqe!(sqe), fd, buf as u64, nbytes, offset, buf_index);
}

/// Write `nbytes` from `buf` (inside registered buffer `buf_index`) to `fd` at `offset`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_write_fixed(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    buf: *const c_void,
    nbytes: c_uint,
    offset: __u64,
    buf_index: c_int,
) {
    rw::write_fixed(sqe!(sqe), fd, buf as u64, nbytes, offset, buf_index);
}

/// Vectored read whose `nr_vecs` iovecs all point inside registered buffer `buf_index`;
/// `flags` are `RWF_*` flags.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_readv_fixed(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
    flags: c_int,
    buf_index: c_int,
) {
    rw::readv_fixed(sqe!(sqe), fd, iovecs as u64, nr_vecs, offset, flags, buf_index);
}

/// Vectored write whose `nr_vecs` iovecs all point inside registered buffer `buf_index`;
/// `flags` are `RWF_*` flags.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_writev_fixed(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
    flags: c_int,
    buf_index: c_int,
) {
    rw::writev_fixed(sqe!(sqe), fd, iovecs as u64, nr_vecs, offset, flags, buf_index);
}

/// Multishot read from `fd` (a pipe, socket or other pollable file; `offset` must be 0
/// or -1): every chunk of data produces a CQE carrying a buffer picked from provided
/// buffer group `buf_group` (`IORING_CQE_F_BUFFER`), with `IORING_CQE_F_MORE` while the
/// request stays armed. `nbytes` 0 means "the buffer's size". Sets `IOSQE_BUFFER_SELECT`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_read_multishot(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    nbytes: c_uint,
    offset: __u64,
    buf_group: c_int,
) {
    rw::read_multishot(sqe!(sqe), fd, nbytes, offset, buf_group);
}

/// A passthrough command `cmd_op` for the driver behind `fd` (`IORING_OP_URING_CMD`).
/// Only opcode, fd, cmd_op, addr and len are written; the command payload
/// (`sqe->cmd`, 16 bytes, 80 on `IORING_SETUP_SQE128` rings) is the caller's to fill.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_uring_cmd(sqe: *mut io_uring_sqe, cmd_op: c_int, fd: c_int) {
    rw::uring_cmd(sqe!(sqe), cmd_op, fd);
}

/// io_uring_prep_uring_cmd() as `IORING_OP_URING_CMD128`: a command with an 80-byte
/// payload in a 128-byte SQE from `io_uring_get_sqe128` on an `IORING_SETUP_SQE_MIXED`
/// ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_uring_cmd128(sqe: *mut io_uring_sqe, cmd_op: c_int, fd: c_int) {
    rw::uring_cmd128(sqe!(sqe), cmd_op, fd);
}

/// Discard (`BLOCK_URING_CMD_DISCARD`) `nbytes` at byte `offset` of block device `fd`.
/// Both must be aligned to the device's logical block size (`-EINVAL` otherwise).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cmd_discard(sqe: *mut io_uring_sqe, fd: c_int, offset: u64, nbytes: u64) {
    rw::cmd_discard(sqe!(sqe), fd, offset, nbytes);
}

/// Reset every sequential-write-required zone of zoned block device `fd`
/// (`BLOCK_URING_CMD_ZONE_RESET_ALL`). `res`: 0, or `-EINVAL`/`-EOPNOTSUPP` when the
/// kernel or device does not support it.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cmd_zone_reset_all(sqe: *mut io_uring_sqe, fd: c_int) {
    rw::cmd_zone_reset_all(sqe!(sqe), fd);
}

// ---- sync and advice -----------------------------------------------------------------

/// fsync(2) of `fd`, or fdatasync(2) with `IORING_FSYNC_DATASYNC` in `fsync_flags`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fsync(sqe: *mut io_uring_sqe, fd: c_int, fsync_flags: c_uint) {
    sync::fsync(sqe!(sqe), fd, fsync_flags);
}

/// sync_file_range(2) of `len` bytes at `offset` of `fd` with `SYNC_FILE_RANGE_*` flags.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_sync_file_range(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    len: c_uint,
    offset: __u64,
    flags: c_int,
) {
    sync::sync_file_range(sqe!(sqe), fd, len, offset, flags);
}

/// fallocate(2) of `len` bytes at `offset` of `fd` with `FALLOC_FL_*` `mode`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fallocate(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    mode: c_int,
    offset: __u64,
    len: __u64,
) {
    sync::fallocate(sqe!(sqe), fd, mode, offset, len);
}

/// posix_fadvise(2) of `len` bytes at `offset` of `fd` (`POSIX_FADV_*` `advice`).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fadvise(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    offset: __u64,
    len: u32,
    advice: c_int,
) {
    sync::fadvise(sqe!(sqe), fd, offset, len, advice);
}

/// madvise(2) of `length` bytes at `addr` (`MADV_*` `advice`).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_madvise(sqe: *mut io_uring_sqe, addr: *mut c_void, length: u32, advice: c_int) {
    sync::madvise(sqe!(sqe), addr as u64, length, advice);
}

/// io_uring_prep_fadvise() with a 64-bit length (kernel 6.7+ reads it from `addr`).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fadvise64(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    offset: __u64,
    len: off_t,
    advice: c_int,
) {
    sync::fadvise64(sqe!(sqe), fd, offset, len, advice);
}

/// io_uring_prep_madvise() with a 64-bit length (kernel 6.7+ reads it from `off`).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_madvise64(
    sqe: *mut io_uring_sqe,
    addr: *mut c_void,
    length: off_t,
    advice: c_int,
) {
    sync::madvise64(sqe!(sqe), addr as u64, length, advice);
}

/// ftruncate(2) of `fd` to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_ftruncate(sqe: *mut io_uring_sqe, fd: c_int, len: loff_t) {
    sync::ftruncate(sqe!(sqe), fd, len);
}

// ---- open, close, statx, registered files --------------------------------------------

/// openat(2) of `path` relative to `dfd`. `res`: the new descriptor.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_openat(
    sqe: *mut io_uring_sqe,
    dfd: c_int,
    path: *const c_char,
    flags: c_int,
    mode: mode_t,
) {
    fs::openat(sqe!(sqe), dfd, path as u64, flags, mode);
}

/// openat(2) straight into direct-descriptor slot `file_index` of the ring's registered
/// file table (`res` 0), or into a free slot with `IORING_FILE_INDEX_ALLOC` (`res`: the
/// slot). `O_CLOEXEC` is not allowed here.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_openat_direct(
    sqe: *mut io_uring_sqe,
    dfd: c_int,
    path: *const c_char,
    flags: c_int,
    mode: mode_t,
    file_index: c_uint,
) {
    fs::openat_direct(sqe!(sqe), dfd, path as u64, flags, mode, file_index);
}

/// open(2): io_uring_prep_openat() relative to the current directory.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_open(sqe: *mut io_uring_sqe, path: *const c_char, flags: c_int, mode: mode_t) {
    fs::open(sqe!(sqe), path as u64, flags, mode);
}

/// io_uring_prep_openat_direct() relative to the current directory.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_open_direct(
    sqe: *mut io_uring_sqe,
    path: *const c_char,
    flags: c_int,
    mode: mode_t,
    file_index: c_uint,
) {
    fs::open_direct(sqe!(sqe), path as u64, flags, mode, file_index);
}

/// openat2(2) of `path` relative to `dfd` as described by `how`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_openat2(
    sqe: *mut io_uring_sqe,
    dfd: c_int,
    path: *const c_char,
    how: *const open_how,
) {
    fs::openat2(sqe!(sqe), dfd, path as u64, how as u64);
}

/// io_uring_prep_openat2() into a direct-descriptor slot (see
/// io_uring_prep_openat_direct()).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_openat2_direct(
    sqe: *mut io_uring_sqe,
    dfd: c_int,
    path: *const c_char,
    how: *const open_how,
    file_index: c_uint,
) {
    fs::openat2_direct(sqe!(sqe), dfd, path as u64, how as u64, file_index);
}

/// close(2) of `fd`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_close(sqe: *mut io_uring_sqe, fd: c_int) {
    fs::close(sqe!(sqe), fd);
}

/// Close (empty) direct-descriptor slot `file_index`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_close_direct(sqe: *mut io_uring_sqe, file_index: c_uint) {
    fs::close_direct(sqe!(sqe), file_index);
}

/// statx(2) of `path` relative to `dfd` (`AT_*` `flags`, `STATX_*` `mask`) into
/// `statxbuf`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_statx(
    sqe: *mut io_uring_sqe,
    dfd: c_int,
    path: *const c_char,
    flags: c_int,
    mask: c_uint,
    statxbuf: *mut statx,
) {
    fs::statx(sqe!(sqe), dfd, path as u64, flags, mask, statxbuf as u64);
}

/// Replace `nr_fds` slots of the registered file table, starting at `offset`, with the
/// descriptors in `fds` (-1 empties a slot; `IORING_FILE_INDEX_ALLOC` as `offset` picks
/// free slots and writes them back to `fds`). `res`: slots updated.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_files_update(
    sqe: *mut io_uring_sqe,
    fds: *mut c_int,
    nr_fds: c_uint,
    offset: c_int,
) {
    fs::files_update(sqe!(sqe), fds as u64, nr_fds, offset);
}

/// Install direct descriptor `fd` (a slot index) into the normal file table. `res`: the
/// new descriptor, close-on-exec unless `IORING_FIXED_FD_NO_CLOEXEC` is in `flags`.
/// Sets `IOSQE_FIXED_FILE`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fixed_fd_install(sqe: *mut io_uring_sqe, fd: c_int, flags: c_uint) {
    fs::fixed_fd_install(sqe!(sqe), fd, flags);
}

// ---- path operations and xattrs ------------------------------------------------------

/// unlinkat(2) of `path` relative to `dfd` (`AT_REMOVEDIR` in `flags` for directories).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_unlinkat(sqe: *mut io_uring_sqe, dfd: c_int, path: *const c_char, flags: c_int) {
    fs::unlinkat(sqe!(sqe), dfd, path as u64, flags);
}

/// io_uring_prep_unlinkat() relative to the current directory.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_unlink(sqe: *mut io_uring_sqe, path: *const c_char, flags: c_int) {
    fs::unlink(sqe!(sqe), path as u64, flags);
}

/// renameat2(2) of `oldpath` (relative to `olddfd`) to `newpath` (relative to `newdfd`)
/// with `RENAME_*` flags.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_renameat(
    sqe: *mut io_uring_sqe,
    olddfd: c_int,
    oldpath: *const c_char,
    newdfd: c_int,
    newpath: *const c_char,
    flags: c_uint,
) {
    fs::renameat(sqe!(sqe), olddfd, oldpath as u64, newdfd, newpath as u64, flags);
}

/// rename(2) of `oldpath` to `newpath`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_rename(sqe: *mut io_uring_sqe, oldpath: *const c_char, newpath: *const c_char) {
    fs::rename(sqe!(sqe), oldpath as u64, newpath as u64);
}

/// mkdirat(2) of `path` relative to `dfd` with permission bits `mode`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_mkdirat(sqe: *mut io_uring_sqe, dfd: c_int, path: *const c_char, mode: mode_t) {
    fs::mkdirat(sqe!(sqe), dfd, path as u64, mode);
}

/// mkdir(2) of `path` with permission bits `mode`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_mkdir(sqe: *mut io_uring_sqe, path: *const c_char, mode: mode_t) {
    fs::mkdir(sqe!(sqe), path as u64, mode);
}

/// symlinkat(2): create `linkpath` (relative to `newdirfd`) pointing to `target`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_symlinkat(
    sqe: *mut io_uring_sqe,
    target: *const c_char,
    newdirfd: c_int,
    linkpath: *const c_char,
) {
    fs::symlinkat(sqe!(sqe), target as u64, newdirfd, linkpath as u64);
}

/// symlink(2): create `linkpath` pointing to `target`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_symlink(sqe: *mut io_uring_sqe, target: *const c_char, linkpath: *const c_char) {
    fs::symlink(sqe!(sqe), target as u64, linkpath as u64);
}

/// linkat(2): hard link `newpath` (relative to `newdfd`) to `oldpath` (relative to
/// `olddfd`), with `AT_*` flags.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_linkat(
    sqe: *mut io_uring_sqe,
    olddfd: c_int,
    oldpath: *const c_char,
    newdfd: c_int,
    newpath: *const c_char,
    flags: c_int,
) {
    fs::linkat(sqe!(sqe), olddfd, oldpath as u64, newdfd, newpath as u64, flags);
}

/// link(2) with `AT_*` flags: hard link `newpath` to `oldpath`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_link(
    sqe: *mut io_uring_sqe,
    oldpath: *const c_char,
    newpath: *const c_char,
    flags: c_int,
) {
    fs::link(sqe!(sqe), oldpath as u64, newpath as u64, flags);
}

/// getxattr(2): read attribute `name` of `path` into `value` (`len` bytes). `res`: the
/// attribute's size.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_getxattr(
    sqe: *mut io_uring_sqe,
    name: *const c_char,
    value: *mut c_char,
    path: *const c_char,
    len: c_uint,
) {
    fs::getxattr(sqe!(sqe), name as u64, value as u64, path as u64, len);
}

/// setxattr(2): set attribute `name` of `path` to the `len` bytes at `value`
/// (`XATTR_CREATE`/`XATTR_REPLACE` flags).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_setxattr(
    sqe: *mut io_uring_sqe,
    name: *const c_char,
    value: *const c_char,
    path: *const c_char,
    flags: c_int,
    len: c_uint,
) {
    fs::setxattr(sqe!(sqe), name as u64, value as u64, path as u64, flags, len);
}

/// fgetxattr(2): io_uring_prep_getxattr() on open file `fd`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fgetxattr(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    name: *const c_char,
    value: *mut c_char,
    len: c_uint,
) {
    fs::fgetxattr(sqe!(sqe), fd, name as u64, value as u64, len);
}

/// fsetxattr(2): io_uring_prep_setxattr() on open file `fd`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fsetxattr(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    name: *const c_char,
    value: *const c_char,
    flags: c_int,
    len: c_uint,
) {
    fs::fsetxattr(sqe!(sqe), fd, name as u64, value as u64, flags, len);
}

// ---- poll and epoll ------------------------------------------------------------------

/// One-shot poll of `fd` for the `POLL*` events in `poll_mask`. `res`: the events that
/// fired.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_poll_add(sqe: *mut io_uring_sqe, fd: c_int, poll_mask: c_uint) {
    poll::poll_add(sqe!(sqe), fd, poll_mask);
}

/// Multishot poll: a CQE (flagged `IORING_CQE_F_MORE` while still armed) for every
/// readiness event of `fd`, until it is removed or fails.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_poll_multishot(sqe: *mut io_uring_sqe, fd: c_int, poll_mask: c_uint) {
    poll::poll_multishot(sqe!(sqe), fd, poll_mask);
}

/// Remove the poll request whose `user_data` is `user_data`. `res`: 0, or `-ENOENT`
/// when there is none, `-EALREADY` when it is completing.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_poll_remove(sqe: *mut io_uring_sqe, user_data: __u64) {
    poll::poll_remove(sqe!(sqe), user_data);
}

/// Modify the poll request `old_user_data`: with `IORING_POLL_UPDATE_EVENTS` its mask
/// becomes `poll_mask`, with `IORING_POLL_UPDATE_USER_DATA` its `user_data` becomes
/// `new_user_data`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_poll_update(
    sqe: *mut io_uring_sqe,
    old_user_data: __u64,
    new_user_data: __u64,
    poll_mask: c_uint,
    flags: c_uint,
) {
    poll::poll_update(sqe!(sqe), old_user_data, new_user_data, poll_mask, flags);
}

/// epoll_ctl(2) on epoll instance `epfd`: `op` (`EPOLL_CTL_*`) for `fd` with event `ev`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_epoll_ctl(
    sqe: *mut io_uring_sqe,
    epfd: c_int,
    fd: c_int,
    op: c_int,
    ev: *const epoll_event,
) {
    poll::epoll_ctl(sqe!(sqe), epfd, fd, op, ev as u64);
}

/// epoll_wait(2) on `fd` into `events` (room for `maxevents`). `res`: events stored.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_epoll_wait(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    events: *mut epoll_event,
    maxevents: c_int,
    flags: c_uint,
) {
    poll::epoll_wait(sqe!(sqe), fd, events as u64, maxevents, flags);
}

// ---- timeouts ------------------------------------------------------------------------

/// A timeout: completes with `-ETIME` after `ts` (absolute with `IORING_TIMEOUT_ABS`), or
/// with 0 once `count` other requests have completed (`count` 0: time only).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_timeout(
    sqe: *mut io_uring_sqe,
    ts: *const __kernel_timespec,
    count: c_uint,
    flags: c_uint,
) {
    timeout::timeout(sqe!(sqe), ts as u64, count, flags);
}

/// Cancel the timeout whose `user_data` is `user_data` (it completes with `-ECANCELED`).
/// `res`: 0, or `-ENOENT`/`-EALREADY`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_timeout_remove(sqe: *mut io_uring_sqe, user_data: __u64, flags: c_uint) {
    timeout::timeout_remove(sqe!(sqe), user_data, flags);
}

/// Re-arm the timeout `user_data` to expire at `ts` (`IORING_TIMEOUT_UPDATE` is added to
/// `flags`; with `IORING_LINK_TIMEOUT_UPDATE` it updates a linked timeout).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_timeout_update(
    sqe: *mut io_uring_sqe,
    ts: *const __kernel_timespec,
    user_data: __u64,
    flags: c_uint,
) {
    timeout::timeout_update(sqe!(sqe), ts as u64, user_data, flags);
}

/// A timeout for the request linked before it (that request has `IOSQE_IO_LINK`): if it
/// has not completed after `ts` it is cancelled (`-ECANCELED`) and this one completes
/// with `-ETIME`; otherwise this one completes with `-ECANCELED`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_link_timeout(
    sqe: *mut io_uring_sqe,
    ts: *const __kernel_timespec,
    flags: c_uint,
) {
    timeout::link_timeout(sqe!(sqe), ts as u64, flags);
}

// ---- cancellation --------------------------------------------------------------------

/// Cancel the request whose `user_data` is `user_data`; `flags` (`IORING_ASYNC_CANCEL_*`)
/// can ask for all matches or match by fd/op/any instead. `res`: 0 (or the number
/// cancelled with `..._ALL`/`..._ANY`), `-ENOENT`, `-EALREADY`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cancel64(sqe: *mut io_uring_sqe, user_data: __u64, flags: c_int) {
    cancel::cancel64(sqe!(sqe), user_data, flags);
}

/// io_uring_prep_cancel64() with the `user_data` given as a pointer.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cancel(sqe: *mut io_uring_sqe, user_data: *const c_void, flags: c_int) {
    cancel::cancel64(sqe!(sqe), user_data as u64, flags);
}

/// Cancel the request(s) operating on file `fd` (`IORING_ASYNC_CANCEL_FD` is added to
/// `flags`; add `IORING_ASYNC_CANCEL_FD_FIXED` for a direct descriptor).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cancel_fd(sqe: *mut io_uring_sqe, fd: c_int, flags: c_uint) {
    cancel::cancel_fd(sqe!(sqe), fd, flags);
}

// ---- pipes ---------------------------------------------------------------------------

/// splice(2) `nbytes` from `fd_in` to `fd_out`, one of which must be a pipe. For a pipe
/// the offset must be -1; for a file -1 means "the file position". With
/// `SPLICE_F_FD_IN_FIXED` in `splice_flags`, `fd_in` is a direct-descriptor index.
/// `res`: bytes moved.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_splice(
    sqe: *mut io_uring_sqe,
    fd_in: c_int,
    off_in: i64,
    fd_out: c_int,
    off_out: i64,
    nbytes: c_uint,
    splice_flags: c_uint,
) {
    pipe::splice(sqe!(sqe), fd_in, off_in, fd_out, off_out, nbytes, splice_flags);
}

/// tee(2): copy up to `nbytes` from pipe `fd_in` to pipe `fd_out` without consuming.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_tee(
    sqe: *mut io_uring_sqe,
    fd_in: c_int,
    fd_out: c_int,
    nbytes: c_uint,
    splice_flags: c_uint,
) {
    pipe::tee(sqe!(sqe), fd_in, fd_out, nbytes, splice_flags);
}

/// pipe2(2) with `O_*` `pipe_flags`: the read and write ends are stored in `fds[0]` and
/// `fds[1]` when the request completes.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_pipe(sqe: *mut io_uring_sqe, fds: *mut c_int, pipe_flags: c_int) {
    pipe::pipe(sqe!(sqe), fds as u64, pipe_flags);
}

/// io_uring_prep_pipe() into direct descriptors: slots `file_index` and
/// `file_index + 1`, or free slots with `IORING_FILE_INDEX_ALLOC`; the slot numbers are
/// stored in `fds`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_pipe_direct(
    sqe: *mut io_uring_sqe,
    fds: *mut c_int,
    pipe_flags: c_int,
    file_index: c_uint,
) {
    pipe::pipe_direct(sqe!(sqe), fds as u64, pipe_flags, file_index);
}

// ---- ring messages, futexes, waitid --------------------------------------------------

/// Post a CQE on the ring with fd `fd` whose `res` is `len` and `user_data` is `data`.
/// `flags` must be 0 here (`-EINVAL` otherwise); the sender gets its own CQE (`res` 0)
/// unless the SQE has `IOSQE_CQE_SKIP_SUCCESS`. `-EBADFD` if `fd` is not a ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_msg_ring(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    len: c_uint,
    data: __u64,
    flags: c_uint,
) {
    msg::msg_ring(sqe!(sqe), fd, len, data, flags);
}

/// io_uring_prep_msg_ring() that also sets the posted CQE's `flags` to `cqe_flags`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_msg_ring_cqe_flags(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    len: c_uint,
    data: __u64,
    flags: c_uint,
    cqe_flags: c_uint,
) {
    msg::msg_ring_cqe_flags(sqe!(sqe), fd, len, data, flags, cqe_flags);
}

/// Pass our direct descriptor `source_fd` to the ring with fd `fd`, into its slot
/// `target_fd` (or a free one with `IORING_FILE_INDEX_ALLOC`); that ring gets a CQE with
/// `user_data` `data` unless `flags` has `IORING_MSG_RING_CQE_SKIP`. Both CQEs carry `res`
/// 0, or the slot chosen when allocating; `-EBADF` for an empty source slot.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_msg_ring_fd(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    source_fd: c_int,
    target_fd: c_int,
    data: __u64,
    flags: c_uint,
) {
    msg::msg_ring_fd(sqe!(sqe), fd, source_fd, target_fd, data, flags);
}

/// io_uring_prep_msg_ring_fd() into a free slot of the target ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_msg_ring_fd_alloc(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    source_fd: c_int,
    data: __u64,
    flags: c_uint,
) {
    msg::msg_ring_fd_alloc(sqe!(sqe), fd, source_fd, data, flags);
}

/// Wake up to `val` waiters on `futex` whose wait mask intersects `mask`; `futex_flags`
/// are `FUTEX2_*` flags. `res`: waiters woken.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_futex_wake(
    sqe: *mut io_uring_sqe,
    futex: *const u32,
    val: u64,
    mask: u64,
    futex_flags: u32,
    flags: c_uint,
) {
    msg::futex_wake(sqe!(sqe), futex as u64, val, mask, futex_flags, flags);
}

/// Sleep on `futex` while it holds `val` (`res` 0 once woken; `-EAGAIN` at once if the
/// value differs). `mask` selects which wakes apply; `futex_flags` are `FUTEX2_*` flags.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_futex_wait(
    sqe: *mut io_uring_sqe,
    futex: *const u32,
    val: u64,
    mask: u64,
    futex_flags: u32,
    flags: c_uint,
) {
    msg::futex_wait(sqe!(sqe), futex as u64, val, mask, futex_flags, flags);
}

/// Sleep on any of the `nr_futex` futexes in `futex`. `res`: index of the one woken.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_futex_waitv(
    sqe: *mut io_uring_sqe,
    futex: *const futex_waitv,
    nr_futex: u32,
    flags: c_uint,
) {
    msg::futex_waitv(sqe!(sqe), futex as u64, nr_futex, flags);
}

/// waitid(2) for child(ren) `idtype`/`id` with `W*` `options`; the child's state is
/// stored in `infop`. `res`: 0 or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_waitid(
    sqe: *mut io_uring_sqe,
    idtype: idtype_t,
    id: id_t,
    infop: *mut siginfo_t,
    options: c_int,
    flags: c_uint,
) {
    msg::waitid(sqe!(sqe), idtype, id, infop as u64, options, flags);
}
