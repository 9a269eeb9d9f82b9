//! A program written against the crates.io crate `liburing-rs` 0.2.0, which binds the
//! system liburing (pkg-config + bindgen on the installed liburing.h). Built against an
//! installed io_urine, it does real I/O through the crate and checks every byte:
//!   1. a file: write 3 patterned blocks (linked by user_data), fsync, read them back;
//!   2. a nop, to check user_data comes back untouched;
//!   3. TCP over 127.0.0.1: accept + connect through the ring, then send/recv both ways
//!      (the crate's raw `sys` prep functions);
//!   4. /proc/self/maps: the liburing it runs on is the one under `argv[1]` (a directory),
//!      when given.
//!
//! Exit status 0 and a last line "liburing-rs consumer: OK" on success.

use liburing_rs::ops::{Accept, Connect, Fsync, Nop, PrepareOp, Read, SqeExt, Write};
use liburing_rs::{sys, IoUring};
use std::error::Error;
use std::fs::OpenOptions;
use std::io;
use std::net::TcpListener;
use std::os::unix::io::{AsRawFd, FromRawFd, OwnedFd};

type Res<T> = Result<T, Box<dyn Error>>;

const BLOCK: usize = 4096;

fn pattern(i: usize) -> u8 {
    (i.wrapping_mul(31) ^ (i >> 7)) as u8
}

/// Submits what is queued and returns (user_data, res) of the next completion.
fn complete_one(ring: &mut IoUring) -> Res<(u64, i32)> {
    ring.submit()?;
    let mut cq = ring.completion();
    let cqe = cq.wait_cqe()?;
    Ok((cqe.user_data(), cqe.result()))
}

/// Waits for `n` completions (after one submit) and returns them sorted by user_data.
fn complete_n(ring: &mut IoUring, n: usize) -> Res<Vec<(u64, i32)>> {
    ring.submit_and_wait(n as u32)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let mut cq = ring.completion();
        let cqe = cq.wait_cqe()?;
        out.push((cqe.user_data(), cqe.result()));
    }
    out.sort_unstable();
    Ok(out)
}

fn check(cond: bool, what: &str) -> Res<()> {
    if cond {
        Ok(())
    } else {
        Err(format!("check failed: {what}").into())
    }
}

fn file_io(ring: &mut IoUring, dir: &std::path::Path) -> Res<()> {
    let path = dir.join(format!("liburing-rs-consumer-{}.dat", std::process::id()));
    let file = OpenOptions::new().create(true).truncate(true).read(true).write(true).open(&path)?;
    let fd = file.as_raw_fd();
    let data: Vec<u8> = (0..3 * BLOCK).map(pattern).collect();

    // three writes, one per block, in one submission
    {
        let mut sq = ring.submission();
        for b in 0..3 {
            let sqe = sq.get_sqe_or_err()?;
            Write::from_slice(fd, &data[b * BLOCK..(b + 1) * BLOCK], (b * BLOCK) as u64).prepare(sqe);
            sqe.set_user_data(100 + b as u64);
        }
    }
    let done = complete_n(ring, 3)?;
    for (b, (ud, res)) in done.iter().enumerate() {
        check(*ud == 100 + b as u64, "write user_data")?;
        check(*res == BLOCK as i32, &format!("write {b} returned {res}"))?;
    }

    {
        let mut sq = ring.submission();
        let sqe = sq.get_sqe_or_err()?;
        Fsync::new(fd).prepare(sqe);
        sqe.set_user_data(200);
    }
    let (ud, res) = complete_one(ring)?;
    check(ud == 200 && res == 0, &format!("fsync: user_data {ud} res {res}"))?;
    check(std::fs::read(&path)? == data, "file content (read with std) matches what the ring wrote")?;

    // read it back in one go, at an odd offset too
    let mut back = vec![0u8; 3 * BLOCK];
    let mut tail = vec![0u8; 1000];
    {
        let mut sq = ring.submission();
        let sqe = sq.get_sqe_or_err()?;
        Read::from_slice(fd, &mut back, 0).prepare(sqe);
        sqe.set_user_data(300);
        let sqe = sq.get_sqe_or_err()?;
        Read::from_slice(fd, &mut tail, (3 * BLOCK - 777) as u64).prepare(sqe);
        sqe.set_user_data(301);
    }
    let done = complete_n(ring, 2)?;
    check(done[0] == (300, (3 * BLOCK) as i32), "full read")?;
    check(done[1] == (301, 777), "short read at the end of the file")?;
    check(back == data, "data read back equals data written")?;
    check(tail[..777] == data[3 * BLOCK - 777..], "tail read data")?;
    drop(file);
    std::fs::remove_file(&path)?;
    println!("file: 3 x {BLOCK} bytes written, fsynced, read back and compared");
    Ok(())
}

fn nop(ring: &mut IoUring) -> Res<()> {
    {
        let mut sq = ring.submission();
        let sqe = sq.get_sqe_or_err()?;
        Nop.prepare(sqe);
        sqe.set_user_data(0xdead_beef_cafe_f00d);
    }
    let (ud, res) = complete_one(ring)?;
    check(ud == 0xdead_beef_cafe_f00d && res == 0, "nop user_data / res")?;
    println!("nop: user_data 0xdeadbeefcafef00d came back");
    Ok(())
}

