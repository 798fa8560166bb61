// TempDir: a fresh directory under /tmp for one test, removed with everything in it when the
// TempDir goes away (also when the test fails).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "core/env/assert.h"

namespace keel::real::testing {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/keel-test-XXXXXX";
    KEEL_ASSERT(::mkdtemp(pattern) != nullptr, "mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

}  // namespace keel::real::testing
