#include "core/env/error.h"

namespace keel {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::kNotFound:
      return "not found";
    case Errc::kAlreadyExists:
      return "already exists";
    case Errc::kInvalidArgument:
      return "invalid argument";
    case Errc::kLimitExceeded:
      return "limit exceeded";
    case Errc::kCorrupt:
      return "corrupt";
    case Errc::kIo:
      return "i/o error";
    case Errc::kTimeout:
      return "timeout";
    case Errc::kNotLeader:
      return "not leader";
    case Errc::kUnavailable:
      return "unavailable";
  }
  return "unknown error";
}

}  // namespace keel
