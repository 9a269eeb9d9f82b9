//! Provided-buffer rings (`IORING_REGISTER_PBUF_RING`): registration, library-allocated
//! rings, the head query, and the application-side ring helpers.
//!
//! The ring is an array of `struct io_uring_buf`; the application owns the 16-bit tail
//! (overlaid on `bufs[0].resv`, offset 14) and publishes it with a release store, so
//! the kernel sees every buffer written before the tail that covers it. The kernel owns
//! the head, which only `IORING_REGISTER_PBUF_STATUS` reports.

use super::reg;
use crate::ring::neg;
use crate::sys::{self, errno::*, io_uring, io_uring_buf, io_uring_buf_reg, io_uring_buf_ring};
use core::mem::size_of;
use core::ptr;
use core::sync::atomic::{AtomicU16, Ordering};
use rustix::fd::BorrowedFd;
use rustix::mm::{self, MapFlags, ProtFlags};

/// `io_uring_register_buf_ring`: register the ring described by `reg`. As in liburing,
/// `flags` is or'ed into `reg.flags` first (the caller's struct is updated).
pub fn register_buf_ring(ring: &io_uring, reg_arg: &mut io_uring_buf_reg, flags: u32) -> i32 {
    reg_arg.flags |= flags as u16;
    // SAFETY: one buf_reg; the ring memory it names is the caller's business (the
    // kernel validates and pins it).
    unsafe { reg(ring, sys::IORING_REGISTER_PBUF_RING, reg_arg as *const io_uring_buf_reg, 1) }
}

/// `io_uring_unregister_buf_ring`: unregister buffer group `bgid`.
pub fn unregister_buf_ring(ring: &io_uring, bgid: i32) -> i32 {
    let r = io_uring_buf_reg { bgid: bgid as u16, ..Default::default() };
    // SAFETY: one buf_reg.
    unsafe { reg(ring, sys::IORING_UNREGISTER_PBUF_RING, &r, 1) }
}

/// `io_uring_buf_ring_head`: the kernel's current head of buffer group `buf_group`.
pub fn buf_ring_head(ring: &io_uring, buf_group: i32) -> Result<u16, i32> {
    let mut st = sys::io_uring_buf_status { buf_group: buf_group as u32, ..Default::default() };
    // SAFETY: one buf_status the kernel reads and writes.
    let ret = unsafe { reg(ring, sys::IORING_REGISTER_PBUF_STATUS, &mut st as *mut sys::io_uring_buf_status, 1) };
    if ret != 0 {
        return Err(ret);
    }
    Ok(st.head as u16)
}

/// Most entries the kernel accepts in a buffer ring (its 16-bit head and tail must tell
/// a full ring from an empty one).
pub const PBUF_RING_MAX_ENTRIES: u32 = 32768;

/// Bytes of a ring of `nentries` buffers, or `-EINVAL` for a size the kernel never
/// accepts (0, not a power of two, more than [`PBUF_RING_MAX_ENTRIES`]).
#[inline]
pub(crate) fn ring_bytes(nentries: u32) -> Result<usize, i32> {
    if !nentries.is_power_of_two() || nentries > PBUF_RING_MAX_ENTRIES {
        return Err(-EINVAL);
    }
    Ok(nentries as usize * size_of::<io_uring_buf>())
}

