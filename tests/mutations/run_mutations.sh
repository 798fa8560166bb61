#!/usr/bin/env bash
# Mutation tests: each patch in this directory puts a known Raft bug back into a scratch copy of
# the tree; the simulator must report a safety violation within the seed budget. A mutation that
# survives is a failing test: it means the simulator (checkers, faults, workload) is too blunt.
#
# usage: run_mutations.sh SOURCE_DIR WORK_DIR [PATCH...]
#   SOURCE_DIR  the repository (its tracked files, as they are in the working tree, are copied)
#   WORK_DIR    where the scratch tree and its build live; reused between runs (incremental)
# Environment: KEEL_MUTATION_SEEDS (default 500), KEEL_MUTATION_MEMBERS (default 5).
set -euo pipefail

src=$(cd "$1" && pwd)
mkdir -p "$2"
work=$(cd "$2" && pwd)
shift 2
patches=("$@")
if [ ${#patches[@]} -eq 0 ]; then
  patches=("$src"/tests/mutations/*.patch)
fi
seeds=${KEEL_MUTATION_SEEDS:-500}
members=${KEEL_MUTATION_MEMBERS:-5}
# The scratch build sits at tree/build, as the main build (`make test`) sits at build: with ccache
# and a base directory above both, the pristine objects are cache hits from that build.
tree=$work/tree
build=$tree/build
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$src}

source "$src/scripts/lib/scratch_tree.sh"
sync_scratch_tree "$src" "$tree"
launcher=$(command -v ccache || true)
cmake -S "$tree" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" \
  >/dev/null
cmake --build "$build" --target keelsim -j "$(nproc)" >/dev/null

survived=0
report=()
for patch in "${patches[@]}"; do
  name=$(basename "$patch" .patch)
  if ! patch -s -p1 -d "$tree" <"$patch"; then
    echo "mutation $name: the patch does not apply to this tree" >&2
    exit 1
  fi
  build_ok=1
  cmake --build "$build" --target keelsim -j "$(nproc)" >"$work/$name.build.log" 2>&1 || build_ok=0
  status=0
  if [ $build_ok -eq 1 ]; then
    "$build/bin/keelsim" raft --members "$members" --seeds "1..$seeds" --swarm --stop-at-first-failure \
      >"$work/$name.log" 2>&1 || status=$?
  fi
  unpatch_scratch_tree "$src" "$tree" "$patch"
  if [ $build_ok -eq 0 ]; then
    echo "mutation $name: does not build (see $work/$name.build.log)" >&2
    exit 1
  fi
  first=$(grep -m1 -oE '^seed [0-9]+ FAILED' "$work/$name.log" | grep -oE '[0-9]+' || true)
  if [ "$status" -eq 1 ] && [ -n "$first" ]; then
    why=$(grep -m1 -E '^seed [0-9]+ FAILED' "$work/$name.log" | sed -E 's/^seed [0-9]+ FAILED: //' || true)
    report+=("$(printf '%-36s caught after %4d seeds: %s' "$name" "$first" "${why:0:110}")")
  else
    survived=$((survived + 1))
    report+=("$(printf '%-36s SURVIVED %d seeds (exit %d)' "$name" "$seeds" "$status")")
  fi
done

echo "Mutation tests ($members members, at most $seeds seeds each):"
printf '  %s\n' "${report[@]}"
if [ $survived -gt 0 ]; then
  echo "$survived mutation(s) survived"
  exit 1
fi
echo "all ${#patches[@]} mutations caught"
