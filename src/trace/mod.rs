//! io_urine's own diagnostics, off unless asked for:
//!
//! * `IO_URINE_TRACE=1` (stderr) or `IO_URINE_TRACE=PATH` (appended): one line per SQE
//!   at submission and one per CQE the library sees, with timestamps.
//! * `IO_URINE_CHECK=1`: warnings about misuse that otherwise fails silently or far from
//!   its cause (unsupported opcode, fixed file without a file table, buffer select on an
//!   unregistered group, CQ head moved past the tail, unknown SQE flags).
//! * With either set, a failing `io_uring_queue_init*` prints the doctor's one-line
//!   diagnosis ([`diag`]).
//!
//! The environment is read without libc: `/proc/self/environ` (the environment the
//! process started with; later `setenv` calls are not seen), once, at the first ring
//! setup. Its verdict is one static byte, so with both variables unset each hook in the
//! submit and reap paths costs one load and one never-taken branch ([`active`]).
//!
//! The hooks: [`on_ring_setup`] / [`on_setup_failed`] (ring setup), [`on_submit`] (SQ
//! flush, before the tail is published) and [`on_reap`] (the start of every reap).
//! Everything else here is cold.

pub mod diag;
pub mod names;

use crate::ring::Live;
use crate::sys::{self, io_uring, io_uring_cqe, io_uring_sqe};
use core::fmt::{self, Write as _};
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering::*};
use names::{Flags, Res};
use rustix::fd::BorrowedFd;

const TRACE: u8 = 1;
const CHECK: u8 = 2;
/// `TRACE | CHECK` as read from the environment (0 until the first ring setup).
static STATE: AtomicU8 = AtomicU8::new(0);
/// 0: environment not read; 1: being read; 2: read.
static ENV_READ: AtomicU8 = AtomicU8::new(0);
/// Where lines go: 2 (stderr) or the `IO_URINE_TRACE` file.
static OUT_FD: AtomicI32 = AtomicI32::new(2);

/// True when tracing or checking is on: the only thing the hot paths test.
#[inline(always)]
pub fn active() -> bool {
    STATE.load(Relaxed) != 0
}

fn tracing() -> bool {
    STATE.load(Relaxed) & TRACE != 0
}

fn checking() -> bool {
    STATE.load(Relaxed) & CHECK != 0
}

// ---------------------------------------------------------------------------------------
// The environment

/// Reads `IO_URINE_TRACE` / `IO_URINE_CHECK` from `/proc/self/environ` once.
#[cold]
fn read_env() {
    if ENV_READ.compare_exchange(0, 1, Acquire, Relaxed).is_err() {
        return;
    }
    let mut state = 0;
    let mut path = [0u8; 256];
    let mut path_len = None;
    let mut on_entry = |entry: &[u8]| {
        if let Some(v) = entry.strip_prefix(b"IO_URINE_TRACE=") {
            match v {
                b"" | b"0" => {}
                b"1" => state |= TRACE,
                p if p.len() < path.len() => {
                    path[..p.len()].copy_from_slice(p);
                    path_len = Some(p.len());
                    state |= TRACE;
                }
                _ => {}
            }
        } else if let Some(v) = entry.strip_prefix(b"IO_URINE_CHECK=") {
            if !matches!(v, b"" | b"0") {
                state |= CHECK;
            }
        }
    };
    for_each_env_entry(&mut on_entry);
    if let Some(n) = path_len {
        // NUL-terminated for open(2); an unopenable path falls back to stderr.
        if let Ok(cpath) = core::ffi::CStr::from_bytes_until_nul(&path[..=n]) {
            use rustix::fs::{open, Mode, OFlags};
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::APPEND | OFlags::CLOEXEC;
            if let Ok(fd) = open(cpath, flags, Mode::from_raw_mode(0o644)) {
                // Moved up out of the way, so the program's own descriptors keep the
                // numbers they have without tracing (where RLIMIT_NOFILE allows).
                let fd = rustix::io::fcntl_dupfd_cloexec(&fd, 900).unwrap_or(fd);
                OUT_FD.store(rustix::fd::IntoRawFd::into_raw_fd(fd), Relaxed);
            }
        }
    }
    STATE.store(state, Relaxed);
    ENV_READ.store(2, Release);
}

