//! Why io_uring does not work here: the facts (`/proc`, rlimits) and the one diagnosis
//! both `io_urine doctor` and the library (when `io_uring_queue_init*` fails with
//! `IO_URINE_TRACE` / `IO_URINE_CHECK` set) give for a failed `io_uring_setup`.

use crate::ring::setup;
use crate::sys::procfs::read_file;
use crate::sys::{self, io_uring, io_uring_params};
use core::fmt;
use core::ptr;

/// Parses a leading decimal (optionally negative) number, skipping blanks.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    let s = trim(s);
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let end = digits.iter().position(|c| !c.is_ascii_digit()).unwrap_or(digits.len());
    if end == 0 {
        return None;
    }
    let mut v: i64 = 0;
    for &c in &digits[..end] {
        v = v.checked_mul(10)?.checked_add((c - b'0') as i64)?;
    }
    Some(if neg { -v } else { v })
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(s.len());
    let end = s.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &s[start..end.max(start)]
}

/// The value of `Key:` in a `/proc/self/status` text.
pub fn status_field<'a>(status: &'a [u8], key: &str) -> Option<&'a [u8]> {
    status.split(|&c| c == b'\n').find_map(|line| {
        let rest = line.strip_prefix(key.as_bytes())?;
        Some(trim(rest.strip_prefix(b":")?))
    })
}

/// What the system says about io_uring for this process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Facts {
    /// `kernel.io_uring_disabled` (0, 1, 2); `None` before Linux 6.6 (no such sysctl).
    pub disabled: Option<i64>,
    /// `kernel.io_uring_group` (-1: none).
    pub group: Option<i64>,
    /// The process is in `io_uring_group` (real, effective or supplementary gid).
    pub in_group: bool,
    /// CAP_SYS_ADMIN is in the effective set.
    pub cap_sys_admin: bool,
    /// Seccomp mode: 0 none, 1 strict, 2 filter.
    pub seccomp: Option<i64>,
    /// Installed seccomp filters (`Seccomp_filters:`).
    pub seccomp_filters: Option<i64>,
    /// RLIMIT_MEMLOCK soft and hard limits in bytes (`None`: unlimited).
    pub memlock: (Option<u64>, Option<u64>),
    /// Locked memory now, in KiB (`VmLck:`).
    pub locked_kib: Option<i64>,
}

const CAP_SYS_ADMIN: u32 = 21;
/// The kernel's `IORING_MAX_ENTRIES`.
const MAX_ENTRIES: u32 = 32768;

impl Facts {
    /// Gathers the facts from `/proc` and `getrlimit`.
    pub fn gather() -> Facts {
        let mut f = Facts::default();
        let mut buf = [0u8; 64];
        f.disabled = read_file(c"/proc/sys/kernel/io_uring_disabled", &mut buf).and_then(parse_i64);
        f.group = read_file(c"/proc/sys/kernel/io_uring_group", &mut buf).and_then(parse_i64);
        let mut status = [0u8; 4096];
        if let Some(st) = read_file(c"/proc/self/status", &mut status) {
            f.seccomp = status_field(st, "Seccomp").and_then(parse_i64);
            f.seccomp_filters = status_field(st, "Seccomp_filters").and_then(parse_i64);
            f.locked_kib = status_field(st, "VmLck").and_then(parse_i64);
            f.cap_sys_admin = status_field(st, "CapEff")
                .and_then(|h| u64::from_str_radix(core::str::from_utf8(h).ok()?, 16).ok())
                .is_some_and(|caps| caps & (1 << CAP_SYS_ADMIN) != 0);
            if let Some(g) = f.group.filter(|&g| g >= 0) {
                let listed = |key| {
                    status_field(st, key).is_some_and(|ids| {
                        ids.split(|c| c.is_ascii_whitespace()).filter_map(parse_i64).any(|id| id == g)
                    })
                };
                // Gid: real effective saved fs; Groups: supplementary.
                f.in_group = listed("Gid") || listed("Groups");
            }
        }
        let lim = rustix::process::getrlimit(rustix::process::Resource::Memlock);
        f.memlock = (lim.current, lim.maximum);
        f
    }
}

