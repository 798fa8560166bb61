#include "real/containers/busybox_root.h"

#include <filesystem>

#include "core/env/str.h"

namespace keel::real {

namespace fs = std::filesystem;

Status make_busybox_root(const std::string& dir, const std::string& busybox) {
  if (!fs::exists(busybox)) {
    return fail(Errc::kNotFound, str("no busybox at ", busybox, " (Debian: busybox-static)"));
  }
  std::error_code error;
  const fs::path root(dir);
  for (const char* empty : {"bin", "proc", "dev", "tmp", "mnt", "etc", "root"}) {
    fs::create_directories(root / empty, error);
    if (error)
      return fail(Errc::kIo, str("create ", (root / empty).string(), ": ", error.message()));
  }
  fs::copy_file(busybox, root / "bin/busybox", fs::copy_options::overwrite_existing, error);
  if (error) return fail(Errc::kIo, str("copy ", busybox, " into ", dir, ": ", error.message()));
  for (const char* applet :
       {"sh", "cat",   "echo",  "env",    "grep", "head", "hostname", "httpd", "ifconfig", "kill",
        "ls", "mkdir", "mount", "nc",     "ps",   "pwd",  "rm",       "seq",   "sleep",    "tail",
        "tr", "true",  "false", "umount", "wc",   "dd",   "wget",     "yes"}) {
    const fs::path link = root / "bin" / applet;
    fs::remove(link, error);
    fs::create_symlink("busybox", link, error);
    if (error) return fail(Errc::kIo, str("link ", link.string(), ": ", error.message()));
  }
  return {};
}

}  // namespace keel::real