/// Calls `f` with each `NAME=value` entry of `/proc/self/environ` that is short enough
/// to be one of ours (longer entries are skipped).
fn for_each_env_entry(f: &mut dyn FnMut(&[u8])) {
    use rustix::fs::{open, Mode, OFlags};
    let Ok(fd) = open(c"/proc/self/environ", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) else {
        return;
    };
    let mut chunk = [0u8; 512];
    let mut entry = [0u8; 300];
    let (mut len, mut too_long) = (0usize, false);
    loop {
        let n = match rustix::io::read(&fd, &mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => break,
        };
        for &c in &chunk[..n] {
            if c == 0 {
                if !too_long {
                    f(&entry[..len]);
                }
                (len, too_long) = (0, false);
            } else if len < entry.len() {
                entry[len] = c;
                len += 1;
            } else {
                too_long = true;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Output

/// A batch of lines built on the stack and written with as few `write(2)`s as fit
/// (each write holds whole lines, so concurrent writers do not interleave mid-line).
struct Out {
    buf: [u8; 4096],
    len: usize,
    line_start: usize,
    pid: i32,
}

impl Out {
    fn new() -> Out {
        Out { buf: [0; 4096], len: 0, line_start: 0, pid: rustix::process::getpid().as_raw_nonzero().get() }
    }

    /// Starts a line: `io_urine SECONDS.NANOS pid=N `.
    fn begin(&mut self) {
        self.line_start = self.len;
        let t = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
        self.push("io_urine ");
        self.dec(t.tv_sec);
        // Nanoseconds, zero-padded to nine digits.
        let ns = 1_000_000_000 + t.tv_nsec as i64;
        let mark = self.len;
        self.dec(ns);
        if self.len == mark + 10 {
            self.buf[mark] = b'.';
        }
        let pid = self.pid;
        self.key(" pid=").dec(pid as i64);
        self.push(" ");
    }

    fn push(&mut self, s: &str) {
        self.push_bytes(s.as_bytes());
    }

    #[inline]
    fn push_bytes(&mut self, b: &[u8]) {
        if let Some(dst) = self.buf.get_mut(self.len..self.len + b.len()) {
            dst.copy_from_slice(b);
            self.len += b.len();
        } else {
            self.push_full(b);
        }
    }

    /// The buffer is full: write the finished lines, keep the current one (a line longer
    /// than the buffer is truncated).
    #[cold]
    fn push_full(&mut self, b: &[u8]) {
        if self.line_start > 0 {
            write_out(&self.buf[..self.line_start]);
            self.buf.copy_within(self.line_start..self.len, 0);
            self.len -= self.line_start;
            self.line_start = 0;
        }
        let n = b.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&b[..n]);
        self.len += n;
    }

    /// `push`, returning `self` for the value that follows.
    fn key(&mut self, s: &str) -> &mut Self {
        self.push(s);
        self
    }

    /// A signed decimal (u64 values such as offsets arrive as their i64 bits: an offset
    /// of -1, "the current position", prints as -1).
    fn dec(&mut self, v: i64) {
        let mut digits = [0u8; 21];
        let mut n = v.unsigned_abs();
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if v < 0 {
            i -= 1;
            digits[i] = b'-';
        }
        self.push_bytes(&digits[i..]);
    }

    /// `0x` and lowercase hex digits.
    fn hex(&mut self, v: u64) {
        let mut digits = [0u8; 18];
        let mut n = v;
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b"0123456789abcdef"[(n & 15) as usize];
            n >>= 4;
            if n == 0 {
                break;
            }
        }
        i -= 2;
        digits[i..i + 2].copy_from_slice(b"0x");
        self.push_bytes(&digits[i..]);
    }

    /// A flags word as [`Flags`] shows it (`NAME|NAME|0x80`, or `0`).
    fn flags(&mut self, v: u32, bits: &[names::Bit]) {
        if v == 0 {
            return self.push("0");
        }
        let mut rest = v;
        let mut first = true;
        for &(bit, name) in bits {
            if bit != 0 && rest & bit == bit {
                if !first {
                    self.push("|");
                }
                self.push(name);
                rest &= !bit;
                first = false;
            }
        }
        if rest != 0 {
            if !first {
                self.push("|");
            }
            self.hex(rest as u64);
        }
    }

    /// Ends a line; flushes what came before it when the buffer is nearly full.
    fn end(&mut self) {
        let _ = self.write_str("\n");
        if self.len > self.buf.len() - 512 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        write_out(&self.buf[..self.len]);
        self.len = 0;
        self.line_start = 0;
    }
}

/// The output of one hook call, set up at its first line: most checked submissions
/// print nothing and then cost no buffer.
#[derive(Default)]
struct Lines(Option<Out>);

impl Lines {
    /// Starts a line (see [`Out::begin`]).
    fn begin(&mut self) -> &mut Out {
        let out = self.0.get_or_insert_with(Out::new);
        out.begin();
        out
    }
}

/// Writes `bytes` to the trace output (lines are dropped if the program closed it).
fn write_out(mut bytes: &[u8]) {
    // SAFETY: stderr or the trace file we opened and never close; if the program closed
    // it, write fails with EBADF and the lines are dropped.
    let fd = unsafe { BorrowedFd::borrow_raw(OUT_FD.load(Relaxed)) };
    while !bytes.is_empty() {
        match rustix::io::write(fd, bytes) {
            Ok(n) if n > 0 => bytes = &bytes[n..],
            Err(rustix::io::Errno::INTR) => {}
            _ => break,
        }
    }
}

impl fmt::Write for Out {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s);
        Ok(())
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        self.flush();
    }
}

