// JournalCluster: three keeld members on loopback (KeeldCluster) for the tests of keelctl's
// verbs that read units' journals (journal_test.cc, unit_verbs_cluster_test.cc): keelctl runs
// against all three client ports, run_until() repeats a verb until its output matches (bounded by
// kClusterBound: election, leases, engine passes), get() is one raw GET to member k.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/str.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/http_client.h"
#include "real/support/keelctl_run.h"
#include "real/support/keeld_cluster.h"

namespace keel::real::keelctl::testing {

using keel::real::testing::KeeldCluster;
using keel::real::testing::read_text;
using keel::real::testing::wait_for;

inline constexpr Duration kClusterBound = std::chrono::seconds(30);

class JournalCluster {
 public:
  JournalCluster() {
    for (int k = 1; k <= 3; ++k) {
      cluster_.start(k);
      endpoints_ += str(k > 1 ? "," : "", url(k));
    }
  }
  const std::string& endpoints() const { return endpoints_; }
  const real::testing::TempDir& dir() const { return cluster_.dir(); }
  std::string url(int k) const { return str("http://127.0.0.1:", cluster_.client_port(k)); }
  KeelctlRun run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--endpoint", endpoints_, "--timeout", "5"});
    return keelctl(args);
  }
  // Runs `args` until it succeeds with output matching `pattern`; the last run either way.
  KeelctlRun run_until(const std::vector<std::string>& args, const std::string& pattern) const {
    KeelctlRun last;
    const std::regex wanted(pattern);
    wait_for(
        [&] {
          last = run(args);
          return last.code == kExitOk && std::regex_search(last.out, wanted);
        },
        kClusterBound);
    return last;
  }
  HttpAnswer get(int k, const std::string& target) const {
    auto parsed = parse_http_url(url(k));
    EXPECT_TRUE(parsed.has_value());
    auto answer =
        http_exchange(*parsed, {.method = "GET", .target = target, .body = ""},
                      {.connect = std::chrono::seconds(5), .answer = std::chrono::seconds(5)});
    EXPECT_TRUE(answer.has_value()) << answer.error().message;
    return answer.value_or(HttpAnswer{});
  }
  std::string write_unit(const std::string& name, std::string_view text) const {
    const std::string path = cluster_.dir() / name;
    std::ofstream(path) << text;
    return path;
  }
  std::string logs() const {
    std::string text;
    for (int k = 1; k <= 3; ++k) text += read_text(cluster_.log(k));
    return text;
  }

 private:
  KeeldCluster cluster_{3};
  std::string endpoints_;
};

}  // namespace keel::real::keelctl::testing
