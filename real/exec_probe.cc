#include "real/exec_probe.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::real {
namespace {

using boost::asio::posix::stream_descriptor;

constexpr auto kExitPollInterval = std::chrono::milliseconds(10);
constexpr std::size_t kMaxReport = 1024;  // a report is one line (child_report.h)

class ExecProbe : public std::enable_shared_from_this<ExecProbe> {
 public:
  ExecProbe(boost::asio::io_context& io, const MachineTrace& trace, SpawnedExec spawned,
            const std::shared_ptr<std::size_t>& running, discovery::HealthProber::Done done)
      : trace_(trace),
        pid_(spawned.pid),
        pidfd_(io, spawned.pidfd.release()),
        report_(std::move(spawned.report)),
        timer_(io),
        exit_poll_(io),
        running_(running),
        done_(std::move(done)) {
    ++*running;
  }

  ~ExecProbe() {
    if (reaped_) return;
    const int pidfd = pidfd_.native_handle();
    signal_supervisor(SIGKILL);
    // The wait is short: SIGKILL cannot be caught. Blocking here is the io_context going away,
    // not the loop running.
    ::fcntl(pidfd, F_SETFL, ::fcntl(pidfd, F_GETFL) & ~O_NONBLOCK);
    siginfo_t info{};
    ::waitid(P_PIDFD, static_cast<id_t>(pidfd), &info, WEXITED);
    uncount();
  }

  ExecProbe(const ExecProbe&) = delete;
  ExecProbe& operator=(const ExecProbe&) = delete;

  void start(Duration timeout) {
    timer_.expires_after(timeout);
    timer_.async_wait([self = shared_from_this(), timeout](const boost::system::error_code& e) {
      if (!e) self->timed_out(timeout);
    });
    watch_exit();
  }

 private:
  // pidfd_send_signal(2) through syscall(), as namespace_containers.cc: a pidfd cannot reach a
  // process that reused the supervisor's pid.
  void signal_supervisor(int number) {
    ::syscall(SYS_pidfd_send_signal, pidfd_.native_handle(), number, nullptr, 0);
  }

  void watch_exit() {
    pidfd_.async_wait(stream_descriptor::wait_read,
                      [self = shared_from_this()](const boost::system::error_code& error) {
                        if (error == boost::asio::error::operation_aborted) return;
                        if (self->reap()) return self->finish();
                        if (!error) return self->watch_exit();  // woken early: wait again
                        self->poll_exit();
                      });
  }

  void poll_exit() {
    exit_poll_.expires_after(kExitPollInterval);
    exit_poll_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error) return;
      if (self->reap()) return self->finish();
      self->poll_exit();
    });
  }

  void uncount() {
    if (auto running = running_.lock()) --*running;
  }

  // The prober's trace, while the prober lives (its trace outlives it, not its probes).
  void emit(std::string_view event, std::initializer_list<TraceField> fields) const {
    if (!running_.expired()) trace_.emit("prober", event, fields);
  }

  // Reaps the supervisor if it has ended, recording its exit code; false while it runs.
  bool reap() {
    siginfo_t info{};
    const int waited =
        ::waitid(P_PIDFD, static_cast<id_t>(pidfd_.native_handle()), &info, WEXITED | WNOHANG);
    if (waited != 0) {
      KEEL_ASSERT(errno == EAGAIN, "waitid on the pidfd of exec supervisor ", pid_,
                  " failed: ", std::strerror(errno));
      return false;
    }
    if (info.si_pid == 0) return false;  // WNOHANG: still running
    reaped_ = true;
    uncount();
    timer_.cancel();
    exit_poll_.cancel();
    exit_code_ = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
    return true;
  }

  void finish() {
    if (done_ == nullptr) return;  // already answered at the timeout
    const bool passed = exit_code_ == 0;
    if (!passed) {
      emit("check_failed",
           {{"why", str("exec check exited with code ", exit_code_)}, {"detail", read_report()}});
    }
    answer(passed);
  }

  void timed_out(Duration timeout) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
    emit("check_failed", {{"why", str("exec check still running after ", ms, " ms: killed")},
                          {"detail", str("supervisor pid ", pid_)}});
    answer(false);
    signal_supervisor(SIGTERM);
    timer_.expires_after(kKillGrace);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error || self->reaped_) return;
      self->emit("exec_killed_after_grace", {{"supervisor", std::int64_t{self->pid_}}});
      self->signal_supervisor(SIGKILL);
    });
  }

  // The supervisor's report, read once it has ended: its write ends are all closed by then, so
  // the non-blocking read finds the whole line or nothing.
  std::string read_report() {
    char line[kMaxReport];
    const ssize_t got = ::read(report_.get(), line, sizeof line);
    return got > 0 ? std::string(line, static_cast<std::size_t>(got)) : std::string();
  }

  void answer(bool passed) {
    auto done = std::move(done_);
    done_ = nullptr;
    done(passed);
  }

  const MachineTrace trace_;
  const pid_t pid_;
  stream_descriptor pidfd_;
  UniqueFd report_;
  boost::asio::steady_timer timer_;      // the timeout, then the kill grace
  boost::asio::steady_timer exit_poll_;  // only when the pidfd cannot be watched
  std::weak_ptr<std::size_t> running_;   // the prober's count; expired once the prober is gone
  discovery::HealthProber::Done done_;
  bool reaped_ = false;
  int exit_code_ = 0;
};

}  // namespace

void run_exec_probe(boost::asio::io_context& io, const MachineTrace& trace, SpawnedExec spawned,
                    Duration timeout, const std::shared_ptr<std::size_t>& running,
                    discovery::HealthProber::Done done) {
  std::make_shared<ExecProbe>(io, trace, std::move(spawned), running, std::move(done))
      ->start(timeout);
}

}  // namespace keel::real