// ---------------------------------------------------------------------------------------
// Per-ring state (which CQEs were traced), in a small direct-mapped table keyed by the
// ring's CQ head pointer (stable even when the `struct io_uring` itself moves).

struct RingSlot {
    key: AtomicUsize,
    /// The next CQ index not traced yet.
    next_cqe: AtomicU32,
    /// The CQ head at the last "head past tail" warning (warn once per position).
    warned_head: AtomicU32,
}

const SLOTS: usize = 32;
#[allow(clippy::declare_interior_mutable_const)]
const EMPTY_SLOT: RingSlot =
    RingSlot { key: AtomicUsize::new(0), next_cqe: AtomicU32::new(0), warned_head: AtomicU32::new(0) };
static RINGS: [RingSlot; SLOTS] = [EMPTY_SLOT; SLOTS];

fn slot(ring: &io_uring, head: u32) -> &'static RingSlot {
    let key = ring.cq.khead as usize;
    let s = &RINGS[(key >> 12) % SLOTS];
    if s.key.swap(key, Relaxed) != key {
        s.next_cqe.store(head, Relaxed);
        s.warned_head.store(head.wrapping_sub(1), Relaxed);
    }
    s
}

// ---------------------------------------------------------------------------------------
// Hooks

/// Ring setup succeeded (`finish_ring`): read the environment if not done yet.
#[cold]
pub fn on_ring_setup() {
    if ENV_READ.load(Acquire) == 0 {
        read_env();
    }
}

