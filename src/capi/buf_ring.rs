//! C ABI of the provided-buffer-ring calls and helpers (`crate::register::bufring`).

use super::live;
use crate::register::bufring;
use crate::sys::{errno::*, io_uring, io_uring_buf_reg, io_uring_buf_ring};
use core::ffi::{c_int, c_uint, c_ushort, c_void};
use core::ptr;

/// Register the provided-buffer ring described by `reg` (ring address, entries, group
/// id); `flags` (e.g. `IOU_PBUF_RING_INC`) is or'ed into `reg->flags` first.
/// Returns 0 or `-errno` (`-EINVAL` for a NULL ring or `reg`).
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buf_ring(
    ring: *mut io_uring,
    reg: *mut io_uring_buf_reg,
    flags: c_uint,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: null-checked; the caller's struct.
    match unsafe { reg.as_mut() } {
        Some(g) => bufring::register_buf_ring(r, g, flags),
        None => -EINVAL,
    }
}

/// Unregister the buffer ring of group `bgid` (its memory stays the caller's).
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_buf_ring(ring: *mut io_uring, bgid: c_int) -> c_int {
    let r = ring!(ring);
    bufring::unregister_buf_ring(r, bgid)
}

/// Store the kernel's current head of buffer group `buf_group` in `*head`. Returns 0 or
/// `-errno` (`-EINVAL` for NULL `head`, `-ENOENT` for an unknown group).
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_head(ring: *mut io_uring, buf_group: c_int, head: *mut u16) -> c_int {
    let r = ring!(ring);
    if head.is_null() {
        return -EINVAL;
    }
    match bufring::buf_ring_head(r, buf_group) {
        Ok(h) => {
            // SAFETY: non-null out pointer.
            unsafe { *head = h };
            0
        }
        Err(e) => e,
    }
}

/// Allocate, register and initialise a ring of `nentries` (a power of two) provided
/// buffers for group `bgid`. With `IOU_PBUF_RING_MMAP` in `flags` the kernel allocates
/// the ring; other flags (`IOU_PBUF_RING_INC`) are passed on. Returns the ring, or NULL
/// with `*err` set to `-errno` (`err` may be NULL). Free it with `io_uring_free_buf_ring`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_setup_buf_ring(
    ring: *mut io_uring,
    nentries: c_uint,
    bgid: c_int,
    flags: c_uint,
    err: *mut c_int,
) -> *mut io_uring_buf_ring {
    // SAFETY: live() validates the ring.
    let res = match unsafe { live(ring) } {
        Some(r) => bufring::setup_buf_ring(r, nentries, bgid, flags),
        None => Err(-EINVAL),
    };
    let (br, e) = match res {
        Ok(br) => (br, 0),
        Err(e) => (ptr::null_mut(), e),
    };
    // SAFETY: null-checked out pointer.
    if let Some(err) = unsafe { err.as_mut() } {
        *err = e;
    }
    br
}

/// Unregister group `bgid` and free the ring `br` of `nentries` buffers that
/// `io_uring_setup_buf_ring` returned. Returns 0 or `-errno` (nothing is freed then).
#[no_mangle]
pub unsafe extern "C" fn io_uring_free_buf_ring(
    ring: *mut io_uring,
    br: *mut io_uring_buf_ring,
    nentries: c_uint,
    bgid: c_int,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: `br` came from io_uring_setup_buf_ring per the contract.
    unsafe { bufring::free_buf_ring(r, br, nentries, bgid) }
}

/// The index mask for a buffer ring of `ring_entries` entries (`ring_entries - 1`).
#[no_mangle]
pub extern "C" fn io_uring_buf_ring_mask(ring_entries: u32) -> c_int {
    bufring::buf_ring_mask(ring_entries)
}

/// Reset the tail of buffer ring `br` (NULL is ignored).
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_init(br: *mut io_uring_buf_ring) {
    if !br.is_null() {
        // SAFETY: non-null buffer ring.
        unsafe { bufring::buf_ring_init(br) }
    }
}

/// Put buffer `addr`/`len` with id `bid` into the slot `buf_offset` past the tail of
/// `br` (index masked with `mask`). It becomes visible to the kernel only with
/// `io_uring_buf_ring_advance`. NULL `br` is ignored.
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_add(
    br: *mut io_uring_buf_ring,
    addr: *mut c_void,
    len: c_uint,
    bid: c_ushort,
    mask: c_int,
    buf_offset: c_int,
) {
    if !br.is_null() {
        // SAFETY: a ring of mask + 1 entries per the contract.
        unsafe { bufring::buf_ring_add(br, addr as u64, len, bid, mask, buf_offset) }
    }
}

/// Make `count` added buffers visible to the kernel (the tail is published with release
/// ordering, after the buffer entries). NULL `br` is ignored.
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_advance(br: *mut io_uring_buf_ring, count: c_int) {
    if !br.is_null() {
        // SAFETY: non-null buffer ring.
        unsafe { bufring::buf_ring_advance(br, count) }
    }
}

/// Publish `buf_count` buffers to `br` and mark `cq_count` CQEs of `ring` seen, in one
/// call. A NULL `br` or invalid `ring` skips that half.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_buf_ring_cq_advance(
    ring: *mut io_uring,
    br: *mut io_uring_buf_ring,
    cq_count: c_int,
    buf_count: c_int,
) {
    if !br.is_null() {
        // SAFETY: non-null buffer ring.
        unsafe { bufring::buf_ring_advance(br, buf_count) }
    }
    // SAFETY: live() validates the ring.
    if let Some(r) = unsafe { live(ring) } {
        crate::ring::cq::cq_advance(r, cq_count as u32)
    }
}

/// Publish `count` buffers to `br` and mark `count` CQEs of `ring` seen.
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_cq_advance(ring: *mut io_uring, br: *mut io_uring_buf_ring, count: c_int) {
    // SAFETY: forwarded.
    unsafe { __io_uring_buf_ring_cq_advance(ring, br, count, count) }
}

/// Buffers published in `br` (group `bgid`) that the kernel has not consumed yet, or
/// `-errno` (`-EINVAL` for NULL `br`).
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_available(
    ring: *mut io_uring,
    br: *mut io_uring_buf_ring,
    bgid: c_ushort,
) -> c_int {
    let r = ring!(ring);
    if br.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null ring registered as `bgid` per the contract.
    match unsafe { bufring::buf_ring_available(r, br, bgid) } {
        Ok(n) => n as c_int,
        Err(e) => e,
    }
}
