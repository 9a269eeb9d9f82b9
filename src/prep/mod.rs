//! The one place that fills SQEs, by family. Both the C ABI (`capi`) and the Rust API
//! call these; each function writes exactly the bytes liburing's helper of the same name
//! writes.

pub mod buffers;
pub mod cancel;
pub mod fs;
pub mod msg;
pub mod net;
pub mod pipe;
pub mod poll;
pub mod rw;
pub mod sync;
pub mod timeout;
