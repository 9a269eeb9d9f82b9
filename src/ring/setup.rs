//! Ring creation, mapping and teardown (liburing's `setup.c`).

use super::{cqe_shift_from_flags, do_register, is_live, neg, sqe_shift_from_flags};
use crate::sys::page::page_size;
use crate::sys::{self, errno::*, io_uring, io_uring_cq, io_uring_cqe, io_uring_params, io_uring_sq, io_uring_sqe};
use core::ffi::c_void;
use core::mem::size_of;
use core::ptr;
use rustix::fd::BorrowedFd;
use rustix::mm::{self, MapFlags, ProtFlags};

/// The size liburing reserves for the ring header words in front of the CQEs.
const KRING_SIZE: usize = 64;
/// Huge page size used for library-allocated `NO_MMAP` memory larger than a page.
const HUGE_PAGE_SIZE: usize = 2 * 1024 * 1024;

/// `1 << ceil(log2(depth))` for depth >= 1.
fn roundup_pow2(depth: u32) -> u32 {
    if depth <= 1 {
        1
    } else {
        1u32 << (32 - (depth - 1).leading_zeros())
    }
}

/// Sizes the SQ and CQ the way the kernel will (liburing's `get_sq_cq_entries`).
pub fn sq_cq_entries(entries: u32, p: &io_uring_params) -> Result<(u32, u32), i32> {
    if entries == 0 {
        return Err(-EINVAL);
    }
    let mut entries = entries;
    if entries > sys::KERN_MAX_ENTRIES {
        if p.flags & sys::IORING_SETUP_CLAMP == 0 {
            return Err(-EINVAL);
        }
        entries = sys::KERN_MAX_ENTRIES;
    }
    let entries = roundup_pow2(entries);
    let cq = if p.flags & sys::IORING_SETUP_CQSIZE != 0 {
        if p.cq_entries == 0 {
            return Err(-EINVAL);
        }
        let mut cq = p.cq_entries;
        if cq > sys::KERN_MAX_CQ_ENTRIES {
            if p.flags & sys::IORING_SETUP_CLAMP == 0 {
                return Err(-EINVAL);
            }
            cq = sys::KERN_MAX_CQ_ENTRIES;
        }
        let cq = roundup_pow2(cq);
        if cq < entries {
            return Err(-EINVAL);
        }
        cq
    } else {
        2 * entries
    };
    Ok((entries, cq))
}

fn params_sqes_size(p: &io_uring_params, sqes: u32) -> usize {
    ((sqes as usize) << sqe_shift_from_flags(p.flags)) * size_of::<io_uring_sqe>()
}

fn params_cq_size(p: &io_uring_params, cqes: u32) -> usize {
    ((cqes as usize) << cqe_shift_from_flags(p.flags)) * size_of::<io_uring_cqe>()
}

#[inline]
fn align_up(v: usize, a: usize) -> usize {
    (v + a - 1) & !(a - 1)
}

/// Unmaps the SQ/CQ ring mappings we own (sizes of 0 mean "not ours").
///
/// # Safety
/// The pointers and sizes must describe mappings made by this module.
pub(crate) unsafe fn unmap_rings(sq: &io_uring_sq, cq: &io_uring_cq) {
    // SAFETY: per the function contract; munmap errors leave nothing to undo.
    unsafe {
        if sq.ring_sz != 0 && !sq.ring_ptr.is_null() {
            let _ = mm::munmap(sq.ring_ptr, sq.ring_sz);
        }
        if !cq.ring_ptr.is_null() && cq.ring_sz != 0 && cq.ring_ptr != sq.ring_ptr {
            let _ = mm::munmap(cq.ring_ptr, cq.ring_sz);
        }
    }
}

