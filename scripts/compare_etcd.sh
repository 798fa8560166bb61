#!/usr/bin/env bash
# Keel against etcd 3.4 on this machine, side by side in one run: a local 3-member Keel cluster
# (build/bin/keeld) and a local 3-member etcd cluster (Debian's etcd-server, v2 API enabled), both
# fsyncing their logs (Keel always does; etcd does unless --unsafe-no-fsync, not given here), on
# loopback ports. bench/loadgen (keel_loadgen) drives each through the etcd v2 keys API with 1, 16
# and 256 closed-loop keep-alive clients, spread over the three members: PUTs, then linearizable
# (quorum) GETs. Prints one table with the Keel/etcd ratio of throughput per row.
#
# Usage: scripts/compare_etcd.sh [--build DIR] [--duration S] [--clients "1 16 256"]
#   Build first: cmake --build build --target keeld keel_loadgen
# Memory (resident size of the members, idle and holding many keys) is scripts/memory_rss.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib/local_clusters.sh"

build=build
duration=5
clients_list="1 16 256"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --clients) clients_list="$2"; shift 2 ;;
    *) echo "compare_etcd.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
loadgen="$build/bin/keel_loadgen"
[ -x "$loadgen" ] || { echo "compare_etcd.sh: $loadgen is missing (build keel_loadgen)" >&2; exit 2; }

clusters_start "$build"

declare -A result
for op in put get; do
  for clients in $clients_list; do
    for system in keel etcd; do
      endpoints="$keel_endpoints"
      [ "$system" = etcd ] && endpoints="$etcd_endpoints"
      line="$("$loadgen" --endpoints "$endpoints" --op "$op" --clients "$clients" \
                         --duration "$duration" --keys 1000)"
      echo "$system $line" >&2
      result["$system $op $clients"]="$line"
    done
  done
done

field() { sed -n "s/.*$2=\([^ ]*\).*/\1/p" <<<"$1"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
printf '\n%-4s %7s | %10s %8s %8s | %10s %8s %8s | %10s\n' op clients "keel op/s" "p50 ms" \
  "p99 ms" "etcd op/s" "p50 ms" "p99 ms" "keel/etcd"
for op in put get; do
  for clients in $clients_list; do
    k="${result["keel $op $clients"]}"
    e="${result["etcd $op $clients"]}"
    printf '%-4s %7s | %10s %8s %8s | %10s %8s %8s | %10s\n' "$op" "$clients" \
      "$(field "$k" ops_per_s)" "$(ms "$(field "$k" p50_us)")" "$(ms "$(field "$k" p99_us)")" \
      "$(field "$e" ops_per_s)" "$(ms "$(field "$e" p50_us)")" "$(ms "$(field "$e" p99_us)")" \
      "$(awk -v a="$(field "$k" ops_per_s)" -v b="$(field "$e" ops_per_s)" \
           'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  done
done
