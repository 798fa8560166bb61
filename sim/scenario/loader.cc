#include "sim/scenario/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/fleet/limits.h"
#include "core/fleet/schema.h"
#include "core/fleet/unit_file.h"

namespace keel::sim {
namespace {

// Thrown inside the loader and returned as an Error by the two entry points: validation is deep
// and the first problem ends it.
struct Invalid {
  std::string message;
};

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  Scenario load(const YAML::Node& root);

 private:
  [[noreturn]] void fail_at(const YAML::Node& node, std::string_view path, std::string what) const {
    const YAML::Mark mark = node.Mark();
    std::string where = file_;
    if (!mark.is_null()) where += str(":", mark.line + 1, ":", mark.column + 1);
    throw Invalid{str(where, ": ", path, ": ", what)};
  }

  void only_keys(const YAML::Node& map, std::string_view path,
                 const std::vector<std::string>& known) const;
  YAML::Node need_map(const YAML::Node& node, std::string_view path) const;
  std::string text(const YAML::Node& node, std::string_view path) const;
  Duration duration(const YAML::Node& node, std::string_view path) const;
  std::pair<Duration, Duration> duration_range(const YAML::Node& node, std::string_view path) const;
  double probability(const YAML::Node& node, std::string_view path) const;
  double number(const YAML::Node& node, std::string_view path, double low, double high) const;
  int integer(const YAML::Node& node, std::string_view path, int low, int high) const;
  bool boolean(const YAML::Node& node, std::string_view path) const;
  std::string machine(const YAML::Node& node, std::string_view path) const;
  std::vector<std::string> machines(const YAML::Node& node, std::string_view path) const;
  Target target(const YAML::Node& node, std::string_view path) const;
  PartitionFault partition(const YAML::Node& node, std::string_view path) const;
  MemberFault member(const YAML::Node& node, std::string_view path) const;
  Fault fault(const YAML::Node& node, std::string_view path) const;
  void check_membership_order(const YAML::Node& faults, const std::vector<Fault>& parsed) const;
  void cluster(const YAML::Node& node, Scenario& s) const;
  void workload(const YAML::Node& node, Scenario& s) const;
  void expect(const YAML::Node& node, Scenario& s) const;
  std::vector<UnitSpec> unit(const YAML::Node& node, const std::string& path) const;

  std::string file_;
  std::vector<std::string> names_;  // the machines, once the cluster is known
  int founders_ = 0;                // cluster.members, once the cluster is known
};

template <class T>
std::string joined(const std::vector<T>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += str(i ? ", " : "", words[i]);
  return out;
}

std::string suggestion(std::string_view word, const std::vector<std::string>& known) {
  const std::string close = closest_word(word, known);
  return close.empty() ? "" : str(" (did you mean '", close, "'?)");
}

void Loader::only_keys(const YAML::Node& map, std::string_view path,
                       const std::vector<std::string>& known) const {
  for (const auto& item : map) {
    const std::string key = item.first.as<std::string>();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      fail_at(item.first, path.empty() ? std::string_view(key) : path,
              str("unknown key '", key, "'", suggestion(key, known),
                  "; expected one of: ", joined(known)));
    }
  }
}

YAML::Node Loader::need_map(const YAML::Node& node, std::string_view path) const {
  if (!node.IsMap()) fail_at(node, path, "expected a mapping of keys to values");
  return node;
}

std::string Loader::text(const YAML::Node& node, std::string_view path) const {
  if (!node.IsScalar()) fail_at(node, path, "expected a single value");
  return node.Scalar();
}

Duration Loader::duration(const YAML::Node& node, std::string_view path) const {
  auto d = parse_duration(text(node, path));
  if (!d) fail_at(node, path, d.error().message);
  return *d;
}

std::pair<Duration, Duration> Loader::duration_range(const YAML::Node& node,
                                                     std::string_view path) const {
  if (!node.IsSequence() || node.size() != 2) {
    fail_at(node, path, "expected a range [low, high] such as [1ms, 10ms]");
  }
  const Duration low = duration(node[0], path), high = duration(node[1], path);
  if (low > high || low < Duration::zero()) {
    fail_at(node, path, "expected 0 <= low <= high in [low, high]");
  }
  return {low, high};
}

double Loader::probability(const YAML::Node& node, std::string_view path) const {
  auto p = parse_probability(text(node, path));
  if (!p) fail_at(node, path, p.error().message);
  return *p;
}

