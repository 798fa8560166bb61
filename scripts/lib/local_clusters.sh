# Sourced by scripts/compare_etcd.sh and scripts/memory_rss.sh: starts a local 3-member Keel
# cluster and a local 3-member etcd 3.4 cluster (v2 enabled) on free loopback ports under a
# temporary directory, waits until each accepts a write (bounded), and stops both and removes the
# directory when the calling script exits. Sets keel_endpoints, etcd_endpoints (comma-separated
# client URLs), keel_pids and etcd_pids (arrays, member 1..3) and clusters_dir.

# Free TCP ports on 127.0.0.1, distinct (bound to 0 together, then released).
free_ports() {
  python3 -c 'import socket,sys
s=[socket.socket() for _ in range(int(sys.argv[1]))]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))' "$1"
}

clusters_stop() {
  local pid
  for pid in "${keel_pids[@]}" "${etcd_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${keel_pids[@]}" "${etcd_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$clusters_dir"
}

# Waits (at most 30 s) until `url` accepts a v2 PUT.
wait_writable() {
  local url="$1" deadline=$((SECONDS + 30))
  until curl -sf -m 2 -XPUT "$url/v2/keys/ready" -d value=1 >/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "local_clusters.sh: $url accepts no write within 30 s; logs in $clusters_dir" >&2
      return 1
    fi
    sleep 0.2
  done
}

clusters_start() {
  local build="$1" k
  command -v etcd >/dev/null || { echo "etcd is not installed (scripts/setup)" >&2; return 2; }
  [ -x "$build/bin/keeld" ] || { echo "$build/bin/keeld is missing" >&2; return 2; }
  clusters_dir="$(mktemp -d /tmp/keel-compare-XXXXXX)"
  keel_pids=()
  etcd_pids=()
  trap clusters_stop EXIT
  read -r -a ports <<<"$(free_ports 12)"
  local keel_initial="" etcd_initial=""
  keel_endpoints=""
  etcd_endpoints=""
  for k in 1 2 3; do
    keel_initial+="${keel_initial:+,}n$k=127.0.0.1:${ports[k - 1]}"
    etcd_initial+="${etcd_initial:+,}n$k=http://127.0.0.1:${ports[k + 5]}"
    keel_endpoints+="${keel_endpoints:+,}http://127.0.0.1:${ports[k + 2]}"
    etcd_endpoints+="${etcd_endpoints:+,}http://127.0.0.1:${ports[k + 8]}"
  done
  for k in 1 2 3; do
    "$build/bin/keeld" --name "n$k" --cluster-id 1 --initial-cluster "$keel_initial" \
      --listen-peer "127.0.0.1:${ports[k - 1]}" --listen-client "127.0.0.1:${ports[k + 2]}" \
      --data-dir "$clusters_dir/keel/n$k" 2>"$clusters_dir/keel-n$k.log" &
    keel_pids+=($!)
    etcd --name "n$k" --data-dir "$clusters_dir/etcd/n$k" --enable-v2=true \
      --listen-peer-urls "http://127.0.0.1:${ports[k + 5]}" \
      --initial-advertise-peer-urls "http://127.0.0.1:${ports[k + 5]}" \
      --listen-client-urls "http://127.0.0.1:${ports[k + 8]}" \
      --advertise-client-urls "http://127.0.0.1:${ports[k + 8]}" \
      --initial-cluster "$etcd_initial" --initial-cluster-state new \
      --initial-cluster-token keel-compare >"$clusters_dir/etcd-n$k.log" 2>&1 &
    etcd_pids+=($!)
  done
  for k in 1 2 3; do
    wait_writable "http://127.0.0.1:${ports[k + 2]}"
    wait_writable "http://127.0.0.1:${ports[k + 8]}"
  done
}
