//! Networking family: socket/bind/listen/accept/connect, send/recv (plain, zero-copy,
//! bundle, multishot), sendmsg/recvmsg, shutdown, socket commands, and the parsers of
//! the buffers a multishot recvmsg fills (`io_uring_recvmsg_*`).
//!
//! Addresses are passed as `u64` (the value the SQE stores); the integer conversions
//! mirror the C casts of liburing's inline helpers exactly, so the SQE bytes match.

use super::rw::{prep_rw, set_direct_target};
use crate::sys::{self, cmsghdr, io_uring_recvmsg_out, io_uring_sqe, msghdr};
use core::mem::size_of;

/// socket(2): `domain`, `type_`, `protocol` as for socket(2); `flags` must be 0.
#[inline]
pub fn socket(sqe: &mut io_uring_sqe, domain: i32, type_: i32, protocol: i32, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_SOCKET, domain, 0, protocol as u32, type_ as i64 as u64);
    sqe.op_flags = flags;
}

/// socket(2) into direct-descriptor slot `file_index` (or `IORING_FILE_INDEX_ALLOC`).
#[inline]
pub fn socket_direct(sqe: &mut io_uring_sqe, domain: i32, type_: i32, protocol: i32, file_index: u32, flags: u32) {
    socket(sqe, domain, type_, protocol, flags);
    set_direct_target(sqe, file_index);
}

/// socket(2) into a direct-descriptor slot the kernel picks (returned in `cqe->res`).
#[inline]
pub fn socket_direct_alloc(sqe: &mut io_uring_sqe, domain: i32, type_: i32, protocol: i32, flags: u32) {
    socket(sqe, domain, type_, protocol, flags);
    set_direct_target(sqe, sys::IORING_FILE_INDEX_ALLOC);
}

/// bind(2) of `fd` to the `addrlen`-byte address at `addr`.
#[inline]
pub fn bind(sqe: &mut io_uring_sqe, fd: i32, addr: u64, addrlen: u32) {
    prep_rw(sqe, sys::IORING_OP_BIND, fd, addr, 0, addrlen as u64);
}

/// listen(2) on `fd`.
#[inline]
pub fn listen(sqe: &mut io_uring_sqe, fd: i32, backlog: i32) {
    prep_rw(sqe, sys::IORING_OP_LISTEN, fd, 0, backlog as u32, 0);
}

/// accept4(2) on `fd`; `addr`/`addrlen` (pointers, may be 0) receive the peer address.
#[inline]
pub fn accept(sqe: &mut io_uring_sqe, fd: i32, addr: u64, addrlen: u64, flags: i32) {
    prep_rw(sqe, sys::IORING_OP_ACCEPT, fd, addr, 0, addrlen);
    sqe.op_flags = flags as u32;
}

/// accept4(2) into direct-descriptor slot `file_index` (or `IORING_FILE_INDEX_ALLOC`).
#[inline]
pub fn accept_direct(sqe: &mut io_uring_sqe, fd: i32, addr: u64, addrlen: u64, flags: i32, file_index: u32) {
    accept(sqe, fd, addr, addrlen, flags);
    set_direct_target(sqe, file_index);
}

/// Multishot accept: one CQE per accepted connection while `IORING_CQE_F_MORE` is set.
#[inline]
pub fn multishot_accept(sqe: &mut io_uring_sqe, fd: i32, addr: u64, addrlen: u64, flags: i32) {
    accept(sqe, fd, addr, addrlen, flags);
    sqe.ioprio |= sys::IORING_ACCEPT_MULTISHOT;
}

/// Multishot accept into kernel-allocated direct-descriptor slots.
#[inline]
pub fn multishot_accept_direct(sqe: &mut io_uring_sqe, fd: i32, addr: u64, addrlen: u64, flags: i32) {
    multishot_accept(sqe, fd, addr, addrlen, flags);
    set_direct_target(sqe, sys::IORING_FILE_INDEX_ALLOC);
}

/// connect(2) of `fd` to the `addrlen`-byte address at `addr`.
#[inline]
pub fn connect(sqe: &mut io_uring_sqe, fd: i32, addr: u64, addrlen: u32) {
    prep_rw(sqe, sys::IORING_OP_CONNECT, fd, addr, 0, addrlen as u64);
}

