#!/usr/bin/env bash
# Runs ownlint over the real-repository corpus and compares its error findings with the
# reviewed ground truth in each entry's expected.tsv.
#
#   tests/real/run.sh [--strict] DIR
#
# DIR holds one checkout per corpus entry, DIR/<slug>, at the commit recorded in
# tests/real/<slug>/repo.txt (tests/real/checkout.sh DIR makes them). The entry's
# registry is copied into the checkout's root, then `ownlint check --format json` runs
# there. The binary is $OWNLINT, default target/release/ownlint (resolved before any cd).
#
# Prints, per repository, `found N/M, missed K, false F` and every missed and false
# finding, matched by (rule, path, line, subject), subject being the finding's `table` or
# `import`. This is a measurement, not a gate: the exit code is 0 unless ownlint crashed
# (exit code 3 or a signal) or refused a registry (exit code 2); with --strict, any
# missed or false finding also makes it exit 1.
set -u

strict=0
if [ "${1:-}" = "--strict" ]; then strict=1; shift; fi
if [ $# -ne 1 ]; then
  echo "usage: $0 [--strict] DIR" >&2
  exit 2
fi
dir=$1
here=$(cd "$(dirname "$0")" && pwd)
bin=${OWNLINT:-target/release/ownlint}
case "$bin" in
  /*) ;;
  */*) bin="$(pwd)/$bin" ;;
  *) bin=$(command -v "$bin" || echo "$bin") ;;
esac
if [ ! -x "$bin" ]; then
  echo "run.sh: ownlint binary not found or not executable: $bin (set OWNLINT)" >&2
  exit 2
fi
if [ ! -d "$dir" ]; then
  echo "run.sh: no such directory: $dir" >&2
  exit 2
fi
dir=$(cd "$dir" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
broken=0
differs=0
measured=0

for entry in "$here"/*/; do
  entry=${entry%/}
  slug=$(basename "$entry")
  [ -f "$entry/repo.txt" ] || continue
  commit=$(sed -n 's/^commit=//p' "$entry/repo.txt")
  checkout="$dir/$slug"
  if [ ! -d "$checkout" ]; then
    echo "$slug: SKIPPED, no checkout at $checkout (run tests/real/checkout.sh)" >&2
    continue
  fi
  head=$(git -C "$checkout" rev-parse HEAD 2>/dev/null || echo none)
  if [ "$head" != "$commit" ]; then
    echo "$slug: SKIPPED, $checkout is at $head, not $commit" >&2
    continue
  fi
  cp "$entry/data-ownership.yaml" "$checkout/data-ownership.yaml"
  out="$tmp/$slug.json"
  (cd "$checkout" && "$bin" check --format json >"$out" 2>"$tmp/$slug.err")
  rc=$?
  if [ $rc -ge 3 ]; then
    echo "$slug: OWNLINT CRASHED (exit code $rc)"
    sed 's/^/  /' "$tmp/$slug.err" | head -20
    broken=1
    continue
  fi
  if [ $rc -eq 2 ]; then
    echo "$slug: REGISTRY REFUSED (exit code 2)"
    sed 's/^/  /' "$tmp/$slug.err" | head -20
    broken=1
    continue
  fi
  measured=$((measured + 1))
  python3 - "$slug" "$out" "$entry/expected.tsv" "$tmp/counts" <<'PY' || differs=1
import collections, json, sys

slug, report, expected_path, counts_path = sys.argv[1:5]
with open(report, encoding="utf-8") as f:
    findings = json.load(f)["findings"]

def key(rule, path, line, subject):
    return (rule, path, int(line), subject or "")

found = collections.Counter()
messages = {}
for f in findings:
    if f.get("severity") != "error":
        continue
    k = key(f["rule"], f.get("path", ""), f.get("line", 0),
            f.get("table") or f.get("import") or "")
    found[k] += 1
    messages.setdefault(k, f.get("message", ""))

expected = collections.Counter()
why = {}
with open(expected_path, encoding="utf-8") as f:
    for n, raw in enumerate(f, 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if cols[0] == "rule":
            continue
        if len(cols) < 4:
            sys.exit(f"{expected_path}:{n}: expected rule, path, line, subject, why")
        k = key(*cols[:4])
        expected[k] += 1
        why.setdefault(k, cols[4] if len(cols) > 4 else "")

hit = found & expected
missed = expected - found
false = found - expected
n_hit, n_exp = sum(hit.values()), sum(expected.values())
print(f"{slug}: found {n_hit}/{n_exp}, missed {sum(missed.values())}, false {sum(false.values())}")
with open(counts_path, "a", encoding="utf-8") as f:
    f.write(f"{n_hit} {n_exp} {sum(missed.values())} {sum(false.values())}\n")
for k in sorted(missed):
    print(f"  missed  {k[0]}  {k[1]}:{k[2]}  {k[3]}  ({why[k]})")
for k in sorted(false):
    msg = messages[k] if len(messages[k]) <= 160 else messages[k][:157] + "..."
    print(f"  false   {k[0]}  {k[1]}:{k[2]}  {k[3]}  ({msg})")
sys.exit(1 if missed or false else 0)
PY
done

if [ $measured -eq 0 ] && [ $broken -eq 0 ]; then
  echo "run.sh: no checkout found in $dir" >&2
elif [ -f "$tmp/counts" ]; then
  awk '{h+=$1; e+=$2; m+=$3; f+=$4} END {printf "total (%d repositories): found %d/%d, missed %d, false %d\n", NR, h, e, m, f}' "$tmp/counts"
fi
if [ $broken -ne 0 ]; then exit 3; fi
if [ $strict -eq 1 ] && [ $differs -ne 0 ]; then exit 1; fi
exit 0