double Loader::number(const YAML::Node& node, std::string_view path, double low,
                      double high) const {
  const std::string t = text(node, path);
  double value = 0;
  std::istringstream in(t);
  if (!(in >> value) || !in.eof() || value < low || value > high) {
    fail_at(node, path, str("expected a number from ", low, " to ", high, ", got '", t, "'"));
  }
  return value;
}

int Loader::integer(const YAML::Node& node, std::string_view path, int low, int high) const {
  const std::string t = text(node, path);
  auto parsed = parse_seed_range(t);
  if (!parsed || parsed->count() != 1 || parsed->first < static_cast<std::uint64_t>(low) ||
      parsed->first > static_cast<std::uint64_t>(high)) {
    fail_at(node, path, str("expected a whole number from ", low, " to ", high, ", got '", t, "'"));
  }
  return static_cast<int>(parsed->first);
}

bool Loader::boolean(const YAML::Node& node, std::string_view path) const {
  const std::string t = text(node, path);
  if (t == "true") return true;
  if (t == "false") return false;
  fail_at(node, path, str("expected true or false, got '", t, "'"));
}

std::string Loader::machine(const YAML::Node& node, std::string_view path) const {
  const std::string name = text(node, path);
  if (std::find(names_.begin(), names_.end(), name) == names_.end()) {
    fail_at(node, path,
            str("no machine named '", name, "'", suggestion(name, names_), "; this cluster has ",
                joined(names_)));
  }
  return name;
}

std::vector<std::string> Loader::machines(const YAML::Node& node, std::string_view path) const {
  if (!node.IsSequence() || node.size() == 0) {
    fail_at(node, path, "expected a list of machine names such as [n1, n2]");
  }
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(machine(item, path));
  return out;
}

Target Loader::target(const YAML::Node& node, std::string_view path) const {
  if (node.IsSequence()) return Target{Target::Kind::kNames, machines(node, path)};
  const std::string t = text(node, path);
  static const std::vector<std::pair<std::string, Target::Kind>> kKinds = {
      {"leader", Target::Kind::kLeader},     {"follower", Target::Kind::kFollower},
      {"random", Target::Kind::kRandom},     {"minority", Target::Kind::kMinority},
      {"majority", Target::Kind::kMajority}, {"all", Target::Kind::kAll}};
  for (const auto& [word, kind] : kKinds) {
    if (t == word) return Target{kind, {}};
  }
  if (std::find(names_.begin(), names_.end(), t) != names_.end()) {
    return Target{Target::Kind::kNames, {t}};
  }
  std::vector<std::string> words = names_;
  for (const auto& [word, kind] : kKinds) words.push_back(word);
  fail_at(node, path,
          str("expected a machine name, a list of names, or one of leader, follower, random, "
              "minority, majority, all; got '",
              t, "'", suggestion(t, words)));
}

PartitionFault Loader::partition(const YAML::Node& node, std::string_view path) const {
  using Kind = PartitionFault::Kind;
  if (node.IsScalar()) {
    static const std::vector<std::pair<std::string, Kind>> kKinds = {
        {"isolate-leader", Kind::kIsolateLeader},
        {"isolate-new-leader", Kind::kIsolateNewLeader},
        {"figure-8", Kind::kFigure8},
        {"halves", Kind::kHalves},
        {"majority-minority", Kind::kMajorityMinority},
        {"bridge", Kind::kBridge},
        {"ring", Kind::kRing}};
    const std::string t = node.Scalar();
    for (const auto& [word, kind] : kKinds) {
      if (t == word) return PartitionFault{kind, {}, {}, {}, {}};
    }
    std::vector<std::string> words;
    for (const auto& [word, kind] : kKinds) words.push_back(word);
    words.insert(words.end(), {"isolate", "groups", "oneway"});
    fail_at(node, path,
            str("unknown partition '", t, "'", suggestion(t, words), "; expected one of ",
                joined(words), " (the last three take arguments)"));
  }
  need_map(node, path);
  only_keys(node, path, {"isolate", "groups", "oneway"});
  if (node.size() != 1) fail_at(node, path, "expected exactly one of isolate, groups, oneway");
  if (node["isolate"]) {
    return PartitionFault{
        Kind::kIsolate, machines(node["isolate"], str(path, ".isolate")), {}, {}, {}};
  }
  if (node["groups"]) {
    const YAML::Node& groups = node["groups"];
    if (!groups.IsSequence() || groups.size() < 2) {
      fail_at(groups, str(path, ".groups"), "expected at least two groups: [[n1, n2], [n3]]");
    }
    PartitionFault p{Kind::kGroups, {}, {}, {}, {}};
    std::set<std::string> seen;
    for (const auto& group : groups) {
      p.groups.push_back(machines(group, str(path, ".groups")));
      for (const auto& name : p.groups.back()) {
        if (!seen.insert(name).second) {
          fail_at(group, str(path, ".groups"), str("'", name, "' is in two groups"));
        }
      }
    }
    return p;
  }
  const YAML::Node oneway = need_map(node["oneway"], str(path, ".oneway"));
  only_keys(oneway, str(path, ".oneway"), {"from", "to"});
  if (!oneway["from"] || !oneway["to"]) {
    fail_at(oneway, str(path, ".oneway"), "expected both from: [..] and to: [..]");
  }
  return PartitionFault{Kind::kOneWay,
                        {},
                        {},
                        machines(oneway["from"], str(path, ".oneway.from")),
                        machines(oneway["to"], str(path, ".oneway.to"))};
}

