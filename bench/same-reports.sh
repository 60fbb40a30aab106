#!/usr/bin/env bash
# Writes the JSON report of every benchmark tree and of fixtures/shop into OUT, one file
# each, so that two builds can be compared with `diff -r OUT1 OUT2`: the check that a
# refactor or a speed-up changed nothing a user sees (docs/architecture.md).
#
#   bench/same-reports.sh BINARY OUT [CORPUS_DIR]
#
# BINARY is an ownlint executable; the trees come from bench/gen.py with the seeds and
# sizes of bench/run.sh (generated once into $BENCH_DIR, default /tmp/ownlint-bench).
# With CORPUS_DIR (checkouts made by tests/real/checkout.sh), every corpus repository's
# report is written too, with its registry from tests/real/<slug>/. Exit codes of
# ownlint are recorded beside each report (`<name>.code`), since they are part of what
# a user sees; the summary's `duration_ms` is left out.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 BINARY OUT [CORPUS_DIR]" >&2
  exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
corpus=${3:-}
dir=${BENCH_DIR:-/tmp/ownlint-bench}
mkdir -p "$out" "$dir"

. bench/gen.sh

# report NAME DIR [ARGS...]: ownlint's JSON report of DIR, and its exit code.
report() {
  local name=$1 repo=$2
  shift 2
  local code=0
  (cd "$repo" && "$bin" check --format json "$@") >"$out/$name.json" 2>"$out/$name.stderr" || code=$?
  echo "$code" >"$out/$name.code"
  # The run's duration is the one field that differs between two identical runs.
  sed -i '/"duration_ms":/d' "$out/$name.json"
}

gen realistic --services 100 --files-per-service 200
gen dense --services 100 --files-per-service 50 --sql-ratio 1.0 --foreign-ratio 0.5
report realistic "$dir/realistic/repo"
report dense "$dir/dense/repo"
report shop fixtures/shop

if [ -n "$corpus" ]; then
  for entry in tests/real/*/; do
    slug=$(basename "$entry")
    [ -d "$corpus/$slug" ] || continue
    cp "$entry/data-ownership.yaml" "$corpus/$slug/data-ownership.yaml"
    report "real-$slug" "$corpus/$slug"
  done
fi
echo "reports in $out" >&2
