//! Benchmark: io_urine's safe Rust API against tokio's `io-uring` crate, on the same
//! kernel, interleaved round by round so both see the same machine state.
//!
//! Workloads:
//! - `nop32`: batches of 32 NOPs: push 32, `submit_and_wait(32)`, reap 32.
//! - `read4k`: batches of 32 reads of 4 KiB from a page-cached temporary file.
//! - `recv-ms`: one multishot receive into a provided-buffer ring on a Unix datagram
//!   socket; each batch sends 32 datagrams of 64 bytes (one `sendmmsg`), then reaps the
//!   32 completions, reads each buffer and gives it back (io_urine: `BufRing` with
//!   `completions()`; io-uring: a hand-registered buffer ring, as its users do).
//!
//! Each round times a fixed number of batches; rounds alternate between the two
//! libraries (which one goes first alternates too). The report gives the median time
//! per operation of each and `ratio = tokio / io_urine` (>= 1.00: io_urine at least as
//! fast), computed per round pair and reported as the median with its interquartile
//! range. `IO_URINE_BENCH_ROUNDS` overrides the number of rounds per library.
//!
//! Run: `cargo bench --bench ring` (or `make bench`).

use std::fs::{File, OpenOptions};
use std::hint::black_box;
use std::io::Write as _;
use std::os::fd::AsRawFd;
use std::time::Instant;

const BATCH: usize = 32;
const ENTRIES: u32 = 256;
const BLOCK: usize = 4096;
const FILE_BLOCKS: usize = 256; // 1 MiB
const MSG: usize = 64;
const RB_ENTRIES: u16 = 256;
const RB_LEN: u32 = 256;
const BGID: u16 = 3;
const RECV_UD: u64 = 1 << 40;

