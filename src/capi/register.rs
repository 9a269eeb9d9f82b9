//! C ABI of the register layer (`io_uring_register_*`, probes, ring fd, regions, resize).
//! Each wrapper checks the ring (`-EINVAL` for NULL / not set up / exited) and the
//! pointers the library itself reads, then calls `crate::register`. Pointers that are
//! only handed to the kernel are passed through: the kernel reports bad ones (`-EFAULT`);
//! a NULL argument struct the kernel would have refused gets the same `-EFAULT` here.

use super::live;
use crate::register::{misc, notify, probe, region, ringfd, rsrc};
use crate::sys::{
    __u64, cpu_set_t, errno::*, io_uring, io_uring_bpf, io_uring_clock_register, io_uring_mem_region_reg,
    io_uring_napi, io_uring_params, io_uring_probe, io_uring_query_hdr, io_uring_reg_wait, io_uring_restriction,
    io_uring_sqe, io_uring_sync_cancel_reg, io_uring_zcrx_ifq_reg, iovec, zcrx_ctrl,
};
use core::ffi::{c_int, c_uint};
use core::ptr;

/// Register `nr_iovecs` buffers as fixed buffers 0..nr_iovecs (for `read_fixed` and
/// friends). Returns 0 or `-errno` (`-EBUSY` when a table already exists).
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buffers(
    ring: *mut io_uring,
    iovecs: *const iovec,
    nr_iovecs: c_uint,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates the iovec array.
    unsafe { rsrc::register_buffers(r, iovecs, nr_iovecs) }
}

/// Register `nr` fixed buffers with a tag each (`tags` may be NULL); a buffer with a
/// non-zero tag posts a CQE carrying the tag as `user_data` once it is released.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buffers_tags(
    ring: *mut io_uring,
    iovecs: *const iovec,
    tags: *const __u64,
    nr: c_uint,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates both arrays.
    unsafe { rsrc::register_buffers_tags(r, iovecs, tags, nr) }
}

/// Register a table of `nr` empty fixed-buffer slots, filled later by updates.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buffers_sparse(ring: *mut io_uring, nr: c_uint) -> c_int {
    rsrc::register_buffers_sparse(ring!(ring), nr)
}

/// Replace fixed buffers `off..off+nr` with `iovecs` (tags optional). Returns the number
/// replaced or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buffers_update_tag(
    ring: *mut io_uring,
    off: c_uint,
    iovecs: *const iovec,
    tags: *const __u64,
    nr: c_uint,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates both arrays.
    unsafe { rsrc::register_buffers_update_tag(r, off, iovecs, tags, nr) }
}

/// Drop the fixed-buffer table. Returns 0, or `-ENXIO` when none is registered.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_buffers(ring: *mut io_uring) -> c_int {
    rsrc::unregister_buffers(ring!(ring))
}

/// Register `nr_files` descriptors as fixed files 0..nr_files (-1 = empty slot). On
/// `-EMFILE` the soft `RLIMIT_NOFILE` is raised by `nr_files` and the call retried once.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files(ring: *mut io_uring, files: *const c_int, nr_files: c_uint) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates the array.
    unsafe { rsrc::register_files(r, files, nr_files) }
}

/// Register `nr` fixed files with a tag each (`tags` may be NULL); a slot with a non-zero
/// tag posts a CQE with the tag once its file is released. Retries on `-EMFILE` as
/// `io_uring_register_files` does.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files_tags(
    ring: *mut io_uring,
    files: *const c_int,
    tags: *const __u64,
    nr: c_uint,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates both arrays.
    unsafe { rsrc::register_files_tags(r, files, tags, nr) }
}

/// Register a table of `nr` empty fixed-file slots (for direct opens/accepts and
/// updates). Retries on `-EMFILE` as `io_uring_register_files` does.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files_sparse(ring: *mut io_uring, nr: c_uint) -> c_int {
    rsrc::register_files_sparse(ring!(ring), nr)
}

/// Replace fixed files `off..off+nr_files` (tags optional; -1 clears a slot,
/// `IORING_REGISTER_FILES_SKIP` keeps it). Returns the number updated or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files_update_tag(
    ring: *mut io_uring,
    off: c_uint,
    files: *const c_int,
    tags: *const __u64,
    nr_files: c_uint,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates both arrays.
    unsafe { rsrc::register_files_update_tag(r, off, files, tags, nr_files) }
}

/// Drop the fixed-file table. Returns 0, or `-ENXIO` when none is registered.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_files(ring: *mut io_uring) -> c_int {
    rsrc::unregister_files(ring!(ring))
}

