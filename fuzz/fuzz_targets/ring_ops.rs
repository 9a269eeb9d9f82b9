//! Ring-operation sequences on a real ring, through the C ABI functions.
//!
//! The input picks a setup (one of `CONFIGS`) and a sequence of steps: get an SQE and
//! prepare a harmless operation (NOPs, reads and writes on /dev/null and a memfd, polls
//! on an eventfd, timeouts, cancels, messages to the ring itself, fixed buffers and
//! files, provided buffers), submit, peek, wait with a zero timeout, mark seen, advance,
//! peek in batches, iterate, register and unregister buffers, files, eventfds, buffer
//! rings and the ring fd, resize, exit and set up again. After every step:
//! `sq_ready + sq_space_left == sq entries`, `cq_ready <= cq entries`; every CQE handed
//! out carries a `user_data` that was submitted (once, for single-shot requests) and is
//! never the kernel's padding entry. At the end every request must have completed.
//!
//! Rings are kept between inputs (one per setup, at most `CONFIGS.len()`), drained and
//! stripped of registrations after each input, so a long run opens no more of them.
#![no_main]

use io_urine::capi::{buf_ring::*, prep::*, queue::*, register::*, setup::*};
use io_urine::sys::{self, __kernel_timespec, io_uring, io_uring_buf_ring, io_uring_cqe, io_uring_params, iovec};
use io_urine_fuzz::{fds, kernel_cqe_mixed_wrap_bug, pick_setup, Expect, Ledger, MEMFD_LEN};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::os::fd::AsRawFd;
use std::ptr;
use std::time::{Duration, Instant};

const SQ_REWIND: u32 = 1 << 20;

/// FUZZ_TRACE set: every step, every CQE consumed, and on a failure the raw CQ slots.
fn trace() -> bool {
    static T: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *T.get_or_init(|| std::env::var_os("FUZZ_TRACE").is_some())
}
const CQSIZE: u32 = sys::IORING_SETUP_CQSIZE;
const DEFER: u32 = sys::IORING_SETUP_SINGLE_ISSUER | sys::IORING_SETUP_DEFER_TASKRUN;

/// (SQ entries, CQ entries or 0, setup flags).
const CONFIGS: &[(u32, u32, u32)] = &[
    (8, 0, 0),
    (1, 0, 0),
    (4, 4, CQSIZE),
    (2, 2, CQSIZE | sys::IORING_SETUP_CLAMP),
    (4, 4, CQSIZE | sys::IORING_SETUP_CQE_MIXED),
    (4, NEVER_FULL_CQ, CQSIZE | sys::IORING_SETUP_CQE_MIXED),
    (8, 16, CQSIZE | sys::IORING_SETUP_CQE_MIXED | sys::IORING_SETUP_SQE_MIXED),
    (8, 0, sys::IORING_SETUP_SQE128),
    (8, 0, sys::IORING_SETUP_CQE32),
    (4, 0, sys::IORING_SETUP_SQE_MIXED),
    (8, 0, sys::IORING_SETUP_NO_SQARRAY),
    (8, 0, DEFER),
    (4, 8, DEFER | CQSIZE | sys::IORING_SETUP_CQE_MIXED),
    (8, 0, sys::IORING_SETUP_COOP_TASKRUN | sys::IORING_SETUP_TASKRUN_FLAG),
    (4, 0, sys::IORING_SETUP_SUBMIT_ALL | sys::IORING_SETUP_NO_SQARRAY),
    (8, 0, sys::IORING_SETUP_R_DISABLED),
    (8, 0, sys::IORING_SETUP_NO_MMAP),
    (4, 0, sys::IORING_SETUP_SQPOLL),
    (8, 0, SQ_REWIND | sys::IORING_SETUP_NO_SQARRAY),
    (8, 0, sys::IORING_SETUP_IOPOLL),
    (2, 4, DEFER | CQSIZE | sys::IORING_SETUP_NO_SQARRAY | sys::IORING_SETUP_SQE128 | sys::IORING_SETUP_CQE32),
];

const MAX_STEPS: usize = 64;
/// The end-of-input sweep stops after this many cancels in a row found nothing, with an
/// enter before each (it runs task work: 20 items at most on a DEFER_TASKRUN ring since
/// 6.13). A link chain between two hops sits in task work, where no cancel sees it, until
/// an enter moves it on. (An IO_DRAIN NOP cannot serve as the barrier: once a ring has seen
/// IOSQE_CQE_SKIP_SUCCESS the kernel fails drained requests with -EOPNOTSUPP.)
const QUIET_SWEEPS: usize = 12;
/// CQ entries one input cannot fill: at most 64 steps, so about a thousand CQEs at worst
/// (32 multishot polls woken by 32 eventfd writes), each at most two slots and a padding
/// entry, and every input ends with the CQ reaped empty.
const NEVER_FULL_CQ: u32 = 4096;
const BUF_SIZE: usize = 4096;
const NR_BUFS: usize = 8;
const NR_PBUFS: usize = 16;

