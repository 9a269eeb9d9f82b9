//! [`BufRing`]: an owned provided-buffer ring (`IORING_REGISTER_PBUF_RING`), with
//! optional incremental consumption (`IOU_PBUF_RING_INC`).
//!
//! Soundness: a buffer (or, incrementally, a piece of one) is handed out by
//! [`BufRing::take`] only for a [`Completion`] the ring itself consumed: a CQE naming
//! the buffer is the kernel's word that it is done writing it (the kernel's head is not:
//! it moves past a buffer when a request *selects* it, before the I/O, for requests run
//! from io-wq). A `Completion` is not `Copy`, is made only by the ring's reap paths,
//! carries the ring's identity and gives up its buffer once; buffer ids are unique per
//! ring (each BufRing gets its own range), and the safe API never lets a posted CQE
//! (`MsgRing::cqe_flags`) claim a buffer. Buffers go back to the kernel only when every
//! piece handed out has been recycled.
//!
//! On drop the group is unregistered (through a duplicate of the ring fd, so it always
//! reaches the right ring). The memory is unmapped only when the kernel can hold none of
//! the buffers (all of them handed out); otherwise a request may still be writing one, so
//! the range is replaced by an inaccessible reservation instead: the pages are freed, and
//! a late write fails with `EFAULT` rather than landing in memory reused for something
//! else.

