//! [`BufRing`]: an owned provided-buffer ring (`IORING_REGISTER_PBUF_RING`), with
//! optional incremental consumption (`IOU_PBUF_RING_INC`).
//!
//! Soundness: a buffer (or, incrementally, a piece of one) is handed out by
//! [`BufRing::take`] only once the kernel is provably done writing it: the ring's head
//! (queried from the kernel when our cached copy does not already show it) has moved
//! past the buffer, or, for a partial piece, the kernel's own cursor in the ring entry
//! has moved past the piece. So a forged or replayed completion can at worst yield
//! `None`. Buffers go back to the kernel only when every piece handed out has been
//! recycled. Ring memory and buffer memory are mapped by the library; the ring is
//! unregistered (through a duplicate of the ring fd, so it always reaches the right
//! ring) before the buffers are unmapped, and if that fails the memory is leaked
//! rather than freed.

use super::{Cqe, IoUring, RegisterError};
use crate::register::bufring;
use crate::sys::{self, errno::*, io_uring, io_uring_buf, io_uring_buf_ring};
use core::fmt;
use core::ptr;
use core::sync::atomic::{AtomicU64, Ordering};
use rustix::fd::{AsRawFd, BorrowedFd, OwnedFd};
use rustix::mm::{self, MapFlags, ProtFlags};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

const IN_KERNEL: u8 = 0;
const OUT: u8 = 1;

/// Per-buffer bookkeeping, kept in the library's mapping after the buffers.
#[repr(C)]
#[derive(Clone, Copy)]
struct Meta {
    /// Ring position (tail value) the buffer was last published at.
    pos: u16,
    /// IN_KERNEL or OUT (the kernel is done with the whole buffer).
    state: u8,
    _pad: u8,
    /// Pieces handed out and not recycled yet (u32: an incremental buffer larger than
    /// 64 KiB can be handed out in more than `u16::MAX` pieces).
    pieces: u32,
    /// Incremental mode: bytes of the buffer already handed out.
    offset: u32,
}

/// A provided-buffer ring for buffer group `bgid`: `entries` buffers of `buf_len`
/// bytes the kernel picks from for operations with
/// [`buf_group`](crate::ops::Recv::buf_group) (`Recv::buffer_select`, multishot
/// receives, `ReadMulti` …).
///
/// ```
/// use io_urine::{ops, BufRing, IoUring};
/// use std::io::Write;
/// use std::os::fd::AsRawFd;
///
/// let mut ring = IoUring::new(8)?;
/// let mut bufs = BufRing::new(&ring, 7, 4, 64)?;
/// let (mut a, b) = std::os::unix::net::UnixStream::pair()?;
/// a.write_all(b"ping")?;
/// ring.push(&ops::Recv::buffer_select(b.as_raw_fd(), 7).user_data(1))?;
/// ring.submit_and_wait(1)?;
/// let cqe = ring.wait_cqe()?;
/// ring.cqe_seen();
/// let buf = bufs.take(&cqe).expect("a provided buffer");
/// assert_eq!(bufs.data(&buf), b"ping");
/// bufs.recycle(buf); // back to the kernel
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct BufRing {
    br: *mut io_uring_buf_ring,
    mem: *mut u8,
    mem_len: usize,
    meta: *mut Meta,
    entries: u32,
    buf_len: u32,
    bgid: u16,
    incremental: bool,
    tail: u16,
    known_head: u16,
    /// A minimal ring struct whose `ring_fd` is `dup_fd`, for register calls.
    reg: io_uring,
    /// Keeps the ring alive and is the fd `reg` uses; closed on drop.
    _dup_fd: OwnedFd,
    id: u64,
}

// SAFETY: all memory is process-wide mappings owned by this value; the kernel side is
// reached through a file descriptor. Nothing is tied to a thread.
unsafe impl Send for BufRing {}

/// A buffer (or, with incremental consumption, a piece of one) handed out by
/// [`BufRing::take`]: read it with [`BufRing::data`], give it back with
/// [`BufRing::recycle`]. Not `Clone`; forgetting it keeps the buffer out of the ring.
#[derive(Debug)]
#[must_use = "recycle the buffer, or the ring runs out"]
pub struct Buffer {
    ring_id: u64,
    bid: u16,
    offset: u32,
    len: u32,
}

impl Buffer {
    /// The buffer id (the kernel's `bid`).
    pub fn bid(&self) -> u16 {
        self.bid
    }

    /// Bytes of data.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True when the completion carried no data (e.g. end of stream).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl BufRing {
    /// Registers group `bgid` on `ring` with `entries` (a power of two up to 32768)
    /// buffers of `buf_len` bytes, all handed to the kernel.
    pub fn new(ring: &IoUring, bgid: u16, entries: u16, buf_len: u32) -> Result<Self, RegisterError> {
        Self::with_flags(ring, bgid, entries, buf_len, false)
    }