/// `io_uring_queue_init*` failed with `err`: with tracing or checking on, print the
/// doctor's one-line diagnosis.
#[cold]
pub fn on_setup_failed(err: i32, entries: u32, flags: u32) {
    // The diagnosis sets up rings of its own (which may fail): one diagnosis at a time.
    static DIAGNOSING: AtomicBool = AtomicBool::new(false);
    on_ring_setup();
    if !active() || DIAGNOSING.swap(true, Acquire) {
        return;
    }
    let cause = diag::diagnose(err, entries, flags, &diag::Facts::gather());
    DIAGNOSING.store(false, Release);
    let mut lines = Lines::default();
    let out = lines.begin();
    let _ = write!(
        out,
        "setup failed: io_uring_queue_init({entries}, flags={}) = {}: {}; fix: {}",
        Flags(flags, names::SETUP_FLAGS),
        Res(err),
        cause.cause(),
        cause.fix()
    );
    out.end();
}

/// The SQ is about to be flushed: the SQEs handed out since the last flush (from slot 0
/// on `SQ_REWIND` rings) are about to be published to the kernel.
#[cold]
pub(crate) fn on_submit(ring: &Live) {
    let tail = ring.sq.sqe_tail;
    let head = if ring.flags & sys::IORING_SETUP_SQ_REWIND != 0 { 0 } else { ring.sq.sqe_head };
    let mut lines = Lines::default();
    let mut provided = Provided::default();
    let mut files_checked = None;
    let mixed = ring.flags & sys::IORING_SETUP_SQE_MIXED != 0;
    let mut i = head;
    while i != tail {
        // SAFETY: a slot in the SQ mapping (ring::sq::slot masks the index) that the
        // application filled and the kernel has not been shown yet.
        let sqe = unsafe { &*crate::ring::sq::slot(ring, i) };
        if tracing() {
            let out = lines.begin();
            out.key("ring=").dec(ring.ring_fd as i64);
            out.push(" ");
            write_sqe(out, sqe);
            out.end();
        }
        if checking() {
            check_sqe(&mut lines, ring, sqe, &mut provided, &mut files_checked);
        }
        let big = mixed && matches!(sqe.opcode, sys::IORING_OP_NOP128 | sys::IORING_OP_URING_CMD128);
        i = i.wrapping_add(1 + big as u32);
    }
    scan_cq(&mut lines, ring);
}

/// A reap is starting on `ring`, or an `io_uring_enter` just returned: trace the CQEs
/// that arrived since the last look.
#[cold]
pub(crate) fn on_reap(ring: &Live) {
    let mut lines = Lines::default();
    scan_cq(&mut lines, ring);
}

/// Traces the CQEs between what was traced last and the tail; in checked mode, warns
/// when the CQ head has moved past the tail (more completions consumed than there were).
fn scan_cq(lines: &mut Lines, ring: &Live) {
    let (head, tail) = (ring.cq_khead(), ring.cq_ktail());
    let s = slot(ring, head);
    let ready = tail.wrapping_sub(head);
    if ready as i32 <= 0 {
        if ready as i32 != 0 && checking() && s.warned_head.swap(head, Relaxed) != head {
            let out = lines.begin();
            let _ = write!(
                out,
                "check: ring={}: the CQ head is {} entries past the tail: io_uring_cqe_seen/io_uring_cq_advance consumed more completions than io_uring_cq_ready reported",
                ring.ring_fd,
                ready.wrapping_neg()
            );
            out.end();
        }
        s.next_cqe.store(tail, Relaxed);
        return;
    }
    if !tracing() {
        return;
    }
    let mut i = s.next_cqe.load(Relaxed);
    if i.wrapping_sub(head) > ready {
        i = head;
    }
    while i != tail {
        // SAFETY: a CQ slot (cqe_at masks the index) between the head and the
        // acquire-loaded tail: written by the kernel, not yet handed back.
        let cqe = unsafe { &*crate::ring::cq::cqe_at(ring, i) };
        let out = lines.begin();
        out.key("ring=").dec(ring.ring_fd as i64);
        out.push(" ");
        write_cqe(out, cqe);
        out.end();
        i = i.wrapping_add(crate::ring::cq::cqe_nr(cqe));
        if i.wrapping_sub(head) > ready {
            break;
        }
    }
    s.next_cqe.store(tail, Relaxed);
}

