//! C library types that appear in liburing's prototypes (`struct iovec`, `sigset_t`, …).
//!
//! The library only passes pointers to these through to the kernel. They are declared
//! here with their Linux layout so Rust callers can build them; the generated C header
//! does not redefine them (it includes the system headers instead).

/// `struct iovec`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct iovec {
    pub iov_base: *mut core::ffi::c_void,
    pub iov_len: usize,
}

/// glibc's `sigset_t` (1024 bits); the kernel reads only the first `_NSIG / 8` bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SigSet {
    pub val: [u64; 16],
}
/// The C name of [`SigSet`].
pub type sigset_t = SigSet;
