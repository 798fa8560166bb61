#include "sim/cli/isolate.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace keel::sim::cli {
namespace {

void write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(4);
}

}  // namespace

ChildPool::~ChildPool() {
  while (!empty()) wait_any();
}

void ChildPool::start(std::uint64_t token, const std::function<std::string()>& body) {
  int out[2], err[2];
  if (::pipe(out) != 0 || ::pipe(err) != 0) die("keelsim: pipe");
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) die("keelsim: fork");
  if (pid == 0) {
    ::close(out[0]);
    ::close(err[0]);
    ::dup2(err[1], STDERR_FILENO);
    write_all(out[1], body());
    ::close(out[1]);
    std::_Exit(0);
  }
  ::close(out[1]);
  ::close(err[1]);
  children_[token] = Child{pid, out[0], err[0], {}};
}

std::pair<std::uint64_t, Isolated> ChildPool::wait_any() {
  char buffer[65536];
  while (true) {
    // A child whose pipes are both closed has ended: reap it.
    for (auto it = children_.begin(); it != children_.end(); ++it) {
      Child& child = it->second;
      if (child.out >= 0 || child.err >= 0) continue;
      int status = 0;
      while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
      }
      Isolated report = std::move(child.report);
      report.exited = WIFEXITED(status);
      report.exit_code = report.exited ? WEXITSTATUS(status) : 0;
      report.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      const std::uint64_t token = it->first;
      children_.erase(it);
      return {token, std::move(report)};
    }
    // Read whatever any child has written, so that no child ever blocks on a full pipe.
    std::vector<pollfd> fds;
    std::vector<int*> owners;
    std::vector<std::string*> sinks;
    for (auto& [token, child] : children_) {
      for (auto [fd, sink] : {std::pair{&child.out, &child.report.payload},
                              std::pair{&child.err, &child.report.errors}}) {
        if (*fd < 0) continue;
        fds.push_back({*fd, POLLIN, 0});
        owners.push_back(fd);
        sinks.push_back(sink);
      }
    }
    if (fds.empty()) die("keelsim: wait_any with no child running");
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      die("keelsim: poll");
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(*owners[i]);
        *owners[i] = -1;
      }
    }
  }
}

}  // namespace keel::sim::cli
