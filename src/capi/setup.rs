//! Setup and teardown, raw system calls, version queries.

use crate::ring::{self, setup};
use crate::sys::{self, errno::*, io_uring, io_uring_params, sigset_t};
use core::ffi::{c_int, c_uint, c_void};

/// `ssize_t`, as liburing's prototypes spell it.
#[allow(non_camel_case_types)]
pub type ssize_t = isize;

/// Set up a ring of `entries` SQEs with `params` (in/out), and map it into `ring`.
/// Returns 0 or `-errno` (`-EINVAL` for NULL `ring`/`params`, bad entries or flags).
#[no_mangle]
pub unsafe extern "C" fn io_uring_queue_init_params(
    entries: c_uint,
    ring: *mut io_uring,
    params: *mut io_uring_params,
) -> c_int {
    if ring.is_null() || params.is_null() {
        return -EINVAL;
    }
    // SAFETY: both non-null, caller-provided structs.
    let ret = unsafe { setup::queue_init_params(entries, &mut *ring, &mut *params, core::ptr::null_mut(), 0) };
    if ret >= 0 {
        0
    } else {
        ret
    }
}

/// Set up a ring of `entries` SQEs with setup `flags`. Returns 0 or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_queue_init(entries: c_uint, ring: *mut io_uring, flags: c_uint) -> c_int {
    let mut p = io_uring_params { flags, ..Default::default() };
    // SAFETY: forwarded; `p` is local.
    unsafe { io_uring_queue_init_params(entries, ring, &mut p) }
}

/// Set up a ring in caller memory `buf` of `buf_size` bytes (`IORING_SETUP_NO_MMAP`).
/// Returns the bytes of `buf` used, or `-errno` (`-ENOMEM` when `buf` is too small).
#[no_mangle]
pub unsafe extern "C" fn io_uring_queue_init_mem(
    entries: c_uint,
    ring: *mut io_uring,
    params: *mut io_uring_params,
    buf: *mut c_void,
    buf_size: usize,
) -> c_int {
    if ring.is_null() || params.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null structs; `buf` is the caller's, valid for buf_size by contract.
    unsafe {
        (*params).flags |= sys::IORING_SETUP_NO_MMAP;
        setup::queue_init_params(entries, &mut *ring, &mut *params, buf, buf_size)
    }
}

/// Map the rings of `fd` (made by `io_uring_setup` with params `p`) into `ring`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_queue_mmap(fd: c_int, p: *mut io_uring_params, ring: *mut io_uring) -> c_int {
    if ring.is_null() || p.is_null() {
        return -EINVAL;
    }
    // SAFETY: non-null caller structs.
    unsafe { setup::queue_mmap(fd, &*p, &mut *ring) }
}

/// Tear down `ring`: unmap, unregister its ring fd, close it. Safe on NULL and twice.
#[no_mangle]
pub unsafe extern "C" fn io_uring_queue_exit(ring: *mut io_uring) {
    // SAFETY: queue_exit checks for NULL / not-live rings.
    unsafe { setup::queue_exit(ring) }
}

/// Keep the ring's mappings out of `fork(2)` children (`MADV_DONTFORK`).
#[no_mangle]
pub unsafe extern "C" fn io_uring_ring_dontfork(ring: *mut io_uring) -> c_int {
    // SAFETY: ring_dontfork checks for NULL.
    unsafe { setup::ring_dontfork(ring) }
}

/// Bytes of ring memory `entries` and `p` need (for `io_uring_queue_init_mem`).
#[no_mangle]
pub unsafe extern "C" fn io_uring_memory_size_params(entries: c_uint, p: *mut io_uring_params) -> ssize_t {
    if p.is_null() {
        return -EINVAL as ssize_t;
    }
    // SAFETY: non-null.
    setup::memory_size_params(entries, unsafe { &*p })
}