use super::{Completion, IoUring, RegisterError};
use crate::register::bufring;
use crate::sys::{self, errno::*, io_uring, io_uring_buf_ring};
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
/// ring.push(ops::Recv::buffer_select(b.as_raw_fd(), 7).user_data(1))?;
/// ring.submit_and_wait(1)?;
/// let mut cqe = ring.wait_cqe()?;
/// let buf = bufs.take(&mut cqe).expect("a provided buffer");
/// assert!(bufs.take(&mut cqe).is_none()); // a completion gives up its buffer once
/// drop(cqe); // consume the completion; the buffer stays ours until recycled
/// assert_eq!(bufs.data(&buf), b"ping");
/// bufs.recycle(buf); // back to the kernel
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Only completions the ring consumed are accepted, not `Cqe` values:
///
/// ```compile_fail
/// # use io_urine::{BufRing, Cqe, IoUring};
/// let ring = IoUring::new(8).unwrap();
/// let mut bufs = BufRing::new(&ring, 7, 4, 64).unwrap();
/// let forged = Cqe::new(0, 4, io_urine::sys::IORING_CQE_F_BUFFER);
/// bufs.take(&forged);
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
    /// The ring this group is registered on, and the first of its buffer ids.
    ring_id: u64,
    bid_base: u16,
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
    /// The buffer's index in its ring (`0..entries`).
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
        // This group's buffer ids: the next free range of the ring's 16-bit id space.
        let bid_base = ring.bids_used.get();
        if bid_base + entries as u32 > 1 << 16 {
            return Err(RegisterError::from_raw(-ENOSPC));
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
            ring_id: ring.id,
            bid_base: bid_base as u16,
            reg,
            _dup_fd: dup_fd,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        };
        ring.bids_used.set(bid_base + entries as u32);
        for idx in 0..entries {
            me.publish(idx);
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

    /// The kernel buffer ids this ring's buffers carry: each `BufRing` of a ring gets a
    /// range of its own (from 0 upward, in creation order), so a completion's id names
    /// one buffer of one `BufRing`.
    pub fn bid_range(&self) -> core::ops::Range<u32> {
        self.bid_base as u32..self.bid_base as u32 + self.entries
    }

    #[inline]
    fn mask(&self) -> u16 {
        (self.entries - 1) as u16
    }

    /// Bookkeeping of buffer `idx` (`idx < entries`, checked by callers).
    #[inline]
    fn meta(&mut self, idx: u16) -> &mut Meta {
        debug_assert!((idx as u32) < self.entries);
        // SAFETY: idx < entries; the meta array has `entries` slots in our private
        // mapping, which only we access (the kernel never sees it).
        unsafe { &mut *self.meta.add(idx as usize) }
    }

    #[inline]
    fn buf_addr(&self, idx: u16) -> *mut u8 {
        // idx < entries: the offset is inside the buffer area of the mapping.
        self.mem.wrapping_add(idx as usize * self.buf_len as usize)
    }

    /// Puts buffer `idx` (whole) at the ring's tail and publishes it, under this
    /// group's id `bid_base + idx`.
    fn publish(&mut self, idx: u16) {
        let addr = self.buf_addr(idx) as u64;
        let bid = self.bid_base.wrapping_add(idx);
        let (br, len, mask, tail) = (self.br, self.buf_len, self.mask() as i32, self.tail);
        // SAFETY: `br` is our registered ring of `entries` slots; the kernel reads the
        // slot only after the release store of the tail in buf_ring_advance.
        unsafe {
            bufring::buf_ring_add(br, addr, len, bid, mask, 0);
            bufring::buf_ring_advance(br, 1);
        }
        let m = self.meta(idx);
        *m = Meta { pos: tail, pieces: 0, state: IN_KERNEL, _pad: 0, offset: 0 };
        self.tail = tail.wrapping_add(1);
    }

    /// The buffer (or piece) that completion `c` filled. The completion is the kernel's
    /// word that it is done writing it. `None` when `c` names no buffer, none of this
    /// group's (another ring's or group's), or has given up its buffer already.
    pub fn take(&mut self, c: &mut Completion) -> Option<Buffer> {
        let idx = c.buffer_id()?.wrapping_sub(self.bid_base);
        if idx as u32 >= self.entries {
            return None;
        }
        let m = *self.meta(idx);
        if m.state != IN_KERNEL {
            return None;
        }
        let len = c.res().max(0) as u32;
        let piece = self.incremental && c.buf_more();
        let offset = if self.incremental { m.offset } else { 0 };
        if offset.checked_add(len).map_or(true, |end| end > self.buf_len) {
            return None;
        }
        c.claim_buffer(self.ring_id)?;
        let id = self.id;
        let mm = self.meta(idx);
        mm.pieces = mm.pieces.saturating_add(1);
        mm.offset = offset + len;
        if !piece {
            mm.state = OUT;
        }
        Some(Buffer { ring_id: id, bid: idx, offset, len })
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

    /// Buffers published to the kernel and not selected yet (asks the kernel).
    pub fn available(&self) -> Result<u16, RegisterError> {
        let h = bufring::buf_ring_head(&self.reg, self.bgid as i32).map_err(RegisterError::from_raw)?;
        Ok(self.tail.wrapping_sub(h))
    }

    /// True when every buffer is handed out (so the kernel holds none of them).
    fn all_out(&mut self) -> bool {
        (0..self.entries as u16).all(|i| self.meta(i).state == OUT)
    }
}

impl Drop for BufRing {
    fn drop(&mut self) {
        let idle = self.all_out();
        // `entries` was validated at construction, so the size always exists.
        let ring_len = bufring::ring_bytes(self.entries).unwrap_or(0);
        let r = bufring::unregister_buf_ring(&self.reg, self.bgid as i32);
        let (ring_mem, mem, mem_len) = (self.br.cast::<core::ffi::c_void>(), self.mem.cast(), self.mem_len);
        if r == 0 && idle {
            // SAFETY: unregistered, and every buffer is out of the kernel's hands: no
            // request can reach either mapping any more.
            unsafe {
                let _ = mm::munmap(ring_mem, ring_len);
                let _ = mm::munmap(mem, mem_len);
            }
            return;
        }
        // A request may have selected a buffer and still be writing it (or, not
        // unregistered, select one later; incremental rings also write the ring
        // entries): free the pages but keep the addresses reserved and inaccessible.
        for (p, len) in [(ring_mem, ring_len), (mem, mem_len)] {
            // SAFETY: replaces our own mapping in place (MAP_FIXED over exactly its
            // range); nothing of ours refers to it any more.
            let _ = unsafe {
                mm::mmap_anonymous(
                    p,
                    len,
                    ProtFlags::empty(),
                    MapFlags::PRIVATE | MapFlags::FIXED | MapFlags::NORESERVE,
                )
            };
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