MemberFault Loader::member(const YAML::Node& node, std::string_view path) const {
  need_map(node, path);
  only_keys(node, path, {"add", "remove"});
  if (node.size() != 1) fail_at(node, path, "expected exactly one of add: or remove:");
  const bool add = static_cast<bool>(node["add"]);
  const std::string at = str(path, add ? ".add" : ".remove");
  const YAML::Node& value = node[add ? "add" : "remove"];
  const std::string name = text(value, at);
  static const std::regex kMember("n[1-9][0-9]{0,3}");
  if (!std::regex_match(name, kMember)) {
    fail_at(value, at,
            str("expected a member name such as n", founders_ + 1, ", got '", name, "'"));
  }
  if (add && std::stoi(name.substr(1)) <= founders_) {
    fail_at(value, at,
            str("'", name, "' is a founding member (cluster.members is ", founders_,
                "); add: names a new machine, from n", founders_ + 1, " on"));
  }
  return MemberFault{add ? MemberFault::Kind::kAdd : MemberFault::Kind::kRemove, name};
}

Fault Loader::fault(const YAML::Node& node, std::string_view path) const {
  need_map(node, path);
  static const std::vector<std::string> kActions = {"partition", "crash",   "restart", "clock",
                                                    "disk",      "network", "pause",   "heal",
                                                    "container", "member"};
  std::vector<std::string> known = {"at", "every", "from", "until", "for", "restart_after"};
  known.insert(known.end(), kActions.begin(), kActions.end());
  only_keys(node, path, known);

  Fault f;
  f.where = str(file_, ":", node.Mark().line + 1);
  if (node["at"] && node["every"]) fail_at(node, path, "give either at: or every:, not both");
  if (node["at"]) {
    f.at = duration(node["at"], str(path, ".at"));
  } else if (node["every"]) {
    f.every = duration(node["every"], str(path, ".every"));
    if (*f.every <= Duration::zero()) fail_at(node["every"], str(path, ".every"), "must be > 0");
    if (node["from"]) f.at = duration(node["from"], str(path, ".from"));
    if (node["until"]) f.until = duration(node["until"], str(path, ".until"));
  } else {
    fail_at(node, path, "a fault needs at: (once) or every: (repeated)");
  }
  if (!f.every && (node["from"] || node["until"])) {
    fail_at(node, path, "from: and until: go with every:");
  }
  if (f.at < Duration::zero()) fail_at(node, path, "the fault's time must not be negative");
  if (node["for"]) {
    f.lasts = duration(node["for"], str(path, ".for"));
    if (*f.lasts <= Duration::zero()) fail_at(node["for"], str(path, ".for"), "must be > 0");
  }

  std::vector<std::string> actions;
  for (const auto& action : kActions) {
    if (node[action]) actions.push_back(action);
  }
  if (actions.size() != 1) {
    fail_at(node, path,
            str("a fault needs exactly one of ", joined(kActions),
                actions.empty() ? "" : str("; got ", joined(actions))));
  }
  const std::string& kind = actions.front();
  const YAML::Node& value = node[kind];
  const std::string at = str(path, ".", kind);
  const bool restartable = kind == "crash" || kind == "disk";
  if (node["restart_after"] && !restartable) {
    fail_at(node["restart_after"], str(path, ".restart_after"), "goes with crash: or disk:");
  }
  std::optional<Duration> restart_after;
  if (node["restart_after"]) {
    restart_after = duration(node["restart_after"], str(path, ".restart_after"));
  }
  if (kind == "partition") {
    f.action = partition(value, at);
  } else if (kind == "crash") {
    if (f.lasts)
      fail_at(node["for"], str(path, ".for"), "a crash ends with restart_after:, not for:");
    f.action = CrashFault{target(value, at), restart_after};
  } else if (kind == "restart") {
    f.action = RestartFault{target(value, at)};
  } else if (kind == "pause") {
    f.action = PauseFault{target(value, at)};
  } else if (kind == "heal") {
    if (text(value, at) != "all") fail_at(value, at, "expected heal: all");
    f.action = HealFault{};
  } else if (kind == "clock") {
    need_map(value, at);
    only_keys(value, at, {"node", "offset", "drift"});
    if (!value["node"]) fail_at(value, at, "expected node: (a target)");
    ClockFault c{target(value["node"], str(at, ".node")), std::nullopt, std::nullopt};
    if (value["offset"]) c.offset = duration(value["offset"], str(at, ".offset"));
    if (value["drift"]) c.drift = number(value["drift"], str(at, ".drift"), 0.5, 2.0);
    if (!c.offset && !c.drift) fail_at(value, at, "expected offset: or drift:");
    f.action = c;
  } else if (kind == "disk") {
    need_map(value, at);
    only_keys(value, at, {"node", "fault"});
    if (!value["node"] || !value["fault"]) fail_at(value, at, "expected node: and fault:");
    const std::string mode = text(value["fault"], str(at, ".fault"));
    DiskFault d{target(value["node"], str(at, ".node")), DiskFault::Kind::kLoseUnsynced,
                restart_after.value_or(std::chrono::seconds(1))};
    if (mode == "lose-unsynced") {
      d.kind = DiskFault::Kind::kLoseUnsynced;
    } else if (mode == "corrupt-tail") {
      d.kind = DiskFault::Kind::kCorruptTail;
    } else if (mode == "stall") {
      d.kind = DiskFault::Kind::kStall;
      if (restart_after)
        fail_at(node["restart_after"], str(path, ".restart_after"), "a stall does not restart");
    } else {
      const std::vector<std::string> modes = {"lose-unsynced", "corrupt-tail", "stall"};
      fail_at(
          value["fault"], str(at, ".fault"),
          str("expected one of ", joined(modes), ", got '", mode, "'", suggestion(mode, modes)));
    }
    if (f.lasts && d.kind != DiskFault::Kind::kStall) {
      fail_at(node["for"], str(path, ".for"), "only a stall lasts for a window; a crash restarts");
    }
    f.action = d;
  } else if (kind == "network") {
    need_map(value, at);
    only_keys(value, at, {"drop", "duplicate", "latency"});
    NetworkFault n;
    if (value["drop"]) n.drop = probability(value["drop"], str(at, ".drop"));
    if (value["duplicate"]) n.duplicate = probability(value["duplicate"], str(at, ".duplicate"));
    if (value["latency"]) n.latency = duration_range(value["latency"], str(at, ".latency"));
    if (!n.drop && !n.duplicate && !n.latency) {
      fail_at(value, at, "expected drop:, duplicate: or latency:");
    }
    f.action = n;
  } else if (kind == "member") {
    if (f.every) {
      fail_at(node["every"], str(path, ".every"),
              "a membership change happens once: give at:, not every:");
    }
    if (f.lasts) {
      fail_at(node["for"], str(path, ".for"),
              "a membership change is not reverted after a while; give another member fault");
    }
    f.action = member(value, at);
  } else {
    need_map(value, at);
    only_keys(value, at, {"unit", "fault"});
    if (!value["unit"] || !value["fault"]) fail_at(value, at, "expected unit: and fault:");
    ContainerFault c;
    c.unit = text(value["unit"], str(at, ".unit"));
    if (auto name = fleet::parse_unit_name(c.unit); !name) {
      fail_at(value["unit"], str(at, ".unit"), name.error().message);
    }
    const std::string mode = text(value["fault"], str(at, ".fault"));
    const std::vector<std::string> modes = {"crash", "start-fail"};
    if (mode == modes[0]) {
      c.kind = ContainerFault::Kind::kCrash;
    } else if (mode == modes[1]) {
      c.kind = ContainerFault::Kind::kStartFail;
    } else {
      fail_at(
          value["fault"], str(at, ".fault"),
          str("expected one of ", joined(modes), ", got '", mode, "'", suggestion(mode, modes)));
    }
    if (f.lasts) fail_at(node["for"], str(path, ".for"), "a container fault is not reverted");
    f.action = c;
  }
  return f;
}

