# io_urine build: a no_std Rust staticlib, turned into liburing's drop-in files.
#   make            build/lib (shared + static libraries under liburing's names),
#                   build/include, build/lib/pkgconfig, build/examples
#   make header     regenerate include/liburing.h (cbindgen) after changing src/capi
#   make header-check  fail if the committed include/liburing.h is stale
#   make check      tier 1, no root, no network: Rust tests, clippy, fmt, ABI, header, C tests
#   make test       every test: tier 1 plus differential, qemu, consumers, installs …
#   make demo       build and run examples/demo.c on our library
#   make install    PREFIX=/usr/local DESTDIR= LIBDIR=$(PREFIX)/lib INCLUDEDIR=$(PREFIX)/include
#                   MANDIR=$(PREFIX)/share/man (man pages go to $(MANDIR)/man3)
#   make man        build/man/man3: one man page per function, from liburing.h's doc comments
#   make test-consumers  C/C++ (pkg-config, install), Zig, Go and Rust (liburing-rs) programs
#   make test-kernels    the C tests, static, on Debian's 6.1 / 6.12 / newest kernels under qemu
#   build/bin/io_urine   the CLI (cli/): `io_urine doctor`, `io_urine trace -- CMD`; installed to BINDIR

VERSION     := 2.15
PREFIX      ?= /usr/local
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
MANDIR      ?= $(PREFIX)/share/man
BINDIR      ?= $(PREFIX)/bin
DESTDIR     ?=
CC          ?= cc
CARGO       ?= cargo
ABI         ?= abi

