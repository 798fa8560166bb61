// LaunchPlan: everything a container's first process needs, worked out in keeld before clone().
// The cloned process is a copy of a possibly multi-threaded keeld, so until it execs it may only
// make system calls: no allocation, no locks (POSIX, fork(): "only async-signal-safe operations"
// after fork in a multi-threaded process). Every path, argument array and exec candidate is
// therefore built here, and the child only reads them.
#pragma once

#include <string>
#include <vector>

#include "core/env/containers.h"
#include "core/env/error.h"

namespace keel::real {

// A device node of the container's minimal /dev: the host's node bind-mounted onto an empty file.
struct DeviceBind {
  std::string host;    // e.g. /dev/null
  std::string inside;  // e.g. <root>/dev/null, a path before pivot_root
};

struct LaunchPlan {
  LaunchPlan() = default;
  // Moving keeps each vector's buffer, so argv and envp stay valid; a copy would not.
  LaunchPlan(LaunchPlan&&) = default;
  LaunchPlan& operator=(LaunchPlan&&) = default;
  LaunchPlan(const LaunchPlan&) = delete;
  LaunchPlan& operator=(const LaunchPlan&) = delete;

  std::vector<std::string> argv_text;
  std::vector<std::string> environment_text;  // "NAME=value"
  std::vector<char*> argv;                    // into argv_text, null-terminated
  std::vector<char*> envp;                    // into environment_text, null-terminated
  // Paths to try execve() on, in order: argv[0] itself when it holds a '/', else argv[0] in each
  // directory of the container's PATH (execvp's rule, but the container's PATH, not keeld's).
  std::vector<std::string> exec_candidates;

  std::string hostname;           // empty: keep the host's name in the new UTS namespace
  std::string working_directory;  // inside the container; "/" when the spec names none
  bool private_network = false;

  // Empty root: the host's root, with a fresh /proc. Otherwise the directory that becomes "/".
  std::string root;
  std::string root_proc, root_dev, root_tmp;  // <root>/proc, <root>/dev, <root>/tmp
  std::vector<DeviceBind> devices;            // null, zero, random, urandom, tty
  std::vector<std::pair<std::string, std::string>> dev_links;  // target, <root>/dev/<link>
  // With an image: the overlay mounted on `root` before anything else, its read-only lower
  // layer the image's rootfs, so the container's writes stay in its own upper directory
  // (Documentation/filesystems/overlayfs.rst). Empty without an image.
  std::string overlay_options;
};

// Where a container from an image gets its root: the image's rootfs under an overlay of
// per-container directories (made by the caller, on one file system).
struct ImageMount {
  std::string rootfs;  // the image's, shared and never written
  std::string upper, work, merged;
};

// The PATH a container gets when its spec sets none (Docker's default).
inline constexpr const char* kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Checks the spec and builds its plan; `image` is where its image (spec.image) was found, if it
// names one. Errors (kInvalidArgument, kNotFound) name the field: empty argv, a unit name unfit
// for a file name, a relative root or working directory, a root directory that is missing or not
// a directory, both a root directory and an image, an image with no ImageMount.
Result<LaunchPlan> make_launch_plan(const ContainerSpec& spec, const ImageMount* image = nullptr);

// Whether `name` can name a unit's log file and cgroup: non-empty, at most 200 characters, no
// '/', no NUL, not "." or "..".
bool valid_unit_name(std::string_view name);

}  // namespace keel::real
