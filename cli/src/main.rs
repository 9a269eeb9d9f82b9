//! `io_urine`: the command-line companion of the io_urine library.
//!
//! * `io_urine doctor` says whether io_uring works here and, when it does not, why and
//!   how to fix it.
//! * `io_urine trace [-o FILE] [--check] -- CMD ARGS...` runs CMD with the io_urine
//!   library preloaded and `IO_URINE_TRACE` (and `IO_URINE_CHECK`) set.

mod doctor;
mod trace;

use std::process::ExitCode;

const USAGE: &str = "\
usage: io_urine doctor
       io_urine trace [-o FILE] [--check] -- CMD [ARGS...]

doctor  checks the kernel, sysctls, seccomp, RLIMIT_MEMLOCK, opcodes, features and
        setup flags; exit 0 when io_uring works, 1 when it does not
trace   runs CMD with the io_urine liburing preloaded, printing one line per SQE
        submitted and per CQE the library sees (to stderr, or appended to FILE);
        --check also warns about misuse (IO_URINE_CHECK=1)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("doctor") if args.len() == 1 => doctor::run(),
        Some("trace") => trace::run(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("--version") => {
            println!("io_urine {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
