//! Submission entries: the [`PrepSqe`] trait every typed operation implements, the
//! [`Sqe`] slot handle, file targets ([`Fd`], [`Fixed`]) and [`Timespec`].

use super::SqeFlags;
use crate::sys::{self, __kernel_timespec, io_uring_sqe};
use core::time::Duration;

/// `user_data` bit reserved for the library. Values set through the safe API have it
/// cleared; the owned-buffer path uses it to recognise its own completions (and
/// liburing's internal timeout uses `u64::MAX`).
pub const RESERVED_USER_DATA_BIT: u64 = 1 << 63;

/// Something that can fill a submission queue entry: every operation type in
/// [`ops`](crate::ops) implements it, and so does a reference to a pointer-free one
/// ([`SafeOp`]). [`IoUring::push`](crate::IoUring::push) takes it by value.
///
/// # Safety
/// Implementations must write an SQE that is sound to submit each time the value is
/// pushed: every address it puts in the SQE must stay valid (and unaliased where the
/// kernel writes) until the operation completes, or be guaranteed so by the caller
/// through an `unsafe` constructor or setter. A type whose SQE can carry such an address
/// must then be neither `Copy` nor `Clone`, so that the one push consuming the value is
/// the submission the promise was made for. The operations in [`ops`](crate::ops) are
/// built that way.
pub unsafe trait PrepSqe {
    /// The kernel opcode (`IORING_OP_*`).
    const OPCODE: u8;
    /// True when the operation needs a 128-byte SQE (`NOP128`, `URING_CMD128`).
    const SQE128: bool = false;
    /// True when [`prep_slot`](Self::prep_slot) uses the slot's spare timespec (the
    /// push path looks the spare up only then).
    #[doc(hidden)]
    const SLOT_TS: bool = false;
    /// Writes the operation into `sqe` (every field the operation uses, plus the
    /// common options: flags, `user_data`, personality, buffer group).
    fn prep(&self, sqe: &mut io_uring_sqe);

    /// As [`prep`](Self::prep), into a ring slot that comes with `aux`: a timespec that
    /// belongs to the slot and stays untouched until the kernel has consumed the SQE.
    /// Timeouts keep their timespec there, so they own it and need no caller pointer.
    #[doc(hidden)]
    #[inline(always)]
    fn prep_slot(&self, sqe: &mut io_uring_sqe, aux: &mut Timespec) {
        let _ = aux;
        self.prep(sqe)
    }
}

/// A pointer-free operation: its SQE names no caller memory, so pushing it (any number
/// of times, by reference) needs no `unsafe`. Implemented by the `Copy` operations of
/// [`ops`](crate::ops) (`Nop`, `Fsync`, `Close`, `Timeout`, `PollAdd`, `Socket` …).
///
/// Operations that carry pointers are not `SafeOp` and not `Copy`: they are pushed by
/// value, once.
///
/// ```compile_fail
/// // A pointer-carrying operation cannot be pushed by reference (or twice).
/// use io_urine::{ops, IoUring};
/// let mut ring = IoUring::new(4).unwrap();
/// let mut buf = [0u8; 4];
/// let read = unsafe { ops::Read::new(0, buf.as_mut_ptr(), 4) };
/// ring.push(&read).unwrap();
/// ```
///
/// ```compile_fail
/// use io_urine::{ops, IoUring};
/// let mut ring = IoUring::new(4).unwrap();
/// let mut buf = [0u8; 4];
/// let read = unsafe { ops::Read::new(0, buf.as_mut_ptr(), 4) };
/// ring.push(read).unwrap();
/// ring.push(read).unwrap(); // use of moved value
/// ```
///
/// ```compile_fail
/// fn is_copy<T: Copy>() {}
/// is_copy::<io_urine::ops::Read>();
/// ```
///
/// # Safety
/// The SQE that [`PrepSqe::prep`] writes into a ring slot must not contain any address
/// the kernel dereferences after the push returns, except the slot's own timespec (the
/// timeouts keep theirs there).
pub unsafe trait SafeOp: PrepSqe + Copy {}

// SAFETY: a pointer-free operation's SQE is sound to submit any number of times.
unsafe impl<O: SafeOp> PrepSqe for &O {
    const OPCODE: u8 = O::OPCODE;
    const SQE128: bool = O::SQE128;
    const SLOT_TS: bool = O::SLOT_TS;
    #[inline(always)]
    fn prep(&self, sqe: &mut io_uring_sqe) {
        (**self).prep(sqe)
    }
    #[inline(always)]
    fn prep_slot(&self, sqe: &mut io_uring_sqe, aux: &mut Timespec) {
        (**self).prep_slot(sqe, aux)
    }
}

/// A reserved submission queue slot, as handed out by
/// [`IoUring::get_sqe`](crate::IoUring::get_sqe).
///
/// The slot starts out as a `NOP` with `user_data` 0, so a slot that is never filled
/// submits harmlessly.
///
/// ```
/// use io_urine::{ops, IoUring};
/// let mut ring = IoUring::new(4)?;
/// let mut sqe = ring.get_sqe()?;
/// sqe.prep(ops::Nop::new()).set_user_data(7);
/// assert_eq!(sqe.user_data(), 7);
/// ring.submit_and_wait(1)?;
/// assert_eq!(ring.wait_cqe()?.user_data(), 7);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Sqe<'a> {
    sqe: &'a mut io_uring_sqe,
    aux: &'a mut Timespec,
}

impl<'a> Sqe<'a> {
    /// Wraps a freshly handed-out slot, resetting it to a `NOP` first.
    #[inline]
    pub(crate) fn new(sqe: &'a mut io_uring_sqe, aux: &'a mut Timespec) -> Self {
        crate::prep::rw::nop(sqe);
        // prep helpers leave user_data alone: a reused slot must not keep an old
        // (possibly library-reserved) value.
        sqe.user_data = 0;
        Sqe { sqe, aux }
    }

