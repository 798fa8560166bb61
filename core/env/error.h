// Expected failures are values (DESIGN.md principle 7): functions that can fail for a reason the
// caller must handle return Result<T> or Status, carrying an Error with a code and a message that
// names what was wrong and where.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace keel {

enum class Errc {
  kNotFound,
  kAlreadyExists,
  kInvalidArgument,  // bad input: the message names the field and what was expected
  kLimitExceeded,    // a limit was hit: the message names the limit
  kCorrupt,          // stored or received data failed its checks: the message names where
  kIo,               // the file system or the network failed
  kTimeout,
  kNotLeader,
  kUnavailable,
};

std::string_view to_string(Errc code);

struct Error {
  Errc code;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Errc code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

}  // namespace keel