/// Checks that every kernel-provided offset lies inside the mapping it indexes, once,
/// so the hot path can trust them.
pub(crate) fn offsets_fit(p: &io_uring_params, sq_sz: usize, cq_sz: usize) -> bool {
    let so = &p.sq_off;
    let co = &p.cq_off;
    let word = |off: u32, sz: usize| (off as usize) % 4 == 0 && (off as usize) + 4 <= sz;
    let sq_ok = [so.head, so.tail, so.ring_mask, so.ring_entries, so.flags, so.dropped].iter().all(|&o| word(o, sq_sz));
    let array_ok =
        p.flags & sys::IORING_SETUP_NO_SQARRAY != 0 || (so.array as usize) + (p.sq_entries as usize) * 4 <= sq_sz;
    let cq_ok = [co.head, co.tail, co.ring_mask, co.ring_entries, co.overflow].iter().all(|&o| word(o, cq_sz))
        && (co.flags == 0 || word(co.flags, cq_sz))
        && (co.cqes as usize) % 16 == 0
        && (co.cqes as usize) + params_cq_size(p, p.cq_entries) <= cq_sz;
    sq_ok && array_ok && cq_ok
}

/// Points the ring's fields at the mapped memory (liburing's `setup_ring_pointers`).
///
/// # Safety
/// `sq.ring_ptr` / `cq.ring_ptr` must be mappings that `offsets_fit` accepted.
pub(crate) unsafe fn setup_ring_pointers(p: &io_uring_params, sq: &mut io_uring_sq, cq: &mut io_uring_cq) {
    let s = sq.ring_ptr as *mut u8;
    let c = cq.ring_ptr as *mut u8;
    // SAFETY: every offset was checked to lie within its mapping.
    unsafe {
        sq.khead = s.add(p.sq_off.head as usize).cast();
        sq.ktail = s.add(p.sq_off.tail as usize).cast();
        sq.kring_mask = s.add(p.sq_off.ring_mask as usize).cast();
        sq.kring_entries = s.add(p.sq_off.ring_entries as usize).cast();
        sq.kflags = s.add(p.sq_off.flags as usize).cast();
        sq.kdropped = s.add(p.sq_off.dropped as usize).cast();
        if p.flags & sys::IORING_SETUP_NO_SQARRAY == 0 {
            sq.array = s.add(p.sq_off.array as usize).cast();
        }
        cq.khead = c.add(p.cq_off.head as usize).cast();
        cq.ktail = c.add(p.cq_off.tail as usize).cast();
        cq.kring_mask = c.add(p.cq_off.ring_mask as usize).cast();
        cq.kring_entries = c.add(p.cq_off.ring_entries as usize).cast();
        cq.koverflow = c.add(p.cq_off.overflow as usize).cast();
        cq.cqes = c.add(p.cq_off.cqes as usize).cast();
        if p.cq_off.flags != 0 {
            cq.kflags = c.add(p.cq_off.flags as usize).cast();
        }
        sq.ring_mask = *sq.kring_mask;
        sq.ring_entries = *sq.kring_entries;
        cq.ring_mask = *cq.kring_mask;
        cq.ring_entries = *cq.kring_entries;
    }
}

