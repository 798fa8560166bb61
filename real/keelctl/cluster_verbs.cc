#include "real/keelctl/cluster_verbs.h"

#include <ranges>

#include "core/env/str.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/table.h"

namespace keel::real::keelctl {
namespace {

constexpr std::string_view kLeaderMetrics[] = {"etcd_server_is_leader", "keel_raft_is_leader"};

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) out += str(out.empty() ? "" : ",", part);
  return out;
}

Result<std::vector<V2Member>> members(const VerbCall& call) {
  auto answer = call.endpoints.exchange({.method = "GET", .target = "/v2/members", .body = ""});
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) {
    return fail(Errc::kCorrupt, str("/v2/members answered HTTP ", answer->status));
  }
  return parse_v2_members(answer->body);
}

// GET `target` from the member at its first client URL, with the verb's timeout.
Result<HttpAnswer> ask_member(const VerbCall& call, const V2Member& member,
                              std::string_view target) {
  if (member.client_urls.empty()) {
    return fail(Errc::kUnavailable, str("member ", member.name, " has no client URL"));
  }
  auto url = parse_http_url(member.client_urls.front());
  if (!url) return std::unexpected(url.error());
  return http_exchange(*url, {.method = "GET", .target = std::string(target), .body = ""},
                       {.connect = call.endpoints.timeout(), .answer = call.endpoints.timeout()});
}

int run_members(const VerbCall& call) {
  auto list = members(call);
  if (!list) return report(call.err, list.error());
  Table table({"ID", "NAME", "PEER URLS", "CLIENT URLS"});
  for (const V2Member& member : *list) {
    table.add_row({member.id, member.name, joined(member.peer_urls), joined(member.client_urls)});
  }
  call.out << table.render();
  return kExitOk;
}

int run_leader(const VerbCall& call) {
  auto list = members(call);
  if (!list) return report(call.err, list.error());
  std::string unanswered;
  for (const V2Member& member : *list) {
    auto metrics = ask_member(call, member, "/metrics");
    if (!metrics || metrics->status != 200) {
      unanswered += str(unanswered.empty() ? "" : ", ", member.name);
      continue;
    }
    if (leads_by_metrics(metrics->body).value_or(false)) {
      Table table({"ID", "NAME", "CLIENT URLS"});
      table.add_row({member.id, member.name, joined(member.client_urls)});
      call.out << table.render();
      return kExitOk;
    }
  }
  return report(call.err,
                Error{Errc::kNotFound,
                      str("no member says it is the leader",
                          unanswered.empty() ? "" : str(" (no metrics from ", unanswered, ")"))});
}

int run_health(const VerbCall& call) {
  auto list = members(call);
  if (!list) return report(call.err, list.error());
  Table table({"MEMBER", "ENDPOINT", "HEALTH"});
  std::size_t healthy = 0;
  for (const V2Member& member : *list) {
    auto health = ask_member(call, member, "/health");
    std::string verdict;
    if (!health) {
      verdict = str("unreachable: ", health.error().message);
    } else if (health->status == 200 && health->body.find("\"true\"") != std::string::npos) {
      verdict = "healthy";
      ++healthy;
    } else {
      verdict = str("unhealthy: HTTP ", health->status, " ", health->body);
    }
    table.add_row({member.name, member.client_urls.empty() ? "-" : member.client_urls.front(),
                   std::move(verdict)});
  }
  call.out << table.render();
  if (healthy == list->size()) {
    call.out << "cluster is healthy\n";
    return kExitOk;
  }
  call.out << (healthy == 0 ? "cluster is unavailable\n" : "cluster is degraded\n");
  return kExitFailure;
}

}  // namespace

std::optional<bool> leads_by_metrics(std::string_view metrics) {
  for (const auto part : std::views::split(metrics, '\n')) {
    const std::string_view line(part.begin(), part.end());
    if (line.starts_with('#')) continue;
    const std::size_t name_end = line.find_first_of("{ ");
    if (name_end == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, name_end);
    if (std::ranges::find(kLeaderMetrics, name) == std::end(kLeaderMetrics)) continue;
    const std::string_view value = line.substr(line.rfind(' ') + 1);
    return value == "1";
  }
  return std::nullopt;
}

std::vector<Verb> cluster_verbs() {
  return {
      {.name = "cluster members",
       .operands = "",
       .summary = "list the cluster's members",
       .min_operands = 0,
       .max_operands = 0,
       .flags = {},
       .run = run_members},
      {.name = "cluster leader",
       .operands = "",
       .summary = "show the member that leads",
       .min_operands = 0,
       .max_operands = 0,
       .flags = {},
       .run = run_leader},
      {.name = "cluster health",
       .operands = "",
       .summary = "ask each member whether it is healthy",
       .min_operands = 0,
       .max_operands = 0,
       .flags = {},
       .run = run_health},
  };
}

}  // namespace keel::real::keelctl