fn tcp(ring: &mut IoUring) -> Res<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let port = addr.port();

    // SAFETY: plain socket(2) call; the result is checked and owned right away.
    let raw = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if raw < 0 {
        return Err(io::Error::last_os_error().into());
    }
    // SAFETY: `raw` is a fresh descriptor nobody else owns.
    let client = unsafe { OwnedFd::from_raw_fd(raw) };

    let sin = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr { s_addr: u32::from_be_bytes([127, 0, 0, 1]).to_be() },
        sin_zero: [0; 8],
    };
    let mut peer: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    let mut peer_len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    {
        let mut sq = ring.submission();
        let sqe = sq.get_sqe_or_err()?;
        // SAFETY: `peer`/`peer_len` outlive the completion awaited below.
        unsafe {
            Accept::new(
                listener.as_raw_fd(),
                &mut peer as *mut _ as *mut libc::sockaddr,
                &mut peer_len,
                libc::SOCK_CLOEXEC,
            )
        }
        .prepare(sqe);
        sqe.set_user_data(1);
        let sqe = sq.get_sqe_or_err()?;
        // SAFETY: `sin` outlives the completion awaited below.
        unsafe {
            Connect::new(
                client.as_raw_fd(),
                &sin as *const _ as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            )
        }
        .prepare(sqe);
        sqe.set_user_data(2);
    }
    let done = complete_n(ring, 2)?;
    check(done[0].0 == 1 && done[0].1 >= 0, &format!("accept: {:?}", done[0]))?;
    check(done[1] == (2, 0), &format!("connect: {:?}", done[1]))?;
    // SAFETY: the accept result is a new descriptor owned by nobody else.
    let server = unsafe { OwnedFd::from_raw_fd(done[0].1) };
    check(peer_len as usize == std::mem::size_of::<libc::sockaddr_in>(), "peer len")?;
    check(u32::from_be(peer.sin_addr.s_addr) == u32::from_be_bytes([127, 0, 0, 1]), "peer address is 127.0.0.1")?;

    // client -> server and server -> client, each a send and a recv in one submission
    for (round, (from, to)) in [(&client, &server), (&server, &client)].iter().enumerate() {
        let msg: Vec<u8> = (0..3000).map(|i| pattern(i + 7 * round)).collect();
        let mut got = vec![0u8; msg.len()];
        let mut filled = 0usize;
        {
            let mut sq = ring.submission();
            let sqe = sq.get_sqe_or_err()?;
            // SAFETY: `msg` outlives the completion; sqe is a valid SQE from the ring.
            unsafe { sys::io_uring_prep_send(sqe, from.as_raw_fd(), msg.as_ptr().cast(), msg.len(), 0) };
            sqe.set_user_data(10);
        }
        let (ud, res) = complete_one(ring)?;
        check(ud == 10 && res == msg.len() as i32, &format!("send: {ud} {res}"))?;
        while filled < got.len() {
            {
                let mut sq = ring.submission();
                let sqe = sq.get_sqe_or_err()?;
                let rest = &mut got[filled..];
                // SAFETY: `got` outlives the completion awaited right below.
                unsafe { sys::io_uring_prep_recv(sqe, to.as_raw_fd(), rest.as_mut_ptr().cast(), rest.len(), 0) };
                sqe.set_user_data(11);
            }
            let (ud, res) = complete_one(ring)?;
            check(ud == 11 && res > 0, &format!("recv: {ud} {res}"))?;
            filled += res as usize;
        }
        check(got == msg, "received bytes equal sent bytes")?;
    }
    println!("tcp: accept/connect on 127.0.0.1:{port}, 3000 bytes each way verified");
    Ok(())
}

/// The files of every liburing*.so* mapped into this process.
fn mapped_liburing() -> Res<Vec<String>> {
    let maps = std::fs::read_to_string("/proc/self/maps")?;
    let mut libs: Vec<String> = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter(|p| {
            let name = p.rsplit('/').next().unwrap_or(p);
            name.starts_with("liburing") && name.contains(".so")
        })
        .map(str::to_owned)
        .collect();
    libs.dedup();
    Ok(libs)
}

fn main() -> Res<()> {
    let expect_dir = std::env::args().nth(1);
    let mut ring = IoUring::new(16)?;
    file_io(&mut ring, &std::env::temp_dir())?;
    nop(&mut ring)?;
    tcp(&mut ring)?;

    let libs = mapped_liburing()?;
    println!("liburing mapped from: {}", libs.join(" "));
    if let Some(dir) = expect_dir {
        let dir = std::fs::canonicalize(&dir)?;
        check(!libs.is_empty(), "a liburing is mapped")?;
        for l in &libs {
            check(std::path::Path::new(l).starts_with(&dir), &format!("{l} is not under {}", dir.display()))?;
        }
    }
    println!("liburing-rs consumer: OK");
    Ok(())
}
