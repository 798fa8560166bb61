// BusyboxRoot: a small root filesystem for container tests: a copy of Debian's static busybox
// (/bin/busybox, package busybox-static, installed by scripts/setup) with links for the applets
// the tests run, plus the empty directories a root needs. Removed with the TempDir.
#pragma once

#include <filesystem>
#include <string>

#include "real/support/temp_dir.h"

namespace keel::real::testing {

inline constexpr const char* kHostBusybox = "/bin/busybox";

class BusyboxRoot {
 public:
  BusyboxRoot() {
    namespace fs = std::filesystem;
    const fs::path root(dir_.path());
    for (const char* empty : {"bin", "proc", "dev", "tmp", "mnt", "etc"}) {
      fs::create_directories(root / empty);
    }
    fs::copy_file(kHostBusybox, root / "bin/busybox");
    for (const char* applet :
         {"sh", "echo", "cat", "sleep", "hostname", "mount", "mkdir", "grep", "wc", "ls", "true",
          "dd", "kill", "pwd", "ifconfig", "seq", "head", "tr"}) {
      fs::create_symlink("busybox", root / "bin" / applet);
    }
  }

  const std::string& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

inline bool host_has_busybox() { return std::filesystem::exists(kHostBusybox); }

}  // namespace keel::real::testing
