//! Opcode probing: which `IORING_OP_*` the running kernel supports.
//!
//! Probes handed to the application come from the process's `malloc` when it has one
//! (programs `free()` them, as liburing allows), else from an anonymous mapping; both hold
//! a header plus [`PROBE_OPS`] op slots, so [`free_probe`] knows the size.

use super::reg;
use crate::ring::setup;
use crate::sys::{self, io_uring, io_uring_probe, io_uring_probe_op};
use core::mem::size_of;
use core::ptr;

/// Op slots in a library-allocated probe (liburing asks for 256 too).
pub const PROBE_OPS: u32 = 256;
/// Bytes of a library-allocated probe.
pub const PROBE_SIZE: usize = size_of::<io_uring_probe>() + PROBE_OPS as usize * size_of::<io_uring_probe_op>();

/// `io_uring_register_probe`: fill `p` (zeroed, with room for `nr_ops` ops).
///
/// # Safety
/// `p` must be writable for a probe header plus `nr_ops` ops.
pub unsafe fn register_probe(ring: &io_uring, p: *mut io_uring_probe, nr_ops: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { reg(ring, sys::IORING_REGISTER_PROBE, p, nr_ops) }
}

/// `io_uring_get_probe_ring`: a new probe filled by `ring`'s kernel, or `Err(-errno)`.
/// Release it with [`free_probe`].
pub fn get_probe_ring(ring: &io_uring) -> Result<*mut io_uring_probe, i32> {
    // Zero-filled, as the kernel requires.
    let p = sys::alloc::alloc_zeroed(PROBE_SIZE)?.cast::<io_uring_probe>();
    // SAFETY: `p` holds PROBE_SIZE bytes: a header and PROBE_OPS ops.
    let r = unsafe { register_probe(ring, p, PROBE_OPS) };
    if r < 0 {
        // SAFETY: mapped above, not handed out.
        unsafe { free_probe(p) };
        return Err(r);
    }
    Ok(p)
}

/// `io_uring_get_probe`: like [`get_probe_ring`] on a temporary ring.
pub fn get_probe() -> Result<*mut io_uring_probe, i32> {
    let mut ring = io_uring::zeroed();
    let mut p = sys::io_uring_params::default();
    // SAFETY: fresh ring and params, no caller memory.
    let r = unsafe { setup::queue_init_params(2, &mut ring, &mut p, ptr::null_mut(), 0) };
    if r < 0 {
        return Err(r);
    }
    let probe = get_probe_ring(&ring);
    // SAFETY: the ring set up above.
    unsafe { setup::queue_exit(&mut ring) };
    probe
}

/// `io_uring_free_probe`: release a probe from [`get_probe`] / [`get_probe_ring`]
/// (null is ignored).
///
/// # Safety
/// `p` must be null or a probe returned by this module and not yet freed.
pub unsafe fn free_probe(p: *mut io_uring_probe) {
    // SAFETY: null or a probe of PROBE_SIZE bytes from alloc_zeroed.
    unsafe { sys::alloc::free(p.cast(), PROBE_SIZE) };
}

/// `io_uring_opcode_supported`: true when `op` is within the probe and flagged
/// `IO_URING_OP_SUPPORTED`. Ops beyond `ops_len` (not reported) count as unsupported.
///
/// # Safety
/// `p` must point to a probe holding `ops_len` ops.
pub unsafe fn opcode_supported(p: &io_uring_probe, op: i32) -> bool {
    if op < 0 || op > p.last_op as i32 || op >= p.ops_len as i32 {
        return false;
    }
    // SAFETY: op < ops_len, which the kernel filled.
    let o = unsafe { &*p.ops.as_ptr().add(op as usize) };
    o.flags & sys::IO_URING_OP_SUPPORTED != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_reports_nop_and_rejects_out_of_range() {
        let p = get_probe().expect("probe");
        // SAFETY: a probe from get_probe.
        unsafe {
            let pr = &*p;
            assert!(pr.last_op as u32 >= sys::IORING_OP_READ as u32);
            assert!(pr.ops_len as u32 > pr.last_op as u32);
            assert!(opcode_supported(pr, sys::IORING_OP_NOP as i32));
            assert!(opcode_supported(pr, sys::IORING_OP_READ as i32));
            assert!(!opcode_supported(pr, -1));
            assert!(!opcode_supported(pr, pr.last_op as i32 + 1));
            assert!(!opcode_supported(pr, 255));
            free_probe(p);
        }
    }

    #[test]
    fn opcode_supported_bounds_on_a_fake_probe() {
        #[repr(C)]
        struct Fake {
            hdr: io_uring_probe,
            ops: [io_uring_probe_op; 4],
        }
        let mut f = Fake {
            hdr: io_uring_probe { last_op: 9, ops_len: 4, resv: 0, resv2: [0; 3], ops: [] },
            ops: [io_uring_probe_op::default(); 4],
        };
        f.ops[1].flags = sys::IO_URING_OP_SUPPORTED;
        f.ops[3].flags = sys::IO_URING_OP_SUPPORTED;
        // SAFETY: the fake holds ops_len ops right after the header.
        unsafe {
            assert!(!opcode_supported(&f.hdr, 0));
            assert!(opcode_supported(&f.hdr, 1));
            assert!(opcode_supported(&f.hdr, 3));
            // last_op claims more than ops_len holds: not read, not supported.
            assert!(!opcode_supported(&f.hdr, 5));
        }
    }
}
