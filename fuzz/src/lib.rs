//! What the ring fuzz targets share: the harmless file descriptors they operate on and
//! the ledger that checks every completion against what was submitted.

use std::collections::HashMap;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Descriptors no operation can do harm with: `/dev/null`, a memfd holding a few pages
/// of data, and a non-blocking eventfd. Opened once per process.
pub struct Fds {
    pub null: OwnedFd,
    pub memfd: OwnedFd,
    pub eventfd: OwnedFd,
}

/// Bytes written into the memfd at start-up, so reads return data.
pub const MEMFD_LEN: usize = 16384;

pub fn fds() -> &'static Fds {
    static FDS: OnceLock<Fds> = OnceLock::new();
    FDS.get_or_init(|| {
        let null = std::fs::OpenOptions::new().read(true).write(true).open("/dev/null").expect("/dev/null");
        // SAFETY: plain system calls; each returned fd is checked and owned below.
        let (memfd, eventfd) = unsafe {
            let m = libc::memfd_create(c"io_urine-fuzz".as_ptr(), libc::MFD_CLOEXEC);
            let e = libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK);
            assert!(m >= 0 && e >= 0, "memfd/eventfd");
            (OwnedFd::from_raw_fd(m), OwnedFd::from_raw_fd(e))
        };
        let data: Vec<u8> = (0..MEMFD_LEN).map(|i| i as u8).collect();
        // SAFETY: writes our own buffer to our own fd.
        let n = unsafe { libc::pwrite(memfd.as_raw_fd(), data.as_ptr().cast(), data.len(), 0) };
        assert_eq!(n, MEMFD_LEN as isize);
        Fds { null: null.into(), memfd, eventfd }
    })
}

impl Fds {
    /// Reads the eventfd's count back to zero, so polls for POLLIN wait again.
    pub fn reset_eventfd(&self) {
        let mut v = 0u64;
        // SAFETY: an 8-byte read into a local from our (non-blocking) eventfd.
        unsafe { libc::read(self.eventfd.as_raw_fd(), std::ptr::addr_of_mut!(v).cast(), 8) };
    }
}

/// The setup index (of `n`) for an input's setup byte: the SQPOLL setup at index `sqpoll`
/// only for 0xff, as its kernel thread spins for a tick after every input (on a shared
/// machine that was most of a run's CPU time); the others share the remaining values.
pub fn pick_setup(b: u8, n: usize, sqpoll: usize) -> usize {
    if b == 0xff {
        return sqpoll;
    }
    let i = b as usize % (n - 1);
    i + (i >= sqpoll) as usize
}

/// FUZZ_KEEP set (a diagnostic run): the ledger forgets nothing, and a CQE for a request
/// older than `HORIZON` is printed with what the ledger knew of it (a late completion of a
/// request still owed, or a second CQE for one already done).
fn keep_all() -> bool {
    static K: OnceLock<bool> = OnceLock::new();
    *K.get_or_init(|| std::env::var_os("FUZZ_KEEP").is_some())
}

/// How many `user_data` values back the ledger remembers.
const HORIZON: u64 = 4096;

/// How many completions a submission must produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Expect {
    /// Exactly one.
    Once,
    /// None or one (`IOSQE_CQE_SKIP_SUCCESS`, the target side of a message).
    AtMostOnce,
    /// Any number, the last one without `IORING_CQE_F_MORE` (multishot).
    Multi,
    /// As `Multi`, but possibly none (a multishot request in a link whose failure is
    /// not reported).
    MaybeMulti,
}

impl Expect {
    /// What a request expecting `self` may produce when its CQE may be skipped.
    pub fn skippable(self) -> Expect {
        match self {
            Expect::Once | Expect::AtMostOnce => Expect::AtMostOnce,
            Expect::Multi | Expect::MaybeMulti => Expect::MaybeMulti,
        }
    }
}

#[derive(Debug)]
struct Entry {
    expect: Expect,
    seen: u32,
    done: bool,
}

/// Every `user_data` submitted on one ring and the completions consumed for it.
///
/// `observe` checks a CQE the library handed out (it may be handed out again until it
/// is consumed); `consume` records it as reaped. Both fail on a completion nobody
/// submitted, a second completion of a single-shot request, or a padding entry.
#[derive(Debug, Default)]
pub struct Ledger {
    next: u64,
    entries: HashMap<u64, Entry>,
    /// The last id issued before the current input.
    mark: u64,
}

/// `user_data` bit of the completions a ring sends itself with `IORING_OP_MSG_RING`.
/// The target is named by fd number, so a message still in flight when its ring is torn
/// down may land on the ring set up next on that number, legitimately.
pub const MSG_BIT: u64 = 1 << 62;

/// Ids are unique across every ledger of the process; ids issued before the last
/// teardown of any ring may reach another ring as messages.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);
static TEARDOWN_MARK: AtomicU64 = AtomicU64::new(0);

impl Ledger {
    /// A fresh `user_data` (never 0, never liburing's reserved `u64::MAX`) expecting `e`.
    pub fn issue(&mut self, e: Expect) -> u64 {
        self.next = NEXT_ID.fetch_add(1, Ordering::Relaxed) + 1;
        let ud = self.next;
        self.entries.insert(ud, Entry { expect: e, seen: 0, done: false });
        ud
    }

