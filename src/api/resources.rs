//! Registered resources: buffers, files, eventfd, the ring fd, personalities,
//! restrictions, io-wq limits, and [`Probe`]. Each method is one call into
//! `crate::register` (or the core's `do_register`).

use super::{IoUring, RegisterError};
use crate::register;
use crate::sys::{self, io_uring_probe, io_uring_restriction, iovec};
use core::fmt;

/// `>= 0` → value, `< 0` → error.
#[inline]
fn reg_result(r: i32) -> Result<u32, RegisterError> {
    if r >= 0 {
        Ok(r as u32)
    } else {
        Err(RegisterError::from_raw(r))
    }
}

impl IoUring {
    /// Registers `bufs` as fixed buffers `0..bufs.len()` (for `ReadFixed`,
    /// `WriteFixed`, `SendZc` with a buffer index …). The kernel pins the pages.
    ///
    /// ```
    /// use io_urine::{sys::iovec, IoUring};
    /// let mut ring = IoUring::new(4)?;
    /// let mut buf = vec![0u8; 4096];
    /// let iov = [iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() }];
    /// // SAFETY: `buf` outlives the registration (unregistered below).
    /// unsafe { ring.register_buffers(&iov) }?;
    /// ring.unregister_buffers()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Safety
    /// The memory must stay valid until the buffers are unregistered (or the ring is
    /// dropped), and must not be accessed while a fixed-buffer operation writing it is
    /// in flight.
    pub unsafe fn register_buffers(&mut self, bufs: &[iovec]) -> Result<(), RegisterError> {
        let nr = u32::try_from(bufs.len()).map_err(|_| RegisterError::from_raw(-sys::errno::EINVAL))?;
        // SAFETY: `bufs` is valid for `nr` iovecs; the memory they describe is the
        // caller's contract.
        reg_result(unsafe { register::rsrc::register_buffers(&self.ring, bufs.as_ptr(), nr) }).map(|_| ())
    }

    /// A table of `nr` empty fixed-buffer slots, to fill with
    /// [`register_buffers_update`](Self::register_buffers_update).
    pub fn register_buffers_sparse(&mut self, nr: u32) -> Result<(), RegisterError> {
        reg_result(register::rsrc::register_buffers_sparse(&self.ring, nr)).map(|_| ())
    }

    /// Replaces fixed buffers `offset..offset+bufs.len()` (an empty iovec clears a slot).
    ///
    /// # Safety
    /// As for [`register_buffers`](Self::register_buffers).
    pub unsafe fn register_buffers_update(&mut self, offset: u32, bufs: &[iovec]) -> Result<u32, RegisterError> {
        let nr = u32::try_from(bufs.len()).map_err(|_| RegisterError::from_raw(-sys::errno::EINVAL))?;
        // SAFETY: `bufs` is valid for `nr` iovecs; no tags.
        reg_result(unsafe {
            register::rsrc::register_buffers_update_tag(&self.ring, offset, bufs.as_ptr(), core::ptr::null(), nr)
        })
    }

    /// Drops every fixed buffer.
    pub fn unregister_buffers(&mut self) -> Result<(), RegisterError> {
        reg_result(register::rsrc::unregister_buffers(&self.ring)).map(|_| ())
    }