/// `SQE op=READV fd=3 off=0 len=2 addr=0x… flags=IO_LINK rw_flags=NOWAIT user_data=0x1`
/// (written field by field: `core::fmt` would cost several times more per line).
fn write_sqe(out: &mut Out, sqe: &io_uring_sqe) {
    out.push("SQE op=");
    match names::opcode_name(sqe.opcode) {
        Some(name) => out.push(name),
        None => out.dec(sqe.opcode as i64),
    }
    out.key(" fd=").dec(sqe.fd as i64);
    out.key(" off=").dec(sqe.off as i64);
    out.key(" len=").dec(sqe.len as i64);
    out.key(" addr=").hex(sqe.addr);
    out.key(" flags=").flags(sqe.flags as u32, names::SQE_FLAGS);
    let (word, bits) = names::op_flags_table(sqe.opcode);
    out.push(" ");
    out.push(word);
    out.push("=");
    if bits.is_empty() {
        out.hex(sqe.op_flags as u64);
    } else {
        out.flags(sqe.op_flags, bits);
    }
    if sqe.ioprio != 0 {
        out.key(" ioprio=").hex(sqe.ioprio as u64);
    }
    if sqe.flags & sys::IOSQE_BUFFER_SELECT != 0 {
        out.key(" buf_group=").dec(sqe.buf_index as i64);
    } else if sqe.buf_index != 0 {
        out.key(" buf_index=").dec(sqe.buf_index as i64);
    }
    if sqe.personality != 0 {
        out.key(" personality=").dec(sqe.personality as i64);
    }
    if sqe.splice_fd_in != 0 {
        out.key(" file_index=").dec(sqe.splice_fd_in as i64);
    }
    out.key(" user_data=").hex(sqe.user_data);
}

/// `CQE user_data=0x1 res=-9(EBADF) flags=MORE`
fn write_cqe(out: &mut Out, cqe: &io_uring_cqe) {
    out.key("CQE user_data=").hex(cqe.user_data);
    out.key(" res=").dec(cqe.res as i64);
    if let Some(n) = names::errno_name(cqe.res.wrapping_neg()).filter(|_| cqe.res < 0) {
        out.push("(");
        out.push(n);
        out.push(")");
    }
    out.key(" flags=").flags(cqe.flags & 0xffff, names::CQE_FLAGS);
    if cqe.flags >> 16 != 0 && cqe.flags & sys::IORING_CQE_F_BUFFER != 0 {
        out.key(" buf_id=").dec((cqe.flags >> 16) as i64);
    }
}

// ---------------------------------------------------------------------------------------
// Checked mode

/// The kernel's probe, fetched once: bit `op` set when supported.
static PROBE: [AtomicU64; 4] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];
static PROBE_LAST_OP: AtomicU32 = AtomicU32::new(0);
static PROBED: AtomicBool = AtomicBool::new(false);

fn opcode_supported(ring: &io_uring, op: u8) -> Option<bool> {
    if !PROBED.load(Acquire) {
        let p = crate::register::probe::get_probe_ring(ring).ok()?;
        // SAFETY: a probe the kernel filled, with room for PROBE_OPS ops.
        unsafe {
            let last = (*p).last_op;
            for o in 0..=last {
                if crate::register::probe::opcode_supported(&*p, o as i32) {
                    PROBE[o as usize / 64].fetch_or(1 << (o % 64), Relaxed);
                }
            }
            PROBE_LAST_OP.store(last as u32, Relaxed);
            crate::register::probe::free_probe(p);
        }
        PROBED.store(true, Release);
    }
    Some(PROBE[op as usize / 64].load(Relaxed) & (1 << (op % 64)) != 0)
}

