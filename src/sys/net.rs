//! C library types that appear in liburing's prototypes (`struct iovec`, `sigset_t`,
//! `struct sockaddr`, `struct msghdr`, …) and the kernel's networking constants of io_uring.
//!
//! The library only passes pointers to the libc types through to the kernel (or, for the
//! recvmsg helpers, reads a few fields). They are declared here with their Linux x86_64 /
//! glibc layout so Rust callers can build them; the generated C header does not redefine
//! them (it includes the system headers instead).

use core::ffi::{c_int, c_void};

/// `struct iovec`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct iovec {
    pub iov_base: *mut core::ffi::c_void,
    pub iov_len: usize,
}

/// glibc's `sigset_t` (1024 bits); the kernel reads only the first `_NSIG / 8` bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SigSet {
    pub val: [u64; 16],
}
/// The C name of [`SigSet`].
pub type sigset_t = SigSet;

/// `socklen_t`.
pub type socklen_t = u32;

/// `struct sockaddr`: the generic socket address header.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct sockaddr {
    pub sa_family: u16,
    pub sa_data: [u8; 14],
}

/// `struct msghdr` (glibc layout: `msg_iovlen` and `msg_controllen` are `size_t`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct msghdr {
    pub msg_name: *mut c_void,
    pub msg_namelen: socklen_t,
    pub msg_iov: *mut iovec,
    pub msg_iovlen: usize,
    pub msg_control: *mut c_void,
    pub msg_controllen: usize,
    pub msg_flags: c_int,
}

impl Default for msghdr {
    fn default() -> Self {
        Self {
            msg_name: core::ptr::null_mut(),
            msg_namelen: 0,
            msg_iov: core::ptr::null_mut(),
            msg_iovlen: 0,
            msg_control: core::ptr::null_mut(),
            msg_controllen: 0,
            msg_flags: 0,
        }
    }
}

/// `struct cmsghdr`: header of one ancillary-data item (followed by its data).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct cmsghdr {
    pub cmsg_len: usize,
    pub cmsg_level: c_int,
    pub cmsg_type: c_int,
}

/// `CMSG_ALIGN`: rounds an ancillary-data length up to `size_t` alignment (wrapping, so
/// a hostile length cannot overflow; callers bounds-check the result).
#[inline]
pub const fn cmsg_align(len: usize) -> usize {
    len.wrapping_add(core::mem::size_of::<usize>() - 1) & !(core::mem::size_of::<usize>() - 1)
}

/// Header the kernel writes at the start of each buffer filled by a multishot recvmsg
/// (`struct io_uring_recvmsg_out`); the name, control data and payload follow it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct io_uring_recvmsg_out {
    pub namelen: u32,
    pub controllen: u32,
    pub payloadlen: u32,
    pub flags: u32,
}

/// `struct io_timespec`: a timestamp reported by `SOCKET_URING_OP_TX_TIMESTAMP`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct io_timespec {
    pub tv_sec: u64,
    pub tv_nsec: u64,
}

/// `sqe->ioprio` flags of send/sendmsg/recv/recvmsg (and their zero-copy variants).
pub const IORING_RECVSEND_POLL_FIRST: u16 = 1 << 0;
pub const IORING_RECV_MULTISHOT: u16 = 1 << 1;
pub const IORING_RECVSEND_FIXED_BUF: u16 = 1 << 2;
pub const IORING_SEND_ZC_REPORT_USAGE: u16 = 1 << 3;
pub const IORING_RECVSEND_BUNDLE: u16 = 1 << 4;
pub const IORING_SEND_VECTORIZED: u16 = 1 << 5;

/// `cqe->res` bit of a zero-copy notification CQE (with `IORING_SEND_ZC_REPORT_USAGE`):
/// the data was (at least partly) copied.
pub const IORING_NOTIF_USAGE_ZC_COPIED: u32 = 1 << 31;

/// `sqe->ioprio` flags of accept.
pub const IORING_ACCEPT_MULTISHOT: u16 = 1 << 0;
pub const IORING_ACCEPT_DONTWAIT: u16 = 1 << 1;
pub const IORING_ACCEPT_POLL_FIRST: u16 = 1 << 2;

/// `cmd_op` values of `IORING_OP_URING_CMD` on a socket (`enum io_uring_socket_op`).
pub const SOCKET_URING_OP_SIOCINQ: u32 = 0;
pub const SOCKET_URING_OP_SIOCOUTQ: u32 = 1;
pub const SOCKET_URING_OP_GETSOCKOPT: u32 = 2;
pub const SOCKET_URING_OP_SETSOCKOPT: u32 = 3;
pub const SOCKET_URING_OP_TX_TIMESTAMP: u32 = 4;
pub const SOCKET_URING_OP_GETSOCKNAME: u32 = 5;

/// `SOCKET_URING_OP_TX_TIMESTAMP` completion flags.
pub const IORING_TIMESTAMP_HW_SHIFT: u32 = 16;
pub const IORING_CQE_F_TSTAMP_HW: u32 = 1 << IORING_TIMESTAMP_HW_SHIFT;
pub const IORING_TIMESTAMP_TYPE_SHIFT: u32 = IORING_TIMESTAMP_HW_SHIFT + 1;

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    #[test]
    fn layouts_match_glibc_and_kernel() {
        assert_eq!(size_of::<sockaddr>(), size_of::<libc::sockaddr>());
        assert_eq!(size_of::<msghdr>(), size_of::<libc::msghdr>());
        assert_eq!(offset_of!(msghdr, msg_namelen), offset_of!(libc::msghdr, msg_namelen));
        assert_eq!(offset_of!(msghdr, msg_iov), offset_of!(libc::msghdr, msg_iov));
        assert_eq!(offset_of!(msghdr, msg_iovlen), offset_of!(libc::msghdr, msg_iovlen));
        assert_eq!(offset_of!(msghdr, msg_control), offset_of!(libc::msghdr, msg_control));
        assert_eq!(offset_of!(msghdr, msg_controllen), offset_of!(libc::msghdr, msg_controllen));
        assert_eq!(offset_of!(msghdr, msg_flags), offset_of!(libc::msghdr, msg_flags));
        assert_eq!(size_of::<cmsghdr>(), size_of::<libc::cmsghdr>());
        assert_eq!(offset_of!(cmsghdr, cmsg_type), offset_of!(libc::cmsghdr, cmsg_type));
        // layouts.txt: struct io_uring_recvmsg_out sizeof 16 alignof 4
        assert_eq!(size_of::<io_uring_recvmsg_out>(), 16);
        assert_eq!(align_of::<io_uring_recvmsg_out>(), 4);
        assert_eq!(offset_of!(io_uring_recvmsg_out, controllen), 4);
        assert_eq!(offset_of!(io_uring_recvmsg_out, payloadlen), 8);
        assert_eq!(offset_of!(io_uring_recvmsg_out, flags), 12);
        assert_eq!(size_of::<io_timespec>(), 16);
    }

    #[test]
    fn cmsg_align_matches_libc() {
        for len in [0usize, 1, 7, 8, 9, 15, 16, 17, 20, 24] {
            // SAFETY: CMSG_ALIGN-equivalent arithmetic only.
            let want = unsafe { libc::CMSG_SPACE(len as u32) } as usize - cmsg_align(size_of::<cmsghdr>());
            assert_eq!(cmsg_align(len), want);
        }
        assert_eq!(cmsg_align(usize::MAX), 0);
    }
}
