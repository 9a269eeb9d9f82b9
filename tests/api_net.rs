//! Networking on loopback through the typed operations: socket/bind/listen/accept/
//! connect, send/recv, multishot accept and receive into a `BufRing` (plain and
//! incremental), zero-copy send, sendmsg/recvmsg, shutdown and a socket command.

use io_urine::{ops, sys, BufRing, Cqe, Errno, IoUring};
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration;

fn loopback(port: u16) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as u16,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr { s_addr: u32::from_be_bytes([127, 0, 0, 1]).to_be() },
        sin_zero: [0; 8],
    }
}

fn one(ring: &mut IoUring) -> Cqe {
    ring.submit().unwrap();
    ring.wait_cqe_timeout(Duration::from_secs(10)).expect("completion").cqe()
}

/// Submits, then collects `n` completions sorted by user_data; never waits more than
/// 10 s for one (a hang is a failure, not a stuck test).
fn collect(ring: &mut IoUring, n: usize) -> Vec<Cqe> {
    ring.submit().unwrap();
    let mut out = Vec::new();
    while out.len() < n {
        out.push(ring.wait_cqe_timeout(Duration::from_secs(10)).expect("completion within 10 s").cqe());
    }
    out.sort_by_key(|c| c.user_data());
    out
}

#[test]
fn socket_bind_listen_accept_connect_send_recv() {
    let mut ring = IoUring::new(16).unwrap();
    ring.push(ops::Socket::new(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0).user_data(1)).unwrap();
    let lfd = one(&mut ring).result().expect("socket") as i32;
    // SAFETY: the kernel created this fd for us.
    let listener = unsafe { OwnedFd::from_raw_fd(lfd) };
    let addr = loopback(0);
    unsafe {
        ring.push(ops::Bind::new(lfd, &addr as *const _ as *const sys::sockaddr, 16).user_data(2)).unwrap();
    }
    assert_eq!(one(&mut ring).result(), Ok(0));
    ring.push(ops::Listen::new(lfd, 16).user_data(3)).unwrap();
    assert_eq!(one(&mut ring).result(), Ok(0));
    // Find the port the kernel picked.
    let mut bound: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    let mut len = 16u32;
    assert_eq!(unsafe { libc::getsockname(lfd, &mut bound as *mut _ as *mut libc::sockaddr, &mut len) }, 0);
    let port = u16::from_be(bound.sin_port);

    // Accept (with peer address) and connect, both in flight at once.
    ring.push(ops::Socket::new(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0).user_data(4)).unwrap();
    let cfd = one(&mut ring).result().unwrap() as i32;
    // SAFETY: ours.
    let client = unsafe { OwnedFd::from_raw_fd(cfd) };
    let mut peer: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    let mut peer_len: sys::socklen_t = 16;
    let dst = loopback(port);
    unsafe {
        ring.push(
            ops::Accept::new(lfd)
                .addr(&mut peer as *mut _ as *mut sys::sockaddr)
                .addrlen(&mut peer_len)
                .flags(libc::SOCK_CLOEXEC)
                .user_data(5),
        )
        .unwrap();
        ring.push(ops::Connect::new(cfd, &dst as *const _ as *const sys::sockaddr, 16).user_data(6)).unwrap();
    }
    let got = collect(&mut ring, 2);
    let sfd = got[0].result().expect("accept") as i32;
    assert_eq!(got[1].result(), Ok(0));
    // SAFETY: ours.
    let server = unsafe { OwnedFd::from_raw_fd(sfd) };
    assert_eq!(u32::from_be(peer.sin_addr.s_addr), u32::from_be_bytes([127, 0, 0, 1]));
    assert_eq!(peer_len, 16);

    // Send both ways; verify bytes.
    let msg = b"hello over io_uring";
    let mut back = [0u8; 64];
    unsafe {
        ring.push(ops::Send::new(cfd, msg.as_ptr(), msg.len()).user_data(7)).unwrap();
        ring.push(ops::Recv::new(sfd, back.as_mut_ptr(), back.len()).user_data(8)).unwrap();
    }
    let res = collect(&mut ring, 2);
    assert_eq!(res[0].result(), Ok(msg.len() as u32));
    assert_eq!(res[1].result(), Ok(msg.len() as u32));
    assert_eq!(&back[..msg.len()], msg);

    // SIOCINQ through a socket command: bytes waiting in the receive queue.
    unsafe { ring.push(ops::Send::new(sfd, msg.as_ptr(), 5).user_data(9)) }.unwrap();
    assert_eq!(one(&mut ring).result(), Ok(5));
    std::thread::sleep(Duration::from_millis(10));
    unsafe { ring.push(ops::UringCmd::new(cfd, sys::SOCKET_URING_OP_SIOCINQ).user_data(10)) }.unwrap();
    assert_eq!(one(&mut ring).result(), Ok(5));

    // Shutdown of the write side: the peer reads EOF.
    ring.push(ops::Shutdown::new(sfd, libc::SHUT_WR).user_data(11)).unwrap();
    assert_eq!(one(&mut ring).result(), Ok(0));
    let mut tail = [0u8; 16];
    unsafe { ring.push(ops::Recv::new(cfd, tail.as_mut_ptr(), 16).user_data(12)) }.unwrap();
    assert_eq!(one(&mut ring).result(), Ok(5));
    unsafe { ring.push(ops::Recv::new(cfd, tail.as_mut_ptr(), 16).user_data(13)) }.unwrap();
    assert_eq!(one(&mut ring).result(), Ok(0), "EOF");
    drop((listener, client, server));
}