// The Cluster boots added machines in turn (Cluster::add_machine), so adds, in the order they fire
// (file order at one instant, as the Nemesis schedules them), must name n(members+1), n(members+2)
// and so on; a remove must name a member when it fires: a founder or a machine added before it,
// not removed yet.
void Loader::check_membership_order(const YAML::Node& faults,
                                    const std::vector<Fault>& parsed) const {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    if (std::holds_alternative<MemberFault>(parsed[i].action)) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return parsed[a].at < parsed[b].at; });
  std::vector<std::string> members;
  for (int i = 1; i <= founders_; ++i) members.push_back(str("n", i));
  int next = founders_ + 1;
  for (std::size_t i : order) {
    const MemberFault& m = std::get<MemberFault>(parsed[i].action);
    const bool add = m.kind == MemberFault::Kind::kAdd;
    const char* word = add ? "add" : "remove";
    const YAML::Node where = faults[i]["member"][word];
    const std::string path = str("faults[", i, "].member.", word);
    if (add) {
      constexpr int kMaxAdded = 15;  // as many as cluster.members allows founders
      if (next > founders_ + kMaxAdded) {
        fail_at(where, path, str("at most ", kMaxAdded, " machines may be added in one scenario"));
      }
      if (m.machine != str("n", next)) {
        fail_at(where, path,
                str("added machines join in the order their adds fire: this add must name n", next,
                    ", got '", m.machine, "'"));
      }
      members.push_back(m.machine);
      ++next;
      continue;
    }
    const auto it = std::find(members.begin(), members.end(), m.machine);
    if (it == members.end()) {
      fail_at(where, path,
              str("'", m.machine,
                  "' is not a member when this remove fires; the members then: ", joined(members)));
    }
    members.erase(it);
  }
}

