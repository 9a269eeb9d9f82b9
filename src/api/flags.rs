//! Small bit-set types: [`SqeFlags`] (the `IOSQE_*` bits of one submission) and
//! [`Features`] (what the running kernel reported at setup).

use crate::sys;
use core::fmt;
use core::ops::{BitAnd, BitOr, BitOrAssign};

/// Defines a transparent bit-set newtype with named constants.
macro_rules! bitset {
    (
        $(#[$m:meta])* $name:ident($ty:ty) {
            $($(#[$cm:meta])* $c:ident = $v:expr;)*
        }
    ) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[repr(transparent)]
        pub struct $name($ty);

        impl $name {
            $($(#[$cm])* pub const $c: $name = $name($v);)*

            /// The empty set.
            #[inline]
            pub const fn empty() -> Self {
                $name(0)
            }

            /// The set with exactly these raw bits (unknown bits are kept).
            #[inline]
            pub const fn from_bits_retain(bits: $ty) -> Self {
                $name(bits)
            }

            /// The raw bits.
            #[inline]
            pub const fn bits(self) -> $ty {
                self.0
            }

            /// True when every bit of `other` is set in `self`.
            #[inline]
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// True when no bit is set.
            #[inline]
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// `self` with the bits of `other` added.
            #[inline]
            pub const fn union(self, other: Self) -> Self {
                $name(self.0 | other.0)
            }
        }

        impl BitOr for $name {
            type Output = Self;
            #[inline]
            fn bitor(self, rhs: Self) -> Self {
                $name(self.0 | rhs.0)
            }
        }

        impl BitOrAssign for $name {
            #[inline]
            fn bitor_assign(&mut self, rhs: Self) {
                self.0 |= rhs.0;
            }
        }

        impl BitAnd for $name {
            type Output = Self;
            #[inline]
            fn bitand(self, rhs: Self) -> Self {
                $name(self.0 & rhs.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut rest = self.0;
                let mut first = true;
                f.write_str(concat!(stringify!($name), "("))?;
                $(
                    if $v != 0 && self.0 & $v == $v {
                        if !first {
                            f.write_str(" | ")?;
                        }
                        f.write_str(stringify!($c))?;
                        first = false;
                        rest &= !$v;
                    }
                )*
                if rest != 0 {
                    if !first {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{:#x}", rest)?;
                }
                f.write_str(")")
            }
        }
    };
}

bitset! {
    /// The `IOSQE_*` flags of one submission (`sqe->flags`).
    ///
    /// Every typed operation also has a builder method per flag (`.link()`, `.drain()` …);
    /// this type is for setting several at once with `.flags(...)`.
    ///
    /// ```
    /// use io_urine::SqeFlags;
    /// let f = SqeFlags::IO_LINK | SqeFlags::ASYNC;
    /// assert!(f.contains(SqeFlags::IO_LINK));
    /// assert_eq!(f.bits(), (1 << 2) | (1 << 4));
    /// assert_eq!(format!("{f:?}"), "SqeFlags(IO_LINK | ASYNC)");
    /// ```
    SqeFlags(u8) {
        /// `fd` is an index into the registered file table.
        FIXED_FILE = sys::IOSQE_FIXED_FILE;
        /// Start only after every earlier submission has completed.
        IO_DRAIN = sys::IOSQE_IO_DRAIN;
        /// The next submission starts only after this one succeeds.
        IO_LINK = sys::IOSQE_IO_LINK;
        /// Like `IO_LINK`, but the chain continues even if this one fails.
        IO_HARDLINK = sys::IOSQE_IO_HARDLINK;
        /// Always issue from an async worker instead of trying inline first.
        ASYNC = sys::IOSQE_ASYNC;
        /// Pick a buffer from the group in `buf_group` (provided buffers).
        BUFFER_SELECT = sys::IOSQE_BUFFER_SELECT;
        /// Post no completion when the operation succeeds.
        CQE_SKIP_SUCCESS = sys::IOSQE_CQE_SKIP_SUCCESS;
    }
}

bitset! {
    /// Features the kernel reported when the ring was set up (`IORING_FEAT_*`).
    ///
    /// ```
    /// use io_urine::{Features, IoUring};
    /// let ring = IoUring::new(4)?;
    /// // Every kernel since 5.4 maps both rings with one mmap.
    /// assert!(ring.has_feature(Features::SINGLE_MMAP));
    /// assert!(ring.features().contains(Features::NODROP | Features::SUBMIT_STABLE));
    /// # Ok::<(), io_urine::InitError>(())
    /// ```
    Features(u32) {
        /// SQ and CQ rings share one mapping.
        SINGLE_MMAP = sys::IORING_FEAT_SINGLE_MMAP;
        /// Completions are never dropped; overflow is kept in the kernel.
        NODROP = sys::IORING_FEAT_NODROP;
        /// Data referenced by an SQE is consumed at submission.
        SUBMIT_STABLE = sys::IORING_FEAT_SUBMIT_STABLE;
        /// Offset -1 means "current file position" for reads and writes.
        RW_CUR_POS = sys::IORING_FEAT_RW_CUR_POS;
        /// Requests run with the submitting task's credentials.
        CUR_PERSONALITY = sys::IORING_FEAT_CUR_PERSONALITY;
        /// Internal polling instead of async workers for pollable files.
        FAST_POLL = sys::IORING_FEAT_FAST_POLL;
        /// 32-bit poll masks.
        POLL_32BITS = sys::IORING_FEAT_POLL_32BITS;
        /// SQPOLL works with non-registered files.
        SQPOLL_NONFIXED = sys::IORING_FEAT_SQPOLL_NONFIXED;
        /// `io_uring_enter(2)` takes an extended argument (timeouts with waits).
        EXT_ARG = sys::IORING_FEAT_EXT_ARG;
        /// Async workers are native threads of the task.
        NATIVE_WORKERS = sys::IORING_FEAT_NATIVE_WORKERS;
        /// Registered resources can carry tags.
        RSRC_TAGS = sys::IORING_FEAT_RSRC_TAGS;
        /// `IOSQE_CQE_SKIP_SUCCESS` is supported.
        CQE_SKIP = sys::IORING_FEAT_CQE_SKIP;
        /// Files of linked requests are resolved when the request starts.
        LINKED_FILE = sys::IORING_FEAT_LINKED_FILE;
        /// Registered ring fds can be used for `io_uring_register(2)`.
        REG_REG_RING = sys::IORING_FEAT_REG_REG_RING;
        /// Send/recv bundles.
        RECVSEND_BUNDLE = sys::IORING_FEAT_RECVSEND_BUNDLE;
        /// Minimum wait time before a timeout applies.
        MIN_TIMEOUT = sys::IORING_FEAT_MIN_TIMEOUT;
        /// Read/write attributes (`attr_ptr`).
        RW_ATTR = sys::IORING_FEAT_RW_ATTR;
        /// Waits can avoid being accounted as iowait.
        NO_IOWAIT = sys::IORING_FEAT_NO_IOWAIT;
    }
}
