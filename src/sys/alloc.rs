//! The process's own C allocator, when it has one, for memory the application may
//! `free()` itself.
//!
//! liburing as distributions build it returns probes from `malloc`, and programs free
//! them with libc's `free()` instead of `io_uring_free_probe`. The library links no libc,
//! so it refers to `malloc` and `free` weakly: the dynamic loader (or the static linker)
//! fills in the process's allocator when there is one and leaves null otherwise. The
//! shared library keeps no NEEDED entry and no strong undefined symbol. Without an
//! allocator, memory comes from an anonymous mapping, and [`free`] pairs with [`alloc_zeroed`]
//! either way because the choice is fixed for the life of the process.

use core::ffi::c_void;
use core::ptr;
use rustix::mm::{self, MapFlags, ProtFlags};

// Weak undefined references to malloc/free, read through two pointer-sized words of our
// own: a weak function symbol may be null, which a Rust `extern fn` may not be, while an
// `Option<fn>` read from memory may. The words get load-time relocations (relro data).
#[cfg(target_pointer_width = "64")]
macro_rules! word {
    () => {
        ".quad"
    };
}
#[cfg(target_pointer_width = "32")]
macro_rules! word {
    () => {
        ".long"
    };
}
core::arch::global_asm!(
    ".weak malloc",
    ".weak free",
    ".pushsection .data.rel.ro.io_urine_c_alloc,\"aw\"",
    ".balign 8",
    ".globl io_urine_weak_malloc",
    ".hidden io_urine_weak_malloc",
    "io_urine_weak_malloc:",
    concat!(word!(), " malloc"),
    ".globl io_urine_weak_free",
    ".hidden io_urine_weak_free",
    "io_urine_weak_free:",
    concat!(word!(), " free"),
    ".popsection",
);

extern "C" {
    static io_urine_weak_malloc: Option<unsafe extern "C" fn(usize) -> *mut c_void>;
    static io_urine_weak_free: Option<unsafe extern "C" fn(*mut c_void)>;
}

/// The process's `malloc` and `free`, if it has both.
#[inline]
fn c_allocator() -> Option<(unsafe extern "C" fn(usize) -> *mut c_void, unsafe extern "C" fn(*mut c_void))> {
    // SAFETY: two words of our own, relocated at load time and never written after.
    let (m, f) = unsafe { (io_urine_weak_malloc, io_urine_weak_free) };
    Some((m?, f?))
}

/// True when memory comes from the process's `malloc` (it may be passed to `free()`).
pub fn uses_c_allocator() -> bool {
    c_allocator().is_some()
}

/// `size` zeroed bytes, aligned for any C object: from the process's `malloc` when it
/// has one, else a fresh anonymous mapping. `Err(-ENOMEM)` (or the mapping's error).
pub fn alloc_zeroed(size: usize) -> Result<*mut c_void, i32> {
    if let Some((malloc, _)) = c_allocator() {
        // SAFETY: the process's malloc, any size.
        let p = unsafe { malloc(size) };
        if p.is_null() {
            return Err(-super::errno::ENOMEM);
        }
        // SAFETY: malloc returned `size` writable bytes.
        unsafe { ptr::write_bytes(p.cast::<u8>(), 0, size) };
        return Ok(p);
    }
    // SAFETY: a fresh private anonymous mapping (zero-filled by the kernel).
    unsafe { mm::mmap_anonymous(ptr::null_mut(), size, ProtFlags::READ | ProtFlags::WRITE, MapFlags::PRIVATE) }
        .map_err(crate::ring::neg)
}

/// Releases memory from [`alloc_zeroed`] of the same `size` (null is ignored).
///
/// # Safety
/// `p` must be null or from [`alloc_zeroed`]`(size)`, not released yet.
pub unsafe fn free(p: *mut c_void, size: usize) {
    if p.is_null() {
        return;
    }
    match c_allocator() {
        // SAFETY: p came from this process's malloc.
        Some((_, free)) => unsafe { free(p) },
        // SAFETY: p is our own mapping of `size` bytes.
        None => {
            let _ = unsafe { mm::munmap(p, size) };
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_process_with_libc_gets_malloc_memory() {
        // The test binary links libc: the weak references resolve, and libc's allocator
        // knows the block (malloc_usable_size would fault on a mapping of ours).
        assert!(super::uses_c_allocator());
        let p = super::alloc_zeroed(1000).unwrap();
        // SAFETY: a live malloc block of 1000 bytes.
        unsafe {
            assert!(libc::malloc_usable_size(p) >= 1000);
            assert!(core::slice::from_raw_parts(p.cast::<u8>(), 1000).iter().all(|&b| b == 0));
            super::free(p, 1000);
            super::free(core::ptr::null_mut(), 1000);
        }
    }
}