/// Buffer groups given buffers by `PROVIDE_BUFFERS` SQEs earlier in the same batch
/// (the kernel does not know them yet when the batch is checked).
#[derive(Default)]
struct Provided {
    groups: [u16; 16],
    n: usize,
}

/// The kernel's answer to "does `ring` have a file table": a files update at an offset
/// no table reaches fails with ENXIO without one (EINVAL with one) and changes nothing.
fn has_file_table(ring: &io_uring) -> Option<bool> {
    let fd = -1i32;
    let up = sys::io_uring_files_update { offset: i32::MAX as u32, resv: 0, fds: &fd as *const i32 as u64 };
    // SAFETY: `up` and `fd` outlive the call; the kernel only reads them.
    let r =
        unsafe { crate::ring::do_register(ring, sys::IORING_REGISTER_FILES_UPDATE, &up as *const _ as *const _, 1) };
    match -r {
        e if e == rustix::io::Errno::NXIO.raw_os_error() => Some(false),
        e if e == rustix::io::Errno::INVAL.raw_os_error() => Some(true),
        _ => None,
    }
}

/// The kernel's answer to "is buffer group `bgid` registered": `PBUF_STATUS` fails with
/// ENOENT for a group that has neither a buffer ring nor provided buffers (Linux 6.8+;
/// older kernels answer EINVAL, and then nothing is said).
fn has_buffer_group(ring: &io_uring, bgid: u16) -> Option<bool> {
    let mut st = sys::io_uring_buf_status { buf_group: bgid as u32, head: 0, resv: [0; 8] };
    // SAFETY: `st` outlives the call.
    let r =
        unsafe { crate::ring::do_register(ring, sys::IORING_REGISTER_PBUF_STATUS, &mut st as *mut _ as *const _, 1) };
    if r == -rustix::io::Errno::NOENT.raw_os_error() {
        Some(false)
    } else {
        Some(true)
    }
}

