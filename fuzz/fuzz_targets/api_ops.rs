//! The safe Rust API (`IoUring`, `ops`, completions, `BufRing`, owned buffers) driven
//! by operation sequences, as `ring_ops` drives the C ABI.
//!
//! Only safe operations (and owned-buffer submissions) on harmless descriptors. After
//! every step: `sq_ready + sq_space_left == sq_entries`, `cq_ready <= cq_entries`; every
//! completion carries a `user_data` that was pushed (an owned submission's completion
//! gives back its buffer and tag exactly once), single-shot requests complete once, a
//! provided buffer handed out lies inside its ring's buffer. At the end every request
//! must have completed.
#![no_main]

use io_urine::ops::{self, CancelTarget};
use io_urine::{BufRing, Completion, Cqe, IoUring, OwnedOp};
use io_urine_fuzz::{fds, Expect, Ledger, MEMFD_LEN};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::collections::HashMap;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// (SQ entries, CQ entries or 0, setup flags). No SQPOLL ring: its kernel thread spins for
/// a jiffy (4 ms here) after every input that uses it, which took half of the machine; the
/// safe API submits through the same core as the C functions, whose SQPOLL paths `ring_ops`
/// fuzzes, and tests/api_ring.rs drives the API on SQPOLL rings.
const CONFIGS: &[(u32, u32, u32)] = {
    use io_urine::sys::*;
    const DEFER: u32 = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    &[
        (8, 0, 0),
        (2, 2, 0),
        (4, 8, IORING_SETUP_CQE_MIXED | IORING_SETUP_SQE_MIXED),
        (4, 4, IORING_SETUP_CQE_MIXED),
        (8, 0, IORING_SETUP_SQE128 | IORING_SETUP_CQE32),
        (8, 0, DEFER | IORING_SETUP_NO_SQARRAY),
        (8, 0, IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SUBMIT_ALL),
        (8, 0, IORING_SETUP_NO_MMAP),
        (1, 0, IORING_SETUP_CLAMP),
    ]
};

const MAX_STEPS: usize = 64;
/// The end-of-input sweep stops after this many cancels in a row found nothing, with an
/// enter before each (it runs task work: 20 items at most on a DEFER_TASKRUN ring since
/// 6.13). A link chain between two hops sits in task work, where no cancel sees it, until
/// an enter moves it on. (An IO_DRAIN NOP cannot serve as the barrier: once a ring has seen
/// IOSQE_CQE_SKIP_SUCCESS the kernel fails drained requests with -EOPNOTSUPP.)
const QUIET_SWEEPS: usize = 12;

#[derive(Arbitrary, Debug, Clone)]
enum Step {
    Nop(Option<i8>, u8),
    Nop128,
    Fsync(u8),
    Poll(bool, bool),
    ReadMulti(bool),
    Cancel(u8),
    CancelAny,
    TimeoutRemove(u8),
    MsgRingSelf,
    OwnedRead(u8, u8),
    OwnedWrite(u8),
    Submit,
    SubmitAndGetEvents,
    SubmitWaitZero(u8),
    Peek(bool),
    Seen,
    WaitZero,
    CopyCqes(u8),
    Completions(u8),
    Split(u8, u8),
    BufRing(bool, u8, bool),
    DropBufRing(bool),
    BufRingAvailable(bool),
    RegisterFiles(u8),
    UnregisterFiles,
    RegisterBuffersSparse(u8),
    UnregisterBuffers,
    RegisterRingFd(bool),
    Probe,
    Rebuild,
}

#[derive(Arbitrary, Debug)]
struct Input {
    config: u8,
    steps: Vec<Step>,
}

struct Slot {
    config: usize,
    // Declared first: dropped before the ring.
    bufrings: [Option<BufRing>; 2],
    ring: IoUring,
    ledger: Ledger,
    /// Tag of each owned submission in flight → its requested length.
    owned: HashMap<u64, usize>,
    /// An earlier request of the current link chain skips its success CQE.
    chain_skips: bool,
    /// The steps of the previous input run on this ring.
    prev: Vec<Step>,
    /// The end-of-input cancel of everything (`finish`): its user_data, and its result
    /// once reaped.
    sweep: Option<(u64, Option<i32>)>,
}

thread_local! {
    static SLOTS: RefCell<Vec<Option<Option<Slot>>>> = RefCell::new((0..CONFIGS.len()).map(|_| None).collect());
}

