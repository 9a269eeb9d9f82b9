//! Registered (fixed) buffers: register two buffers with the kernel once, then write
//! from one and read into the other with `WriteFixed` / `ReadFixed`, which skip the
//! per-operation page pinning.
//!
//! Run: `cargo run --example registered_buffers`

use io_urine::{ops, sys::iovec, Cqe, IoUring};
use std::error::Error;
use std::os::fd::AsRawFd;

const SIZE: usize = 64 * 1024;

fn main() -> Result<(), Box<dyn Error>> {
    let mut ring = IoUring::new(8)?;
    let path = std::env::temp_dir().join(format!("io_urine_fixed_{}", std::process::id()));
    let file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&path)?;
    std::fs::remove_file(&path)?;
    let fd = file.as_raw_fd();

    // One allocation, two registered buffers.
    let mut mem = vec![0u8; 2 * SIZE];
    let (src, dst) = mem.split_at_mut(SIZE);
    for (i, b) in src.iter_mut().enumerate() {
        *b = (i * 31 % 251) as u8;
    }
    let iov = [
        iovec { iov_base: src.as_mut_ptr().cast(), iov_len: SIZE },
        iovec { iov_base: dst.as_mut_ptr().cast(), iov_len: SIZE },
    ];
    // SAFETY: `mem` outlives the registration (unregistered before it is dropped).
    unsafe { ring.register_buffers(&iov)? };
    println!("registered 2 buffers of {SIZE} bytes");

    let mut rounds = 0;
    for chunk in 0..4u64 {
        let off = chunk * (SIZE as u64 / 4);
        let len = SIZE / 4;
        // SAFETY: both ranges lie inside registered buffers 0 and 1, and neither is
        // touched until the two operations have completed.
        unsafe {
            let w = ops::WriteFixed::new(fd, src.as_ptr().add(off as usize), len as u32, 0).offset(off);
            let r = ops::ReadFixed::new(fd, dst.as_mut_ptr().add(off as usize), len as u32, 1).offset(off);
            ring.push(w.user_data(1).link())?;
            ring.push(r.user_data(2))?;
        }
        ring.submit_and_wait(2)?;
        let mut cqes = [Cqe::default(); 2];
        let mut got = 0;
        while got < 2 {
            got += ring.copy_cqes(&mut cqes[got..], 1)?;
        }
        for c in &cqes {
            assert_eq!(c.result()?, len as u32, "user_data {}", c.user_data());
        }
        rounds += 1;
    }
    assert_eq!(src, dst, "read_fixed returned what write_fixed wrote");
    ring.unregister_buffers()?;
    println!("{rounds} write_fixed/read_fixed rounds, {} bytes verified", SIZE);
    Ok(())
}