B           := build
OBJ         := $(B)/obj
LIB         := $(B)/lib
INC         := $(B)/include
CLIB_TARGET := target/clib
RUSTLIB     := $(CLIB_TARGET)/release/libio_urine.a
SRCS        := $(shell find src -name '*.rs') Cargo.toml Cargo.lock build.rs
HEADERS     := include/liburing.h $(wildcard include/liburing/*.h include/liburing/io_uring/*.h)

.PHONY: all header header-check bench-c check test test-rust test-c check-symbols demo install uninstall clean bench man test-consumers
EXAMPLES    := $(B)/examples/demo $(B)/examples/io_uring-cp $(B)/examples/tcp-echo

all: $(LIB)/liburing.so.$(VERSION) $(LIB)/liburing-ffi.so.$(VERSION) $(LIB)/liburing.a \
     $(INC)/liburing.h $(LIB)/pkgconfig/liburing.pc $(EXAMPLES) $(B)/bin/io_urine

# The io_urine CLI (a std program; the library stays no_std). `io_urine trace` looks for
# liburing.so.2 in ../lib next to itself, then in the LIBDIR it was built for.
$(B)/bin/io_urine: $(SRCS) cli/Cargo.toml $(wildcard cli/src/*.rs)
	IO_URINE_LIBDIR=$(LIBDIR) $(CARGO) build --release -p io_urine-cli --target-dir target
	@mkdir -p $(B)/bin
	cp -f target/release/io_urine $@

# The C examples, built against build/include and linked to build/lib (rpath).
$(B)/examples/%: examples/%.c $(LIB)/liburing.so.$(VERSION) $(INC)/liburing.h
	@mkdir -p $(B)/examples
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -I$(INC) $< -o $@ \
	  -L$(LIB) -luring -Wl,-rpath,$(CURDIR)/$(LIB)

# The C build: no_std with the C library's feature (capi, panic handler, mem*), as a
# staticlib in its own target dir, so Rust builds (cargo test/bench) never replace it and
# a `make` with nothing changed does not run cargo at all.
$(RUSTLIB): $(SRCS)
	$(CARGO) rustc --release --lib --no-default-features --features clib --crate-type staticlib \
	  --target-dir $(CLIB_TARGET)
	@touch $@

# One relocatable object in which only liburing's API stays global: the static archives
# then never clash with libc (memcpy …) or with another Rust library's symbols.
$(OBJ)/io_urine.o: $(RUSTLIB)
	@mkdir -p $(OBJ)
	nm --defined-only -g $(RUSTLIB) 2>/dev/null | awk '$$2=="T" && $$3 ~ /^_*io_uring_/ {print $$3}' | sort -u > $(OBJ)/exports.txt
	ld -r --whole-archive $(RUSTLIB) -o $(OBJ)/io_urine.all.o
	objcopy --keep-global-symbols=$(OBJ)/exports.txt --strip-debug \
	  --remove-section=.llvmbc --remove-section=.llvmcmd --remove-section=.llvm_addrsig $(OBJ)/io_urine.all.o $@

$(OBJ)/liburing.map: $(OBJ)/io_urine.o tools/gen-version-map
	tools/gen-version-map $(ABI)/liburing.symbols $(ABI)/liburing-ffi.symbols $(OBJ)/exports.txt $(ABI)/liburing-ffi.a.globals > $@

$(OBJ)/liburing-ffi.map: $(OBJ)/io_urine.o tools/gen-version-map
	tools/gen-version-map $(ABI)/liburing-ffi.symbols $(ABI)/liburing.symbols $(OBJ)/exports.txt $(ABI)/liburing-ffi.a.globals > $@

# Shared libraries: no libc, no NEEDED entries, liburing's version nodes.
LDSO = $(CC) -shared -nostdlib -Wl,-z,defs -Wl,--gc-sections -Wl,-z,noexecstack -Wl,--hash-style=both
$(LIB)/liburing.so.$(VERSION): $(OBJ)/io_urine.o $(OBJ)/liburing.map
	@mkdir -p $(LIB)
	$(LDSO) -o $@ $(OBJ)/io_urine.o -Wl,--version-script=$(OBJ)/liburing.map -Wl,-soname,liburing.so.2
	ln -sf liburing.so.$(VERSION) $(LIB)/liburing.so.2
	ln -sf liburing.so.2 $(LIB)/liburing.so
	ln -sf liburing.so.$(VERSION) $(LIB)/libio_urine.so

$(LIB)/liburing-ffi.so.$(VERSION): $(OBJ)/io_urine.o $(OBJ)/liburing-ffi.map
	@mkdir -p $(LIB)
	$(LDSO) -o $@ $(OBJ)/io_urine.o -Wl,--version-script=$(OBJ)/liburing-ffi.map -Wl,-soname,liburing-ffi.so.2
	ln -sf liburing-ffi.so.$(VERSION) $(LIB)/liburing-ffi.so.2
	ln -sf liburing-ffi.so.2 $(LIB)/liburing-ffi.so

$(LIB)/liburing.a: $(OBJ)/io_urine.o
	@mkdir -p $(LIB)
	rm -f $@ && ar rcs $@ $(OBJ)/io_urine.o
	cp -f $@ $(LIB)/liburing-ffi.a
	cp -f $@ $(LIB)/libio_urine.a

$(INC)/liburing.h: $(HEADERS)
	@mkdir -p $(INC)/liburing/io_uring
	cp -f include/liburing.h $(INC)/
	cp -f include/liburing/*.h $(INC)/liburing/
	cp -f include/liburing/io_uring/*.h $(INC)/liburing/io_uring/

$(LIB)/pkgconfig/liburing.pc: $(wildcard pkgconfig/*.pc.in)
	@mkdir -p $(LIB)/pkgconfig
	for f in pkgconfig/*.pc.in; do \
	  sed -e 's|@PREFIX@|$(CURDIR)/$(B)|' -e 's|@LIBDIR@|$(CURDIR)/$(LIB)|' \
	      -e 's|@INCLUDEDIR@|$(CURDIR)/$(INC)|' -e 's|@VERSION@|$(VERSION)|' \
	      $$f > $(LIB)/pkgconfig/$$(basename $$f .in); done

# The committed include/liburing.h against a fresh cbindgen run (part of `make check`);
# `make header` writes the fresh one instead.
header-check:
	$(CARGO) check --lib --no-default-features --features header --target-dir $(CLIB_TARGET)

header:
	IO_URINE_BLESS=1 $(CARGO) check --lib --no-default-features --features header --target-dir $(CLIB_TARGET)

check-symbols: all
	tools/check-symbols $(LIB)/liburing.so.2 $(ABI)/liburing.symbols
	tools/check-symbols $(LIB)/liburing-ffi.so.2 $(ABI)/liburing-ffi.symbols

demo: all
	$(B)/examples/demo

# C benchmark (benches/c-bench): liburing 2.15 (built from the axboe-liburing crate), Debian 2.3
# and io_urine; callgrind instructions per NOP and interleaved throughput.
bench-c: all
	benches/c-bench

# Safe Rust API vs tokio's io-uring crate (benches/ring.rs).
bench:
	$(CARGO) bench --bench ring

test-rust:
	$(CARGO) test --quiet

test-c: all
	tests/run-c-tests

# Section-3 man pages generated from the header's doc comments (tools/gen-man).
MANPAGES    = $(shell tools/gen-man --list --header include/liburing.h 2>/dev/null)
man: $(B)/man/man3/.stamp
$(B)/man/man3/.stamp: $(INC)/liburing.h tools/gen-man
	tools/gen-man --check --header $(INC)/liburing.h --out $(B)/man/man3
	@touch $@

test-consumers: all
	tests/consumers/run

.PHONY: test-kernels
test-kernels: all
	tests/kernels/run

# Tier 1: no root, no network beyond cargo's own dependencies.
check:
	tests/run-all check

# Tier 2: everything (adds what needs packages or root).
test:
	tests/run-all test

install: all man
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/liburing/io_uring
	install -m 755 $(LIB)/liburing.so.$(VERSION) $(LIB)/liburing-ffi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf liburing.so.$(VERSION) $(DESTDIR)$(LIBDIR)/liburing.so.2
	ln -sf liburing.so.2 $(DESTDIR)$(LIBDIR)/liburing.so
	ln -sf liburing.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libio_urine.so
	ln -sf liburing-ffi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/liburing-ffi.so.2
	ln -sf liburing-ffi.so.2 $(DESTDIR)$(LIBDIR)/liburing-ffi.so
	install -m 644 $(LIB)/liburing.a $(LIB)/liburing-ffi.a $(LIB)/libio_urine.a $(DESTDIR)$(LIBDIR)/
	install -m 644 include/liburing.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 include/liburing/*.h $(DESTDIR)$(INCLUDEDIR)/liburing/
	install -m 644 include/liburing/io_uring/*.h $(DESTDIR)$(INCLUDEDIR)/liburing/io_uring/
	for f in pkgconfig/*.pc.in; do \
	  sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	      -e 's|@VERSION@|$(VERSION)|' $$f > $(DESTDIR)$(LIBDIR)/pkgconfig/$$(basename $$f .in); done
	install -d $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(B)/man/man3/*.3 $(DESTDIR)$(MANDIR)/man3/
	install -D -m 755 $(B)/bin/io_urine $(DESTDIR)$(BINDIR)/io_urine

uninstall:
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,liburing.so.$(VERSION) liburing.so.2 liburing.so libio_urine.so \
	  liburing-ffi.so.$(VERSION) liburing-ffi.so.2 liburing-ffi.so liburing.a liburing-ffi.a libio_urine.a \
	  pkgconfig/liburing.pc pkgconfig/liburing-ffi.pc pkgconfig/io_urine.pc)
	rm -f $(DESTDIR)$(INCLUDEDIR)/liburing.h
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/liburing/,$(notdir $(wildcard include/liburing/*.h)))
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/liburing/io_uring/,$(notdir $(wildcard include/liburing/io_uring/*.h)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/liburing/io_uring
	-rmdir $(DESTDIR)$(INCLUDEDIR)/liburing
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man3/,$(addsuffix .3,$(MANPAGES)))
	rm -f $(DESTDIR)$(BINDIR)/io_urine

clean:
	rm -rf $(B)
	$(CARGO) clean