/// `io_uring_setup_buf_ring`: allocate, register and initialise a ring of `nentries`
/// buffers for group `bgid`. Without `IOU_PBUF_RING_MMAP` the library maps anonymous
/// memory and registers it; with it, the kernel allocates the ring and the library maps
/// it from the ring fd. Other `flags` (e.g. `IOU_PBUF_RING_INC`) go to the kernel.
/// Release with [`free_buf_ring`].
pub fn setup_buf_ring(ring: &io_uring, nentries: u32, bgid: i32, flags: u32) -> Result<*mut io_uring_buf_ring, i32> {
    let size = ring_bytes(nentries)?;
    let prot = ProtFlags::READ | ProtFlags::WRITE;
    let mut r = io_uring_buf_reg { ring_entries: nentries, bgid: bgid as u16, ..Default::default() };
    let br = if flags & sys::IOU_PBUF_RING_MMAP as u32 != 0 {
        let ret = register_buf_ring(ring, &mut r, flags);
        if ret != 0 {
            return Err(ret);
        }
        if ring.ring_fd < 0 {
            unregister_buf_ring(ring, bgid);
            return Err(-EBADF);
        }
        let off = sys::IORING_OFF_PBUF_RING | ((bgid as u16 as u64) << sys::IORING_OFF_PBUF_SHIFT);
        // SAFETY: the ring fd stays open for the call; the kernel checks size and offset.
        let m = unsafe {
            mm::mmap(
                ptr::null_mut(),
                size,
                prot,
                MapFlags::SHARED | MapFlags::POPULATE,
                BorrowedFd::borrow_raw(ring.ring_fd),
                off,
            )
        };
        match m {
            Ok(p) => p.cast::<io_uring_buf_ring>(),
            Err(e) => {
                unregister_buf_ring(ring, bgid);
                return Err(neg(e));
            }
        }
    } else {
        // SAFETY: a fresh anonymous mapping.
        let p = unsafe { mm::mmap_anonymous(ptr::null_mut(), size, prot, MapFlags::PRIVATE) }.map_err(neg)?;
        r.ring_addr = p as u64;
        let ret = register_buf_ring(ring, &mut r, flags);
        if ret != 0 {
            // SAFETY: mapped above, never handed out.
            let _ = unsafe { mm::munmap(p, size) };
            return Err(ret);
        }
        p.cast::<io_uring_buf_ring>()
    };
    // SAFETY: `br` maps at least one io_uring_buf (the kernel refused empty rings).
    unsafe { buf_ring_init(br) };
    Ok(br)
}

/// `io_uring_free_buf_ring`: unregister group `bgid`, then unmap the ring of
/// `nentries` buffers that [`setup_buf_ring`] returned. A size no ring can have is
/// `-EINVAL` before anything is unregistered or unmapped.
///
/// # Safety
/// `br` must come from [`setup_buf_ring`] with the same `nentries`, not yet freed.
pub unsafe fn free_buf_ring(ring: &io_uring, br: *mut io_uring_buf_ring, nentries: u32, bgid: i32) -> i32 {
    let size = match ring_bytes(nentries) {
        Ok(size) => size,
        Err(e) => return e,
    };
    let ret = unregister_buf_ring(ring, bgid);
    if ret != 0 {
        return ret;
    }
    if !br.is_null() {
        // SAFETY: per the contract, our mapping of that size.
        let _ = unsafe { mm::munmap(br.cast(), size) };
    }
    0
}

/// The ring's tail word, as an atomic.
///
/// # Safety
/// `br` must point to a live buffer ring.
#[inline(always)]
unsafe fn tail_atomic<'a>(br: *mut io_uring_buf_ring) -> &'a AtomicU16 {
    // SAFETY: the tail is an aligned u16 inside the ring; the kernel reads it concurrently.
    unsafe { &*(ptr::addr_of_mut!((*br).tail) as *const AtomicU16) }
}

/// `io_uring_buf_ring_init`: reset the tail to 0.
///
/// # Safety
/// `br` must point to a buffer ring.
#[inline]
pub unsafe fn buf_ring_init(br: *mut io_uring_buf_ring) {
    // SAFETY: caller contract. A plain store, as liburing does.
    unsafe { tail_atomic(br).store(0, Ordering::Relaxed) };
}

/// `io_uring_buf_ring_mask`: the index mask of a ring of `ring_entries` buffers.
#[inline]
pub fn buf_ring_mask(ring_entries: u32) -> i32 {
    ring_entries.wrapping_sub(1) as i32
}

/// `io_uring_buf_ring_add`: fill the slot `buf_offset` places past the tail with one
/// buffer (not yet visible to the kernel; see [`buf_ring_advance`]).
///
/// # Safety
/// `br` must point to a buffer ring of `mask + 1` entries.
#[inline]
pub unsafe fn buf_ring_add(br: *mut io_uring_buf_ring, addr: u64, len: u32, bid: u16, mask: i32, buf_offset: i32) {
    // SAFETY: caller contract: the tail is ours to read.
    let tail = unsafe { tail_atomic(br).load(Ordering::Relaxed) };
    let idx = (tail as i32).wrapping_add(buf_offset) & mask;
    // SAFETY: idx <= mask < entries: a slot of the ring.
    unsafe {
        let buf = (br as *mut io_uring_buf).add(idx as u32 as usize);
        ptr::addr_of_mut!((*buf).addr).write(addr);
        ptr::addr_of_mut!((*buf).len).write(len);
        ptr::addr_of_mut!((*buf).bid).write(bid);
    }
}