#[derive(Arbitrary, Debug, Clone)]
enum SqeOp {
    Nop,
    NopInject(u8),
    NopCqe32,
    Nop128,
    ReadNull(u8),
    WriteNull(u8),
    ReadMemfd(u8, u8),
    WriteMemfd(u8, u8),
    ReadFixed(u8, u8),
    WriteFixed(u8, u8),
    ReadFixedFile(u8),
    ReadProvided(u8),
    Fsync,
    Poll(bool),
    PollMulti,
    EventfdWrite,
    Timeout(u8, u8),
    TimeoutRemove(u8),
    LinkTimeout(u8),
    Cancel(u8),
    CancelAll,
    MsgRingSelf,
}

#[derive(Arbitrary, Debug, Clone)]
enum Step {
    Sqe(SqeOp, u8),
    Submit,
    SubmitAndGetEvents,
    GetEvents,
    Peek(bool),
    WaitZero(u8, bool),
    SubmitWaitZero(u8),
    Seen,
    PeekBatch(u8, bool),
    Iter(u8, bool),
    RegisterBuffers(u8, bool, bool),
    UpdateBuffer(u8, bool),
    UnregisterBuffers,
    RegisterFiles(u8, bool),
    UpdateFile(u8, u8),
    UnregisterFiles,
    SetupBufRing(bool, u8, bool, bool),
    BufRingAdd(bool, u8),
    BufRingAvailable(bool),
    FreeBufRing(bool),
    Resize(u8, u8),
    ExitReinit,
    EnableRings,
    RegisterRingFd(bool),
    RegisterEventfd(bool),
    UnregisterEventfd,
    EventfdToggle(bool),
}

#[derive(Arbitrary, Debug)]
struct Input {
    config: u8,
    steps: Vec<Step>,
}

/// Memory the kernel may read or write for a ring's requests; never freed (requests
/// still in flight when a ring is torn down may touch it).
struct Scratch {
    bufs: [[u8; BUF_SIZE]; NR_BUFS],
    pbufs: [[u8; 256]; NR_PBUFS],
    ts: [__kernel_timespec; 64],
    one: u64,
}

struct BufRingSlot {
    br: *mut io_uring_buf_ring,
    entries: u32,
    added: u16,
}

struct Slot {
    config: usize,
    ring: Box<io_uring>,
    live: bool,
    ledger: Ledger,
    scratch: &'static mut Scratch,
    ts_next: usize,
    bufs_registered: bool,
    files_registered: bool,
    eventfd_registered: bool,
    ring_fd_registered: bool,
    bufrings: [Option<BufRingSlot>; 2],
    /// An earlier request of the current link chain skips its success CQE.
    chain_skips: bool,
    /// The steps of the previous input run on this ring.
    prev: Vec<Step>,
    /// The ring no longer has its configured sizes.
    resized: bool,
    enabled: bool,
}

static SCRATCHES: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::new(Vec::new());

thread_local! {
    /// Per setup: not tried yet (None), refused by this kernel (Some(None)), or the ring.
    static SLOTS: RefCell<Vec<Option<Option<Slot>>>> = RefCell::new((0..CONFIGS.len()).map(|_| None).collect());
}

impl Slot {
    fn new(config: usize) -> Option<Slot> {
        let scratch = Box::leak(Box::new(Scratch {
            bufs: [[0; BUF_SIZE]; NR_BUFS],
            pbufs: [[0; 256]; NR_PBUFS],
            ts: [__kernel_timespec::default(); 64],
            one: 1,
        }));
        // Reachable from a static, so that LeakSanitizer does not report it at exit
        // (the thread-local slots are destroyed before its final check).
        SCRATCHES.lock().unwrap().push(scratch as *mut Scratch as usize);
        // SAFETY: an all-zero struct io_uring is the "not set up" state.
        let ring = Box::new(unsafe { std::mem::zeroed::<io_uring>() });
        let mut s = Slot {
            config,
            ring,
            live: false,
            ledger: Ledger::default(),
            scratch,
            ts_next: 0,
            bufs_registered: false,
            files_registered: false,
            eventfd_registered: false,
            ring_fd_registered: false,
            bufrings: [None, None],
            resized: false,
            enabled: false,
            chain_skips: false,
            prev: Vec::new(),
        };
        s.init().then_some(s)
    }

