#!/usr/bin/env bash
# Resident memory of Keel and etcd 3.4 members, side by side: a local 3-member cluster of each
# (scripts/lib/local_clusters.sh), VmRSS from /proc/PID/status of every member while idle, then
# after keel_loadgen has PUT --keys distinct keys (64-byte values) into each cluster. Prints the
# largest member of each cluster (the leader holds the most: its log and its followers' progress).
#
# Usage: scripts/memory_rss.sh [--build DIR] [--keys N]   (default 1000000 keys)
#   Build first: cmake --build build --target keeld keel_loadgen
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib/local_clusters.sh"

build=build
keys=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --keys) keys="$2"; shift 2 ;;
    *) echo "memory_rss.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
loadgen="$build/bin/keel_loadgen"
[ -x "$loadgen" ] || { echo "memory_rss.sh: $loadgen is missing (build keel_loadgen)" >&2; exit 2; }

# The largest VmRSS among `pids`, in MiB.
max_rss_mib() {
  local pid kib max=0
  for pid in "$@"; do
    kib="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
    [ "$kib" -gt "$max" ] && max="$kib"
  done
  awk -v k="$max" 'BEGIN { printf "%.1f", k / 1024 }'
}

clusters_start "$build"
keel_idle="$(max_rss_mib "${keel_pids[@]}")"
etcd_idle="$(max_rss_mib "${etcd_pids[@]}")"
for system in keel etcd; do
  endpoints="$keel_endpoints"
  [ "$system" = etcd ] && endpoints="$etcd_endpoints"
  line="$("$loadgen" --endpoints "$endpoints" --op fill --clients 64 --keys "$keys")"
  echo "$system $line" >&2
done
keel_full="$(max_rss_mib "${keel_pids[@]}")"
etcd_full="$(max_rss_mib "${etcd_pids[@]}")"

printf '\n%-28s %10s %10s\n' "largest member VmRSS (MiB)" keel etcd
printf '%-28s %10s %10s\n' idle "$keel_idle" "$etcd_idle"
printf '%-28s %10s %10s\n' "holding $keys keys" "$keel_full" "$etcd_full"
