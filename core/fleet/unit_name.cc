#include "core/fleet/unit_name.h"

#include "core/env/str.h"
#include "core/fleet/limits.h"

namespace keel::fleet {
namespace {

constexpr std::string_view kServiceSuffix = ".service";

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '_' || c == '.' || c == '@' || c == '-' || c == '\\';
}

}  // namespace

Result<UnitName> parse_unit_name(std::string_view name) {
  if (name.empty()) return fail(Errc::kInvalidArgument, "unit name is empty");
  if (name.size() > kMaxUnitNameBytes) {
    return fail(Errc::kLimitExceeded,
                str("unit name is longer than kMaxUnitNameBytes (", kMaxUnitNameBytes, ")"));
  }
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) {
    return fail(Errc::kInvalidArgument, str("unit name '", name, "' has no type suffix"));
  }
  if (name.substr(dot) != kServiceSuffix) {
    return fail(Errc::kInvalidArgument,
                str("unit name '", name, "': unit type '", name.substr(dot + 1),
                    "' is not supported, Keel runs .service units only"));
  }
  const std::string_view stem = name.substr(0, dot);
  for (std::size_t i = 0; i < stem.size(); ++i) {
    if (!is_name_char(stem[i])) {
      return fail(Errc::kInvalidArgument, str("unit name '", name, "': invalid character '",
                                              stem[i], "' at position ", i + 1));
    }
  }
  if (stem.empty() || stem.front() == '@') {
    return fail(Errc::kInvalidArgument,
                str("unit name '", name, "' must have a prefix before '@' and the suffix"));
  }
  UnitName parsed{std::string(name), std::string(stem), std::string(stem), "", false};
  if (const auto at = stem.find('@'); at != std::string_view::npos) {
    parsed.prefix = std::string(stem.substr(0, at));
    parsed.instance = std::string(stem.substr(at + 1));
    parsed.is_template = parsed.instance.empty();
  }
  return parsed;
}

Result<std::string> instantiate(std::string_view template_name, std::string_view instance) {
  auto parsed = parse_unit_name(template_name);
  if (!parsed) return std::unexpected(parsed.error());
  if (!parsed->is_template) {
    return fail(
        Errc::kInvalidArgument,
        str("'", template_name, "' is not a template (a template is named prefix@.service)"));
  }
  if (instance.empty()) return fail(Errc::kInvalidArgument, "instance name is empty");
  std::string name = str(parsed->prefix, "@", instance, kServiceSuffix);
  if (auto checked = parse_unit_name(name); !checked) return std::unexpected(checked.error());
  return name;
}

std::string template_of(const UnitName& name) {
  if (!name.is_instance()) return {};
  return str(name.prefix, "@", kServiceSuffix);
}

Result<std::string> expand_specifiers(std::string_view value, const UnitName& name) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    if (i + 1 == value.size()) {
      return fail(Errc::kInvalidArgument, str("position ", i + 1, ": lone '%' at the end"));
    }
    switch (value[++i]) {
      case 'n':
        out += name.full;
        break;
      case 'N':
        out += name.stem;
        break;
      case 'p':
        out += name.prefix;
        break;
      case 'i':
        out += name.instance;
        break;
      case '%':
        out += '%';
        break;
      default:
        return fail(Errc::kInvalidArgument, str("position ", i, ": unknown specifier '%", value[i],
                                                "' (known: %n %N %p %i, and %% for a literal %)"));
    }
  }
  return out;
}

}  // namespace keel::fleet