/// Replace fixed files `off..off+nr_files` (-1 clears a slot). Returns the number
/// updated or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files_update(
    ring: *mut io_uring,
    off: c_uint,
    files: *const c_int,
    nr_files: c_uint,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates the array.
    unsafe { rsrc::register_files_update(r, off, files, nr_files) }
}

/// Limit automatic direct-descriptor allocation (`IORING_FILE_INDEX_ALLOC`) to the
/// fixed-file slots `[off, off + len)`. Returns 0 or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_file_alloc_range(ring: *mut io_uring, off: c_uint, len: c_uint) -> c_int {
    rsrc::register_file_alloc_range(ring!(ring), off, len)
}

/// Have the kernel signal eventfd `fd` for every completion posted to `ring`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_eventfd(ring: *mut io_uring, fd: c_int) -> c_int {
    notify::register_eventfd(ring!(ring), fd)
}

/// Like `io_uring_register_eventfd`, but only completions that happened asynchronously
/// signal `fd`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_eventfd_async(ring: *mut io_uring, fd: c_int) -> c_int {
    notify::register_eventfd_async(ring!(ring), fd)
}

/// Stop signalling the registered eventfd. Returns 0, or `-ENXIO` when none is set.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_eventfd(ring: *mut io_uring) -> c_int {
    notify::unregister_eventfd(ring!(ring))
}

/// Fill probe `p` (zeroed, room for `nr` ops) with the kernel's opcode support.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_probe(ring: *mut io_uring, p: *mut io_uring_probe, nr: c_uint) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates the probe memory.
    unsafe { probe::register_probe(r, p, nr) }
}

/// Record the caller's current credentials; returns a personality id for
/// `sqe->personality` (requests then run with those credentials), or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_personality(ring: *mut io_uring) -> c_int {
    notify::register_personality(ring!(ring))
}

/// Forget personality `id`. Returns 0, or `-EINVAL` for an unknown id.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_personality(ring: *mut io_uring, id: c_int) -> c_int {
    notify::unregister_personality(ring!(ring), id)
}

/// Restrict a ring created with `IORING_SETUP_R_DISABLED` to the register opcodes, SQE
/// opcodes and SQE flags listed in `res` (`nr_res` entries); takes effect with
/// `io_uring_enable_rings`. Forbidden requests then fail with `-EACCES`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_restrictions(
    ring: *mut io_uring,
    res: *mut io_uring_restriction,
    nr_res: c_uint,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates the array.
    unsafe { misc::register_restrictions(r, res, nr_res) }
}

/// Run the ring's io-wq workers only on the CPUs in `mask` (`cpusz` bytes).
/// `-EINVAL` for sizes of 2^31 bytes and more.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_iowq_aff(
    ring: *mut io_uring,
    cpusz: usize,
    mask: *const cpu_set_t,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates the mask memory.
    unsafe { misc::register_iowq_aff(r, cpusz, mask) }
}

/// Undo `io_uring_register_iowq_aff`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_iowq_aff(ring: *mut io_uring) -> c_int {
    misc::unregister_iowq_aff(ring!(ring))
}

/// Set the io-wq worker limits: `values[0]` bounded, `values[1]` unbounded (0 keeps a
/// limit). The previous limits are stored back into `values`. `-EFAULT` for NULL.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_iowq_max_workers(ring: *mut io_uring, values: *mut c_uint) -> c_int {
    let r = ring!(ring);
    if values.is_null() {
        return -EFAULT;
    }
    // SAFETY: non-null; liburing's contract is an array of two unsigned ints.
    misc::register_iowq_max_workers(r, unsafe { &mut *(values as *mut [u32; 2]) })
}

/// Register the ring fd with the ring itself; later enters (and, with
/// `IORING_FEAT_REG_REG_RING`, register calls) use the registered index. Returns 1,
/// `-EEXIST` when already registered, or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_ring_fd(ring: *mut io_uring) -> c_int {
    ringfd::register_ring_fd(ring!(ring))
}

/// Undo `io_uring_register_ring_fd`. Returns 1, `-EINVAL` when not registered.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_ring_fd(ring: *mut io_uring) -> c_int {
    ringfd::unregister_ring_fd(ring!(ring))
}

/// Close the ring's real fd once it is registered, so only the registered index refers
/// to the ring. Returns 1; `-EOPNOTSUPP` without `IORING_FEAT_REG_REG_RING`, `-EINVAL`
/// when the fd is not registered, `-EBADF` when it was closed already.
#[no_mangle]
pub unsafe extern "C" fn io_uring_close_ring_fd(ring: *mut io_uring) -> c_int {
    ringfd::close_ring_fd(ring!(ring))
}