    /// Fills the slot with `op` (replacing whatever it held): a pointer-free operation by
    /// reference, or any operation by value (consumed).
    #[inline]
    pub fn prep<O: PrepSqe>(&mut self, op: O) -> &mut Self {
        op.prep_slot(self.sqe, self.aux);
        self
    }

    /// Sets `user_data` (the top bit, [`RESERVED_USER_DATA_BIT`], is cleared).
    #[inline]
    pub fn set_user_data(&mut self, user_data: u64) -> &mut Self {
        self.sqe.user_data = user_data & !RESERVED_USER_DATA_BIT;
        self
    }

    /// Adds `IOSQE_*` flags.
    #[inline]
    pub fn set_flags(&mut self, flags: SqeFlags) -> &mut Self {
        self.sqe.flags |= flags.bits();
        self
    }

    /// The `user_data` currently in the slot.
    #[inline]
    pub fn user_data(&self) -> u64 {
        self.sqe.user_data
    }

    /// The raw entry.
    #[inline]
    pub fn as_raw(&self) -> &io_uring_sqe {
        self.sqe
    }

    /// The raw entry, for fields the typed operations do not cover.
    ///
    /// # Safety
    /// Whatever the entry ends up describing must be sound to submit: addresses in it
    /// must stay valid until the operation completes, and `user_data` must not have
    /// [`RESERVED_USER_DATA_BIT`] set.
    #[inline]
    pub unsafe fn as_raw_mut(&mut self) -> &mut io_uring_sqe {
        self.sqe
    }
}

/// A file an operation works on: a plain descriptor, or an index into the ring's
/// registered file table (sets `IOSQE_FIXED_FILE`).
///
/// ```
/// use io_urine::{Fd, Fixed};
/// assert_eq!(Fd::from(3), Fd::Raw(3));
/// assert_eq!(Fd::from(Fixed(0)), Fd::Fixed(0));
/// assert!(Fd::Fixed(0).is_fixed());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fd {
    /// A file descriptor number (`-1` and other invalid numbers fail with `EBADF`).
    Raw(i32),
    /// An index into the registered file table.
    Fixed(u32),
}

/// A registered-file index, convertible into [`Fd::Fixed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fixed(pub u32);

impl Fd {
    /// The value that goes into `sqe->fd`.
    #[inline]
    pub const fn raw(self) -> i32 {
        match self {
            Fd::Raw(fd) => fd,
            Fd::Fixed(i) => i as i32,
        }
    }

    /// True for a registered-file index.
    #[inline]
    pub const fn is_fixed(self) -> bool {
        matches!(self, Fd::Fixed(_))
    }
}

impl From<i32> for Fd {
    #[inline]
    fn from(fd: i32) -> Self {
        Fd::Raw(fd)
    }
}

impl From<Fixed> for Fd {
    #[inline]
    fn from(f: Fixed) -> Self {
        Fd::Fixed(f.0)
    }
}

impl From<rustix::fd::BorrowedFd<'_>> for Fd {
    #[inline]
    fn from(fd: rustix::fd::BorrowedFd<'_>) -> Self {
        use rustix::fd::AsRawFd;
        Fd::Raw(fd.as_raw_fd())
    }
}

#[cfg(feature = "std")]
impl From<&std::fs::File> for Fd {
    #[inline]
    fn from(f: &std::fs::File) -> Self {
        use std::os::fd::AsRawFd;
        Fd::Raw(f.as_raw_fd())
    }
}

/// A kernel timespec (`struct __kernel_timespec`), as timeout operations read it.
///
/// ```
/// use io_urine::Timespec;
/// use core::time::Duration;
/// let ts = Timespec::from(Duration::from_millis(1500));
/// assert_eq!((ts.sec(), ts.nsec()), (1, 500_000_000));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct Timespec(pub(crate) __kernel_timespec);

impl Timespec {
    /// `sec` seconds and `nsec` nanoseconds.
    #[inline]
    pub const fn new(sec: i64, nsec: i64) -> Self {
        Timespec(__kernel_timespec { tv_sec: sec, tv_nsec: nsec })
    }

    /// Seconds.
    #[inline]
    pub const fn sec(&self) -> i64 {
        self.0.tv_sec
    }

    /// Nanoseconds.
    #[inline]
    pub const fn nsec(&self) -> i64 {
        self.0.tv_nsec
    }

    /// Pointer to the kernel struct.
    #[inline]
    pub const fn as_ptr(&self) -> *const __kernel_timespec {
        &self.0
    }
}

impl From<Duration> for Timespec {
    #[inline]
    fn from(d: Duration) -> Self {
        // Durations beyond i64 seconds saturate rather than wrap.
        let sec = if d.as_secs() > i64::MAX as u64 { i64::MAX } else { d.as_secs() as i64 };
        Timespec::new(sec, d.subsec_nanos() as i64)
    }
}

/// The options every operation type has: `IOSQE_*` flags, `user_data`, personality
/// and buffer group. Applied after the operation's own fill.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SqeOpts {
    pub(crate) flags: u8,
    pub(crate) personality: u16,
    pub(crate) buf_group: u16,
    pub(crate) user_data: u64,
}

impl SqeOpts {
    /// Writes the options into a freshly prepared SQE.
    #[inline(always)]
    pub(crate) fn apply(&self, sqe: &mut io_uring_sqe) {
        sqe.flags |= self.flags;
        sqe.user_data = self.user_data;
        sqe.personality = self.personality;
        if self.flags & sys::IOSQE_BUFFER_SELECT != 0 {
            sqe.buf_index = self.buf_group;
        }
    }
}
