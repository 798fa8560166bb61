#include "real/keelctl/local_cluster_state.h"

#include <charconv>
#include <ranges>
#include <sstream>

#include "core/env/str.h"

namespace keel::real::keelctl {
namespace {

constexpr std::string_view kHeader = "# keelctl local cluster v1";

}  // namespace

std::string format_cluster_state(const std::vector<LocalMachine>& machines) {
  std::string text = str(kHeader, "\n");
  for (const LocalMachine& m : machines) {
    text += str(m.name, " ", m.role, " ", m.pid, " ", m.peer, " ", m.client_url, "\n");
  }
  return text;
}

Result<std::vector<LocalMachine>> parse_cluster_state(std::string_view text) {
  std::vector<LocalMachine> machines;
  std::size_t number = 0;
  for (const auto part : std::views::split(text, '\n')) {
    const std::string_view line(part.begin(), part.end());
    ++number;
    if (number == 1) {
      if (line != kHeader) return fail(Errc::kCorrupt, "line 1: not a keelctl cluster state file");
      continue;
    }
    if (line.empty()) continue;
    std::istringstream fields{std::string(line)};
    LocalMachine machine;
    std::string pid;
    std::string extra;
    fields >> machine.name >> machine.role >> pid >> machine.peer >> machine.client_url;
    long value = 0;
    const auto [end, error] = std::from_chars(pid.data(), pid.data() + pid.size(), value);
    if (!fields || (fields >> extra) || error != std::errc() || end != pid.data() + pid.size() ||
        value <= 1 || (machine.role != "member" && machine.role != "worker")) {
      return fail(Errc::kCorrupt,
                  str("line ", number, ": expected NAME member|worker PID PEER CLIENT_URL, not \"",
                      line, "\""));
    }
    machine.pid = static_cast<pid_t>(value);
    machines.push_back(std::move(machine));
  }
  if (number == 0 || machines.empty()) return fail(Errc::kCorrupt, "no machines in the state file");
  return machines;
}

}  // namespace keel::real::keelctl