/// Sends one batch of BATCH datagrams of MSG bytes (the batch number in the first 8).
fn send_batch(tx: i32, b: usize) {
    let mut data = [[0u8; MSG]; BATCH];
    let mut iov: [libc::iovec; BATCH] = unsafe { std::mem::zeroed() };
    let mut msgs: [libc::mmsghdr; BATCH] = unsafe { std::mem::zeroed() };
    for i in 0..BATCH {
        data[i][..8].copy_from_slice(&((b * BATCH + i) as u64).to_le_bytes());
        iov[i] = libc::iovec { iov_base: data[i].as_mut_ptr().cast(), iov_len: MSG };
        msgs[i].msg_hdr.msg_iov = &mut iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    // SAFETY: BATCH message headers, each naming one live iovec over `data`.
    let n = unsafe { libc::sendmmsg(tx, msgs.as_mut_ptr(), BATCH as u32, 0) };
    assert_eq!(n, BATCH as i32, "sendmmsg");
}

/// A page-aligned 4 KiB buffer (both libraries read into identically aligned memory).
#[derive(Clone, Copy)]
#[repr(C, align(4096))]
struct Page([u8; BLOCK]);

/// One library's implementation of the workloads.
trait Lib {
    const NAME: &'static str;
    fn nop_batches(&mut self, batches: usize) -> u64;
    fn read_batches(&mut self, fd: i32, bufs: &mut [Page], batches: usize) -> u64;
    fn recv_batches(&mut self, tx: i32, rx: i32, batches: usize) -> u64;
}

struct Urine {
    ring: io_urine::IoUring,
    cqes: [io_urine::Cqe; BATCH],
    bufs: io_urine::BufRing,
    armed: bool,
}

impl Lib for Urine {
    const NAME: &'static str = "io_urine";

    #[inline(never)] // a symbol of its own, for callgrind per-library counts
    fn nop_batches(&mut self, batches: usize) -> u64 {
        let mut sum = 0u64;
        for b in 0..batches {
            for i in 0..BATCH {
                let op = io_urine::ops::Nop::new().user_data((b * BATCH + i) as u64);
                self.ring.push(op).expect("sq full");
            }
            self.ring.submit_and_wait(BATCH as u32).expect("submit");
            let n = self.ring.copy_cqes(&mut self.cqes, BATCH as u32).expect("reap");
            assert_eq!(n, BATCH);
            for c in &self.cqes[..n] {
                sum = sum.wrapping_add(c.user_data());
            }
        }
        sum
    }

    #[inline(never)] // a symbol of its own, for callgrind per-library counts
    fn read_batches(&mut self, fd: i32, bufs: &mut [Page], batches: usize) -> u64 {
        let mut sum = 0u64;
        for b in 0..batches {
            for (i, buf) in bufs.iter_mut().enumerate() {
                let off = (((b * BATCH + i) % FILE_BLOCKS) * BLOCK) as u64;
                // SAFETY: the buffer outlives the batch, which is reaped below.
                let op = unsafe { io_urine::ops::Read::new(fd, buf.0.as_mut_ptr(), BLOCK as u32) }
                    .offset(off)
                    .user_data(i as u64);
                self.ring.push(op).expect("sq full");
            }
            self.ring.submit_and_wait(BATCH as u32).expect("submit");
            let n = self.ring.copy_cqes(&mut self.cqes, BATCH as u32).expect("reap");
            assert_eq!(n, BATCH);
            for c in &self.cqes[..n] {
                assert_eq!(c.res(), BLOCK as i32);
                sum = sum.wrapping_add(c.user_data());
            }
        }
        sum
    }

    #[inline(never)] // a symbol of its own, for callgrind per-library counts
    fn recv_batches(&mut self, tx: i32, rx: i32, batches: usize) -> u64 {
        let mut sum = 0u64;
        for b in 0..batches {
            if !self.armed {
                let op = io_urine::ops::Recv::buffer_select(rx, BGID).multishot(true).user_data(RECV_UD);
                self.ring.push(op).expect("sq full");
                self.armed = true;
            }
            send_batch(tx, b);
            let mut got = 0;
            self.ring.submit_and_wait(BATCH as u32).expect("submit");
            while got < BATCH {
                for mut c in self.ring.completions() {
                    let buf = self.bufs.take(&mut c).expect("a provided buffer");
                    sum = sum.wrapping_add(self.bufs.data(&buf)[0] as u64);
                    self.bufs.recycle(buf);
                    self.armed &= c.more();
                    got += 1;
                }
                if got < BATCH {
                    self.ring.submit_and_wait(1).expect("wait");
                }
            }
        }
        sum
    }
}

struct Tokio {
    ring: io_uring::IoUring,
    /// The hand-registered buffer ring: entries, buffers, our tail.
    br: *mut io_uring::types::BufRingEntry,
    bufs: Vec<u8>,
    tail: u16,
    armed: bool,
}

impl Tokio {
    fn new() -> Self {
        let ring = io_uring::IoUring::new(ENTRIES).expect("io-uring ring");
        let len = RB_ENTRIES as usize * std::mem::size_of::<io_uring::types::BufRingEntry>();
        // SAFETY: a fresh anonymous mapping for the buffer ring (page aligned).
        let br = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(br, libc::MAP_FAILED);
        let br = br.cast::<io_uring::types::BufRingEntry>();
        // SAFETY: `br` is a mapping of RB_ENTRIES entries that lives as long as the ring.
        unsafe { ring.submitter().register_buf_ring_with_flags(br as u64, RB_ENTRIES, BGID, 0) }
            .expect("register buf ring");
        let mut t = Tokio { ring, br, bufs: vec![0u8; RB_ENTRIES as usize * RB_LEN as usize], tail: 0, armed: false };
        for bid in 0..RB_ENTRIES {
            t.recycle(bid);
        }
        t
    }

    /// Puts buffer `bid` at the tail and publishes it (one release store per buffer).
    fn recycle(&mut self, bid: u16) {
        let addr = self.bufs.as_ptr() as u64 + bid as u64 * RB_LEN as u64;
        // SAFETY: the slot is within the RB_ENTRIES-entry mapping; the kernel reads it
        // only after the tail store below.
        unsafe {
            let e = &mut *self.br.add((self.tail & (RB_ENTRIES - 1)) as usize);
            e.set_addr(addr);
            e.set_len(RB_LEN);
            e.set_bid(bid);
            self.tail = self.tail.wrapping_add(1);
            let tail = io_uring::types::BufRingEntry::tail(self.br) as *const std::sync::atomic::AtomicU16;
            (*tail).store(self.tail, std::sync::atomic::Ordering::Release);
        }
    }
}

impl Lib for Tokio {
    const NAME: &'static str = "io-uring";

    #[inline(never)] // a symbol of its own, for callgrind per-library counts
    fn nop_batches(&mut self, batches: usize) -> u64 {
        let mut sum = 0u64;
        for b in 0..batches {
            {
                let mut sq = self.ring.submission();
                for i in 0..BATCH {
                    let e = io_uring::opcode::Nop::new().build().user_data((b * BATCH + i) as u64);
                    // SAFETY: a NOP references no memory.
                    unsafe { sq.push(&e) }.expect("sq full");
                }
            }
            self.ring.submit_and_wait(BATCH).expect("submit");
            let mut n = 0;
            for c in self.ring.completion() {
                sum = sum.wrapping_add(c.user_data());
                n += 1;
            }
            assert_eq!(n, BATCH);
        }
        sum
    }

    #[inline(never)] // a symbol of its own, for callgrind per-library counts
    fn read_batches(&mut self, fd: i32, bufs: &mut [Page], batches: usize) -> u64 {
        let mut sum = 0u64;
        for b in 0..batches {
            {
                let mut sq = self.ring.submission();
                for (i, buf) in bufs.iter_mut().enumerate() {
                    let off = (((b * BATCH + i) % FILE_BLOCKS) * BLOCK) as u64;
                    let e = io_uring::opcode::Read::new(io_uring::types::Fd(fd), buf.0.as_mut_ptr(), BLOCK as u32)
                        .offset(off)
                        .build()
                        .user_data(i as u64);
                    // SAFETY: the buffer outlives the batch, which is reaped below.
                    unsafe { sq.push(&e) }.expect("sq full");
                }
            }
            self.ring.submit_and_wait(BATCH).expect("submit");
            let mut n = 0;
            for c in self.ring.completion() {
                assert_eq!(c.result(), BLOCK as i32);
                sum = sum.wrapping_add(c.user_data());
                n += 1;
            }
            assert_eq!(n, BATCH);
        }
        sum
    }

    #[inline(never)] // a symbol of its own, for callgrind per-library counts
    fn recv_batches(&mut self, tx: i32, rx: i32, batches: usize) -> u64 {
        let mut sum = 0u64;
        for b in 0..batches {
            if !self.armed {
                let e = io_uring::opcode::RecvMulti::new(io_uring::types::Fd(rx), BGID).build().user_data(RECV_UD);
                // SAFETY: the multishot receive names only the buffer group.
                unsafe { self.ring.submission().push(&e) }.expect("sq full");
                self.armed = true;
            }
            send_batch(tx, b);
            let mut got = 0;
            self.ring.submit_and_wait(BATCH).expect("submit");
            while got < BATCH {
                let done: Vec<(u16, bool)> = self
                    .ring
                    .completion()
                    .map(|c| {
                        (
                            io_uring::cqueue::buffer_select(c.flags()).expect("a buffer"),
                            io_uring::cqueue::more(c.flags()),
                        )
                    })
                    .collect();
                for (bid, more) in done {
                    sum = sum.wrapping_add(self.bufs[bid as usize * RB_LEN as usize] as u64);
                    self.recycle(bid);
                    self.armed &= more;
                    got += 1;
                }
                if got < BATCH {
                    self.ring.submit_and_wait(1).expect("wait");
                }
            }
        }
        sum
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Runs `rounds` alternating rounds of `f` on both libraries. Returns the median
/// ns/op of each and the median of the per-round ratios (tokio / io_urine of the same
/// round pair, which cancels load drifts on a shared machine), with its interquartile
/// range.
fn compare(
    name: &str,
    rounds: usize,
    ops_per_round: usize,
    urine: &mut Urine,
    tokio: &mut Tokio,
    mut f_u: impl FnMut(&mut Urine) -> u64,
    mut f_t: impl FnMut(&mut Tokio) -> u64,
) -> f64 {
    // Warm-up.
    black_box(f_u(urine));
    black_box(f_t(tokio));
    let mut tu = Vec::with_capacity(rounds);
    let mut tt = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    for r in 0..rounds {
        let mut time_u = |u: &mut Urine| {
            let t = Instant::now();
            black_box(f_u(u));
            t.elapsed().as_nanos() as f64 / ops_per_round as f64
        };
        let mut time_t = |k: &mut Tokio| {
            let t = Instant::now();
            black_box(f_t(k));
            t.elapsed().as_nanos() as f64 / ops_per_round as f64
        };
        let (u, t) = if r % 2 == 0 {
            let u = time_u(urine);
            (u, time_t(tokio))
        } else {
            let t = time_t(tokio);
            (time_u(urine), t)
        };
        tu.push(u);
        tt.push(t);
        ratios.push(t / u);
    }
    let mu = median(&mut tu);
    let mt = median(&mut tt);
    let mr = median(&mut ratios);
    let (q1, q3) = (ratios[ratios.len() / 4], ratios[ratios.len() * 3 / 4]);
    println!("| {name:<8} | {mu:>14.1} | {mt:>14.1} | {mr:>6.3} | {q1:.3}..{q3:.3} |");
    mr
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing useful: keep
    // that run short.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds: usize =
        std::env::var("IO_URINE_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(if quick { 3 } else { 61 });
    let batches = if quick { 50 } else { 2000 };

    let ring = io_urine::IoUring::new(ENTRIES).expect("io_urine ring");
    let bufs = io_urine::BufRing::new(&ring, BGID, RB_ENTRIES, RB_LEN).expect("BufRing");
    let mut urine = Urine { ring, cqes: [io_urine::Cqe::default(); BATCH], bufs, armed: false };
    let mut tokio = Tokio::new();
    // One datagram socket pair per library (a multishot receive stays armed on it).
    let pair = || {
        let mut sv = [0i32; 2];
        // SAFETY: `sv` has room for the two descriptors.
        assert_eq!(
            unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0, sv.as_mut_ptr()) },
            0
        );
        (sv[0], sv[1])
    };
    let (tx_u, rx_u) = pair();
    let (tx_t, rx_t) = pair();

    // A page-cached 1 MiB file with known contents.
    let path = std::env::temp_dir().join(format!("io_urine_bench_{}", std::process::id()));
    let mut file: File =
        OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&path).expect("tmp file");
    let block: Vec<u8> = (0..BLOCK).map(|i| (i % 251) as u8).collect();
    for _ in 0..FILE_BLOCKS {
        file.write_all(&block).expect("write");
    }
    file.sync_all().expect("sync");
    std::fs::remove_file(&path).expect("unlink");
    let fd = file.as_raw_fd();
    let mut bufs_u = vec![Page([0u8; BLOCK]); BATCH];
    let mut bufs_t = vec![Page([0u8; BLOCK]); BATCH];

    println!("io_urine vs tokio io-uring: {rounds} alternating rounds each, median ns per operation");
    println!("| workload | io_urine ns/op | io-uring ns/op | ratio  | ratio IQR    |");
    println!("|----------|----------------|----------------|--------|--------------|");
    let nop = compare(
        "nop32",
        rounds,
        batches * BATCH,
        &mut urine,
        &mut tokio,
        |u| u.nop_batches(batches),
        |t| t.nop_batches(batches),
    );
    let read = compare(
        "read4k",
        rounds,
        batches * BATCH,
        &mut urine,
        &mut tokio,
        |u| u.read_batches(fd, &mut bufs_u, batches),
        |t| t.read_batches(fd, &mut bufs_t, batches),
    );
    let recv = compare(
        "recv-ms",
        rounds,
        batches * BATCH,
        &mut urine,
        &mut tokio,
        |u| u.recv_batches(tx_u, rx_u, batches),
        |t| t.recv_batches(tx_t, rx_t, batches),
    );
    // The data read must be the file's.
    assert!(bufs_u.iter().all(|b| b.0[..] == block[..]));
    assert!(bufs_t.iter().all(|b| b.0[..] == block[..]));
    let _ = (Urine::NAME, Tokio::NAME);
    println!("ratio = median over round pairs of io-uring time / io_urine time (>= 1.00: io_urine at least as fast)");
    if !quick {
        for (name, r) in [("nop32", nop), ("read4k", read), ("recv-ms", recv)] {
            if r < 1.0 {
                println!("NOTE: {name}: io_urine slower than io-uring ({r:.3})");
            }
        }
    }
}
