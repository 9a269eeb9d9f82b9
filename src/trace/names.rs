//! Names for what the trace and the doctor print: opcodes, flag words, errno values.
//! Kept as data (one table per word) so the decoders stay one loop each.

use crate::sys;
use core::fmt;

/// `IORING_OP_*` names without the prefix, indexed by opcode.
const OPCODES: [&str; sys::IORING_OP_LAST as usize] = [
    "NOP",
    "READV",
    "WRITEV",
    "FSYNC",
    "READ_FIXED",
    "WRITE_FIXED",
    "POLL_ADD",
    "POLL_REMOVE",
    "SYNC_FILE_RANGE",
    "SENDMSG",
    "RECVMSG",
    "TIMEOUT",
    "TIMEOUT_REMOVE",
    "ACCEPT",
    "ASYNC_CANCEL",
    "LINK_TIMEOUT",
    "CONNECT",
    "FALLOCATE",
    "OPENAT",
    "CLOSE",
    "FILES_UPDATE",
    "STATX",
    "READ",
    "WRITE",
    "FADVISE",
    "MADVISE",
    "SEND",
    "RECV",
    "OPENAT2",
    "EPOLL_CTL",
    "SPLICE",
    "PROVIDE_BUFFERS",
    "REMOVE_BUFFERS",
    "TEE",
    "SHUTDOWN",
    "RENAMEAT",
    "UNLINKAT",
    "MKDIRAT",
    "SYMLINKAT",
    "LINKAT",
    "MSG_RING",
    "FSETXATTR",
    "SETXATTR",
    "FGETXATTR",
    "GETXATTR",
    "SOCKET",
    "URING_CMD",
    "SEND_ZC",
    "SENDMSG_ZC",
    "READ_MULTISHOT",
    "WAITID",
    "FUTEX_WAIT",
    "FUTEX_WAKE",
    "FUTEX_WAITV",
    "FIXED_FD_INSTALL",
    "FTRUNCATE",
    "BIND",
    "LISTEN",
    "RECV_ZC",
    "EPOLL_WAIT",
    "READV_FIXED",
    "WRITEV_FIXED",
    "PIPE",
    "NOP128",
    "URING_CMD128",
];

/// The name of opcode `op` (without `IORING_OP_`), or `None` past what liburing 2.15 knows.
pub fn opcode_name(op: u8) -> Option<&'static str> {
    OPCODES.get(op as usize).copied()
}