void Loader::cluster(const YAML::Node& node, Scenario& s) const {
  need_map(node, "cluster");
  only_keys(node, "cluster", {"members", "workers", "raft", "machines"});
  if (node["members"]) s.cluster.members = integer(node["members"], "cluster.members", 1, 15);
  if (node["workers"]) s.cluster.workers = integer(node["workers"], "cluster.workers", 0, 1000);
  if (const YAML::Node& raft = node["raft"]) {
    need_map(raft, "cluster.raft");
    only_keys(raft, "cluster.raft",
              {"heartbeat", "election_timeout", "pre_vote", "check_quorum",
               "max_entries_per_message", "max_inflight_messages", "snapshot_every",
               "snapshot_chunk", "max_held_appends", "log_kept_below_snapshot"});
    if (raft["heartbeat"])
      s.cluster.heartbeat = duration(raft["heartbeat"], "cluster.raft.heartbeat");
    if (raft["election_timeout"]) {
      s.cluster.election_timeout =
          duration_range(raft["election_timeout"], "cluster.raft.election_timeout");
    }
    if (raft["pre_vote"]) s.cluster.pre_vote = boolean(raft["pre_vote"], "cluster.raft.pre_vote");
    if (raft["check_quorum"]) {
      s.cluster.check_quorum = boolean(raft["check_quorum"], "cluster.raft.check_quorum");
    }
    if (raft["max_entries_per_message"]) {
      s.cluster.max_entries_per_message = integer(
          raft["max_entries_per_message"], "cluster.raft.max_entries_per_message", 1, 1 << 20);
    }
    if (raft["max_inflight_messages"]) {
      s.cluster.max_inflight_messages =
          integer(raft["max_inflight_messages"], "cluster.raft.max_inflight_messages", 1, 1 << 20);
    }
    if (raft["max_held_appends"]) {
      s.cluster.max_held_appends =
          integer(raft["max_held_appends"], "cluster.raft.max_held_appends", 0, 1 << 16);
    }
    if (raft["log_kept_below_snapshot"]) {
      s.cluster.log_kept_below_snapshot = integer(
          raft["log_kept_below_snapshot"], "cluster.raft.log_kept_below_snapshot", 0, 1 << 30);
    }
    if (raft["snapshot_every"]) {
      s.cluster.snapshot_every =
          integer(raft["snapshot_every"], "cluster.raft.snapshot_every", 1, 1 << 30);
    }
    if (const YAML::Node& chunk = raft["snapshot_chunk"]) {
      auto size = parse_size(text(chunk, "cluster.raft.snapshot_chunk"));
      if (!size || *size == 0 || *size > (1u << 30)) {
        fail_at(chunk, "cluster.raft.snapshot_chunk", "expected a size from 1 to 1GiB, e.g. 64KiB");
      }
      s.cluster.snapshot_chunk_bytes = *size;
    }
  }
}

