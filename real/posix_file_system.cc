#include "real/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/env/str.h"

namespace keel::real {
namespace {

std::unexpected<Error> os_error(std::string_view what, const std::string& path) {
  const int code = errno;
  const Errc errc = code == ENOENT   ? Errc::kNotFound
                    : code == EEXIST ? Errc::kAlreadyExists
                    : code == EISDIR ? Errc::kInvalidArgument
                                     : Errc::kIo;
  return std::unexpected(Error{errc, str(what, " ", path, ": ", std::strerror(code))});
}

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::string path, std::uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  ~PosixFile() override { ::close(fd_); }

  Status append(ByteView data) override {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n =
          ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(size_ + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return os_error("write", path_);
      done += static_cast<std::size_t>(n);
    }
    size_ += data.size();
    return {};
  }

  Result<Bytes> read(std::uint64_t offset, std::size_t length) const override {
    if (offset >= size_) return Bytes{};
    Bytes out(std::min<std::uint64_t>(length, size_ - offset));
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return os_error("read", path_);
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return out;
  }

  std::uint64_t size() const override { return size_; }

  Status truncate(std::uint64_t size) override {
    if (size >= size_) return {};
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return os_error("truncate", path_);
    size_ = size;
    return {};
  }

  Status sync() override {
    if (::fdatasync(fd_) != 0) return os_error("fdatasync", path_);
    return {};
  }

 private:
  int fd_;
  std::string path_;
  std::uint64_t size_;
};

}  // namespace

PosixFileSystem::PosixFileSystem(std::string root) : root_(std::move(root)) {}

std::string PosixFileSystem::full(std::string_view path) const {
  return path.empty() ? root_ : root_ + "/" + std::string(path);
}

Result<std::unique_ptr<File>> PosixFileSystem::open(std::string_view path, OpenMode mode) {
  const std::string name = full(path);
  int flags = O_RDWR | O_CLOEXEC;
  if (mode == OpenMode::kCreateNew) flags |= O_CREAT | O_EXCL;
  if (mode == OpenMode::kCreateOrOpen) flags |= O_CREAT;
  const int fd = ::open(name.c_str(), flags, 0644);
  if (fd < 0) return os_error("open", name);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    auto error = os_error("stat", name);
    ::close(fd);
    return error;
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd);
    return fail(Errc::kInvalidArgument, str("'", name, "' is a directory"));
  }
  return std::make_unique<PosixFile>(fd, name, static_cast<std::uint64_t>(info.st_size));
}

Status PosixFileSystem::rename(std::string_view from, std::string_view to) {
  if (::rename(full(from).c_str(), full(to).c_str()) != 0) return os_error("rename", full(from));
  return {};
}

Status PosixFileSystem::remove(std::string_view path) {
  if (::unlink(full(path).c_str()) != 0) return os_error("remove", full(path));
  return {};
}

Status PosixFileSystem::create_dir(std::string_view path) {
  if (::mkdir(full(path).c_str(), 0755) != 0 && errno != EEXIST) {
    return os_error("mkdir", full(path));
  }
  return {};
}

Status PosixFileSystem::sync_dir(std::string_view path) {
  const std::string name = full(path);
  const int fd = ::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return os_error("open directory", name);
  if (::fsync(fd) != 0) {
    auto error = os_error("fsync directory", name);
    ::close(fd);
    return error;
  }
  ::close(fd);
  return {};
}

Result<std::vector<std::string>> PosixFileSystem::list(std::string_view dir) const {
  const std::string name = full(dir);
  DIR* handle = ::opendir(name.c_str());
  if (handle == nullptr) return os_error("list", name);
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view n = entry->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

bool PosixFileSystem::exists(std::string_view path) const {
  struct stat info {};
  return ::stat(full(path).c_str(), &info) == 0;
}

}  // namespace keel::real
