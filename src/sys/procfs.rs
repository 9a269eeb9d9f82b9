//! Reading small `/proc` files without libc (auxv, status, sysctls).

use core::ffi::CStr;
use rustix::fs::{self, Mode, OFlags};

/// Reads the file at `path` into `buf` (up to its size); the bytes read, or `None` when
/// it cannot be opened or read.
pub fn read_file<'a>(path: &CStr, buf: &'a mut [u8]) -> Option<&'a [u8]> {
    let fd = fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut len = 0;
    while len < buf.len() {
        match rustix::io::read(&fd, &mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => return None,
        }
    }
    Some(&buf[..len])
}