/// Bytes of ring memory for `entries` and setup `flags`.
#[no_mangle]
pub extern "C" fn io_uring_memory_size(entries: c_uint, flags: c_uint) -> ssize_t {
    setup::memory_size_params(entries, &io_uring_params { flags, ..Default::default() })
}

/// Locked memory (`RLIMIT_MEMLOCK`) a ring needs: 0 on kernels that do not charge it.
#[no_mangle]
pub unsafe extern "C" fn io_uring_mlock_size_params(entries: c_uint, p: *mut io_uring_params) -> ssize_t {
    if p.is_null() {
        return -EINVAL as ssize_t;
    }
    // SAFETY: non-null.
    setup::mlock_size_params(entries, unsafe { &*p })
}

/// Locked memory a ring with `entries` and `flags` needs.
#[no_mangle]
pub extern "C" fn io_uring_mlock_size(entries: c_uint, flags: c_uint) -> ssize_t {
    setup::mlock_size_params(entries, &io_uring_params { flags, ..Default::default() })
}

/// Enable a ring created with `IORING_SETUP_R_DISABLED`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_enable_rings(ring: *mut io_uring) -> c_int {
    let r = ring!(ring);
    // SAFETY: no argument for ENABLE_RINGS.
    unsafe { ring::do_register(r, sys::IORING_REGISTER_ENABLE_RINGS, core::ptr::null(), 0) }
}

/// Choose whether waits on `ring` count as iowait (`IORING_FEAT_NO_IOWAIT` kernels).
/// Returns 0, or `-EOPNOTSUPP` when the kernel cannot turn iowait off.
#[no_mangle]
pub unsafe extern "C" fn io_uring_set_iowait(ring: *mut io_uring, enable_iowait: bool) -> c_int {
    crate::register::misc::set_iowait(ring!(ring), enable_iowait)
}

/// Raw `io_uring_setup(2)`: the ring fd or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_setup(entries: c_uint, p: *mut io_uring_params) -> c_int {
    // SAFETY: the kernel validates `p` (-EFAULT for bad pointers).
    unsafe { sys::syscall::io_uring_setup(entries, p) }
}

/// Raw `io_uring_enter(2)` with a sigmask: the count or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_enter(
    fd: c_uint,
    to_submit: c_uint,
    min_complete: c_uint,
    flags: c_uint,
    sig: *mut sigset_t,
) -> c_int {
    // SAFETY: the kernel validates the sigmask pointer.
    unsafe { sys::syscall::io_uring_enter(fd, to_submit, min_complete, flags, sig as *const c_void, sys::NSIG_BYTES) }
}

/// Raw `io_uring_enter(2)` with an argument of `sz` bytes: the count or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_enter2(
    fd: c_uint,
    to_submit: c_uint,
    min_complete: c_uint,
    flags: c_uint,
    arg: *mut c_void,
    sz: usize,
) -> c_int {
    // SAFETY: the kernel validates the argument.
    unsafe { sys::syscall::io_uring_enter(fd, to_submit, min_complete, flags, arg, sz) }
}

/// Raw `io_uring_register(2)`: the kernel's result or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register(fd: c_uint, opcode: c_uint, arg: *const c_void, nr_args: c_uint) -> c_int {
    // SAFETY: the kernel validates the argument.
    unsafe { sys::syscall::io_uring_register(fd, opcode, arg, nr_args) }
}

/// The major version of this library (2).
#[no_mangle]
pub extern "C" fn io_uring_major_version() -> c_int {
    sys::IO_URING_VERSION_MAJOR
}

/// The minor version of this library (15).
#[no_mangle]
pub extern "C" fn io_uring_minor_version() -> c_int {
    sys::IO_URING_VERSION_MINOR
}

/// True when this library is *older* than `major.minor` (liburing's convention).
#[no_mangle]
pub extern "C" fn io_uring_check_version(major: c_int, minor: c_int) -> bool {
    major > sys::IO_URING_VERSION_MAJOR || (major == sys::IO_URING_VERSION_MAJOR && minor > sys::IO_URING_VERSION_MINOR)
}