/// A std listener with `n` connected std clients; returns (listener, clients).
fn tcp_pair_set(n: usize) -> (TcpListener, Vec<TcpStream>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let clients = (0..n).map(|_| TcpStream::connect(addr).unwrap()).collect();
    (l, clients)
}

#[test]
fn multishot_accept_and_multishot_recv_with_bufring() {
    let (listener, mut clients) = tcp_pair_set(4);
    let mut ring = IoUring::new(32).unwrap();
    let mut bufs = BufRing::new(&ring, 3, 16, 32).unwrap();
    ring.push(ops::Accept::new(listener.as_raw_fd()).multishot(true).user_data(1)).unwrap();
    ring.submit().unwrap();
    let mut conns = Vec::new();
    while conns.len() < 4 {
        let c = ring.wait_cqe_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(c.user_data(), 1);
        assert!(c.more(), "multishot accept stays armed");
        conns.push(c.result().expect("accept") as i32);
    }
    for (i, &fd) in conns.iter().enumerate() {
        ring.push(ops::Recv::buffer_select(fd, 3).multishot(true).user_data(100 + i as u64)).unwrap();
    }
    ring.submit().unwrap();
    // Each client sends 3 messages; 12 * 20 bytes > 16 buffers * 32 bytes is not needed:
    // buffers are recycled as they are consumed.
    let mut expected = Vec::new();
    for round in 0..3 {
        for (i, c) in clients.iter_mut().enumerate() {
            let m = format!("client {i} round {round}!!");
            c.write_all(m.as_bytes()).unwrap();
            expected.push((100 + i as u64, m));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let total: usize = expected.iter().map(|(_, m)| m.len()).sum();
    let mut received = vec![Vec::new(); 4];
    let mut got = 0;
    let mut batch = Vec::new();
    while got < total {
        ring.submit_and_wait(1).expect("data");
        batch.extend(ring.completions());
        for mut c in batch.drain(..) {
            assert!(c.more(), "multishot recv stays armed: {c:?}");
            let b = bufs.take(&mut c).expect("a provided buffer");
            assert!(bufs.take(&mut c).is_none(), "a completion's buffer is handed out once");
            received[(c.user_data() - 100) as usize].extend_from_slice(bufs.data(&b));
            got += b.len();
            bufs.recycle(b);
        }
    }
    for (i, r) in received.iter().enumerate() {
        let want: String = expected.iter().filter(|(u, _)| *u == 100 + i as u64).map(|(_, m)| m.as_str()).collect();
        assert_eq!(String::from_utf8(r.clone()).unwrap(), want);
    }
    assert_eq!(bufs.available().unwrap(), 16, "every buffer went back to the kernel");
    for fd in conns {
        // SAFETY: accepted fds are ours.
        drop(unsafe { OwnedFd::from_raw_fd(fd) });
    }
}

#[test]
fn incremental_bufring_hands_out_pieces() {
    let (listener, mut clients) = tcp_pair_set(1);
    let (server, _) = listener.accept().unwrap();
    let mut ring = IoUring::new(8).unwrap();
    let mut bufs = match BufRing::new_incremental(&ring, 9, 2, 64) {
        Ok(b) => b,
        Err(e) if e.errno() == Errno::EINVAL => {
            eprintln!("kernel lacks IOU_PBUF_RING_INC: skipped");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    ring.push(ops::Recv::buffer_select(server.as_raw_fd(), 9).multishot(true).user_data(1)).unwrap();
    ring.submit().unwrap();
    let mut pieces = Vec::new();
    let mut data = Vec::new();
    let mut held = Vec::new();
    for i in 0..4 {
        let m = format!("piece{i}");
        clients[0].write_all(m.as_bytes()).unwrap();
        let mut c = ring.wait_cqe_timeout(Duration::from_secs(10)).unwrap();
        let b = bufs.take(&mut c).expect("piece");
        data.extend_from_slice(bufs.data(&b));
        pieces.push((c.buffer_id().unwrap(), c.buf_more()));
        // Keep the pieces until the end: the buffer must not be reused meanwhile.
        held.push(b);
    }
    assert_eq!(String::from_utf8(data).unwrap(), "piece0piece1piece2piece3");
    // All four small messages landed in the same buffer, piece after piece.
    assert!(pieces.iter().all(|&(bid, more)| bid == pieces[0].0 && more), "{pieces:?}");
    for b in held {
        bufs.recycle(b);
    }
}

#[test]
fn send_zc_and_msg_ops() {
    let (listener, mut clients) = tcp_pair_set(1);
    let (server, _) = listener.accept().unwrap();
    let mut ring = IoUring::new(8).unwrap();
    let msg = vec![7u8; 3000];
    unsafe { ring.push(ops::SendZc::new(server.as_raw_fd(), msg.as_ptr(), msg.len()).user_data(1)) }.unwrap();
    ring.submit().unwrap();
    // Result CQE (more() set), then the notification once the buffer is free.
    let mut res = None;
    let mut notif = false;
    while res.is_none() || !notif {
        let c = ring.wait_cqe_timeout(Duration::from_secs(10)).unwrap();
        if c.is_notification() {
            notif = true;
        } else {
            assert!(c.more());
            res = Some(c.result());
        }
    }
    assert_eq!(res.unwrap(), Ok(3000));
    let mut got = vec![0u8; 3000];
    clients[0].read_exact(&mut got).unwrap();
    assert_eq!(got, msg);

    // sendmsg with two iovecs, recvmsg into one buffer.
    let (a, b) = (b"two ".to_vec(), b"parts".to_vec());
    let iov = [
        sys::iovec { iov_base: a.as_ptr() as *mut _, iov_len: 4 },
        sys::iovec { iov_base: b.as_ptr() as *mut _, iov_len: 5 },
    ];
    let mh = sys::msghdr { msg_iov: iov.as_ptr() as *mut _, msg_iovlen: 2, ..Default::default() };
    let mut rbuf = [0u8; 32];
    let riov = [sys::iovec { iov_base: rbuf.as_mut_ptr().cast(), iov_len: 32 }];
    let mut rmh = sys::msghdr { msg_iov: riov.as_ptr() as *mut _, msg_iovlen: 1, ..Default::default() };
    unsafe {
        ring.push(ops::SendMsg::new(clients[0].as_raw_fd(), &mh).user_data(2)).unwrap();
        ring.push(ops::RecvMsg::new(server.as_raw_fd(), &mut rmh).user_data(3)).unwrap();
    }
    let out = collect(&mut ring, 2);
    assert_eq!((out[0].result(), out[1].result()), (Ok(9), Ok(9)));
    assert_eq!(&rbuf[..9], b"two parts");
}

#[test]
fn direct_descriptors_for_sockets() {
    let (listener, mut clients) = tcp_pair_set(1);
    let mut ring = IoUring::new(8).unwrap();
    ring.register_files_sparse(8).unwrap();
    ring.push(ops::Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0).file_index(Some(0)).user_data(1)).unwrap();
    assert_eq!(one(&mut ring).result(), Ok(0));
    ring.push(
        ops::Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0).file_index(Some(ops::FILE_INDEX_ALLOC)).user_data(2),
    )
    .unwrap();
    let slot = one(&mut ring).result().unwrap();
    assert!(slot > 0 && slot < 8, "{slot}");
    // Accept straight into slot 5, then receive through the fixed file.
    ring.push(ops::Accept::new(listener.as_raw_fd()).file_index(Some(5)).user_data(3)).unwrap();
    assert_eq!(one(&mut ring).result(), Ok(0));
    clients[0].write_all(b"direct").unwrap();
    let mut buf = [0u8; 16];
    unsafe { ring.push(ops::Recv::new(io_urine::Fixed(5), buf.as_mut_ptr(), 16).user_data(4)) }.unwrap();
    assert_eq!(one(&mut ring).result(), Ok(6));
    assert_eq!(&buf[..6], b"direct");
    for s in [0, slot, 5] {
        ring.push(ops::Close::new(io_urine::Fixed(s)).user_data(10 + s as u64)).unwrap();
        assert_eq!(one(&mut ring).result(), Ok(0));
    }
    // The peer sees the connection closed.
    let mut rest = [0u8; 1];
    clients[0].set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(clients[0].read(&mut rest).unwrap(), 0);
}
