//! `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` for the C build.
//!
//! The no_std library links no libc, but rustc lowers struct copies and zeroing to
//! these symbols. Defining them here keeps the shared library free of any undefined
//! symbol (and of a libc NEEDED entry). They are not exported: the version script
//! makes everything but liburing's API local.
//!
//! x86_64 uses `rep movsb`/`rep stosb` (fast strings on every CPU since Ivy Bridge);
//! other targets use byte loops through volatile accesses so the compiler cannot turn
//! them back into calls to themselves.

#[no_mangle]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: C memcpy contract: both ranges valid for n bytes and not overlapping.
    unsafe { copy_forward(dest, src, n) };
    dest
}

#[no_mangle]
pub unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if (dest as usize).wrapping_sub(src as usize) >= n {
        // dest is below src or the ranges do not overlap: a forward copy is safe.
        // SAFETY: C memmove contract: both ranges valid for n bytes.
        unsafe { copy_forward(dest, src, n) };
    } else {
        // SAFETY: as above; copying backwards handles dest overlapping src's tail.
        unsafe { copy_backward(dest, src, n) };
    }
    dest
}

#[no_mangle]
pub unsafe extern "C" fn memset(s: *mut u8, c: i32, n: usize) -> *mut u8 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: C memset contract: s valid for n bytes. rep stosb writes exactly n bytes.
    unsafe {
        core::arch::asm!("rep stosb", inout("rcx") n => _, inout("rdi") s => _, in("al") c as u8,
                         options(nostack, preserves_flags));
    }
    #[cfg(not(target_arch = "x86_64"))]
    for i in 0..n {
        // SAFETY: i < n, within the caller's range.
        unsafe { core::ptr::write_volatile(s.add(i), c as u8) };
    }
    s
}

#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    for i in 0..n {
        // SAFETY: i < n, within both caller ranges.
        let (x, y) = unsafe { (core::ptr::read_volatile(a.add(i)), core::ptr::read_volatile(b.add(i))) };
        if x != y {
            return x as i32 - y as i32;
        }
    }
    0
}

#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: same contract as memcmp.
    unsafe { memcmp(a, b, n) }
}

/// # Safety
/// Both ranges valid for `n` bytes; `dest` not inside `src`'s tail.
#[inline(always)]
unsafe fn copy_forward(dest: *mut u8, src: *const u8, n: usize) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: per the function contract; rep movsb copies n bytes upwards (DF is clear
    // per the ABI).
    unsafe {
        core::arch::asm!("rep movsb", inout("rcx") n => _, inout("rdi") dest => _, inout("rsi") src => _,
                         options(nostack, preserves_flags));
    }
    #[cfg(not(target_arch = "x86_64"))]
    for i in 0..n {
        // SAFETY: i < n.
        unsafe { core::ptr::write_volatile(dest.add(i), core::ptr::read_volatile(src.add(i))) };
    }
}

/// # Safety
/// Both ranges valid for `n` bytes.
#[inline(always)]
unsafe fn copy_backward(dest: *mut u8, src: *const u8, n: usize) {
    let mut i = n;
    while i > 0 {
        i -= 1;
        // SAFETY: i < n.
        unsafe { core::ptr::write_volatile(dest.add(i), core::ptr::read_volatile(src.add(i))) };
    }
}

#[no_mangle]
pub unsafe extern "C" fn strlen(s: *const u8) -> usize {
    let mut n = 0;
    // SAFETY: C strlen contract: s is NUL-terminated.
    while unsafe { core::ptr::read_volatile(s.add(n)) } != 0 {
        n += 1;
    }
    n
}

/// Referenced by the unwind tables of the precompiled `core` (built with unwinding),
/// never called: this library is built with `panic = "abort"` and its panic handler
/// traps. Defining it keeps the static archive linkable without a Rust runtime.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}
