#!/usr/bin/env bash
# ownlint's benchmark: generates synthetic monorepos (bench/gen.py, seeded), then
# times `ownlint check` (release build, --format json, warm cache) against
# `rg -c -F -f tables.txt` on the same tree and prints a Markdown table.
#
# Usage: bench/run.sh [--quick | --registry]
#   --quick          only the realistic tree and the pre-commit case
#   --registry       only the realistic tree with its 500 tables and with 50,000, and
#                    the ratio of the two (issue 7: at most 1.2x), also from paired
#                    runs (bench/paired.py)
# Environment:
#   BENCH_DIR        where the trees go (default /tmp/ownlint-bench; ~1.5 GB in all)
#   BENCH_RUNS       timed runs per command (default 5)
#   CARGO_TARGET_DIR as for cargo (the release binary is taken from there)
#
# Times are wall-clock means (hyperfine, 2 warm-up runs) and CPU (user + system);
# on a shared machine compare CPU. Peak RSS is from /usr/bin/time -v. After the table,
# the ratios to ripgrep on the realistic and dense trees again from paired runs
# (bench/paired.py: the two commands alternate, 3 x BENCH_RUNS pairs, medians).
# Not run in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in cargo python3 rg hyperfine; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -x /usr/bin/time ] || missing+=("/usr/bin/time")
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench/run.sh needs: ${missing[*]}" >&2
  echo "install them with: apt-get install -y ripgrep hyperfine time python3 (and Rust from rustup.rs)" >&2
  exit 2
fi

mode=all
case "${1:-}" in
  "") ;;
  --quick) mode=quick ;;
  --registry) mode=registry ;;
  *)
    echo "usage: bench/run.sh [--quick | --registry]" >&2
    exit 2
    ;;
esac
dir=${BENCH_DIR:-/tmp/ownlint-bench}
runs=${BENCH_RUNS:-5}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet
bin="$(cd "$target/release" && pwd)/ownlint"
mkdir -p "$dir"

. bench/gen.sh

# means JSON: "wall_s cpu_s" of the first command of a hyperfine export.
means() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.4f %.4f" % (r["mean"], r["user"] + r["system"]))' "$1"
}

# peak_rss CMD...: the peak resident set of one run, in MiB.
peak_rss() {
  { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } | awk '/Maximum resident set size/ {printf "%.1f", $NF/1024}'
}

# time_cmd DIR CMD: "wall cpu" over BENCH_RUNS runs (exit codes ignored: ownlint
# exits 1 when it finds violations, which the trees contain).
time_cmd() {
  local out
  out=$(mktemp)
  (cd "$1" && hyperfine -N -i --warmup 2 --runs "$runs" --export-json "$out" "$2" >/dev/null 2>&1)
  means "$out"
  rm -f "$out"
}

row() {
  local label=$1 name=$2 extra=${3:-}
  local repo="$dir/$name/repo"
  local files bytes parsed own rg rss
  files=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"])' "$dir/$name/stats.json")
  bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$dir/$name/stats.json")
  # `|| true`: ownlint exits 1 when it finds violations, which the trees contain.
  parsed=$(cd "$repo" && { "$bin" check --format json $extra 2>/dev/null || true; } | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["files_parsed"])')
  own=$(time_cmd "$repo" "$bin check --format json $extra")
  rg=$(time_cmd "$repo" "rg -c -F -f ../tables.txt .")
  rss=$(cd "$repo" && peak_rss "$bin" check --format json $extra)
  last_own=$own
  python3 - "$label" "$files" "$bytes" "$parsed" "$own" "$rg" "$rss" <<'EOF'
import sys
label, files, size, parsed, own, rg, rss = sys.argv[1:]
ow, oc = map(float, own.split())
rw, rc = map(float, rg.split())
print(f"| {label} | {int(files):,} | {int(size)/2**20:.0f} MiB | {int(parsed):,} | {ow*1000:.0f} ms ({oc*1000:.0f}) | {rw*1000:.0f} ms ({rc*1000:.0f}) | {ow/rw:.2f}x ({oc/rc:.2f}x) | {rss} MiB |")
EOF
}

