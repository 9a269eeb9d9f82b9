//! [`IoUring`]: an owned ring, and [`Builder`] for its setup flags.

use super::queue::{self, Completions};
use super::{Cqe, CqeGuard, EnterError, Features, InitError, PrepSqe, PushError, SafeOp, Sqe};
use crate::ring::{setup, Live};
use crate::sys::{self, io_uring, io_uring_params};
use core::ffi::c_void;
use core::fmt;
use core::time::Duration;

/// An io_uring instance: the submission and completion queues of one kernel ring.
///
/// It wraps the same `struct io_uring` the C API uses, and every call goes through the
/// same core; dropping it is `io_uring_queue_exit`.
///
/// ```
/// use io_urine::{ops, IoUring};
///
/// let mut ring = IoUring::new(8)?;
/// for i in 0..4 {
///     ring.push(ops::Nop::new().user_data(i))?;
/// }
/// assert_eq!(ring.submit_and_wait(4)?, 4);
/// let mut seen: Vec<u64> = ring.completions().map(|c| c.user_data()).collect();
/// seen.sort();
/// assert_eq!(seen, [0, 1, 2, 3]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct IoUring {
    pub(crate) ring: Live,
    /// This ring's identity: completions carry it, BufRings check it.
    pub(crate) id: u64,
    /// Provided-buffer ids handed to BufRings so far: each BufRing of the ring gets its
    /// own range, so a completion's buffer id names one buffer of one BufRing.
    pub(crate) bids_used: core::cell::Cell<u32>,
    /// Each submission slot's spare timespec (timeouts own theirs this way).
    pub(crate) slot_ts: super::slot_ts::SlotTs,
    #[cfg(feature = "alloc")]
    pub(crate) owned: super::owned::Slab,
}

// SAFETY: the ring's memory is process-wide mappings and a file descriptor; nothing in
// it is tied to the creating thread. Moving the whole ring to another thread is fine
// (rings set up with SINGLE_ISSUER/DEFER_TASKRUN then get EEXIST from the kernel when
// submitting from a different task, which is an error, not unsoundness).
unsafe impl Send for IoUring {}

impl IoUring {
    /// A ring with `entries` submission slots (rounded up to a power of two) and twice
    /// as many completion slots, with default setup flags.
    ///
    /// ```
    /// let ring = io_urine::IoUring::new(5)?;
    /// assert_eq!((ring.sq_entries(), ring.cq_entries()), (8, 16));
    /// # Ok::<(), io_urine::InitError>(())
    /// ```
    pub fn new(entries: u32) -> Result<Self, InitError> {
        Builder::new().build(entries)
    }

    /// A ring with `sq_entries` submission slots and `cq_entries` completion slots
    /// (`IORING_SETUP_CQSIZE`; `cq_entries` must be at least `sq_entries`).
    ///
    /// ```
    /// let ring = io_urine::IoUring::with_entries(4, 64)?;
    /// assert_eq!((ring.sq_entries(), ring.cq_entries()), (4, 64));
    /// assert!(io_urine::IoUring::with_entries(8, 4).is_err());
    /// # Ok::<(), io_urine::InitError>(())
    /// ```
    pub fn with_entries(sq_entries: u32, cq_entries: u32) -> Result<Self, InitError> {
        Builder::new().cq_entries(cq_entries).build(sq_entries)
    }

    /// A [`Builder`] for the other setup flags.
    pub fn builder() -> Builder {
        Builder::new()
    }

    fn from_params(entries: u32, p: &mut io_uring_params) -> Result<Self, InitError> {
        let mut ring = io_uring::zeroed();
        // SAFETY: no caller memory (NO_MMAP rings get library-allocated memory); `ring`
        // and `p` are valid for the call.
        let r = unsafe { setup::queue_init_params(entries, &mut ring, p, core::ptr::null_mut(), 0) };
        if r < 0 {
            return Err(InitError::from_raw(r));
        }
        // SAFETY: just set up by the library; IoUring keeps it unmodified until Drop.
        let mut ring = unsafe { Live::new(ring) }.ok_or(InitError::from_raw(-sys::errno::EINVAL))?;
        let slot_ts = match super::slot_ts::SlotTs::new(ring.sq.ring_entries) {
            Ok(t) => t,
            Err(e) => {
                // SAFETY: our ring, never used again.
                unsafe { setup::queue_exit(ring.raw_mut()) };
                return Err(InitError::from_raw(e));
            }
        };
        Ok(IoUring {
            ring,
            id: super::completion::new_ring_id(),
            bids_used: core::cell::Cell::new(0),
            slot_ts,
            #[cfg(feature = "alloc")]
            owned: super::owned::Slab::new(),
        })
    }

