//! Issue 12, hole 1: `BufRing` hands out a buffer only for a completion its ring
//! consumed, once, and keeps memory a request may still write out of reuse.
//! (The compile-fail half: `BufRing::take` accepts no `Cqe` value — doctest on `BufRing`.)

use io_urine::{ops, BufRing, IoUring};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::time::Duration;

/// The next completion, owned (the guard consumed it), within 10 s.
fn next(ring: &mut IoUring) -> io_urine::Completion {
    ring.submit_and_wait(1).unwrap();
    let mut c = ring.completions();
    c.next().expect("a completion")
}

#[test]
fn a_completion_gives_up_its_buffer_once() {
    let mut ring = IoUring::new(8).unwrap();
    let mut bufs = BufRing::new(&ring, 1, 4, 64).unwrap();
    let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    a.write_all(b"one").unwrap();
    ring.push(ops::Recv::buffer_select(b.as_raw_fd(), 1).user_data(1)).unwrap();
    let mut c = next(&mut ring);
    let buf = bufs.take(&mut c).expect("the buffer the completion names");
    assert_eq!(bufs.data(&buf), b"one");
    // Replaying the completion after the buffer went back to the kernel (where a new
    // request may be writing it) yields nothing.
    bufs.recycle(buf);
    assert!(bufs.take(&mut c).is_none(), "a replayed completion got a buffer");
    assert_eq!(bufs.available().unwrap(), 4);
}

#[test]
fn posted_and_foreign_completions_name_no_buffer() {
    let mut ring = IoUring::new(8).unwrap();
    let mut bufs = BufRing::new(&ring, 2, 4, 64).unwrap();
    // A CQE posted with MSG_RING may not claim a buffer: the flag is masked.
    let forged = sys_cqe_flags_buffer(1);
    ring.push(
        ops::MsgRing::new(ring.as_raw_fd(), 5, 9)
            .cqe_flags(Some(forged))
            .flags(io_urine::sys::IORING_MSG_RING_FLAGS_PASS),
    )
    .unwrap();
    let mut posted = Vec::new();
    ring.submit_and_wait(2).unwrap();
    posted.extend(ring.completions());
    let mut target = posted.into_iter().find(|c| c.user_data() == 9).expect("the posted CQE");
    assert_eq!(target.buffer_id(), None, "MSG_RING passed IORING_CQE_F_BUFFER");
    assert!(bufs.take(&mut target).is_none());

    // A genuine completion of another ring, naming a buffer id this ring's group
    // uses too, is refused: completions carry their ring.
    let mut other = IoUring::new(8).unwrap();
    let mut other_bufs = BufRing::new(&other, 2, 4, 64).unwrap();
    let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    a.write_all(b"elsewhere").unwrap();
    other.push(ops::Recv::buffer_select(b.as_raw_fd(), 2).user_data(3)).unwrap();
    let mut c = next(&mut other);
    assert!(c.buffer_id().is_some());
    assert!(bufs.take(&mut c).is_none(), "a foreign ring's completion got a buffer");
    let buf = other_bufs.take(&mut c).expect("its own ring's buffer");
    assert_eq!(other_bufs.data(&buf), b"elsewhere");
    other_bufs.recycle(buf);
}

/// `IORING_CQE_F_BUFFER` with buffer id `bid`.
fn sys_cqe_flags_buffer(bid: u32) -> u32 {
    io_urine::sys::IORING_CQE_F_BUFFER | (bid << io_urine::sys::IORING_CQE_BUFFER_SHIFT)
}

