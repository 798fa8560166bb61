#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang++-16 (-DKEEL_FUZZ=ON, its own build
# directory) and runs each for a few seconds from an empty corpus. Exits non-zero on a build
# failure or on any finding (a crash, an assertion, a sanitizer report, a leak); libFuzzer then
# leaves the input that triggered it as crash-* (or leak-*) in the build directory, to replay with
#   <build>/bin/fuzz_<name> <that file>
#
# Usage: scripts/fuzz.sh [--build DIR] [--seconds S]   (defaults: build/fuzz, 5)
set -euo pipefail
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
build="$source_dir/build/fuzz"
seconds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$build"
build="$(cd "$build" && pwd)"  # absolute: the loop below runs from inside it
command -v clang++-16 >/dev/null || { echo "fuzz.sh: clang++-16 is missing (scripts/setup)" >&2; exit 2; }

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Relative paths in ccache's keys: tests/fuzz/mutations/run_fuzz_mutations.sh's scratch build
# then hits the objects of this one.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$source_dir}
cmake -S "$source_dir" -B "$build" -DCMAKE_CXX_COMPILER=clang++-16 -DKEEL_FUZZ=ON \
  "${launcher[@]}" >/dev/null
cmake --build "$build" -j2 --target fuzz_frame_decoder fuzz_http_request

cd "$build"
for fuzz in frame_decoder http_request; do
  echo "fuzz.sh: fuzz_$fuzz for ${seconds}s"
  "$build/bin/fuzz_$fuzz" -max_total_time="$seconds" -print_final_stats=1 2>"fuzz_$fuzz.log" || {
    tail -40 "fuzz_$fuzz.log" >&2
    echo "fuzz.sh: fuzz_$fuzz found a failure (log: $build/fuzz_$fuzz.log)" >&2
    exit 1
  }
  grep -E '^stat::number_of_executed_units|^stat::new_units_added' "fuzz_$fuzz.log" || true
done