void Loader::workload(const YAML::Node& node, Scenario& s) const {
  need_map(node, "workload");
  only_keys(node, "workload", {"kv", "watch", "units"});
  if (const YAML::Node& kv = node["kv"]) {
    need_map(kv, "workload.kv");
    only_keys(kv, "workload.kv", {"clients", "rate", "keys", "mix", "timeout", "reads"});
    KvWorkloadSpec w;
    if (kv["clients"]) w.clients = integer(kv["clients"], "workload.kv.clients", 1, 1000);
    if (kv["rate"]) {
      auto rate = parse_rate(text(kv["rate"], "workload.kv.rate"));
      if (!rate || *rate <= 0 || *rate > 1e6) {
        fail_at(kv["rate"], "workload.kv.rate",
                "expected a rate such as 200/s, above 0 and at most 1000000/s");
      }
      w.rate_per_second = *rate;
    }
    if (kv["keys"]) w.keys = integer(kv["keys"], "workload.kv.keys", 1, 100000);
    if (const YAML::Node& mix = kv["mix"]) {
      need_map(mix, "workload.kv.mix");
      only_keys(mix, "workload.kv.mix", {"get", "put", "cas", "delete"});
      w.get = mix["get"] ? integer(mix["get"], "workload.kv.mix.get", 0, 1000000) : 0;
      w.put = mix["put"] ? integer(mix["put"], "workload.kv.mix.put", 0, 1000000) : 0;
      w.cas = mix["cas"] ? integer(mix["cas"], "workload.kv.mix.cas", 0, 1000000) : 0;
      w.del = mix["delete"] ? integer(mix["delete"], "workload.kv.mix.delete", 0, 1000000) : 0;
      if (w.get + w.put + w.cas + w.del == 0) fail_at(mix, "workload.kv.mix", "all weights are 0");
    }
    if (kv["timeout"]) w.timeout = duration(kv["timeout"], "workload.kv.timeout");
    if (kv["reads"]) {
      const std::string reads = text(kv["reads"], "workload.kv.reads");
      const std::vector<std::string> modes = {"linearizable", "serializable"};
      if (reads != modes[0] && reads != modes[1]) {
        fail_at(kv["reads"], "workload.kv.reads",
                str("expected one of ", joined(modes), ", got '", reads, "'",
                    suggestion(reads, modes)));
      }
      w.serializable_reads = reads == "serializable";
    }
    s.kv = w;
  }
  if (const YAML::Node& watch = node["watch"]) {
    need_map(watch, "workload.watch");
    only_keys(watch, "workload.watch", {"clients", "prefix"});
    WatchWorkloadSpec w;
    if (watch["clients"]) w.clients = integer(watch["clients"], "workload.watch.clients", 1, 1000);
    if (watch["prefix"]) w.prefix = text(watch["prefix"], "workload.watch.prefix");
    s.watch = w;
  }
  if (const YAML::Node& units = node["units"]) {
    if (!units.IsSequence()) fail_at(units, "workload.units", "expected a list of units");
    std::set<std::string> names;
    for (std::size_t i = 0; i < units.size(); ++i) {
      for (UnitSpec& u : unit(units[i], str("workload.units[", i, "]"))) {
        if (!names.insert(u.name).second) {
          fail_at(units[i]["name"], str("workload.units[", i, "].name"),
                  str("unit ", u.name, " is listed twice"));
        }
        if (names.size() > fleet::kMaxUnits) {
          fail_at(units[i], str("workload.units[", i, "]"),
                  str("more than ", fleet::kMaxUnits, " units (fleet::kMaxUnits)"));
        }
        s.units.push_back(std::move(u));
      }
    }
  }
}