    /// Registers `fds` as fixed files `0..fds.len()` (`-1` leaves a slot empty). Pass
    /// [`Fixed`](crate::Fixed)`(i)` as an operation's file afterwards.
    ///
    /// ```
    /// use io_urine::{ops, Fixed, IoUring};
    /// use std::os::fd::AsRawFd;
    /// let file = std::fs::File::open("Cargo.toml")?;
    /// let mut ring = IoUring::new(4)?;
    /// ring.register_files(&[-1, file.as_raw_fd()])?;
    /// ring.push(ops::Fsync::new(Fixed(1)).user_data(1))?;
    /// ring.submit_and_wait(1)?;
    /// assert_eq!(ring.wait_cqe()?.result(), Ok(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn register_files(&mut self, fds: &[i32]) -> Result<(), RegisterError> {
        let nr = u32::try_from(fds.len()).map_err(|_| RegisterError::from_raw(-sys::errno::EINVAL))?;
        // SAFETY: `fds` is valid for `nr` entries; the kernel only reads them.
        reg_result(unsafe { register::rsrc::register_files(&self.ring, fds.as_ptr(), nr) }).map(|_| ())
    }

    /// A table of `nr` empty fixed-file slots (for direct descriptors and updates).
    pub fn register_files_sparse(&mut self, nr: u32) -> Result<(), RegisterError> {
        reg_result(register::rsrc::register_files_sparse(&self.ring, nr)).map(|_| ())
    }

    /// Replaces fixed files `offset..offset+fds.len()` (`-1` clears a slot); returns how
    /// many were updated.
    pub fn register_files_update(&mut self, offset: u32, fds: &[i32]) -> Result<u32, RegisterError> {
        let nr = u32::try_from(fds.len()).map_err(|_| RegisterError::from_raw(-sys::errno::EINVAL))?;
        // SAFETY: `fds` is valid for `nr` entries; the kernel only reads them.
        reg_result(unsafe { register::rsrc::register_files_update(&self.ring, offset, fds.as_ptr(), nr) })
    }

    /// Restricts where the kernel allocates direct descriptors to `offset..offset+len`.
    pub fn register_file_alloc_range(&mut self, offset: u32, len: u32) -> Result<(), RegisterError> {
        reg_result(register::rsrc::register_file_alloc_range(&self.ring, offset, len)).map(|_| ())
    }

    /// Drops every fixed file.
    pub fn unregister_files(&mut self) -> Result<(), RegisterError> {
        reg_result(register::rsrc::unregister_files(&self.ring)).map(|_| ())
    }

    /// Signals eventfd `fd` for every completion (`async_only`: only for completions
    /// that did not happen inline at submission).
    pub fn register_eventfd(&mut self, fd: i32, async_only: bool) -> Result<(), RegisterError> {
        let r = if async_only {
            register::notify::register_eventfd_async(&self.ring, fd)
        } else {
            register::notify::register_eventfd(&self.ring, fd)
        };
        reg_result(r).map(|_| ())
    }

    /// Stops eventfd notifications.
    pub fn unregister_eventfd(&mut self) -> Result<(), RegisterError> {
        reg_result(register::notify::unregister_eventfd(&self.ring)).map(|_| ())
    }

    /// Registers the ring fd with the ring itself, so every `io_uring_enter(2)` skips
    /// the file-table lookup. The real fd stays open ([`as_raw_fd`](Self::as_raw_fd)).
    /// The registration belongs to the calling thread: submitting or waiting on this
    /// ring from another thread then fails with `EBADF` (the completion half of a
    /// [`split`](Self::split) ring always uses the real fd).
    ///
    /// ```
    /// use io_urine::{ops, IoUring};
    /// let mut ring = IoUring::new(4)?;
    /// ring.register_ring_fd()?;
    /// ring.push(ops::Nop::new())?;
    /// assert_eq!(ring.submit_and_wait(1)?, 1);
    /// ring.unregister_ring_fd()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn register_ring_fd(&mut self) -> Result<(), RegisterError> {
        reg_result(register::ringfd::register_ring_fd(&mut self.ring)).map(|_| ())
    }

    /// Undoes [`register_ring_fd`](Self::register_ring_fd).
    pub fn unregister_ring_fd(&mut self) -> Result<(), RegisterError> {
        reg_result(register::ringfd::unregister_ring_fd(&mut self.ring)).map(|_| ())
    }

    /// Snapshots the current credentials; operations with
    /// `.personality(id)` run with them.
    pub fn register_personality(&mut self) -> Result<u16, RegisterError> {
        reg_result(register::notify::register_personality(&self.ring)).map(|id| id as u16)
    }

    /// Drops personality `id`.
    pub fn unregister_personality(&mut self, id: u16) -> Result<(), RegisterError> {
        reg_result(register::notify::unregister_personality(&self.ring, id as i32)).map(|_| ())
    }

    /// Installs restrictions on a ring created with
    /// [`Builder::r_disabled`](crate::Builder::r_disabled); then call
    /// [`enable_rings`](Self::enable_rings).
    ///
    /// ```
    /// use io_urine::{ops, Errno, IoUring, Restriction};
    /// let mut ring = IoUring::builder().r_disabled().build(4)?;
    /// ring.register_restrictions(&[Restriction::sqe_op(ops::Nop::CODE)])?;
    /// ring.enable_rings()?;
    /// ring.push(ops::Nop::new().user_data(1))?;
    /// ring.push(ops::Fsync::new(0).user_data(2))?; // not allowed
    /// ring.submit_and_wait(2)?;
    /// let mut res: Vec<_> = ring.completions().map(|c| (c.user_data(), c.res())).collect();
    /// res.sort();
    /// assert_eq!(res, [(1, 0), (2, -Errno::EACCES.raw())]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn register_restrictions(&mut self, res: &[Restriction]) -> Result<(), RegisterError> {
        let nr = u32::try_from(res.len()).map_err(|_| RegisterError::from_raw(-sys::errno::EINVAL))?;
        // SAFETY: Restriction is repr(transparent) over io_uring_restriction; `res` is
        // valid for `nr` entries, read by the kernel during the call.
        reg_result(unsafe {
            register::misc::register_restrictions(&self.ring, res.as_ptr() as *const io_uring_restriction, nr)
        })
        .map(|_| ())
    }

    /// Enables a ring created with [`Builder::r_disabled`](crate::Builder::r_disabled).
    pub fn enable_rings(&mut self) -> Result<(), RegisterError> {
        // SAFETY: ENABLE_RINGS takes no argument.
        reg_result(unsafe {
            crate::ring::do_register(&self.ring, sys::IORING_REGISTER_ENABLE_RINGS, core::ptr::null(), 0)
        })
        .map(|_| ())
    }

    /// Sets the maximum number of bounded / unbounded async workers (0 leaves one
    /// unchanged) and returns the previous limits.
    pub fn register_iowq_max_workers(&mut self, bounded: u32, unbounded: u32) -> Result<[u32; 2], RegisterError> {
        let mut v = [bounded, unbounded];
        reg_result(register::misc::register_iowq_max_workers(&self.ring, &mut v)).map(|_| v)
    }

    /// Which operations this ring's kernel supports.
    ///
    /// ```
    /// use io_urine::{ops, IoUring};
    /// let ring = IoUring::new(2)?;
    /// let probe = ring.probe()?;
    /// assert!(probe.is_supported(ops::Nop::CODE));
    /// assert!(!probe.is_supported(255));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn probe(&self) -> Result<Probe, RegisterError> {
        register::probe::get_probe_ring(&self.ring).map(|p| Probe { p }).map_err(RegisterError::from_raw)
    }
}