/// `io_uring_buf_ring_advance`: publish `count` added buffers (release store of the tail).
///
/// # Safety
/// `br` must point to a buffer ring.
#[inline]
pub unsafe fn buf_ring_advance(br: *mut io_uring_buf_ring, count: i32) {
    // SAFETY: caller contract.
    let t = unsafe { tail_atomic(br) };
    let new_tail = t.load(Ordering::Relaxed).wrapping_add(count as u16);
    t.store(new_tail, Ordering::Release);
}

/// `io_uring_buf_ring_available`: buffers the application published that the kernel
/// has not consumed yet (tail - head), or `Err(-errno)` from the head query.
///
/// # Safety
/// `br` must point to the buffer ring registered as group `bgid`.
pub unsafe fn buf_ring_available(ring: &io_uring, br: *mut io_uring_buf_ring, bgid: u16) -> Result<u16, i32> {
    let head = buf_ring_head(ring, bgid as i32)?;
    // SAFETY: caller contract.
    let tail = unsafe { tail_atomic(br).load(Ordering::Relaxed) };
    Ok(tail.wrapping_sub(head))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::TestRing;
    use super::*;

    #[test]
    fn helpers_fill_slots_and_wrap_the_tail() {
        let mut mem = [io_uring_buf::default(); 4];
        let br = mem.as_mut_ptr() as *mut io_uring_buf_ring;
        let mask = buf_ring_mask(4);
        assert_eq!(mask, 3);
        // SAFETY: `mem` is a 4-entry ring.
        unsafe {
            buf_ring_init(br);
            buf_ring_add(br, 0x1000, 10, 7, mask, 0);
            buf_ring_add(br, 0x2000, 20, 8, mask, 1);
            assert_eq!((*br).tail, 0, "add does not publish");
            buf_ring_advance(br, 2);
            assert_eq!((*br).tail, 2);
            buf_ring_add(br, 0x3000, 30, 9, mask, 2); // slot (2 + 2) & 3 = 0
            (*br).tail = 0xffff;
            buf_ring_advance(br, 2);
            assert_eq!((*br).tail, 1, "tail wraps at 16 bits");
        }
        assert_eq!((mem[1].addr, mem[1].len, mem[1].bid), (0x2000, 20, 8));
        // Slot 0 was rewritten; its resv (the tail's bytes) is untouched by add.
        assert_eq!((mem[0].addr, mem[0].len, mem[0].bid), (0x3000, 30, 9));
    }

    #[test]
    fn setup_head_available_free() {
        let ring = TestRing::new(4, 0);
        let br = setup_buf_ring(&ring.0, 8, 3, 0).expect("setup_buf_ring");
        assert_eq!(buf_ring_head(&ring.0, 3), Ok(0));
        // SAFETY: an 8-entry ring from setup_buf_ring.
        unsafe {
            buf_ring_add(br, 0x1000, 64, 0, buf_ring_mask(8), 0);
            buf_ring_advance(br, 1);
            assert_eq!(buf_ring_available(&ring.0, br, 3), Ok(1));
        }
        assert_eq!(buf_ring_head(&ring.0, 4), Err(-ENOENT));
        assert_eq!(setup_buf_ring(&ring.0, 8, 3, 0).err(), Some(-EEXIST));
        assert_eq!(setup_buf_ring(&ring.0, 3, 5, 0).err(), Some(-EINVAL));
        // SAFETY: the ring from above.
        unsafe {
            assert_eq!(free_buf_ring(&ring.0, br, 8, 3), 0);
            assert_eq!(free_buf_ring(&ring.0, ptr::null_mut(), 8, 3), -ENOENT);
        }
        let br = setup_buf_ring(&ring.0, 16, 9, sys::IOU_PBUF_RING_MMAP as u32).expect("mmap ring");
        // SAFETY: kernel-allocated ring mapped by setup_buf_ring.
        unsafe {
            assert_eq!((*br).tail, 0);
            assert_eq!(free_buf_ring(&ring.0, br, 16, 9), 0);
        }
    }
}