/// send(2) of `len` bytes at `buf`.
#[inline]
pub fn send(sqe: &mut io_uring_sqe, sockfd: i32, buf: u64, len: usize, flags: i32) {
    prep_rw(sqe, sys::IORING_OP_SEND, sockfd, buf, len as u32, 0);
    sqe.op_flags = flags as u32;
}

/// A bundle send: sends as many buffers of the provided-buffer group (set the group
/// with `buf_group` and `IOSQE_BUFFER_SELECT`) as fit in `len` (0: no limit).
#[inline]
pub fn send_bundle(sqe: &mut io_uring_sqe, sockfd: i32, len: usize, flags: i32) {
    send(sqe, sockfd, 0, len, flags);
    sqe.ioprio |= sys::IORING_RECVSEND_BUNDLE;
}

/// Adds a destination address to a prepared send / send_zc (sendto(2) semantics).
#[inline]
pub fn send_set_addr(sqe: &mut io_uring_sqe, dest_addr: u64, addr_len: u16) {
    sqe.set_addr2(dest_addr);
    sqe.set_addr_len(addr_len);
}

/// sendto(2): send plus a destination address (its length is stored in 16 bits).
#[inline]
pub fn sendto(sqe: &mut io_uring_sqe, sockfd: i32, buf: u64, len: usize, flags: i32, addr: u64, addrlen: u32) {
    send(sqe, sockfd, buf, len, flags);
    send_set_addr(sqe, addr, addrlen as u16);
}

/// Zero-copy send; `zc_flags` (`IORING_RECVSEND_*`, `IORING_SEND_ZC_*`) go in `ioprio`.
#[inline]
pub fn send_zc(sqe: &mut io_uring_sqe, sockfd: i32, buf: u64, len: usize, flags: i32, zc_flags: u32) {
    prep_rw(sqe, sys::IORING_OP_SEND_ZC, sockfd, buf, len as u32, 0);
    sqe.op_flags = flags as u32;
    sqe.ioprio = zc_flags as u16;
}

/// Zero-copy send from registered buffer `buf_index` (`buf` points inside it).
#[inline]
pub fn send_zc_fixed(
    sqe: &mut io_uring_sqe,
    sockfd: i32,
    buf: u64,
    len: usize,
    flags: i32,
    zc_flags: u32,
    buf_index: u32,
) {
    send_zc(sqe, sockfd, buf, len, flags, zc_flags);
    sqe.ioprio |= sys::IORING_RECVSEND_FIXED_BUF;
    sqe.buf_index = buf_index as u16;
}

/// sendmsg(2) of the `struct msghdr` at `msg`.
#[inline]
pub fn sendmsg(sqe: &mut io_uring_sqe, fd: i32, msg: u64, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_SENDMSG, fd, msg, 1, 0);
    sqe.op_flags = flags;
}

/// Zero-copy sendmsg(2).
#[inline]
pub fn sendmsg_zc(sqe: &mut io_uring_sqe, fd: i32, msg: u64, flags: u32) {
    sendmsg(sqe, fd, msg, flags);
    sqe.opcode = sys::IORING_OP_SENDMSG_ZC;
}

/// Zero-copy sendmsg(2) whose iovecs lie in registered buffer `buf_index`.
#[inline]
pub fn sendmsg_zc_fixed(sqe: &mut io_uring_sqe, fd: i32, msg: u64, flags: u32, buf_index: u32) {
    sendmsg_zc(sqe, fd, msg, flags);
    sqe.ioprio |= sys::IORING_RECVSEND_FIXED_BUF;
    sqe.buf_index = buf_index as u16;
}

/// recv(2) of up to `len` bytes into `buf` (or a provided buffer with
/// `IOSQE_BUFFER_SELECT`).
#[inline]
pub fn recv(sqe: &mut io_uring_sqe, sockfd: i32, buf: u64, len: usize, flags: i32) {
    prep_rw(sqe, sys::IORING_OP_RECV, sockfd, buf, len as u32, 0);
    sqe.op_flags = flags as u32;
}

/// Multishot recv (needs `IOSQE_BUFFER_SELECT`): one CQE per received chunk.
#[inline]
pub fn recv_multishot(sqe: &mut io_uring_sqe, sockfd: i32, buf: u64, len: usize, flags: i32) {
    recv(sqe, sockfd, buf, len, flags);
    sqe.ioprio |= sys::IORING_RECV_MULTISHOT;
}

