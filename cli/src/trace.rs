//! `io_urine trace`: exec the command with our liburing.so.2 preloaded and tracing on.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Where our liburing.so.2 is: `$IO_URINE_LIB`, else the first io_urine build of
/// liburing.so.2 in `../lib` (or `../lib64`, `../lib/<multiarch>`) next to this binary
/// (build/bin → build/lib, $PREFIX/bin → $PREFIX/lib), the LIBDIR the Makefile built us
/// for, or the system's library directories. "An io_urine build" is a file that contains
/// the name of the trace variable, which Debian's or upstream's liburing never does.
fn find_library() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("IO_URINE_LIB") {
        return Some(PathBuf::from(p));
    }
    let multiarch = format!("{}-linux-gnu", std::env::consts::ARCH);
    let mut dirs = Vec::new();
    if let Some(bin) = std::env::current_exe().ok().as_deref().and_then(Path::parent) {
        for d in ["lib", "lib64", &format!("lib/{multiarch}")] {
            dirs.push(bin.join("..").join(d));
        }
    }
    if let Some(d) = option_env!("IO_URINE_LIBDIR") {
        dirs.push(PathBuf::from(d));
    }
    for d in ["/usr/local/lib", &format!("/usr/lib/{multiarch}"), "/usr/lib64", "/usr/lib"] {
        dirs.push(PathBuf::from(d));
    }
    dirs.into_iter().map(|d| d.join("liburing.so.2")).find(|p| is_io_urine(p)).map(|p| p.canonicalize().unwrap_or(p))
}

/// True when `lib` is an io_urine build (see [`find_library`]).
fn is_io_urine(lib: &Path) -> bool {
    std::fs::read(lib).is_ok_and(|bytes| bytes.windows(15).any(|w| w == b"IO_URINE_TRACE="))
}

/// `VAR=first:old` (or just `first`).
fn prepend(var: &str, first: &Path, sep: &str) -> OsString {
    let mut v = OsString::from(first);
    if let Some(old) = std::env::var_os(var).filter(|o| !o.is_empty()) {
        v.push(sep);
        v.push(old);
    }
    v
}

pub fn run(args: &[String]) -> ExitCode {
    let mut out: Option<PathBuf> = None;
    let mut check = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-o" if i + 1 < args.len() => {
                out = Some(PathBuf::from(&args[i + 1]));
                i += 1;
            }
            "--check" => check = true,
            "--" => {
                i += 1;
                break;
            }
            _ => break,
        }
        i += 1;
    }
    let cmd = &args[i..];
    if cmd.is_empty() {
        eprintln!("usage: io_urine trace [-o FILE] [--check] -- CMD [ARGS...]");
        return ExitCode::from(2);
    }
    let Some(lib) = find_library() else {
        eprintln!(
            "io_urine trace: no io_urine liburing.so.2 next to this program or in the system's library directories (set IO_URINE_LIB=/path/to/liburing.so.2)"
        );
        return ExitCode::from(2);
    };
    // The library reads IO_URINE_TRACE from its initial environment; a relative path
    // would follow the command's chdir, so make it absolute now (and start it empty).
    let target = match &out {
        Some(p) => {
            let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
            if let Err(e) = std::fs::File::create(&abs) {
                eprintln!("io_urine trace: {}: {e}", abs.display());
                return ExitCode::from(2);
            }
            abs.into_os_string()
        }
        None => OsString::from("1"),
    };
    let libdir = lib.parent().unwrap_or(Path::new("."));
    let mut c = Command::new(&cmd[0]);
    c.args(&cmd[1..])
        .env("LD_PRELOAD", prepend("LD_PRELOAD", &lib, " "))
        .env("LD_LIBRARY_PATH", prepend("LD_LIBRARY_PATH", libdir, ":"))
        .env("IO_URINE_TRACE", target);
    if check {
        c.env("IO_URINE_CHECK", "1");
    }
    let err = c.exec();
    eprintln!("io_urine trace: {}: {err}", cmd[0]);
    ExitCode::from(127)
}
