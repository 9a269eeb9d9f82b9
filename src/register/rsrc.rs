//! Registered (fixed) buffers and files: register, update with tags, sparse tables,
//! allocation ranges, cloning buffers between rings.

use super::reg;
use crate::sys::{self, io_uring, iovec};
use core::ptr;
use rustix::process::{getrlimit, setrlimit, Resource};

/// "Too many open files": what the kernel answers when a file table would exceed
/// `RLIMIT_NOFILE`.
const EMFILE: i32 = 24;

/// `io_uring_register_buffers`: `nr` iovecs become fixed buffers 0..nr.
///
/// # Safety
/// `iovecs` must be valid for `nr` entries (the kernel checks the buffers themselves).
pub unsafe fn register_buffers(ring: &io_uring, iovecs: *const iovec, nr: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { reg(ring, sys::IORING_REGISTER_BUFFERS, iovecs, nr) }
}

/// `io_uring_register_buffers_tags`: like [`register_buffers`], with a tag per buffer
/// (a non-zero tag posts a CQE with that `user_data` once the buffer is released).
///
/// # Safety
/// `iovecs` and `tags` (if non-null) must be valid for `nr` entries.
pub unsafe fn register_buffers_tags(ring: &io_uring, iovecs: *const iovec, tags: *const u64, nr: u32) -> i32 {
    let r = sys::io_uring_rsrc_register { nr, data: iovecs as u64, tags: tags as u64, ..Default::default() };
    // SAFETY: `r` is a valid rsrc_register; the pointers inside are the caller's.
    unsafe { reg(ring, sys::IORING_REGISTER_BUFFERS2, &r, core::mem::size_of_val(&r) as u32) }
}

/// `io_uring_register_buffers_sparse`: a table of `nr` empty buffer slots.
pub fn register_buffers_sparse(ring: &io_uring, nr: u32) -> i32 {
    let r = sys::io_uring_rsrc_register { nr, flags: sys::IORING_RSRC_REGISTER_SPARSE, ..Default::default() };
    // SAFETY: `r` is a valid rsrc_register without pointers.
    unsafe { reg(ring, sys::IORING_REGISTER_BUFFERS2, &r, core::mem::size_of_val(&r) as u32) }
}

/// `io_uring_register_buffers_update_tag`: replace buffers `off..off+nr`.
///
/// # Safety
/// `iovecs` and `tags` (if non-null) must be valid for `nr` entries.
pub unsafe fn register_buffers_update_tag(
    ring: &io_uring,
    off: u32,
    iovecs: *const iovec,
    tags: *const u64,
    nr: u32,
) -> i32 {
    let up =
        sys::io_uring_rsrc_update2 { offset: off, data: iovecs as u64, tags: tags as u64, nr, ..Default::default() };
    // SAFETY: `up` is a valid rsrc_update2.
    unsafe { reg(ring, sys::IORING_REGISTER_BUFFERS_UPDATE, &up, core::mem::size_of_val(&up) as u32) }
}

/// `io_uring_unregister_buffers`.
pub fn unregister_buffers(ring: &io_uring) -> i32 {
    // SAFETY: no argument.
    unsafe { reg::<u8>(ring, sys::IORING_UNREGISTER_BUFFERS, ptr::null(), 0) }
}

/// liburing's `increase_rlimit_nofile`: when the soft `RLIMIT_NOFILE` is below `nr`,
/// raise it by `nr` (best effort; the hard limit may refuse it).
fn increase_rlimit_nofile(nr: u32) {
    let mut lim = getrlimit(Resource::Nofile);
    if let Some(cur) = lim.current {
        if cur < nr as u64 {
            lim.current = Some(cur.saturating_add(nr as u64));
            let _ = setrlimit(Resource::Nofile, lim);
        }
    }
}

/// Runs a file-table registration; on the first `-EMFILE`, raises `RLIMIT_NOFILE` (as
/// liburing does, since the kernel charges registered files against it) and retries once.
fn with_nofile_retry(nr: u32, mut f: impl FnMut() -> i32) -> i32 {
    let ret = f();
    if ret != -EMFILE {
        return ret;
    }
    increase_rlimit_nofile(nr);
    f()
}

