//! Typed operations: one type per kernel opcode (`IORING_OP_NOP` ..
//! `IORING_OP_URING_CMD128`), all generated from the single table below.
//!
//! Each type takes its required fields in `new`, has builder methods for its optional
//! fields and for the options every submission has (`user_data`, `link`, `drain`,
//! `buf_group`, `personality` …), and fills its SQE through `crate::prep`, the same
//! code the C API uses.
//!
//! Constructors (and setters) are `unsafe` exactly where the kernel is handed memory
//! through a pointer the caller passes: the caller must keep that memory valid (and,
//! where the kernel writes, unaliased) until the operation completes. Such operations
//! are neither `Copy` nor `Clone` and [`push`](crate::IoUring::push) consumes them, so
//! the promise covers the one submission the value becomes. Operations without such
//! pointers ([`SafeOp`](crate::SafeOp): `Nop`, `Fsync`, `Close`, `Timeout`, `PollAdd`,
//! `Socket` …) are `Copy` and safe to push by reference; `Accept` without an address
//! and reads/receives into provided buffers (`buffer_select`) are safe to build and
//! push by value. For reads, writes, sends and receives with owned buffers, see
//! [`IoUring::submit_owned`](crate::IoUring::submit_owned) (feature `alloc`).
//!
//! ```
//! use io_urine::{ops, IoUring};
//! use std::os::fd::AsRawFd;
//!
//! let file = tempfile_in_target()?;
//! let fd = file.as_raw_fd();
//! let mut ring = IoUring::new(8)?;
//! let data = *b"hello, ring";
//! let mut back = [0u8; 11];
//! // SAFETY: `data` and `back` outlive the operations (we wait for both below).
//! unsafe {
//!     ring.push(ops::Write::new(fd, data.as_ptr(), 11).offset(0).user_data(1).link())?;
//!     ring.push(ops::Read::new(fd, back.as_mut_ptr(), 11).offset(0).user_data(2))?;
//! }
//! ring.submit_and_wait(2)?;
//! let results: Vec<_> = ring.completions().map(|c| (c.user_data(), c.result())).collect();
//! assert_eq!(results, [(1, Ok(11)), (2, Ok(11))]);
//! assert_eq!(&back, b"hello, ring");
//! # fn tempfile_in_target() -> std::io::Result<std::fs::File> {
//! #     let p = std::env::temp_dir().join(format!("io_urine_doc_ops_{}", std::process::id()));
//! #     let f = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&p)?;
//! #     std::fs::remove_file(&p)?;
//! #     Ok(f)
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::sqe::{SqeOpts, RESERVED_USER_DATA_BIT};
use super::{Fd, PrepSqe, SqeFlags, Timespec};
use crate::prep;
use crate::sys::{self, io_uring_sqe, iovec, msghdr, sockaddr, socklen_t};
use core::ffi::c_char;
use core::ptr::{null, null_mut};

/// `AT_FDCWD`: as a directory fd, "relative to the current working directory".
pub const AT_FDCWD: i32 = -100;
/// `STATX_BASIC_STATS`: the `statx` mask of the classic `stat` fields.
pub const STATX_BASIC_STATS: u32 = 0x7ff;

/// Whom an [`AsyncCancel`] targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelTarget {
    /// Requests with this `user_data`.
    UserData(u64),
    /// Requests on this file (`IORING_ASYNC_CANCEL_FD`, `_FD_FIXED` for an index).
    Fd(Fd),
    /// Any request (`IORING_ASYNC_CANCEL_ANY`).
    Any,
}

/// Conversion of a constructor argument into the field's type: the identity for every
/// type, raw pointers from references, file targets from descriptors ([`i32`],
/// [`Fixed`](super::Fixed), `BorrowedFd`, `&File`) and cancel targets from `user_data`
/// ([`u64`]). Unlike `Into`,
/// it keeps integer literals typed by the field (`Read::new(fd, buf, 11)`).
pub trait IntoArg<T> {
    /// Converts.
    fn into_arg(self) -> T;
}

impl<T> IntoArg<T> for T {
    #[inline(always)]
    fn into_arg(self) -> T {
        self
    }
}

impl<T> IntoArg<*const T> for &T {
    #[inline(always)]
    fn into_arg(self) -> *const T {
        self
    }
}

impl<T> IntoArg<*mut T> for &mut T {
    #[inline(always)]
    fn into_arg(self) -> *mut T {
        self
    }
}

impl<T> IntoArg<*const T> for &mut T {
    #[inline(always)]
    fn into_arg(self) -> *const T {
        self
    }
}

impl IntoArg<Fd> for i32 {
    #[inline(always)]
    fn into_arg(self) -> Fd {
        Fd::Raw(self)
    }
}

impl IntoArg<Fd> for super::Fixed {
    #[inline(always)]
    fn into_arg(self) -> Fd {
        Fd::Fixed(self.0)
    }
}

// With `std` (which turns on rustix's `std`) this is `std::os::fd::BorrowedFd`; a second
// impl for std's type would overlap whenever any crate in the build enables rustix/std.
impl IntoArg<Fd> for rustix::fd::BorrowedFd<'_> {
    #[inline(always)]
    fn into_arg(self) -> Fd {
        Fd::from(self)
    }
}

#[cfg(feature = "std")]
impl IntoArg<Fd> for &std::fs::File {
    #[inline(always)]
    fn into_arg(self) -> Fd {
        Fd::from(self)
    }
}

impl IntoArg<CancelTarget> for u64 {
    #[inline(always)]
    fn into_arg(self) -> CancelTarget {
        CancelTarget::UserData(self)
    }
}

impl From<u64> for CancelTarget {
    fn from(user_data: u64) -> Self {
        CancelTarget::UserData(user_data)
    }
}

/// `u64` offset of a pointer, as SQE address fields hold it.
#[inline(always)]
fn a<T>(p: *const T) -> u64 {
    p as usize as u64
}

/// The address a timeout's SQE names for its timespec: the ring slot's own spare timespec
/// (`aux`, which stays put until the kernel has taken the SQE and read it) when the SQE is
/// a ring slot, else the operation's field (for SQEs prepared outside a ring, which only
/// `unsafe` code can submit).
#[inline(always)]
fn ts_addr(ts: &Timespec, aux: Option<&mut Timespec>) -> u64 {
    match aux {
        Some(slot) => {
            *slot = *ts;
            a(slot.as_ptr())
        }
        None => a(ts.as_ptr()),
    }
}

