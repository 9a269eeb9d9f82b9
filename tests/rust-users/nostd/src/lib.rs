#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

/// Sets up and tears down a ring through the no_std core API.
#[no_mangle]
pub extern "C" fn user_ring_ok() -> bool {
    io_urine::IoUring::new(2).is_ok()
}
