// Unit names: `prefix.service`, templates `prefix@.service` and their instances
// `prefix@instance.service` (systemd.unit(5), "String Escaping" and "Description"), with the
// specifiers fleet resolves in unit files (%n %N %p %i, fleet's job.unitPrintf; %% is a literal %).
#pragma once

#include <string>
#include <string_view>

#include "core/env/error.h"

namespace keel::fleet {

struct UnitName {
  std::string full;      // %n: "web@1.service"
  std::string stem;      // %N: the name without its type suffix, "web@1"
  std::string prefix;    // %p: the part before '@', "web"
  std::string instance;  // %i: the part between '@' and the suffix, "1" (empty for non-instances)
  bool is_template = false;  // "web@.service": a template, which is never placed itself

  bool is_instance() const { return !instance.empty(); }
};

// Parses and checks a unit name. The rules are systemd's unit_name_is_valid as fleet's
// api.ValidateName applies them: at most kMaxUnitNameBytes, characters [A-Za-z0-9:_.@\-] before the
// suffix, not starting with '@'. Keel runs containers for services only, so the suffix must be
// ".service" (fleet also took sockets, timers, paths...).
Result<UnitName> parse_unit_name(std::string_view name);

// The instance `instance` of a template: instantiate("web@.service", "1") is "web@1.service".
// Refuses a name that is not a template and an instance with characters a unit name cannot hold.
Result<std::string> instantiate(std::string_view template_name, std::string_view instance);

// The template an instance was made from ("web@1.service" -> "web@.service"); empty for a name
// that is not an instance.
std::string template_of(const UnitName& name);

// Replaces %n %N %p %i and %% in `value`. An unknown specifier or a lone trailing '%' is an error
// naming its 1-based position in `value` (systemd refuses them too, "Failed to resolve
// specifiers").
Result<std::string> expand_specifiers(std::string_view value, const UnitName& name);

}  // namespace keel::fleet
