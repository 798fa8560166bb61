#include "real/keeld/metrics.h"

#include <cstdio>
#include <sstream>

namespace keel::real::keeld {
namespace {

// Writes one metric family. Label values are escaped as the exposition format requires
// (backslash, double quote and newline).
class Writer {
 public:
  explicit Writer(std::string_view machine) {
    for (const char c : machine) {
      if (c == '\\' || c == '"') {
        labels_ += '\\';
        labels_ += c;
      } else if (c == '\n') {
        labels_ += "\\n";
      } else {
        labels_ += c;
      }
    }
  }

  void gauge(std::string_view name, std::string_view help, std::uint64_t value) {
    family(name, help, "gauge");
    out_ << name << "{machine=\"" << labels_ << "\"} " << value << '\n';
  }
  void counter(std::string_view name, std::string_view help, std::uint64_t value) {
    family(name, help, "counter");
    out_ << name << "{machine=\"" << labels_ << "\"} " << value << '\n';
  }
  void histogram(std::string_view name, std::string_view help, const LatencyHistogram& h) {
    family(name, help, "histogram");
    for (std::size_t i = 0; i < LatencyHistogram::kBounds; ++i) {
      out_ << name << "_bucket{machine=\"" << labels_ << "\",le=\""
           << number(LatencyHistogram::bound_seconds(i)) << "\"} " << h.count_at_or_below(i)
           << '\n';
    }
    out_ << name << "_bucket{machine=\"" << labels_ << "\",le=\"+Inf\"} " << h.count() << '\n';
    out_ << name << "_sum{machine=\"" << labels_ << "\"} " << number(h.sum_seconds()) << '\n';
    out_ << name << "_count{machine=\"" << labels_ << "\"} " << h.count() << '\n';
  }

  std::string text() const { return out_.str(); }

 private:
  static std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", value);
    return text;
  }
  void family(std::string_view name, std::string_view help, std::string_view type) {
    out_ << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  }

  std::string labels_;
  std::ostringstream out_;
};

}  // namespace

MetricsSample sample_metrics(std::string machine, node::KvService& service,
                             const TransportStats& transport, const LatencyHistogram& wal_fsync) {
  const raft::Raft& raft = service.node().raft();
  const node::KvServiceStats& kv = service.stats();
  MetricsSample sample;
  sample.machine = std::move(machine);
  sample.term = raft.term();
  sample.leader = raft.leader();
  sample.is_leader = raft.role() == raft::Role::kLeader;
  sample.commit_index = raft.commit();
  sample.applied_index = raft.applied();
  sample.proposals = kv.requests_proposed;
  sample.proposal_batches = kv.batches_proposed;
  sample.refused_not_leader = kv.refused_not_leader;
  sample.refused_backpressure = kv.refused_backpressure;
  sample.pending_requests = service.pending();
  sample.watchers = service.watches().size();
  sample.leases = service.store().leases().size();
  sample.keys = service.store().key_count();
  sample.snapshots_taken = service.node().stats().snapshots_taken;
  sample.peer_connections = transport.connects_in + transport.connects_out - transport.disconnects;
  sample.handshakes_refused = transport.handshakes_refused;
  sample.frames_sent = transport.frames_sent;
  sample.frames_received = transport.frames_received;
  sample.dead_peer_closes = transport.dead_peer_closes;
  sample.wal_fsync = wal_fsync;
  return sample;
}

std::string compose_metrics(const MetricsSample& s) {
  Writer w(s.machine);
  w.gauge("keel_raft_term", "The current Raft term.", s.term);
  w.gauge("keel_raft_leader", "The id of the leader this machine knows (0: none).", s.leader);
  w.gauge("keel_raft_is_leader", "1 if this machine is the Raft leader, else 0.", s.is_leader);
  w.gauge("keel_raft_commit_index", "The highest log index known to be committed.", s.commit_index);
  w.gauge("keel_raft_applied_index", "The highest log index applied to the store.",
          s.applied_index);
  w.counter("keel_proposals_total", "Client requests this machine proposed through Raft.",
            s.proposals);
  w.counter("keel_proposal_batches_total",
            "Raft entries this machine proposed for client requests.", s.proposal_batches);
  w.counter("keel_requests_refused_not_leader_total",
            "Client requests refused because this machine is not the leader.",
            s.refused_not_leader);
  w.counter("keel_requests_refused_backpressure_total",
            "Client writes refused because the applied index lagged the commit index.",
            s.refused_backpressure);
  w.gauge("keel_pending_requests", "Client requests submitted and not yet answered.",
          s.pending_requests);
  w.gauge("keel_watchers", "Watchers open on this machine.", s.watchers);
  w.gauge("keel_leases", "Leases in the store.", s.leases);
  w.gauge("keel_keys", "Keys in the store.", s.keys);
  w.counter("keel_snapshots_total", "Snapshots this machine took of its store.", s.snapshots_taken);
  w.gauge("keel_peer_connections",
          "Peer TCP connections (both directions) that completed their handshake and are open.",
          s.peer_connections);
  w.counter("keel_peer_handshakes_refused_total",
            "Peer handshakes refused: foreign cluster, unknown node or garbage.",
            s.handshakes_refused);
  w.counter("keel_peer_frames_sent_total", "Frames written to peers.", s.frames_sent);
  w.counter("keel_peer_frames_received_total", "Frames received from peers.", s.frames_received);
  w.counter("keel_peer_dead_closes_total",
            "Peer connections closed because nothing arrived from the peer within the silence "
            "timeout, or sent data went unacknowledged that long.",
            s.dead_peer_closes);
  w.histogram("keel_wal_fsync_duration_seconds", "Latency of write-ahead log segment syncs.",
              s.wal_fsync);
  return w.text();
}

}  // namespace keel::real::keeld
