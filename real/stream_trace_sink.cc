#include "real/stream_trace_sink.h"

#include <cstdio>
#include <string>

namespace keel::real {
namespace {

// Writes `text` as a JSON string (RFC 8259 section 7: quote, backslash and control characters
// escaped; other bytes as they are).
void write_json_string(std::ostream& out, std::string_view text) {
  out << '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out << '\\' << c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out << escaped;
    } else {
      out << c;
    }
  }
  out << '"';
}

void write_json(std::ostream& out, const TraceEvent& event) {
  out << "{\"time_ns\":" << event.time.time_since_epoch().count() << ",\"machine\":";
  write_json_string(out, event.machine);
  out << ",\"component\":";
  write_json_string(out, event.component);
  out << ",\"event\":";
  write_json_string(out, event.name);
  out << ",\"fields\":{";
  const char* separator = "";
  for (const TraceField& field : event.fields) {
    out << separator;
    separator = ",";
    write_json_string(out, field.key);
    out << ':';
    if (const auto* number = std::get_if<std::int64_t>(&field.value)) {
      out << *number;
    } else {
      write_json_string(out, std::get<std::string_view>(field.value));
    }
  }
  out << "}}";
}

void write_text(std::ostream& out, const TraceEvent& event) {
  const std::int64_t micros = event.time.time_since_epoch().count() / 1000;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%lld.%06lld", static_cast<long long>(micros / 1000000),
                static_cast<long long>(micros % 1000000));
  out << seconds << ' ' << event.machine << ' ';
  // One event, one line: a control character inside a field (a newline in an error message) is
  // written as an escape.
  for (const char c : describe(event)) {
    if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(c));
      out << escaped;
    } else {
      out << c;
    }
  }
}

}  // namespace

void StreamTraceSink::record(const TraceEvent& event) {
  if (format_ == TraceFormat::kJson) {
    write_json(out_, event);
  } else {
    write_text(out_, event);
  }
  out_ << std::endl;
}

}  // namespace keel::real
