//! C ABI of the networking and provided-buffer prep helpers, and of the parsers of
//! multishot recvmsg buffers. Each converts its arguments and calls `crate::prep`.
//! A NULL `sqe` is ignored (liburing would crash).

use super::prep::sqe;
use crate::prep::{buffers, net};
use crate::sys::{cmsghdr, io_uring_recvmsg_out, io_uring_sqe, msghdr, sockaddr, socklen_t};
use core::ffi::{c_int, c_uint, c_void};

/// Creates a socket, like socket(2): the new file descriptor arrives in `cqe->res`.
/// `domain`, `type` and `protocol` are those of socket(2); `flags` is reserved (pass 0).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_socket(
    sqe: *mut io_uring_sqe,
    domain: c_int,
    type_: c_int,
    protocol: c_int,
    flags: c_uint,
) {
    net::socket(sqe!(sqe), domain, type_, protocol, flags);
}

/// Creates a socket straight into slot `file_index` of the registered file table
/// (`IORING_FILE_INDEX_ALLOC`: any free slot, whose index is then returned in
/// `cqe->res`; otherwise `cqe->res` is 0). Use it later with `IOSQE_FIXED_FILE`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_socket_direct(
    sqe: *mut io_uring_sqe,
    domain: c_int,
    type_: c_int,
    protocol: c_int,
    file_index: c_uint,
    flags: c_uint,
) {
    net::socket_direct(sqe!(sqe), domain, type_, protocol, file_index, flags);
}

/// Creates a socket into a free slot of the registered file table chosen by the kernel;
/// `cqe->res` is the slot index (or -ENFILE when the table is full).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_socket_direct_alloc(
    sqe: *mut io_uring_sqe,
    domain: c_int,
    type_: c_int,
    protocol: c_int,
    flags: c_uint,
) {
    net::socket_direct_alloc(sqe!(sqe), domain, type_, protocol, flags);
}

/// Binds socket `fd` to the `addrlen`-byte address `addr`, like bind(2).
/// `cqe->res` is 0 or -errno. `addr` must stay valid until submission.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_bind(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *const sockaddr,
    addrlen: socklen_t,
) {
    net::bind(sqe!(sqe), fd, addr as u64, addrlen);
}

/// Marks socket `fd` as accepting connections with a queue of `backlog`, like
/// listen(2). `cqe->res` is 0 or -errno.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_listen(sqe: *mut io_uring_sqe, fd: c_int, backlog: c_int) {
    net::listen(sqe!(sqe), fd, backlog);
}

/// Accepts one connection on listening socket `fd`, like accept4(2) with `flags`
/// (SOCK_NONBLOCK, SOCK_CLOEXEC). If `addr` is not NULL the peer address is stored there
/// and `*addrlen` (in: its size, out: the address length) updated; both must stay valid
/// until the CQE. `cqe->res` is the new file descriptor or -errno.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_accept(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
    flags: c_int,
) {
    net::accept(sqe!(sqe), fd, addr as u64, addrlen as u64, flags);
}

/// Like io_uring_prep_accept, but installs the connection in slot `file_index` of the
/// registered file table (`IORING_FILE_INDEX_ALLOC`: any free slot, returned in
/// `cqe->res`) instead of the process file table.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_accept_direct(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
    flags: c_int,
    file_index: c_uint,
) {
    net::accept_direct(sqe!(sqe), fd, addr as u64, addrlen as u64, flags, file_index);
}

/// Multishot accept: one request that posts a CQE per accepted connection (`cqe->res`:
/// the descriptor) for as long as `IORING_CQE_F_MORE` is set in the CQE flags; a CQE
/// without it ends the request. `addr`/`addrlen` are overwritten by each accept.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_multishot_accept(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
    flags: c_int,
) {
    net::multishot_accept(sqe!(sqe), fd, addr as u64, addrlen as u64, flags);
}