    fn init(&mut self) -> bool {
        let (entries, cq, flags) = CONFIGS[self.config];
        let mut p = io_uring_params { flags, cq_entries: cq, sq_thread_idle: 1, ..Default::default() };
        // SAFETY: our ring struct, not live.
        let ret = unsafe { io_uring_queue_init_params(entries, &mut *self.ring, &mut p) };
        self.live = ret == 0;
        self.enabled = flags & sys::IORING_SETUP_R_DISABLED == 0;
        self.resized = false;
        self.chain_skips = false;
        self.live
    }

    fn exit(&mut self) {
        for w in 0..2 {
            if let Some(b) = self.bufrings[w].take() {
                // SAFETY: a buffer ring io_uring_setup_buf_ring made on this live ring.
                let ret = unsafe { io_uring_free_buf_ring(&mut *self.ring, b.br, b.entries, w as i32) };
                assert_eq!(ret, 0, "free_buf_ring of a ring setup_buf_ring made");
            }
        }
        // SAFETY: our ring (exit is safe on a ring that is not live).
        unsafe { io_uring_queue_exit(&mut *self.ring) };
        self.live = false;
        self.ledger.clear();
        self.bufs_registered = false;
        self.files_registered = false;
        self.eventfd_registered = false;
        self.ring_fd_registered = false;
    }

    fn r(&mut self) -> *mut io_uring {
        &mut *self.ring
    }

    fn timespec(&mut self, us: u8) -> *const __kernel_timespec {
        let i = self.ts_next % self.scratch.ts.len();
        self.ts_next += 1;
        // Short: the end of every input waits for them.
        self.scratch.ts[i] = __kernel_timespec { tv_sec: 0, tv_nsec: (us % 32) as i64 * 1000 };
        &self.scratch.ts[i]
    }

    /// Panics with `what`, the ring's state and the previous input run on this ring (a
    /// failure may depend on what that left behind).
    fn fail(&self, what: &str) -> ! {
        let r = &*self.ring;
        // SAFETY: live ring: the indices are mapped.
        let (sh, st, ch, ct) = unsafe { (*r.sq.khead, *r.sq.ktail, *r.cq.khead, *r.cq.ktail) };
        if trace() {
            for i in 0..r.cq.ring_entries as usize {
                // SAFETY: the mapped CQ slots.
                let c = unsafe { &*r.cq.cqes.add(i) };
                eprintln!("  slot {i}: ud {:#x} res {} flags {:#x}", c.user_data, c.res, c.flags);
            }
        }
        panic!(
            "{what}\n  ring {:?}: sq {}/{} head {sh} tail {st} sqe_head {} sqe_tail {}; cq {} head {ch} tail {ct}\n  \
             previous input on this ring: {:?}",
            CONFIGS[self.config],
            r.sq.ring_entries,
            r.flags,
            r.sq.sqe_head,
            r.sq.sqe_tail,
            r.cq.ring_entries,
            self.prev
        );
    }

    /// The invariants that hold after every step.
    fn check(&mut self) {
        let r = self.r();
        // SAFETY: live ring.
        unsafe {
            let sqe_entries = (*r).sq.ring_entries;
            let cqe_entries = (*r).cq.ring_entries;
            let ready = io_uring_sq_ready(r);
            let left = io_uring_sq_space_left(r);
            if (*r).flags & sys::IORING_SETUP_SQPOLL == 0 {
                assert_eq!(ready + left, sqe_entries, "sq_ready {ready} + sq_space_left {left} != {sqe_entries}");
            } else {
                // The SQ thread moves the head between the two reads.
                assert!(ready <= sqe_entries && left <= sqe_entries, "sq_ready {ready}, space_left {left}");
            }
            let cready = io_uring_cq_ready(r);
            assert!(cready <= cqe_entries, "cq_ready {cready} > {cqe_entries}");
        }
    }

    fn observe(&self, cqe: *const io_uring_cqe) {
        // SAFETY: a CQE the library handed out.
        let c = unsafe { &*cqe };
        if let Err(e) = self.ledger.observe(c.user_data, c.res, c.flags) {
            self.fail(&e);
        }
    }

    fn consume(&mut self, cqe: *const io_uring_cqe) {
        // SAFETY: a CQE the library handed out.
        let c = unsafe { &*cqe };
        let (ud, res, flags) = (c.user_data, c.res, c.flags);
        if trace() {
            // The 16-byte slot index in the CQ.
            let slot = (cqe as usize - self.ring.cq.cqes as usize) / 16;
            eprintln!("  consume ud {ud:#x} res {res} flags {flags:#x} slot {slot}");
        }
        if let Err(e) = self.ledger.consume(ud, res, flags) {
            self.fail(&e);
        }
    }

