// MachineTrace: how parts of the real environment (the transport, the containers) report
// events before an Env exists to do it for them: the same stamping as Env::emit, with this
// machine's name and clock.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/env/clock.h"
#include "core/env/trace.h"

namespace keel::real {

class MachineTrace {
 public:
  // The clock and sink must outlive every component this is handed to.
  MachineTrace(std::string machine, const Clock& clock, TraceSink& sink)
      : machine_(std::move(machine)), clock_(clock), sink_(sink) {}

  void emit(std::string_view component, std::string_view event,
            std::initializer_list<TraceField> fields = {}) const {
    sink_.record(TraceEvent{clock_.now(), machine_, component, event,
                            std::span<const TraceField>(fields.begin(), fields.size())});
  }

 private:
  std::string machine_;
  const Clock& clock_;
  TraceSink& sink_;
};

}  // namespace keel::real