#[test]
fn buffer_select_read_of_a_regular_file() {
    // A regular file cannot be polled: the kernel selects (and commits) the buffer
    // before the read, from io-wq. The buffer is handed out for the completion only.
    let path = std::env::temp_dir().join(format!("io_urine_bufring_{}", std::process::id()));
    std::fs::write(&path, b"file contents via a provided buffer").unwrap();
    let file = std::fs::File::open(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let mut ring = IoUring::new(8).unwrap();
    let mut bufs = BufRing::new(&ring, 4, 2, 128).unwrap();
    ring.push(ops::Read::buffer_select(file.as_raw_fd(), 128, 4).offset(0).force_async().user_data(1)).unwrap();
    let mut c = next(&mut ring);
    let buf = bufs.take(&mut c).expect("the read's buffer");
    assert_eq!(bufs.data(&buf), b"file contents via a provided buffer");
    bufs.recycle(buf);
}

/// The mapping of `/proc/self/maps` that holds `addr`: its permission string.
fn perms_at(addr: usize) -> Option<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    maps.lines().find_map(|l| {
        let (range, rest) = l.split_once(' ')?;
        let (lo, hi) = range.split_once('-')?;
        let (lo, hi) = (usize::from_str_radix(lo, 16).ok()?, usize::from_str_radix(hi, 16).ok()?);
        (lo <= addr && addr < hi).then(|| rest.split(' ').next().unwrap_or("").to_string())
    })
}

#[test]
fn drop_with_a_request_in_flight_keeps_the_memory_reserved() {
    let mut ring = IoUring::new(8).unwrap();
    let mut bufs = BufRing::new(&ring, 5, 2, 64).unwrap();
    // Learn where the buffers live, through a normal receive.
    let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    a.write_all(b"x").unwrap();
    ring.push(ops::Recv::buffer_select(b.as_raw_fd(), 5).user_data(1)).unwrap();
    let mut c = next(&mut ring);
    let buf = bufs.take(&mut c).unwrap();
    let addr = bufs.data(&buf).as_ptr() as usize;
    bufs.recycle(buf);
    // A read from a pipe, forced to io-wq: it selects a buffer and blocks in the read.
    let mut fds = [0i32; 2];
    // SAFETY: pipe2 writes two descriptors into `fds`.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    ring.push(ops::Read::buffer_select(fds[0], 64, 5).force_async().user_data(2)).unwrap();
    ring.submit().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    drop(bufs);
    // The pages are gone but the addresses stay reserved and inaccessible, so the
    // late write cannot land in memory reused for something else.
    assert_eq!(perms_at(addr).as_deref(), Some("---p"), "buffer memory unmapped or still accessible");
    // SAFETY: writing 5 bytes from a static buffer to our pipe.
    assert_eq!(unsafe { libc::write(fds[1], b"late!".as_ptr().cast(), 5) }, 5);
    let c = ring.wait_cqe_timeout(Duration::from_secs(10)).expect("the read completes");
    assert_eq!(c.user_data(), 2);
    // (The kernel reports the failed copy, or the data if it copied before the drop.)
    drop(c);
    // SAFETY: our pipe ends.
    unsafe {
        libc::close(fds[0]);
        libc::close(fds[1]);
    }
}

#[test]
fn drop_with_every_buffer_out_unmaps() {
    let mut ring = IoUring::new(8).unwrap();
    let mut bufs = BufRing::new(&ring, 6, 1, 64).unwrap();
    let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    a.write_all(b"y").unwrap();
    ring.push(ops::Recv::buffer_select(b.as_raw_fd(), 6).user_data(1)).unwrap();
    let mut c = next(&mut ring);
    let buf = bufs.take(&mut c).unwrap();
    let addr = bufs.data(&buf).as_ptr() as usize;
    // The only buffer is out of the kernel's hands: the drop may unmap.
    drop(buf);
    drop(bufs);
    // Unmapped, not reserved (another test thread may map something there meanwhile,
    // so only the reservation is ruled out).
    assert_ne!(perms_at(addr).as_deref(), Some("---p"), "an idle BufRing's memory was kept reserved");
}

#[test]
fn buffer_ids_are_unique_per_ring() {
    let ring = IoUring::new(8).unwrap();
    let a = BufRing::new(&ring, 7, 8, 64).unwrap();
    let b = BufRing::new(&ring, 8, 4, 64).unwrap();
    assert_eq!((a.bid_range(), b.bid_range()), (0..8, 8..12));
    // Another ring starts again at 0: its completions carry its own identity.
    let other = IoUring::new(8).unwrap();
    assert_eq!(BufRing::new(&other, 7, 2, 64).unwrap().bid_range(), 0..2);
}