/// Cancel the requests `reg` matches and wait for them (up to `reg->timeout`; -1/-1
/// waits without limit). Returns 0, `-ENOENT` when nothing matched, `-ETIME` on timeout.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_sync_cancel(
    ring: *mut io_uring,
    reg: *mut io_uring_sync_cancel_reg,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: null-checked; the caller's struct.
    match unsafe { reg.as_mut() } {
        Some(g) => misc::register_sync_cancel(r, g),
        None => -EFAULT,
    }
}

/// Execute the `IORING_OP_MSG_RING` request in `sqe` immediately, without a ring of our
/// own (the target ring is `sqe->fd`). Returns 0 or `-errno`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_sync_msg(sqe: *mut io_uring_sqe) -> c_int {
    // SAFETY: the kernel validates the SQE pointer.
    unsafe { misc::register_sync_msg(sqe) }
}

/// Turn on NAPI busy polling with the settings in `napi`; the previous settings are
/// written back into it.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_napi(ring: *mut io_uring, napi: *mut io_uring_napi) -> c_int {
    let r = ring!(ring);
    // SAFETY: null-checked; the caller's struct.
    match unsafe { napi.as_mut() } {
        Some(n) => misc::register_napi(r, n),
        None => -EFAULT,
    }
}

/// Turn NAPI busy polling off; `napi` (may be NULL) receives the settings that applied.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_napi(ring: *mut io_uring, napi: *mut io_uring_napi) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel accepts NULL or validates the pointer.
    unsafe { misc::unregister_napi(r, napi) }
}

/// Register a zero-copy receive interface queue described by `reg` (the kernel fills in
/// the refill-queue offsets and id). Needs a capable NIC and `CAP_NET_ADMIN`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_ifq(ring: *mut io_uring, reg: *mut io_uring_zcrx_ifq_reg) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates the struct and what it points to.
    unsafe { misc::register_ifq(r, reg) }
}

/// Run the zero-copy receive control operation `ctrl->op` on instance `ctrl->zcrx_id`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_zcrx_ctrl(ring: *mut io_uring, ctrl: *mut zcrx_ctrl) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates the struct.
    unsafe { misc::register_zcrx_ctrl(r, ctrl) }
}

/// Choose the clock (`arg->clockid`: `CLOCK_MONOTONIC` or `CLOCK_BOOTTIME`) that wait
/// timeouts on `ring` are measured against.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_clock(ring: *mut io_uring, arg: *mut io_uring_clock_register) -> c_int {
    let r = ring!(ring);
    // SAFETY: null-checked; the caller's struct.
    match unsafe { arg.as_ref() } {
        Some(a) => misc::register_clock(r, a),
        None => -EFAULT,
    }
}

/// Attach the classic BPF filter in `bpf` to `ring`: requests of the filtered opcode
/// that the filter rejects fail with `-EACCES`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_bpf_filter(ring: *mut io_uring, bpf: *mut io_uring_bpf) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates the struct and the filter program.
    unsafe { misc::register_bpf_filter(r, bpf) }
}

/// Attach the classic BPF filter in `bpf` to the calling task: it applies to rings the
/// task (and its children) create afterwards and cannot be removed.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_bpf_filter_task(bpf: *mut io_uring_bpf) -> c_int {
    // SAFETY: the kernel validates the struct and the filter program.
    unsafe { misc::register_bpf_filter_task(bpf) }
}

/// Ask the kernel about its io_uring support (no ring needed): each header in the chain
/// starting at `query` gets its answer in `query_data` and its status in `result`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_query(query: *mut io_uring_query_hdr) -> c_int {
    // SAFETY: the kernel validates the chain.
    unsafe { misc::register_query(query) }
}

/// Register the memory region `reg` describes with `ring`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_region(ring: *mut io_uring, reg: *mut io_uring_mem_region_reg) -> c_int {
    let r = ring!(ring);
    // SAFETY: the kernel validates the struct and the region.
    unsafe { region::register_region(r, reg) }
}

/// Register `nr` wait-argument slots at `reg` (page-aligned memory; the ring must still
/// be disabled with `IORING_SETUP_R_DISABLED`) for `io_uring_submit_and_wait_reg`.
/// Returns 0 or `-errno` (`-EINVAL` for NULL `reg` or `nr` <= 0). liburing 2.15 only
/// returns `-EINVAL` here; this library registers the slots as a wait region.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_wait_reg(
    ring: *mut io_uring,
    reg: *mut io_uring_reg_wait,
    nr: c_int,
) -> c_int {
    let r = ring!(ring);
    // SAFETY: checked for NULL inside; the kernel validates the memory.
    unsafe { region::register_wait_reg(r, reg, nr) }
}