impl IntoArg<Timespec> for &Timespec {
    #[inline(always)]
    fn into_arg(self) -> Timespec {
        *self
    }
}

impl IntoArg<Timespec> for core::time::Duration {
    #[inline(always)]
    fn into_arg(self) -> Timespec {
        Timespec::from(self)
    }
}

/// A direct-descriptor target slot (`IORING_FILE_INDEX_ALLOC`: any free slot).
pub const FILE_INDEX_ALLOC: u32 = sys::IORING_FILE_INDEX_ALLOC;

define_ops! {
    /// `IORING_OP_NOP`: completes with 0 at once (or with an injected result).
    ///
    /// ```
    /// use io_urine::{ops, IoUring, Errno};
    /// let mut ring = IoUring::new(4)?;
    /// ring.push(ops::Nop::new().inject_result(Some(-5)).user_data(9))?;
    /// ring.submit_and_wait(1)?;
    /// let c = ring.wait_cqe()?;
    /// assert_eq!((c.user_data(), c.result().unwrap_err().errno()), (9, Errno::EIO));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    safe Nop = IORING_OP_NOP {} {
        /// `IORING_NOP_INJECT_RESULT`: complete with this `res` instead of 0.
        inject_result: Option<i32> = None,
    } |s, sqe| {
        prep::rw::nop(sqe);
        if let Some(res) = s.inject_result {
            sqe.op_flags |= sys::IORING_NOP_INJECT_RESULT;
            sqe.len = res as u32;
        }
    }

    /// `IORING_OP_READV`: `preadv2(2)` into `len` iovecs.
    unsafe("`iovecs` must point to `len` iovecs, and every buffer they describe must stay valid and unaliased until the operation completes (the iovec array itself until submission).")
    Readv = IORING_OP_READV [fd fd] { fd: Fd, iovecs: *const iovec, len: u32 } {
        /// File offset (`u64::MAX`: current position). Default 0.
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
    } |s, sqe| { prep::rw::readv2(sqe, s.fd.raw(), a(s.iovecs), s.len, s.offset, s.rw_flags); }

    /// `IORING_OP_WRITEV`: `pwritev2(2)` from `len` iovecs.
    unsafe("`iovecs` must point to `len` iovecs, and every buffer they describe must stay valid until the operation completes (the iovec array itself until submission).")
    Writev = IORING_OP_WRITEV [fd fd] { fd: Fd, iovecs: *const iovec, len: u32 } {
        /// File offset (`u64::MAX`: current position). Default 0.
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
    } |s, sqe| { prep::rw::writev2(sqe, s.fd.raw(), a(s.iovecs), s.len, s.offset, s.rw_flags); }

    /// `IORING_OP_FSYNC`: `fsync(2)`, or `fdatasync(2)` with `IORING_FSYNC_DATASYNC`.
    safe Fsync = IORING_OP_FSYNC [fd fd] { fd: Fd } {
        /// `IORING_FSYNC_DATASYNC`.
        flags: u32 = 0,
    } |s, sqe| { prep::sync::fsync(sqe, s.fd.raw(), s.flags); }

    /// `IORING_OP_READ_FIXED`: read into registered buffer `buf_index`.
    unsafe("`buf..buf+len` must lie inside registered buffer `buf_index` and must not be accessed until the operation completes.")
    ReadFixed = IORING_OP_READ_FIXED [fd fd] { fd: Fd, buf: *mut u8, len: u32, buf_index: u16 } {
        /// File offset. Default 0.
        offset: u64 = 0,
    } |s, sqe| { prep::rw::read_fixed(sqe, s.fd.raw(), a(s.buf), s.len, s.offset, s.buf_index as i32); }

    /// `IORING_OP_WRITE_FIXED`: write from registered buffer `buf_index`.
    unsafe("`buf..buf+len` must lie inside registered buffer `buf_index` and stay unchanged until the operation completes.")
    WriteFixed = IORING_OP_WRITE_FIXED [fd fd] { fd: Fd, buf: *const u8, len: u32, buf_index: u16 } {
        /// File offset. Default 0.
        offset: u64 = 0,
    } |s, sqe| { prep::rw::write_fixed(sqe, s.fd.raw(), a(s.buf), s.len, s.offset, s.buf_index as i32); }

    /// `IORING_OP_POLL_ADD`: wait for `POLL*` events on `fd`; the result is the ready mask.
    safe PollAdd = IORING_OP_POLL_ADD [fd fd] { fd: Fd, mask: u32 } {
        /// `IORING_POLL_ADD_MULTI`: one completion per event while `more()` is set.
        multishot: bool = false,
    } |s, sqe| {
        if s.multishot {
            prep::poll::poll_multishot(sqe, s.fd.raw(), s.mask);
        } else {
            prep::poll::poll_add(sqe, s.fd.raw(), s.mask);
        }
    }

    /// `IORING_OP_POLL_REMOVE`: remove (or update) the poll request with `user_data` `target`.
    safe PollRemove = IORING_OP_POLL_REMOVE { target: u64 } {
        /// Update instead of remove: the new event mask (`IORING_POLL_UPDATE_EVENTS`).
        update_events: Option<u32> = None,
        /// Update instead of remove: the new `user_data` (`IORING_POLL_UPDATE_USER_DATA`;
        /// the reserved top bit is cleared).
        update_user_data: Option<u64> = None,
        /// With an update: keep the request multishot (`IORING_POLL_ADD_MULTI`).
        multishot: bool = false,
    } |s, sqe| {
        if s.update_events.is_none() && s.update_user_data.is_none() {
            prep::poll::poll_remove(sqe, s.target);
        } else {
            let mut flags = if s.multishot { sys::IORING_POLL_ADD_MULTI } else { 0 };
            if s.update_events.is_some() {
                flags |= sys::IORING_POLL_UPDATE_EVENTS;
            }
            if s.update_user_data.is_some() {
                flags |= sys::IORING_POLL_UPDATE_USER_DATA;
            }
            let ud = s.update_user_data.unwrap_or(0) & !RESERVED_USER_DATA_BIT;
            prep::poll::poll_update(sqe, s.target, ud, s.update_events.unwrap_or(0), flags);
        }
    }

    /// `IORING_OP_SYNC_FILE_RANGE`: `sync_file_range(2)`.
    safe SyncFileRange = IORING_OP_SYNC_FILE_RANGE [fd fd] { fd: Fd } {
        /// Bytes (0: to the end of the file).
        len: u32 = 0,
        /// Start offset.
        offset: u64 = 0,
        /// `SYNC_FILE_RANGE_*` flags.
        flags: i32 = 0,
    } |s, sqe| { prep::sync::sync_file_range(sqe, s.fd.raw(), s.len, s.offset, s.flags); }

    /// `IORING_OP_SENDMSG`: `sendmsg(2)`.
    unsafe("`msg` and everything it points to (name, iovecs, their buffers, control data) must stay valid until the operation completes.")
    SendMsg = IORING_OP_SENDMSG [fd fd] { fd: Fd, msg: *const msghdr } {
        /// `MSG_*` flags.
        flags: u32 = 0,
    } |s, sqe| { prep::net::sendmsg(sqe, s.fd.raw(), a(s.msg), s.flags); }

    /// `IORING_OP_RECVMSG`: `recvmsg(2)` (multishot: into provided buffers).
    unsafe("`msg` and everything it points to must stay valid and unaliased until the operation completes (with `multishot`, until the last completion).")
    RecvMsg = IORING_OP_RECVMSG [fd fd] { fd: Fd, msg: *mut msghdr } {
        /// `MSG_*` flags.
        flags: u32 = 0,
        /// `IORING_RECV_MULTISHOT` (needs [`buf_group`](Self::buf_group)).
        multishot: bool = false,
    } |s, sqe| {
        if s.multishot {
            prep::net::recvmsg_multishot(sqe, s.fd.raw(), a(s.msg), s.flags);
        } else {
            prep::net::recvmsg(sqe, s.fd.raw(), a(s.msg), s.flags);
        }
    }

    /// `IORING_OP_TIMEOUT`: completes with `-ETIME` after `ts`, or with 0 after `count`
    /// other completions.
    /// The operation owns its timespec (the ring keeps a copy with the SQE slot until the
    /// kernel has read it), so pushing it needs no `unsafe`.
    safe Timeout = IORING_OP_TIMEOUT { ts: Timespec } {
        /// Complete after this many other completions (0: only the time counts).
        count: u32 = 0,
        /// `IORING_TIMEOUT_*` flags (`ABS`, `BOOTTIME`, `REALTIME`, `MULTISHOT` …).
        flags: u32 = 0,
    } |s, sqe, aux| { prep::timeout::timeout(sqe, ts_addr(&s.ts, aux), s.count, s.flags); }

    /// `IORING_OP_TIMEOUT_REMOVE`: cancel (or update) the timeout with `user_data` `target`.
    safe TimeoutRemove = IORING_OP_TIMEOUT_REMOVE { target: u64 } {
        /// `IORING_TIMEOUT_*` flags.
        flags: u32 = 0,
        /// Update the timeout to expire after this timespec instead of removing it.
        update: Option<Timespec> = None,
    } |s, sqe, aux| {
        match &s.update {
            None => prep::timeout::timeout_remove(sqe, s.target, s.flags),
            Some(ts) => prep::timeout::timeout_update(sqe, ts_addr(ts, aux), s.target, s.flags),
        }
    }

    /// `IORING_OP_ACCEPT`: `accept4(2)`; the result is the new socket (or direct slot).
    safe Accept = IORING_OP_ACCEPT [fd fd] { fd: Fd } {
        /// `SOCK_*` flags of `accept4(2)`.
        flags: i32 = 0,
        /// `IORING_ACCEPT_MULTISHOT`: one completion per connection while `more()`.
        multishot: bool = false,
        /// Install the socket as a direct descriptor in this slot
        /// ([`FILE_INDEX_ALLOC`]: any free slot; multishot always allocates).
        file_index: Option<u32> = None,
    } unsafe {
        /// Where to store the peer address.
        addr: *mut sockaddr = null_mut(),
        /// In: size of `addr`; out: the address length.
        addrlen: *mut socklen_t = null_mut(),
    } |s, sqe| {
        let (fd, ad, al) = (s.fd.raw(), a(s.addr), a(s.addrlen));
        match (s.multishot, s.file_index) {
            (false, None) => prep::net::accept(sqe, fd, ad, al, s.flags),
            (false, Some(i)) => prep::net::accept_direct(sqe, fd, ad, al, s.flags, i),
            (true, None) => prep::net::multishot_accept(sqe, fd, ad, al, s.flags),
            (true, Some(_)) => prep::net::multishot_accept_direct(sqe, fd, ad, al, s.flags),
        }
    }

    /// `IORING_OP_ASYNC_CANCEL`: cancel in-flight requests; the result is 0 (or the
    /// count with `IORING_ASYNC_CANCEL_ALL`), `-ENOENT` or `-EALREADY`.
    safe AsyncCancel = IORING_OP_ASYNC_CANCEL { target: CancelTarget } {
        /// `IORING_ASYNC_CANCEL_*` flags (`ALL` …).
        flags: u32 = 0,
    } |s, sqe| {
        match s.target {
            CancelTarget::UserData(ud) => prep::cancel::cancel64(sqe, ud, s.flags as i32),
            CancelTarget::Fd(Fd::Raw(fd)) => prep::cancel::cancel_fd(sqe, fd, s.flags),
            CancelTarget::Fd(Fd::Fixed(i)) => {
                prep::cancel::cancel_fd(sqe, i as i32, s.flags | sys::IORING_ASYNC_CANCEL_FD_FIXED)
            }
            CancelTarget::Any => prep::cancel::cancel64(sqe, 0, (s.flags | sys::IORING_ASYNC_CANCEL_ANY) as i32),
        }
    }

    /// `IORING_OP_LINK_TIMEOUT`: a timeout for the previous, linked submission.
    /// Owns its timespec, as [`Timeout`] does.
    safe LinkTimeout = IORING_OP_LINK_TIMEOUT { ts: Timespec } {
        /// `IORING_TIMEOUT_*` flags.
        flags: u32 = 0,
    } |s, sqe, aux| { prep::timeout::link_timeout(sqe, ts_addr(&s.ts, aux), s.flags); }

    /// `IORING_OP_CONNECT`: `connect(2)`.
    unsafe("`addr` (`addrlen` bytes) must stay valid until the operation completes.")
    Connect = IORING_OP_CONNECT [fd fd] { fd: Fd, addr: *const sockaddr, addrlen: socklen_t } {}
    |s, sqe| { prep::net::connect(sqe, s.fd.raw(), a(s.addr), s.addrlen); }

    /// `IORING_OP_FALLOCATE`: `fallocate(2)` of `len` bytes.
    safe Fallocate = IORING_OP_FALLOCATE [fd fd] { fd: Fd, len: u64 } {
        /// `FALLOC_FL_*` mode.
        mode: i32 = 0,
        /// Start offset.
        offset: u64 = 0,
    } |s, sqe| { prep::sync::fallocate(sqe, s.fd.raw(), s.mode, s.offset, s.len); }

    /// `IORING_OP_OPENAT`: `openat(2)`; the result is the new fd (or direct slot).
    unsafe("`path` must be a NUL-terminated string that stays valid until the operation completes.")
    OpenAt = IORING_OP_OPENAT { dirfd: i32, path: *const c_char } {
        /// `O_*` flags.
        flags: i32 = 0,
        /// Mode for created files.
        mode: u32 = 0,
        /// Open as a direct descriptor in this slot ([`FILE_INDEX_ALLOC`]: any).
        file_index: Option<u32> = None,
    } |s, sqe| {
        match s.file_index {
            None => prep::fs::openat(sqe, s.dirfd, a(s.path), s.flags, s.mode),
            Some(i) => prep::fs::openat_direct(sqe, s.dirfd, a(s.path), s.flags, s.mode, i),
        }
    }

    /// `IORING_OP_CLOSE`: `close(2)`, or frees a direct-descriptor slot for a [`Fixed`](super::Fixed) target.
    safe Close = IORING_OP_CLOSE { fd: Fd } {} |s, sqe| {
        match s.fd {
            Fd::Raw(fd) => prep::fs::close(sqe, fd),
            Fd::Fixed(i) => prep::fs::close_direct(sqe, i),
        }
    }

    /// `IORING_OP_FILES_UPDATE`: replace registered files from `offset` with `fds`.
    unsafe("`fds` (`len` entries) must stay valid and unaliased until the operation completes (the kernel writes allocated slots back).")
    FilesUpdate = IORING_OP_FILES_UPDATE { fds: *mut i32, len: u32 } {
        /// First slot (`FILE_INDEX_ALLOC` as `i32`: allocate).
        offset: i32 = 0,
    } |s, sqe| { prep::fs::files_update(sqe, a(s.fds), s.len, s.offset); }

    /// `IORING_OP_STATX`: `statx(2)` into `buf`.
    unsafe("`path` must be NUL-terminated and `buf` valid for writes; both must stay valid (and `buf` unaliased) until the operation completes.")
    Statx = IORING_OP_STATX { dirfd: i32, path: *const c_char, buf: *mut sys::statx } {
        /// `AT_*` flags.
        flags: i32 = 0,
        /// `STATX_*` mask. Default [`STATX_BASIC_STATS`].
        mask: u32 = STATX_BASIC_STATS,
    } |s, sqe| { prep::fs::statx(sqe, s.dirfd, a(s.path), s.flags, s.mask, a(s.buf)); }

    /// `IORING_OP_READ`: `pread(2)` of up to `len` bytes into `buf`.
    unsafe("`buf` must be valid for `len` bytes of writes and not be accessed until the operation completes.")
    Read = IORING_OP_READ [fd fd] { fd: Fd, buf: *mut u8, len: u32 } {
        /// File offset (`u64::MAX`: current position). Default 0.
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
    } |s, sqe| {
        prep::rw::read(sqe, s.fd.raw(), a(s.buf), s.len, s.offset);
        sqe.op_flags = s.rw_flags as u32;
    }

    /// `IORING_OP_WRITE`: `pwrite(2)` of `len` bytes from `buf`.
    unsafe("`buf` must be valid for `len` bytes of reads and stay unchanged until the operation completes.")
    Write = IORING_OP_WRITE [fd fd] { fd: Fd, buf: *const u8, len: u32 } {
        /// File offset (`u64::MAX`: current position). Default 0.
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
    } |s, sqe| {
        prep::rw::write(sqe, s.fd.raw(), a(s.buf), s.len, s.offset);
        sqe.op_flags = s.rw_flags as u32;
    }

    /// `IORING_OP_FADVISE`: `posix_fadvise(2)`.
    safe Fadvise = IORING_OP_FADVISE [fd fd] { fd: Fd, advice: i32 } {
        /// Start offset.
        offset: u64 = 0,
        /// Bytes (0: to the end).
        len: u32 = 0,
    } |s, sqe| { prep::sync::fadvise(sqe, s.fd.raw(), s.offset, s.len, s.advice); }

    /// `IORING_OP_MADVISE`: `madvise(2)`.
    unsafe("the advice must be sound for `addr..addr+len` (`MADV_DONTNEED` discards memory the program may still reference).")
    Madvise = IORING_OP_MADVISE { addr: *mut u8, len: u32, advice: i32 } {}
    |s, sqe| { prep::sync::madvise(sqe, a(s.addr), s.len, s.advice); }

    /// `IORING_OP_SEND`: `send(2)` (or `sendto(2)` with a destination).
    unsafe("`buf` must be valid for `len` bytes and stay unchanged until the operation completes.")
    Send = IORING_OP_SEND [fd fd] { fd: Fd, buf: *const u8, len: usize } {
        /// `MSG_*` flags.
        flags: i32 = 0,
        /// Length of [`dest_addr`](Self::dest_addr).
        dest_addrlen: socklen_t = 0,
    } unsafe {
        /// Destination address (`sendto(2)`), `dest_addrlen` bytes.
        dest_addr: *const sockaddr = null(),
    } |s, sqe| {
        if s.dest_addr.is_null() {
            prep::net::send(sqe, s.fd.raw(), a(s.buf), s.len, s.flags);
        } else {
            prep::net::sendto(sqe, s.fd.raw(), a(s.buf), s.len, s.flags, a(s.dest_addr), s.dest_addrlen);
        }
    }

    /// `IORING_OP_RECV`: `recv(2)` into `buf`, or (with [`buf_group`](Self::buf_group))
    /// into a provided buffer; multishot keeps receiving.
    unsafe("`buf` must be valid for `len` bytes of writes and not be accessed until the operation completes (null with a buffer group).")
    Recv = IORING_OP_RECV [fd fd] { fd: Fd, buf: *mut u8, len: usize } {
        /// `MSG_*` flags.
        flags: i32 = 0,
        /// `IORING_RECV_MULTISHOT` (needs a buffer group).
        multishot: bool = false,
    } |s, sqe| {
        if s.multishot {
            prep::net::recv_multishot(sqe, s.fd.raw(), a(s.buf), s.len, s.flags);
        } else {
            prep::net::recv(sqe, s.fd.raw(), a(s.buf), s.len, s.flags);
        }
    }

    /// `IORING_OP_OPENAT2`: `openat2(2)`.
    unsafe("`path` (NUL-terminated) and `how` must stay valid until the operation completes.")
    OpenAt2 = IORING_OP_OPENAT2 { dirfd: i32, path: *const c_char, how: *const sys::open_how } {
        /// Open as a direct descriptor in this slot ([`FILE_INDEX_ALLOC`]: any).
        file_index: Option<u32> = None,
    } |s, sqe| {
        match s.file_index {
            None => prep::fs::openat2(sqe, s.dirfd, a(s.path), a(s.how)),
            Some(i) => prep::fs::openat2_direct(sqe, s.dirfd, a(s.path), a(s.how), i),
        }
    }

    /// `IORING_OP_EPOLL_CTL`: `epoll_ctl(2)` on `epfd`.
    unsafe("`event` must stay valid until the operation completes.")
    EpollCtl = IORING_OP_EPOLL_CTL [fd epfd] { epfd: Fd, fd: i32, op: i32, event: *mut sys::epoll_event } {}
    |s, sqe| { prep::poll::epoll_ctl(sqe, s.epfd.raw(), s.fd, s.op, a(s.event)); }

    /// `IORING_OP_SPLICE`: `splice(2)` of `len` bytes (offset -1: none/current).
    safe Splice = IORING_OP_SPLICE [fd fd_out] { fd_in: Fd, off_in: i64, fd_out: Fd, off_out: i64, len: u32 } {
        /// `SPLICE_F_*` flags.
        flags: u32 = 0,
    } |s, sqe| {
        let fixed_in = if s.fd_in.is_fixed() { sys::SPLICE_F_FD_IN_FIXED } else { 0 };
        prep::pipe::splice(sqe, s.fd_in.raw(), s.off_in, s.fd_out.raw(), s.off_out, s.len, s.flags | fixed_in);
    }

    /// `IORING_OP_PROVIDE_BUFFERS`: hand `nr` buffers of `len` bytes at `addr` to group `bgid`.
    unsafe("the `nr * len` bytes at `addr` must stay valid, and only be accessed for buffers the kernel has handed back, until they are removed or the ring is dropped; and the ids `bid..bid + nr` must not be ids a `BufRing` of the same ring uses (`BufRing::bid_range`), whose completions would otherwise name that ring's buffers.")
    ProvideBuffers = IORING_OP_PROVIDE_BUFFERS { addr: *mut u8, len: i32, nr: i32, bgid: u16, bid: u16 } {}
    |s, sqe| { prep::buffers::provide_buffers(sqe, a(s.addr), s.len, s.nr, s.bgid as i32, s.bid as i32); }

    /// `IORING_OP_REMOVE_BUFFERS`: take up to `nr` buffers back out of group `bgid`.
    safe RemoveBuffers = IORING_OP_REMOVE_BUFFERS { nr: i32, bgid: u16 } {}
    |s, sqe| { prep::buffers::remove_buffers(sqe, s.nr, s.bgid as i32); }

    /// `IORING_OP_TEE`: `tee(2)` of `len` bytes between pipes.
    safe Tee = IORING_OP_TEE [fd fd_out] { fd_in: Fd, fd_out: Fd, len: u32 } {
        /// `SPLICE_F_*` flags.
        flags: u32 = 0,
    } |s, sqe| {
        let fixed_in = if s.fd_in.is_fixed() { sys::SPLICE_F_FD_IN_FIXED } else { 0 };
        prep::pipe::tee(sqe, s.fd_in.raw(), s.fd_out.raw(), s.len, s.flags | fixed_in);
    }

    /// `IORING_OP_SHUTDOWN`: `shutdown(2)` (`how`: `SHUT_RD`/`WR`/`RDWR`).
    safe Shutdown = IORING_OP_SHUTDOWN [fd fd] { fd: Fd, how: i32 } {}
    |s, sqe| { prep::net::shutdown(sqe, s.fd.raw(), s.how); }

    /// `IORING_OP_RENAMEAT`: `renameat2(2)`.
    unsafe("both paths must be NUL-terminated and stay valid until the operation completes.")
    RenameAt = IORING_OP_RENAMEAT { olddirfd: i32, oldpath: *const c_char, newdirfd: i32, newpath: *const c_char } {
        /// `RENAME_*` flags.
        flags: u32 = 0,
    } |s, sqe| { prep::fs::renameat(sqe, s.olddirfd, a(s.oldpath), s.newdirfd, a(s.newpath), s.flags); }

    /// `IORING_OP_UNLINKAT`: `unlinkat(2)` (`AT_REMOVEDIR` for directories).
    unsafe("`path` must be NUL-terminated and stay valid until the operation completes.")
    UnlinkAt = IORING_OP_UNLINKAT { dirfd: i32, path: *const c_char } {
        /// `AT_REMOVEDIR` or 0.
        flags: i32 = 0,
    } |s, sqe| { prep::fs::unlinkat(sqe, s.dirfd, a(s.path), s.flags); }

    /// `IORING_OP_MKDIRAT`: `mkdirat(2)`.
    unsafe("`path` must be NUL-terminated and stay valid until the operation completes.")
    MkdirAt = IORING_OP_MKDIRAT { dirfd: i32, path: *const c_char } {
        /// Mode. Default `0o777` (before the umask).
        mode: u32 = 0o777,
    } |s, sqe| { prep::fs::mkdirat(sqe, s.dirfd, a(s.path), s.mode); }

    /// `IORING_OP_SYMLINKAT`: `symlinkat(2)`.
    unsafe("both strings must be NUL-terminated and stay valid until the operation completes.")
    SymlinkAt = IORING_OP_SYMLINKAT { target: *const c_char, newdirfd: i32, linkpath: *const c_char } {}
    |s, sqe| { prep::fs::symlinkat(sqe, a(s.target), s.newdirfd, a(s.linkpath)); }

    /// `IORING_OP_LINKAT`: `linkat(2)`.
    unsafe("both paths must be NUL-terminated and stay valid until the operation completes.")
    LinkAt = IORING_OP_LINKAT { olddirfd: i32, oldpath: *const c_char, newdirfd: i32, newpath: *const c_char } {
        /// `AT_*` flags.
        flags: i32 = 0,
    } |s, sqe| { prep::fs::linkat(sqe, s.olddirfd, a(s.oldpath), s.newdirfd, a(s.newpath), s.flags); }

    /// `IORING_OP_MSG_RING`: post a completion (`res` = `len`, `user_data` = `data`) to
    /// the ring `ring_fd`, or pass it a registered file.
    safe MsgRing = IORING_OP_MSG_RING [fd ring_fd] { ring_fd: Fd, len: u32, data: u64 } {
        /// `IORING_MSG_RING_*` flags.
        flags: u32 = 0,
        /// Flags of the posted CQE (`IORING_MSG_RING_FLAGS_PASS`).
        cqe_flags: Option<u32> = None,
        /// Send registered file `source` of this ring into slot `target` of the other
        /// ring (`FILE_INDEX_ALLOC`: any) instead of posting data.
        send_fixed_file: Option<(u32, u32)> = None,
    } |s, sqe| {
        let data = s.data & !RESERVED_USER_DATA_BIT;
        match (s.send_fixed_file, s.cqe_flags) {
            (Some((src, sys::IORING_FILE_INDEX_ALLOC)), _) => {
                prep::msg::msg_ring_fd_alloc(sqe, s.ring_fd.raw(), src as i32, data, s.flags)
            }
            (Some((src, dst)), _) => prep::msg::msg_ring_fd(sqe, s.ring_fd.raw(), src as i32, dst as i32, data, s.flags),
            // The buffer flags are the kernel's word that a provided buffer is done with:
            // a posted CQE must not claim one (BufRing trusts them).
            (None, Some(cf)) => {
                let cf = cf & !(sys::IORING_CQE_F_BUFFER | sys::IORING_CQE_F_BUF_MORE);
                prep::msg::msg_ring_cqe_flags(sqe, s.ring_fd.raw(), s.len, data, s.flags, cf)
            }
            (None, None) => prep::msg::msg_ring(sqe, s.ring_fd.raw(), s.len, data, s.flags),
        }
    }

    /// `IORING_OP_FSETXATTR`: `fsetxattr(2)`.
    unsafe("`name` (NUL-terminated) and `value` (`len` bytes) must stay valid until the operation completes.")
    FsetXattr = IORING_OP_FSETXATTR [fd fd] { fd: Fd, name: *const c_char, value: *const u8, len: u32 } {
        /// `XATTR_CREATE` / `XATTR_REPLACE`.
        flags: i32 = 0,
    } |s, sqe| { prep::fs::fsetxattr(sqe, s.fd.raw(), a(s.name), a(s.value), s.flags, s.len); }

    /// `IORING_OP_SETXATTR`: `setxattr(2)`.
    unsafe("`path`, `name` (NUL-terminated) and `value` (`len` bytes) must stay valid until the operation completes.")
    SetXattr = IORING_OP_SETXATTR { path: *const c_char, name: *const c_char, value: *const u8, len: u32 } {
        /// `XATTR_CREATE` / `XATTR_REPLACE`.
        flags: i32 = 0,
    } |s, sqe| { prep::fs::setxattr(sqe, a(s.name), a(s.value), a(s.path), s.flags, s.len); }

    /// `IORING_OP_FGETXATTR`: `fgetxattr(2)` into `value`.
    unsafe("`name` must be NUL-terminated, `value` valid for `len` bytes of writes; both must stay valid (and `value` unaliased) until the operation completes.")
    FgetXattr = IORING_OP_FGETXATTR [fd fd] { fd: Fd, name: *const c_char, value: *mut u8, len: u32 } {}
    |s, sqe| { prep::fs::fgetxattr(sqe, s.fd.raw(), a(s.name), a(s.value), s.len); }

    /// `IORING_OP_GETXATTR`: `getxattr(2)` into `value`.
    unsafe("`path` and `name` must be NUL-terminated, `value` valid for `len` bytes of writes; all must stay valid (and `value` unaliased) until the operation completes.")
    GetXattr = IORING_OP_GETXATTR { path: *const c_char, name: *const c_char, value: *mut u8, len: u32 } {}
    |s, sqe| { prep::fs::getxattr(sqe, a(s.name), a(s.value), a(s.path), s.len); }

    /// `IORING_OP_SOCKET`: `socket(2)`; the result is the new fd (or direct slot).
    safe Socket = IORING_OP_SOCKET { domain: i32, socket_type: i32, protocol: i32 } {
        /// Reserved flags (0).
        flags: u32 = 0,
        /// Create as a direct descriptor in this slot ([`FILE_INDEX_ALLOC`]: any).
        file_index: Option<u32> = None,
    } |s, sqe| {
        match s.file_index {
            None => prep::net::socket(sqe, s.domain, s.socket_type, s.protocol, s.flags),
            Some(sys::IORING_FILE_INDEX_ALLOC) => {
                prep::net::socket_direct_alloc(sqe, s.domain, s.socket_type, s.protocol, s.flags)
            }
            Some(i) => prep::net::socket_direct(sqe, s.domain, s.socket_type, s.protocol, i, s.flags),
        }
    }

    /// `IORING_OP_URING_CMD`: driver command `cmd_op` on `fd` (sockets:
    /// `SOCKET_URING_OP_*`; NVMe and block devices: passthrough).
    unsafe("the command is driver-defined: any memory its payload refers to must stay valid until the operation completes.")
    UringCmd = IORING_OP_URING_CMD [fd fd] { fd: Fd, cmd_op: u32 } {
        /// The first 16 bytes of the command payload (`sqe->cmd`).
        cmd: [u8; 16] = [0; 16],
    } |s, sqe| {
        prep::rw::uring_cmd(sqe, s.cmd_op as i32, s.fd.raw());
        let c = s.cmd;
        sqe.addr3 = u64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        sqe.__pad2 = [u64::from_ne_bytes([c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15]])];
    }

    /// `IORING_OP_SEND_ZC`: zero-copy send; completes twice (result with `more()`, then
    /// a notification when the buffer is free).
    unsafe("`buf` must be valid for `len` bytes and stay unchanged until the notification completion arrives (or registered buffer `buf_index` must contain it).")
    SendZc = IORING_OP_SEND_ZC [fd fd] { fd: Fd, buf: *const u8, len: usize } {
        /// `MSG_*` flags.
        flags: i32 = 0,
        /// `IORING_SEND_ZC_*` / `IORING_RECVSEND_*` flags.
        zc_flags: u32 = 0,
        /// Send from registered buffer `buf_index`.
        buf_index: Option<u16> = None,
    } |s, sqe| {
        match s.buf_index {
            None => prep::net::send_zc(sqe, s.fd.raw(), a(s.buf), s.len, s.flags, s.zc_flags),
            Some(i) => prep::net::send_zc_fixed(sqe, s.fd.raw(), a(s.buf), s.len, s.flags, s.zc_flags, i as u32),
        }
    }

    /// `IORING_OP_SENDMSG_ZC`: zero-copy `sendmsg(2)` (result, then notification).
    unsafe("`msg` and everything it points to must stay valid until the notification completion arrives.")
    SendMsgZc = IORING_OP_SENDMSG_ZC [fd fd] { fd: Fd, msg: *const msghdr } {
        /// `MSG_*` flags.
        flags: u32 = 0,
    } |s, sqe| { prep::net::sendmsg_zc(sqe, s.fd.raw(), a(s.msg), s.flags); }

    /// `IORING_OP_READ_MULTISHOT`: keep reading into provided buffers of `buf_group`.
    safe ReadMulti = IORING_OP_READ_MULTISHOT [fd fd] { fd: Fd, buf_group: u16 } {
        /// Bytes per read (0: the buffer size).
        len: u32 = 0,
        /// File offset.
        offset: u64 = 0,
    } |s, sqe| { prep::rw::read_multishot(sqe, s.fd.raw(), s.len, s.offset, s.buf_group as i32); }

    /// `IORING_OP_WAITID`: `waitid(2)`.
    unsafe("`info` must be valid for writes and not be accessed until the operation completes.")
    WaitId = IORING_OP_WAITID { idtype: sys::idtype_t, id: sys::id_t, info: *mut sys::siginfo_t, options: i32 } {
        /// Reserved (0).
        flags: u32 = 0,
    } |s, sqe| { prep::msg::waitid(sqe, s.idtype, s.id, a(s.info), s.options, s.flags); }

    /// `IORING_OP_FUTEX_WAIT`: wait while `*futex == val`.
    unsafe("`futex` must stay valid until the operation completes.")
    FutexWait = IORING_OP_FUTEX_WAIT { futex: *const u32, val: u64 } {
        /// Wake-bitset mask. Default `FUTEX_BITSET_MATCH_ANY`.
        mask: u64 = sys::FUTEX_BITSET_MATCH_ANY,
        /// `FUTEX2_*` flags. Default `FUTEX2_SIZE_U32`.
        futex_flags: u32 = sys::FUTEX2_SIZE_U32,
        /// Reserved (0).
        flags: u32 = 0,
    } |s, sqe| { prep::msg::futex_wait(sqe, a(s.futex), s.val, s.mask, s.futex_flags, s.flags); }

    /// `IORING_OP_FUTEX_WAKE`: wake up to `val` waiters of `futex`.
    unsafe("`futex` must stay valid until the operation completes.")
    FutexWake = IORING_OP_FUTEX_WAKE { futex: *const u32, val: u64 } {
        /// Wake-bitset mask. Default `FUTEX_BITSET_MATCH_ANY`.
        mask: u64 = sys::FUTEX_BITSET_MATCH_ANY,
        /// `FUTEX2_*` flags. Default `FUTEX2_SIZE_U32`.
        futex_flags: u32 = sys::FUTEX2_SIZE_U32,
        /// Reserved (0).
        flags: u32 = 0,
    } |s, sqe| { prep::msg::futex_wake(sqe, a(s.futex), s.val, s.mask, s.futex_flags, s.flags); }

    /// `IORING_OP_FUTEX_WAITV`: wait on `nr` futexes at once.
    unsafe("`futexv` (`nr` entries) and the futex words must stay valid until the operation completes.")
    FutexWaitv = IORING_OP_FUTEX_WAITV { futexv: *const sys::futex_waitv, nr: u32 } {
        /// Reserved (0).
        flags: u32 = 0,
    } |s, sqe| { prep::msg::futex_waitv(sqe, a(s.futexv), s.nr, s.flags); }

    /// `IORING_OP_FIXED_FD_INSTALL`: make registered file `index` a normal fd (the result).
    safe FixedFdInstall = IORING_OP_FIXED_FD_INSTALL { index: u32 } {
        /// `IORING_FIXED_FD_NO_CLOEXEC`.
        flags: u32 = 0,
    } |s, sqe| { prep::fs::fixed_fd_install(sqe, s.index as i32, s.flags); }

    /// `IORING_OP_FTRUNCATE`: `ftruncate(2)` to `len` bytes.
    safe Ftruncate = IORING_OP_FTRUNCATE [fd fd] { fd: Fd, len: i64 } {}
    |s, sqe| { prep::sync::ftruncate(sqe, s.fd.raw(), s.len); }

    /// `IORING_OP_BIND`: `bind(2)`.
    unsafe("`addr` (`addrlen` bytes) must stay valid until the operation completes.")
    Bind = IORING_OP_BIND [fd fd] { fd: Fd, addr: *const sockaddr, addrlen: socklen_t } {}
    |s, sqe| { prep::net::bind(sqe, s.fd.raw(), a(s.addr), s.addrlen); }

    /// `IORING_OP_LISTEN`: `listen(2)`.
    safe Listen = IORING_OP_LISTEN [fd fd] { fd: Fd, backlog: i32 } {}
    |s, sqe| { prep::net::listen(sqe, s.fd.raw(), s.backlog); }

    /// `IORING_OP_RECV_ZC`: zero-copy receive into the registered zcrx area of
    /// interface queue `ifq` (multishot).
    safe RecvZc = IORING_OP_RECV_ZC [fd fd] { fd: Fd, ifq: u32 } {
        /// Bytes to receive (0: unlimited).
        len: u32 = 0,
    } |s, sqe| {
        prep::rw::prep_rw(sqe, sys::IORING_OP_RECV_ZC, s.fd.raw(), 0, s.len, 0);
        sqe.ioprio |= sys::IORING_RECV_MULTISHOT;
        sqe.splice_fd_in = s.ifq as i32;
    }

    /// `IORING_OP_EPOLL_WAIT`: `epoll_wait(2)` into `events`.
    unsafe("`events` must be valid for `maxevents` writes and not be accessed until the operation completes.")
    EpollWait = IORING_OP_EPOLL_WAIT [fd fd] { fd: Fd, events: *mut sys::epoll_event, maxevents: i32 } {
        /// Reserved (0).
        flags: u32 = 0,
    } |s, sqe| { prep::poll::epoll_wait(sqe, s.fd.raw(), a(s.events), s.maxevents, s.flags); }

    /// `IORING_OP_READV_FIXED`: vectored read into registered buffer `buf_index`.
    unsafe("the iovecs must describe memory inside registered buffer `buf_index` that is not accessed until the operation completes; the array must stay valid until then.")
    ReadvFixed = IORING_OP_READV_FIXED [fd fd] { fd: Fd, iovecs: *const iovec, len: u32, buf_index: u16 } {
        /// File offset. Default 0.
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
    } |s, sqe| { prep::rw::readv_fixed(sqe, s.fd.raw(), a(s.iovecs), s.len, s.offset, s.rw_flags, s.buf_index as i32); }

    /// `IORING_OP_WRITEV_FIXED`: vectored write from registered buffer `buf_index`.
    unsafe("the iovecs must describe memory inside registered buffer `buf_index` that stays unchanged until the operation completes; the array must stay valid until then.")
    WritevFixed = IORING_OP_WRITEV_FIXED [fd fd] { fd: Fd, iovecs: *const iovec, len: u32, buf_index: u16 } {
        /// File offset. Default 0.
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
    } |s, sqe| { prep::rw::writev_fixed(sqe, s.fd.raw(), a(s.iovecs), s.len, s.offset, s.rw_flags, s.buf_index as i32); }

    /// `IORING_OP_PIPE`: `pipe2(2)`; the two fds (or direct slots) are written to `fds`.
    unsafe("`fds` must be valid for writes of two `i32` and not be accessed until the operation completes.")
    Pipe = IORING_OP_PIPE { fds: *mut [i32; 2] } {
        /// `O_*` flags of `pipe2(2)`.
        flags: i32 = 0,
        /// Create direct descriptors starting at this slot ([`FILE_INDEX_ALLOC`]: any).
        file_index: Option<u32> = None,
    } |s, sqe| {
        match s.file_index {
            None => prep::pipe::pipe(sqe, a(s.fds), s.flags),
            Some(i) => prep::pipe::pipe_direct(sqe, a(s.fds), s.flags, i),
        }
    }

    /// `IORING_OP_NOP128`: a no-op in a 128-byte SQE (`SQE128` / `SQE_MIXED` rings).
    safe Nop128 = IORING_OP_NOP128 @sqe128 {} {} |_s, sqe| { prep::rw::nop128(sqe); }

    /// `IORING_OP_URING_CMD128`: driver command in a 128-byte SQE.
    unsafe("the command is driver-defined: any memory it refers to must stay valid until the operation completes.")
    UringCmd128 = IORING_OP_URING_CMD128 [fd fd] @sqe128 { fd: Fd, cmd_op: u32 } {}
    |s, sqe| { prep::rw::uring_cmd128(sqe, s.cmd_op as i32, s.fd.raw()); }
}

