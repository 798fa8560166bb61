// StreamTraceSink: keeld's log. One line per trace event, flushed at once so that the lines
// before a crash (a failed KEEL_ASSERT aborts) are not lost in a buffer.
//
// Text:  "<seconds since boot, microseconds> <machine> <describe(event)>", control characters
//        written as \xHH so that an event never spans two lines; for example
//        12.345678 n1 net.connected peer=2 direction=out address=127.0.0.1:7002
// JSON:  {"time_ns":12345678000,"machine":"n1","component":"net","event":"connected",
//         "fields":{"peer":2,"direction":"out","address":"127.0.0.1:7002"}}   (one line)
#pragma once

#include <ostream>

#include "core/env/trace.h"

namespace keel::real {

enum class TraceFormat { kText, kJson };

class StreamTraceSink final : public TraceSink {
 public:
  // `out` must outlive the sink.
  StreamTraceSink(std::ostream& out, TraceFormat format) : out_(out), format_(format) {}

  void record(const TraceEvent& event) override;

 private:
  std::ostream& out_;
  TraceFormat format_;
};

}  // namespace keel::real
