#!/usr/bin/env bash
# Writes through a follower while the leader is frozen (issue 7): on a local 3-member Keel cluster
# (scripts/lib/local_clusters.sh, which starts etcd beside it), --clients concurrent clients PUT
# v2 keys to a follower for --seconds, each one at a time with a 10 s timeout, while the leader is
# SIGSTOPped for --stop seconds (longer than an election timeout) and then SIGCONTed. Prints how
# the writes ended: ok, refused with errorCode 300 (etcd's raft-internal error: no leader, no
# answer from the leader...) with the reason, other errors, and timeouts.
#
# Usage: scripts/leader_stop_writes.sh [--build DIR] [--seconds N] [--stop N] [--clients N]
#   Build first: cmake --build build --target keeld
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib/local_clusters.sh"

build=build
seconds=8
stop=3
clients=16
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --stop) stop="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    *) echo "leader_stop_writes.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

clusters_start "$build"
IFS=, read -r -a endpoints <<<"$keel_endpoints"
leader=-1
for k in 0 1 2; do
  if curl -sf -m 2 "${endpoints[k]}/metrics" | grep -q '^keel_raft_is_leader{.*} 1$'; then leader=$k; fi
done
[ "$leader" -ge 0 ] || { echo "leader_stop_writes.sh: no member reports itself leader" >&2; exit 1; }
follower=$(((leader + 1) % 3))

python3 - "${endpoints[follower]}" "$seconds" "$clients" >"$clusters_dir/writes.txt" <<'EOF' &
import json, sys, threading, time, urllib.error, urllib.parse, urllib.request
url, seconds, clients = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
end, outcomes, lock = time.monotonic() + seconds, [], threading.Lock()

def write(client):
    i = 0
    while time.monotonic() < end:
        i += 1
        body = urllib.parse.urlencode({"value": str(i)}).encode()
        request = urllib.request.Request(f"{url}/v2/keys/stop/{client}-{i}", data=body, method="PUT")
        try:
            urllib.request.urlopen(request, timeout=10).read()
            outcome = "ok"
        except urllib.error.HTTPError as e:
            answer = json.loads(e.read() or b"{}")
            code, reason = answer.get("errorCode"), answer.get("cause", answer.get("message", ""))
            outcome = f"refused-300 ({reason})" if code == 300 else f"error-{code}"
        except Exception:
            outcome = "timeout"
        with lock:
            outcomes.append(outcome)

threads = [threading.Thread(target=write, args=(c,)) for c in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("\n".join(outcomes))
EOF
writer=$!
sleep 1
kill -STOP "${keel_pids[leader]}"
sleep "$stop"
kill -CONT "${keel_pids[leader]}"
wait "$writer"
echo "leader n$((leader + 1)) stopped ${stop}s; $clients clients' writes to n$((follower + 1)) over ${seconds}s:"
sort "$clusters_dir/writes.txt" | uniq -c