    /// Submission queue size.
    #[inline]
    pub fn sq_entries(&self) -> u32 {
        self.ring.sq.ring_entries
    }

    /// Completion queue size.
    #[inline]
    pub fn cq_entries(&self) -> u32 {
        self.ring.cq.ring_entries
    }

    /// The `IORING_SETUP_*` flags the ring was created with (including
    /// `IORING_SETUP_NO_SQARRAY`, which is tried by default as liburing does).
    #[inline]
    pub fn setup_flags(&self) -> u32 {
        self.ring.flags
    }

    /// What the kernel supports.
    #[inline]
    pub fn features(&self) -> Features {
        Features::from_bits_retain(self.ring.features)
    }

    /// True when the kernel reported every feature in `f`.
    #[inline]
    pub fn has_feature(&self, f: Features) -> bool {
        self.features().contains(f)
    }

    /// A free submission slot (reset to a `NOP`), or [`PushError::QueueFull`].
    ///
    /// ```
    /// use io_urine::{IoUring, PushError};
    /// let mut ring = IoUring::new(1)?;
    /// let _slot = ring.get_sqe()?;
    /// assert_eq!(ring.get_sqe().err(), Some(PushError::QueueFull));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn get_sqe(&mut self) -> Result<Sqe<'_>, PushError> {
        queue::get_sqe(&mut self.ring, &mut self.slot_ts)
    }

    /// A free 128-byte slot: the ring must use `SQE128` or `SQE_MIXED`.
    pub fn get_sqe128(&mut self) -> Result<Sqe<'_>, PushError> {
        queue::get_sqe128(&mut self.ring, &mut self.slot_ts)
    }

    /// Queues one operation (it is sent to the kernel by the next submit): a
    /// pointer-free operation ([`SafeOp`]) by reference, any other by value. An operation
    /// that carries pointers is consumed, so the promise its `unsafe` constructor made
    /// covers this one submission:
    ///
    /// ```
    /// use io_urine::{ops, IoUring};
    /// let mut ring = IoUring::new(4)?;
    /// let nop = ops::Nop::new().user_data(1);
    /// ring.push(&nop)?; // pointer-free: by reference, as often as you like
    /// ring.push(&nop)?;
    /// let mut buf = [0u8; 8];
    /// // SAFETY: `buf` is not touched until the read completes below.
    /// ring.push(unsafe { ops::Read::new(-1, buf.as_mut_ptr(), 8) }.user_data(2))?;
    /// ring.submit_and_wait(3)?;
    /// assert_eq!(ring.completions().count(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn push<O: PrepSqe>(&mut self, op: O) -> Result<(), PushError> {
        queue::push(&mut self.ring, &mut self.slot_ts, op)
    }

    /// Queues all of `ops`, or none of them when they do not all fit.
    ///
    /// ```
    /// use io_urine::{ops, IoUring};
    /// let mut ring = IoUring::new(4)?;
    /// assert!(ring.push_multiple(&[ops::Nop::new(); 5]).is_err());
    /// assert_eq!(ring.sq_ready(), 0);
    /// ring.push_multiple(&[ops::Nop::new(); 4])?;
    /// assert_eq!(ring.sq_ready(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_multiple<O: SafeOp>(&mut self, ops: &[O]) -> Result<(), PushError> {
        queue::push_multiple(&mut self.ring, &mut self.slot_ts, ops)
    }

    /// Sends queued submissions to the kernel; returns how many it took. Enters the
    /// kernel only when needed (never with SQPOLL while its thread is awake).
    #[inline]
    pub fn submit(&mut self) -> Result<u32, EnterError> {
        queue::submit(&mut self.ring)
    }

    /// Submits and waits until at least `want` completions are ready.
    #[inline]
    pub fn submit_and_wait(&mut self, want: u32) -> Result<u32, EnterError> {
        queue::submit_and_wait(&mut self.ring, want)
    }

    /// Submits and waits for `want` completions or until `timeout` passes
    /// ([`EnterError::is_timeout`] then). Returns how many SQEs were submitted.
    ///
    /// ```
    /// use io_urine::{ops, IoUring};
    /// use core::time::Duration;
    /// let mut ring = IoUring::new(4)?;
    /// ring.push(ops::Nop::new())?;
    /// assert_eq!(ring.submit_and_wait_timeout(1, Duration::from_secs(1))?, 1);
    /// assert_eq!(ring.cq_ready(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn submit_and_wait_timeout(&mut self, want: u32, timeout: Duration) -> Result<u32, EnterError> {
        queue::submit_and_wait_timeout(&mut self.ring, want, timeout)
    }

    /// Submits and always enters the kernel to flush pending completions (task work,
    /// overflow), as `io_uring_submit_and_get_events`.
    pub fn submit_and_get_events(&mut self) -> Result<u32, EnterError> {
        queue::submit_and_get_events(&mut self.ring)
    }

    /// With SQPOLL, waits until the kernel thread has freed a submission slot.
    pub fn sq_wait(&mut self) -> Result<(), EnterError> {
        queue::sq_wait(&self.ring)
    }

    #[inline(always)]
    fn guard(&mut self, how: queue::Wait) -> Result<CqeGuard<'_>, EnterError> {
        queue::guard(
            &mut self.ring,
            self.id,
            #[cfg(feature = "alloc")]
            Some(&mut self.owned),
            how,
        )
    }

    /// The next completion, if one is ready, as a [`CqeGuard`]: dropping it consumes
    /// that completion. Enters the kernel only to flush overflowed completions or reap
    /// polled I/O.
    #[inline]
    pub fn peek_cqe(&mut self) -> Option<CqeGuard<'_>> {
        self.guard(queue::Wait::Peek).ok()
    }

    /// The next completion, waiting for one if needed; consumed when the guard drops.
    #[inline]
    pub fn wait_cqe(&mut self) -> Result<CqeGuard<'_>, EnterError> {
        self.guard(queue::Wait::Nr(1))
    }

    /// Waits until `want` completions are ready and returns the first as a guard.
    pub fn wait_cqe_nr(&mut self, want: u32) -> Result<CqeGuard<'_>, EnterError> {
        self.guard(queue::Wait::Nr(want))
    }

    /// [`wait_cqe`](Self::wait_cqe) with a timeout ([`EnterError::is_timeout`] on expiry).
    pub fn wait_cqe_timeout(&mut self, timeout: Duration) -> Result<CqeGuard<'_>, EnterError> {
        self.guard(queue::Wait::Timeout(timeout, false))
    }

    /// Copies up to `out.len()` completions into `out` and consumes them, after
    /// waiting until at least `wait_nr` are ready (0: do not wait). The consumed slots
    /// are handed back with a single store of the CQ head, even across the ring's wrap.
    ///
    /// ```
    /// use io_urine::{ops, Cqe, IoUring};
    /// let mut ring = IoUring::new(32)?;
    /// let mut out = [Cqe::default(); 32];
    /// let mut total = 0;
    /// for round in 0..10u64 {
    ///     for i in 0..32 {
    ///         ring.push(ops::Nop::new().user_data(round * 32 + i))?;
    ///     }
    ///     ring.submit()?;
    ///     let n = ring.copy_cqes(&mut out, 32)?;
    ///     assert_eq!(n, 32);
    ///     assert!(out.iter().all(|c| c.user_data() / 32 == round));
    ///     total += n;
    /// }
    /// assert_eq!(total, 320);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn copy_cqes(&mut self, out: &mut [Cqe], wait_nr: u32) -> Result<usize, EnterError> {
        let n = queue::copy_cqes(&mut self.ring, out, wait_nr)?;
        #[cfg(feature = "alloc")]
        self.owned.completed_copies(&out[..n]);
        Ok(n)
    }

    /// Iterates over the completions that are ready now, consuming them; the CQ head
    /// is stored once, when the iterator is dropped.
    #[inline]
    pub fn completions(&mut self) -> Completions<'_> {
        Completions::new(
            &mut self.ring,
            self.id,
            #[cfg(feature = "alloc")]
            Some(&mut self.owned),
        )
    }

    /// Raw `io_uring_enter(2)` on this ring (the registered-ring flag is added when the
    /// ring fd is registered). Returns the kernel's count.
    ///
    /// ```
    /// use io_urine::{ops, IoUring};
    /// let mut ring = IoUring::new(4)?;
    /// ring.push(ops::Nop::new())?;
    /// // Publish the SQE without entering (SQPOLL-style), then enter by hand.
    /// assert_eq!(ring.sq_ready(), 1);
    /// ring.submit_and_wait(0)?;
    /// // SAFETY: a null argument with size 0 is always valid.
    /// let n = unsafe { ring.enter(0, 1, io_urine::sys::IORING_ENTER_GETEVENTS, core::ptr::null(), 0) }?;
    /// assert_eq!(n, 0);
    /// assert_eq!(ring.cq_ready(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Safety
    /// `arg`/`size` must be what `flags` makes the kernel read (a sigset, or an
    /// `io_uring_getevents_arg` with `IORING_ENTER_EXT_ARG`), valid for the call; and
    /// `to_submit` must not exceed what was queued and published.
    pub unsafe fn enter(
        &self,
        to_submit: u32,
        min_complete: u32,
        flags: u32,
        arg: *const c_void,
        size: usize,
    ) -> Result<u32, EnterError> {
        let flags = flags | crate::ring::ring_enter_flags(&self.ring);
        queue::enter_result(crate::ring::queue::enter(&self.ring, to_submit, min_complete, flags, arg, size))
    }

    /// Free submission slots.
    #[inline]
    pub fn sq_space_left(&self) -> u32 {
        queue::sq_space_left(&self.ring)
    }

    /// Queued submissions the kernel has not consumed yet.
    #[inline]
    pub fn sq_ready(&self) -> u32 {
        queue::sq_ready(&self.ring)
    }

    /// Completions ready to be consumed (slots, so a big CQE of a mixed ring counts 2).
    #[inline]
    pub fn cq_ready(&self) -> u32 {
        queue::cq_ready(&self.ring)
    }

    /// True when the kernel holds completions that did not fit in the CQ.
    pub fn cq_has_overflow(&self) -> bool {
        crate::ring::cq::cq_has_overflow(&self.ring)
    }

    /// Completions the kernel had to drop (only on kernels without `FEAT_NODROP`).
    pub fn cq_overflow_count(&self) -> u32 {
        self.ring.cq_koverflow()
    }

    /// Invalid SQEs the kernel dropped.
    pub fn sq_dropped(&self) -> u32 {
        self.ring.sq_kdropped()
    }

    /// Splits the ring into a submission half and a completion half that can be used
    /// on two threads at once (one producer, one consumer).
    ///
    /// ```
    /// use io_urine::{ops, IoUring};
    /// let mut ring = IoUring::new(16)?;
    /// let (mut sq, mut cq) = ring.split();
    /// std::thread::scope(|s| {
    ///     s.spawn(move || {
    ///         for i in 0..100u64 {
    ///             while sq.push(ops::Nop::new().user_data(i)).is_err() {
    ///                 sq.submit().unwrap();
    ///             }
    ///         }
    ///         sq.submit().unwrap();
    ///     });
    ///     let mut sum = 0;
    ///     for _ in 0..100 {
    ///         sum += cq.wait_cqe().unwrap().user_data();
    ///     }
    ///     assert_eq!(sum, 4950);
    /// });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn split(&mut self) -> (super::SubmissionQueue<'_>, super::CompletionQueue<'_>) {
        super::split::split(
            &mut self.ring,
            &mut self.slot_ts,
            #[cfg(feature = "alloc")]
            &mut self.owned,
            self.id,
        )
    }

    /// The ring's file descriptor.
    #[inline]
    pub fn as_raw_fd(&self) -> i32 {
        self.ring.ring_fd
    }

    /// The core's ring struct (liburing's `struct io_uring`).
    #[inline]
    pub fn as_raw(&self) -> &io_uring {
        &self.ring
    }

    /// The core's ring struct, mutable, for calling the core or C API directly.
    ///
    /// # Safety
    /// The ring must stay live (no `io_uring_queue_exit`, no re-init), its file
    /// descriptor must stay open, and whatever is submitted through it must follow the
    /// rules of [`PrepSqe`] (memory valid until completion, no reserved `user_data`).
    #[inline]
    pub unsafe fn as_raw_mut(&mut self) -> &mut io_uring {
        // SAFETY: forwarded: the caller keeps the ring live.
        unsafe { self.ring.raw_mut() }
    }
}