fn build(config: usize) -> Option<IoUring> {
    let (entries, cq, flags) = CONFIGS[config];
    let mut b = IoUring::builder().setup_flags(flags);
    if cq != 0 {
        b = b.cq_entries(cq);
    }
    b.build(entries).ok()
}

/// One flag set for a pushed request, from a fuzz byte.
macro_rules! flagged {
    ($op:expr, $f:expr) => {{
        let mut op = $op;
        if $f & 1 != 0 {
            op = op.link();
        }
        if $f & 2 != 0 {
            op = op.force_async();
        }
        if $f & 4 != 0 {
            op = op.skip_success();
        }
        op
    }};
}

impl Slot {
    /// Panics with `what`, the ring's state and the previous input run on this ring.
    fn fail(&self, what: &str) -> ! {
        let r = &self.ring;
        panic!(
            "{what}\n  ring {:?}: sq {} ready {}; cq {} ready {}\n  previous input on this ring: {:?}",
            CONFIGS[self.config],
            r.sq_entries(),
            r.sq_ready(),
            r.cq_entries(),
            r.cq_ready(),
            self.prev
        );
    }

    fn check(&self) {
        let r = &self.ring;
        let (ready, left, entries) = (r.sq_ready(), r.sq_space_left(), r.sq_entries());
        assert_eq!(ready + left, entries, "sq_ready {ready} + sq_space_left {left} != {entries}");
        assert!(r.cq_ready() <= r.cq_entries(), "cq_ready {} > {}", r.cq_ready(), r.cq_entries());
    }

    /// A completion consumed from the ring (its guard, if any, already dropped).
    fn consumed(&mut self, c: &Cqe) {
        let ud = c.user_data();
        if ud & io_urine::RESERVED_USER_DATA_BIT != 0 {
            let done = self.ring.take_owned(c).unwrap_or_else(|| panic!("owned completion {ud:#x} gave nothing back"));
            let want = self.owned.remove(&done.tag).unwrap_or_else(|| panic!("owned tag {} not in flight", done.tag));
            assert!(done.buf.len() <= want.max(done.buf.capacity()), "owned buffer grew past its capacity");
            if let Err(e) = self.ledger.consume(done.tag, c.res(), c.flags()) {
                self.fail(&e);
            }
        } else {
            assert!(self.ring.take_owned(c).is_none(), "take_owned gave a buffer for {ud:#x}");
            if let Err(e) = self.ledger.consume(ud, c.res(), c.flags()) {
                self.fail(&e);
            }
            if let Some((sweep, res)) = &mut self.sweep {
                if *sweep == ud {
                    *res = Some(c.res());
                }
            }
        }
    }

    fn observed(&self, c: &Cqe) {
        let ud = c.user_data();
        if ud & io_urine::RESERVED_USER_DATA_BIT == 0 {
            if let Err(e) = self.ledger.observe(ud, c.res(), c.flags()) {
                self.fail(&e);
            }
        }
    }

    /// Push `op` (with the `flagged!` bits `fl`), expecting `expect` completions.
    fn push<O: io_urine::PrepSqe + WithUserData>(&mut self, op: O, fl: u8, expect: Expect) {
        let ud = self.ledger.issue(expect);
        if self.ring.push(op.with_user_data(ud)).is_err() {
            self.ledger.relax(ud, expect.skippable());
            return;
        }
        // The kernel posts nothing for requests of a link it cancels after a failure
        // when an earlier one asked to skip successes (REQ_F_SKIP_LINK_CQES).
        if self.chain_skips {
            self.ledger.relax(ud, expect.skippable());
        }
        self.chain_skips = fl & 1 != 0 && (fl & 4 != 0 || self.chain_skips);
    }

    /// Ends a link chain whose failure would go unreported (a skipping request in it)
    /// with a NOP, so that the next request surely completes: an owned request that
    /// never completes keeps its buffer in the ring, which leaks it on drop. False
    /// when the SQ has no room for the NOP.
    fn end_chain(&mut self) -> bool {
        if self.chain_skips {
            self.push(ops::Nop::new(), 0, Expect::Once);
        }
        !self.chain_skips
    }

    fn reap_all(&mut self) {
        let got: Vec<Completion> = self.ring.completions().collect();
        self.consumed_all(got);
    }

    fn consumed_all(&mut self, got: Vec<Completion>) {
        for mut c in got {
            take_buffer(&mut self.bufrings, &mut c);
            self.consumed(&c.cqe());
        }
    }

