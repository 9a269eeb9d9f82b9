//! With the `header` feature (the Makefile turns it on), regenerates `include/liburing.h`
//! with cbindgen and fails the build if the committed header is stale. Set
//! `IO_URINE_BLESS=1` (`make header`) to write the fresh header instead.

fn main() {
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-env-changed=IO_URINE_BLESS");
    #[cfg(feature = "header")]
    header::check();
}

#[cfg(feature = "header")]
mod header {
    use std::{env, fs, path::PathBuf};

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
}
