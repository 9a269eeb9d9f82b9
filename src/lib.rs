//! io_urine: liburing 2.15 in pure Rust — `no_std`, no libc, system calls through rustix.
//!
//! Layers (see `../shared/DESIGN.md`): [`sys`] is the kernel ABI, [`ring`] the core
//! (setup, submission, completion), [`prep`] fills SQEs, [`register`] covers
//! `io_uring_register(2)`, [`capi`] exports liburing's C ABI over them.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

#[cfg(any(feature = "std", test))]
extern crate std;

pub mod api;
pub mod capi;
pub mod prep;
pub mod register;
pub mod ring;
pub mod sys;

pub use api::*;

/// The C library is `no_std`; a panic can only come from a bug (caller input never
/// panics), and unwinding into C is not an option, so it aborts.
#[cfg(all(feature = "capi", not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    // `ud2` / `brk`: a trap, with no libc needed for abort().
    #[cfg(target_arch = "x86_64")]
    // SAFETY: executing an undefined instruction terminates the process with SIGILL.
    unsafe {
        core::arch::asm!("ud2", options(noreturn))
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: a breakpoint trap terminates the process with SIGTRAP.
    unsafe {
        core::arch::asm!("brk #0x1", options(noreturn))
    }
}