/// Why `io_uring_setup` failed, as far as the facts tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// `kernel.io_uring_disabled = 2`.
    SysctlOff,
    /// `kernel.io_uring_disabled = 1` and the process is neither in the group nor admin.
    SysctlGroup(i64),
    /// A seccomp filter refuses `io_uring_setup` (`errno` is what it returns).
    Seccomp(i32),
    /// EPERM with neither sysctl nor seccomp to blame: a security module.
    Lsm,
    /// ENOSYS without seccomp: a kernel built without io_uring.
    NoKernelSupport,
    /// ENOMEM with a RLIMIT_MEMLOCK below what the ring needs (kernels before 5.12).
    Memlock { limit: u64, need: u64 },
    /// ENOMEM otherwise.
    NoMemory,
    /// EINVAL: setup flags the kernel refuses, each tried alone (bits no kernel knows
    /// included).
    Flags { refused: u32 },
    /// EINVAL with an entry count outside 1..=32768 (without `IORING_SETUP_CLAMP`).
    Entries(u32),
    /// EINVAL although every flag is accepted alone: a combination or a parameter.
    Params,
    /// EMFILE / ENFILE.
    Fds,
    /// Anything else.
    Other(i32),
}

/// Diagnoses a failed `io_uring_setup` (`err` is the negative errno) for a ring of
/// `entries` with setup `flags`. May try setups of its own (for EINVAL: each flag alone).
pub fn diagnose(err: i32, entries: u32, flags: u32, facts: &Facts) -> Cause {
    use rustix::io::Errno as E;
    let e = -err;
    if e == E::PERM.raw_os_error() || e == E::ACCESS.raw_os_error() || e == E::NOSYS.raw_os_error() {
        match facts.disabled {
            Some(2) => return Cause::SysctlOff,
            Some(1) if !facts.in_group && !facts.cap_sys_admin => return Cause::SysctlGroup(facts.group.unwrap_or(-1)),
            _ => {}
        }
        if facts.seccomp.is_some_and(|m| m != 0) {
            return Cause::Seccomp(err);
        }
        return if e == E::NOSYS.raw_os_error() { Cause::NoKernelSupport } else { Cause::Lsm };
    }
    if e == E::NOMEM.raw_os_error() {
        let p = io_uring_params { flags, ..Default::default() };
        let need = setup::memory_size_params(entries.max(1), &p).max(0) as u64;
        let locked = facts.locked_kib.unwrap_or(0).max(0) as u64 * 1024;
        return match facts.memlock.0 {
            Some(limit) if limit < locked + need => Cause::Memlock { limit, need },
            _ => Cause::NoMemory,
        };
    }
    if e == E::INVAL.raw_os_error() {
        if (entries == 0 || entries > MAX_ENTRIES) && flags & sys::IORING_SETUP_CLAMP == 0 {
            return Cause::Entries(entries);
        }
        let mut refused = 0;
        for &(bit, _) in super::names::SETUP_FLAGS {
            if flags & bit != 0 && try_setup_flag(bit) < 0 {
                refused |= bit;
            }
        }
        // Bits no table names are unknown to every kernel liburing 2.15 knows of.
        let known = super::names::SETUP_FLAGS.iter().fold(0, |a, b| a | b.0);
        let refused = refused | (flags & !known);
        return if refused == 0 { Cause::Params } else { Cause::Flags { refused } };
    }
    if e == E::MFILE.raw_os_error() || e == E::NFILE.raw_os_error() {
        return Cause::Fds;
    }
    Cause::Other(err)
}

impl Cause {
    /// One sentence: what is wrong.
    pub fn cause(&self) -> impl fmt::Display + '_ {
        Sentence(self, false)
    }
    /// One sentence: how to fix it.
    pub fn fix(&self) -> impl fmt::Display + '_ {
        Sentence(self, true)
    }
}

struct Sentence<'a>(&'a Cause, bool);

