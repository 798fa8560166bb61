#include "real/keelctl/local_cluster_verbs.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "core/env/str.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/local_cluster_state.h"
#include "real/keelctl/table.h"

namespace keel::real::keelctl {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kMaxMembers = 7;
constexpr std::uint64_t kMaxWorkers = 16;
constexpr std::string_view kDefaultUpWait = "20";
constexpr std::string_view kDefaultDownWait = "10";
constexpr auto kKillWait = std::chrono::seconds(5);
// How often another process's state (its log, /proc) is looked at: it cannot be waited on.
constexpr auto kPollInterval = std::chrono::milliseconds(20);

// Polls `done` until it holds or `bound` passes; returns done().
template <class Done>
bool poll_until(Done done, Duration bound) {
  const auto deadline = Clock::now() + bound;
  while (!done()) {
    if (Clock::now() >= deadline) return done();
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released); a keeld
// that loses the race for it fails to start, and cluster up reports that.
Result<std::uint16_t> free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return fail(Errc::kIo, "socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!ok) return fail(Errc::kIo, "no free port on 127.0.0.1");
  return ntohs(address.sin_port);
}

// Whether `pid` is a live keeld: /proc/PID/stat's state is not Z (a zombie has exited) and its
// executable is named keeld.
bool runs_keeld(pid_t pid) {
  const std::string stat = read_file(str("/proc/", pid, "/stat"));
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] == 'Z')
    return false;
  std::error_code error;
  const fs::path exe = fs::read_symlink(str("/proc/", pid, "/exe"), error);
  return !error && exe.filename().string().starts_with("keeld");
}

// Reaps `pid` if it is a child of this process (keelctl cluster up's own, in a test's process).
void reap(pid_t pid) {
  int ignored = 0;
  ::waitpid(pid, &ignored, WNOHANG);
}

std::string keeld_next_to_keelctl() {
  std::error_code error;
  return (fs::read_symlink("/proc/self/exe", error).parent_path() / "keeld").string();
}

// keeld's arguments, with --workers when there are workers (every machine is told where they are).
std::vector<std::string> with_workers(std::vector<std::string> args,
                                      const std::string& worker_list) {
  if (!worker_list.empty()) args.insert(args.end(), {"--workers", worker_list});
  return args;
}

// Starts keeld detached: its own session, stdin and stdout on /dev/null, stderr to `log`.

