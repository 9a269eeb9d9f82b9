//! Basic file I/O through io_urine's safe API: open, write, fsync, read, unlink, all as
//! io_uring operations, with the data checked at the end.
//!
//! Run: `cargo run --example basic_io`

use io_urine::ops::{self, AT_FDCWD};
use io_urine::{Cqe, IoUring};
use std::error::Error;
use std::ffi::CString;

/// Submits what is queued and waits for exactly one completion.
fn complete_one(ring: &mut IoUring) -> Result<Cqe, Box<dyn Error>> {
    ring.submit_and_wait(1)?;
    Ok(ring.wait_cqe()?.cqe())
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut ring = IoUring::new(8)?;
    let path = std::env::temp_dir().join(format!("io_urine_basic_io_{}", std::process::id()));
    let cpath = CString::new(path.to_str().ok_or("non-UTF-8 temp dir")?)?;

    // open(2): the result is the new file descriptor.
    // SAFETY: `cpath` lives until the operation has completed (we wait for it).
    let open = unsafe { ops::OpenAt::new(AT_FDCWD, cpath.as_ptr()) }
        .flags(libc_flags::O_CREAT | libc_flags::O_RDWR | libc_flags::O_CLOEXEC)
        .mode(0o644)
        .user_data(1);
    ring.push(open)?;
    let fd = complete_one(&mut ring)?.result()? as i32;
    println!("opened {} as fd {fd}", path.display());

    // write(2) at offset 0, then fsync(2).
    let text = b"io_urine: liburing in pure Rust\n".repeat(100);
    // SAFETY: `text` outlives the write (we wait for its completion).
    ring.push(unsafe { ops::Write::new(fd, text.as_ptr(), text.len() as u32) }.offset(0).user_data(2))?;
    let written = complete_one(&mut ring)?.result()?;
    println!("wrote {written} bytes");
    ring.push(ops::Fsync::new(fd).user_data(3))?;
    complete_one(&mut ring)?.result()?;
    println!("fsync done");

    // read(2) it back.
    let mut back = vec![0u8; text.len()];
    // SAFETY: `back` is not touched until the read has completed.
    ring.push(unsafe { ops::Read::new(fd, back.as_mut_ptr(), back.len() as u32) }.offset(0).user_data(4))?;
    let read = complete_one(&mut ring)?.result()?;
    assert_eq!(back, text, "read back what was written");
    println!("read {read} bytes back, contents match");

    // close(2) and unlink(2).
    ring.push(ops::Close::new(fd).user_data(5))?;
    complete_one(&mut ring)?.result()?;
    // SAFETY: `cpath` outlives the operation.
    ring.push(unsafe { ops::UnlinkAt::new(AT_FDCWD, cpath.as_ptr()) }.user_data(6))?;
    complete_one(&mut ring)?.result()?;
    assert!(!path.exists());
    println!("closed and unlinked; done");
    Ok(())
}

/// The few `open(2)` flags this example needs (Linux values), to stay dependency-free.
mod libc_flags {
    pub const O_RDWR: i32 = 0o2;
    pub const O_CREAT: i32 = 0o100;
    pub const O_CLOEXEC: i32 = 0o2000000;
}
