#include "core/codec/bounded_writer.h"

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::codec {

void BoundedWriter::too_small(std::size_t bound, std::size_t left) {
  detail::assertion_failed(__FILE__, __LINE__, "bound <= left",
                           str("BoundedWriter: a value of up to ", bound, " bytes with ", left,
                               " bytes of room left (the room was made for less)"));
}

void BoundedWriter::out_of_bound(std::size_t written, std::size_t bound) {
  detail::assertion_failed(
      __FILE__, __LINE__, "written <= bound",
      str("BoundedWriter: a value of ", written, " bytes is over its bound of ", bound,
          " (a size bound in raft_codec.cc is too small)"));
}

}  // namespace keel::codec
