//! The owned-buffer path (feature `alloc`): the ring keeps a `Vec<u8>` for as long as
//! the kernel may use it, and gives it back only after the operation's completion has
//! been consumed from the CQ.
//!
//! Soundness: a buffer is released only from the `Done` state, and a slot becomes
//! `Done` only when the ring itself consumes a CQE carrying the slot's key (a dropped
//! [`CqeGuard`](super::CqeGuard), [`IoUring::copy_cqes`] or [`IoUring::completions`]). Keys
//! have [`RESERVED_USER_DATA_BIT`] set, which the safe API clears from every other
//! `user_data` it writes, so no other submission can complete a slot early. Slots still
//! in flight when the ring is dropped are leaked, not freed.

use super::alloc::vec::Vec;
use super::sqe::RESERVED_USER_DATA_BIT;
use super::{CqeError, EnterError, Fd, IoUring, PushError};
use crate::prep;
use crate::sys::{self, io_uring_cqe};
use core::fmt;
use core::mem;

/// What an owned-buffer submission does with its buffer.
///
/// Reads and receives fill the vector's spare capacity (`len..capacity`) and grow its
/// length by the bytes transferred; writes and sends transfer `buf[..len]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnedOp {
    /// `IORING_OP_READ` at `offset` (`u64::MAX`: current file position).
    Read {
        /// The file.
        fd: Fd,
        /// File offset.
        offset: u64,
    },
    /// `IORING_OP_WRITE` at `offset` (`u64::MAX`: current file position).
    Write {
        /// The file.
        fd: Fd,
        /// File offset.
        offset: u64,
    },
    /// `IORING_OP_SEND` with `MSG_*` flags.
    Send {
        /// The socket.
        fd: Fd,
        /// `MSG_*` flags.
        flags: i32,
    },
    /// `IORING_OP_RECV` with `MSG_*` flags.
    Recv {
        /// The socket.
        fd: Fd,
        /// `MSG_*` flags.
        flags: i32,
    },
}

impl OwnedOp {
    fn fills_buffer(&self) -> bool {
        matches!(self, OwnedOp::Read { .. } | OwnedOp::Recv { .. })
    }

    fn fd(&self) -> Fd {
        match *self {
            OwnedOp::Read { fd, .. }
            | OwnedOp::Write { fd, .. }
            | OwnedOp::Send { fd, .. }
            | OwnedOp::Recv { fd, .. } => fd,
        }
    }
}

/// A finished owned-buffer operation: its buffer, back in the caller's hands.
#[derive(Debug)]
pub struct OwnedCompletion {
    /// The `tag` given at submission.
    pub tag: u64,
    /// The operation's result (bytes transferred, or the error).
    pub result: Result<u32, CqeError>,
    /// The buffer; after a read or receive, its length includes the bytes received.
    pub buf: Vec<u8>,
}

/// Queuing or submitting an owned-buffer operation failed.
pub enum OwnedError {
    /// The operation was not queued; the buffer is handed back.
    NotQueued {
        /// Why.
        error: PushError,
        /// The buffer that was not submitted.
        buf: Vec<u8>,
    },
    /// The operation was queued (the ring keeps the buffer) but `io_uring_enter`
    /// failed; the next successful submit sends it.
    SubmitFailed(EnterError),
}

impl fmt::Debug for OwnedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OwnedError::NotQueued { error, buf } => {
                f.debug_struct("NotQueued").field("error", error).field("buf_len", &buf.len()).finish()
            }
            OwnedError::SubmitFailed(e) => f.debug_tuple("SubmitFailed").field(e).finish(),
        }
    }
}

impl fmt::Display for OwnedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OwnedError::NotQueued { error, .. } => write!(f, "owned operation not queued: {error}"),
            OwnedError::SubmitFailed(e) => write!(f, "owned operation queued, but {e}"),
        }
    }
}

impl core::error::Error for OwnedError {}

#[cfg(feature = "std")]
impl From<OwnedError> for std::io::Error {
    fn from(e: OwnedError) -> Self {
        match e {
            OwnedError::NotQueued { error, .. } => error.into(),
            OwnedError::SubmitFailed(e) => e.into(),
        }
    }
}

