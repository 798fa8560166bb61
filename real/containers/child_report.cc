#include "real/containers/child_report.h"

#include <unistd.h>

#include <cstring>

namespace keel::real {

void ChildReport::fail(std::initializer_list<const char*> parts, int error, int exit_code) const {
  char line[1024];
  std::size_t used = 0;
  auto append = [&](const char* text) {
    for (; *text != '\0' && used < sizeof line; ++text) line[used++] = *text;
  };
  for (const char* part : parts) append(part);
  if (error != 0) {
    append(": ");
    // strerrordesc_np: a static string, no locale, no allocation (unlike strerror).
    const char* text = ::strerrordesc_np(error);
    append(text != nullptr ? text : "unknown error");
  }
  // One write: a pipe takes up to PIPE_BUF bytes at once, so the line arrives whole.
  [[maybe_unused]] const ssize_t written = ::write(fd_, line, used);
  ::_exit(exit_code);
}

}  // namespace keel::real
