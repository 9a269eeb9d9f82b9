//! Every `io_uring_register(2)` path: resources, notification, probe, ring fd, buffer
//! rings, memory regions. Built on [`crate::ring::do_register`].
//!
//! Each function is the one implementation of a liburing 2.15 register call; the C ABI
//! in `capi::register` / `capi::buf_ring` only checks pointers and forwards here. The
//! functions return what the kernel returns (`>= 0` or `-errno`), except where liburing
//! itself adjusts the result (documented per function).
//!
//! Submodules: [`rsrc`] (registered buffers and files), [`notify`] (eventfd,
//! personality), [`probe`], [`ringfd`] (registered ring fd), [`bufring`] (provided buffer
//! rings), [`region`] (memory regions, wait regions, ring resizing), [`misc`] (io-wq,
//! restrictions, cancel, msg, clock, napi, zcrx, bpf filters, query).

pub mod bufring;
pub mod misc;
pub mod notify;
pub mod probe;
pub mod region;
pub mod ringfd;
pub mod rsrc;

use crate::sys::io_uring;
use core::ffi::c_void;

/// `do_register` with a typed argument pointer.
///
/// # Safety
/// `arg` must be valid for what `opcode` makes the kernel read or write (or null when
/// the opcode takes no argument).
#[inline]
pub(crate) unsafe fn reg<T>(ring: &io_uring, opcode: u32, arg: *const T, nr_args: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { crate::ring::do_register(ring, opcode, arg as *const c_void, nr_args) }
}

/// `io_uring_register(2)` on no ring at all (fd -1): the ring-less opcodes
/// (`SEND_MSG_RING`, task-level `BPF_FILTER`, `QUERY`).
///
/// # Safety
/// As for [`reg`].
#[inline]
pub(crate) unsafe fn reg_noring<T>(opcode: u32, arg: *const T, nr_args: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { crate::sys::syscall::io_uring_register(u32::MAX, opcode, arg as *const c_void, nr_args) }
}

#[cfg(test)]
pub(crate) mod testutil {
    use crate::ring::{setup, Live};
    use crate::sys::{io_uring, io_uring_params};

    /// A ring for tests, torn down on drop.
    pub struct TestRing(pub std::boxed::Box<Live>);

    impl TestRing {
        pub fn new(entries: u32, flags: u32) -> Self {
            let mut ring = io_uring::zeroed();
            let mut p = io_uring_params { flags, ..Default::default() };
            // SAFETY: fresh ring and params, no caller memory.
            let r = unsafe { setup::queue_init_params(entries, &mut ring, &mut p, core::ptr::null_mut(), 0) };
            assert!(r >= 0, "queue_init failed: {r}");
            // SAFETY: just set up by the library.
            TestRing(std::boxed::Box::new(unsafe { Live::new(ring) }.expect("live")))
        }
    }

    impl Drop for TestRing {
        fn drop(&mut self) {
            // SAFETY: our own live ring, torn down once and never used again.
            unsafe { setup::queue_exit(self.0.raw_mut()) };
        }
    }
}
