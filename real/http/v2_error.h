// V2Error: an etcd v2 keys API error, with etcd's numbers, messages and HTTP statuses (etcd's
// error/error.go, documented in etcd2's Documentation/v2/errorcode.md): the JSON body is
// {"errorCode":N,"message":"...","cause":"...","index":I}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace keel::real::http {

enum class V2Code : int {
  kKeyNotFound = 100,
  kTestFailed = 101,
  kNotFile = 102,
  kNotDir = 104,
  kNodeExist = 105,
  kRootReadOnly = 107,
  kDirNotEmpty = 108,
  kValueRequired = 200,
  kPrevValueRequired = 201,
  kTtlNaN = 202,
  kIndexNaN = 203,
  kInvalidField = 209,
  kInvalidForm = 210,
  kRefreshValue = 211,
  kRefreshTtlRequired = 212,
  kRaftInternal = 300,
  kLeaderElect = 301,
  kWatcherCleared = 400,
  kEventIndexCleared = 401,
};

struct V2Error {
  V2Code code;
  std::string cause;
  std::int64_t index = 0;  // the store's index (revision) when the error was found
};

// etcd's message for the code ("Key not found", ...).
std::string_view v2_message(V2Code code);
// etcd's HTTP status for the code: 404 for 100, 412 for 101 and 105, 403 for 102 and 108, 500 for
// 300 and 301, 400 for the rest (etcd's errorStatus table and its 400 default).
unsigned v2_http_status(V2Code code);

}  // namespace keel::real::http
