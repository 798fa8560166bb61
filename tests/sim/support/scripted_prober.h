// ScriptedProber: a HealthProber for simulated machines whose answer per service the test sets.
// A probe answers after `delay` on the machine's loop (as the contract asks: never inside
// probe()); a service set to hang never answers, as a real check that blocks would not.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/discovery/health_prober.h"
#include "core/env/env.h"

namespace keel::sim {

class ScriptedProber final : public discovery::HealthProber {
 public:
  enum class Answer { kPass, kFail, kHang };

  explicit ScriptedProber(Env& env, Duration delay = std::chrono::milliseconds(2))
      : env_(env), delay_(delay) {}
  ~ScriptedProber() override { *alive_ = false; }

  // Services not set pass.
  void set(const std::string& service, Answer answer) { answers_[service] = answer; }
  std::uint64_t probes() const { return probes_; }

  void probe(const fleet::ServiceRecord& target, ContainerId, fleet::CheckKind, std::string_view,
             Done done) override {
    ++probes_;
    auto it = answers_.find(target.name);
    const Answer answer = it == answers_.end() ? Answer::kPass : it->second;
    if (answer == Answer::kHang) return;
    env_.clock.after(delay_, [alive = alive_, done = std::move(done), answer] {
      if (*alive) done(answer == Answer::kPass);
    });
  }

 private:
  Env& env_;
  Duration delay_;
  std::map<std::string, Answer> answers_;
  std::uint64_t probes_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keel::sim
