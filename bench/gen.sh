# Sourced by bench/run.sh and bench/same-reports.sh (from the project root, with $dir
# set to where the trees go).
#
# gen NAME ARGS...: generates the tree $dir/NAME with bench/gen.py ARGS once, and again
# when the generator or the arguments changed.
gen() {
  local name=$1
  shift
  local stamp
  stamp="$(sha256sum bench/gen.py | cut -c1-16) $*"
  if [ "$(cat "$dir/$name.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "generating $name ($*)" >&2
    rm -rf "${dir:?}/$name"
    python3 bench/gen.py --out "$dir/$name" "$@"
    echo "$stamp" >"$dir/$name.stamp"
  fi
}