    fn step(&mut self, step: &Step) {
        let f = fds();
        let skip = |fl: u8| if fl & 4 != 0 { Expect::AtMostOnce } else { Expect::Once };
        match *step {
            Step::Nop(inject, fl) => {
                let inject = inject.map(|v| -((v as i32).abs() % 40));
                let e = if inject.is_some_and(|v| v < 0) { Expect::Once } else { skip(fl) };
                self.push(flagged!(ops::Nop::new().inject_result(inject), fl), fl, e);
            }
            Step::Nop128 => {
                self.push(ops::Nop128::new(), 0, Expect::Once);
            }
            Step::Fsync(fl) => {
                self.push(flagged!(ops::Fsync::new(f.memfd.as_raw_fd()), fl), fl, skip(fl));
            }
            Step::Poll(out, multi) => {
                let mask = if out { libc::POLLOUT } else { libc::POLLIN } as u32;
                let e = if multi { Expect::Multi } else { Expect::Once };
                self.push(ops::PollAdd::new(f.eventfd.as_raw_fd(), mask).multishot(multi), 0, e);
            }
            Step::ReadMulti(which) => {
                self.push(ops::ReadMulti::new(f.eventfd.as_raw_fd(), which as u16), 0, Expect::Multi);
            }
            Step::Cancel(back) => {
                let t = self.ledger.recent(back % 8);
                self.push(ops::AsyncCancel::new(CancelTarget::UserData(t)), 0, Expect::Once);
            }
            Step::CancelAny => {
                let op = ops::AsyncCancel::new(CancelTarget::Any).flags(io_urine::sys::IORING_ASYNC_CANCEL_ALL);
                self.push(op, 0, Expect::Once);
            }
            Step::TimeoutRemove(back) => {
                let t = self.ledger.recent(back % 8);
                self.push(ops::TimeoutRemove::new(t), 0, Expect::Once);
            }
            Step::MsgRingSelf => {
                let target = self.ledger.issue_msg();
                self.push(ops::MsgRing::new(self.ring.as_raw_fd(), 3, target), 0, Expect::Once);
            }
            Step::OwnedRead(n, off) => {
                if !self.end_chain() {
                    return;
                }
                let tag = self.ledger.issue(Expect::Once);
                let want = n as usize * 8;
                let op = OwnedOp::Read { fd: f.memfd.as_raw_fd().into(), offset: (off as u64 * 61) % MEMFD_LEN as u64 };
                match self.ring.push_owned(op, Vec::with_capacity(want), tag) {
                    Ok(()) => {
                        self.owned.insert(tag, want);
                    }
                    Err(_) => self.ledger.relax(tag, Expect::AtMostOnce),
                }
            }
            Step::OwnedWrite(n) => {
                if !self.end_chain() {
                    return;
                }
                let tag = self.ledger.issue(Expect::Once);
                let op = OwnedOp::Write { fd: f.null.as_raw_fd().into(), offset: 0 };
                match self.ring.push_owned(op, vec![7u8; n as usize], tag) {
                    Ok(()) => {
                        self.owned.insert(tag, n as usize);
                    }
                    Err(_) => self.ledger.relax(tag, Expect::AtMostOnce),
                }
            }
            Step::Submit => {
                let _ = self.ring.submit();
            }
            Step::SubmitAndGetEvents => {
                let _ = self.ring.submit_and_get_events();
            }
            Step::SubmitWaitZero(n) => {
                let _ = self.ring.submit_and_wait_timeout((n % 3) as u32, Duration::ZERO);
            }
            Step::Peek(forget) => {
                let got = self.ring.peek_cqe().map(|g| {
                    let c = g.cqe();
                    if forget {
                        // Leaves the CQE where it is (the guard never releases it).
                        std::mem::forget(g);
                    }
                    c
                });
                match got {
                    Some(c) if forget => self.observed(&c),
                    Some(c) => self.consumed(&c),
                    None => {}
                }
            }
            Step::Seen => {
                let bufrings = &mut self.bufrings;
                let got = self.ring.peek_cqe().map(|mut g| {
                    take_buffer(bufrings, &mut g);
                    let c = g.cqe();
                    g.seen();
                    c
                });
                if let Some(c) = got {
                    self.consumed(&c);
                }
            }
            Step::WaitZero => {
                let bufrings = &mut self.bufrings;
                let got = self.ring.wait_cqe_timeout(Duration::ZERO).ok().map(|mut g| {
                    take_buffer(bufrings, &mut g);
                    g.cqe()
                });
                if let Some(c) = got {
                    self.consumed(&c);
                }
            }
            Step::CopyCqes(n) => {
                let mut out = [Cqe::default(); 16];
                let k = n as usize % 17;
                if let Ok(got) = self.ring.copy_cqes(&mut out[..k], 0) {
                    assert!(got <= k);
                    for c in &out[..got] {
                        self.consumed(c);
                    }
                }
            }
            Step::Completions(n) => {
                let got: Vec<Completion> = self.ring.completions().take(n as usize % 16).collect();
                self.consumed_all(got);
            }
            Step::Split(pushes, reaps) => {
                let mut got = Vec::new();
                {
                    let (mut sq, mut cq) = self.ring.split();
                    for _ in 0..pushes % 4 {
                        let ud = self.ledger.issue(Expect::Once);
                        if sq.push(ops::Nop::new().user_data(ud)).is_err() {
                            // Not queued: no completion, and the chain goes on.
                            self.ledger.relax(ud, Expect::AtMostOnce);
                        } else if std::mem::take(&mut self.chain_skips) {
                            self.ledger.relax(ud, Expect::AtMostOnce);
                        }
                    }
                    let _ = sq.submit();
                    // Owned-buffer completions reaped here give their buffers back after
                    // the split (`consumed` takes them; fuzz/regressions/api_ops/split-owned).
                    let n = (reaps % 4) as usize;
                    match reaps / 4 % 3 {
                        0 => {
                            for _ in 0..n {
                                let Some(mut g) = cq.peek_cqe() else { break };
                                take_buffer(&mut self.bufrings, &mut g);
                                got.push(g.cqe());
                            }
                        }
                        1 => {
                            for mut c in cq.completions().take(n) {
                                take_buffer(&mut self.bufrings, &mut c);
                                got.push(c.cqe());
                            }
                        }
                        _ => {
                            let mut out = [Cqe::default(); 3];
                            if let Ok(k) = cq.copy_cqes(&mut out[..n], 0) {
                                got.extend_from_slice(&out[..k]);
                            }
                        }
                    }
                }
                for c in &got {
                    self.consumed(c);
                }
            }
            Step::BufRing(which, log2, inc) => {
                let w = which as usize;
                if self.bufrings[w].is_none() {
                    let entries = 1u16 << (log2 % 4);
                    let r = if inc {
                        BufRing::new_incremental(&self.ring, w as u16, entries, 16)
                    } else {
                        BufRing::new(&self.ring, w as u16, entries, 8)
                    };
                    self.bufrings[w] = r.ok();
                }
            }
            Step::DropBufRing(which) => {
                self.bufrings[which as usize] = None;
            }
            Step::BufRingAvailable(which) => {
                if let Some(b) = self.bufrings[which as usize].as_mut() {
                    if let Ok(n) = b.available() {
                        assert!(n as u32 <= b.entries(), "available {n} > {}", b.entries());
                    }
                }
            }
            Step::RegisterFiles(n) => {
                let set = [f.null.as_raw_fd(), f.memfd.as_raw_fd(), f.eventfd.as_raw_fd(), -1];
                let _ = self.ring.register_files(&set[..(n as usize % 4) + 1]);
            }
            Step::UnregisterFiles => {
                let _ = self.ring.unregister_files();
            }
            Step::RegisterBuffersSparse(n) => {
                let _ = self.ring.register_buffers_sparse(n as u32 % 8 + 1);
            }
            Step::UnregisterBuffers => {
                let _ = self.ring.unregister_buffers();
            }
            Step::RegisterRingFd(on) => {
                let _ = if on { self.ring.register_ring_fd() } else { self.ring.unregister_ring_fd() };
            }
            Step::Probe => {
                if let Ok(p) = self.ring.probe() {
                    assert!(p.is_supported(io_urine::sys::IORING_OP_NOP));
                }
            }
            Step::Rebuild => {
                // Owned buffers still in flight are leaked by the drop (by design).
                self.finish();
                self.bufrings = [None, None];
                let Some(r) = build(self.config) else {
                    panic!("building config {:?} again failed", CONFIGS[self.config]);
                };
                self.ring = r;
                self.ledger.clear();
                self.owned.clear();
                self.chain_skips = false;
            }
        }
    }