impl Read {
    /// A read into a buffer the kernel picks from provided-buffer group `group` (the
    /// completion names it; see [`BufRing`](crate::BufRing)). Safe: no caller memory.
    pub fn buffer_select(fd: impl IntoArg<Fd>, len: u32, group: u16) -> Self {
        // SAFETY: a null buffer is never dereferenced: with IOSQE_BUFFER_SELECT the
        // kernel uses a provided buffer instead.
        unsafe { Read::new(fd, null_mut(), len) }.buf_group(group)
    }
}

impl Recv {
    /// A receive into a buffer picked from provided-buffer group `group`. Safe: no
    /// caller memory. Combine with [`multishot`](Self::multishot) to keep receiving.
    pub fn buffer_select(fd: impl IntoArg<Fd>, group: u16) -> Self {
        // SAFETY: as for Read::buffer_select.
        unsafe { Recv::new(fd, null_mut(), 0) }.buf_group(group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill<O: PrepSqe>(op: &O) -> io_uring_sqe {
        let mut s = io_uring_sqe {
            opcode: 0xff,
            flags: 0xff,
            ioprio: 0xffff,
            fd: 77,
            off: !0,
            addr: !0,
            len: !0,
            op_flags: !0,
            user_data: !0,
            buf_index: !0,
            personality: !0,
            splice_fd_in: -5,
            addr3: !0,
            __pad2: [!0],
        };
        op.prep(&mut s);
        s
    }

    #[test]
    fn table_covers_every_opcode_once() {
        let mut seen = [false; sys::IORING_OP_LAST as usize];
        for &op in ALL_OPCODES {
            assert!(!seen[op as usize], "opcode {op} twice");
            seen[op as usize] = true;
        }
        assert!(
            seen.iter().all(|&s| s),
            "missing opcodes: {:?}",
            seen.iter().enumerate().filter(|s| !*s.1).collect::<std::vec::Vec<_>>()
        );
        assert_eq!(ALL_OPCODES.len(), 65);
    }

    #[test]
    fn common_options_and_fixed_files() {
        let s = fill(&Nop::new().user_data(u64::MAX).link().personality(3));
        assert_eq!(s.opcode, sys::IORING_OP_NOP);
        assert_eq!(s.user_data, u64::MAX >> 1, "reserved bit cleared");
        assert_eq!(s.flags, sys::IOSQE_IO_LINK);
        assert_eq!(s.personality, 3);
        assert_eq!(s.buf_index, 0);
        let s = fill(&Fsync::new(super::super::Fixed(4)).drain());
        assert_eq!((s.fd, s.flags), (4, sys::IOSQE_FIXED_FILE | sys::IOSQE_IO_DRAIN));
        let s = fill(&Recv::buffer_select(5, 9).multishot(true));
        assert_eq!((s.opcode, s.fd, s.buf_index, s.flags), (sys::IORING_OP_RECV, 5, 9, sys::IOSQE_BUFFER_SELECT));
        assert_eq!(s.ioprio, sys::IORING_RECV_MULTISHOT);
        let s = fill(&Close::new(super::super::Fixed(2)));
        assert_eq!((s.fd, s.splice_fd_in, s.flags), (0, 3, 0));
        let s = fill(&Splice::new(super::super::Fixed(1), -1, 3, -1, 10));
        assert_eq!(s.op_flags, sys::SPLICE_F_FD_IN_FIXED);
        assert_eq!(s.flags, 0);
        let s = fill(&MsgRing::new(3, 7, u64::MAX));
        assert_eq!(s.off, u64::MAX >> 1);
        let s = fill(&AsyncCancel::new(CancelTarget::Any));
        assert_eq!(s.op_flags, sys::IORING_ASYNC_CANCEL_ANY);
    }

    #[test]
    fn same_bytes_as_prep() {
        let mut buf = [0u8; 8];
        // SAFETY: only filled, never submitted.
        let s = fill(&unsafe { Read::new(3, buf.as_mut_ptr(), 8) }.offset(16).user_data(1));
        let mut want = io_uring_sqe::default();
        prep::rw::read(&mut want, 3, buf.as_mut_ptr() as u64, 8, 16);
        want.user_data = 1;
        assert_eq!(s, want);
    }
}
