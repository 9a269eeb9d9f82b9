//! liburing's C ABI: `#[no_mangle] extern "C"` functions with liburing's exact
//! signatures. This layer only converts: it checks pointers, maps types, and calls the
//! core. Invalid rings (NULL, never set up, already exited) get `-EINVAL` (or NULL /
//! nothing where liburing's signature has no error channel) instead of a crash.
#![allow(clippy::missing_safety_doc)]

/// The live ring behind a C `struct io_uring *`, or an early return: `-EINVAL` by
/// default, the value after `or` for functions whose signature has no error code, or a
/// bare return with `void`.
macro_rules! ring {
    ($p:expr) => {
        ring!($p, or - $crate::sys::errno::EINVAL)
    };
    ($p:expr, void) => {
        // SAFETY: live() null-checks and validates the ring.
        match unsafe { $crate::capi::live($p) } {
            Some(r) => r,
            None => return,
        }
    };
    ($p:expr, or $err:expr) => {
        // SAFETY: live() null-checks and validates the ring.
        match unsafe { $crate::capi::live($p) } {
            Some(r) => r,
            None => return $err,
        }
    };
}

pub mod buf_ring;
pub mod internal;
#[cfg(all(feature = "clib", not(feature = "std"), not(test)))]
pub mod mem;
pub mod prep;
pub mod prep_net;
pub mod queue;
pub mod register;
pub mod setup;

use crate::ring::Live;
use crate::sys::io_uring;

/// The live ring behind `ring`, or `None` for NULL / not set up / exited: the one
/// validation of a C caller's ring.
#[inline(always)]
pub(crate) unsafe fn live<'a>(ring: *mut io_uring) -> Option<&'a mut Live> {
    // SAFETY: C callers pass NULL or a `struct io_uring` they own (zeroed, set up by
    // us or exited), which nothing else references during the call.
    unsafe { Live::from_ptr(ring) }
}