impl Drop for IoUring {
    fn drop(&mut self) {
        #[cfg(feature = "alloc")]
        self.owned.leak_in_flight();
        // SAFETY: our ring, set up in from_params; torn down once, never used again.
        unsafe { setup::queue_exit(self.ring.raw_mut()) };
    }
}

impl fmt::Debug for IoUring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IoUring")
            .field("fd", &self.ring.ring_fd)
            .field("sq_entries", &self.sq_entries())
            .field("cq_entries", &self.cq_entries())
            .field("flags", &format_args!("{:#x}", self.ring.flags))
            .field("features", &self.features())
            .finish()
    }
}

#[cfg(feature = "std")]
impl std::os::fd::AsRawFd for IoUring {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.ring.ring_fd
    }
}

#[cfg(feature = "std")]
impl std::os::fd::AsFd for IoUring {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        // SAFETY: the safe API never creates rings without a ring fd (no
        // REGISTERED_FD_ONLY) and never closes it before Drop, so it is open and not -1.
        unsafe { std::os::fd::BorrowedFd::borrow_raw(self.ring.ring_fd) }
    }
}

/// Setup flags and parameters for a new [`IoUring`]. Each method sets one
/// `IORING_SETUP_*` flag (and its parameter); the kernel validates the combination.
///
/// ```
/// use io_urine::IoUring;
/// let ring = IoUring::builder()
///     .single_issuer()
///     .defer_taskrun()
///     .cq_entries(256)
///     .build(32)?;
/// assert_eq!(ring.cq_entries(), 256);
/// assert_ne!(ring.setup_flags() & io_urine::sys::IORING_SETUP_DEFER_TASKRUN, 0);
/// # Ok::<(), io_urine::InitError>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Builder {
    params: io_uring_params,
}