/// recvmsg(2) into the `struct msghdr` at `msg`.
#[inline]
pub fn recvmsg(sqe: &mut io_uring_sqe, fd: i32, msg: u64, flags: u32) {
    prep_rw(sqe, sys::IORING_OP_RECVMSG, fd, msg, 1, 0);
    sqe.op_flags = flags;
}

/// Multishot recvmsg (needs `IOSQE_BUFFER_SELECT`): each buffer starts with a
/// `struct io_uring_recvmsg_out`; `msg` gives the name and control sizes to reserve.
#[inline]
pub fn recvmsg_multishot(sqe: &mut io_uring_sqe, fd: i32, msg: u64, flags: u32) {
    recvmsg(sqe, fd, msg, flags);
    sqe.ioprio |= sys::IORING_RECV_MULTISHOT;
}

/// shutdown(2) of `fd` (`how`: SHUT_RD / SHUT_WR / SHUT_RDWR).
#[inline]
pub fn shutdown(sqe: &mut io_uring_sqe, fd: i32, how: i32) {
    prep_rw(sqe, sys::IORING_OP_SHUTDOWN, fd, 0, how as u32, 0);
}

/// `io_uring_prep_uring_cmd` on a freshly prepared SQE: opcode, fd, `cmd_op` (with
/// `__pad1` cleared) and every other field zero.
#[inline]
fn uring_cmd(sqe: &mut io_uring_sqe, cmd_op: u32, fd: i32) {
    prep_rw(sqe, sys::IORING_OP_URING_CMD, fd, 0, 0, 0);
    sqe.set_cmd_op(cmd_op);
    sqe.set_pad1(0);
}

/// A socket command (`SOCKET_URING_OP_*`): SIOCINQ/SIOCOUTQ, getsockopt/setsockopt of
/// `level`/`optname` with the `optlen`-byte value at `optval`.
#[inline]
pub fn cmd_sock(sqe: &mut io_uring_sqe, cmd_op: i32, fd: i32, level: i32, optname: i32, optval: u64, optlen: i32) {
    uring_cmd(sqe, cmd_op as u32, fd);
    sqe.addr3 = optval;
    sqe.set_optname(optname as u32);
    sqe.set_file_index(optlen as u32);
    sqe.set_level(level as u32);
}

/// getsockname(2) (`peer` = 0) or getpeername(2) (`peer` = 1) into `sockaddr`, with
/// the in/out length at `sockaddr_len`.
#[inline]
pub fn cmd_getsockname(sqe: &mut io_uring_sqe, fd: i32, sockaddr: u64, sockaddr_len: u64, peer: i32) {
    uring_cmd(sqe, sys::SOCKET_URING_OP_GETSOCKNAME, fd);
    sqe.addr = sockaddr;
    sqe.addr3 = sockaddr_len;
    sqe.set_file_index(peer as u32);
}

// ---------------------------------------------------------------------------------------
// Multishot recvmsg output parsing. The buffer the kernel fills is laid out as
//   struct io_uring_recvmsg_out | name (msg_namelen) | control (msg_controllen) | payload
// These work on addresses with checked arithmetic: a bogus length yields "nothing"
// (null / 0), never an overflowed pointer or a panic.
// ---------------------------------------------------------------------------------------

const OUT_SIZE: usize = size_of::<io_uring_recvmsg_out>();
const CMSG_SIZE: usize = size_of::<cmsghdr>();

/// `io_uring_recvmsg_validate`: `buf` (of `buf_len` bytes) as an output header, or null
/// when it cannot even hold the header plus the name and control areas `msgh` reserves.
///
/// # Safety
/// `msgh` must be null or point to a readable `struct msghdr`.
pub unsafe fn recvmsg_validate(buf: *mut u8, buf_len: i32, msgh: *const msghdr) -> *mut io_uring_recvmsg_out {
    // SAFETY: the caller passes null or a valid msghdr.
    let Some(m) = (unsafe { msgh.as_ref() }) else {
        return core::ptr::null_mut();
    };
    if buf.is_null() || !fits(buf_len, m.msg_namelen, m.msg_controllen) {
        return core::ptr::null_mut();
    }
    buf.cast()
}

