//! With the `header` feature (the Makefile turns it on), regenerates `include/liburing/io_urine.h`
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
        collections::BTreeSet,
        env, fs,
        path::{Path, PathBuf},
    };

    const GENERATED: &str = "include/liburing/io_urine.h";

    pub fn check() {
        let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
        println!("cargo:rerun-if-changed=include/liburing.h");
        println!("cargo:rerun-if-changed={GENERATED}");
        let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
        let bindings = cbindgen::Builder::new()
            .with_crate(&dir)
            .with_config(config)
            .generate()
            .expect("cbindgen could not generate liburing/io_urine.h");
        let mut raw = Vec::new();
        bindings.write(&mut raw);
        let inline = inline_helpers(&dir.join("include/liburing.h"));
        let fresh = fence_inline(&String::from_utf8(raw).unwrap(), &inline).into_bytes();
        let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("io_urine.h");
        fs::write(&out, &fresh).unwrap();
        let committed_path = dir.join(GENERATED);
        let committed = fs::read(&committed_path).unwrap_or_default();
        if committed != fresh {
            if env::var_os("IO_URINE_BLESS").is_some_and(|v| v == "1") {
                fs::write(&committed_path, &fresh).unwrap();
            } else {
                panic!("{GENERATED} is stale: the fresh one is at {}; run `make header` and commit it", out.display());
            }
        }
    }

    /// The functions the hand-written liburing.h defines `IOURINGINLINE` (each on one
    /// line: `IOURINGINLINE <type> <name>(`).
    fn inline_helpers(header: &Path) -> BTreeSet<String> {
        let text = fs::read_to_string(header).expect("include/liburing.h");
        text.lines()
            .filter_map(|l| l.strip_prefix("IOURINGINLINE "))
            .filter_map(|l| l.split('(').next())
            .filter_map(|l| l.rsplit([' ', '*']).next())
            .map(str::to_owned)
            .collect()
    }

    /// Moves each inline helper's prototype (with its doc comment) into a block at the end
    /// that only `IO_URINE_INLINE_PROTOTYPES` enables: a normal include must not see a
    /// plain declaration of a function it then gets `static inline`, but `IO_URINE_NO_INLINE`,
    /// the signature check (tests/header-test) and the man pages (tools/gen-man) want them. Fails the
    /// build when liburing.h inlines a function Rust does not export.
    fn fence_inline(header: &str, inline: &BTreeSet<String>) -> String {
        let mut kept = String::with_capacity(header.len());
        let mut moved = String::new();
        let mut item = String::new();
        let mut found = BTreeSet::new();
        for line in header.split_inclusive('\n') {
            item.push_str(line);
            let t = line.trim_end();
            let is_proto = t.ends_with(";") && t.contains('(') && !line.starts_with([' ', '\t', '#', '/', '*']);
            if !(is_proto || t.is_empty() || !item.starts_with("/**")) {
                continue; // inside a doc comment block: keep collecting
            }
            let name = t.split('(').next().and_then(|l| l.rsplit([' ', '*']).next()).unwrap_or("");
            if is_proto && inline.contains(name) {
                found.insert(name.to_owned());
                moved.push('\n');
                moved.push_str(&item);
            } else {
                kept.push_str(&item);
            }
            item.clear();
        }
        kept.push_str(&item);
        let missing: Vec<_> = inline.difference(&found).collect();
        assert!(missing.is_empty(), "liburing.h inlines functions src/capi does not export: {missing:?}");
        let block = format!(
            "#if defined(IO_URINE_INLINE_PROTOTYPES)\n/*\n * The exported functions that liburing.h \
             also defines inline (IOURINGINLINE). Declared\n * with IO_URINE_NO_INLINE (liburing.h \
             then calls them instead of defining them), and by\n * tests/header-test to prove each \
             inline definition has the export's signature.\n */\n{moved}\n#endif  /* \
             IO_URINE_INLINE_PROTOTYPES */\n\n"
        );
        let close = kept.rfind("#ifdef __cplusplus\n}  // extern \"C\"").expect("cbindgen's extern \"C\" close");
        kept.insert_str(close, &block);
        kept
    }
}