    /// Cancel what waits and reap until every request completed; drop registrations.
    fn finish(&mut self) {
        let start = Instant::now();
        let mut cancelled: Option<Instant> = None;
        let mut quiet = 0;
        self.sweep = None;
        loop {
            let _ = self.ring.submit_and_get_events();
            self.reap_all();
            let pending = self.ledger.pending();
            if pending.is_empty() && self.ring.sq_ready() == 0 && self.owned.is_empty() {
                // What need not complete may still be armed, or be armed later behind a
                // request still running (a skipping link head in io-wq): cancel until a
                // cancel finds nothing (0 with CANCEL_ALL; -ENOENT), or its CQE comes when
                // a later input cancels, long after it was forgotten.
                // (regressions/api_ops/late-*; QUIET_SWEEPS).
                if let Some((_, Some(res))) = self.sweep.take() {
                    quiet = if res == 0 || res == -libc::ENOENT { quiet + 1 } else { 0 };
                }
                if !self.ledger.undone_in_input() || quiet >= QUIET_SWEEPS {
                    break;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(5),
                    "cancelling everything on {:?} never finds nothing: last {:?}",
                    CONFIGS[self.config],
                    self.sweep
                );
                // Everything queued was submitted: no link chain goes on into the cancel.
                self.chain_skips = false;
                let ud = self.ledger.issue(Expect::Once);
                let op = ops::AsyncCancel::new(CancelTarget::Any).flags(io_urine::sys::IORING_ASYNC_CANCEL_ALL);
                if self.ring.push(op.user_data(ud)).is_err() {
                    self.fail("no SQ room for the final cancel with an empty SQ");
                }
                self.sweep = Some((ud, None));
                continue;
            }
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "lost completions on {:?}: pending {pending:?}, owned {:?}, sq_ready {}",
                CONFIGS[self.config],
                self.owned,
                self.ring.sq_ready()
            );
            if cancelled.is_none_or(|t| t.elapsed() > Duration::from_millis(2)) && self.ring.sq_ready() == 0 {
                self.step(&Step::CancelAny);
                cancelled = Some(Instant::now());
                continue;
            }
            // Left for the next reap_all.
            let got = self.ring.wait_cqe_timeout(Duration::from_millis(1)).ok().map(|g| {
                let c = g.cqe();
                std::mem::forget(g);
                c
            });
            if let Some(c) = got {
                self.observed(&c);
            }
        }
        self.check();
        self.bufrings = [None, None];
        let _ = self.ring.unregister_files();
        let _ = self.ring.unregister_buffers();
        let _ = self.ring.unregister_ring_fd();
        fds().reset_eventfd();
        self.ledger.retire();
    }
}

