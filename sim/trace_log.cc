#include "sim/trace_log.h"

#include "core/codec/frame.h"

namespace keel::sim {

void TraceLog::note_frame(ByteView frame) {
  // A codec frame's CRC was computed by its sender over every other byte (header and body),
  // and the simulated network never changes a frame: it and the length stand for the bytes.
  if (const std::optional<std::uint32_t> crc = codec::claimed_frame_crc(frame)) {
    const std::uint64_t length = frame.size();
    hash_ = mix64(hash_ ^ (length << 32 | *crc));
    return;
  }
  hash_ = hash_bytes(frame, hash_);
}

std::uint64_t TraceLog::mix(std::uint64_t h, std::uint64_t a, std::uint64_t b, std::uint64_t c,
                            std::uint64_t d) {
  h = mix64(h ^ a);
  h = mix64(h ^ b);
  h = mix64(h ^ c);
  return mix64(h ^ d);
}

void TraceLog::record(Time world_time, const TraceEvent& event) {
  std::uint64_t h = stable_hash(event.machine, hash_);
  h = stable_hash(event.component, h);
  h = stable_hash(event.name, h);
  for (const TraceField& field : event.fields) {
    h = stable_hash(field.key, h);
    if (const auto* number = std::get_if<std::int64_t>(&field.value)) {
      h = mix64(h ^ static_cast<std::uint64_t>(*number));
    } else {
      h = stable_hash(std::get<std::string_view>(field.value), h);
    }
  }
  hash_ = mix(h, static_cast<std::uint64_t>(world_time.time_since_epoch().count()),
              static_cast<std::uint64_t>(event.time.time_since_epoch().count()), 0, 0);
  if (recording_) {
    records_.push_back(
        TraceRecord{world_time, event.time, std::string(event.machine), describe(event)});
  }
  for (const Observer& observer : observers_) observer(world_time, event);
}

namespace {

void json_string(std::ostream& out, std::string_view text) {
  out << '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out << "\\\"";
        break;
      case '\\':
        out << "\\\\";
        break;
      case '\n':
        out << "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out << "\\u00"
              << "0123456789abcdef"[(c >> 4) & 0xf] << "0123456789abcdef"[c & 0xf];
        } else {
          out << c;
        }
    }
  }
  out << '"';
}

}  // namespace

void TraceLog::write_json_lines(std::ostream& out) const {
  for (const TraceRecord& r : records_) {
    out << "{\"time_ns\":" << r.world_time.time_since_epoch().count()
        << ",\"local_ns\":" << r.local_time.time_since_epoch().count() << ",\"machine\":";
    json_string(out, r.machine);
    out << ",\"event\":";
    json_string(out, r.text);
    out << "}\n";
  }
}

}  // namespace keel::sim