/// Resize the SQ and CQ of `ring` to `p->sq_entries` / `p->cq_entries` (with
/// `IORING_SETUP_CQSIZE` / `IORING_SETUP_CLAMP` in `p->flags`) and remap them; pending
/// completions and queued submissions carry over. `-EINVAL` for `IORING_SETUP_NO_MMAP`
/// rings or NULL `p`; `p->flags` is cleared afterwards.
#[no_mangle]
pub unsafe extern "C" fn io_uring_resize_rings(ring: *mut io_uring, p: *mut io_uring_params) -> c_int {
    let r = ring!(ring);
    // SAFETY: null-checked; the caller's struct.
    match unsafe { p.as_mut() } {
        // SAFETY: a C caller's ring is validated anew at every entry.
        Some(p) => unsafe { region::resize_rings(r, p) },
        None => -EINVAL,
    }
}

/// Copy `nr` registered buffers of `src` from `src_off` into `dst` at `dst_off`
/// (0, 0, 0 = the whole table). `flags`: `IORING_REGISTER_DST_REPLACE` to overwrite an
/// existing table, `IORING_REGISTER_SRC_REGISTERED` to name `src` by its registered index
/// (dropped when `src` has none).
#[no_mangle]
pub unsafe extern "C" fn __io_uring_clone_buffers_offset(
    dst: *mut io_uring,
    src: *mut io_uring,
    dst_off: c_uint,
    src_off: c_uint,
    nr: c_uint,
    flags: c_uint,
) -> c_int {
    let d = ring!(dst);
    let s = ring!(src);
    rsrc::clone_buffers_offset_raw(d, s, dst_off, src_off, nr, flags)
}

/// `__io_uring_clone_buffers_offset` preferring `src`'s registered ring index.
#[no_mangle]
pub unsafe extern "C" fn io_uring_clone_buffers_offset(
    dst: *mut io_uring,
    src: *mut io_uring,
    dst_off: c_uint,
    src_off: c_uint,
    nr: c_uint,
    flags: c_uint,
) -> c_int {
    let d = ring!(dst);
    let s = ring!(src);
    rsrc::clone_buffers_offset(d, s, dst_off, src_off, nr, flags)
}

/// Clone the whole registered-buffer table of `src` into `dst` (which must have none).
#[no_mangle]
pub unsafe extern "C" fn io_uring_clone_buffers(dst: *mut io_uring, src: *mut io_uring) -> c_int {
    let d = ring!(dst);
    let s = ring!(src);
    rsrc::clone_buffers(d, s)
}

/// Clone the whole registered-buffer table of `src` into `dst` with `flags`.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_clone_buffers(dst: *mut io_uring, src: *mut io_uring, flags: c_uint) -> c_int {
    let d = ring!(dst);
    let s = ring!(src);
    rsrc::clone_buffers_flags(d, s, flags)
}

/// A new probe of `ring`'s opcode support, or NULL on failure. Free it with
/// `io_uring_free_probe`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_probe_ring(ring: *mut io_uring) -> *mut io_uring_probe {
    // SAFETY: live() validates the ring.
    match unsafe { live(ring) } {
        Some(r) => probe::get_probe_ring(r).unwrap_or(ptr::null_mut()),
        None => ptr::null_mut(),
    }
}

/// A new probe of the kernel's opcode support (made on a temporary ring), or NULL.
/// Free it with `io_uring_free_probe`.
#[no_mangle]
pub extern "C" fn io_uring_get_probe() -> *mut io_uring_probe {
    probe::get_probe().unwrap_or(ptr::null_mut())
}

/// Free a probe from `io_uring_get_probe` / `io_uring_get_probe_ring` (NULL is ignored).
#[no_mangle]
pub unsafe extern "C" fn io_uring_free_probe(probe: *mut io_uring_probe) {
    // SAFETY: caller passes a probe we handed out (or NULL).
    unsafe { probe::free_probe(probe) }
}

/// 1 when probe `p` reports opcode `op` as supported, else 0 (also for NULL `p` and
/// ops outside the probe).
#[no_mangle]
pub unsafe extern "C" fn io_uring_opcode_supported(p: *const io_uring_probe, op: c_int) -> c_int {
    // SAFETY: null-checked; a probe filled by the kernel.
    match unsafe { p.as_ref() } {
        // SAFETY: as above.
        Some(p) => (unsafe { probe::opcode_supported(p, op) }) as c_int,
        None => 0,
    }
}