/// `io_uring_register_files`: `nr` fds become fixed files 0..nr (-1 entries are empty).
///
/// # Safety
/// `files` must be valid for `nr` ints.
pub unsafe fn register_files(ring: &io_uring, files: *const i32, nr: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    with_nofile_retry(nr, || unsafe { reg(ring, sys::IORING_REGISTER_FILES, files, nr) })
}

/// `io_uring_register_files_tags`: like [`register_files`], with a tag per slot.
///
/// # Safety
/// `files` and `tags` (if non-null) must be valid for `nr` entries.
pub unsafe fn register_files_tags(ring: &io_uring, files: *const i32, tags: *const u64, nr: u32) -> i32 {
    let r = sys::io_uring_rsrc_register { nr, data: files as u64, tags: tags as u64, ..Default::default() };
    // SAFETY: `r` is a valid rsrc_register; the pointers inside are the caller's.
    with_nofile_retry(nr, || unsafe { reg(ring, sys::IORING_REGISTER_FILES2, &r, core::mem::size_of_val(&r) as u32) })
}

/// `io_uring_register_files_sparse`: a table of `nr` empty file slots.
pub fn register_files_sparse(ring: &io_uring, nr: u32) -> i32 {
    let r = sys::io_uring_rsrc_register { nr, flags: sys::IORING_RSRC_REGISTER_SPARSE, ..Default::default() };
    // SAFETY: `r` is a valid rsrc_register without pointers.
    with_nofile_retry(nr, || unsafe { reg(ring, sys::IORING_REGISTER_FILES2, &r, core::mem::size_of_val(&r) as u32) })
}

/// `io_uring_register_files_update`: replace slots `off..off+nr`; returns the number
/// updated. Entries of -1 clear a slot, `IORING_REGISTER_FILES_SKIP` leaves it.
///
/// # Safety
/// `files` must be valid for `nr` ints.
pub unsafe fn register_files_update(ring: &io_uring, off: u32, files: *const i32, nr: u32) -> i32 {
    let up = sys::io_uring_rsrc_update { offset: off, resv: 0, data: files as u64 };
    // SAFETY: `up` is a valid rsrc_update.
    unsafe { reg(ring, sys::IORING_REGISTER_FILES_UPDATE, &up, nr) }
}

/// `io_uring_register_files_update_tag`: like [`register_files_update`] with new tags.
///
/// # Safety
/// `files` and `tags` (if non-null) must be valid for `nr` entries.
pub unsafe fn register_files_update_tag(
    ring: &io_uring,
    off: u32,
    files: *const i32,
    tags: *const u64,
    nr: u32,
) -> i32 {
    let up =
        sys::io_uring_rsrc_update2 { offset: off, data: files as u64, tags: tags as u64, nr, ..Default::default() };
    // SAFETY: `up` is a valid rsrc_update2.
    unsafe { reg(ring, sys::IORING_REGISTER_FILES_UPDATE2, &up, core::mem::size_of_val(&up) as u32) }
}

/// `io_uring_unregister_files`.
pub fn unregister_files(ring: &io_uring) -> i32 {
    // SAFETY: no argument.
    unsafe { reg::<u8>(ring, sys::IORING_UNREGISTER_FILES, ptr::null(), 0) }
}

/// `io_uring_register_file_alloc_range`: direct-descriptor allocation
/// (`IORING_FILE_INDEX_ALLOC`) picks slots from `[off, off + len)` only.
pub fn register_file_alloc_range(ring: &io_uring, off: u32, len: u32) -> i32 {
    let range = sys::io_uring_file_index_range { off, len, resv: 0 };
    // SAFETY: `range` is a valid file_index_range.
    unsafe { reg(ring, sys::IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0) }
}

/// `__io_uring_clone_buffers_offset`: copy `nr` registered buffers of `src` starting at
/// `src_off` into `dst` at `dst_off` (0/0/0 = the whole table). With
/// `IORING_REGISTER_SRC_REGISTERED` in `flags`, the source is named by its registered
/// ring index when it has one; otherwise the flag is dropped and its fd is used.
pub fn clone_buffers_offset_raw(
    dst: &io_uring,
    src: &io_uring,
    dst_off: u32,
    src_off: u32,
    nr: u32,
    flags: u32,
) -> i32 {
    let mut buf = sys::io_uring_clone_buffers { flags, src_off, dst_off, nr, ..Default::default() };
    if flags & sys::IORING_REGISTER_SRC_REGISTERED != 0 && src.int_flags & sys::INT_FLAG_REG_REG_RING != 0 {
        buf.src_fd = src.enter_ring_fd as u32;
    } else {
        buf.src_fd = src.ring_fd as u32;
        buf.flags &= !sys::IORING_REGISTER_SRC_REGISTERED;
    }
    // SAFETY: `buf` is a valid clone_buffers.
    unsafe { reg(dst, sys::IORING_REGISTER_CLONE_BUFFERS, &buf, 1) }
}

