#!/usr/bin/env bash
# Benchmark of `ownlint waves` and `ownlint graph` on generated registries of 5,000
# services: a chain (s0000 <- s0001 <- ... <- s4999, the deepest plan possible) and a
# dense graph (each service reads 20 earlier services and consumes 3 events, about
# 100,000 sync and 15,000 async edges). Times the whole command (YAML load included)
# with a release build; prints the best and median of RUNS runs.
#
#   bench/graph.sh            # RUNS=10 by default
#   RUNS=3 bench/graph.sh
#
# Not a test: numbers depend on the machine. Results go in docs/planning.md.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Copy the binary: a shared target directory may be rebuilt while we measure.
cp "$CARGO_TARGET_DIR/release/ownlint" "$work/ownlint"

python3 - "$work" <<'PY'
import os, random, sys
work = sys.argv[1]
N = 5000

def write(name, services):
    d = os.path.join(work, name)
    os.makedirs(d)
    with open(os.path.join(d, "data-ownership.yaml"), "w") as f:
        f.write("services:\n")
        for name, reads, publishes, consumes in services:
            f.write(f"  {name}:\n    owns: [{name.replace('-', '_')}_data]\n")
            if publishes:
                f.write(f"    publishes_events: [{', '.join(publishes)}]\n")
            if consumes:
                f.write(f"    consumes_events: [{', '.join(consumes)}]\n")
            if reads:
                f.write("    reads_from_apis:\n")
                for r in reads:
                    f.write(f"      - {r}: [GET /{r}/items]\n")

name = lambda i: f"svc-{i:04d}"
write("chain", [(name(i), [name(i - 1)] if i else [], [], []) for i in range(N)])

rng = random.Random(42)
dense = []
for i in range(N):
    reads = sorted(rng.sample(range(i), min(i, 20)))
    consumes = sorted(rng.sample(range(N), 3))
    dense.append((name(i), [name(j) for j in reads], [f"{name(i)}.changed"],
                  [f"{name(j)}.changed" for j in consumes if j != i]))
write("dense", dense)
PY

measure() { # label, registry, args...
    local label=$1 reg=$2
    shift 2
    python3 - "$RUNS" "$work/ownlint" "$reg" "$label" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, exe, reg, label, args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    p = subprocess.run([exe, "--registry", reg, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
    if p.returncode != 0:
        sys.exit(f"{label}: exit {p.returncode}")
print(f"| {label} | {min(times) * 1000:.0f} ms | {statistics.median(times) * 1000:.0f} ms |")
PY
}

echo "Phases, in process (best of $RUNS):"
echo
OWNLINT_BENCH_REGISTRIES="$work/chain/data-ownership.yaml:$work/dense/data-ownership.yaml" \
    cargo test --release --quiet --test waves_cli -- --ignored --nocapture bench_phases 2>/dev/null |
    grep '^|'
echo
echo "Whole commands, wall time (YAML load and output included):"
echo
echo "| run ($RUNS times) | best | median |"
echo "|---|---:|---:|"
for reg in chain dense; do
    r="$work/$reg/data-ownership.yaml"
    measure "$reg: validate (load only, for reference)" "$r" validate
    measure "$reg: waves" "$r" waves
    measure "$reg: waves --include-events --format json" "$r" --format json waves --include-events
    measure "$reg: graph --format json" "$r" --format json graph
    measure "$reg: graph --format mermaid" "$r" --format mermaid graph
done
ls -l "$work"/*/data-ownership.yaml | awk '{print "# registry: " $NF ", " $5 " bytes"}'