/// Maps the rings and SQEs of ring fd `fd` as described by `p` (liburing's `io_uring_mmap`).
///
/// # Safety
/// `sq`/`cq` must be zeroed; on error nothing stays mapped.
pub unsafe fn mmap_rings(fd: i32, p: &io_uring_params, sq: &mut io_uring_sq, cq: &mut io_uring_cq) -> i32 {
    if fd < 0 {
        return -EBADF;
    }
    // SAFETY: fd >= 0; it is only borrowed for the duration of the mmap calls.
    let bfd = unsafe { BorrowedFd::borrow_raw(fd) };
    let prot = ProtFlags::READ | ProtFlags::WRITE;
    let flags = MapFlags::SHARED | MapFlags::POPULATE;

    let sqes_sz = params_sqes_size(p, p.sq_entries);
    if sqes_sz > u32::MAX as usize || sqes_sz == 0 {
        return -EINVAL;
    }
    sq.ring_sz = p.sq_off.array as usize + p.sq_entries as usize * 4;
    cq.ring_sz = p.cq_off.cqes as usize + params_cq_size(p, p.cq_entries);
    if p.features & sys::IORING_FEAT_SINGLE_MMAP != 0 {
        sq.ring_sz = sq.ring_sz.max(cq.ring_sz);
        cq.ring_sz = sq.ring_sz;
    }
    if !offsets_fit(p, sq.ring_sz, cq.ring_sz) {
        *sq = io_uring_sq::zeroed();
        *cq = io_uring_cq::zeroed();
        return -EINVAL;
    }
    // SAFETY: a fresh shared mapping of the ring fd; the kernel checks size and offset.
    match unsafe { mm::mmap(ptr::null_mut(), sq.ring_sz, prot, flags, bfd, sys::IORING_OFF_SQ_RING) } {
        Ok(p) => sq.ring_ptr = p,
        Err(e) => {
            *sq = io_uring_sq::zeroed();
            *cq = io_uring_cq::zeroed();
            return neg(e);
        }
    }
    if p.features & sys::IORING_FEAT_SINGLE_MMAP != 0 {
        cq.ring_ptr = sq.ring_ptr;
    } else {
        // SAFETY: as above.
        match unsafe { mm::mmap(ptr::null_mut(), cq.ring_sz, prot, flags, bfd, sys::IORING_OFF_CQ_RING) } {
            Ok(p) => cq.ring_ptr = p,
            Err(e) => {
                cq.ring_ptr = ptr::null_mut();
                // SAFETY: sq ring was mapped above.
                unsafe { unmap_rings(sq, cq) };
                *sq = io_uring_sq::zeroed();
                *cq = io_uring_cq::zeroed();
                return neg(e);
            }
        }
    }
    sq.sqes_sz = sqes_sz as u32;
    // SAFETY: as above.
    match unsafe { mm::mmap(ptr::null_mut(), sqes_sz, prot, flags, bfd, sys::IORING_OFF_SQES) } {
        Ok(p) => sq.sqes = p.cast(),
        Err(e) => {
            // SAFETY: both rings were mapped above.
            unsafe { unmap_rings(sq, cq) };
            *sq = io_uring_sq::zeroed();
            *cq = io_uring_cq::zeroed();
            return neg(e);
        }
    }
    // SAFETY: mappings made above, offsets checked.
    unsafe { setup_ring_pointers(p, sq, cq) };
    if !sizes_match(p, sq, cq) {
        // SAFETY: all three mappings were made above and nothing refers to them.
        unsafe {
            let _ = mm::munmap(sq.sqes.cast(), sq.sqes_sz as usize);
            unmap_rings(sq, cq);
        }
        *sq = io_uring_sq::zeroed();
        *cq = io_uring_cq::zeroed();
        return -EINVAL;
    }
    0
}

/// The ring sizes the kernel wrote into the rings agree with the params the mappings
/// were sized from (params passed to `io_uring_queue_mmap` come from the caller): the
/// hot path indexes SQEs and CQEs with these masks.
fn sizes_match(p: &io_uring_params, sq: &io_uring_sq, cq: &io_uring_cq) -> bool {
    let pow2 = |n: u32| n != 0 && n & (n - 1) == 0;
    pow2(sq.ring_entries)
        && pow2(cq.ring_entries)
        && sq.ring_entries == p.sq_entries
        && cq.ring_entries == p.cq_entries
        && sq.ring_mask == sq.ring_entries - 1
        && cq.ring_mask == cq.ring_entries - 1
}

