// ContainersTest: a NamespaceContainers on a test's own io_context, with a busybox root, the
// events it delivered, and bounded waits for them. Tests skip, saying why, when the machine
// cannot run namespace containers (not root, namespaces not permitted, no busybox).
#pragma once

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/env/assert.h"
#include "core/env/trace.h"
#include "real/asio_clock.h"
#include "real/containers/busybox_root.h"
#include "real/containers/container_log.h"
#include "real/containers/namespace_containers.h"
#include "real/machine_trace.h"
#include "real/stream_trace_sink.h"
#include "real/support/run_loop.h"
#include "real/support/temp_dir.h"

namespace keel::real::testing {

// A busybox root filesystem (real/containers/busybox_root.h) in a TempDir, removed with it.
class BusyboxRoot {
 public:
  BusyboxRoot() {
    const auto made = make_busybox_root(dir_.path());
    KEEL_ASSERT(made, "busybox root: ", made.error().message);
  }
  const std::string& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

// Why this machine cannot run the tests, or nothing when it can. The namespaces are tried in a
// forked child, so this process keeps its own.
inline std::optional<std::string> why_containers_cannot_run() {
  if (::geteuid() != 0) return "namespace containers need root";
  if (!std::filesystem::exists(kHostBusybox)) {
    return "no /bin/busybox: install busybox-static (scripts/setup)";
  }
  const pid_t child = ::fork();
  if (child == 0) {
    _exit(::unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC) == 0 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "namespaces are not permitted here";
  return std::nullopt;
}

class ContainersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = why_containers_cannot_run()) GTEST_SKIP() << *why;
    root_.emplace();
    NamespaceContainersOptions options;
    options.log_dir = logs_.path();
    options.image_dir = images_.path();
    containers_.emplace(io_, trace_, std::move(options));
    containers_->set_event_handler(
        [this](const ContainerEvent& event) { events_.push_back(event); });
  }

  // A spec running `script` with busybox sh in the test root.
  ContainerSpec shell(std::string name, std::string script) const {
    ContainerSpec spec;
    spec.name = std::move(name);
    spec.argv = {"sh", "-c", std::move(script)};
    spec.root_directory = root_->path();
    return spec;
  }

  // The event of `kind` for `id`, waiting for it (bounded).
  std::optional<ContainerEvent> wait_for(ContainerId id, ContainerEvent::Kind kind,
                                         Duration limit = std::chrono::seconds(10)) {
    const auto matching = [&] {
      return std::find_if(events_.begin(), events_.end(), [&](const ContainerEvent& event) {
        return event.id == id && event.kind == kind;
      });
    };
    if (!run_until(
            io_, [&] { return matching() != events_.end(); }, limit))
      return std::nullopt;
    return *matching();
  }

  // The unit's log lines, after waiting (bounded) until one of them satisfies `wanted`.
  template <class Predicate>
  std::vector<std::string> wait_for_log(const std::string& unit, Predicate wanted) {
    std::vector<std::string> lines;
    run_until(io_, [&] {
      lines = log_of(unit);
      return std::any_of(lines.begin(), lines.end(), wanted);
    });
    return lines;
  }

  std::vector<std::string> wait_for_line(const std::string& unit, const std::string& line) {
    return wait_for_log(unit, [&](const std::string& candidate) { return candidate == line; });
  }

  std::vector<std::string> log_of(const std::string& unit) {
    auto tail = tail_log(logs_.path(), unit, 1000);
    return tail ? *tail : std::vector<std::string>{};
  }

  boost::asio::io_context io_;
  AsioClock clock_{io_};
  std::ostringstream log_text_;
  StreamTraceSink sink_{log_text_, TraceFormat::kText};
  MachineTrace trace_{"n1", clock_, sink_};
  TempDir logs_;
  TempDir images_;                   // an ImageStore's directory
  std::optional<BusyboxRoot> root_;  // made once the test knows it can run
  std::optional<NamespaceContainers> containers_;
  std::vector<ContainerEvent> events_;
};

}  // namespace keel::real::testing
