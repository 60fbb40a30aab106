#!/usr/bin/env bash
# Builds ownlint's Python wheel with maturin (pyproject.toml, `bindings = "bin"`) and
# tries it as a user would: installed into a fresh virtual environment from the
# wheel file alone, then `ownlint --version` and `ownlint check fixtures/shop` (which
# must exit 1: the shop has planted violations). Prints the wheel's and the
# installed binary's sizes. Not part of `cargo test`: a release build takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=target/wheel-tools
out=target/wheels
try=target/wheel-try

if ! command -v maturin >/dev/null; then
  [ -x "$tools/bin/pip" ] || python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet 'maturin>=1.7,<2.0'
  PATH="$PWD/$tools/bin:$PATH"
fi
echo "maturin: $(maturin --version)"

rm -rf "$out"
maturin build --release --locked --out "$out"
wheel="$(ls "$out"/ownlint-*.whl)"

rm -rf "$try"
python3 -m venv "$try"
# --no-index: the wheel alone, nothing from a package index.
"$try/bin/pip" install --quiet --no-index "$wheel"
bin="$try/bin/ownlint"
[ -x "$bin" ] || bin="$try/Scripts/ownlint.exe"

echo "== $bin --version"
"$bin" --version
echo "== $bin check fixtures/shop --format concise --quiet | tail -n 3"
set +e
"$bin" check fixtures/shop --format concise --quiet > "$try/shop.txt"
code=$?
set -e
tail -n 3 "$try/shop.txt"
echo "exit code $code, $(wc -l < "$try/shop.txt") findings"
if [ "$code" -ne 1 ]; then
  echo "expected exit code 1 (findings) on fixtures/shop" >&2
  exit 1
fi
echo "== sizes"
echo "wheel: $(basename "$wheel") $(wc -c < "$wheel") bytes"
echo "installed binary: $(wc -c < "$bin") bytes"