enum Slot {
    Free { next: u32 },
    InFlight { buf: Vec<u8>, tag: u64, fills: bool },
    Done { buf: Vec<u8>, tag: u64, fills: bool, res: i32 },
}

/// The ring's table of buffers the kernel may be using, keyed by `user_data`.
pub(crate) struct Slab {
    slots: Vec<Slot>,
    free: u32,
    in_flight: usize,
}

const NONE: u32 = u32::MAX;

impl Slab {
    pub(crate) const fn new() -> Self {
        Slab { slots: Vec::new(), free: NONE, in_flight: 0 }
    }

    #[inline(always)]
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Marks the slot named by a consumed CQE as done.
    #[inline]
    pub(crate) fn completed(&mut self, cqe: &io_uring_cqe) {
        if cqe.user_data & RESERVED_USER_DATA_BIT == 0 {
            return;
        }
        let idx = (cqe.user_data & !RESERVED_USER_DATA_BIT) as usize;
        if let Some(slot) = self.slots.get_mut(idx) {
            if let Slot::InFlight { .. } = slot {
                let Slot::InFlight { buf, tag, fills } = mem::replace(slot, Slot::Free { next: NONE }) else {
                    return;
                };
                *slot = Slot::Done { buf, tag, fills, res: cqe.res };
                self.in_flight -= 1;
            }
        }
    }

    /// Marks the buffers of completions `copy_cqes` consumed as done.
    pub(crate) fn completed_copies(&mut self, cqes: &[super::Cqe]) {
        if self.in_flight != 0 {
            for c in cqes {
                self.completed(&c.0);
            }
        }
    }

    fn insert(&mut self, slot: Slot) -> Option<u32> {
        let idx = self.free;
        if let Some(s) = self.slots.get_mut(idx as usize) {
            if let Slot::Free { next } = *s {
                self.free = next;
                *s = slot;
                return Some(idx);
            }
        }
        let idx = self.slots.len();
        if idx >= NONE as usize {
            return None;
        }
        self.slots.push(slot);
        Some(idx as u32)
    }

    fn remove(&mut self, idx: u32) -> Option<Slot> {
        let s = self.slots.get_mut(idx as usize)?;
        if matches!(s, Slot::Free { .. }) {
            return None;
        }
        let old = mem::replace(s, Slot::Free { next: self.free });
        self.free = idx;
        Some(old)
    }

    fn take_done(&mut self, user_data: u64) -> Option<OwnedCompletion> {
        if user_data & RESERVED_USER_DATA_BIT == 0 {
            return None;
        }
        let idx = user_data & !RESERVED_USER_DATA_BIT;
        if idx >= self.slots.len() as u64 {
            return None;
        }
        if !matches!(self.slots.get(idx as usize), Some(Slot::Done { .. })) {
            return None;
        }
        let Some(Slot::Done { mut buf, tag, fills, res }) = self.remove(idx as u32) else {
            return None;
        };
        if fills && res > 0 {
            // The kernel wrote `res` bytes into the spare capacity starting at len.
            let n = (res as usize).min(buf.capacity() - buf.len());
            // SAFETY: those bytes were initialised by the kernel (the operation is
            // complete) and lie within the capacity.
            unsafe { buf.set_len(buf.len() + n) };
        }
        let result = if res >= 0 { Ok(res as u32) } else { Err(CqeError::from_raw(res)) };
        Some(OwnedCompletion { tag, result, buf })
    }

    /// Ring teardown: buffers the kernel may still touch are leaked.
    pub(crate) fn leak_in_flight(&mut self) {
        for s in self.slots.iter_mut() {
            if let Slot::InFlight { .. } = s {
                if let Slot::InFlight { buf, .. } = mem::replace(s, Slot::Free { next: NONE }) {
                    mem::forget(buf);
                }
            }
        }
        self.in_flight = 0;
    }
}

