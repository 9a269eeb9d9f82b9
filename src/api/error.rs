//! Error types of the safe API. Every error carries the kernel's `errno` (as a positive
//! [`Errno`]); none of them allocates, so they work without `std` or `alloc`.

use core::fmt;

/// A Linux error number (positive, as in `errno`), with its symbolic name.
///
/// ```
/// use io_urine::Errno;
/// let e = Errno::from_raw(-22);
/// assert_eq!(e, Errno::EINVAL);
/// assert_eq!(e.raw(), 22);
/// assert_eq!(e.name(), "EINVAL");
/// assert_eq!(e.to_string(), "invalid argument (EINVAL)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Errno(i32);

/// Defines the named errno constants and the name/description table in one place.
macro_rules! errnos {
    ($($name:ident = $val:literal, $desc:literal;)*) => {
        impl Errno {
            $(
                #[doc = concat!("`", stringify!($name), "`: ", $desc, ".")]
                pub const $name: Errno = Errno($val);
            )*
        }
        fn errno_info(v: i32) -> Option<(&'static str, &'static str)> {
            match v {
                $($val => Some((stringify!($name), $desc)),)*
                _ => None,
            }
        }
    };
}

errnos! {
    EPERM = 1, "operation not permitted";
    ENOENT = 2, "no such file or directory";
    ESRCH = 3, "no such process";
    EINTR = 4, "interrupted system call";
    EIO = 5, "input/output error";
    ENXIO = 6, "no such device or address";
    E2BIG = 7, "argument list too long";
    EBADF = 9, "bad file descriptor";
    ECHILD = 10, "no child processes";
    EAGAIN = 11, "resource temporarily unavailable";
    ENOMEM = 12, "cannot allocate memory";
    EACCES = 13, "permission denied";
    EFAULT = 14, "bad address";
    EBUSY = 16, "device or resource busy";
    EEXIST = 17, "file exists";
    EXDEV = 18, "invalid cross-device link";
    ENODEV = 19, "no such device";
    ENOTDIR = 20, "not a directory";
    EISDIR = 21, "is a directory";
    EINVAL = 22, "invalid argument";
    ENFILE = 23, "too many open files in system";
    EMFILE = 24, "too many open files";
    ENOTTY = 25, "inappropriate ioctl for device";
    EFBIG = 27, "file too large";
    ENOSPC = 28, "no space left on device";
    ESPIPE = 29, "illegal seek";
    EROFS = 30, "read-only file system";
    EPIPE = 32, "broken pipe";
    ERANGE = 34, "numerical result out of range";
    ENAMETOOLONG = 36, "file name too long";
    ENOSYS = 38, "function not implemented";
    ENOTEMPTY = 39, "directory not empty";
    ENODATA = 61, "no data available";
    ETIME = 62, "timer expired";
    EOVERFLOW = 75, "value too large for defined data type";
    EBADFD = 77, "file descriptor in bad state";
    ENOTSOCK = 88, "socket operation on non-socket";
    EMSGSIZE = 90, "message too long";
    EOPNOTSUPP = 95, "operation not supported";
    EAFNOSUPPORT = 97, "address family not supported by protocol";
    EADDRINUSE = 98, "address already in use";
    EADDRNOTAVAIL = 99, "cannot assign requested address";
    ENETUNREACH = 101, "network is unreachable";
    ECONNABORTED = 103, "software caused connection abort";
    ECONNRESET = 104, "connection reset by peer";
    ENOBUFS = 105, "no buffer space available";
    EISCONN = 106, "transport endpoint is already connected";
    ENOTCONN = 107, "transport endpoint is not connected";
    ETIMEDOUT = 110, "connection timed out";
    ECONNREFUSED = 111, "connection refused";
    EALREADY = 114, "operation already in progress";
    EINPROGRESS = 115, "operation now in progress";
    ECANCELED = 125, "operation canceled";
    EOWNERDEAD = 130, "owner died";
}

impl Errno {
    /// Wraps an errno given either as liburing returns it (`-errno`) or positive.
    /// `i32::MIN` (which has no positive form) maps to `i32::MAX`.
    #[inline]
    pub const fn from_raw(v: i32) -> Self {
        Errno(v.saturating_abs())
    }

    /// The positive errno value.
    #[inline]
    pub const fn raw(self) -> i32 {
        self.0
    }

    /// The symbolic name (`"EINVAL"`), or `"E?"` for numbers without one here.
    pub fn name(self) -> &'static str {
        errno_info(self.0).map_or("E?", |i| i.0)
    }

    /// A short lower-case description (`"invalid argument"`), or `"unknown error"`.
    pub fn description(self) -> &'static str {
        errno_info(self.0).map_or("unknown error", |i| i.1)
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name(), self.0)
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match errno_info(self.0) {
            Some((name, desc)) => write!(f, "{desc} ({name})"),
            None => write!(f, "unknown error {}", self.0),
        }
    }
}

impl core::error::Error for Errno {}

