#!/usr/bin/env bash
# Fuzzer mutation tests: each patch in this directory plants a known bug (a length trusted without
# its bound, a read past the end of a buffer) in a scratch copy of the tree; the libFuzzer target
# its "Fuzzer:" line names, built as scripts/fuzz.sh builds it (clang++-16, ASan, UBSan), must
# report it (a crash, a sanitizer report, an out-of-memory) within the time budget, from an empty
# corpus. A planted bug that survives is a failing test: that fuzzer is too blunt to find it.
#
# usage: run_fuzz_mutations.sh SOURCE_DIR WORK_DIR [PATCH...]
#   SOURCE_DIR  the repository (its tracked files, as they are in the working tree, are copied)
#   WORK_DIR    where the scratch tree, its build and the logs live; reused between runs
# Environment: KEEL_FUZZ_MUTATION_SECONDS (default 30), the budget of each fuzzer run;
#              KEEL_FUZZ_MUTATION_SEED (default 1), libFuzzer's -seed, for a repeatable run.
set -euo pipefail

src=$(cd "$1" && pwd)
mkdir -p "$2"
work=$(cd "$2" && pwd)
shift 2
patches=("$@")
if [ ${#patches[@]} -eq 0 ]; then
  patches=("$src"/tests/fuzz/mutations/*.patch)
fi
seconds=${KEEL_FUZZ_MUTATION_SECONDS:-30}
seed=${KEEL_FUZZ_MUTATION_SEED:-1}
command -v clang++-16 >/dev/null || {
  echo "run_fuzz_mutations.sh: clang++-16 is missing (scripts/setup)" >&2
  exit 2
}

# The scratch build sits at tree/build/fuzz, as scripts/fuzz.sh's sits at build/fuzz: with ccache
# and a base directory above both, the pristine objects are cache hits from that build.
tree=$work/tree
build=$tree/build/fuzz
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$src}
source "$src/scripts/lib/scratch_tree.sh"
sync_scratch_tree "$src" "$tree"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$tree" -B "$build" -DCMAKE_CXX_COMPILER=clang++-16 -DKEEL_FUZZ=ON "${launcher[@]}" \
  >/dev/null

survived=0
report=()
for patch in "${patches[@]}"; do
  name=$(basename "$patch" .patch)
  fuzzer=$(sed -nE 's/^Fuzzer: *([a-z_]+) *$/\1/p' "$patch" | head -1)
  if [ -z "$fuzzer" ]; then
    echo "mutation $name: no 'Fuzzer: <name>' line names the fuzzer that must find it" >&2
    exit 1
  fi
  if ! patch -s -p1 -d "$tree" <"$patch"; then
    echo "mutation $name: the patch does not apply to this tree" >&2
    exit 1
  fi
  build_ok=1
  cmake --build "$build" --target "fuzz_$fuzzer" -j2 >"$work/$name.build.log" 2>&1 || build_ok=0
  status=0
  started=$(date +%s%N)
  if [ $build_ok -eq 1 ]; then
    rm -rf "$work/$name.artifacts" && mkdir -p "$work/$name.artifacts"
    "$build/bin/fuzz_$fuzzer" -max_total_time="$seconds" -seed="$seed" -print_final_stats=1 \
      -artifact_prefix="$work/$name.artifacts/" >"$work/$name.log" 2>&1 || status=$?
  fi
  took_ms=$((($(date +%s%N) - started) / 1000000))
  took=$(printf '%d.%03d' $((took_ms / 1000)) $((took_ms % 1000)))
  unpatch_scratch_tree "$src" "$tree" "$patch"
  if [ $build_ok -eq 0 ]; then
    echo "mutation $name: does not build (see $work/$name.build.log)" >&2
    exit 1
  fi
  # A finding: libFuzzer exits non-zero and leaves the input that triggered it (crash-*, oom-*,
  # leak-*, timeout-*) in the artifact directory.
  artifact=$(ls "$work/$name.artifacts" | head -1)
  runs=$(grep -m1 -oE '^stat::number_of_executed_units: *[0-9]+' "$work/$name.log" |
    grep -oE '[0-9]+$' || echo '?')
  if [ "$status" -ne 0 ] && [ -n "$artifact" ]; then
    why=$(grep -m1 -oE '(ERROR|WARNING): (AddressSanitizer|libFuzzer|LeakSanitizer|UndefinedBehaviorSanitizer): [^ ]+( [^ ]+)?' \
      "$work/$name.log" || echo "${artifact%%-*}")
    report+=("$(printf '%-42s found by fuzz_%-14s in %7s s, %9s runs: %s' \
      "$name" "$fuzzer" "$took" "$runs" "$why")")
  else
    survived=$((survived + 1))
    report+=("$(printf '%-42s SURVIVED fuzz_%s for %d s, %s runs (exit %d)' \
      "$name" "$fuzzer" "$seconds" "$runs" "$status")")
  fi
done

echo "Fuzzer mutation tests (at most $seconds s each, seed $seed):"
printf '  %s\n' "${report[@]}"
if [ $survived -gt 0 ]; then
  echo "$survived planted bug(s) survived (logs: $work)"
  exit 1
fi
echo "all ${#patches[@]} planted bugs found"
