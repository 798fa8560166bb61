#include "real/support/subprocess.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <ranges>
#include <string_view>

#include "core/env/assert.h"
#include "real/support/keeld_process.h"

namespace keel::real::testing {

Subprocess::Subprocess(const std::string& binary, const std::vector<std::string>& args,
                       const std::string& stdout_path, const std::string& stderr_path,
                       const std::vector<std::string>& env)
    : stderr_path_(stderr_path) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_ = ::fork();
  KEEL_ASSERT(pid_ >= 0, "fork() failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int out = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = stderr_path == stdout_path
                        ? out
                        : ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(127);
    for (const std::string& entry : env) ::putenv(const_cast<char*>(entry.c_str()));
    ::execvp(binary.c_str(), argv.data());
    ::_exit(127);
  }
}

Subprocess::~Subprocess() {
  if (!status_) {
    signal(SIGKILL);
    wait_exit(std::chrono::seconds(10));
  }
  expect_no_sanitizer_report(stderr_path_);
}

namespace {

// Where "file:line:column: runtime error: " (UBSan's report) first occurs in `text`: the position
// of its ": runtime error: ", or npos. Go's panics ("panic: runtime error:", from etcd) carry no
// line and column before it.
std::size_t find_ubsan_line(std::string_view text) {
  // The position of the ':' before the number that ends at `end`, if there are both.
  const auto colon_before_number = [&](std::size_t end) -> std::optional<std::size_t> {
    std::size_t start = end;
    while (start > 0 && text[start - 1] >= '0' && text[start - 1] <= '9') --start;
    if (start == end || start == 0 || text[start - 1] != ':') return std::nullopt;
    return start - 1;
  };
  constexpr std::string_view kMark = ": runtime error: ";
  for (std::size_t at = text.find(kMark); at != std::string_view::npos;
       at = text.find(kMark, at + 1)) {
    const std::optional<std::size_t> before_column = colon_before_number(at);
    if (before_column && colon_before_number(*before_column)) return at;
  }
  return std::string_view::npos;
}

// Where the first sanitizer's report in `text` begins (the start of its line), or npos. ASan and
// LSan open theirs with "==PID==ERROR: AddressSanitizer" or "LeakSanitizer"; UBSan (which aborts
// here: -fno-sanitize-recover) with "file:line:column: runtime error: ", and ends it with
// "SUMMARY: UndefinedBehaviorSanitizer" (the only mark when the location is unknown). Plain
// searches: a log can be megabytes, and std::regex is slow.
std::size_t find_sanitizer_report(std::string_view text) {
  std::size_t first = find_ubsan_line(text);
  for (const std::string_view mark :
       {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "SUMMARY: UndefinedBehaviorSanitizer"}) {
    first = std::min(first, text.find(mark));
  }
  if (first == std::string_view::npos) return first;
  const std::size_t line_end = text.rfind('\n', first);
  return line_end == std::string_view::npos ? 0 : line_end + 1;
}

}  // namespace

void expect_no_sanitizer_report(const std::string& path) {
  const std::string text = read_text(path);
  const std::size_t report = find_sanitizer_report(text);
  if (report != std::string::npos) {
    constexpr std::size_t kShown = 4096;  // a keeld log can be megabytes: the report is enough
    ADD_FAILURE() << "a sanitizer's report in " << path << " (at byte " << report << "):\n"
                  << std::string_view(text).substr(report, kShown);
  }
}

void Subprocess::signal(int number) {
  if (!status_) ::kill(pid_, number);
}

std::optional<int> Subprocess::wait_exit(Duration bound) {
  wait_for(
      [&] {
        if (status_) return true;
        int raw = 0;
        if (::waitpid(pid_, &raw, WNOHANG) != pid_) return false;
        status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
        return true;
      },
      bound);
  return status_;
}

std::optional<std::string> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  for (const auto part : std::views::split(std::string_view(path), ':')) {
    const std::string candidate = std::string(part.begin(), part.end()) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace keel::real::testing