/// Defines an error type that wraps an [`Errno`] with a context prefix.
macro_rules! errno_error {
    ($(#[$m:meta])* $name:ident, $prefix:literal) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            errno: Errno,
        }

        impl $name {
            /// Wraps an errno (negative or positive, as in [`Errno::from_raw`]).
            #[inline]
            pub const fn from_raw(v: i32) -> Self {
                Self { errno: Errno::from_raw(v) }
            }

            /// The error number.
            #[inline]
            pub const fn errno(&self) -> Errno {
                self.errno
            }

            /// The positive errno value.
            #[inline]
            pub const fn raw_os_error(&self) -> i32 {
                self.errno.0
            }
        }

        impl From<Errno> for $name {
            #[inline]
            fn from(errno: Errno) -> Self {
                Self { errno }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.errno).finish()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, ": {}"), self.errno)
            }
        }

        impl core::error::Error for $name {
            fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
                Some(&self.errno)
            }
        }

        #[cfg(feature = "std")]
        impl From<$name> for std::io::Error {
            #[inline]
            fn from(e: $name) -> Self {
                std::io::Error::from_raw_os_error(e.errno.0)
            }
        }
    };
}

errno_error!(
    /// Creating a ring failed (`io_uring_setup(2)` or mapping its queues).
    ///
    /// ```
    /// use io_urine::{Errno, IoUring};
    /// let err = IoUring::new(0).unwrap_err(); // zero entries is invalid
    /// assert_eq!(err.errno(), Errno::EINVAL);
    /// assert!(err.to_string().starts_with("io_uring setup failed"));
    /// ```
    InitError,
    "io_uring setup failed"
);

errno_error!(
    /// `io_uring_enter(2)` (submitting or waiting) failed, or a wait timed out
    /// ([`EnterError::is_timeout`]).
    ///
    /// ```
    /// use io_urine::IoUring;
    /// use core::time::Duration;
    /// let mut ring = IoUring::new(4)?;
    /// // Nothing was submitted, so waiting for one completion times out.
    /// let err = ring.wait_cqe_timeout(Duration::from_millis(1)).unwrap_err();
    /// assert!(err.is_timeout());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    EnterError,
    "io_uring_enter failed"
);

errno_error!(
    /// A completion reported failure: the operation's negative `res`, as an errno.
    ///
    /// ```
    /// use io_urine::{ops, Errno, IoUring};
    /// let mut ring = IoUring::new(4)?;
    /// ring.push(ops::Fsync::new(-1).user_data(1))?; // not a file descriptor
    /// ring.submit_and_wait(1)?;
    /// let cqe = ring.wait_cqe()?.cqe(); // a copy; the guard consumed the CQE
    /// assert_eq!(cqe.result().unwrap_err().errno(), Errno::EBADF);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    CqeError,
    "operation failed"
);

errno_error!(
    /// An `io_uring_register(2)` call (buffers, files, eventfd, probe, buffer rings …)
    /// failed.
    RegisterError,
    "io_uring_register failed"
);

impl EnterError {
    /// True for `ETIME`: a wait with a timeout expired before enough completions arrived.
    #[inline]
    pub const fn is_timeout(&self) -> bool {
        self.errno.0 == Errno::ETIME.0
    }

    /// True for `EINTR`: a signal interrupted the wait; retrying is safe.
    #[inline]
    pub const fn is_interrupted(&self) -> bool {
        self.errno.0 == Errno::EINTR.0
    }

    /// True for `EBUSY` / `EAGAIN`: the kernel is out of resources for now (e.g. the
    /// completion queue overflowed); reap completions and retry.
    #[inline]
    pub const fn is_busy(&self) -> bool {
        self.errno.0 == Errno::EBUSY.0 || self.errno.0 == Errno::EAGAIN.0
    }
}

/// No submission queue entry could be handed out.
///
/// ```
/// use io_urine::{ops, IoUring, PushError};
/// let mut ring = IoUring::new(2)?;
/// ring.push(ops::Nop::new())?;
/// ring.push(ops::Nop::new())?;
/// assert_eq!(ring.push(ops::Nop::new()), Err(PushError::QueueFull));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PushError {
    /// The submission queue is full: submit (and possibly reap) first.
    QueueFull,
    /// The operation needs a 128-byte SQE, but the ring was set up with neither
    /// `SQE128` nor `SQE_MIXED`.
    NeedsSqe128,
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PushError::QueueFull => "submission queue is full",
            PushError::NeedsSqe128 => "operation needs a ring with 128-byte SQEs (SQE128 or SQE_MIXED)",
        })
    }
}

impl core::error::Error for PushError {}

#[cfg(feature = "std")]
impl From<PushError> for std::io::Error {
    fn from(e: PushError) -> Self {
        match e {
            PushError::QueueFull => std::io::Error::new(std::io::ErrorKind::WouldBlock, e),
            PushError::NeedsSqe128 => std::io::Error::new(std::io::ErrorKind::Unsupported, e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn errno_names_and_display() {
        assert_eq!(Errno::from_raw(-62), Errno::ETIME);
        assert_eq!(Errno::ETIME.name(), "ETIME");
        assert_eq!(Errno::from_raw(4095).name(), "E?");
        assert_eq!(Errno::from_raw(4095).to_string(), "unknown error 4095");
        assert_eq!(Errno::from_raw(i32::MIN).raw(), i32::MAX);
        assert_eq!(std::format!("{:?}", Errno::EBADF), "EBADF(9)");
        let e = EnterError::from_raw(-62);
        assert!(e.is_timeout() && !e.is_interrupted() && !e.is_busy());
        assert_eq!(e.to_string(), "io_uring_enter failed: timer expired (ETIME)");
        #[cfg(feature = "std")]
        {
            let io: std::io::Error = InitError::from_raw(-12).into();
            assert_eq!(io.raw_os_error(), Some(12));
        }
        assert_eq!(PushError::QueueFull.to_string(), "submission queue is full");
    }
}