/// One ring restriction (`struct io_uring_restriction`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub struct Restriction(io_uring_restriction);

impl Restriction {
    fn new(opcode: u16, op: u8) -> Self {
        Restriction(io_uring_restriction { opcode, op, ..Default::default() })
    }

    /// Allow the `io_uring_register(2)` opcode `op`.
    pub fn register_op(op: u8) -> Self {
        Self::new(sys::IORING_RESTRICTION_REGISTER_OP, op)
    }

    /// Allow submissions of opcode `op` (e.g. `ops::Read::CODE`).
    pub fn sqe_op(op: u8) -> Self {
        Self::new(sys::IORING_RESTRICTION_SQE_OP, op)
    }

    /// Allow these `IOSQE_*` flags on submissions.
    pub fn sqe_flags_allowed(flags: super::SqeFlags) -> Self {
        Self::new(sys::IORING_RESTRICTION_SQE_FLAGS_ALLOWED, flags.bits())
    }

    /// Require these `IOSQE_*` flags on every submission.
    pub fn sqe_flags_required(flags: super::SqeFlags) -> Self {
        Self::new(sys::IORING_RESTRICTION_SQE_FLAGS_REQUIRED, flags.bits())
    }
}

/// The kernel's list of supported operations (`io_uring_probe`), in library-mapped
/// memory released on drop.
///
/// ```
/// use io_urine::{ops, Probe};
/// let probe = Probe::new()?;
/// assert!(probe.is_supported(ops::Read::CODE));
/// assert!(probe.last_op() >= ops::Read::CODE);
/// # Ok::<(), io_urine::RegisterError>(())
/// ```
pub struct Probe {
    p: *mut io_uring_probe,
}

// SAFETY: the probe is private read-only memory after creation.
unsafe impl Send for Probe {}
// SAFETY: as above; only read through &self.
unsafe impl Sync for Probe {}

impl Probe {
    /// Probes with a temporary ring.
    pub fn new() -> Result<Self, RegisterError> {
        register::probe::get_probe().map(|p| Probe { p }).map_err(RegisterError::from_raw)
    }

    /// True when the kernel supports opcode `op`.
    pub fn is_supported(&self, op: u8) -> bool {
        // SAFETY: `p` is a probe filled by the kernel, live until drop.
        unsafe { register::probe::opcode_supported(&*self.p, op as i32) }
    }

    /// The highest opcode the kernel knows.
    pub fn last_op(&self) -> u8 {
        // SAFETY: as above.
        unsafe { (*self.p).last_op }
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        // SAFETY: from get_probe(_ring), freed once.
        unsafe { register::probe::free_probe(self.p) };
    }
}

impl fmt::Debug for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Probe").field("last_op", &self.last_op()).finish()
    }
}