/// The size check of [`recvmsg_validate`]: header + name + control <= `buf_len`.
#[inline]
pub fn fits(buf_len: i32, namelen: u32, controllen: usize) -> bool {
    let Ok(len) = usize::try_from(buf_len) else {
        return false;
    };
    len.checked_sub(OUT_SIZE).and_then(|rest| rest.checked_sub(namelen as usize)).is_some_and(|rest| controllen <= rest)
}

/// `io_uring_recvmsg_name`: the source address right after the header (null for null).
#[inline]
pub fn recvmsg_name(o: *mut io_uring_recvmsg_out) -> *mut u8 {
    if o.is_null() {
        return core::ptr::null_mut();
    }
    (o as *mut u8).wrapping_add(OUT_SIZE)
}

/// Address of the control area, `o + header + namelen`, if it does not overflow.
#[inline]
fn control_start(o: usize, namelen: u32) -> Option<usize> {
    o.checked_add(OUT_SIZE)?.checked_add(namelen as usize)
}

/// Control bytes to parse: what the kernel says it stored, bounded by what the msghdr
/// reserved (the buffer may be reused memory whose header says anything).
#[inline]
fn stored_control(out: &io_uring_recvmsg_out, m: &msghdr) -> usize {
    (out.controllen as usize).min(m.msg_controllen)
}

/// `io_uring_recvmsg_cmsg_firsthdr`: the first control message, or null when less than
/// one `struct cmsghdr` of control data was stored within the reserved area.
///
/// # Safety
/// `o` and `msgh` must be null or valid for reads.
pub unsafe fn recvmsg_cmsg_firsthdr(o: *mut io_uring_recvmsg_out, msgh: *const msghdr) -> *mut cmsghdr {
    // SAFETY: caller contract: null or valid.
    let (Some(out), Some(m)) = (unsafe { o.as_ref() }, unsafe { msgh.as_ref() }) else {
        return core::ptr::null_mut();
    };
    if stored_control(out, m) < CMSG_SIZE {
        return core::ptr::null_mut();
    }
    match control_start(o as usize, m.msg_namelen) {
        Some(first) => (o as *mut u8).wrapping_add(first - o as usize).cast(),
        None => core::ptr::null_mut(),
    }
}

/// `io_uring_recvmsg_cmsg_nexthdr`: the control message after `cmsg`, or null when
/// `cmsg` is malformed or the next one (header or its aligned length) would run past
/// the `controllen` bytes the kernel stored or the `msg_controllen` bytes reserved.
///
/// # Safety
/// `o`, `msgh` and `cmsg` must be null or valid for reads; `cmsg` must lie in the
/// control area of `o` (as returned by the firsthdr/nexthdr helpers).
pub unsafe fn recvmsg_cmsg_nexthdr(
    o: *mut io_uring_recvmsg_out,
    msgh: *const msghdr,
    cmsg: *mut cmsghdr,
) -> *mut cmsghdr {
    // SAFETY: caller contract: null or valid.
    let (Some(out), Some(m), Some(cur)) = (unsafe { o.as_ref() }, unsafe { msgh.as_ref() }, unsafe { cmsg.as_ref() })
    else {
        return core::ptr::null_mut();
    };
    if cur.cmsg_len < CMSG_SIZE {
        return core::ptr::null_mut();
    }
    // The end of the stored control data (liburing computes it from firsthdr, which is
    // null when less than one header was stored: then nothing can follow).
    let stored = stored_control(out, m);
    if stored < CMSG_SIZE {
        return core::ptr::null_mut();
    }
    let Some(end) = control_start(o as usize, m.msg_namelen).and_then(|s| s.checked_add(stored)) else {
        return core::ptr::null_mut();
    };
    let base = cmsg as usize;
    let Some(next) = aligned_end(base, cur.cmsg_len) else {
        return core::ptr::null_mut();
    };
    if !matches!(next.checked_add(CMSG_SIZE), Some(h) if h <= end) {
        return core::ptr::null_mut();
    }
    let next_ptr: *mut cmsghdr = (cmsg as *mut u8).wrapping_add(next - base).cast();
    // SAFETY: the whole header of `next` lies below `end`, inside the control area the
    // kernel wrote (the caller's buffer). It may be unaligned if cmsg_len was odd.
    let next_len = unsafe { core::ptr::read_unaligned(core::ptr::addr_of!((*next_ptr).cmsg_len)) };
    if !matches!(aligned_end(next, next_len), Some(e) if e <= end) {
        return core::ptr::null_mut();
    }
    next_ptr
}

