#!/usr/bin/env bash
# Paired speed runs of two (or more) builds of keel_bench: this VM's speed swings by up to 1.7x
# between runs of one binary, so a change is judged by alternating runs and their medians, never by
# one run of each.
#
# usage: ab_speed.sh ROUNDS FILTER NAME=KEEL_BENCH [NAME=KEEL_BENCH...]
#   ROUNDS  runs of each binary, alternating (the order rotates each round)
#   FILTER  a --benchmark_filter matching exactly one benchmark that reports simulated_x, e.g.
#           'SimulatedSpeedAfter/1500/' (fixed iteration counts make two builds' runs comparable)
# Prints every run, then each binary's median simulated_x and how many rounds it was the fastest
# in. Exits 2 on bad arguments, 1 if a run fails or reports no single simulated_x.
set -euo pipefail

usage() {
  echo "usage: $0 ROUNDS FILTER NAME=KEEL_BENCH [NAME=KEEL_BENCH...]" >&2
  exit 2
}
[ $# -ge 3 ] || usage
rounds=$1
filter=$2
shift 2
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: ROUNDS must be a positive whole number, got '$rounds'" >&2
  exit 2
fi
names=()
binaries=()
for arg in "$@"; do
  name=${arg%%=*}
  binary=${arg#*=}
  if [[ "$arg" != *=* ]] || [ -z "$name" ]; then
    echo "$0: '$arg' is not NAME=KEEL_BENCH" >&2
    exit 2
  fi
  for taken in "${names[@]}"; do
    if [ "$taken" = "$name" ]; then
      echo "$0: the name '$name' is given twice" >&2
      exit 2
    fi
  done
  if [ ! -x "$binary" ]; then
    echo "$0: $binary is not an executable" >&2
    exit 2
  fi
  names+=("$name")
  binaries+=("$binary")
done
count=${#names[@]}

declare -A runs wins
for name in "${names[@]}"; do
  runs[$name]=""
  wins[$name]=0
done
for ((r = 0; r < rounds; r++)); do
  best=""
  best_x=0
  for ((k = 0; k < count; k++)); do
    i=$(((k + r) % count))
    # JSON output: the counter as a plain number (the console prints rates as 1.02k/s).
    if ! out=$("${binaries[$i]}" --benchmark_filter="$filter" --benchmark_format=json 2>&1); then
      echo "$0: ${binaries[$i]} failed:" >&2
      tail -5 <<<"$out" >&2
      exit 1
    fi
    x=$(grep -o '"simulated_x": [0-9.eE+-]*' <<<"$out" | awk '{ printf "%.1f\n", $2 }' || true)
    if [ -z "$x" ] || [ "$(wc -l <<<"$x")" -ne 1 ]; then
      echo "$0: '$filter' did not match exactly one benchmark reporting simulated_x in" \
        "${binaries[$i]}" >&2
      exit 1
    fi
    echo "round $r ${names[$i]} ${x}x"
    runs[${names[$i]}]+=" $x"
    if [ -z "$best" ] || awk -v a="$x" -v b="$best_x" 'BEGIN { exit !(a > b) }'; then
      best=${names[$i]}
      best_x=$x
    fi
  done
  wins[$best]=$((wins[$best] + 1))
done
for name in "${names[@]}"; do
  median=$(tr ' ' '\n' <<<"${runs[$name]}" | grep . | sort -n |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  echo "$name: median ${median}x over $rounds runs, fastest in ${wins[$name]} of $rounds rounds"
done