Result<pid_t> spawn(const std::string& binary, const std::vector<std::string>& args,
                    const fs::path& log) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return fail(Errc::kIo, "fork() failed");
  if (pid == 0) {
    ::setsid();
    const int null = ::open("/dev/null", O_RDWR);
    const int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (null < 0 || err < 0 || ::dup2(null, 0) < 0 || ::dup2(null, 1) < 0 || ::dup2(err, 2) < 0) {
      ::_exit(127);
    }
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// The leader a member's log names in its latest raft.role event (0: none yet).
std::uint64_t known_leader(const fs::path& log) {
  std::istringstream lines(read_file(log));
  std::string line;
  std::uint64_t leader = 0;
  // A last line without its newline is still being written: it is left for the next look.
  while (std::getline(lines, line) && !lines.eof()) {
    if (line.find("\"component\":\"raft\",\"event\":\"role\"") == std::string::npos) continue;
    boost::property_tree::ptree event;
    std::istringstream in(line);
    try {
      boost::property_tree::read_json(in, event);
    } catch (const boost::property_tree::json_parser_error&) {
      continue;
    }
    leader = event.get<std::uint64_t>("fields.leader", 0);
  }
  return leader;
}

std::string last_line(const fs::path& log) {
  std::istringstream lines(read_file(log));
  std::string line;
  std::string last;
  while (std::getline(lines, line)) {
    if (!line.empty()) last = line;
  }
  return last.empty() ? "(its log is empty)" : last;
}

Result<Duration> wait_flag(const VerbCall& call, std::string_view fallback) {
  return parse_seconds("wait", call.line.last("wait").value_or(std::string(fallback)));
}

// Sends `signal` to each machine still running keeld; returns how many it signalled.
std::size_t signal_running(const std::vector<LocalMachine>& machines, int signal) {
  std::size_t signalled = 0;
  for (const LocalMachine& m : machines) {
    if (runs_keeld(m.pid) && ::kill(m.pid, signal) == 0) ++signalled;
  }
  return signalled;
}

bool all_gone(const std::vector<LocalMachine>& machines) {
  for (const LocalMachine& m : machines) reap(m.pid);
  return std::ranges::none_of(machines, [](const LocalMachine& m) { return runs_keeld(m.pid); });
}

// Whether a child this process started has exited (and reaps it).
bool child_exited(pid_t pid) {
  int ignored = 0;
  return ::waitpid(pid, &ignored, WNOHANG) == pid;
}

// Kills and reaps the keelds cluster up started (its own children, so their pids are still
// theirs), removes the state file, and reports `why`.
int fail_up(const VerbCall& call, const fs::path& dir, const std::vector<LocalMachine>& started,
            std::string why) {
  for (const LocalMachine& m : started) {
    if (::kill(m.pid, SIGKILL) == 0) {
      int ignored = 0;
      ::waitpid(m.pid, &ignored, 0);
    }
  }
  std::error_code ignored;
  fs::remove(dir / kClusterStateFile, ignored);
  return report(call.err, Error{Errc::kIo, str(why, " (the logs are in ", dir.string(), ")")});
}

int run_up(const VerbCall& call) {
  const auto members_text = call.line.last("members");
  const auto dir_text = call.line.last("dir");
  if (!members_text || !dir_text) return usage_error(call, "--members and --dir are required");
  auto members = parse_count("members", *members_text, 1, kMaxMembers);
  if (!members) return usage_error(call, members.error().message);
  auto workers = parse_count("workers", call.line.last("workers").value_or("0"), 0, kMaxWorkers);
  if (!workers) return usage_error(call, workers.error().message);
  auto wait = wait_flag(call, kDefaultUpWait);
  if (!wait) return usage_error(call, wait.error().message);
  const std::string keeld = call.line.last("keeld").value_or(keeld_next_to_keelctl());
  if (::access(keeld.c_str(), X_OK) != 0) {
    return report(call.err, Error{Errc::kNotFound, str("no keeld executable at ", keeld)});
  }
  const fs::path dir = fs::absolute(*dir_text);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return report(call.err, Error{Errc::kIo, str(dir.string(), ": ", error.message())});
  if (fs::exists(dir / kClusterStateFile)) {
    return report(call.err, Error{Errc::kAlreadyExists,
                                  str("a cluster is already up in ", dir.string(),
                                      "; run keelctl cluster down --dir ", dir.string())});
  }

  // Two distinct free ports per machine, peer then client.
  std::set<std::uint16_t> taken;
  std::vector<LocalMachine> machines;
  std::string initial_cluster;
  std::string worker_list;
  for (std::uint64_t k = 1; k <= *members + *workers; ++k) {
    std::uint16_t ports[2] = {};
    for (std::uint16_t& port : ports) {
      do {
        auto found = free_port();
        if (!found) return report(call.err, found.error());
        port = *found;
      } while (!taken.insert(port).second);
    }
    machines.push_back(LocalMachine{.name = str("n", k),
                                    .role = k <= *members ? "member" : "worker",
                                    .pid = 0,
                                    .peer = str("127.0.0.1:", ports[0]),
                                    .client_url = str("http://127.0.0.1:", ports[1])});
    std::string& list = k <= *members ? initial_cluster : worker_list;
    list += str(list.empty() ? "" : ",", "n", k, "=", machines.back().peer);
  }
  const std::uint64_t cluster_id = std::random_device{}() | 1;

  std::vector<LocalMachine> started;
  for (LocalMachine& m : machines) {
    auto pid =
        spawn(keeld,
              with_workers(
                  {"--name", m.name, "--cluster-id", str(cluster_id), "--initial-cluster",
                   initial_cluster, "--listen-peer", m.peer, "--listen-client",
                   m.client_url.substr(std::string_view("http://").size()), "--data-dir",
                   (dir / (m.name + ".keeld")).string(), "--role", m.role, "--log-format", "json"},
                  worker_list),
              dir / (m.name + ".log"));
    if (!pid) return fail_up(call, dir, started, pid.error().message);
    m.pid = *pid;
    started.push_back(m);
  }
  std::ofstream(dir / kClusterStateFile) << format_cluster_state(machines);

  std::string exited;
  pid_t exited_pid = 0;  // reaped: its pid is no longer its own
  std::uint64_t leader = 0;
  poll_until(
      [&] {
        for (const LocalMachine& m : machines) {
          if (child_exited(m.pid)) {
            exited_pid = m.pid;
            exited = str(m.name, " exited: ", last_line(dir / (m.name + ".log")));
            return true;
          }
        }
        leader = known_leader(dir / "n1.log");
        for (std::uint64_t k = 2; k <= *members && leader != 0; ++k) {
          if (known_leader(dir / str("n", k, ".log")) != leader) leader = 0;
        }
        return leader != 0;
      },
      *wait);
  if (!exited.empty()) {
    std::erase_if(started, [&](const LocalMachine& m) { return m.pid == exited_pid; });
    return fail_up(call, dir, started, exited);
  }
  if (leader == 0) {
    return fail_up(call, dir, started,
                   str("the members did not agree on a leader within ",
                       std::chrono::duration<double>(*wait).count(), "s"));
  }

  Table table({"NAME", "ROLE", "PID", "PEER", "CLIENT"});
  std::string endpoints;
  for (const LocalMachine& m : machines) {
    table.add_row({m.name, m.role, str(m.pid), m.peer, m.client_url});
    endpoints += str(endpoints.empty() ? "" : ",", m.client_url);
  }
  call.out << table.render() << "leader: n" << leader << "\nendpoints: " << endpoints << "\n";
  return kExitOk;
}

int run_down(const VerbCall& call) {
  const auto dir_text = call.line.last("dir");
  if (!dir_text) return usage_error(call, "--dir is required");
  auto wait = wait_flag(call, kDefaultDownWait);
  if (!wait) return usage_error(call, wait.error().message);
  const fs::path dir = fs::absolute(*dir_text);
  const fs::path state_file = dir / kClusterStateFile;
  if (!fs::exists(state_file)) {
    return report(call.err, Error{Errc::kNotFound, str("no cluster is up in ", dir.string(),
                                                       " (no ", kClusterStateFile, ")")});
  }
  auto machines = parse_cluster_state(read_file(state_file));
  if (!machines) {
    return report(call.err,
                  Error{Errc::kCorrupt, str(state_file.string(), ": ", machines.error().message)});
  }

  std::map<std::string, std::string> outcome;
  for (const LocalMachine& m : *machines) {
    outcome[m.name] = runs_keeld(m.pid) ? "stopped by SIGTERM" : "was not running";
  }
  signal_running(*machines, SIGTERM);
  if (!poll_until([&] { return all_gone(*machines); }, *wait)) {
    for (const LocalMachine& m : *machines) {
      if (runs_keeld(m.pid)) {
        outcome[m.name] =
            str("killed by SIGKILL after ", std::chrono::duration<double>(*wait).count(), "s");
      }
    }
    signal_running(*machines, SIGKILL);
    poll_until([&] { return all_gone(*machines); }, kKillWait);
  }

  Table table({"NAME", "PID", "RESULT"});
  bool all_stopped = true;
  for (const LocalMachine& m : *machines) {
    if (runs_keeld(m.pid)) {
      outcome[m.name] = "still running";
      all_stopped = false;
    }
    table.add_row({m.name, str(m.pid), outcome[m.name]});
  }
  call.out << table.render();
  if (!all_stopped) {
    return report(call.err, Error{Errc::kIo, "some keeld processes are still running"});
  }
  std::error_code ignored;
  fs::remove(state_file, ignored);
  return kExitOk;
}

}  // namespace

std::vector<Verb> local_cluster_verbs() {
  return {
      {.name = "cluster up",
       .operands = "--members N [--workers N] --dir DIR [--keeld PATH] [--wait S]",
       .summary = "start a cluster of keeld processes on this machine's loopback",
       .min_operands = 0,
       .max_operands = 0,
       .flags = {{.name = "members", .takes_value = true, .help = "voting members, 1 to 7"},
                 {.name = "workers", .takes_value = true, .help = "machines that do not vote"},
                 {.name = "dir", .takes_value = true, .help = "where state, data and logs go"},
                 {.name = "keeld", .takes_value = true, .help = "the keeld executable"},
                 {.name = "wait", .takes_value = true, .help = "seconds to wait"}},
       .run = run_up},
      {.name = "cluster down",
       .operands = "--dir DIR [--wait S]",
       .summary = "stop the local cluster started in DIR",
       .min_operands = 0,
       .max_operands = 0,
       .flags = {{.name = "dir", .takes_value = true, .help = "where cluster up put it"},
                 {.name = "wait", .takes_value = true, .help = "seconds to wait"}},
       .run = run_down},
  };
}

}  // namespace keel::real::keelctl