    /// Reap everything visible with peek + seen; returns how many.
    fn reap_all(&mut self) -> u32 {
        let r = self.r();
        let mut n = 0;
        loop {
            let mut cqe = ptr::null_mut();
            // SAFETY: live ring, valid out pointer.
            if unsafe { io_uring_peek_cqe(r, &mut cqe) } != 0 || cqe.is_null() {
                return n;
            }
            self.consume(cqe);
            // SAFETY: the CQE peek returned.
            unsafe { io_uring_cqe_seen(r, cqe) };
            n += 1;
            self.check();
        }
    }

    fn sqe(&mut self, op: &SqeOp, flags: u8) {
        let r = self.r();
        let f = fds();
        // Flags that change nothing about what is safe to run; FIXED_FILE and
        // BUFFER_SELECT come with the operations that need them.
        let mut sqe_flags = flags as u32
            & (sys::IOSQE_IO_LINK
                | sys::IOSQE_IO_HARDLINK
                | sys::IOSQE_ASYNC
                | sys::IOSQE_CQE_SKIP_SUCCESS
                | sys::IOSQE_IO_DRAIN) as u32;
        // SAFETY: live ring.
        let sqe = unsafe {
            if matches!(op, SqeOp::Nop128) {
                io_uring_get_sqe128(r)
            } else {
                io_uring_get_sqe(r)
            }
        };
        if sqe.is_null() {
            return;
        }
        let linked = sqe_flags & (sys::IOSQE_IO_LINK | sys::IOSQE_IO_HARDLINK) as u32 != 0;
        let skip = sqe_flags & sys::IOSQE_CQE_SKIP_SUCCESS as u32 != 0;
        // A link whose head asked to skip successes fails silently: the kernel posts
        // no CQE for the requests it cancels after a failure (REQ_F_SKIP_LINK_CQES).
        let after_skipper = self.chain_skips;
        let mut expect = Expect::Once;
        self.chain_skips = linked && (skip || after_skipper);
        let memfd = f.memfd.as_raw_fd();
        let sc: *mut Scratch = &mut *self.scratch;
        let buf = |i: u8| (i as usize) % NR_BUFS;
        // SAFETY (the whole match): `sqe` is the ring's; every buffer, timespec and fd
        // named lives for the rest of the process.
        unsafe {
            match *op {
                SqeOp::Nop => io_uring_prep_nop(sqe),
                SqeOp::NopInject(v) => {
                    io_uring_prep_nop(sqe);
                    (*sqe).op_flags = sys::IORING_NOP_INJECT_RESULT;
                    (*sqe).len = (-(v as i32 % 40)) as u32;
                }
                SqeOp::NopCqe32 => {
                    io_uring_prep_nop(sqe);
                    if self.cqe32_allowed() {
                        (*sqe).op_flags = sys::IORING_NOP_CQE32;
                    }
                }
                SqeOp::Nop128 => io_uring_prep_nop128(sqe),
                SqeOp::ReadNull(n) => {
                    io_uring_prep_read(sqe, f.null.as_raw_fd(), (*sc).bufs[0].as_mut_ptr().cast(), n as u32, 0)
                }
                SqeOp::WriteNull(n) => {
                    io_uring_prep_write(sqe, f.null.as_raw_fd(), (*sc).bufs[1].as_ptr().cast(), n as u32, 0)
                }
                SqeOp::ReadMemfd(n, off) => io_uring_prep_read(
                    sqe,
                    memfd,
                    (*sc).bufs[2].as_mut_ptr().cast(),
                    n as u32 * 16,
                    (off as u64 * 64) % MEMFD_LEN as u64,
                ),
                SqeOp::WriteMemfd(n, off) => io_uring_prep_write(
                    sqe,
                    memfd,
                    (*sc).bufs[3].as_ptr().cast(),
                    n as u32,
                    (off as u64 * 64) % MEMFD_LEN as u64,
                ),
                SqeOp::ReadFixed(i, n) => io_uring_prep_read_fixed(
                    sqe,
                    memfd,
                    (*sc).bufs[buf(i)].as_mut_ptr().cast(),
                    n as u32 * 16,
                    0,
                    (i % (NR_BUFS as u8 + 1)) as i32,
                ),
                SqeOp::WriteFixed(i, n) => io_uring_prep_write_fixed(
                    sqe,
                    memfd,
                    (*sc).bufs[buf(i)].as_ptr().cast(),
                    n as u32,
                    0,
                    (i % (NR_BUFS as u8 + 1)) as i32,
                ),
                SqeOp::ReadFixedFile(i) => {
                    io_uring_prep_read(sqe, (i % 5) as i32, (*sc).bufs[4].as_mut_ptr().cast(), 64, 0);
                    sqe_flags |= sys::IOSQE_FIXED_FILE as u32;
                }
                SqeOp::ReadProvided(g) => {
                    io_uring_prep_read(sqe, memfd, ptr::null_mut(), 200, (g as u64 * 8) % MEMFD_LEN as u64);
                    (*sqe).buf_index = (g % 3) as u16;
                    sqe_flags |= sys::IOSQE_BUFFER_SELECT as u32;
                }
                SqeOp::Fsync => io_uring_prep_fsync(sqe, memfd, 0),
                SqeOp::Poll(out) => io_uring_prep_poll_add(
                    sqe,
                    f.eventfd.as_raw_fd(),
                    if out { libc::POLLOUT as u32 } else { libc::POLLIN as u32 },
                ),
                SqeOp::PollMulti => {
                    io_uring_prep_poll_multishot(sqe, f.eventfd.as_raw_fd(), libc::POLLIN as u32);
                    expect = Expect::Multi;
                }
                SqeOp::EventfdWrite => {
                    io_uring_prep_write(sqe, f.eventfd.as_raw_fd(), ptr::addr_of!((*sc).one).cast(), 8, 0)
                }
                SqeOp::Timeout(us, count) => {
                    let ts = self.timespec(us);
                    io_uring_prep_timeout(sqe, ts, (count % 4) as u32, 0)
                }
                SqeOp::TimeoutRemove(back) => io_uring_prep_timeout_remove(sqe, self.ledger.recent(back % 8), 0),
                SqeOp::LinkTimeout(us) => {
                    let ts = self.timespec(us);
                    io_uring_prep_link_timeout(sqe, ts, 0)
                }
                SqeOp::Cancel(back) => io_uring_prep_cancel64(sqe, self.ledger.recent(back % 8), 0),
                SqeOp::CancelAll => {
                    io_uring_prep_cancel64(sqe, 0, (sys::IORING_ASYNC_CANCEL_ALL | sys::IORING_ASYNC_CANCEL_ANY) as i32)
                }
                SqeOp::MsgRingSelf => {
                    // The message is a second completion, on this ring, with its own
                    // user_data; it is not posted if the send fails.
                    let target = self.ledger.issue_msg();
                    io_uring_prep_msg_ring(sqe, (*r).ring_fd, 7, target, 0)
                }
            }
            // A skipped success, or a cancellation after a skipping request's failure.
            if after_skipper || (skip && !matches!(op, SqeOp::NopInject(v) if v % 40 != 0)) {
                expect = expect.skippable();
            }
            let ud = self.ledger.issue(expect);
            io_uring_sqe_set_flags(sqe, sqe_flags);
            io_uring_sqe_set_data64(sqe, ud);
        }
    }

