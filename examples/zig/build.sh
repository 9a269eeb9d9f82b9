#!/usr/bin/env bash
# Builds examples/zig/main.zig against an installed io_urine (or build/):
#   examples/zig/build.sh INCLUDEDIR LIBDIR OUTDIR [shared|static]
# 1. zig translate-c INCLUDEDIR/liburing.h -> OUTDIR/liburing.zig (the module "liburing";
#    the first run takes about a minute, later ones hit zig's cache);
# 2. zig build-exe main.zig, linked with -luring (+ rpath LIBDIR) for "shared" (default),
#    or with LIBDIR/liburing.a for "static"; writes OUTDIR/zig-consumer-MODE.
# ZIG selects the compiler (default: zig on PATH, else `python3 -m ziglang` from PyPI's
# ziglang package); ZIG_OPT the -O mode (default Debug: safety checks, and zig caches it);
# ZIG_GLOBAL_CACHE_DIR is honoured as usual.
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 INCLUDEDIR LIBDIR OUTDIR [shared|static]" >&2; exit 2; }
inc=$1 lib=$2 out=$3 mode=${4:-shared}
here=$(cd "$(dirname "$0")" && pwd)
if [[ -z ${ZIG:-} ]]; then
  if command -v zig >/dev/null 2>&1; then ZIG=zig; else ZIG="python3 -m ziglang"; fi
fi
mkdir -p "$out"
# translate-c: regenerate only when the header set changed
stamp=$(cat "$inc"/liburing.h "$inc"/liburing/*.h | cksum | cut -d' ' -f1)
if [[ ! -s $out/liburing.zig || $(cat "$out/liburing.zig.stamp" 2>/dev/null) != "$stamp" ]]; then
  $ZIG translate-c -lc -I"$inc" "$inc/liburing.h" > "$out/liburing.zig.tmp"
  mv "$out/liburing.zig.tmp" "$out/liburing.zig"
  echo "$stamp" > "$out/liburing.zig.stamp"
fi
case $mode in
  shared) link=(-L"$lib" -luring -rpath "$lib") ;;
  static) link=("$lib/liburing.a") ;;
  *) echo "mode must be shared or static" >&2; exit 2 ;;
esac
$ZIG build-exe -O "${ZIG_OPT:-Debug}" -lc "${link[@]}" --dep liburing -Mroot="$here/main.zig" \
  -Mliburing="$out/liburing.zig" --name "zig-consumer-$mode" -femit-bin="$out/zig-consumer-$mode"
