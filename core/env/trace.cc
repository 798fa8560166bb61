#include "core/env/trace.h"

namespace keel {

std::string describe(const TraceEvent& event) {
  std::string out;
  out.append(event.component).append(".").append(event.name);
  for (const TraceField& field : event.fields) {
    out.append(" ").append(field.key).append("=");
    if (const auto* number = std::get_if<std::int64_t>(&field.value)) {
      out.append(std::to_string(*number));
    } else {
      const std::string_view text = std::get<std::string_view>(field.value);
      const bool quote = text.empty() || text.find_first_of(" \"=") != std::string_view::npos;
      if (quote) out.append("\"");
      out.append(text);
      if (quote) out.append("\"");
    }
  }
  return out;
}

}  // namespace keel
