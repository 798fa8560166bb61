#include "real/containers/close_fds.h"

#include <unistd.h>

namespace keel::real {

void close_all_but(const int* keep, std::size_t count) {
  unsigned int from = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto fd = static_cast<unsigned int>(keep[i]);
    if (fd > from) ::close_range(from, fd - 1, 0);
    from = fd + 1;
  }
  ::close_range(from, ~0U, 0);
}

}  // namespace keel::real