/// Multishot accept into free slots of the registered file table: each CQE's `res` is
/// the slot index of one new connection (-ENFILE when the table is full).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_multishot_accept_direct(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
    flags: c_int,
) {
    net::multishot_accept_direct(sqe!(sqe), fd, addr as u64, addrlen as u64, flags);
}

/// Connects socket `fd` to the `addrlen`-byte address `addr`, like connect(2).
/// `cqe->res` is 0 or -errno. `addr` must stay valid until the CQE.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_connect(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *const sockaddr,
    addrlen: socklen_t,
) {
    net::connect(sqe!(sqe), fd, addr as u64, addrlen);
}

/// Sends `len` bytes from `buf` on socket `sockfd` with send(2) `flags` (MSG_*).
/// `cqe->res` is the number of bytes sent or -errno.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_send(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *const c_void,
    len: usize,
    flags: c_int,
) {
    net::send(sqe!(sqe), sockfd, buf as u64, len, flags);
}

/// A bundle send: with `IOSQE_BUFFER_SELECT` and the buffer group set (`sqe->buf_group`),
/// sends as many consecutive buffers of that provided-buffer ring as fit in `len` (0: no
/// limit) in one request. `cqe->res` is the byte count; the first buffer id is in the CQE
/// flags. Needs a kernel with `IORING_FEAT_RECVSEND_BUNDLE`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_send_bundle(sqe: *mut io_uring_sqe, sockfd: c_int, len: usize, flags: c_int) {
    net::send_bundle(sqe!(sqe), sockfd, len, flags);
}

/// Adds the destination address `dest_addr` (`addr_len` bytes) to an SQE prepared by
/// io_uring_prep_send or io_uring_prep_send_zc, making it a sendto(2).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_send_set_addr(
    sqe: *mut io_uring_sqe,
    dest_addr: *const sockaddr,
    addr_len: u16,
) {
    net::send_set_addr(sqe!(sqe), dest_addr as u64, addr_len);
}

/// Sends `len` bytes from `buf` to the `addrlen`-byte address `addr`, like sendto(2).
/// `cqe->res` is the number of bytes sent or -errno.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_sendto(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *const c_void,
    len: usize,
    flags: c_int,
    addr: *const sockaddr,
    addrlen: socklen_t,
) {
    net::sendto(sqe!(sqe), sockfd, buf as u64, len, flags, addr as u64, addrlen);
}

/// Zero-copy send of `len` bytes from `buf`. `zc_flags` takes `IORING_RECVSEND_POLL_FIRST`
/// and `IORING_SEND_ZC_REPORT_USAGE`. Usually two CQEs arrive: the result (with
/// `IORING_CQE_F_MORE`) and later a notification (`IORING_CQE_F_NOTIF`) once the kernel
/// no longer uses `buf`; only then may the buffer be reused.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_send_zc(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *const c_void,
    len: usize,
    flags: c_int,
    zc_flags: c_uint,
) {
    net::send_zc(sqe!(sqe), sockfd, buf as u64, len, flags, zc_flags);
}

/// Zero-copy send from registered buffer `buf_index` (`buf` must point inside it).
/// Otherwise as io_uring_prep_send_zc.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_send_zc_fixed(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *const c_void,
    len: usize,
    flags: c_int,
    zc_flags: c_uint,
    buf_index: c_uint,
) {
    net::send_zc_fixed(sqe!(sqe), sockfd, buf as u64, len, flags, zc_flags, buf_index);
}

/// Sends the message described by `msg`, like sendmsg(2) with `flags`. `msg` and
/// everything it points to must stay valid until the CQE. `cqe->res`: bytes or -errno.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_sendmsg(sqe: *mut io_uring_sqe, fd: c_int, msg: *const msghdr, flags: c_uint) {
    net::sendmsg(sqe!(sqe), fd, msg as u64, flags);
}

/// Zero-copy sendmsg(2): result CQE plus a later `IORING_CQE_F_NOTIF` CQE, as for
/// io_uring_prep_send_zc.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_sendmsg_zc(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    msg: *const msghdr,
    flags: c_uint,
) {
    net::sendmsg_zc(sqe!(sqe), fd, msg as u64, flags);
}