impl fmt::Display for Sentence<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::names::{errno_name, Flags, SETUP_FLAGS};
        let fix = self.1;
        match *self.0 {
            Cause::SysctlOff if !fix => f.write_str("the sysctl kernel.io_uring_disabled is 2: io_uring is switched off for every process"),
            Cause::SysctlOff => f.write_str("as root: sysctl -w kernel.io_uring_disabled=0 (persist it in /etc/sysctl.d/)"),
            Cause::SysctlGroup(g) if !fix => write!(f, "the sysctl kernel.io_uring_disabled is 1: only CAP_SYS_ADMIN and members of kernel.io_uring_group (gid {g}) may create rings, and this process is neither"),
            Cause::SysctlGroup(g) if g >= 0 => write!(f, "add the user to group {g} (usermod -aG), or as root: sysctl -w kernel.io_uring_disabled=0"),
            Cause::SysctlGroup(_) => f.write_str("as root: sysctl -w kernel.io_uring_group=GID and add the user to that group, or sysctl -w kernel.io_uring_disabled=0"),
            Cause::Seccomp(e) if !fix => write!(f, "a seccomp filter on this process makes io_uring_setup fail with {} (Docker's and many container runtimes' default profiles block the io_uring system calls)", errno_name(-e).unwrap_or("an error")),
            Cause::Seccomp(_) => f.write_str("run with a seccomp profile that allows io_uring_setup, io_uring_enter and io_uring_register (Docker: --security-opt seccomp=PROFILE.json with those three in an SCMP_ACT_ALLOW rule, or --security-opt seccomp=unconfined; systemd: drop them from SystemCallFilter=)"),
            Cause::Lsm if !fix => f.write_str("io_uring_setup fails with EPERM although neither kernel.io_uring_disabled nor seccomp forbids it: a security module (SELinux, AppArmor) denies it"),
            Cause::Lsm => f.write_str("look for the denial in the audit log (ausearch -m avc -ts recent, journalctl -k | grep -i apparmor) and allow io_uring for this program's domain"),
            Cause::NoKernelSupport if !fix => f.write_str("io_uring_setup does not exist (ENOSYS): this kernel is older than 5.1 or was built without CONFIG_IO_URING"),
            Cause::NoKernelSupport => f.write_str("boot a kernel built with CONFIG_IO_URING=y (5.1 or newer; 6.1 or newer recommended)"),
            Cause::Memlock { limit, need } if !fix => write!(f, "RLIMIT_MEMLOCK is {} KiB but the ring needs {} KiB of locked memory (kernels before 5.12 charge ring memory to that limit)", limit / 1024, need.div_ceil(1024)),
            Cause::Memlock { .. } => f.write_str("raise the limit: ulimit -l unlimited in the shell, memlock in /etc/security/limits.conf, LimitMEMLOCK= for systemd services, docker run --ulimit memlock=-1"),
            Cause::NoMemory if !fix => f.write_str("the kernel could not allocate the ring's memory (ENOMEM) although RLIMIT_MEMLOCK allows it"),
            Cause::NoMemory => f.write_str("ask for fewer entries, or free memory (check the cgroup's memory.max)"),
            Cause::Flags { refused } if !fix => write!(f, "this kernel does not accept the setup flags {}", Flags(refused, SETUP_FLAGS)),
            Cause::Flags { .. } => f.write_str("drop the flags this kernel lacks (io_urine doctor lists what it accepts) or run a newer kernel"),
            Cause::Entries(n) if !fix => write!(f, "{n} entries: a ring has 1 to {MAX_ENTRIES} SQ entries"),
            Cause::Entries(_) => f.write_str("ask for 1 to 32768 entries, or set IORING_SETUP_CLAMP to have the kernel cap the count"),
            Cause::Params if !fix => f.write_str("the kernel accepts each requested flag alone but refuses this combination or these parameters (EINVAL)"),
            Cause::Params => f.write_str("check what the flags need: SQ_AFF needs SQPOLL, DEFER_TASKRUN needs SINGLE_ISSUER, REGISTERED_FD_ONLY needs NO_MMAP, ATTACH_WQ a live wq_fd, CQSIZE cq_entries at least the SQ entries (at most 65536), TASKRUN_FLAG COOP_TASKRUN or DEFER_TASKRUN"),
            Cause::Fds if !fix => f.write_str("the process or the system is out of file descriptors (EMFILE/ENFILE)"),
            Cause::Fds => f.write_str("close unused descriptors or raise ulimit -n"),
            Cause::Other(e) if !fix => write!(f, "io_uring_setup failed with {}", super::names::Res(e)),
            Cause::Other(_) => f.write_str("run io_urine doctor for the full picture"),
        }
    }
}