fn check_sqe(
    lines: &mut Lines,
    ring: &io_uring,
    sqe: &io_uring_sqe,
    provided: &mut Provided,
    files: &mut Option<Option<bool>>,
) {
    let warn = |lines: &mut Lines, args: fmt::Arguments| {
        let out = lines.begin();
        let _ = write!(out, "check: ring={} SQE user_data={:#x}: {args}", ring.ring_fd, sqe.user_data);
        out.end();
    };
    let op = sqe.opcode;
    if opcode_supported(ring, op) == Some(false) {
        let last = PROBE_LAST_OP.load(Relaxed);
        match names::opcode_name(op) {
            Some(n) => warn(lines, format_args!("opcode {op} ({n}) is not supported by this kernel (its probe knows opcodes 0..={last}); the CQE will be -EINVAL")),
            None => warn(lines, format_args!("opcode {op} is not an io_uring opcode this kernel supports (its probe knows 0..={last}); the CQE will be -EINVAL")),
        }
    }
    let known = names::SQE_FLAGS.iter().fold(0, |a, b| a | b.0) as u8;
    if sqe.flags & !known != 0 {
        warn(
            lines,
            format_args!(
                "unknown SQE flags {:#x} (known: {}); the CQE will be -EINVAL",
                sqe.flags & !known,
                Flags(known as u32, names::SQE_FLAGS)
            ),
        );
    } else if sqe.flags & sys::IOSQE_CQE_SKIP_SUCCESS != 0 && ring.features & sys::IORING_FEAT_CQE_SKIP == 0 {
        warn(lines, format_args!("IOSQE_CQE_SKIP_SUCCESS is not known by this kernel (no IORING_FEAT_CQE_SKIP)"));
    }
    if sqe.flags & sys::IOSQE_FIXED_FILE != 0 && *files.get_or_insert_with(|| has_file_table(ring)) == Some(false) {
        warn(
            lines,
            format_args!(
                "IOSQE_FIXED_FILE (fd={} is an index) but no files are registered on this ring; the CQE will be -EBADF",
                sqe.fd
            ),
        );
    }
    if op == sys::IORING_OP_PROVIDE_BUFFERS && provided.n < provided.groups.len() {
        provided.groups[provided.n] = sqe.buf_index;
        provided.n += 1;
    }
    if sqe.flags & sys::IOSQE_BUFFER_SELECT != 0 {
        let bgid = sqe.buf_index;
        if !provided.groups[..provided.n].contains(&bgid) && has_buffer_group(ring, bgid) == Some(false) {
            warn(lines, format_args!("IOSQE_BUFFER_SELECT on buffer group {bgid}, which has no buffers registered (no buffer ring, no PROVIDE_BUFFERS); the CQE will be -ENOBUFS"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn environ_entries_match_std() {
        // Entries of the initial environment short enough for the scanner (300 bytes).
        let mut seen: Vec<Vec<u8>> = Vec::new();
        for_each_env_entry(&mut |e| seen.push(e.to_vec()));
        assert!(!seen.is_empty(), "/proc/self/environ gave nothing");
        for (k, v) in std::env::vars_os() {
            let mut e = k.as_encoded_bytes().to_vec();
            e.push(b'=');
            e.extend_from_slice(v.as_encoded_bytes());
            if e.len() <= 300 && k != "RUST_TEST_THREADS" {
                assert!(seen.contains(&e), "{k:?} missing");
            }
        }
    }

    #[test]
    fn sqe_and_cqe_lines() {
        let mut out = Out::new();
        let sqe = io_uring_sqe {
            opcode: sys::IORING_OP_RECV,
            flags: sys::IOSQE_BUFFER_SELECT | sys::IOSQE_IO_LINK,
            fd: 5,
            len: 64,
            op_flags: 0x100,
            buf_index: 3,
            user_data: 42,
            ..Default::default()
        };
        write_sqe(&mut out, &sqe);
        let cqe = io_uring_cqe { user_data: 42, res: -105, flags: sys::IORING_CQE_F_MORE };
        write_cqe(&mut out, &cqe);
        let text = core::str::from_utf8(&out.buf[..out.len]).unwrap();
        assert_eq!(
            text,
            "SQE op=RECV fd=5 off=0 len=64 addr=0x0 flags=IO_LINK|BUFFER_SELECT msg_flags=WAITALL buf_group=3 user_data=0x2aCQE user_data=0x2a res=-105(ENOBUFS) flags=MORE"
        );
        out.len = 0; // nothing to write on drop
    }

    #[test]
    fn numbers_and_line_start() {
        let mut out = Out::new();
        for v in [0, 7, -1, i64::MIN, i64::MAX] {
            out.dec(v);
            out.push(" ");
        }
        for v in [0, 0xabc, u64::MAX] {
            out.hex(v);
            out.push(" ");
        }
        out.flags(0, names::SQE_FLAGS);
        out.push(" ");
        out.flags(0x85, names::SQE_FLAGS);
        let text = std::string::String::from_utf8(out.buf[..out.len].to_vec()).unwrap();
        assert_eq!(
            text,
            "0 7 -1 -9223372036854775808 9223372036854775807 0x0 0xabc 0xffffffffffffffff 0 FIXED_FILE|IO_LINK|0x80"
        );
        out.len = 0;
        out.begin();
        let line = std::string::String::from_utf8(out.buf[..out.len].to_vec()).unwrap();
        let mut words = line.split(' ');
        assert_eq!(words.next(), Some("io_urine"));
        let (sec, ns) = words.next().unwrap().split_once('.').unwrap();
        assert!(sec.parse::<u64>().is_ok() && ns.len() == 9 && ns.parse::<u32>().is_ok(), "{line}");
        assert!(words.next().unwrap().starts_with("pid="));
        out.len = 0;
    }
}
