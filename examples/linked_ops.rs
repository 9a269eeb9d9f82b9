//! Linked operations: a write -> fsync -> read chain that runs in order inside the
//! kernel, a chain that breaks when its head fails, and a link timeout that cancels a
//! read that would otherwise block forever.
//!
//! Run: `cargo run --example linked_ops`

use io_urine::{ops, Cqe, IoUring, Timespec};
use std::error::Error;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

/// Submits and collects `n` completions, sorted by user_data.
fn collect(ring: &mut IoUring, n: usize) -> Result<Vec<Cqe>, Box<dyn Error>> {
    ring.submit_and_wait(n as u32)?;
    let mut out = vec![Cqe::default(); n];
    let mut got = 0;
    while got < n {
        got += ring.copy_cqes(&mut out[got..], 1)?;
    }
    out.sort_by_key(|c| c.user_data());
    Ok(out)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut ring = IoUring::new(8)?;
    let path = std::env::temp_dir().join(format!("io_urine_linked_{}", std::process::id()));
    let file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&path)?;
    std::fs::remove_file(&path)?;
    let fd = file.as_raw_fd();

    // 1. write -> fsync -> read, linked: each starts only after the previous succeeded.
    let msg = b"written, synced, read back";
    let mut back = [0u8; 26];
    // SAFETY: `msg` and `back` outlive the chain (we wait for all three completions).
    unsafe {
        ring.push(ops::Write::new(fd, msg.as_ptr(), msg.len() as u32).user_data(1).link())?;
        ring.push(ops::Fsync::new(fd).user_data(2).link())?;
        ring.push(ops::Read::new(fd, back.as_mut_ptr(), back.len() as u32).user_data(3))?;
    }
    for c in collect(&mut ring, 3)? {
        println!("chain step {}: {:?}", c.user_data(), c.result());
        c.result()?;
    }
    assert_eq!(&back, msg);
    println!("chain read back: {:?}", std::str::from_utf8(&back)?);

    // 2. A chain whose head fails: the linked fsync is cancelled, never run.
    // SAFETY: `msg` outlives the operation.
    unsafe { ring.push(ops::Write::new(-1, msg.as_ptr(), 4).user_data(4).link())? };
    ring.push(ops::Fsync::new(fd).user_data(5))?;
    let c = collect(&mut ring, 2)?;
    println!("broken chain: head {:?}, linked fsync {:?}", c[0].result(), c[1].result());
    assert!(c[1].result().is_err());

    // 3. A read from an empty pipe, bounded by a 50 ms link timeout.
    let mut fds = [0i32; 2];
    // SAFETY: pipe2(2) writes two descriptors into `fds`.
    if unsafe { pipe2(fds.as_mut_ptr(), 0o2000000) } != 0 {
        return Err("pipe2 failed".into());
    }
    // SAFETY: freshly created, owned here.
    let (r, _w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    let ts = Timespec::from(Duration::from_millis(50));
    let mut buf = [0u8; 16];
    let t = Instant::now();
    // SAFETY: `buf` and `ts` outlive both operations.
    unsafe {
        ring.push(ops::Read::new(r.as_raw_fd(), buf.as_mut_ptr(), 16).user_data(6).link())?;
        ring.push(ops::LinkTimeout::new(ts).user_data(7))?;
    }
    let c = collect(&mut ring, 2)?;
    println!(
        "after {:?}: read {:?}, link timeout {:?}",
        t.elapsed(),
        c[0].result().map_err(|e| e.errno()),
        c[1].result().map_err(|e| e.errno())
    );
    assert_eq!(c[0].result().unwrap_err().errno(), io_urine::Errno::ECANCELED);
    Ok(())
}

extern "C" {
    fn pipe2(fds: *mut i32, flags: i32) -> i32;
}