/// `addr + CMSG_ALIGN(len)`, or `None` if either step overflows.
#[inline]
fn aligned_end(addr: usize, len: usize) -> Option<usize> {
    let aligned = len.checked_add(size_of::<usize>() - 1)? & !(size_of::<usize>() - 1);
    addr.checked_add(aligned)
}

/// `io_uring_recvmsg_payload`: the payload, after the header, name and control areas
/// (null for null arguments).
///
/// # Safety
/// `msgh` must be null or valid for reads.
pub unsafe fn recvmsg_payload(o: *mut io_uring_recvmsg_out, msgh: *const msghdr) -> *mut u8 {
    // SAFETY: caller contract: null or valid.
    let Some(m) = (unsafe { msgh.as_ref() }) else {
        return core::ptr::null_mut();
    };
    if o.is_null() {
        return core::ptr::null_mut();
    }
    (o as *mut u8).wrapping_add(OUT_SIZE).wrapping_add(m.msg_namelen as usize).wrapping_add(m.msg_controllen)
}

/// `io_uring_recvmsg_payload_length`: bytes of `buf_len` left after the header, name and
/// control areas (0 when there are none, or for a negative `buf_len`).
///
/// # Safety
/// `msgh` must be null or valid for reads.
pub unsafe fn recvmsg_payload_length(o: *mut io_uring_recvmsg_out, buf_len: i32, msgh: *const msghdr) -> u32 {
    // SAFETY: caller contract: null or valid.
    let Some(m) = (unsafe { msgh.as_ref() }) else {
        return 0;
    };
    if o.is_null() {
        return 0;
    }
    payload_length(buf_len, m.msg_namelen, m.msg_controllen)
}

/// `buf_len - (header + namelen + controllen)`, saturating at 0.
#[inline]
pub fn payload_length(buf_len: i32, namelen: u32, controllen: usize) -> u32 {
    let Ok(len) = usize::try_from(buf_len) else {
        return 0;
    };
    let start = OUT_SIZE.checked_add(namelen as usize).and_then(|s| s.checked_add(controllen));
    match start {
        Some(s) if s < len => (len - s) as u32,
        _ => 0,
    }
}

/// A multishot recvmsg buffer split into its parts (the safe Rust view of the
/// `io_uring_recvmsg_*` helpers).
#[derive(Debug, Clone, Copy)]
pub struct RecvMsgOut<'a> {
    /// The header the kernel wrote.
    pub header: io_uring_recvmsg_out,
    /// The source address: `min(header.namelen, msg_namelen)` bytes.
    pub name: &'a [u8],
    /// The control data the kernel stored: `min(header.controllen, msg_controllen)` bytes.
    pub control: &'a [u8],
    /// The received payload that fit in the buffer.
    pub payload: &'a [u8],
}

