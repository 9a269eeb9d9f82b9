//! Uses the safe API so the dependency is really linked in.

/// Sets up and tears down a ring through io_urine's Rust API.
#[no_mangle]
pub extern "C" fn user_ring_ok() -> bool {
    io_urine::IoUring::new(2).is_ok()
}
