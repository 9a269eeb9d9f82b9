//! The system page size, without the vDSO.
//!
//! rustix's `param::page_size` also parses the vDSO image the auxiliary vector points at;
//! valgrind does not map one there (nor need other processes have one), and that read
//! faults. Only `AT_PAGESZ` is needed: it is read from `/proc/self/auxv`, and where /proc
//! is not mounted `mprotect` measures it (it refuses a start address that is not
//! page-aligned).

use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{AtomicUsize, Ordering};
use rustix::mm::{self, MapFlags, MprotectFlags, ProtFlags};

/// `AT_PAGESZ` of `<elf.h>`.
const AT_PAGESZ: usize = 6;
/// Page sizes above this (1 MiB) are not looked for by [`measured`].
const MAX_PAGE: usize = 1 << 20;

static PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);

/// The page size in bytes (found once, then cached).
pub fn page_size() -> usize {
    let cached = PAGE_SIZE.load(Ordering::Relaxed);
    if cached != 0 {
        return cached;
    }
    // Both ways failing means neither /proc nor a 2 MiB address-space reservation: the
    // smallest page any Linux target has is then the safe guess for alignment math.
    let size = from_auxv().or_else(measured).unwrap_or(4096);
    PAGE_SIZE.store(size, Ordering::Relaxed);
    size
}

/// `AT_PAGESZ` from `/proc/self/auxv` (pairs of native words), if readable.
pub(crate) fn from_auxv() -> Option<usize> {
    const WORD: usize = core::mem::size_of::<usize>();
    // A process's auxv is a few dozen entries; 4 KiB holds 256 of them.
    let mut buf = [0u8; 4096];
    let buf = super::procfs::read_file(c"/proc/self/auxv", &mut buf)?;
    let len = buf.len();
    let word = |i: usize| {
        let mut w = [0u8; WORD];
        w.copy_from_slice(&buf[i..i + WORD]);
        usize::from_ne_bytes(w)
    };
    (0..len / (2 * WORD))
        .map(|e| (word(2 * WORD * e), word(2 * WORD * e + WORD)))
        .take_while(|&(key, _)| key != 0)
        .find(|&(key, val)| key == AT_PAGESZ && val.is_power_of_two())
        .map(|(_, val)| val)
}

/// The page size measured with `mprotect` on a fresh reservation: the smallest power of
/// two `s` for which `base + s` is accepted as a page boundary.
pub(crate) fn measured() -> Option<usize> {
    // SAFETY: a fresh PROT_NONE reservation of our own; nothing else refers to it.
    let base =
        unsafe { mm::mmap_anonymous(ptr::null_mut(), 2 * MAX_PAGE, ProtFlags::empty(), MapFlags::PRIVATE) }.ok()?;
    let mut size = 1024;
    let found = loop {
        if size > MAX_PAGE {
            break None;
        }
        // SAFETY: base + size .. base + 2 * size lies inside the reservation; changing
        // PROT_NONE to PROT_NONE touches nothing.
        if unsafe { mm::mprotect(base.cast::<u8>().add(size).cast::<c_void>(), size, MprotectFlags::empty()) }.is_ok() {
            break Some(size);
        }
        size *= 2;
    };
    // SAFETY: the reservation mapped above, no longer used.
    let _ = unsafe { mm::munmap(base, 2 * MAX_PAGE) };
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_size_matches_libc() {
        // SAFETY: sysconf has no preconditions.
        let want = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
        assert_eq!(super::from_auxv(), Some(want));
        assert_eq!(super::measured(), Some(want));
        assert_eq!(super::page_size(), want);
    }
}