impl Builder {
    /// No flags.
    pub fn new() -> Self {
        Builder::default()
    }

    #[inline]
    fn flag(mut self, f: u32) -> Self {
        self.params.flags |= f;
        self
    }

    /// `IORING_SETUP_CQSIZE`: `n` completion slots (at least the SQ size).
    pub fn cq_entries(mut self, n: u32) -> Self {
        self.params.cq_entries = n;
        self.flag(sys::IORING_SETUP_CQSIZE)
    }

    /// `IORING_SETUP_CLAMP`: clamp too-large sizes to the maximum instead of failing.
    pub fn clamp(self) -> Self {
        self.flag(sys::IORING_SETUP_CLAMP)
    }

    /// `IORING_SETUP_IOPOLL`: busy-poll for completions (O_DIRECT files on devices
    /// that support polling).
    pub fn iopoll(self) -> Self {
        self.flag(sys::IORING_SETUP_IOPOLL)
    }

    /// `IORING_SETUP_HYBRID_IOPOLL` (with [`iopoll`](Self::iopoll)): sleep before polling.
    pub fn hybrid_iopoll(self) -> Self {
        self.flag(sys::IORING_SETUP_HYBRID_IOPOLL)
    }

    /// `IORING_SETUP_SQPOLL`: a kernel thread consumes submissions; it sleeps after
    /// `idle_ms` milliseconds without work.
    ///
    /// ```
    /// use io_urine::{ops, IoUring};
    /// let mut ring = IoUring::builder().sqpoll(100).build(8)?;
    /// ring.push(ops::Nop::new().user_data(5))?;
    /// ring.submit()?;
    /// assert_eq!(ring.wait_cqe()?.user_data(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sqpoll(mut self, idle_ms: u32) -> Self {
        self.params.sq_thread_idle = idle_ms;
        self.flag(sys::IORING_SETUP_SQPOLL)
    }

    /// `IORING_SETUP_SQ_AFF`: pin the SQPOLL thread to `cpu` (with [`sqpoll`](Self::sqpoll)).
    pub fn sqpoll_cpu(mut self, cpu: u32) -> Self {
        self.params.sq_thread_cpu = cpu;
        self.flag(sys::IORING_SETUP_SQ_AFF)
    }

    /// `IORING_SETUP_SUBMIT_ALL`: keep submitting a batch after one SQE fails.
    pub fn submit_all(self) -> Self {
        self.flag(sys::IORING_SETUP_SUBMIT_ALL)
    }

    /// `IORING_SETUP_COOP_TASKRUN`: run completion task work only when entering.
    pub fn coop_taskrun(self) -> Self {
        self.flag(sys::IORING_SETUP_COOP_TASKRUN)
    }

    /// `IORING_SETUP_TASKRUN_FLAG`: flag pending task work in the SQ ring.
    pub fn taskrun_flag(self) -> Self {
        self.flag(sys::IORING_SETUP_TASKRUN_FLAG)
    }

    /// `IORING_SETUP_SQE128`: 128-byte SQEs (for `NOP128`, `URING_CMD128`, NVMe
    /// passthrough).
    pub fn sqe128(self) -> Self {
        self.flag(sys::IORING_SETUP_SQE128)
    }

    /// `IORING_SETUP_CQE32`: 32-byte CQEs (read with [`CqeGuard::cqe32`]).
    pub fn cqe32(self) -> Self {
        self.flag(sys::IORING_SETUP_CQE32)
    }

    /// `IORING_SETUP_SQE_MIXED`: 64-byte SQEs, with 128-byte ones taking two slots.
    pub fn sqe_mixed(self) -> Self {
        self.flag(sys::IORING_SETUP_SQE_MIXED)
    }

    /// `IORING_SETUP_CQE_MIXED`: 16-byte CQEs, with 32-byte ones taking two slots.
    pub fn cqe_mixed(self) -> Self {
        self.flag(sys::IORING_SETUP_CQE_MIXED)
    }

    /// `IORING_SETUP_SINGLE_ISSUER`: only the creating task submits.
    pub fn single_issuer(self) -> Self {
        self.flag(sys::IORING_SETUP_SINGLE_ISSUER)
    }

    /// `IORING_SETUP_DEFER_TASKRUN` (needs [`single_issuer`](Self::single_issuer)): run
    /// completion work only when the issuer waits.
    pub fn defer_taskrun(self) -> Self {
        self.flag(sys::IORING_SETUP_DEFER_TASKRUN)
    }

    /// `IORING_SETUP_NO_SQARRAY`: no SQ index array. Without this flag it is still
    /// tried first (liburing 2.15's default) and dropped if the kernel refuses it; with
    /// it, the kernel must accept it.
    pub fn no_sqarray(self) -> Self {
        self.flag(sys::IORING_SETUP_NO_SQARRAY)
    }

    /// `IORING_SETUP_NO_MMAP`: the library allocates the ring memory itself (one page
    /// or huge page per region) instead of mapping the kernel's.
    pub fn no_mmap(self) -> Self {
        self.flag(sys::IORING_SETUP_NO_MMAP)
    }

    /// `IORING_SETUP_R_DISABLED`: start disabled (register restrictions, then
    /// [`IoUring::enable_rings`]).
    pub fn r_disabled(self) -> Self {
        self.flag(sys::IORING_SETUP_R_DISABLED)
    }

    /// `IORING_SETUP_ATTACH_WQ`: share the async worker pool of `other`.
    ///
    /// ```
    /// use io_urine::IoUring;
    /// let first = IoUring::new(4)?;
    /// let second = IoUring::builder().attach_wq(&first).build(4)?;
    /// assert_ne!(second.setup_flags() & io_urine::sys::IORING_SETUP_ATTACH_WQ, 0);
    /// # Ok::<(), io_urine::InitError>(())
    /// ```
    pub fn attach_wq(self, other: &IoUring) -> Self {
        self.attach_wq_fd(other.ring.ring_fd)
    }

    /// `IORING_SETUP_ATTACH_WQ` with the other ring given by file descriptor.
    pub fn attach_wq_fd(mut self, fd: i32) -> Self {
        self.params.wq_fd = fd as u32;
        self.flag(sys::IORING_SETUP_ATTACH_WQ)
    }

    /// Adds raw `IORING_SETUP_*` bits (for flags newer than this builder).
    /// `IORING_SETUP_REGISTERED_FD_ONLY` is refused at [`build`](Self::build): the safe
    /// API keeps a real ring fd.
    pub fn setup_flags(self, flags: u32) -> Self {
        self.flag(flags)
    }

    /// Creates the ring with `entries` submission slots.
    pub fn build(&self, entries: u32) -> Result<IoUring, InitError> {
        if self.params.flags & sys::IORING_SETUP_REGISTERED_FD_ONLY != 0 {
            return Err(InitError::from_raw(-sys::errno::EINVAL));
        }
        let mut p = self.params;
        IoUring::from_params(entries, &mut p)
    }
}