/// Zero-copy sendmsg(2) whose iovecs point into registered buffer `buf_index`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_sendmsg_zc_fixed(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    msg: *const msghdr,
    flags: c_uint,
    buf_index: c_uint,
) {
    net::sendmsg_zc_fixed(sqe!(sqe), fd, msg as u64, flags, buf_index);
}

/// Receives up to `len` bytes into `buf` from socket `sockfd`, like recv(2) with
/// `flags`. With `IOSQE_BUFFER_SELECT`, `buf` may be NULL and a provided buffer of the
/// SQE's buffer group is used (its id in the CQE flags). `cqe->res`: bytes or -errno.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_recv(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *mut c_void,
    len: usize,
    flags: c_int,
) {
    net::recv(sqe!(sqe), sockfd, buf as u64, len, flags);
}

/// Multishot receive: must use `IOSQE_BUFFER_SELECT`; posts one CQE per received chunk,
/// each in its own provided buffer (`IORING_CQE_F_BUFFER`, id in the upper flag bits),
/// while `IORING_CQE_F_MORE` is set. `len` may cap each chunk (0: buffer size).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_recv_multishot(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *mut c_void,
    len: usize,
    flags: c_int,
) {
    net::recv_multishot(sqe!(sqe), sockfd, buf as u64, len, flags);
}

/// Receives a message into `msg`, like recvmsg(2) with `flags`. `msg` and its buffers
/// must stay valid until the CQE. `cqe->res`: bytes or -errno.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_recvmsg(sqe: *mut io_uring_sqe, fd: c_int, msg: *mut msghdr, flags: c_uint) {
    net::recvmsg(sqe!(sqe), fd, msg as u64, flags);
}

/// Multishot recvmsg: must use `IOSQE_BUFFER_SELECT`. Each CQE's provided buffer holds a
/// `struct io_uring_recvmsg_out`, then `msg->msg_namelen` bytes for the address,
/// `msg->msg_controllen` for control data, then the payload; parse it with the
/// io_uring_recvmsg_* helpers. `msg->msg_iov` is unused.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_recvmsg_multishot(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    msg: *mut msghdr,
    flags: c_uint,
) {
    net::recvmsg_multishot(sqe!(sqe), fd, msg as u64, flags);
}

/// Shuts down part of a full-duplex connection, like shutdown(2) (`how`: SHUT_RD,
/// SHUT_WR or SHUT_RDWR). `cqe->res` is 0 or -errno.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_shutdown(sqe: *mut io_uring_sqe, fd: c_int, how: c_int) {
    net::shutdown(sqe!(sqe), fd, how);
}

/// A socket command (`IORING_OP_URING_CMD` on a socket). `cmd_op` is one of
/// `SOCKET_URING_OP_SIOCINQ` / `SIOCOUTQ` (`cqe->res`: the byte count),
/// `SOCKET_URING_OP_GETSOCKOPT` (`cqe->res`: the option length written to `optval`) or
/// `SOCKET_URING_OP_SETSOCKOPT` (`cqe->res`: 0), with `level`, `optname`, `optval` and
/// `optlen` as for getsockopt(2)/setsockopt(2). -EOPNOTSUPP if the socket lacks it.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cmd_sock(
    sqe: *mut io_uring_sqe,
    cmd_op: c_int,
    fd: c_int,
    level: c_int,
    optname: c_int,
    optval: *mut c_void,
    optlen: c_int,
) {
    net::cmd_sock(sqe!(sqe), cmd_op, fd, level, optname, optval as u64, optlen);
}

