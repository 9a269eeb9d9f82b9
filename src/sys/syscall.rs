//! The three io_uring system calls.
//!
//! Everything else goes through `rustix`. These three do not: rustix's io_uring API takes
//! a closed enum of register opcodes and fixed enter-argument types, while liburing's
//! exported `io_uring_register()` and `io_uring_enter2()` pass any opcode and any
//! argument size straight to the kernel (new kernel features must work without a new
//! library). So the calls are made here, with the raw Linux syscall convention.
//! Each returns the kernel's result: `>= 0` on success, `-errno` on failure.

use core::ffi::c_void;

const NR_IO_URING_SETUP: usize = 425;
const NR_IO_URING_ENTER: usize = 426;
const NR_IO_URING_REGISTER: usize = 427;

#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn syscall6(nr: usize, a: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: the Linux x86_64 syscall convention; the kernel clobbers rcx and r11 only.
    // The caller guarantees that pointer arguments are valid for the call.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr as isize => ret,
            in("rdi") a[0],
            in("rsi") a[1],
            in("rdx") a[2],
            in("r10") a[3],
            in("r8") a[4],
            in("r9") a[5],
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack)
        );
    }
    ret
}

#[cfg(target_arch = "aarch64")]
#[inline(always)]
unsafe fn syscall6(nr: usize, a: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: the Linux aarch64 syscall convention (svc #0, number in x8, result in x0).
    // The caller guarantees that pointer arguments are valid for the call.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("x8") nr,
            inlateout("x0") a[0] as isize => ret,
            in("x1") a[1],
            in("x2") a[2],
            in("x3") a[3],
            in("x4") a[4],
            in("x5") a[5],
            options(nostack)
        );
    }
    ret
}

/// `io_uring_setup(2)`: returns the ring fd or `-errno`.
///
/// # Safety
/// `p` must point to a writable `io_uring_params` (the kernel validates the rest).
#[inline]
pub unsafe fn io_uring_setup(entries: u32, p: *mut super::io_uring_params) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { syscall6(NR_IO_URING_SETUP, [entries as usize, p as usize, 0, 0, 0, 0]) as i32 }
}

/// `io_uring_enter(2)` with an argument of `sz` bytes: returns the count or `-errno`.
///
/// # Safety
/// `arg` must be null or valid for the kernel to read `sz` bytes in the form `flags` selects.
#[inline]
pub unsafe fn io_uring_enter(
    fd: u32,
    to_submit: u32,
    min_complete: u32,
    flags: u32,
    arg: *const c_void,
    sz: usize,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        syscall6(
            NR_IO_URING_ENTER,
            [fd as usize, to_submit as usize, min_complete as usize, flags as usize, arg as usize, sz],
        ) as i32
    }
}

/// `io_uring_register(2)`: returns the kernel's result or `-errno`.
///
/// # Safety
/// `arg` must be valid for what `opcode` makes the kernel read or write.
#[inline]
pub unsafe fn io_uring_register(fd: u32, opcode: u32, arg: *const c_void, nr_args: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        syscall6(NR_IO_URING_REGISTER, [fd as usize, opcode as usize, arg as usize, nr_args as usize, 0, 0]) as i32
    }
}
