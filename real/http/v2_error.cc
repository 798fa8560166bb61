#include "real/http/v2_error.h"

namespace keel::real::http {

std::string_view v2_message(V2Code code) {
  switch (code) {
    case V2Code::kKeyNotFound:
      return "Key not found";
    case V2Code::kTestFailed:
      return "Compare failed";
    case V2Code::kNotFile:
      return "Not a file";
    case V2Code::kNotDir:
      return "Not a directory";
    case V2Code::kNodeExist:
      return "Key already exists";
    case V2Code::kRootReadOnly:
      return "Root is read only";
    case V2Code::kDirNotEmpty:
      return "Directory not empty";
    case V2Code::kValueRequired:
      return "Value is Required in POST form";
    case V2Code::kPrevValueRequired:
      return "PrevValue is Required in POST form";
    case V2Code::kTtlNaN:
      return "The given TTL in POST form is not a number";
    case V2Code::kIndexNaN:
      return "The given index in POST form is not a number";
    case V2Code::kInvalidField:
      return "Invalid field";
    case V2Code::kInvalidForm:
      return "Invalid POST form";
    case V2Code::kRefreshValue:
      return "Value provided on refresh";
    case V2Code::kRefreshTtlRequired:
      return "A TTL must be provided on refresh";
    case V2Code::kRaftInternal:
      return "Raft Internal Error";
    case V2Code::kLeaderElect:
      return "During Leader Election";
    case V2Code::kWatcherCleared:
      return "watcher is cleared due to etcd recovery";
    case V2Code::kEventIndexCleared:
      return "The event in requested index is outdated and cleared";
  }
  return "Unknown error";
}

unsigned v2_http_status(V2Code code) {
  switch (code) {
    case V2Code::kKeyNotFound:
      return 404;
    case V2Code::kTestFailed:
    case V2Code::kNodeExist:
      return 412;
    case V2Code::kNotFile:
    case V2Code::kDirNotEmpty:
      return 403;
    case V2Code::kRaftInternal:
    case V2Code::kLeaderElect:
      return 500;
    default:
      return 400;
  }
}

}  // namespace keel::real::http