/// The local (`peer` = 0) or peer (`peer` = 1) address of socket `fd`, like
/// getsockname(2)/getpeername(2): written to `sockaddr`, whose size `*sockaddr_len` gives
/// and which is updated to the address length. `cqe->res` is 0 or -errno.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cmd_getsockname(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    sockaddr: *mut sockaddr,
    sockaddr_len: *mut socklen_t,
    peer: c_int,
) {
    net::cmd_getsockname(sqe!(sqe), fd, sockaddr as u64, sockaddr_len as u64, peer);
}

/// Gives `nr` buffers of `len` bytes each, contiguous from `addr`, to buffer group
/// `bgid` with ids `bid`, `bid + 1`, … (the legacy alternative to buffer rings).
/// `cqe->res` is 0 or -errno.
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_provide_buffers(
    sqe: *mut io_uring_sqe,
    addr: *mut c_void,
    len: c_int,
    nr: c_int,
    bgid: c_int,
    bid: c_int,
) {
    buffers::provide_buffers(sqe!(sqe), addr as u64, len, nr, bgid, bid);
}

/// Removes up to `nr` unused buffers from buffer group `bgid`; `cqe->res` is the number
/// removed or -errno (-ENOENT for an unknown group).
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_remove_buffers(sqe: *mut io_uring_sqe, nr: c_int, bgid: c_int) {
    buffers::remove_buffers(sqe!(sqe), nr, bgid);
}

/// Checks that a multishot recvmsg buffer `buf` holding `buf_len` bytes (`cqe->res`) is
/// large enough for the output header plus the name and control areas `msgh` (the
/// msghdr of the request) reserves. Returns `buf` as the header, or NULL if too short
/// (or for NULL arguments / a negative length).
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_validate(
    buf: *mut c_void,
    buf_len: c_int,
    msgh: *mut msghdr,
) -> *mut io_uring_recvmsg_out {
    // SAFETY: msgh is NULL or the caller's msghdr.
    unsafe { net::recvmsg_validate(buf.cast(), buf_len, msgh) }
}

/// The source address stored after the header `o` (`o->namelen` bytes were written;
/// the area is `msg_namelen` bytes). NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_name(o: *mut io_uring_recvmsg_out) -> *mut c_void {
    net::recvmsg_name(o).cast()
}

/// The first control message of the buffer `o`, or NULL if the kernel stored less than
/// one `struct cmsghdr` of control data.
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_cmsg_firsthdr(
    o: *mut io_uring_recvmsg_out,
    msgh: *mut msghdr,
) -> *mut cmsghdr {
    // SAFETY: o and msgh are NULL or the caller's validated buffer / msghdr.
    unsafe { net::recvmsg_cmsg_firsthdr(o, msgh) }
}

/// The control message after `cmsg` in buffer `o`, or NULL at the end of the stored
/// control data or if `cmsg` is malformed.
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_cmsg_nexthdr(
    o: *mut io_uring_recvmsg_out,
    msgh: *mut msghdr,
    cmsg: *mut cmsghdr,
) -> *mut cmsghdr {
    // SAFETY: NULL or pointers from the caller's validated buffer and msghdr.
    unsafe { net::recvmsg_cmsg_nexthdr(o, msgh, cmsg) }
}

/// The payload of buffer `o`: after the header and the name and control areas sized by
/// `msgh`. NULL for NULL arguments.
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_payload(o: *mut io_uring_recvmsg_out, msgh: *mut msghdr) -> *mut c_void {
    // SAFETY: msgh is NULL or the caller's msghdr.
    unsafe { net::recvmsg_payload(o, msgh).cast() }
}

/// The number of payload bytes in buffer `o` of `buf_len` bytes (`cqe->res`): what is
/// left after the header, name and control areas; 0 if nothing is (or `buf_len` < 0).
/// `o->payloadlen` is the full datagram size, which is larger if it was truncated.
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_payload_length(
    o: *mut io_uring_recvmsg_out,
    buf_len: c_int,
    msgh: *mut msghdr,
) -> c_uint {
    // SAFETY: msgh is NULL or the caller's msghdr.
    unsafe { net::recvmsg_payload_length(o, buf_len, msgh) }
}
