//! The safe Rust API over the core: [`IoUring`] and its [`Builder`], split
//! submission/completion halves, typed operations ([`ops`]), owned buffers (feature
//! `alloc`), registered resources, [`BufRing`] and [`Probe`].
//!
//! Everything here is a thin layer: rings are created, submitted and reaped by
//! `crate::ring`, SQEs are filled by `crate::prep`, registrations go through
//! `crate::register`, exactly as for the C API. See the crate-level docs for a
//! walkthrough.
#![deny(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;

#[macro_use]
mod ops_macro;

mod buf_ring;
mod completion;
mod cqe;
mod error;
mod flags;
pub mod ops;
#[cfg(feature = "alloc")]
mod owned;
mod queue;
mod resources;
mod ring;
mod slot_ts;
mod split;
mod sqe;

pub use buf_ring::{BufRing, Buffer};
pub use completion::{Completion, CqeGuard};
pub use cqe::{Cqe, Cqe32};
pub use error::{CqeError, EnterError, Errno, InitError, PushError, RegisterError};
pub use flags::{Features, SqeFlags};
#[cfg(feature = "alloc")]
pub use owned::{OwnedCompletion, OwnedError, OwnedOp};
pub use queue::Completions;
pub use resources::{Probe, Restriction};
pub use ring::{Builder, IoUring};
pub use split::{CompletionQueue, SubmissionQueue};
pub use sqe::{Fd, Fixed, PrepSqe, SafeOp, Sqe, Timespec, RESERVED_USER_DATA_BIT};