gen realistic --services 100 --files-per-service 200
if [ $mode = all ]; then
  gen dense --services 100 --files-per-service 50 --sql-ratio 1.0 --foreign-ratio 0.5
  gen n10k --services 100 --files-per-service 100
  gen n50k --services 100 --files-per-service 500
  gen n100k --services 100 --files-per-service 1000
fi
if [ $mode != quick ]; then
  # The same tree as `realistic` (hard links) with a 50,000-table registry.
  if [ "$(cat "$dir/realistic-50k.stamp" 2>/dev/null)" != "$(cat "$dir/realistic.stamp")" ]; then
    rm -rf "$dir/realistic-50k"
    mkdir -p "$dir/realistic-50k"
    cp -al "$dir/realistic/repo" "$dir/realistic-50k/repo"
    cp "$dir/realistic/stats.json" "$dir/realistic/files.txt" "$dir/realistic-50k/"
    python3 bench/gen.py --out "$dir/realistic-50k" --services 100 --tables 50000 --registry-only
    cp "$dir/realistic.stamp" "$dir/realistic-50k.stamp"
  fi
fi

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
echo "ownlint $("$bin" --version 2>/dev/null | awk '{print $2}'), $(rg --version 2>/dev/null | sed -n 1p)"
echo
echo "| tree | files | bytes | parsed | ownlint wall (CPU) | ripgrep wall (CPU) | ratio wall (CPU) | ownlint peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
row "realistic (100 x 200, 500 tables)" realistic
small=$last_own
if [ $mode != quick ]; then
  row "realistic, 50,000-table registry" realistic-50k
fi
if [ $mode = registry ]; then
  echo
  python3 - "$small" "$last_own" <<'EOF'
import sys
sw, sc = map(float, sys.argv[1].split())
bw, bc = map(float, sys.argv[2].split())
print(f"50,000 tables against 500: {bc/sc:.2f}x CPU, {bw/sw:.2f}x wall (goal: at most 1.2x)")
EOF
  # The same ratio from alternating runs, which a shared machine's load skews less.
  echo "paired runs (A: 500 tables, B: 50,000):"
  python3 bench/paired.py --runs $((runs * 3)) \
    "$bin check --format json --registry $dir/realistic/repo/data-ownership.yaml" \
    "$bin check --format json --registry $dir/realistic-50k/repo/data-ownership.yaml"
  exit 0
fi
if [ $mode = all ]; then
  row "dense (every file SQL)" dense
  row "10k files" n10k
  row "50k files" n50k
  row "100k files" n100k
  row "realistic, -j1" realistic "-j1"
  row "realistic, -j2" realistic "-j2"
fi

# The goals' ratios again from alternating runs (bench/paired.py), which a shared
# machine's changing load skews less than the back-to-back runs of the table.
echo
trees=(realistic)
[ $mode = all ] && trees+=(dense)
for name in "${trees[@]}"; do
  echo "paired runs on $name (A: ripgrep, B: ownlint):"
  python3 bench/paired.py --runs $((runs * 3)) --cwd "$dir/$name/repo" \
    "rg -c -F -f ../tables.txt ." "$bin check --format json"
done

# The pre-commit case: 10 files of the largest tree generated.
big=n100k
[ $mode = quick ] && big=realistic
repo="$dir/$big/repo"
mapfile -t ten < <(awk 'NR % 997 == 5' "$dir/$big/files.txt" | head -10)
pre=$(time_cmd "$repo" "$bin check --format json ${ten[*]}")
rss=$(cd "$repo" && peak_rss "$bin" check --format json "${ten[@]}")
echo
python3 - "$big" "$pre" "$rss" <<'EOF'
import sys
big, pre, rss = sys.argv[1:]
w, c = map(float, pre.split())
print(f"pre-commit: `ownlint check <10 files>` on {big}: {w*1000:.1f} ms wall, {c*1000:.1f} ms CPU, {rss} MiB peak RSS")
EOF