    /// Whether a NOP may ask for a 32-byte CQE. Not on a CQE_MIXED ring that can overflow,
    /// on a kernel that then republishes a reaped CQE (`kernel_cqe_mixed_wrap_bug`): the
    /// NOP gets a 16-byte CQE there, and the ring with `NEVER_FULL_CQ` entries covers
    /// 32-byte CQEs and their padding at the wrap.
    fn cqe32_allowed(&self) -> bool {
        let r = &*self.ring;
        r.flags & sys::IORING_SETUP_CQE_MIXED == 0 || r.cq.ring_entries >= NEVER_FULL_CQ || !kernel_cqe_mixed_wrap_bug()
    }

    fn step(&mut self, step: &Step) {
        if trace() {
            let r = &*self.ring;
            // SAFETY: live ring.
            let (ch, ct, of) = unsafe { (*r.cq.khead, *r.cq.ktail, *r.sq.kflags) };
            eprintln!("step {step:?} cq head {ch} tail {ct} sqflags {of:#x}");
        }
        let r = self.r();
        let f = fds();
        // SAFETY (the whole match): `r` is this slot's live ring; arguments are ours.
        unsafe {
            match *step {
                Step::Sqe(ref op, flags) => self.sqe(op, flags),
                Step::Submit => {
                    io_uring_submit(r);
                }
                Step::SubmitAndGetEvents => {
                    io_uring_submit_and_get_events(r);
                }
                Step::GetEvents => {
                    io_uring_get_events(r);
                }
                Step::Peek(seen) => {
                    let mut cqe = ptr::null_mut();
                    if io_uring_peek_cqe(r, &mut cqe) == 0 {
                        assert!(!cqe.is_null());
                        if seen {
                            self.consume(cqe);
                            io_uring_cqe_seen(r, cqe);
                        } else {
                            self.observe(cqe);
                        }
                    }
                }
                Step::WaitZero(nr, seen) => {
                    let mut cqe = ptr::null_mut();
                    let mut ts = __kernel_timespec::default();
                    if io_uring_wait_cqes(r, &mut cqe, (nr % 4) as u32, &mut ts, ptr::null_mut()) == 0 && !cqe.is_null()
                    {
                        if seen {
                            self.consume(cqe);
                            io_uring_cqe_seen(r, cqe);
                        } else {
                            self.observe(cqe);
                        }
                    }
                }
                Step::SubmitWaitZero(nr) => {
                    let mut cqe = ptr::null_mut();
                    let mut ts = __kernel_timespec::default();
                    let ret = io_uring_submit_and_wait_timeout(r, &mut cqe, (nr % 4) as u32, &mut ts, ptr::null_mut());
                    if ret >= 0 && !cqe.is_null() {
                        self.observe(cqe);
                    }
                }
                Step::Seen => {
                    let mut cqe = ptr::null_mut();
                    if io_uring_peek_cqe(r, &mut cqe) == 0 && !cqe.is_null() {
                        self.consume(cqe);
                        io_uring_cqe_seen(r, cqe);
                    }
                }
                Step::PeekBatch(n, advance) => {
                    let mut cqes = [ptr::null_mut::<io_uring_cqe>(); 32];
                    let want = (n as usize % 33) as u32;
                    let got = io_uring_peek_batch_cqe(r, cqes.as_mut_ptr(), want);
                    assert!(got <= want, "peek_batch returned {got} > {want}");
                    let mut slots = 0;
                    for &c in &cqes[..got as usize] {
                        if advance {
                            self.consume(c);
                        } else {
                            self.observe(c);
                        }
                        slots += io_uring_cqe_nr(c);
                    }
                    assert!(slots <= io_uring_cq_ready(r), "batch of {slots} slots > cq_ready");
                    if advance {
                        io_uring_cq_advance(r, slots);
                    }
                }
                Step::Iter(n, advance) => {
                    let mut it = io_uring_cqe_iter_init(r);
                    let start = it.head;
                    let mut cqe = ptr::null_mut();
                    let mut k = 0;
                    while k < n % 32 && io_uring_cqe_iter_next(&mut it, &mut cqe) {
                        // The iterator hands out the kernel's padding entries (as
                        // liburing's does); the application skips them.
                        if (*cqe).flags & sys::IORING_CQE_F_SKIP == 0 {
                            if advance {
                                self.consume(cqe);
                            } else {
                                self.observe(cqe);
                            }
                        }
                        k += 1;
                    }
                    if advance {
                        io_uring_cq_advance(r, it.head.wrapping_sub(start));
                    }
                }
                Step::RegisterBuffers(n, sparse, tagged) => {
                    let n = (n as usize % NR_BUFS) + 1;
                    let ret = if sparse {
                        io_uring_register_buffers_sparse(r, n as u32)
                    } else {
                        let iov: Vec<iovec> = (0..n)
                            .map(|i| iovec { iov_base: self.scratch.bufs[i].as_mut_ptr().cast(), iov_len: BUF_SIZE })
                            .collect();
                        if tagged {
                            let tags: Vec<u64> = (0..n).map(|_| self.ledger.issue(Expect::AtMostOnce)).collect();
                            io_uring_register_buffers_tags(r, iov.as_ptr(), tags.as_ptr(), n as u32)
                        } else {
                            io_uring_register_buffers(r, iov.as_ptr(), n as u32)
                        }
                    };
                    self.bufs_registered |= ret == 0;
                }
                Step::UpdateBuffer(i, tagged) => {
                    let i = i as usize % NR_BUFS;
                    let iov = iovec { iov_base: self.scratch.bufs[i].as_mut_ptr().cast(), iov_len: BUF_SIZE };
                    let tag = if tagged { self.ledger.issue(Expect::AtMostOnce) } else { 0 };
                    io_uring_register_buffers_update_tag(r, i as u32, &iov, &tag, 1);
                }
                Step::UnregisterBuffers => {
                    io_uring_unregister_buffers(r);
                    self.bufs_registered = false;
                }
                Step::RegisterFiles(n, sparse) => {
                    let n = (n % 5) as u32 + 1;
                    let set = [f.null.as_raw_fd(), f.memfd.as_raw_fd(), f.eventfd.as_raw_fd(), -1, f.memfd.as_raw_fd()];
                    let ret = if sparse {
                        io_uring_register_files_sparse(r, n)
                    } else {
                        io_uring_register_files(r, set.as_ptr(), n)
                    };
                    self.files_registered |= ret == 0;
                }
                Step::UpdateFile(i, which) => {
                    let set = [f.null.as_raw_fd(), f.memfd.as_raw_fd(), f.eventfd.as_raw_fd(), -1];
                    let fd = set[which as usize % set.len()];
                    io_uring_register_files_update(r, (i % 6) as u32, &fd, 1);
                }
                Step::UnregisterFiles => {
                    io_uring_unregister_files(r);
                    self.files_registered = false;
                }
                Step::SetupBufRing(which, log2, inc, mmap) => {
                    let w = which as usize;
                    if self.bufrings[w].is_some() {
                        return;
                    }
                    let entries = 1u32 << (log2 % 5);
                    let flags = if inc { sys::IOU_PBUF_RING_INC as u32 } else { 0 }
                        | if mmap { sys::IOU_PBUF_RING_MMAP as u32 } else { 0 };
                    let mut err = 0;
                    let br = io_uring_setup_buf_ring(r, entries, w as i32, flags, &mut err);
                    assert_eq!(br.is_null(), err != 0, "setup_buf_ring: ring {br:?} with err {err}");
                    if !br.is_null() {
                        self.bufrings[w] = Some(BufRingSlot { br, entries, added: 0 });
                    }
                }
                Step::BufRingAdd(which, n) => {
                    let Some(b) = self.bufrings[which as usize].as_mut() else { return };
                    let mask = io_uring_buf_ring_mask(b.entries);
                    let n = (n as u32 % (b.entries + 1)) as i32;
                    for k in 0..n {
                        let bid = b.added.wrapping_add(k as u16) % NR_PBUFS as u16;
                        let p = self.scratch.pbufs[bid as usize].as_mut_ptr();
                        io_uring_buf_ring_add(b.br, p.cast(), 256, bid, mask, k);
                    }
                    io_uring_buf_ring_advance(b.br, n);
                    b.added = b.added.wrapping_add(n as u16);
                }
                Step::BufRingAvailable(which) => {
                    if let Some(b) = self.bufrings[which as usize].as_ref() {
                        let n = io_uring_buf_ring_available(r, b.br, which as u16);
                        assert!(n < 0 || n as u32 <= 0x10000, "buf_ring_available {n}");
                    }
                }
                Step::FreeBufRing(which) => {
                    if let Some(b) = self.bufrings[which as usize].take() {
                        let ret = io_uring_free_buf_ring(r, b.br, b.entries, which as i32);
                        assert_eq!(ret, 0, "free_buf_ring of a ring setup_buf_ring made");
                    }
                }
                Step::Resize(sq, cq) => {
                    let mut p = io_uring_params {
                        sq_entries: 1 << (sq % 5),
                        cq_entries: 1 << (cq % 6),
                        flags: CQSIZE,
                        ..Default::default()
                    };
                    // A ring that may post 32-byte CQEs on a kernel with the wrap bug keeps
                    // a CQ it cannot fill: some may be on their way.
                    if (*r).flags & sys::IORING_SETUP_CQE_MIXED != 0
                        && (*r).cq.ring_entries >= NEVER_FULL_CQ
                        && kernel_cqe_mixed_wrap_bug()
                    {
                        p.cq_entries = p.cq_entries.max((*r).cq.ring_entries);
                    }
                    if io_uring_resize_rings(r, &mut p) == 0 {
                        self.resized = true;
                    }
                }
                Step::ExitReinit => {
                    self.exit();
                    if !self.init() {
                        panic!("set up again after exit failed for config {:?}", CONFIGS[self.config]);
                    }
                }
                Step::EnableRings => {
                    if io_uring_enable_rings(r) == 0 {
                        self.enabled = true;
                    }
                }
                Step::RegisterRingFd(on) => {
                    if on {
                        self.ring_fd_registered |= io_uring_register_ring_fd(r) >= 0;
                    } else if io_uring_unregister_ring_fd(r) == 0 {
                        self.ring_fd_registered = false;
                    }
                }
                Step::RegisterEventfd(async_) => {
                    let ret = if async_ {
                        io_uring_register_eventfd_async(r, f.eventfd.as_raw_fd())
                    } else {
                        io_uring_register_eventfd(r, f.eventfd.as_raw_fd())
                    };
                    self.eventfd_registered |= ret == 0;
                }
                Step::UnregisterEventfd => {
                    io_uring_unregister_eventfd(r);
                    self.eventfd_registered = false;
                }
                Step::EventfdToggle(on) => {
                    io_uring_cq_eventfd_toggle(r, on);
                }
            }
        }
    }

