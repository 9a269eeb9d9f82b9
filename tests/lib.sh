# shellcheck shell=bash
# The one way every test driver reports (source it from bash: . "$(dirname "$0")/lib.sh").
# One line per case, at the start of the line, nothing else may start that way:
#   PASS name
#   FAIL name            (details follow, indented by four spaces)
#   SKIP name: reason
# and, last, "SUITE: N passed, N failed, N skipped" (t_done). tests/run-all counts the
# PASS/FAIL/SKIP lines of every suite and checks them against that summary line.
#
#   t_init SUITE         name for the summary line (default: the script's file name)
#   t_pass NAME...       one passed case
#   t_fail NAME...       one failed case; pipe details through t_detail
#   t_skip NAME REASON   one skipped case (decide skips by asking the system, never by versions)
#   t_detail [N]         stdin indented, first N lines (default 30)
#   t_detail_tail FILE [N]  the last N lines (default 20) of FILE, indented (if FILE exists)
#   t_merge FILE         copy FILE (a sub-tool's report in the same format) to stdout and count
#                        its PASS/FAIL/SKIP lines; its own summary line is dropped
#   t_done               print the summary line and exit: status 1 iff a case failed
#   t_count FILE         "P F S": the PASS/FAIL/SKIP lines of FILE (what run-all counts)
#   t_summary FILE       "P F S" from FILE's last summary line, or nothing
T_SUITE=${T_SUITE:-$(basename "$0")}
T_PASS=0 T_FAIL=0 T_SKIP=0
T_SUMMARY_RE='^[^ ]+: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'

t_init() { T_SUITE=$1; }
t_pass() { echo "PASS $*"; T_PASS=$((T_PASS + 1)); }
t_fail() { echo "FAIL $*"; T_FAIL=$((T_FAIL + 1)); }
t_skip() { echo "SKIP $1: $2"; T_SKIP=$((T_SKIP + 1)); }
t_detail() { sed 's/^/    /' | head -"${1:-30}"; }
t_detail_tail() { [[ -f $1 ]] && tail -"${2:-20}" "$1" | sed 's/^/    /'; return 0; }
t_count() {
  awk '/^PASS / {p++} /^FAIL / {f++} /^SKIP / {s++} END {print p + 0, f + 0, s + 0}' "$1"
}
t_summary() {
  grep -aE "$T_SUMMARY_RE" "$1" | tail -1 | sed -E 's/^[^ ]+: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/'
}
t_merge() {
  local p f s
  grep -avE "$T_SUMMARY_RE" "$1"
  read -r p f s < <(t_count "$1")
  T_PASS=$((T_PASS + p)) T_FAIL=$((T_FAIL + f)) T_SKIP=$((T_SKIP + s))
}
t_done() {
  echo "$T_SUITE: $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
  exit $((T_FAIL > 0))
}