/// Hands the provided buffer `c` names (if one of ours) back to its ring, checking it.
fn take_buffer(bufrings: &mut [Option<BufRing>; 2], c: &mut Completion) {
    for b in bufrings.iter_mut().flatten() {
        if let Some(buf) = b.take(c) {
            assert!(buf.len() as u32 <= b.buf_len(), "provided buffer of {} > {}", buf.len(), b.buf_len());
            assert_eq!(b.data(&buf).len(), buf.len());
            b.recycle(buf);
        }
    }
    for b in bufrings.iter_mut().flatten() {
        assert!(b.take(c).is_none(), "a completion's buffer was handed out twice");
    }
}

/// `user_data` for any pushed operation type.
trait WithUserData {
    fn with_user_data(self, ud: u64) -> Self;
}

macro_rules! with_ud {
    ($($t:ty),*) => {$(
        impl WithUserData for $t {
            fn with_user_data(self, ud: u64) -> Self {
                self.user_data(ud)
            }
        }
    )*};
}
with_ud!(
    ops::Nop,
    ops::Nop128,
    ops::Fsync,
    ops::PollAdd,
    ops::ReadMulti,
    ops::AsyncCancel,
    ops::TimeoutRemove,
    ops::MsgRing
);

fuzz_target!(|inp: Input| {
    let config = inp.config as usize % CONFIGS.len();
    SLOTS.with(|slots| {
        let mut slots = slots.borrow_mut();
        let Some(slot) = slots[config]
            .get_or_insert_with(|| {
                build(config).map(|ring| Slot {
                    config,
                    bufrings: [None, None],
                    ring,
                    ledger: Ledger::default(),
                    owned: HashMap::new(),
                    chain_skips: false,
                    prev: Vec::new(),
                    sweep: None,
                })
            })
            .as_mut()
        else {
            return;
        };
        slot.check();
        slot.ledger.begin_input();
        for step in inp.steps.iter().take(MAX_STEPS) {
            slot.step(step);
            slot.check();
        }
        slot.finish();
        slot.prev = inp.steps[..inp.steps.len().min(MAX_STEPS)].to_vec();
    });
});