// A unit of `workload.units`: its file inline or at a path relative to the scenario file, read
// and checked now, so that a bad unit file is reported where the scenario names it. An extension
// of SCENARIOS.md: a template with `instances: N` stands for its instances 1..N, all with the
// template's file (for scenarios with many units).
std::vector<UnitSpec> Loader::unit(const YAML::Node& node, const std::string& path) const {
  need_map(node, path);
  only_keys(node, path, {"name", "file", "path", "state", "instances"});
  if (!node["name"]) fail_at(node, path, "a unit needs a name:");
  UnitSpec u;
  u.name = text(node["name"], str(path, ".name"));
  auto name = fleet::parse_unit_name(u.name);
  if (!name) fail_at(node["name"], str(path, ".name"), name.error().message);
  int instances = 0;
  if (node["instances"]) {
    instances =
        integer(node["instances"], str(path, ".instances"), 1, static_cast<int>(fleet::kMaxUnits));
    if (!name->is_template) {
      fail_at(node["instances"], str(path, ".instances"),
              str("only a template (name@.service) has instances; ", u.name, " is not one"));
    }
  } else if (name->is_template) {
    fail_at(node["name"], str(path, ".name"),
            str(u.name, " is a template: give instances: N, or name an instance (", name->prefix,
                "@1.service)"));
  }
  if (node["file"].IsDefined() == node["path"].IsDefined()) {
    fail_at(node, path, "give the unit file inline with file: or by path:, exactly one");
  }
  YAML::Node source = node["file"] ? node["file"] : node["path"];
  std::string where = str(path, node["file"] ? ".file" : ".path");
  if (node["file"]) {
    u.file = text(source, where);
  } else {
    const std::string relative = text(source, where);
    const auto full = std::filesystem::path(file_).parent_path() / relative;
    std::ifstream in(full);
    if (!in) fail_at(source, where, str("cannot read unit file ", full.string()));
    std::stringstream buffer;
    buffer << in.rdbuf();
    u.file = buffer.str();
    where = str(where, " (", full.string(), ")");
  }
  if (node["state"]) {
    u.state = text(node["state"], str(path, ".state"));
    if (auto state = fleet::parse_desired_state(u.state); !state) {
      fail_at(node["state"], str(path, ".state"), state.error().message);
    }
  }
  std::vector<UnitSpec> out;
  if (instances == 0) {
    out.push_back(u);
  } else {
    for (int i = 1; i <= instances; ++i) {
      auto instance = fleet::instantiate(u.name, std::to_string(i));
      KEEL_ASSERT(instance.has_value(), "a template takes numbered instances");
      out.push_back(UnitSpec{*instance, u.file, u.state});
    }
  }
  // One instance stands for all: they share the file, and specifiers resolve alike.
  if (auto parsed = fleet::parse_unit_file(out.front().name, u.file); !parsed) {
    fail_at(source, where, parsed.error().message);
  }
  return out;
}

