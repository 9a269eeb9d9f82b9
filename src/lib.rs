//! io_urine: liburing 2.15 in pure Rust — `no_std`, no libc, system calls through rustix.
//!
//! Layers (DESIGN notes in the README): [`sys`] is the kernel ABI, [`ring`] the core
//! (setup, submission, completion), [`prep`] fills SQEs, [`register`] covers
//! `io_uring_register(2)`, [`capi`] exports liburing's C ABI over them, and [`api`] is
//! the safe Rust API over the very same core (re-exported at the crate root).
//!
//! # The safe Rust API
//!
//! ## A ring, an operation, a completion
//!
//! [`IoUring::new`] sets up a ring; [`IoUring::push`] queues a typed operation from
//! [`ops`] (one type per kernel opcode), [`IoUring::submit_and_wait`] hands the queue
//! to the kernel, and [`IoUring::wait_cqe`] / [`IoUring::peek_cqe`] return the head
//! completion as a [`CqeGuard`]: reading through the guard is reading that CQE, and
//! dropping it (or [`CqeGuard::seen`], liburing's `io_uring_cqe_seen`) hands exactly
//! that CQE back to the kernel.
//!
//! ```
//! use io_urine::{ops, IoUring};
//!
//! let mut ring = IoUring::new(8)?;
//! ring.push(ops::Nop::new().user_data(1))?;
//! ring.submit_and_wait(1)?;
//! let cqe = ring.wait_cqe()?; // borrows the ring until it is seen
//! assert_eq!((cqe.user_data(), cqe.result()), (1, Ok(0)));
//! cqe.seen();                 // hand its slot back to the kernel
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Reaping in bulk: [`IoUring::copy_cqes`] copies a batch of [`Cqe`] values into a
//! slice and publishes the new CQ head once; [`IoUring::completions`] iterates over
//! [`Completion`]s. Waiting with a deadline: [`IoUring::wait_cqe_timeout`],
//! [`IoUring::submit_and_wait_timeout`]. Every path reaps through the core's one rule of
//! which CQEs the application sees (padding and liburing's internal timeout never show).
//!
//! ## Setup flags
//!
//! [`IoUring::builder`] has one method per `IORING_SETUP_*` flag (SQPOLL with idle
//! time and CPU, IOPOLL, SQE128/CQE32, DEFER_TASKRUN, SINGLE_ISSUER, COOP_TASKRUN,
//! NO_SQARRAY, R_DISABLED, ATTACH_WQ, CLAMP, CQSIZE …); [`IoUring::features`] says
//! what the kernel supports.
//!
//! ## Memory safety of operations
//!
//! An operation that makes the kernel read or write memory through a pointer you pass
//! has an `unsafe` constructor (or setter): you promise the memory stays valid until the
//! operation completes. Such an operation is neither `Copy` nor `Clone`, and
//! [`IoUring::push`] consumes it, so the promise covers exactly the one submission it
//! becomes. Pointer-free operations ([`SafeOp`]: `Nop`, `Fsync`, `Close`, `Timeout` and
//! `LinkTimeout` (which carry their timespec inside the SQE), `PollAdd`, `Socket`,
//! receives into provided buffers …) are `Copy` and are pushed by reference, any number
//! of times, without `unsafe`:
//!
//! ```
//! use io_urine::{ops, IoUring};
//! use std::os::fd::AsRawFd;
//!
//! let file = std::fs::File::open("Cargo.toml")?;
//! let mut ring = IoUring::new(4)?;
//! let mut buf = [0u8; 9];
//! // SAFETY: `buf` is neither moved nor read until the read has completed below.
//! ring.push(unsafe { ops::Read::new(file.as_raw_fd(), buf.as_mut_ptr(), 9) }.user_data(2))?;
//! ring.push(ops::Timeout::new(std::time::Duration::from_secs(5)).count(1))?;
//! ring.submit_and_wait(2)?;
//! assert_eq!(ring.wait_cqe()?.result(), Ok(9));
//! assert_eq!(&buf, b"[package]");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With the `alloc` feature (on with `std`), [`IoUring::submit_owned`] is the safe
//! alternative for reads, writes, sends and receives: the ring keeps the `Vec` until
//! the completion has been consumed and [`IoUring::take_owned`] gives it back.
//! `user_data` values are 63-bit: the top bit ([`RESERVED_USER_DATA_BIT`]) is the
//! library's.
//!
//! ## Linking, timeouts, cancellation
//!
//! Every operation has builder methods for the `IOSQE_*` flags: `.link()` chains it to
//! the next submission, `.hardlink()`, `.drain()`, `.force_async()`,
//! `.skip_success()`; [`ops::LinkTimeout`] bounds the previous linked operation;
//! [`ops::AsyncCancel`] cancels by `user_data`, file or anything.
//!
//! ## Two threads
//!
//! [`IoUring::split`] gives a [`SubmissionQueue`] and a [`CompletionQueue`]: both
//! `Send` (not `Sync`, not `Clone`), for one producer thread and one consumer thread.
//!
//! ## Registered resources
//!
//! Fixed buffers ([`IoUring::register_buffers`] with [`ops::ReadFixed`] /
//! [`ops::WriteFixed`]), fixed files ([`IoUring::register_files`], sparse tables,
//! updates, [`Fixed`] targets, direct descriptors), eventfd, the ring fd,
//! personalities, restrictions ([`Restriction`]), [`Probe`] for supported opcodes, and
//! [`BufRing`] — an owned provided-buffer ring (optionally incremental) that hands out
//! the buffer a [`Completion`] of its ring names (once; never for a plain [`Cqe`] value,
//! which could be stale or forged) and recycles it.
//!
//! ## Errors
//!
//! [`InitError`], [`EnterError`], [`RegisterError`] and [`CqeError`] carry the kernel's
//! [`Errno`], implement `Display` and `core::error::Error`, and convert into
//! `std::io::Error` with the `std` feature. [`PushError`] says why no SQE was
//! available. Caller input never panics.
//!
//! ## `no_std`
//!
//! Without default features the API needs only `core` (the owned-buffer path needs
//! `alloc`); the `std` feature adds `std::io::Error` conversions and `AsFd`/`AsRawFd`.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

#[cfg(any(feature = "std", test))]
extern crate std;

pub mod api;
#[cfg(feature = "capi")]
pub mod capi;
pub mod prep;
pub mod register;
pub mod ring;
pub mod sys;
pub mod trace;

pub use api::*;

/// The C library (feature `clib`, turned on only by the Makefile) brings its own panic
/// handler: there is no std to provide one. A panic can only come from a bug (caller input
/// never panics), and unwinding into C is not an option, so it traps. Rust users never get
/// it: a `no_std` program brings its own, a std one gets std's.
#[cfg(all(feature = "clib", not(feature = "std"), not(test)))]
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
