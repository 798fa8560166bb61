// NamespaceContainers on this machine (issue 8): start latency, from start() to kStarted (the
// main program exec'd) and to the program running (its first output in the log), and stop
// latency, from stop() of an exec'd `sleep` to kExited; p50 and p99 of each as counters, in
// microseconds; BM_ContainerStart/1 starts from an image, under a per-container overlay.
// BM_UnshareFloor is the floor: util-linux's
// `unshare --fork --pid --mount-proc true`, spawned and waited for. Needs root and /bin/busybox.
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/env/trace.h"
#include "real/asio_clock.h"
#include "real/containers/busybox_root.h"
#include "real/containers/image_store.h"
#include "real/containers/namespace_containers.h"
#include "real/machine_trace.h"

namespace keel::real {
namespace {

using Clock = std::chrono::steady_clock;
using Kind = ContainerEvent::Kind;

std::string make_temp_dir() {
  char pattern[] = "/tmp/keel-bench-XXXXXX";
  return ::mkdtemp(pattern) != nullptr ? pattern : "";
}

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

void report_percentiles(benchmark::State& state, const std::string& name,
                        std::vector<double> samples) {
  if (samples.empty()) return;
  std::sort(samples.begin(), samples.end());
  state.counters[name + "_p50_us"] = samples[samples.size() / 2];
  state.counters[name + "_p99_us"] =
      samples[std::min(samples.size() - 1, samples.size() * 99 / 100)];
}

// One runtime with a busybox root and a log directory, removed at the end.
class Rig {
 public:
  Rig() : root_(make_temp_dir()), logs_(make_temp_dir()), images_(make_temp_dir()) {
    NamespaceContainersOptions options;
    options.log_dir = logs_;
    options.image_dir = images_;
    containers_.emplace(io_, trace_, std::move(options));
    containers_->set_event_handler(
        [this](const ContainerEvent& event) { events_.push_back(event); });
  }
  ~Rig() {
    containers_.reset();
    std::filesystem::remove_all(root_);
    std::filesystem::remove_all(logs_);
    std::filesystem::remove_all(images_);
  }

  // Why the benchmark cannot run here, if it cannot.
  std::optional<std::string> unusable() {
    if (::geteuid() != 0) return "needs root";
    if (auto made = make_busybox_root(root_); !made) return made.error().message;
    const auto added = ImageStore(images_).add(
        "busybox", "bench", [](const std::string& rootfs) { return make_busybox_root(rootfs); });
    if (!added) return added.error().message;
    return std::nullopt;
  }

  ContainerSpec spec(std::string name, std::vector<std::string> argv, bool image = false) const {
    ContainerSpec spec;
    spec.name = std::move(name);
    spec.argv = std::move(argv);
    if (image) {
      spec.image = "busybox";
    } else {
      spec.root_directory = root_;
    }
    return spec;
  }

  // Runs the loop until `done` holds, for at most 10 s.
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      io_.run_one_for(std::chrono::milliseconds(10));
    }
    return true;
  }

  bool has(ContainerId id, Kind kind) const {
    return std::any_of(events_.begin(), events_.end(), [&](const ContainerEvent& event) {
      return event.id == id && event.kind == kind;
    });
  }

  std::string reason(ContainerId id) const {
    for (const ContainerEvent& event : events_) {
      if (event.id == id && event.kind == Kind::kFailedToStart) return event.reason;
    }
    return "no event";
  }

  bool log_has_output(const std::string& unit) const {
    struct stat info {};
    return ::stat((logs_ + "/" + unit + ".log").c_str(), &info) == 0 && info.st_size > 0;
  }

  NamespaceContainers& containers() { return *containers_; }

 private:
  boost::asio::io_context io_;
  // Keeps run_one_for() waiting between containers instead of stopping the loop when idle.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  AsioClock clock_{io_};
  NullTraceSink sink_;
  MachineTrace trace_{"bench", clock_, sink_};
  std::string root_, logs_, images_;
  std::optional<NamespaceContainers> containers_;
  std::vector<ContainerEvent> events_;
};

void BM_ContainerStart(benchmark::State& state) {
  Rig rig;
  if (auto why = rig.unusable()) return state.SkipWithError(why->c_str());
  std::vector<double> to_started, to_running;
  int n = 0;
  for (auto _ : state) {
    const std::string unit = "start-" + std::to_string(n++);
    const auto begin = Clock::now();
    const ContainerId id =
        rig.containers().start(rig.spec(unit, {"echo", "running"}, state.range(0) == 1));
    if (!rig.run_until(
            [&] { return rig.has(id, Kind::kStarted) || rig.has(id, Kind::kFailedToStart); }) ||
        rig.has(id, Kind::kFailedToStart)) {
      return state.SkipWithError(("the container did not start: " + rig.reason(id)).c_str());
    }
    const auto started = Clock::now();
    if (!rig.run_until([&] { return rig.log_has_output(unit); })) {
      return state.SkipWithError("no output from the container");
    }
    const auto running = Clock::now();
    state.SetIterationTime(std::chrono::duration<double>(started - begin).count());
    to_started.push_back(micros(started - begin));
    to_running.push_back(micros(running - begin));
    if (!rig.run_until([&] { return rig.has(id, Kind::kExited); })) {
      return state.SkipWithError("the container did not exit");
    }
  }
  report_percentiles(state, "started", to_started);
  report_percentiles(state, "running", to_running);
}
BENCHMARK(BM_ContainerStart)
    ->Arg(0)
    ->Arg(1)
    ->UseManualTime()
    ->Iterations(200)
    ->Unit(benchmark::kMicrosecond);

void BM_ContainerStop(benchmark::State& state) {
  Rig rig;
  if (auto why = rig.unusable()) return state.SkipWithError(why->c_str());
  std::vector<double> to_exited;
  for (auto _ : state) {
    const ContainerId id = rig.containers().start(rig.spec("stop", {"sleep", "30"}));
    if (!rig.run_until([&] { return rig.has(id, Kind::kStarted); })) {
      return state.SkipWithError("the container did not start");
    }
    const auto begin = Clock::now();
    rig.containers().stop(id, std::chrono::seconds(10));
    if (!rig.run_until([&] { return rig.has(id, Kind::kExited); })) {
      return state.SkipWithError("the container did not exit");
    }
    const auto exited = Clock::now();
    state.SetIterationTime(std::chrono::duration<double>(exited - begin).count());
    to_exited.push_back(micros(exited - begin));
  }
  report_percentiles(state, "exited", to_exited);
}
BENCHMARK(BM_ContainerStop)->UseManualTime()->Iterations(200)->Unit(benchmark::kMicrosecond);

void BM_UnshareFloor(benchmark::State& state) {
  if (::geteuid() != 0) return state.SkipWithError("needs root");
  char* argv[] = {const_cast<char*>("unshare"), const_cast<char*>("--fork"),
                  const_cast<char*>("--pid"),   const_cast<char*>("--mount-proc"),
                  const_cast<char*>("true"),    nullptr};
  std::vector<double> samples;
  for (auto _ : state) {
    const auto begin = Clock::now();
    pid_t pid = 0;
    if (::posix_spawnp(&pid, "unshare", nullptr, nullptr, argv, environ) != 0) {
      return state.SkipWithError("cannot spawn unshare");
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return state.SkipWithError("unshare failed");
    }
    const auto end = Clock::now();
    state.SetIterationTime(std::chrono::duration<double>(end - begin).count());
    samples.push_back(micros(end - begin));
  }
  report_percentiles(state, "exited", samples);
}
BENCHMARK(BM_UnshareFloor)->UseManualTime()->Iterations(200)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace keel::real