/// Allocates the memory a `NO_MMAP` ring lives in (liburing's `io_uring_alloc_huge`):
/// the caller's buffer, or one page / one huge page per region. Returns bytes used.
///
/// # Safety
/// `buf` null, or valid for `buf_size` bytes for the ring's lifetime.
unsafe fn alloc_no_mmap(
    entries: u32,
    p: &mut io_uring_params,
    sq: &mut io_uring_sq,
    cq: &mut io_uring_cq,
    buf: *mut c_void,
    buf_size: usize,
) -> i32 {
    let page = page_size();
    let (sq_entries, cq_entries) = match sq_cq_entries(entries, p) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let mut sqes_mem = params_sqes_size(p, sq_entries);
    if p.flags & sys::IORING_SETUP_NO_SQARRAY == 0 {
        sqes_mem += sq_entries as usize * 4;
    }
    let sqes_mem = align_up(sqes_mem, page);
    let ring_mem = KRING_SIZE + params_cq_size(p, cq_entries);
    let mem_used = align_up(sqes_mem + ring_mem, page);

    if buf.is_null() && (sqes_mem > HUGE_PAGE_SIZE || ring_mem > HUGE_PAGE_SIZE) {
        return -ENOMEM;
    }
    let anon = |len: usize| -> Result<*mut c_void, i32> {
        let huge = if len > page { MapFlags::HUGETLB } else { MapFlags::empty() };
        let size = if len > page { HUGE_PAGE_SIZE } else { page };
        // SAFETY: a fresh anonymous mapping.
        unsafe {
            mm::mmap_anonymous(ptr::null_mut(), size, ProtFlags::READ | ProtFlags::WRITE, MapFlags::SHARED | huge)
        }
        .map_err(neg)
    };
    let (ptr, avail, sqes_size) = if !buf.is_null() {
        if mem_used > buf_size {
            return -ENOMEM;
        }
        (buf, buf_size, 0usize)
    } else {
        let size = if sqes_mem > page { HUGE_PAGE_SIZE } else { page };
        match anon(sqes_mem) {
            Ok(p) => (p, size, size),
            Err(e) => return e,
        }
    };
    sq.sqes = ptr.cast();
    sq.sqes_sz = sqes_size as u32;
    if mem_used <= avail {
        // SAFETY: sqes_mem < mem_used <= avail bytes of the region.
        sq.ring_ptr = unsafe { (ptr as *mut u8).add(sqes_mem) }.cast();
        sq.ring_sz = 0;
        cq.ring_sz = 0;
    } else {
        match anon(ring_mem) {
            Ok(r) => {
                sq.ring_ptr = r;
                sq.ring_sz = if ring_mem > page { HUGE_PAGE_SIZE } else { page };
                cq.ring_sz = 0;
            }
            Err(e) => {
                if sqes_size != 0 {
                    // SAFETY: mapped above by us.
                    unsafe {
                        let _ = mm::munmap(ptr, sqes_size);
                    }
                }
                sq.sqes = ptr::null_mut();
                return e;
            }
        }
    }
    cq.ring_ptr = sq.ring_ptr;
    p.sq_off.user_addr = sq.sqes as u64;
    p.cq_off.user_addr = sq.ring_ptr as u64;
    mem_used as i32
}

/// Closes an fd we own (errors are not actionable at that point).
fn close_fd(fd: i32) {
    if fd >= 0 {
        // SAFETY: the fd is owned by the ring being torn down and is not used afterwards.
        unsafe { rustix::io::close(fd) };
    }
}

/// Drops a ring that setup created but cannot use. With `REGISTERED_FD_ONLY` the
/// setup result is a registered-ring index, not a file descriptor: unregistering it
/// frees the ring, while close(2) would close whatever fd of the app has that number.
fn release_new_ring(fd: i32, flags: u32) {
    if flags & sys::IORING_SETUP_REGISTERED_FD_ONLY == 0 {
        close_fd(fd);
        return;
    }
    let up = sys::io_uring_rsrc_update { offset: fd as u32, ..Default::default() };
    let opcode = sys::IORING_UNREGISTER_RING_FDS | sys::IORING_REGISTER_USE_REGISTERED_RING;
    // SAFETY: `up` is a valid rsrc_update for UNREGISTER_RING_FDS.
    unsafe { sys::syscall::io_uring_register(fd as u32, opcode, &up as *const _ as *const c_void, 1) };
}

/// Identity-maps SQ array slots to SQE indices (rings with an SQ array).
///
/// # Safety
/// `ring.sq.array`, when non-null, holds `ring.sq.ring_entries` slots.
unsafe fn init_sq_array(ring: &mut io_uring) {
    if ring.sq.array.is_null() {
        return;
    }
    for i in 0..ring.sq.ring_entries {
        // SAFETY: i < ring_entries, within the mapped array.
        unsafe { *ring.sq.array.add(i as usize) = i };
    }
}

/// Finishes a freshly mapped ring: fields liburing fills after mapping.
fn finish_ring(ring: &mut io_uring, fd: i32, p: &io_uring_params) {
    ring.features = p.features;
    ring.flags = p.flags;
    ring.enter_ring_fd = fd;
    if p.flags & sys::IORING_SETUP_REGISTERED_FD_ONLY != 0 {
        ring.ring_fd = -1;
        ring.int_flags |= sys::INT_FLAG_REG_RING | sys::INT_FLAG_REG_REG_RING;
    } else {
        ring.ring_fd = fd;
    }
    // IOPOLL rings must enter to reap completions, unless SQPOLL polls for them.
    if ring.flags & (sys::IORING_SETUP_IOPOLL | sys::IORING_SETUP_SQPOLL) == sys::IORING_SETUP_IOPOLL {
        ring.int_flags |= sys::INT_FLAG_CQ_ENTER;
    }
    crate::trace::on_ring_setup();
}