/// What a flag needs alongside to be tried on its own (`SQ_AFF` needs `SQPOLL` …).
pub fn setup_flag_companions(flag: u32) -> u32 {
    match flag {
        sys::IORING_SETUP_SQ_AFF => sys::IORING_SETUP_SQPOLL,
        sys::IORING_SETUP_TASKRUN_FLAG => sys::IORING_SETUP_COOP_TASKRUN,
        sys::IORING_SETUP_DEFER_TASKRUN => sys::IORING_SETUP_SINGLE_ISSUER,
        sys::IORING_SETUP_REGISTERED_FD_ONLY => sys::IORING_SETUP_NO_MMAP,
        sys::IORING_SETUP_HYBRID_IOPOLL => sys::IORING_SETUP_IOPOLL,
        _ => 0,
    }
}

/// Sets up (and tears down) a 4-entry ring with `flag` and its companions through the
/// library's own setup path; 0 when the kernel accepts it, else the negative errno.
pub fn try_setup_flag(flag: u32) -> i32 {
    let mut base = io_uring::zeroed();
    let mut p = io_uring_params { flags: flag | setup_flag_companions(flag), ..Default::default() };
    if p.flags & sys::IORING_SETUP_SQPOLL != 0 {
        p.sq_thread_idle = 1;
    }
    if flag == sys::IORING_SETUP_CQSIZE {
        p.cq_entries = 16;
    }
    if flag == sys::IORING_SETUP_ATTACH_WQ {
        let mut bp = io_uring_params::default();
        // SAFETY: fresh ring and params, no caller memory.
        let r = unsafe { setup::queue_init_params(4, &mut base, &mut bp, ptr::null_mut(), 0) };
        if r < 0 {
            return r;
        }
        p.wq_fd = base.ring_fd as u32;
    }
    let mut ring = io_uring::zeroed();
    // SAFETY: fresh ring and params, no caller memory.
    let r = unsafe { setup::queue_init_params(4, &mut ring, &mut p, ptr::null_mut(), 0) };
    // SAFETY: rings set up above (queue_exit ignores a zeroed one).
    unsafe {
        if r >= 0 {
            setup::queue_exit(&mut ring);
        }
        if flag == sys::IORING_SETUP_ATTACH_WQ {
            setup::queue_exit(&mut base);
        }
    }
    r.min(0)
}