    /// A fresh `user_data` for a message the ring sends itself (maybe none arrives).
    pub fn issue_msg(&mut self) -> u64 {
        let ud = self.issue(Expect::AtMostOnce);
        let e = self.entries.remove(&ud).expect("just issued");
        self.entries.insert(ud | MSG_BIT, e);
        ud | MSG_BIT
    }

    /// Relax what `ud` must produce (e.g. once the request turned out to be skippable).
    pub fn relax(&mut self, ud: u64, e: Expect) {
        if let Some(en) = self.entries.get_mut(&ud) {
            en.expect = e;
        }
    }

    /// The `user_data` issued `back` submissions ago (for cancel / remove targets).
    pub fn recent(&self, back: u8) -> u64 {
        self.next.saturating_sub(back as u64)
    }

    pub fn observe(&self, user_data: u64, res: i32, flags: u32) -> Result<(), String> {
        if flags & io_urine::sys::IORING_CQE_F_SKIP != 0 {
            return Err(format!("padding CQE reached the application: ud {user_data:#x} flags {flags:#x}"));
        }
        match self.entries.get(&user_data) {
            None if user_data & MSG_BIT != 0 && user_data & !MSG_BIT <= TEARDOWN_MARK.load(Ordering::Relaxed) => Ok(()),
            None if user_data > self.next.saturating_sub(HORIZON) => Err(format!(
                "CQE with user_data {user_data:#x} (res {res}, flags {flags:#x}) that was never submitted (next {:#x})",
                self.next
            )),
            None => Err(format!(
                "CQE with user_data {user_data:#x} (res {res}, flags {flags:#x}) from long ago, or never submitted (next {:#x})",
                self.next
            )),
            Some(e) if e.done => Err(format!("CQE for {user_data:#x} (res {res}, flags {flags:#x}) after its last one: {e:?}")),
            Some(_) => Ok(()),
        }
    }

    pub fn consume(&mut self, user_data: u64, res: i32, flags: u32) -> Result<(), String> {
        self.observe(user_data, res, flags)?;
        let Some(e) = self.entries.get_mut(&user_data) else {
            // A message an earlier ring on the same fd number sent itself.
            return Ok(());
        };
        if keep_all() && user_data & !MSG_BIT <= self.next.saturating_sub(HORIZON) {
            eprintln!(
                "FUZZ_KEEP: CQE {user_data:#x} res {res} flags {flags:#x} {} ids after it was issued: {e:?}",
                self.next - (user_data & !MSG_BIT)
            );
        }
        e.seen += 1;
        e.done = match e.expect {
            Expect::Once | Expect::AtMostOnce => true,
            Expect::Multi | Expect::MaybeMulti => flags & io_urine::sys::IORING_CQE_F_MORE == 0,
        };
        Ok(())
    }

    /// A new input begins.
    pub fn begin_input(&mut self) {
        self.mark = self.next;
    }

    /// True when a request of the current input has not completed, though it need not:
    /// it may still be armed (a multishot request after a skipping link head), and then
    /// completes when something cancels it, maybe many inputs later.
    pub fn undone_in_input(&self) -> bool {
        self.entries.iter().any(|(&ud, e)| ud & !MSG_BIT > self.mark && !e.done)
    }

    /// Requests still owing a completion.
    pub fn pending(&self) -> Vec<(u64, Expect)> {
        let mut v: Vec<_> = self
            .entries
            .iter()
            .filter(|(_, e)| !e.done && matches!(e.expect, Expect::Once | Expect::Multi))
            .map(|(&ud, e)| (ud, e.expect))
            .collect();
        v.sort_unstable();
        v
    }

    /// Forget requests so old that no completion for them can still be on its way.
    /// Recent ones stay, done or not: a request that may still complete (a skipped
    /// success, a buffer's release tag, a message) may do so after the next input began,
    /// and a stale CQE read again is reported as a second completion.
    pub fn retire(&mut self) {
        if keep_all() {
            return;
        }
        let horizon = self.next.saturating_sub(HORIZON);
        self.entries.retain(|&ud, _| ud & !MSG_BIT > horizon);
    }

    /// Forget everything (the ring was torn down).
    pub fn clear(&mut self) {
        TEARDOWN_MARK.fetch_max(NEXT_ID.load(Ordering::Relaxed), Ordering::Relaxed);
        self.entries.clear();
    }
}

/// Does this kernel republish a reaped CQE when a 32-byte CQE overflows at the wrap of a
/// CQE_MIXED ring (6.18 does)? Asked once, of the kernel itself (see
/// `io_urine::trace::diag::kernel_cqe_mixed_wrap_bug`: raw SQEs, enter and CQ reads).
pub fn kernel_cqe_mixed_wrap_bug() -> bool {
    static BUG: OnceLock<bool> = OnceLock::new();
    *BUG.get_or_init(|| io_urine::trace::diag::kernel_cqe_mixed_wrap_bug().unwrap_or(false))
}
