#include "real/containers/launch_plan.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "core/env/str.h"

namespace keel::real {
namespace {

// Pointers into `texts` with a null at the end, as execve() wants them. `texts` must not change
// afterwards.
std::vector<char*> pointers_to(std::vector<std::string>& texts) {
  std::vector<char*> pointers;
  pointers.reserve(texts.size() + 1);
  for (std::string& text : texts) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

std::vector<std::string> candidates_for(const std::string& program, std::string_view path) {
  if (program.find('/') != std::string::npos) return {program};
  std::vector<std::string> candidates;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find(':', begin);
    if (end == std::string_view::npos) end = path.size();
    std::string_view dir = path.substr(begin, end - begin);
    if (dir.empty()) dir = ".";  // an empty PATH entry means the working directory (POSIX)
    candidates.push_back(str(dir, "/", program));
    begin = end + 1;
  }
  return candidates;
}

Status check_root(const std::string& root) {
  if (root.front() != '/') {
    return fail(Errc::kInvalidArgument, str("root directory '", root, "' is not absolute"));
  }
  struct stat info {};
  if (::stat(root.c_str(), &info) != 0) {
    return fail(Errc::kNotFound,
                str("missing root filesystem: '", root, "': ", std::strerror(errno)));
  }
  if (!S_ISDIR(info.st_mode)) {
    return fail(Errc::kInvalidArgument,
                str("missing root filesystem: '", root, "' is not a directory"));
  }
  return {};
}

}  // namespace

bool valid_unit_name(std::string_view name) {
  return !name.empty() && name.size() <= 200 && name != "." && name != ".." &&
         name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

Result<LaunchPlan> make_launch_plan(const ContainerSpec& spec, const ImageMount* image) {
  if (!valid_unit_name(spec.name)) {
    return fail(Errc::kInvalidArgument,
                str("unit name '", spec.name, "' cannot name a log file or a cgroup"));
  }
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return fail(Errc::kInvalidArgument, "argv is empty: nothing to run");
  }
  if (!spec.image.empty() && !spec.root_directory.empty()) {
    return fail(Errc::kInvalidArgument,
                str("both a root directory and an image ('", spec.image, "'): choose one"));
  }
  if (!spec.image.empty() && image == nullptr) {
    return fail(Errc::kInvalidArgument,
                str("image '", spec.image, "': this machine has no image store"));
  }
  if (!spec.working_directory.empty() && spec.working_directory.front() != '/') {
    return fail(Errc::kInvalidArgument,
                str("working directory '", spec.working_directory, "' is not absolute"));
  }
  LaunchPlan plan;
  const std::string& root = image != nullptr ? image->merged : spec.root_directory;
  if (image != nullptr) {
    // overlay's options are split at ',' and its lowerdir at ':' (overlayfs.rst).
    for (const std::string* dir : {&image->rootfs, &image->upper, &image->work}) {
      if (dir->find_first_of(",:") != std::string::npos) {
        return fail(Errc::kInvalidArgument, str("image directory '", *dir, "' holds ',' or ':'"));
      }
    }
    plan.overlay_options =
        str("lowerdir=", image->rootfs, ",upperdir=", image->upper, ",workdir=", image->work);
  }
  if (!root.empty()) {
    if (auto checked = check_root(root); !checked) return std::unexpected(checked.error());
    plan.root = root;
    while (plan.root.size() > 1 && plan.root.back() == '/') plan.root.pop_back();
    plan.root_proc = plan.root + "/proc";
    plan.root_dev = plan.root + "/dev";
    plan.root_tmp = plan.root + "/tmp";
    for (const char* device : {"null", "zero", "random", "urandom", "tty"}) {
      plan.devices.push_back({str("/dev/", device), str(plan.root_dev, "/", device)});
    }
    // The links every /dev has (Linux's Documentation/admin-guide/devices.rst, "Compulsory links").
    plan.dev_links = {{"/proc/self/fd", plan.root_dev + "/fd"},
                      {"/proc/self/fd/0", plan.root_dev + "/stdin"},
                      {"/proc/self/fd/1", plan.root_dev + "/stdout"},
                      {"/proc/self/fd/2", plan.root_dev + "/stderr"}};
  }

  std::string path = kDefaultPath;
  bool has_path = false;
  for (const auto& [name, value] : spec.environment) {
    if (name.empty() || name.find('=') != std::string::npos) {
      return fail(Errc::kInvalidArgument, str("environment variable name '", name, "' is bad"));
    }
    if (name == "PATH") {
      path = value;
      has_path = true;
    }
    plan.environment_text.push_back(str(name, "=", value));
  }
  if (!has_path) plan.environment_text.push_back(str("PATH=", path));
  plan.argv_text = spec.argv;
  plan.argv = pointers_to(plan.argv_text);
  plan.envp = pointers_to(plan.environment_text);
  plan.exec_candidates = candidates_for(spec.argv[0], path);
  plan.hostname = spec.hostname;
  plan.working_directory = spec.working_directory.empty() ? "/" : spec.working_directory;
  plan.private_network = spec.private_network;
  return plan;
}

}  // namespace keel::real