/// One attempt at `__io_uring_queue_init_params`.
///
/// # Safety
/// `buf` null or valid for `buf_size` bytes for the ring's lifetime.
pub(crate) unsafe fn queue_init_once(
    entries: u32,
    ring: &mut io_uring,
    p: &mut io_uring_params,
    buf: *mut c_void,
    buf_size: usize,
) -> i32 {
    *ring = io_uring::zeroed();
    // The kernel checks this too; checking first keeps cleanup simple.
    if p.flags & sys::IORING_SETUP_REGISTERED_FD_ONLY != 0 && p.flags & sys::IORING_SETUP_NO_MMAP == 0 {
        *ring = io_uring::zeroed();
        return -EINVAL;
    }
    let mut ret = 0;
    if p.flags & sys::IORING_SETUP_NO_MMAP != 0 {
        // SAFETY: forwarded buffer contract.
        ret = unsafe { alloc_no_mmap(entries, p, &mut ring.sq, &mut ring.cq, buf, buf_size) };
        if ret < 0 {
            *ring = io_uring::zeroed();
            return ret;
        }
        if !buf.is_null() {
            ring.int_flags |= sys::INT_FLAG_APP_MEM;
        }
    }
    // SAFETY: `p` is a valid, writable params struct.
    let fd = unsafe { sys::syscall::io_uring_setup(entries, p) };
    if fd < 0 {
        if p.flags & sys::IORING_SETUP_NO_MMAP != 0 && ring.int_flags & sys::INT_FLAG_APP_MEM == 0 {
            // SAFETY: mapped by alloc_no_mmap.
            unsafe {
                let _ = mm::munmap(ring.sq.sqes.cast(), ring.sq.sqes_sz as usize);
                unmap_rings(&ring.sq, &ring.cq);
            }
        }
        *ring = io_uring::zeroed();
        return fd;
    }
    if p.flags & sys::IORING_SETUP_NO_MMAP == 0 {
        // SAFETY: ring.sq/cq are zeroed.
        let r = unsafe { mmap_rings(fd, p, &mut ring.sq, &mut ring.cq) };
        if r != 0 {
            close_fd(fd);
            *ring = io_uring::zeroed();
            return r;
        }
    } else {
        let region = if ring.sq.ring_sz != 0 { ring.sq.ring_sz } else { ret as usize };
        let fits = offsets_fit(p, region, region);
        if fits {
            // SAFETY: offsets checked against the region we allocated.
            unsafe { setup_ring_pointers(p, &mut ring.sq, &mut ring.cq) };
        }
        if !fits || !sizes_match(p, &ring.sq, &ring.cq) {
            // SAFETY: the ring was not published anywhere; undo our allocation.
            unsafe { teardown_memory(ring) };
            release_new_ring(fd, p.flags);
            *ring = io_uring::zeroed();
            return -EINVAL;
        }
    }
    // SAFETY: pointers set up above.
    unsafe { init_sq_array(ring) };
    finish_ring(ring, fd, p);
    ret
}

/// `__io_uring_queue_init_params` with liburing 2.15's default of trying
/// `IORING_SETUP_NO_SQARRAY` first (falling back when the kernel refuses it and the
/// caller did not ask for it).
///
/// # Safety
/// `buf` null or valid for `buf_size` bytes for the ring's lifetime.
pub unsafe fn queue_init_params(
    entries: u32,
    ring: &mut io_uring,
    p: &mut io_uring_params,
    buf: *mut c_void,
    buf_size: usize,
) -> i32 {
    let flags = p.flags;
    p.flags |= sys::IORING_SETUP_NO_SQARRAY;
    // SAFETY: forwarded.
    let mut ret = unsafe { queue_init_once(entries, ring, p, buf, buf_size) };
    if ret == -EINVAL && flags & sys::IORING_SETUP_NO_SQARRAY == 0 {
        p.flags = flags;
        // SAFETY: forwarded.
        ret = unsafe { queue_init_once(entries, ring, p, buf, buf_size) };
    }
    if ret < 0 {
        crate::trace::on_setup_failed(ret, entries, flags);
    }
    ret
}

