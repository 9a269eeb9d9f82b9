//! With the `header` feature (the Makefile turns it on), regenerates `include/liburing.h`
//! with cbindgen and fails the build if the committed header is stale. Set
//! `IO_URINE_BLESS=1` (`make header`) to write the fresh header instead.

fn main() {
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=include/liburing.h");
    println!("cargo:rerun-if-env-changed=IO_URINE_BLESS");
    #[cfg(feature = "header")]
    header::check();
}

#[cfg(feature = "header")]
mod header {
    use std::{
        collections::HashSet,
        env, fs,
        path::{Path, PathBuf},
    };

    pub fn check() {
        let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
        let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
        let bindings = cbindgen::Builder::new()
            .with_crate(&dir)
            .with_config(config)
            .generate()
            .expect("cbindgen could not generate liburing.h");
        let mut fresh = Vec::new();
        bindings.write(&mut fresh);
        let fresh = hide_inline_from_bindgen(&String::from_utf8(fresh).unwrap(), &dir).into_bytes();
        let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("liburing.h");
        fs::write(&out, &fresh).unwrap();
        let committed_path = dir.join("include/liburing.h");
        let committed = fs::read(&committed_path).unwrap_or_default();
        if committed != fresh {
            if env::var_os("IO_URINE_BLESS").is_some_and(|v| v == "1") {
                fs::write(&committed_path, &fresh).unwrap();
            } else {
                panic!(
                    "include/liburing.h is stale: the fresh one is at {}; run `make header` and commit it",
                    out.display()
                );
            }
        }
    }

    /// liburing.h defines its helpers `static inline`, which bindgen skips; Rust crates
    /// written against it (liburing-rs) declare the helpers themselves and fail with
    /// "defined multiple times" if bindgen also emits them from our plain prototypes.
    /// bindgen's `<div rustbindgen hide></div>` doc annotation hides exactly those
    /// functions from bindgen (C, C++, Zig and cgo read it as a comment): every name
    /// liburing-ffi exports but liburing.so does not, plus io_uring_get_sqe (exported by
    /// liburing.so, yet inline in liburing.h).
    fn hide_inline_from_bindgen(header: &str, dir: &Path) -> String {
        let abi = env::var_os("IO_URINE_ABI").map(PathBuf::from).unwrap_or_else(|| dir.join("abi"));
        println!("cargo:rerun-if-env-changed=IO_URINE_ABI");
        let names = |file: &str| -> HashSet<String> {
            let path = abi.join(file);
            println!("cargo:rerun-if-changed={}", path.display());
            fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (set IO_URINE_ABI)", path.display()))
                .lines()
                .filter_map(|l| l.split('\t').next())
                .map(str::to_owned)
                .collect()
        };
        let so = names("liburing.symbols");
        let mut inline: HashSet<String> = names("liburing-ffi.symbols").difference(&so).cloned().collect();
        inline.insert("io_uring_get_sqe".to_owned());
        let lines: Vec<&str> = header.split_inclusive('\n').collect();
        let mut out = String::with_capacity(header.len() + inline.len() * 40);
        for (i, line) in lines.iter().enumerate() {
            if line.trim_end() == " */" {
                let next = lines.get(i + 1).copied().unwrap_or("");
                let name = next.split('(').next().unwrap_or("");
                let name = name.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or("");
                if next.contains('(') && !next.starts_with('#') && inline.contains(name) {
                    out.push_str(" * <div rustbindgen hide></div>\n");
                }
            }
            out.push_str(line);
        }
        out
    }
}