impl<'a> RecvMsgOut<'a> {
    /// Splits `buf` (the `cqe->res` bytes of a provided buffer) using the name and
    /// control sizes the `msghdr` of the request reserved. `None` if `buf` is too short.
    pub fn parse(buf: &'a [u8], msg_namelen: u32, msg_controllen: usize) -> Option<Self> {
        let hdr = buf.get(..OUT_SIZE)?;
        let word = |i: usize| -> u32 {
            let mut w = [0u8; 4];
            w.copy_from_slice(&hdr[i * 4..i * 4 + 4]);
            u32::from_ne_bytes(w)
        };
        let header =
            io_uring_recvmsg_out { namelen: word(0), controllen: word(1), payloadlen: word(2), flags: word(3) };
        let rest = &buf[OUT_SIZE..];
        let name_area = rest.get(..msg_namelen as usize)?;
        let rest = &rest[msg_namelen as usize..];
        let control_area = rest.get(..msg_controllen)?;
        let payload = &rest[msg_controllen..];
        let name = &name_area[..(header.namelen as usize).min(name_area.len())];
        let control = &control_area[..(header.controllen as usize).min(control_area.len())];
        let payload = &payload[..(header.payloadlen as usize).min(payload.len())];
        Some(Self { header, name, control, payload })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::*;

    fn fresh() -> io_uring_sqe {
        // A used slot: every byte set, as a recycled SQE would be.
        io_uring_sqe {
            opcode: 0xff,
            flags: 0xff,
            ioprio: 0xffff,
            fd: -7,
            off: !0,
            addr: !0,
            len: !0,
            op_flags: !0,
            user_data: 0x1234,
            buf_index: 0xffff,
            personality: 0xffff,
            splice_fd_in: -1,
            addr3: !0,
            __pad2: [!0],
        }
    }

    #[test]
    fn accept_family() {
        let mut s = fresh();
        accept_direct(&mut s, 5, 0x1000, 0x2000, 0x80800, IORING_FILE_INDEX_ALLOC);
        assert_eq!((s.opcode, s.fd, s.addr, s.off, s.len), (IORING_OP_ACCEPT, 5, 0x1000, 0x2000, 0));
        assert_eq!(s.op_flags, 0x80800);
        assert_eq!(s.file_index(), IORING_FILE_INDEX_ALLOC);
        assert_eq!(s.ioprio, 0);
        assert_eq!(s.user_data, 0x1234, "prep never touches user_data");
        accept_direct(&mut s, 5, 0, 0, 0, 3);
        assert_eq!(s.file_index(), 4);
        multishot_accept_direct(&mut s, 6, 0, 0, 0);
        assert_eq!(s.ioprio, IORING_ACCEPT_MULTISHOT);
        assert_eq!(s.file_index(), IORING_FILE_INDEX_ALLOC);
    }

    #[test]
    fn socket_and_send_family() {
        let mut s = fresh();
        socket_direct(&mut s, 2, 1, 6, 9, 0);
        assert_eq!((s.opcode, s.fd, s.len, s.off, s.file_index()), (IORING_OP_SOCKET, 2, 6, 1, 10));
        socket(&mut s, 2, -1, 0, 0);
        assert_eq!(s.off, u64::MAX, "type is sign-extended like the C cast");
        socket_direct_alloc(&mut s, 10, 2, 0, 0);
        assert_eq!(s.file_index(), IORING_FILE_INDEX_ALLOC);

        sendto(&mut s, 3, 0xabc, 100, 0x40, 0xdef, 16);
        assert_eq!((s.opcode, s.addr, s.len, s.op_flags, s.off), (IORING_OP_SEND, 0xabc, 100, 0x40, 0xdef));
        assert_eq!(s.splice_fd_in, 16);
        send_zc_fixed(&mut s, 3, 0x10, 8, 0, IORING_SEND_ZC_REPORT_USAGE as u32, 7);
        assert_eq!(s.ioprio, IORING_SEND_ZC_REPORT_USAGE | IORING_RECVSEND_FIXED_BUF);
        assert_eq!((s.opcode, s.buf_index), (IORING_OP_SEND_ZC, 7));
        send_bundle(&mut s, 3, 0, 0);
        assert_eq!((s.addr, s.ioprio), (0, IORING_RECVSEND_BUNDLE));
        sendmsg_zc_fixed(&mut s, 4, 0x99, 0, 2);
        assert_eq!((s.opcode, s.len, s.addr, s.buf_index), (IORING_OP_SENDMSG_ZC, 1, 0x99, 2));
        recvmsg_multishot(&mut s, 4, 0x99, 0);
        assert_eq!((s.opcode, s.ioprio), (IORING_OP_RECVMSG, IORING_RECV_MULTISHOT));
    }

    #[test]
    fn socket_commands() {
        let mut s = fresh();
        cmd_sock(&mut s, SOCKET_URING_OP_SETSOCKOPT as i32, 7, 1, 2, 0x5000, 4);
        assert_eq!((s.opcode, s.fd, s.off, s.len), (IORING_OP_URING_CMD, 7, 3, 0));
        assert_eq!(s.addr, 1 | (2 << 32));
        assert_eq!((s.addr3, s.splice_fd_in), (0x5000, 4));
        cmd_getsockname(&mut s, 7, 0x100, 0x200, 1);
        assert_eq!((s.off, s.addr, s.addr3, s.splice_fd_in), (5, 0x100, 0x200, 1));
    }

    #[test]
    fn recvmsg_parsing_is_bounded() {
        assert!(fits(16, 0, 0));
        assert!(!fits(15, 0, 0));
        assert!(!fits(-1, 0, 0));
        assert!(fits(48, 16, 16));
        assert!(!fits(48, 16, 17));
        assert!(!fits(i32::MAX, u32::MAX, usize::MAX));
        assert_eq!(payload_length(100, 16, 16), 52);
        assert_eq!(payload_length(40, 16, 16), 0);
        assert_eq!(payload_length(-5, 0, 0), 0);
        assert_eq!(payload_length(100, u32::MAX, usize::MAX), 0);

        // A synthetic buffer: header, 8-byte name, two control messages, payload "hi".
        #[repr(C, align(8))]
        struct Buf([u8; 16 + 8 + 48 + 2]);
        let mut b = Buf([0; 74]);
        let hdr = [8u32, 48, 2, 0];
        for (i, w) in hdr.iter().enumerate() {
            b.0[i * 4..i * 4 + 4].copy_from_slice(&w.to_ne_bytes());
        }
        b.0[24..32].copy_from_slice(&20usize.to_ne_bytes()); // first cmsg: 20 bytes -> 24 aligned
        b.0[48..56].copy_from_slice(&24usize.to_ne_bytes()); // second: 24 bytes
        b.0[72..74].copy_from_slice(b"hi");
        let mut m = msghdr { msg_namelen: 8, msg_controllen: 48, ..Default::default() };
        let o = b.0.as_mut_ptr();
        // SAFETY: the test buffer is valid and laid out as the kernel would.
        unsafe {
            let out = recvmsg_validate(o, 74, &m);
            assert_eq!(out as *mut u8, o);
            assert!(recvmsg_validate(o, 71, &m).is_null());
            assert_eq!(recvmsg_name(out), o.add(16));
            let c1 = recvmsg_cmsg_firsthdr(out, &m);
            assert_eq!(c1 as *mut u8, o.add(24));
            let c2 = recvmsg_cmsg_nexthdr(out, &m, c1);
            assert_eq!(c2 as *mut u8, o.add(48));
            assert!(recvmsg_cmsg_nexthdr(out, &m, c2).is_null());
            assert_eq!(recvmsg_payload(out, &m), o.add(72));
            assert_eq!(recvmsg_payload_length(out, 74, &m), 2);
            // A hostile cmsg_len must not overflow or loop.
            b.0[24..32].copy_from_slice(&usize::MAX.to_ne_bytes());
            assert!(recvmsg_cmsg_nexthdr(out, &m, c1).is_null());
            b.0[24..32].copy_from_slice(&3usize.to_ne_bytes());
            assert!(recvmsg_cmsg_nexthdr(out, &m, c1).is_null());
            b.0[24..32].copy_from_slice(&20usize.to_ne_bytes());
            // A stored controllen beyond msg_controllen is bounded by the latter.
            b.0[4..8].copy_from_slice(&4096u32.to_ne_bytes());
            m.msg_controllen = 24;
            assert_eq!(recvmsg_cmsg_firsthdr(out, &m), c1);
            assert!(recvmsg_cmsg_nexthdr(out, &m, c1).is_null(), "read past msg_controllen");
            m.msg_controllen = 8;
            assert!(recvmsg_cmsg_firsthdr(out, &m).is_null(), "header past msg_controllen");
            m.msg_controllen = 48;
            assert_eq!(recvmsg_cmsg_nexthdr(out, &m, c1), c2);
            m.msg_namelen = u32::MAX;
            assert!(recvmsg_validate(o, 74, &m).is_null());
            assert_eq!(recvmsg_payload_length(out, 74, &m), 0);
            assert!(recvmsg_validate(o, 74, core::ptr::null()).is_null());
            assert!(recvmsg_cmsg_firsthdr(core::ptr::null_mut(), &m).is_null());
        }
        let p = RecvMsgOut::parse(&b.0, 8, 48).expect("parse");
        assert_eq!((p.name.len(), p.control.len(), p.payload), (8, 48, &b"hi"[..]));
        assert!(RecvMsgOut::parse(&b.0[..20], 8, 48).is_none());
        assert!(RecvMsgOut::parse(&b.0, u32::MAX, 48).is_none());
    }
}
