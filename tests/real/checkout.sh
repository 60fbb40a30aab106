#!/usr/bin/env bash
# Clones every corpus repository into DIR/<slug> and checks out the commit recorded in
# tests/real/<slug>/repo.txt, for tests/real/run.sh DIR. Needs network access; an
# existing checkout is reused (fetching the commit if it lacks it).
#
#   tests/real/checkout.sh DIR
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"

for entry in "$here"/*/; do
  entry=${entry%/}
  slug=$(basename "$entry")
  [ -f "$entry/repo.txt" ] || continue
  url=$(sed -n 's/^url=//p' "$entry/repo.txt")
  commit=$(sed -n 's/^commit=//p' "$entry/repo.txt")
  target="$dir/$slug"
  if [ ! -d "$target/.git" ]; then
    echo "cloning $url into $target"
    git clone --quiet "$url" "$target"
  fi
  if ! git -C "$target" cat-file -e "$commit^{commit}" 2>/dev/null; then
    git -C "$target" fetch --quiet origin "$commit"
  fi
  git -C "$target" -c advice.detachedHead=false checkout --quiet --detach "$commit"
  echo "$slug: at $commit"
done