    /// As [`new`](Self::new) with incremental consumption (`IOU_PBUF_RING_INC`): the
    /// kernel fills each buffer piece by piece across completions (flagged
    /// [`Cqe::buf_more`] while the buffer has room left).
    pub fn new_incremental(ring: &IoUring, bgid: u16, entries: u16, buf_len: u32) -> Result<Self, RegisterError> {
        Self::with_flags(ring, bgid, entries, buf_len, true)
    }

    fn with_flags(
        ring: &IoUring,
        bgid: u16,
        entries: u16,
        buf_len: u32,
        incremental: bool,
    ) -> Result<Self, RegisterError> {
        let einval = RegisterError::from_raw(-EINVAL);
        if entries == 0 || !entries.is_power_of_two() || entries > 32768 || buf_len == 0 {
            return Err(einval);
        }
        let n = entries as usize;
        let bufs_len = n.checked_mul(buf_len as usize).ok_or(einval)?;
        let meta_off = bufs_len.checked_add(7).ok_or(einval)? & !7;
        let mem_len = meta_off.checked_add(n * core::mem::size_of::<Meta>()).ok_or(einval)?;
        if ring.ring.ring_fd < 0 {
            return Err(RegisterError::from_raw(-EBADF));
        }
        // SAFETY: the ring fd is open while `ring` lives (the safe API never closes it).
        let ring_fd = unsafe { BorrowedFd::borrow_raw(ring.ring.ring_fd) };
        let dup_fd =
            rustix::io::fcntl_dupfd_cloexec(ring_fd, 0).map_err(|e| RegisterError::from_raw(-e.raw_os_error()))?;
        let mut reg = io_uring::zeroed();
        reg.ring_fd = dup_fd.as_raw_fd();
        reg.enter_ring_fd = reg.ring_fd;
        reg.flags = ring.ring.flags;
        reg.features = ring.ring.features;
        // SAFETY: a fresh private anonymous mapping (zero-filled).
        let mem = unsafe {
            mm::mmap_anonymous(ptr::null_mut(), mem_len, ProtFlags::READ | ProtFlags::WRITE, MapFlags::PRIVATE)
        }
        .map_err(|e| RegisterError::from_raw(-e.raw_os_error()))?
        .cast::<u8>();
        let flags = if incremental { sys::IOU_PBUF_RING_INC as u32 } else { 0 };
        let br = match bufring::setup_buf_ring(&reg, entries as u32, bgid as i32, flags) {
            Ok(br) => br,
            Err(e) => {
                // SAFETY: mapped above, never handed to the kernel.
                let _ = unsafe { mm::munmap(mem.cast(), mem_len) };
                return Err(RegisterError::from_raw(e));
            }
        };
        let mut me = BufRing {
            br,
            mem,
            mem_len,
            // SAFETY: meta_off + n * size_of::<Meta>() <= mem_len; 8-aligned offset.
            meta: unsafe { mem.add(meta_off) }.cast::<Meta>(),
            entries: entries as u32,
            buf_len,
            bgid,
            incremental,
            tail: 0,
            known_head: 0,
            reg,
            _dup_fd: dup_fd,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        };
        for bid in 0..entries {
            me.publish(bid);
        }
        Ok(me)
    }

    /// The buffer group id.
    pub fn bgid(&self) -> u16 {
        self.bgid
    }

    /// Size of each buffer.
    pub fn buf_len(&self) -> u32 {
        self.buf_len
    }

    /// Number of buffers.
    pub fn entries(&self) -> u32 {
        self.entries
    }

    #[inline]
    fn mask(&self) -> u16 {
        (self.entries - 1) as u16
    }

    #[inline]
    fn meta(&mut self, bid: u16) -> &mut Meta {
        // SAFETY: callers check bid < entries; the meta array has `entries` slots in
        // our private mapping, which only we access.
        unsafe { &mut *self.meta.add(bid as usize) }
    }

    #[inline]
    fn buf_addr(&self, bid: u16) -> *mut u8 {
        // SAFETY: bid < entries, so the offset is inside the buffer area.
        unsafe { self.mem.add(bid as usize * self.buf_len as usize) }
    }

    /// Puts buffer `bid` (whole) at the ring's tail and publishes it.
    fn publish(&mut self, bid: u16) {
        let addr = self.buf_addr(bid) as u64;
        let (br, len, mask, tail) = (self.br, self.buf_len, self.mask() as i32, self.tail);
        // SAFETY: `br` is our registered ring of `entries` slots; the kernel reads the
        // slot only after the release store of the tail in buf_ring_advance.
        unsafe {
            bufring::buf_ring_add(br, addr, len, bid, mask, 0);
            bufring::buf_ring_advance(br, 1);
        }
        let m = self.meta(bid);
        *m = Meta { pos: tail, pieces: 0, state: IN_KERNEL, _pad: 0, offset: 0 };
        self.tail = tail.wrapping_add(1);
    }

