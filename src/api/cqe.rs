//! Completion queue entries as values.

use super::CqeError;
use crate::sys::{self, io_uring_cqe};
use core::fmt;

/// One completion: a copy of the kernel's 16-byte `struct io_uring_cqe`.
///
/// Copies are taken out of the ring, so a `Cqe` stays valid after the slot is handed
/// back to the kernel.
///
/// ```
/// use io_urine::{ops, IoUring};
/// let mut ring = IoUring::new(4)?;
/// ring.push(ops::Nop::new().user_data(42))?;
/// ring.submit_and_wait(1)?;
/// let cqe = ring.wait_cqe()?.cqe(); // a copy; the guard consumed the CQE
/// assert_eq!(cqe.user_data(), 42);
/// assert_eq!(cqe.result(), Ok(0));
/// assert!(!cqe.more() && cqe.buffer_id().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct Cqe(pub(crate) io_uring_cqe);

impl Cqe {
    /// The `user_data` of the submission this completes.
    #[inline]
    pub const fn user_data(&self) -> u64 {
        self.0.user_data
    }

    /// The raw result: `>= 0` on success (meaning depends on the operation), `-errno`
    /// on failure.
    #[inline]
    pub const fn res(&self) -> i32 {
        self.0.res
    }

    /// The raw `IORING_CQE_F_*` flags.
    #[inline]
    pub const fn flags(&self) -> u32 {
        self.0.flags
    }

    /// The result as a `Result`: the non-negative value, or the errno.
    #[inline]
    pub const fn result(&self) -> Result<u32, CqeError> {
        if self.0.res >= 0 {
            Ok(self.0.res as u32)
        } else {
            Err(CqeError::from_raw(self.0.res))
        }
    }

    /// The id of the provided buffer the kernel picked (`IORING_CQE_F_BUFFER`).
    #[inline]
    pub const fn buffer_id(&self) -> Option<u16> {
        if self.0.flags & sys::IORING_CQE_F_BUFFER != 0 {
            Some((self.0.flags >> sys::IORING_CQE_BUFFER_SHIFT) as u16)
        } else {
            None
        }
    }

    /// `IORING_CQE_F_MORE`: a multishot request stays armed and will post more
    /// completions (or, for zero-copy sends, a notification follows).
    #[inline]
    pub const fn more(&self) -> bool {
        self.0.flags & sys::IORING_CQE_F_MORE != 0
    }

    /// `IORING_CQE_F_SOCK_NONEMPTY`: the socket had more data after this receive.
    #[inline]
    pub const fn sock_nonempty(&self) -> bool {
        self.0.flags & sys::IORING_CQE_F_SOCK_NONEMPTY != 0
    }

    /// `IORING_CQE_F_NOTIF`: a zero-copy send notification (the buffer is free again).
    #[inline]
    pub const fn is_notification(&self) -> bool {
        self.0.flags & sys::IORING_CQE_F_NOTIF != 0
    }

    /// `IORING_CQE_F_BUF_MORE`: with an incrementally consumed buffer ring, the
    /// buffer named by [`buffer_id`](Self::buffer_id) is not used up yet.
    #[inline]
    pub const fn buf_more(&self) -> bool {
        self.0.flags & sys::IORING_CQE_F_BUF_MORE != 0
    }

    /// The kernel's struct.
    #[inline]
    pub const fn as_raw(&self) -> &io_uring_cqe {
        &self.0
    }

    /// Builds a completion value (for tests of code that consumes completions).
    #[inline]
    pub const fn new(user_data: u64, res: i32, flags: u32) -> Self {
        Cqe(io_uring_cqe { user_data, res, flags })
    }
}

impl From<io_uring_cqe> for Cqe {
    #[inline]
    fn from(c: io_uring_cqe) -> Self {
        Cqe(c)
    }
}

impl fmt::Debug for Cqe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cqe")
            .field("user_data", &self.0.user_data)
            .field("res", &self.0.res)
            .field("flags", &format_args!("{:#x}", self.0.flags))
            .finish()
    }
}

/// A 32-byte completion of a ring set up with `CQE32` (or a big CQE of a `CQE_MIXED`
/// ring): the normal fields plus the two extra words some operations fill
/// (`NOP` with `IORING_NOP_CQE32`, `URING_CMD` passthrough …).
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Cqe32 {
    /// The first 16 bytes.
    pub cqe: Cqe,
    /// `big_cqe[0..2]`.
    pub extra: [u64; 2],
}