void Loader::expect(const YAML::Node& node, Scenario& s) const {
  need_map(node, "expect");
  only_keys(
      node, "expect",
      {"linearizable", "watches", "leader_within", "units_within", "catalog_within", "min_ops"});
  if (node["linearizable"])
    s.expect.linearizable = boolean(node["linearizable"], "expect.linearizable");
  if (node["watches"]) s.expect.watches = boolean(node["watches"], "expect.watches");
  if (node["leader_within"]) {
    s.expect.leader_within = duration(node["leader_within"], "expect.leader_within");
  }
  if (node["units_within"]) {
    s.expect.units_within = duration(node["units_within"], "expect.units_within");
  }
  if (node["catalog_within"]) {
    s.expect.catalog_within = duration(node["catalog_within"], "expect.catalog_within");
  }
  if (node["min_ops"]) {
    s.expect.min_ops =
        static_cast<std::uint64_t>(integer(node["min_ops"], "expect.min_ops", 0, 1'000'000'000));
  }
}

Scenario Loader::load(const YAML::Node& root) {
  if (!root.IsMap())
    fail_at(root, "scenario", "expected a mapping with name:, cluster:, faults: ...");
  only_keys(root, "",
            {"name", "description", "seeds", "duration", "settle", "cluster", "network", "disk",
             "workload", "faults", "expect"});
  Scenario s;
  s.file = file_;
  if (!root["name"]) fail_at(root, "name", "a scenario needs a name: ([a-z0-9-]+)");
  s.name = text(root["name"], "name");
  static const std::regex kName("[a-z0-9-]+");
  if (!std::regex_match(s.name, kName)) {
    fail_at(root["name"], "name", str("expected [a-z0-9-]+, got '", s.name, "'"));
  }
  if (root["description"]) s.description = text(root["description"], "description");
  if (root["seeds"]) {
    auto seeds = parse_seed_range(text(root["seeds"], "seeds"));
    if (!seeds) fail_at(root["seeds"], "seeds", seeds.error().message);
    s.seeds = *seeds;
  }
  if (root["duration"]) s.duration = duration(root["duration"], "duration");
  if (root["settle"]) s.settle = duration(root["settle"], "settle");
  if (s.duration <= Duration::zero()) fail_at(root["duration"], "duration", "must be > 0");
  if (s.settle <= Duration::zero()) fail_at(root["settle"], "settle", "must be > 0");
  if (root["cluster"]) cluster(root["cluster"], s);
  names_ = s.machine_names();
  founders_ = s.cluster.members;
  if (root["cluster"] && root["cluster"]["machines"]) {
    const YAML::Node machines = root["cluster"]["machines"];
    need_map(machines, "cluster.machines");
    for (const auto& item : machines) {
      const std::string name = machine(item.first, "cluster.machines");
      const std::string at = str("cluster.machines.", name);
      need_map(item.second, at);
      only_keys(item.second, at, {"metadata", "memory", "cpus"});
      MachineSpec spec;
      if (const YAML::Node& metadata = item.second["metadata"]) {
        need_map(metadata, str(at, ".metadata"));
        for (const auto& kv : metadata) {
          spec.metadata[kv.first.as<std::string>()] = text(kv.second, str(at, ".metadata"));
        }
      }
      if (item.second["memory"]) {
        auto size = parse_size(text(item.second["memory"], str(at, ".memory")));
        if (!size) fail_at(item.second["memory"], str(at, ".memory"), size.error().message);
        spec.memory_bytes = *size;
      }
      if (item.second["cpus"])
        spec.cpus = number(item.second["cpus"], str(at, ".cpus"), 0.01, 1024);
      s.cluster.machines[name] = spec;
    }
  }
  if (const YAML::Node& network = root["network"]) {
    need_map(network, "network");
    only_keys(network, "network", {"latency", "drop", "duplicate"});
    if (network["latency"]) s.latency = duration_range(network["latency"], "network.latency");
    if (network["drop"]) s.drop = probability(network["drop"], "network.drop");
    if (network["duplicate"]) s.duplicate = probability(network["duplicate"], "network.duplicate");
  }
  if (const YAML::Node& disk = root["disk"]) {
    need_map(disk, "disk");
    only_keys(disk, "disk", {"fsync"});
    if (disk["fsync"]) s.fsync = duration_range(disk["fsync"], "disk.fsync");
  }
  if (root["workload"]) workload(root["workload"], s);
  if (const YAML::Node& faults = root["faults"]) {
    if (!faults.IsSequence()) fail_at(faults, "faults", "expected a list of faults");
    for (std::size_t i = 0; i < faults.size(); ++i) {
      s.faults.push_back(fault(faults[i], str("faults[", i, "]")));
    }
    check_membership_order(faults, s.faults);
  }
  if (root["expect"]) expect(root["expect"], s);
  return s;
}

}  // namespace

std::vector<std::string> Scenario::machine_names() const {
  std::vector<std::string> names;
  for (int i = 1; i <= cluster.members; ++i) names.push_back(str("n", i));
  for (int i = 1; i <= cluster.workers; ++i) names.push_back(str("w", i));
  return names;
}

std::string closest_word(std::string_view word, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string& candidate : known) {
    // Levenshtein distance, one row at a time.
    std::vector<std::size_t> row(candidate.size() + 1);
    for (std::size_t j = 0; j <= candidate.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= candidate.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min(
            {row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] == candidate[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    if (row.back() < best_distance) {
      best_distance = row.back();
      best = candidate;
    }
  }
  return best;
}

Result<Scenario> parse_scenario(std::string_view text, const std::string& file) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    return Loader(file).load(root);
  } catch (const Invalid& invalid) {
    return fail(Errc::kInvalidArgument, invalid.message);
  } catch (const YAML::Exception& e) {
    return fail(Errc::kInvalidArgument,
                str(file, ":", e.mark.line + 1, ":", e.mark.column + 1, ": ", e.msg));
  }
}

Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(Errc::kNotFound, str(path, ": cannot open the scenario file"));
  std::stringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

}  // namespace keel::sim
