#include "real/containers/layer_unpacker.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "core/env/str.h"
#include "real/containers/tar_reader.h"
#include "real/containers/unique_fd.h"

namespace keel::real {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";

Error io_error(std::string_view what, const std::string& path) {
  return Error{Errc::kIo, str(what, " '", path, "': ", std::strerror(errno))};
}

// "./a//b/" -> "a/b"; nothing for the root itself; an error for "..".
Result<std::string> clean_path(const std::string& raw) {
  std::string clean;
  std::size_t begin = 0;
  while (begin <= raw.size()) {
    std::size_t end = raw.find('/', begin);
    if (end == std::string::npos) end = raw.size();
    const std::string_view part(raw.data() + begin, end - begin);
    if (part == "..") return fail(Errc::kCorrupt, str("layer path '", raw, "' climbs out with .."));
    if (!part.empty() && part != ".") {
      if (!clean.empty()) clean += '/';
      clean += part;
    }
    begin = end + 1;
  }
  return clean;
}

std::pair<std::string, std::string> split(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

// Opens a directory of the root, resolving symlinks as if the root were "/": a descriptor, or
// -errno.
int open_dir_in_root(int root, const std::string& path) {
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, root, path.empty() ? "." : path.c_str(), &how, sizeof how);
  return fd >= 0 ? static_cast<int>(fd) : -errno;
}

Result<UniqueFd> existing_dir_in_root(int root, const std::string& path) {
  const int fd = open_dir_in_root(root, path);
  if (fd < 0) {
    return fail(Errc::kIo, str("open directory '", path, "': ", std::strerror(-fd)));
  }
  return UniqueFd(fd);
}

// Opens a directory of the root, making missing directories (0755) on the way.
Result<UniqueFd> make_dirs_in_root(int root, const std::string& path) {
  const int fd = open_dir_in_root(root, path);
  if (fd >= 0) return UniqueFd(fd);
  if (fd != -ENOENT) return existing_dir_in_root(root, path);
  auto [parent, name] = split(path);
  auto parent_fd = make_dirs_in_root(root, parent);
  if (!parent_fd) return parent_fd;
  if (::mkdirat(parent_fd->get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
    return std::unexpected(io_error("create directory", path));
  }
  return existing_dir_in_root(root, path);
}

// Removes `name` in `dir`, a directory with all it holds; nothing there is fine.
Status remove_at(int dir, const std::string& name) {
  struct stat info {};
  if (::fstatat(dir, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? Status{} : std::unexpected(io_error("inspect", name));
  }
  if (S_ISDIR(info.st_mode)) {
    const int fd = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return std::unexpected(io_error("open", name));
    DIR* listing = ::fdopendir(fd);
    if (listing == nullptr) {
      ::close(fd);
      return std::unexpected(io_error("list", name));
    }
    std::vector<std::string> children;
    while (const dirent* child = ::readdir(listing)) {
      const std::string_view child_name = child->d_name;
      if (child_name != "." && child_name != "..") children.emplace_back(child_name);
    }
    Status removed;
    for (const std::string& child : children) {
      if (removed) removed = remove_at(::dirfd(listing), child);
    }
    ::closedir(listing);
    if (!removed) return removed;
    if (::unlinkat(dir, name.c_str(), AT_REMOVEDIR) != 0) {
      return std::unexpected(io_error("remove", name));
    }
    return {};
  }
  if (::unlinkat(dir, name.c_str(), 0) != 0) return std::unexpected(io_error("remove", name));
  return {};
}

class LayerWriter {
 public:
  LayerWriter(int root, TarReader& tar) : root_(root), tar_(tar) {}

  Status apply(const TarEntry& entry) {
    auto path = clean_path(entry.path);
    if (!path) return std::unexpected(path.error());
    if (path->empty()) return {};  // the root itself
    auto [parent, name] = split(*path);
    if (name == kOpaqueWhiteout) return empty_below(parent);
    if (name.starts_with(kWhiteoutPrefix)) {
      const int dir = open_dir_in_root(root_, parent);
      if (dir == -ENOENT) return {};  // nothing below to delete
      if (dir < 0)
        return fail(Errc::kIo, str("open directory '", parent, "': ", std::strerror(-dir)));
      return remove_at(UniqueFd(dir).get(), name.substr(kWhiteoutPrefix.size()));
    }
    auto dir = make_dirs_in_root(root_, parent);
    if (!dir) return std::unexpected(dir.error());
    written_.insert(*path);
    return create(dir->get(), name, *path, entry);
  }

 private:
  // An opaque directory keeps only what this layer put in it (layer.md, "Opaque Whiteout").
  Status empty_below(const std::string& path) {
    auto dir = make_dirs_in_root(root_, path);
    if (!dir) return std::unexpected(dir.error());
    const int fd = ::openat(dir->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* listing = fd < 0 ? nullptr : ::fdopendir(fd);
    if (listing == nullptr) return std::unexpected(io_error("list", path));
    std::vector<std::string> lower;
    while (const dirent* child = ::readdir(listing)) {
      const std::string name = child->d_name;
      const std::string full = path.empty() ? name : path + "/" + name;
      if (name != "." && name != ".." && !written_.contains(full)) lower.push_back(name);
    }
    ::closedir(listing);
    for (const std::string& name : lower) {
      if (auto removed = remove_at(dir->get(), name); !removed) return removed;
    }
    return {};
  }

  Status create(int dir, const std::string& name, const std::string& path, const TarEntry& entry) {
    struct stat existing {};
    const bool exists = ::fstatat(dir, name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0;
    const bool keep_dir =
        exists && S_ISDIR(existing.st_mode) && entry.type == TarEntry::Type::kDirectory;
    if (exists && !keep_dir) {
      if (auto removed = remove_at(dir, name); !removed) return removed;
    }
    const char* at = name.c_str();
    switch (entry.type) {
      case TarEntry::Type::kDirectory:
        if (!keep_dir && ::mkdirat(dir, at, 0700) != 0) {
          return std::unexpected(io_error("create directory", path));
        }
        break;
      case TarEntry::Type::kFile: {
        UniqueFd file(
            ::openat(dir, at, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!file.valid()) return std::unexpected(io_error("create file", path));
        auto copied = tar_.read_content([&](std::string_view bytes) -> Status {
          while (!bytes.empty()) {
            const ssize_t written = ::write(file.get(), bytes.data(), bytes.size());
            if (written < 0) return std::unexpected(io_error("write", path));
            bytes.remove_prefix(static_cast<std::size_t>(written));
          }
          return {};
        });
        if (!copied) return copied;
        break;
      }
      case TarEntry::Type::kSymlink:
        if (::symlinkat(entry.link_target.c_str(), dir, at) != 0) {
          return std::unexpected(io_error("create symlink", path));
        }
        break;
      case TarEntry::Type::kHardLink: {
        auto target = clean_path(entry.link_target);
        if (!target) return std::unexpected(target.error());
        auto [target_parent, target_name] = split(*target);
        auto target_dir = existing_dir_in_root(root_, target_parent);
        if (!target_dir) return std::unexpected(target_dir.error());
        if (::linkat(target_dir->get(), target_name.c_str(), dir, at, 0) != 0) {
          return std::unexpected(io_error(str("hard link to ", *target, " as"), path));
        }
        return {};  // a hard link shares its target's owner and mode
      }
      case TarEntry::Type::kCharDevice:
      case TarEntry::Type::kBlockDevice:
      case TarEntry::Type::kFifo: {
        const mode_t kind = entry.type == TarEntry::Type::kFifo         ? S_IFIFO
                            : entry.type == TarEntry::Type::kCharDevice ? S_IFCHR
                                                                        : S_IFBLK;
        if (::mknodat(dir, at, kind | 0600, makedev(entry.device_major, entry.device_minor)) != 0) {
          return std::unexpected(io_error("create device", path));
        }
        break;
      }
    }
    if (::fchownat(dir, at, entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW) != 0) {
      return std::unexpected(io_error("chown", path));
    }
    // Modes after ownership: chown clears set-user-ID bits. Symlinks have no mode of their own.
    if (entry.type != TarEntry::Type::kSymlink && ::fchmodat(dir, at, entry.mode, 0) != 0) {
      return std::unexpected(io_error("chmod", path));
    }
    return {};
  }

  int root_;
  TarReader& tar_;
  std::set<std::string> written_;  // paths this layer wrote, which its opaque markers spare
};

}  // namespace

Status apply_layer(int fd, const std::string& root) {
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) return std::unexpected(io_error("open root", root));
  TarReader tar(fd);
  LayerWriter writer(root_fd.get(), tar);
  while (true) {
    auto entry = tar.next();
    if (!entry) return std::unexpected(entry.error());
    if (!*entry) return {};
    if (auto applied = writer.apply(**entry); !applied) {
      return fail(applied.error().code,
                  str("layer entry '", (*entry)->path, "': ", applied.error().message));
    }
  }
}

}  // namespace keel::real