/// One named bit of a flags word.
pub type Bit = (u32, &'static str);

/// `IOSQE_*` (the SQE's `flags` byte).
pub const SQE_FLAGS: &[Bit] = &[
    (sys::IOSQE_FIXED_FILE as u32, "FIXED_FILE"),
    (sys::IOSQE_IO_DRAIN as u32, "IO_DRAIN"),
    (sys::IOSQE_IO_LINK as u32, "IO_LINK"),
    (sys::IOSQE_IO_HARDLINK as u32, "IO_HARDLINK"),
    (sys::IOSQE_ASYNC as u32, "ASYNC"),
    (sys::IOSQE_BUFFER_SELECT as u32, "BUFFER_SELECT"),
    (sys::IOSQE_CQE_SKIP_SUCCESS as u32, "CQE_SKIP_SUCCESS"),
];

/// `IORING_CQE_F_*`.
pub const CQE_FLAGS: &[Bit] = &[
    (sys::IORING_CQE_F_BUFFER, "BUFFER"),
    (sys::IORING_CQE_F_MORE, "MORE"),
    (sys::IORING_CQE_F_SOCK_NONEMPTY, "SOCK_NONEMPTY"),
    (sys::IORING_CQE_F_NOTIF, "NOTIF"),
    (sys::IORING_CQE_F_BUF_MORE, "BUF_MORE"),
    (sys::IORING_CQE_F_SKIP, "SKIP"),
    (sys::IORING_CQE_F_32, "32"),
];

/// `IORING_SETUP_*`.
pub const SETUP_FLAGS: &[Bit] = &[
    (sys::IORING_SETUP_IOPOLL, "IOPOLL"),
    (sys::IORING_SETUP_SQPOLL, "SQPOLL"),
    (sys::IORING_SETUP_SQ_AFF, "SQ_AFF"),
    (sys::IORING_SETUP_CQSIZE, "CQSIZE"),
    (sys::IORING_SETUP_CLAMP, "CLAMP"),
    (sys::IORING_SETUP_ATTACH_WQ, "ATTACH_WQ"),
    (sys::IORING_SETUP_R_DISABLED, "R_DISABLED"),
    (sys::IORING_SETUP_SUBMIT_ALL, "SUBMIT_ALL"),
    (sys::IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN"),
    (sys::IORING_SETUP_TASKRUN_FLAG, "TASKRUN_FLAG"),
    (sys::IORING_SETUP_SQE128, "SQE128"),
    (sys::IORING_SETUP_CQE32, "CQE32"),
    (sys::IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER"),
    (sys::IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN"),
    (sys::IORING_SETUP_NO_MMAP, "NO_MMAP"),
    (sys::IORING_SETUP_REGISTERED_FD_ONLY, "REGISTERED_FD_ONLY"),
    (sys::IORING_SETUP_NO_SQARRAY, "NO_SQARRAY"),
    (sys::IORING_SETUP_HYBRID_IOPOLL, "HYBRID_IOPOLL"),
    (sys::IORING_SETUP_CQE_MIXED, "CQE_MIXED"),
    (sys::IORING_SETUP_SQE_MIXED, "SQE_MIXED"),
    (sys::IORING_SETUP_SQ_REWIND, "SQ_REWIND"),
];

/// `IORING_FEAT_*`.
pub const FEATURES: &[Bit] = &[
    (sys::IORING_FEAT_SINGLE_MMAP, "SINGLE_MMAP"),
    (sys::IORING_FEAT_NODROP, "NODROP"),
    (sys::IORING_FEAT_SUBMIT_STABLE, "SUBMIT_STABLE"),
    (sys::IORING_FEAT_RW_CUR_POS, "RW_CUR_POS"),
    (sys::IORING_FEAT_CUR_PERSONALITY, "CUR_PERSONALITY"),
    (sys::IORING_FEAT_FAST_POLL, "FAST_POLL"),
    (sys::IORING_FEAT_POLL_32BITS, "POLL_32BITS"),
    (sys::IORING_FEAT_SQPOLL_NONFIXED, "SQPOLL_NONFIXED"),
    (sys::IORING_FEAT_EXT_ARG, "EXT_ARG"),
    (sys::IORING_FEAT_NATIVE_WORKERS, "NATIVE_WORKERS"),
    (sys::IORING_FEAT_RSRC_TAGS, "RSRC_TAGS"),
    (sys::IORING_FEAT_CQE_SKIP, "CQE_SKIP"),
    (sys::IORING_FEAT_LINKED_FILE, "LINKED_FILE"),
    (sys::IORING_FEAT_REG_REG_RING, "REG_REG_RING"),
    (sys::IORING_FEAT_RECVSEND_BUNDLE, "RECVSEND_BUNDLE"),
    (sys::IORING_FEAT_MIN_TIMEOUT, "MIN_TIMEOUT"),
    (sys::IORING_FEAT_RW_ATTR, "RW_ATTR"),
    (sys::IORING_FEAT_NO_IOWAIT, "NO_IOWAIT"),
];

/// `RWF_*` (`rw_flags` of reads and writes).
const RW_FLAGS: &[Bit] = &[
    (0x1, "HIPRI"),
    (0x2, "DSYNC"),
    (0x4, "SYNC"),
    (0x8, "NOWAIT"),
    (0x10, "APPEND"),
    (0x20, "NOAPPEND"),
    (0x40, "ATOMIC"),
    (0x80, "DONTCACHE"),
];

/// `MSG_*` (`msg_flags` of sends and receives).
const MSG_FLAGS: &[Bit] = &[
    (0x1, "OOB"),
    (0x2, "PEEK"),
    (0x4, "DONTROUTE"),
    (0x8, "CTRUNC"),
    (0x20, "TRUNC"),
    (0x40, "DONTWAIT"),
    (0x80, "EOR"),
    (0x100, "WAITALL"),
    (0x4000, "NOSIGNAL"),
    (0x8000, "MORE"),
    (0x40000000, "CMSG_CLOEXEC"),
];

/// `POLL*` (`poll32_events`).
const POLL_EVENTS: &[Bit] = &[
    (0x1, "POLLIN"),
    (0x2, "POLLPRI"),
    (0x4, "POLLOUT"),
    (0x8, "POLLERR"),
    (0x10, "POLLHUP"),
    (0x20, "POLLNVAL"),
    (0x2000, "POLLRDHUP"),
    (1 << 31, "EPOLLET"),
    (1 << 30, "EPOLLONESHOT"),
];

const TIMEOUT_FLAGS: &[Bit] = &[
    (sys::IORING_TIMEOUT_ABS, "ABS"),
    (sys::IORING_TIMEOUT_UPDATE, "UPDATE"),
    (sys::IORING_TIMEOUT_BOOTTIME, "BOOTTIME"),
    (sys::IORING_TIMEOUT_REALTIME, "REALTIME"),
    (sys::IORING_LINK_TIMEOUT_UPDATE, "LINK_UPDATE"),
    (sys::IORING_TIMEOUT_ETIME_SUCCESS, "ETIME_SUCCESS"),
    (sys::IORING_TIMEOUT_MULTISHOT, "MULTISHOT"),
];

const FSYNC_FLAGS: &[Bit] = &[(sys::IORING_FSYNC_DATASYNC, "DATASYNC")];

const CANCEL_FLAGS: &[Bit] = &[
    (sys::IORING_ASYNC_CANCEL_ALL, "ALL"),
    (sys::IORING_ASYNC_CANCEL_FD, "FD"),
    (sys::IORING_ASYNC_CANCEL_ANY, "ANY"),
    (sys::IORING_ASYNC_CANCEL_FD_FIXED, "FD_FIXED"),
    (sys::IORING_ASYNC_CANCEL_USERDATA, "USERDATA"),
    (sys::IORING_ASYNC_CANCEL_OP, "OP"),
];

/// The name of the SQE's per-opcode flags word and its bit table, for the opcodes whose
/// word is a bit set (others print as a plain number).
pub fn op_flags_table(op: u8) -> (&'static str, &'static [Bit]) {
    match op {
        sys::IORING_OP_READV
        | sys::IORING_OP_WRITEV
        | sys::IORING_OP_READ
        | sys::IORING_OP_WRITE
        | sys::IORING_OP_READ_FIXED
        | sys::IORING_OP_WRITE_FIXED
        | sys::IORING_OP_READV_FIXED
        | sys::IORING_OP_WRITEV_FIXED
        | sys::IORING_OP_READ_MULTISHOT => ("rw_flags", RW_FLAGS),
        sys::IORING_OP_SEND
        | sys::IORING_OP_RECV
        | sys::IORING_OP_SENDMSG
        | sys::IORING_OP_RECVMSG
        | sys::IORING_OP_SEND_ZC
        | sys::IORING_OP_SENDMSG_ZC => ("msg_flags", MSG_FLAGS),
        sys::IORING_OP_POLL_ADD => ("poll_events", POLL_EVENTS),
        sys::IORING_OP_TIMEOUT | sys::IORING_OP_LINK_TIMEOUT | sys::IORING_OP_TIMEOUT_REMOVE => {
            ("timeout_flags", TIMEOUT_FLAGS)
        }
        sys::IORING_OP_FSYNC => ("fsync_flags", FSYNC_FLAGS),
        sys::IORING_OP_ASYNC_CANCEL => ("cancel_flags", CANCEL_FLAGS),
        _ => ("op_flags", &[]),
    }
}

/// Displays a flags word as `NAME|NAME|0x80` (the unnamed rest in hex), or `0`.
pub struct Flags<'a>(pub u32, pub &'a [Bit]);

impl fmt::Display for Flags<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        if rest == 0 {
            return f.write_str("0");
        }
        let mut sep = "";
        for &(bit, name) in self.1 {
            if rest & bit == bit && bit != 0 {
                write!(f, "{sep}{name}")?;
                rest &= !bit;
                sep = "|";
            }
        }
        if rest != 0 {
            write!(f, "{sep}{rest:#x}")?;
        }
        Ok(())
    }
}

/// Errno names, by value (Linux numbers, the same on every architecture io_urine builds
/// for except where rustix says otherwise: they are taken from rustix).
pub fn errno_name(e: i32) -> Option<&'static str> {
    use rustix::io::Errno as E;
    const TABLE: &[(E, &str)] = &[
        (E::PERM, "EPERM"),
        (E::NOENT, "ENOENT"),
        (E::SRCH, "ESRCH"),
        (E::INTR, "EINTR"),
        (E::IO, "EIO"),
        (E::NXIO, "ENXIO"),
        (E::TOOBIG, "E2BIG"),
        (E::BADF, "EBADF"),
        (E::CHILD, "ECHILD"),
        (E::AGAIN, "EAGAIN"),
        (E::NOMEM, "ENOMEM"),
        (E::ACCESS, "EACCES"),
        (E::FAULT, "EFAULT"),
        (E::BUSY, "EBUSY"),
        (E::EXIST, "EEXIST"),
        (E::XDEV, "EXDEV"),
        (E::NODEV, "ENODEV"),
        (E::NOTDIR, "ENOTDIR"),
        (E::ISDIR, "EISDIR"),
        (E::INVAL, "EINVAL"),
        (E::NFILE, "ENFILE"),
        (E::MFILE, "EMFILE"),
        (E::NOTTY, "ENOTTY"),
        (E::FBIG, "EFBIG"),
        (E::NOSPC, "ENOSPC"),
        (E::SPIPE, "ESPIPE"),
        (E::ROFS, "EROFS"),
        (E::PIPE, "EPIPE"),
        (E::RANGE, "ERANGE"),
        (E::NAMETOOLONG, "ENAMETOOLONG"),
        (E::NOSYS, "ENOSYS"),
        (E::NOTEMPTY, "ENOTEMPTY"),
        (E::NODATA, "ENODATA"),
        (E::TIME, "ETIME"),
        (E::OVERFLOW, "EOVERFLOW"),
        (E::BADFD, "EBADFD"),
        (E::NOTSOCK, "ENOTSOCK"),
        (E::MSGSIZE, "EMSGSIZE"),
        (E::OPNOTSUPP, "EOPNOTSUPP"),
        (E::AFNOSUPPORT, "EAFNOSUPPORT"),
        (E::ADDRINUSE, "EADDRINUSE"),
        (E::ADDRNOTAVAIL, "EADDRNOTAVAIL"),
        (E::NETUNREACH, "ENETUNREACH"),
        (E::CONNABORTED, "ECONNABORTED"),
        (E::CONNRESET, "ECONNRESET"),
        (E::NOBUFS, "ENOBUFS"),
        (E::ISCONN, "EISCONN"),
        (E::NOTCONN, "ENOTCONN"),
        (E::TIMEDOUT, "ETIMEDOUT"),
        (E::CONNREFUSED, "ECONNREFUSED"),
        (E::ALREADY, "EALREADY"),
        (E::INPROGRESS, "EINPROGRESS"),
        (E::CANCELED, "ECANCELED"),
        (E::OWNERDEAD, "EOWNERDEAD"),
    ];
    TABLE.iter().find(|(v, _)| v.raw_os_error() == e).map(|&(_, n)| n)
}

/// Displays a CQE result: the value, and for negative ones the errno name (`-2 ENOENT`).
pub struct Res(pub i32);

impl fmt::Display for Res {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match errno_name(self.0.wrapping_neg()) {
            Some(name) if self.0 < 0 => write!(f, "{} {}", self.0, name),
            _ => write!(f, "{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn names_and_flags() {
        assert_eq!(opcode_name(sys::IORING_OP_READV), Some("READV"));
        assert_eq!(opcode_name(sys::IORING_OP_URING_CMD128), Some("URING_CMD128"));
        assert_eq!(opcode_name(sys::IORING_OP_LAST), None);
        assert_eq!(Flags(0, SQE_FLAGS).to_string(), "0");
        assert_eq!(Flags(0x84, SQE_FLAGS).to_string(), "IO_LINK|0x80");
        assert_eq!(Flags(sys::IORING_CQE_F_MORE | sys::IORING_CQE_F_32, CQE_FLAGS).to_string(), "MORE|32");
        assert_eq!(Res(-11).to_string(), "-11 EAGAIN");
        assert_eq!(Res(-1000).to_string(), "-1000");
        assert_eq!(Res(4096).to_string(), "4096");
    }
}
