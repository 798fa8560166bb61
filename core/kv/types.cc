#include "core/kv/types.h"

#include <algorithm>
#include <cstring>

namespace keel::kv {

Bytes prefix_end(ByteView prefix) {
  Bytes end(prefix.begin(), prefix.end());
  while (!end.empty()) {
    if (end.back() < 0xff) {
      ++end.back();
      return end;
    }
    end.pop_back();
  }
  return Bytes{0};
}

bool in_range(ByteView key, ByteView begin, ByteView end) {
  const auto less = [](ByteView a, ByteView b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  };
  if (end.empty()) return std::ranges::equal(key, begin);
  if (less(key, begin)) return false;
  if (end.size() == 1 && end[0] == 0) return true;
  return less(key, end);
}

Bytes to_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

std::string to_string(ByteView bytes) { return std::string(bytes.begin(), bytes.end()); }

}  // namespace keel::kv
