#include "sim/report/trace_text.h"

#include <charconv>

#include "core/env/str.h"

namespace keel::sim {

std::optional<std::string_view> TraceText::field(std::string_view key) const {
  for (const auto& [k, v] : fields) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::optional<std::int64_t> TraceText::number(std::string_view key) const {
  const std::optional<std::string_view> text = field(key);
  if (!text || text->empty()) return std::nullopt;
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  const auto [stop, error] = std::from_chars(text->data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
  return value;
}

Result<TraceText> parse_trace_text(std::string_view text) {
  const std::size_t head_end = std::min(text.find(' '), text.size());
  const std::string_view head = text.substr(0, head_end);
  const std::size_t dot = head.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == head.size()) {
    return fail(Errc::kInvalidArgument,
                str("trace text '", head, "' does not start with component.event"));
  }
  TraceText parsed;
  parsed.component = head.substr(0, dot);
  parsed.event = head.substr(dot + 1);
  std::size_t at = head_end;
  while (at < text.size()) {
    if (text[at] == ' ') {
      ++at;
      continue;
    }
    const std::size_t key_end = text.find_first_of("= ", at);
    if (key_end == std::string_view::npos || text[key_end] != '=') {
      return fail(Errc::kInvalidArgument,
                  str("trace field '", text.substr(at, key_end - at), "' has no '='"));
    }
    if (key_end == at) return fail(Errc::kInvalidArgument, "trace field with an empty key");
    std::string key(text.substr(at, key_end - at));
    at = key_end + 1;
    std::string value;
    if (at < text.size() && text[at] == '"') {
      // The closing quote is the first one followed by a space or the end (see the header).
      std::size_t close = at + 1;
      while (close < text.size() &&
             !(text[close] == '"' && (close + 1 == text.size() || text[close + 1] == ' '))) {
        ++close;
      }
      if (close >= text.size()) {
        return fail(Errc::kInvalidArgument, str("trace field '", key, "' has no closing quote"));
      }
      value = text.substr(at + 1, close - at - 1);
      at = close + 1;
    } else {
      const std::size_t value_end = std::min(text.find(' ', at), text.size());
      value = text.substr(at, value_end - at);
      at = value_end;
    }
    parsed.fields.emplace_back(std::move(key), std::move(value));
  }
  return parsed;
}

}  // namespace keel::sim