/// `io_uring_queue_mmap`: map a ring fd the caller created with `io_uring_setup`.
///
/// Unlike liburing 2.15 (which leaves them zero), this also fills `flags`, `ring_fd`,
/// `enter_ring_fd` and `features` and the SQ array, as liburing 2.3 did, so the ring
/// is usable as is.
///
/// # Safety
/// `p` must be the params the kernel filled in for `fd`.
pub unsafe fn queue_mmap(fd: i32, p: &io_uring_params, ring: &mut io_uring) -> i32 {
    *ring = io_uring::zeroed();
    // SAFETY: sq/cq zeroed above.
    let ret = unsafe { mmap_rings(fd, p, &mut ring.sq, &mut ring.cq) };
    if ret != 0 {
        *ring = io_uring::zeroed();
        return ret;
    }
    // SAFETY: mapped above.
    unsafe { init_sq_array(ring) };
    finish_ring(ring, fd, p);
    ring.int_flags &= !(sys::INT_FLAG_REG_RING | sys::INT_FLAG_REG_REG_RING);
    if ring.ring_fd < 0 {
        ring.ring_fd = fd;
    }
    0
}

/// Unmaps whatever memory the ring owns (not the caller's `queue_init_mem` buffer).
///
/// # Safety
/// The ring's memory fields must be as this module set them.
unsafe fn teardown_memory(ring: &mut io_uring) {
    if ring.int_flags & sys::INT_FLAG_APP_MEM != 0 {
        return;
    }
    // SAFETY: these are our own mappings with their recorded sizes.
    unsafe {
        if !ring.sq.sqes.is_null() && ring.sq.sqes_sz != 0 {
            let _ = mm::munmap(ring.sq.sqes.cast(), ring.sq.sqes_sz as usize);
        }
        unmap_rings(&ring.sq, &ring.cq);
    }
}

/// `io_uring_queue_exit`: unregister the ring fd if registered, unmap, close. The ring
/// is left zeroed with fds of -1, so a second exit (or any later call) is harmless.
///
/// # Safety
/// `ring` must be null or point to a `struct io_uring`.
pub unsafe fn queue_exit(ring: *mut io_uring) {
    // SAFETY: null-checked by is_live; caller guarantees readability.
    if !unsafe { is_live(ring) } {
        return;
    }
    // SAFETY: live ring.
    let ring = unsafe { &mut *ring };
    // SAFETY: our own mappings.
    unsafe { teardown_memory(ring) };
    if ring.int_flags & sys::INT_FLAG_REG_RING != 0 {
        // Frees the registered slot now rather than at exit; the fd is closed anyway.
        let up = sys::io_uring_rsrc_update { offset: ring.enter_ring_fd as u32, ..Default::default() };
        // SAFETY: `up` is a valid rsrc_update for UNREGISTER_RING_FDS.
        unsafe { do_register(ring, sys::IORING_UNREGISTER_RING_FDS, &up as *const _ as *const c_void, 1) };
    }
    close_fd(ring.ring_fd);
    *ring = io_uring::zeroed();
}

/// `io_uring_ring_dontfork`: keep the ring mappings out of forked children.
///
/// # Safety
/// `ring` must be null or point to a `struct io_uring`.
pub unsafe fn ring_dontfork(ring: *mut io_uring) -> i32 {
    if ring.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null, caller guarantees validity.
    let ring = unsafe { &*ring };
    if ring.sq.ring_ptr.is_null() || ring.sq.sqes.is_null() || ring.cq.ring_ptr.is_null() {
        return -EINVAL;
    }
    let sqes_len = ((ring.sq.ring_entries as usize) << sqe_shift_from_flags(ring.flags)) * size_of::<io_uring_sqe>();
    let advise = |addr: *mut c_void, len: usize| -> i32 {
        if len == 0 {
            return 0;
        }
        // SAFETY: the range is one of the ring's own mappings.
        match unsafe { mm::madvise(addr, len, mm::Advice::LinuxDontFork) } {
            Ok(()) => 0,
            Err(e) => neg(e),
        }
    };
    let r = advise(ring.sq.sqes.cast(), sqes_len);
    if r < 0 {
        return r;
    }
    // A NO_MMAP ring whose rings share one region with the SQEs records ring_sz 0 (one
    // allocation to undo); its rings still need covering (liburing skips them).
    let ring_len = if ring.sq.ring_sz != 0 { ring.sq.ring_sz } else { rings_region_len(ring) };
    let r = advise(ring.sq.ring_ptr, ring_len);
    if r < 0 {
        return r;
    }
    if ring.cq.ring_ptr != ring.sq.ring_ptr {
        let r = advise(ring.cq.ring_ptr, ring.cq.ring_sz);
        if r < 0 {
            return r;
        }
    }
    0
}

