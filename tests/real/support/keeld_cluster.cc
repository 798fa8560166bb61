#include "real/support/keeld_cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace keel::real::testing {

Role latest_role(const std::string& log) {
  Role role;
  for (const LogEvent& e : read_log(log)) {
    if (e.component == "raft" && e.event == "role") {
      role = Role{e.fields.at("role"), std::stoull(e.fields.at("term")),
                  std::stoull(e.fields.at("leader"))};
    }
  }
  return role;
}

bool logged(const std::string& log, std::string_view component, std::string_view event,
            const std::map<std::string, std::string>& fields) {
  for (const LogEvent& e : read_log(log)) {
    if (e.component != component || e.event != event) continue;
    bool all = true;
    for (const auto& [key, value] : fields) {
      const auto found = e.fields.find(key);
      all = all && found != e.fields.end() && found->second == value;
    }
    if (all) return true;
  }
  return false;
}

Result<keelctl::HttpAnswer> client_exchange(std::uint16_t port, std::string method,
                                            std::string target, std::string body) {
  constexpr keelctl::HttpTimeouts kTimeouts{.connect = std::chrono::seconds(1),
                                            .answer = std::chrono::seconds(3)};
  const keelctl::HttpUrl url{"127.0.0.1", port, str("http://127.0.0.1:", port)};
  return keelctl::http_exchange(url, {std::move(method), std::move(target), std::move(body)},
                                kTimeouts);
}

std::string last_wal_segment(const std::string& data_dir) {
  std::set<std::string> segments;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir + "/wal")) {
    if (entry.path().extension() == ".wal") segments.insert(entry.path().string());
  }
  return segments.empty() ? "" : *segments.rbegin();
}

KeeldCluster::KeeldCluster(int size, std::vector<std::string> flags) : flags_(std::move(flags)) {
  std::vector<std::uint16_t> taken;
  const auto fresh_port = [&] {
    std::uint16_t port = free_port();
    while (std::ranges::count(taken, port) > 0) port = free_port();
    taken.push_back(port);
    return port;
  };
  for (int k = 1; k <= size; ++k) {
    peer_ports_.push_back(fresh_port());
    client_ports_.push_back(fresh_port());
  }
  routes_.assign(size + 1, peer_ports_);
  members_.resize(size + 1);
  lives_.resize(size + 1, 0);
}

KeeldProcess& KeeldCluster::start(int k, std::uint64_t cluster_id) {
  members_.at(k).reset();
  const std::string log_path = dir_ / str(name(k), ".", lives_.at(k)++, ".log");
  std::string initial;  // as member k reaches the others
  for (int j = 1; j <= size(); ++j) {
    initial += str(j > 1 ? "," : "", name(j), "=127.0.0.1:", routes_.at(k).at(j - 1));
  }
  std::vector<std::string> args{"--name",
                                name(k),
                                "--cluster-id",
                                str(cluster_id),
                                "--initial-cluster",
                                initial,
                                "--listen-peer",
                                str("127.0.0.1:", peer_ports_.at(k - 1)),
                                "--listen-client",
                                str("127.0.0.1:", client_ports_.at(k - 1)),
                                "--data-dir",
                                data_dir(k),
                                "--log-format",
                                "json"};
  args.insert(args.end(), flags_.begin(), flags_.end());
  members_.at(k) = std::make_unique<KeeldProcess>(args, log_path);
  return *members_.at(k);
}

std::string KeeldCluster::logs() const {
  std::string text;
  for (int k = 1; k <= size(); ++k) {
    if (members_.at(k)) text += str("== ", name(k), " ==\n", read_text(log(k)));
  }
  return text;
}

std::uint64_t KeeldCluster::agreed_leader(const std::vector<int>& alive, Duration bound) {
  std::uint64_t leader = 0;
  wait_for(
      [&] {
        const Role first = latest_role(log(alive.front()));
        if (first.leader == 0) return false;
        for (int k : alive) {
          const Role role = latest_role(log(k));
          if (role.leader != first.leader || role.term != first.term) return false;
          if ((k == static_cast<int>(first.leader)) != (role.role == "leader")) return false;
        }
        leader = first.leader;
        return std::ranges::count(alive, static_cast<int>(leader)) == 1;
      },
      bound);
  return leader;
}

void KeeldCluster::expect_one_leader_per_term() const {
  std::map<std::string, std::set<std::string>> leaders;  // term -> machines that led
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    if (entry.path().extension() != ".log") continue;
    for (const LogEvent& e : read_log(entry.path())) {
      if (e.component == "raft" && e.event == "role" && e.fields.at("role") == "leader") {
        leaders[e.fields.at("term")].insert(e.machine);
      }
    }
  }
  EXPECT_FALSE(leaders.empty());
  for (const auto& [term, machines] : leaders) {
    EXPECT_EQ(machines.size(), 1u) << "term " << term << " had " << machines.size() << " leaders";
  }
}

}  // namespace keel::real::testing