/// `io_uring_clone_buffers_offset`: [`clone_buffers_offset_raw`] preferring the source's
/// registered ring index.
pub fn clone_buffers_offset(dst: &io_uring, src: &io_uring, dst_off: u32, src_off: u32, nr: u32, flags: u32) -> i32 {
    clone_buffers_offset_raw(dst, src, dst_off, src_off, nr, flags | sys::IORING_REGISTER_SRC_REGISTERED)
}

/// `io_uring_clone_buffers`: clone the whole buffer table of `src` into `dst`.
pub fn clone_buffers(dst: &io_uring, src: &io_uring) -> i32 {
    clone_buffers_offset_raw(dst, src, 0, 0, 0, sys::IORING_REGISTER_SRC_REGISTERED)
}

/// `__io_uring_clone_buffers`: clone the whole table with caller-chosen `flags`.
pub fn clone_buffers_flags(dst: &io_uring, src: &io_uring, flags: u32) -> i32 {
    clone_buffers_offset_raw(dst, src, 0, 0, 0, flags)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::TestRing;
    use super::*;
    use crate::sys::errno::*;

    #[test]
    fn files_register_update_unregister() {
        let ring = TestRing::new(4, 0);
        let fds = [0i32, -1, 1];
        // SAFETY: local array of 3 ints.
        assert_eq!(unsafe { register_files(&ring.0, fds.as_ptr(), 3) }, 0);
        // A second table is refused while one exists.
        // SAFETY: as above.
        assert_eq!(unsafe { register_files(&ring.0, fds.as_ptr(), 3) }, -EBUSY);
        let upd = [2i32];
        // SAFETY: local array of 1 int.
        assert_eq!(unsafe { register_files_update(&ring.0, 1, upd.as_ptr(), 1) }, 1);
        // SAFETY: as above; slot 3 does not exist.
        assert_eq!(unsafe { register_files_update(&ring.0, 3, upd.as_ptr(), 1) }, -EINVAL);
        assert_eq!(unregister_files(&ring.0), 0);
        assert_eq!(unregister_files(&ring.0), -ENXIO);
        assert_eq!(register_files_sparse(&ring.0, 8), 0);
        assert_eq!(register_file_alloc_range(&ring.0, 2, 4), 0);
        assert_eq!(register_file_alloc_range(&ring.0, 6, 4), -EINVAL);
    }

    #[test]
    fn buffers_register_and_clone() {
        let a = TestRing::new(4, 0);
        let b = TestRing::new(4, 0);
        let mut mem = [0u8; 4096];
        let iov = [iovec { iov_base: mem.as_mut_ptr().cast(), iov_len: mem.len() }];
        // SAFETY: one valid iovec over a live local buffer (unregistered before it dies).
        assert_eq!(unsafe { register_buffers(&a.0, iov.as_ptr(), 1) }, 0);
        assert_eq!(clone_buffers(&b.0, &a.0), 0);
        assert_eq!(clone_buffers(&b.0, &a.0), -EBUSY);
        assert_eq!(unregister_buffers(&b.0), 0);
        assert_eq!(clone_buffers_offset(&b.0, &a.0, 0, 1, 1, 0), -EOVERFLOW);
        assert_eq!(unregister_buffers(&a.0), 0);
        assert_eq!(unregister_buffers(&a.0), -ENXIO);
        assert_eq!(register_buffers_sparse(&a.0, 4), 0);
        // SAFETY: as above.
        assert_eq!(unsafe { register_buffers_update_tag(&a.0, 2, iov.as_ptr(), ptr::null(), 1) }, 1);
        assert_eq!(unregister_buffers(&a.0), 0);
    }
}