/// Does this kernel republish an already reaped CQE when a 32-byte CQE overflows one slot
/// before the wrap of an `IORING_SETUP_CQE_MIXED` ring? 6.18 does (Debian's 7.3.4 does
/// not): it writes the padding entry, finds no room for the two slots, and leaves its CQE
/// cache on the padding slot, so the next 16-byte CQE overwrites the padding and the tail
/// passes a slot nobody wrote. The ring comes from the library's setup; the SQEs, the
/// `io_uring_enter` calls and the reading of the CQ are raw, so the answer is the kernel's.
/// `None` when the kernel refuses `CQE_MIXED`.
pub fn kernel_cqe_mixed_wrap_bug() -> Option<bool> {
    use core::sync::atomic::{AtomicU32, Ordering};
    let mut ring = io_uring::zeroed();
    let mut p = io_uring_params {
        flags: sys::IORING_SETUP_CQE_MIXED | sys::IORING_SETUP_CQSIZE,
        cq_entries: 4,
        ..Default::default()
    };
    // SAFETY: fresh ring and params, no caller memory.
    if unsafe { setup::queue_init_params(4, &mut ring, &mut p, ptr::null_mut(), 0) } < 0 {
        return None;
    }
    let fd = ring.ring_fd as u32;
    // SAFETY (the block): the ring set up above; its index words are the kernel's shared
    // u32s (atomics), the SQE and CQE arrays have 4 entries, indices are masked by 3.
    let bug = unsafe {
        let (sq_tail, cq_head, cq_tail) = (
            AtomicU32::from_ptr(ring.sq.ktail),
            AtomicU32::from_ptr(ring.cq.khead),
            AtomicU32::from_ptr(ring.cq.ktail),
        );
        let nop = |ud: u64, big: bool| {
            let t = sq_tail.load(Ordering::Relaxed);
            let sqe = ring.sq.sqes.add((t & 3) as usize);
            ptr::write_bytes(sqe, 0, 1);
            (*sqe).opcode = sys::IORING_OP_NOP;
            (*sqe).user_data = ud;
            (*sqe).op_flags = if big { sys::IORING_NOP_CQE32 } else { 0 };
            if !ring.sq.array.is_null() {
                *ring.sq.array.add((t & 3) as usize) = t & 3;
            }
            sq_tail.store(t.wrapping_add(1), Ordering::Release);
            sys::syscall::io_uring_enter(fd, 1, 0, 0, ptr::null(), 0)
        };
        // CQEs 1, 2, 3 at indices 0..2, the first reaped (head 1, tail 3); a 32-byte CQE
        // (padding at index 3, no room: overflow); a 16-byte CQE; a flush.
        let submitted = [nop(1, false), nop(2, false), nop(3, false)];
        cq_head.store(1, Ordering::Release);
        let more = [nop(4, true), nop(5, false)];
        sys::syscall::io_uring_enter(fd, 0, 0, sys::IORING_ENTER_GETEVENTS, ptr::null(), 0);
        let (mut h, t) = (cq_head.load(Ordering::Relaxed), cq_tail.load(Ordering::Acquire));
        let mut bug = false;
        if submitted.iter().chain(&more).all(|&n| n == 1) {
            while (t.wrapping_sub(h) as i32) > 0 {
                let c = &*ring.cq.cqes.add((h & 3) as usize);
                // reaped before: a slot the tail passed without the kernel writing it
                bug |= c.user_data == 1;
                h = h.wrapping_add(if c.flags & sys::IORING_CQE_F_32 != 0 { 2 } else { 1 });
            }
        }
        setup::queue_exit(&mut ring);
        bug
    };
    Some(bug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        assert_eq!(parse_i64(b" 42\n"), Some(42));
        assert_eq!(parse_i64(b"-1\n"), Some(-1));
        assert_eq!(parse_i64(b"x"), None);
        let st = b"Name:\tx\nSeccomp:\t2\nSeccomp_filters:\t1\nGroups:\t4 27 100\n";
        assert_eq!(status_field(st, "Seccomp"), Some(&b"2"[..]));
        assert_eq!(status_field(st, "Seccomp_filters"), Some(&b"1"[..]));
        assert_eq!(status_field(st, "Groups"), Some(&b"4 27 100"[..]));
        assert_eq!(status_field(st, "Missing"), None);
    }

    #[test]
    fn diagnosis_order() {
        let f = Facts { disabled: Some(2), seccomp: Some(2), ..Default::default() };
        assert_eq!(diagnose(-1, 8, 0, &f), Cause::SysctlOff);
        let f = Facts { disabled: Some(1), group: Some(7), seccomp: Some(2), ..Default::default() };
        assert_eq!(diagnose(-1, 8, 0, &f), Cause::SysctlGroup(7));
        let f = Facts { disabled: Some(1), in_group: true, seccomp: Some(2), ..Default::default() };
        assert_eq!(diagnose(-1, 8, 0, &f), Cause::Seccomp(-1));
        let f = Facts { disabled: Some(0), seccomp: Some(0), ..Default::default() };
        assert_eq!(diagnose(-1, 8, 0, &f), Cause::Lsm);
        assert_eq!(diagnose(-38, 8, 0, &f), Cause::NoKernelSupport);
        let f = Facts { memlock: (Some(64 * 1024), Some(64 * 1024)), ..Default::default() };
        assert!(matches!(diagnose(-12, 4096, 0, &f), Cause::Memlock { limit: 65536, .. }));
        // A bit no kernel knows is named as refused.
        assert_eq!(diagnose(-22, 8, 1 << 31, &Facts::default()), Cause::Flags { refused: 1 << 31 });
        assert_eq!(diagnose(-22, 0, 0, &Facts::default()), Cause::Entries(0));
        assert_eq!(diagnose(-22, 65536, 0, &Facts::default()), Cause::Entries(65536));
        // Each flag is fine alone: SQ_AFF without SQPOLL is a combination problem.
        assert_eq!(diagnose(-22, 8, sys::IORING_SETUP_SQ_AFF, &Facts::default()), Cause::Params);
    }
}
