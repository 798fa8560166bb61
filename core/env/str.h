// keel::str(a, b, c): concatenates anything that can be written to an ostream into one string.
// g++ 12 has no <format>; this serves error messages, assertion messages and trace text.
#pragma once

#include <sstream>
#include <string>
#include <utility>

namespace keel {

template <class... Args>
std::string str(Args&&... args) {
  std::ostringstream out;
  (out << ... << std::forward<Args>(args));
  return std::move(out).str();
}

}  // namespace keel
