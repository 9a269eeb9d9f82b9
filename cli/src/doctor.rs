//! `io_urine doctor`: does io_uring work here, and if not, why not.
//!
//! Every check asks the kernel itself (a real `io_uring_setup`, a NOP round trip, the
//! probe, one setup per flag); the sysctls, seccomp mode and rlimits only explain.

use io_urine::sys;
use io_urine::trace::diag::{self, Cause, Facts};
use io_urine::trace::names::{self, Flags};
use std::fmt::Display;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::ExitCode;

fn row(key: &str, value: impl Display) {
    println!("{key:<18} {value}");
}

fn explain(c: &Cause) {
    println!("{:<18} cause: {}", "", c.cause());
    println!("{:<18} fix:   {}", "", c.fix());
}

fn kib(v: Option<u64>) -> String {
    v.map_or("unlimited".into(), |b| format!("{} KiB", b / 1024))
}

/// The raw `io_uring_setup` of a 4-entry ring: `Ok(features)` or `Err(-errno)`.
fn try_setup() -> Result<u32, i32> {
    let mut p = sys::io_uring_params::default();
    // SAFETY: a valid, zeroed params struct.
    let fd = unsafe { sys::syscall::io_uring_setup(4, &mut p) };
    if fd < 0 {
        return Err(fd);
    }
    // SAFETY: the kernel just gave us this descriptor; nothing else owns it.
    drop(unsafe { OwnedFd::from_raw_fd(fd) });
    Ok(p.features)
}

/// One NOP through the library: submitted, completed, result 0.
fn nop_round_trip() -> Result<(), String> {
    let mut ring = io_urine::IoUring::new(4).map_err(|e| format!("ring setup: {e}"))?;
    ring.push(io_urine::ops::Nop::new().user_data(0x1234)).map_err(|e| format!("push: {e}"))?;
    ring.submit_and_wait(1).map_err(|e| format!("submit: {e}"))?;
    // The guard consumes the completion when it goes.
    let cqe = ring.wait_cqe().map_err(|e| format!("wait: {e}"))?.cqe();
    match (cqe.user_data(), cqe.result()) {
        (0x1234, Ok(0)) => Ok(()),
        (ud, res) => Err(format!("unexpected completion: user_data {ud:#x}, result {res:?}")),
    }
}

pub fn run() -> ExitCode {
    let facts = Facts::gather();
    println!("io_urine doctor {} (liburing 2.15 API)\n", env!("CARGO_PKG_VERSION"));
    let u = rustix::system::uname();
    row(
        "kernel",
        format_args!(
            "{} {} ({})",
            u.sysname().to_string_lossy(),
            u.release().to_string_lossy(),
            u.machine().to_string_lossy()
        ),
    );
    match facts.disabled {
        None => row("io_uring_disabled", "no such sysctl (kernel before 6.6): io_uring is on"),
        Some(0) => row("io_uring_disabled", "0: every process may create rings"),
        Some(1) => row("io_uring_disabled", "1: only CAP_SYS_ADMIN and members of kernel.io_uring_group"),
        Some(v) => row("io_uring_disabled", format_args!("{v}: io_uring is off for everyone")),
    }
    if let Some(g) = facts.group {
        let note = match (facts.disabled, facts.in_group, facts.cap_sys_admin) {
            (Some(1), true, _) => " (this process is a member)",
            (Some(1), false, true) => " (this process is not a member but has CAP_SYS_ADMIN)",
            (Some(1), false, false) => " (this process is not a member)",
            _ => "",
        };
        row("io_uring_group", format_args!("{g}{note}"));
    }
    let mode = match facts.seccomp {
        Some(0) => "0 (none)".to_string(),
        Some(1) => "1 (strict: only read, write, exit, sigreturn)".to_string(),
        Some(2) => format!("2 (filter; {} filter(s) installed)", facts.seccomp_filters.unwrap_or(0)),
        Some(m) => m.to_string(),
        None => "unknown (no Seccomp: line in /proc/self/status)".to_string(),
    };
    row("seccomp", mode);

    let setup = try_setup();
    let mut works = setup.is_ok();
    match setup {
        Ok(features) => row("io_uring_setup", format_args!("ok (features {features:#x})")),
        Err(e) => {
            row("io_uring_setup", format_args!("FAILED: {}", names::Res(e)));
            explain(&diag::diagnose(e, 4, 0, &facts));
        }
    }
    if works {
        match nop_round_trip() {
            Ok(()) => row("NOP round trip", "ok (submitted, completed with 0)"),
            Err(e) => {
                works = false;
                row("NOP round trip", format_args!("FAILED: {e}"));
            }
        }
    }

    let locked = facts.locked_kib.map_or("?".into(), |k| format!("{k} KiB"));
    row(
        "RLIMIT_MEMLOCK",
        format_args!("soft {}, hard {}; locked now {locked}", kib(facts.memlock.0), kib(facts.memlock.1)),
    );
    // Without a working setup the kernel's features (and so its accounting) are unknown.
    if setup.is_ok() {
        let need = io_urine::ring::setup::mlock_size_params(4096, &sys::io_uring_params::default()).max(0) as u64;
        if need == 0 {
            row("", "rings need no locked memory (the kernel charges them to the memory cgroup)");
        } else {
            row("", format_args!("a 4096-entry ring needs {} KiB of locked memory", need.div_ceil(1024)));
            if let Some(limit) = facts.memlock.0.filter(|&l| l < need) {
                println!("{:<18} warning: large rings will fail with ENOMEM", "");
                explain(&Cause::Memlock { limit, need });
            }
        }
    }

    if let Ok(features) = setup {
        report_probe();
        let known = names::FEATURES.iter().fold(0, |a, b| a | b.0);
        let missing = known & !features;
        row("features", Flags(features, names::FEATURES).to_string().replace('|', " "));
        if missing != 0 {
            row("", format_args!("lacks: {}", Flags(missing, names::FEATURES).to_string().replace('|', " ")));
        }
        report_setup_flags();
        report_kernel_bugs();
    } else {
        row("opcodes", "not probed: io_uring_setup failed");
    }

    println!();
    if works {
        println!("io_uring works.");
        ExitCode::SUCCESS
    } else {
        println!("io_uring does NOT work here (see FAILED above).");
        ExitCode::FAILURE
    }
}

