#!/usr/bin/env bash
# Measures `ownlint init` on the real-repository corpus: for each entry, `init` proposes
# a registry for a copy of the checkout, `check` runs against that proposal, and the
# error findings that are not among the entry's reviewed true findings (expected.tsv)
# are counted as false errors coming from the proposal. The proposal's services are
# also compared with the hand-written registry (tests/real/<slug>/data-ownership.yaml)
# to count the edits that turn one into the other (see docs/init.md, "Measured on real
# repositories").
#
#   tests/real/init-check.sh [-v] DIR [SLUG...]
#
# DIR holds one checkout per corpus entry, DIR/<slug> (tests/real/checkout.sh DIR makes
# them). The checkouts are never modified: each is copied with hard links into a
# temporary directory (no file content is copied; only the proposal is written there).
# The binary is $OWNLINT, default target/debug/ownlint. With -v, the false findings are
# listed by rule and, for `unowned-table`, by table; the proposal is kept in
# $KEEP/<slug>.yaml when KEEP is set.
#
# Prints per repository: `services P (hand H), edits E, false errors F` and a total.
# This is a measurement, not a gate: it exits 0 unless ownlint crashed or refused.
set -u

verbose=0
if [ "${1:-}" = "-v" ]; then verbose=1; shift; fi
if [ $# -lt 1 ]; then
  echo "usage: $0 [-v] DIR [SLUG...]" >&2
  exit 2
fi
dir=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
bin=${OWNLINT:-target/debug/ownlint}
case "$bin" in
  /*) ;;
  */*) bin="$(pwd)/$bin" ;;
  *) bin=$(command -v "$bin" || echo "$bin") ;;
esac
if [ ! -x "$bin" ]; then
  echo "init-check.sh: ownlint binary not found or not executable: $bin (set OWNLINT)" >&2
  exit 2
fi
dir=$(cd "$dir" && pwd) || exit 2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
broken=0

if [ $# -gt 0 ]; then
  slugs=("$@")
else
  slugs=()
  for entry in "$here"/*/; do
    entry=${entry%/}
    [ -f "$entry/repo.txt" ] && slugs+=("$(basename "$entry")")
  done
fi

for slug in "${slugs[@]}"; do
  entry="$here/$slug"
  checkout="$dir/$slug"
  if [ ! -d "$checkout" ]; then
    echo "$slug: SKIPPED, no checkout at $checkout" >&2
    continue
  fi
  copy="$tmp/$slug"
  cp -al "$checkout" "$copy"
  rm -f "$copy/data-ownership.yaml" "$copy/data-ownership.yml" "$copy/ownlint-baseline.json"
  if ! "$bin" init "$copy" >/dev/null 2>"$tmp/$slug.init.err"; then
    echo "$slug: INIT FAILED"
    sed 's/^/  /' "$tmp/$slug.init.err" | head -20
    broken=1
    rm -rf "$copy"
    continue
  fi
  if [ -n "${KEEP:-}" ]; then
    mkdir -p "$KEEP" && cp "$copy/data-ownership.yaml" "$KEEP/$slug.yaml"
  fi
  (cd "$copy" && "$bin" check --no-baseline --max-findings-per-file 0 --format json \
    >"$tmp/$slug.json" 2>"$tmp/$slug.err")
  rc=$?
  if [ $rc -ge 2 ]; then
    echo "$slug: CHECK FAILED (exit code $rc)"
    sed 's/^/  /' "$tmp/$slug.err" | head -20
    broken=1
    rm -rf "$copy"
    continue
  fi
  python3 - "$slug" "$tmp/$slug.json" "$entry/expected.tsv" "$copy/data-ownership.yaml" \
    "$entry/data-ownership.yaml" "$tmp/counts" "$verbose" <<'PY'
import collections, json, re, sys
import yaml

slug, report, expected_path, proposed_path, hand_path, counts_path, verbose = sys.argv[1:8]
with open(report, encoding="utf-8") as f:
    findings = json.load(f)["findings"]

def key(rule, path, line, subject):
    return (rule, path, int(line), subject or "")

found = collections.Counter()
for f in findings:
    if f.get("severity") != "error":
        continue
    found[key(f["rule"], f.get("path", ""), f.get("line", 0),
              f.get("table") or f.get("import") or "")] += 1
expected = collections.Counter()
with open(expected_path, encoding="utf-8") as f:
    for raw in f:
        cols = raw.rstrip("\n").split("\t")
        if not raw.strip() or raw.startswith("#") or cols[0] == "rule" or len(cols) < 4:
            continue
        expected[key(*cols[:4])] += 1
false = found - expected

def services(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        # ownlint reads `- svc: [GET /a?b=]` (an API read) where PyYAML does not: drop
        # those lines, which say nothing about paths or tables.
        kept = [l for l in text.splitlines() if not re.match(r"^\s+- [\w-]+: \[.*\]\s*$", l)]
        doc = yaml.safe_load("\n".join(kept)) or {}
    out = {}
    for name, s in (doc.get("services") or {}).items():
        s = s or {}
        paths = [str(p) for p in (s.get("paths") or [])]
        owns = set()
        for t in s.get("owns") or []:
            t = t if isinstance(t, str) else (t or {}).get("table", "")
            owns.add(str(t).lower().split(".")[-1])
        out[name] = (paths, owns)
    return out

def overlaps(a, b):
    a, b = a.rstrip("/"), b.rstrip("/")
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")

proposed, hand = services(proposed_path), services(hand_path)
match = {p: [h for h in hand if any(overlaps(x, y) for x in proposed[p][0] for y in hand[h][0])]
         for p in proposed}
removed = sum(1 for p in proposed if not match[p])
matched_by = collections.Counter(h for p in proposed for h in match[p])
added = sum(1 for h in hand if matched_by[h] == 0)
merges = sum(matched_by[h] - 1 for h in hand if matched_by[h] > 1)
splits = sum(len(match[p]) - 1 for p in proposed if len(match[p]) > 1)
moves = 0
for p, (_, owns) in proposed.items():
    if len(match[p]) == 1:
        h = match[p][0]
        moves += sum(1 for t in owns if t not in hand[h][1]
                     and any(t in hand[o][1] for o in hand if o != h))
edits = removed + added + merges + splits + moves
n_false = sum(false.values())
print(f"{slug}: services {len(proposed)} (hand {len(hand)}), edits {edits} "
      f"(removed {removed}, added {added}, merges {merges}, splits {splits}, moves {moves}), "
      f"false errors {n_false}")
with open(counts_path, "a", encoding="utf-8") as f:
    f.write(f"{edits} {n_false} {1 if n_false == 0 else 0}\n")
if verbose == "1" and n_false:
    by_rule = collections.Counter()
    tables = collections.Counter()
    for k, n in false.items():
        by_rule[k[0]] += n
        if k[0] == "unowned-table":
            tables[k[3]] += n
    for r, n in by_rule.most_common():
        print(f"  {r}: {n}")
    for t, n in tables.most_common(15):
        print(f"    unowned {t}: {n}")
    for k, n in sorted(false.items())[:10]:
        print(f"    e.g. {k[0]} {k[1]}:{k[2]} {k[3]}")
PY
  rm -rf "$copy"
done

if [ -f "$tmp/counts" ]; then
  awk '{e+=$1; f+=$2; c+=$3} END {printf "total (%d repositories): edits %d, false errors %d, %d without a false error\n", NR, e, f, c}' "$tmp/counts"
fi
[ $broken -eq 0 ] || exit 3
exit 0
