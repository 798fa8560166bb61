#include "sim/trace_log.h"

#include "core/codec/frame.h"

namespace keel::sim {
namespace {

// Where a codec frame's header keeps its body length (after magic u32, version u8, cluster u64)
// and its CRC32C (right after the length).
constexpr std::size_t kBodyLengthOffset = 4 + 1 + 8;
constexpr std::size_t kCrcOffset = kBodyLengthOffset + 4;

std::uint32_t little_endian_u32(const std::uint8_t* p) {
  return p[0] | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

// Whether `frame` is laid out as a codec frame whose header gives its true length, so that its
// CRC32C (written by the sender over every other byte) stands for its body.
bool crc_covers_body(ByteView frame) {
  if (frame.size() < codec::kFrameHeaderBytes) return false;
  const std::uint32_t magic = little_endian_u32(frame.data());
  const std::uint32_t body_length = little_endian_u32(frame.data() + kBodyLengthOffset);
  return (magic == codec::kFrameMagic || magic == codec::kNodeFrameMagic) &&
         body_length == frame.size() - codec::kFrameHeaderBytes;
}

}  // namespace

void TraceLog::note_frame(ByteView frame) {
  if (crc_covers_body(frame)) {  // the CRC covers the rest of the header too: it and the length
    const std::uint64_t length = frame.size();
    hash_ = mix64(hash_ ^ (length << 32 | little_endian_u32(frame.data() + kCrcOffset)));
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