    /// Cancels every request of the ring: polls on the eventfd and multishot requests
    /// wait forever; requests drained behind them too, and so would a cancel SQE: cancel
    /// synchronously, then by SQE.
    /// Cancels every request the ring has, waiting for them; how many it found (0 or
    /// -ENOENT: none).
    fn sync_cancel_all(&mut self) -> i32 {
        let mut reg = sys::io_uring_sync_cancel_reg {
            flags: sys::IORING_ASYNC_CANCEL_ANY | sys::IORING_ASYNC_CANCEL_ALL,
            timeout: __kernel_timespec { tv_sec: -1, tv_nsec: -1 },
            ..Default::default()
        };
        // SAFETY: live ring, our argument.
        let ret = unsafe { io_uring_register_sync_cancel(self.r(), &mut reg) };
        assert!(ret >= 0 || ret == -libc::ENOENT || ret == -libc::EALREADY, "sync cancel: {ret}");
        ret
    }

    fn cancel_all(&mut self) {
        self.sync_cancel_all();
        let r = self.r();
        // SAFETY: live ring.
        if unsafe { io_uring_sq_ready(r) } == 0 {
            self.sqe(&SqeOp::CancelAll, 0);
        }
    }

    /// Submit what is queued, cancel what waits, and reap until every request has
    /// completed: a request that never does is a lost completion. Then drop every
    /// registration, so the next input starts from a plain ring.
    fn finish(&mut self) {
        let r = self.r();
        // SAFETY (the whole block): live ring.
        unsafe {
            if !self.enabled && io_uring_enable_rings(r) == 0 {
                self.enabled = true;
            }
            let start = Instant::now();
            let mut cancelled: Option<Instant> = None;
            let mut quiet = 0;
            loop {
                let ret = io_uring_submit_and_get_events(r);
                self.reap_all();
                let pending = self.ledger.pending();
                if pending.is_empty() && io_uring_sq_ready(r) == 0 {
                    if !self.ledger.undone_in_input() || quiet >= QUIET_SWEEPS {
                        break;
                    }
                    // What need not complete may still be armed, or be armed later behind
                    // a request still running (a skipping link head in io-wq): cancel
                    // until a cancel finds nothing, or its CQE comes when a later input
                    // cancels, long after it was forgotten (QUIET_SWEEPS).
                    assert!(
                        start.elapsed() < Duration::from_secs(5),
                        "cancelling everything on {:?} never finds nothing",
                        CONFIGS[self.config]
                    );
                    let found = self.sync_cancel_all();
                    quiet = if found == 0 || found == -libc::ENOENT { quiet + 1 } else { 0 };
                    continue;
                }
                if start.elapsed() > Duration::from_secs(5) {
                    panic!(
                        "lost completions on {:?}: pending {:?}, sq_ready {}, last submit {ret}",
                        CONFIGS[self.config],
                        pending,
                        io_uring_sq_ready(r)
                    );
                }
                if cancelled.is_none_or(|t| t.elapsed() > Duration::from_millis(2)) && !pending.is_empty() {
                    self.cancel_all();
                    cancelled = Some(Instant::now());
                    continue;
                }
                let mut cqe = ptr::null_mut();
                let mut ts = __kernel_timespec { tv_sec: 0, tv_nsec: 1_000_000 };
                if io_uring_wait_cqes(r, &mut cqe, 1, &mut ts, ptr::null_mut()) == 0 && !cqe.is_null() {
                    self.observe(cqe);
                }
            }
            self.check();
            for w in 0..2 {
                if let Some(b) = self.bufrings[w].take() {
                    assert_eq!(io_uring_free_buf_ring(r, b.br, b.entries, w as i32), 0);
                }
            }
            fds().reset_eventfd();
            if self.bufs_registered {
                io_uring_unregister_buffers(r);
                self.bufs_registered = false;
            }
            if self.files_registered {
                io_uring_unregister_files(r);
                self.files_registered = false;
            }
            if self.eventfd_registered {
                io_uring_unregister_eventfd(r);
                self.eventfd_registered = false;
            }
            if self.ring_fd_registered {
                io_uring_unregister_ring_fd(r);
                self.ring_fd_registered = false;
            }
            // Tags of released buffers post completions.
            io_uring_submit_and_get_events(r);
            self.reap_all();
            self.ledger.retire();
        }
        // A resized or enabled ring is not what its setup made: start again.
        if self.resized || CONFIGS[self.config].2 & sys::IORING_SETUP_R_DISABLED != 0 {
            self.exit();
            self.init();
        }
    }
}

fuzz_target!(|inp: Input| {
    let sqpoll = CONFIGS.iter().position(|c| c.2 & sys::IORING_SETUP_SQPOLL != 0).expect("an SQPOLL setup");
    let config = pick_setup(inp.config, CONFIGS.len(), sqpoll);
    SLOTS.with(|slots| {
        let mut slots = slots.borrow_mut();
        let Some(slot) = slots[config].get_or_insert_with(|| Slot::new(config)).as_mut() else {
            // This kernel refuses the setup: nothing to test.
            return;
        };
        if !slot.live && !slot.init() {
            return;
        }
        slot.check();
        slot.ledger.begin_input();
        for step in inp.steps.iter().take(MAX_STEPS) {
            slot.step(step);
            if !slot.live {
                return;
            }
            slot.check();
        }
        slot.finish();
        slot.prev = inp.steps[..inp.steps.len().min(MAX_STEPS)].to_vec();
    });
});