/// Bytes from `ring_ptr` to the end of the CQEs (and of the SQ array, when there is one):
/// the extent of the rings in a single-region `NO_MMAP` ring.
fn rings_region_len(ring: &io_uring) -> usize {
    let base = ring.sq.ring_ptr as usize;
    let cqes_len = ((ring.cq.ring_entries as usize) << cqe_shift_from_flags(ring.flags)) * size_of::<io_uring_cqe>();
    let mut end = (ring.cq.cqes as usize).saturating_add(cqes_len);
    if !ring.sq.array.is_null() {
        end = end.max((ring.sq.array as usize).saturating_add(ring.sq.ring_entries as usize * 4));
    }
    end.saturating_sub(base)
}

/// Bytes of memory a ring with these parameters needs (liburing's `rings_size`).
fn rings_size(p: &io_uring_params, entries: u32, cq_entries: u32) -> usize {
    let page = page_size();
    let cq = align_up(params_cq_size(p, cq_entries) + KRING_SIZE, page);
    let sq = align_up(params_sqes_size(p, entries), page);
    cq + sq
}

/// `io_uring_memory_size_params`.
pub fn memory_size_params(entries: u32, p: &io_uring_params) -> isize {
    match sq_cq_entries(entries, p) {
        Ok((sq, cq)) => rings_size(p, sq, cq) as isize,
        Err(e) => e as isize,
    }
}

/// `io_uring_mlock_size_params`: 0 on kernels that account ring memory to cgroups
/// (`IORING_FEAT_NATIVE_WORKERS`), else the ring memory size.
pub fn mlock_size_params(entries: u32, p: &io_uring_params) -> isize {
    let mut lp = io_uring_params::default();
    let mut ring = io_uring::zeroed();
    // SAFETY: probing with a fresh params struct and ring, torn down at once.
    unsafe {
        if queue_init_params(entries, &mut ring, &mut lp, ptr::null_mut(), 0) >= 0 {
            queue_exit(&mut ring);
        }
    }
    if lp.features & sys::IORING_FEAT_NATIVE_WORKERS != 0 {
        return 0;
    }
    memory_size_params(entries, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizing_follows_liburing() {
        let p = io_uring_params::default();
        assert_eq!(sq_cq_entries(0, &p), Err(-EINVAL));
        assert_eq!(sq_cq_entries(1, &p), Ok((1, 2)));
        assert_eq!(sq_cq_entries(5, &p), Ok((8, 16)));
        assert_eq!(sq_cq_entries(32768, &p), Ok((32768, 65536)));
        assert_eq!(sq_cq_entries(32769, &p), Err(-EINVAL));
        let clamp = io_uring_params { flags: sys::IORING_SETUP_CLAMP, ..Default::default() };
        assert_eq!(sq_cq_entries(u32::MAX, &clamp), Ok((32768, 65536)));
        let cqsize = io_uring_params { flags: sys::IORING_SETUP_CQSIZE, cq_entries: 3, ..Default::default() };
        assert_eq!(sq_cq_entries(8, &cqsize), Err(-EINVAL));
        let cqsize = io_uring_params { flags: sys::IORING_SETUP_CQSIZE, cq_entries: 100, ..Default::default() };
        assert_eq!(sq_cq_entries(4, &cqsize), Ok((4, 128)));
        assert_eq!(roundup_pow2(u32::MAX / 2 + 1), 1 << 31);
    }

    #[test]
    fn memory_size_is_page_multiple() {
        let p = io_uring_params::default();
        let sz = memory_size_params(64, &p);
        assert!(sz > 0 && sz as usize % page_size() == 0);
        assert_eq!(memory_size_params(0, &p), -EINVAL as isize);
    }
}
