#include "real/http/unit_hash.h"

#include "real/containers/sha256.h"

namespace keel::real::http {

std::string unit_file_hash(std::string_view text) {
  Sha256 sha;
  sha.update(text);
  return sha.hex();
}

}  // namespace keel::real::http