    /// True when the kernel's head has moved past ring position `pos` (refreshing the
    /// cached head from the kernel if needed).
    fn consumed(&mut self, pos: u16) -> bool {
        let behind = |head: u16, tail: u16| pos.wrapping_sub(head) >= tail.wrapping_sub(head);
        if behind(self.known_head, self.tail) {
            return true;
        }
        match bufring::buf_ring_head(&self.reg, self.bgid as i32) {
            Ok(h) => {
                self.known_head = h;
                behind(h, self.tail)
            }
            Err(_) => false,
        }
    }

    /// The buffer (or piece) that completion `cqe` filled, once the kernel is done
    /// writing it. `None` when the completion names no buffer, or none of this ring's
    /// that the kernel has finished with (e.g. another group's, or one already taken).
    pub fn take(&mut self, cqe: &Cqe) -> Option<Buffer> {
        let bid = cqe.buffer_id()?;
        if bid as u32 >= self.entries {
            return None;
        }
        let len = cqe.res().max(0) as u32;
        let piece = self.incremental && cqe.buf_more();
        let m = *self.meta(bid);
        if m.state != IN_KERNEL {
            return None;
        }
        let offset = if self.incremental { m.offset } else { 0 };
        if offset.checked_add(len).map_or(true, |end| end > self.buf_len) {
            return None;
        }
        if piece {
            // The kernel's cursor in the entry must be past the piece.
            let slot = (m.pos & self.mask()) as usize;
            // SAFETY: slot < entries; the kernel updates addr concurrently, so it is
            // read with a volatile load.
            let cursor =
                unsafe { ptr::read_volatile(ptr::addr_of!((*(self.br as *const io_uring_buf).add(slot)).addr)) };
            let end = self.buf_addr(bid) as u64 + offset as u64 + len as u64;
            if cursor < end || cursor > self.buf_addr(bid) as u64 + self.buf_len as u64 {
                return None;
            }
        } else if !self.consumed(m.pos) {
            return None;
        }
        let id = self.id;
        let mm = self.meta(bid);
        mm.pieces = mm.pieces.saturating_add(1);
        mm.offset = offset + len;
        if !piece {
            mm.state = OUT;
        }
        Some(Buffer { ring_id: id, bid, offset, len })
    }

    /// The data of `buf` (empty for a buffer of another ring).
    pub fn data(&self, buf: &Buffer) -> &[u8] {
        if buf.ring_id != self.id {
            return &[];
        }
        // SAFETY: the token was issued by this ring for a region the kernel has
        // finished writing and will not touch again until it is recycled; the region
        // lies within buffer `bid`.
        unsafe { core::slice::from_raw_parts(self.buf_addr(buf.bid).add(buf.offset as usize), buf.len as usize) }
    }

    /// Gives `buf` back. The whole buffer returns to the kernel once the kernel is done
    /// with it and every piece of it has been recycled. Buffers of another ring are
    /// ignored.
    pub fn recycle(&mut self, buf: Buffer) {
        if buf.ring_id != self.id || buf.bid as u32 >= self.entries {
            return;
        }
        let m = self.meta(buf.bid);
        m.pieces = m.pieces.saturating_sub(1);
        if m.state == OUT && m.pieces == 0 {
            self.publish(buf.bid);
        }
    }

    /// Buffers published to the kernel and not consumed yet (asks the kernel).
    pub fn available(&mut self) -> Result<u16, RegisterError> {
        let h = bufring::buf_ring_head(&self.reg, self.bgid as i32).map_err(RegisterError::from_raw)?;
        self.known_head = h;
        Ok(self.tail.wrapping_sub(h))
    }
}

impl Drop for BufRing {
    fn drop(&mut self) {
        // SAFETY: `br` came from setup_buf_ring with `entries` slots.
        let r = unsafe { bufring::free_buf_ring(&self.reg, self.br, self.entries, self.bgid as i32) };
        if r == 0 {
            // SAFETY: unregistered: the kernel no longer picks from these buffers.
            let _ = unsafe { mm::munmap(self.mem.cast(), self.mem_len) };
        }
        // The duplicate ring fd closes when `dup_fd` drops, after this.
    }
}

impl fmt::Debug for BufRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufRing")
            .field("bgid", &self.bgid)
            .field("entries", &self.entries)
            .field("buf_len", &self.buf_len)
            .field("incremental", &self.incremental)
            .finish()
    }
}