fn report_probe() {
    match io_urine::Probe::new() {
        Ok(p) => {
            let known = sys::IORING_OP_LAST;
            let supported = (0..=p.last_op()).filter(|&op| p.is_supported(op)).count();
            let lacks: Vec<&str> =
                (0..known).filter(|&op| !p.is_supported(op)).filter_map(names::opcode_name).collect();
            row(
                "opcodes",
                format_args!("{supported} supported (last_op {}), liburing 2.15 knows {known}", p.last_op()),
            );
            if lacks.is_empty() {
                row("", "this kernel has every opcode liburing 2.15 knows");
            } else {
                row("", format_args!("a newer kernel adds: {}", lacks.join(" ")));
            }
            if p.last_op() >= known {
                row(
                    "",
                    format_args!("this kernel knows {} opcode(s) newer than liburing 2.15", p.last_op() + 1 - known),
                );
            }
        }
        Err(e) => row("opcodes", format_args!("probe failed: {e}")),
    }
}

fn report_setup_flags() {
    let mut ok = Vec::new();
    let mut refused = Vec::new();
    for &(bit, name) in names::SETUP_FLAGS {
        match diag::try_setup_flag(bit) {
            0 => ok.push(name.to_string()),
            e => refused.push(format!("{name} ({})", names::errno_name(-e).unwrap_or("?"))),
        }
    }
    row("setup flags", format_args!("accepted: {}", ok.join(" ")));
    if !refused.is_empty() {
        row("", format_args!("refused:  {}", refused.join(" ")));
    }
}

/// Kernel bugs a program can run into through a correct use of the API, each asked of the
/// kernel itself.
fn report_kernel_bugs() {
    match diag::kernel_cqe_mixed_wrap_bug() {
        None => row("kernel bugs", "none known (CQE_MIXED wrap overflow: not applicable, CQE_MIXED refused)"),
        Some(false) => row("kernel bugs", "none known (checked: CQE_MIXED wrap overflow)"),
        Some(true) => {
            row(
                "kernel bugs",
                "CQE_MIXED wrap overflow: PRESENT: when a 32-byte CQE overflows one slot before the \
                 wrap of an IORING_SETUP_CQE_MIXED ring, this kernel publishes an already reaped \
                 CQE again",
            );
            println!("{:<18} fix:   size such a ring's CQ so that it never overflows, or set up CQE32 instead", "");
        }
    }
}