impl IoUring {
    /// Queues `op` on `buf`, which the ring keeps until the operation's completion has
    /// been consumed; then [`take_owned`](Self::take_owned) hands it back with `tag`.
    ///
    /// The completion's `user_data` is a library key (top bit set), not `tag`.
    /// Completions must be consumed through this ring (not a split completion half)
    /// for the buffer to come back.
    ///
    /// ```
    /// use io_urine::{IoUring, OwnedOp};
    /// use std::os::fd::AsRawFd;
    ///
    /// let file = std::fs::File::open("Cargo.toml")?;
    /// let mut ring = IoUring::new(4)?;
    /// let op = OwnedOp::Read { fd: file.as_raw_fd().into(), offset: 0 };
    /// ring.submit_owned(op, Vec::with_capacity(9), 7)?;
    /// ring.submit_and_wait(1)?;
    /// let cqe = ring.wait_cqe()?.cqe();
    /// // (the guard dropped: the buffer is released only once the CQE is consumed)
    /// let done = ring.take_owned(&cqe).expect("owned completion");
    /// assert_eq!((done.tag, done.result), (7, Ok(9)));
    /// assert_eq!(done.buf, b"[package]");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn submit_owned(&mut self, op: OwnedOp, buf: Vec<u8>, tag: u64) -> Result<u32, OwnedError> {
        self.push_owned(op, buf, tag)?;
        self.submit().map_err(OwnedError::SubmitFailed)
    }

    /// As [`submit_owned`](Self::submit_owned), but only queues (the next submit sends it).
    pub fn push_owned(&mut self, op: OwnedOp, mut buf: Vec<u8>, tag: u64) -> Result<(), OwnedError> {
        if self.sq_space_left() == 0 {
            return Err(OwnedError::NotQueued { error: PushError::QueueFull, buf });
        }
        let fills = op.fills_buffer();
        let (addr, len) = if fills {
            let spare = buf.capacity() - buf.len();
            // SAFETY: len <= capacity, so the offset stays inside (or one past) the
            // allocation.
            (unsafe { buf.as_mut_ptr().add(buf.len()) } as u64, spare)
        } else {
            (buf.as_ptr() as u64, buf.len())
        };
        let len32 = len.min(u32::MAX as usize) as u32;
        let Some(idx) = self.owned.insert(Slot::InFlight { buf, tag, fills }) else {
            // Only with 2^32 buffers in flight; the slot was not created, so the
            // buffer went nowhere but into `insert`'s argument, which was dropped.
            return Err(OwnedError::NotQueued { error: PushError::QueueFull, buf: Vec::new() });
        };
        let Ok(sqe) = super::queue::get_sqe(&mut self.ring, &mut self.slot_ts) else {
            // Cannot happen (space was checked), but never lose the buffer.
            let buf = match self.owned.remove(idx) {
                Some(Slot::InFlight { buf, .. }) => buf,
                _ => Vec::new(),
            };
            return Err(OwnedError::NotQueued { error: PushError::QueueFull, buf });
        };
        let mut sqe = sqe;
        // SAFETY: the SQE points into `buf`'s heap allocation, which the slab keeps
        // (unmoved: moving a Vec does not move its heap block) until the CQE is consumed.
        let raw = unsafe { sqe.as_raw_mut() };
        let fd = op.fd();
        match op {
            OwnedOp::Read { offset, .. } => prep::rw::read(raw, fd.raw(), addr, len32, offset),
            OwnedOp::Write { offset, .. } => prep::rw::write(raw, fd.raw(), addr, len32, offset),
            OwnedOp::Send { flags, .. } => prep::net::send(raw, fd.raw(), addr, len32 as usize, flags),
            OwnedOp::Recv { flags, .. } => prep::net::recv(raw, fd.raw(), addr, len32 as usize, flags),
        }
        if fd.is_fixed() {
            raw.flags |= sys::IOSQE_FIXED_FILE;
        }
        raw.user_data = RESERVED_USER_DATA_BIT | idx as u64;
        self.owned.in_flight += 1;
        Ok(())
    }

    /// The buffer of a finished owned-buffer operation, once its completion `cqe` has
    /// been consumed (a dropped [`CqeGuard`](super::CqeGuard), [`copy_cqes`](Self::copy_cqes)
    /// or [`completions`](Self::completions)). `None` for any other completion.
    pub fn take_owned(&mut self, cqe: &super::Cqe) -> Option<OwnedCompletion> {
        self.owned.take_done(cqe.user_data())
    }

    /// Owned-buffer operations whose completion has not been consumed yet.
    pub fn owned_in_flight(&self) -> usize {
        self.owned.in_flight()
    }
}
