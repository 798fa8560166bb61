#include "real/containers/image_store.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/env/str.h"
#include "real/containers/layer_unpacker.h"
#include "real/containers/sha256.h"
#include "real/containers/unique_fd.h"

extern char** environ;

namespace keel::real {

// What one image of an archive needs: its id, its tags and its layer files, bottom first, each
// with the digest its bytes must have.
struct ImageEntry {
  std::string id;      // the hex sha256 of the config file
  std::string config;  // path relative to the layout
  std::vector<std::string> references;
  std::vector<std::string> layers;         // paths relative to the layout
  std::vector<std::string> layer_digests;  // hex sha256 of each layer file
};

namespace {

namespace fs = std::filesystem;

Result<std::string> file_sha256(const fs::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fail(Errc::kNotFound, str(path.string(), ": ", std::strerror(errno)));
  Sha256 sha;
  char buffer[64 * 1024];
  ssize_t got;
  while ((got = ::read(fd.get(), buffer, sizeof buffer)) > 0) {
    sha.update(std::string_view(buffer, static_cast<std::size_t>(got)));
  }
  if (got < 0) return fail(Errc::kIo, str("read ", path.string(), ": ", std::strerror(errno)));
  return sha.hex();
}

// Content addressing: a blob whose bytes do not hash to its digest is refused.
Status check_digest(const fs::path& path, const std::string& hex) {
  auto actual = file_sha256(path);
  if (!actual) return std::unexpected(actual.error());
  if (*actual != hex) {
    return fail(Errc::kCorrupt, str(path.filename().string(), " has sha256 ", *actual, ", not the ",
                                    hex, " it is named by"));
  }
  return {};
}

Result<YAML::Node> load_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return fail(Errc::kNotFound, str("no ", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  try {
    return YAML::Load(text.str());  // JSON is YAML 1.2's flow style
  } catch (const YAML::Exception& error) {
    return fail(Errc::kCorrupt, str(path.string(), ": ", error.what()));
  }
}

// "sha256:<hex>" -> "<hex>", checked, so it can name a file.
Result<std::string> digest_hex(const std::string& digest) {
  constexpr std::string_view kPrefix = "sha256:";
  std::string hex = digest.starts_with(kPrefix) ? digest.substr(kPrefix.size()) : digest;
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return fail(Errc::kCorrupt, str("digest '", digest, "' is not sha256 in hex"));
  }
  return hex;
}

// docker save: manifest.json lists each image with its config file, tags and layer files.
Result<std::vector<ImageEntry>> docker_images(const fs::path& layout) {
  auto manifest = load_json(layout / "manifest.json");
  if (!manifest) return std::unexpected(manifest.error());
  std::vector<ImageEntry> images;
  try {
    for (const YAML::Node& image : *manifest) {
      const std::string config = image["Config"].as<std::string>();
      // "<hex>.json" (docker before 25) or "blobs/sha256/<hex>" (docker 25 and later).
      auto id = digest_hex(fs::path(config).stem().string());
      if (!id) return std::unexpected(id.error());
      ImageEntry entry{
          .id = *id, .config = config, .references = {}, .layers = {}, .layer_digests = {}};
      if (image["RepoTags"]) {
        for (const YAML::Node& tag : image["RepoTags"]) {
          entry.references.push_back(tag.as<std::string>());
        }
      }
      for (const YAML::Node& layer : image["Layers"])
        entry.layers.push_back(layer.as<std::string>());
      // docker's layers are uncompressed, so each hashes to its diff_id in the config
      // (image-spec config.md, rootfs.diff_ids).
      auto config_json = load_json(layout / config);
      if (!config_json) return std::unexpected(config_json.error());
      if ((*config_json)["rootfs"]) {
        for (const YAML::Node& diff_id : (*config_json)["rootfs"]["diff_ids"]) {
          auto hex = digest_hex(diff_id.as<std::string>());
          if (!hex) return std::unexpected(hex.error());
          entry.layer_digests.push_back(*hex);
        }
      }
      if (entry.layer_digests.size() != entry.layers.size()) {
        return fail(Errc::kCorrupt, str(config, " lists ", entry.layer_digests.size(),
                                        " diff_ids for ", entry.layers.size(), " layers"));
      }
      images.push_back(std::move(entry));
    }
  } catch (const YAML::Exception& error) {
    return fail(Errc::kCorrupt, str("manifest.json: ", error.what()));
  }
  return images;
}

// An OCI layout: index.json points at manifests (or nested indexes), each naming its config and
// layers by digest under blobs/sha256/ (image-spec image-layout.md, manifest.md).
Result<std::vector<ImageEntry>> oci_images(const fs::path& layout) {
  std::vector<ImageEntry> images;
  std::function<Status(const YAML::Node&, std::vector<std::string>)> visit =
      [&](const YAML::Node& descriptor, std::vector<std::string> references) -> Status {
    try {
      const YAML::Node annotations = descriptor["annotations"];
      if (annotations) {
        for (const char* key : {"io.containerd.image.name", "org.opencontainers.image.ref.name"}) {
          if (annotations[key]) {
            references.push_back(annotations[key].as<std::string>());
            break;
          }
        }
      }
      auto hex = digest_hex(descriptor["digest"].as<std::string>());
      if (!hex) return std::unexpected(hex.error());
      if (auto checked = check_digest(layout / "blobs/sha256" / *hex, *hex); !checked) {
        return checked;
      }
      auto blob = load_json(layout / "blobs/sha256" / *hex);
      if (!blob) return std::unexpected(blob.error());
      if ((*blob)["manifests"]) {  // a nested index: the linux/amd64 image, else the first
        const YAML::Node* chosen = nullptr;
        for (const YAML::Node& inner : (*blob)["manifests"]) {
          const YAML::Node platform = inner["platform"];
          if (platform && platform["os"].as<std::string>("") == "linux" &&
              platform["architecture"].as<std::string>("") == "amd64") {
            return visit(inner, references);
          }
          if (chosen == nullptr) chosen = &inner;
        }
        if (chosen == nullptr) return fail(Errc::kCorrupt, str("index ", *hex, " is empty"));
        return visit(*chosen, references);
      }
      auto id = digest_hex((*blob)["config"]["digest"].as<std::string>());
      if (!id) return std::unexpected(id.error());
      ImageEntry entry{.id = *id,
                       .config = "blobs/sha256/" + *id,
                       .references = std::move(references),
                       .layers = {},
                       .layer_digests = {}};
      for (const YAML::Node& layer : (*blob)["layers"]) {
        auto layer_hex = digest_hex(layer["digest"].as<std::string>());
        if (!layer_hex) return std::unexpected(layer_hex.error());
        entry.layers.push_back("blobs/sha256/" + *layer_hex);
        entry.layer_digests.push_back(*layer_hex);
      }
      images.push_back(std::move(entry));
      return {};
    } catch (const YAML::Exception& error) {
      return fail(Errc::kCorrupt, str("OCI layout: ", error.what()));
    }
  };
  auto index = load_json(layout / "index.json");
  if (!index) return std::unexpected(index.error());
  if (!(*index)["manifests"]) return fail(Errc::kCorrupt, "index.json has no manifests");
  for (const YAML::Node& descriptor : (*index)["manifests"]) {
    if (auto visited = visit(descriptor, {}); !visited) return std::unexpected(visited.error());
  }
  return images;
}

// Applies a layer file, through `gzip -dc` when it starts with gzip's magic (RFC 1952).
Status apply_layer_file(const fs::path& file, const std::string& rootfs) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid())
    return fail(Errc::kNotFound, str("layer ", file.string(), ": ", std::strerror(errno)));
  unsigned char magic[4] = {};
  const ssize_t got = ::pread(fd.get(), magic, sizeof magic, 0);
  if (got >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    return fail(Errc::kInvalidArgument, str("layer ", file.string(), " is zstd: not supported"));
  }
  if (got < 2 || magic[0] != 0x1f || magic[1] != 0x8b) return apply_layer(fd.get(), rootfs);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return fail(Errc::kIo, "pipe for gzip");
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, fd.get(), 0);
  ::posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  char* argv[] = {const_cast<char*>("gzip"), const_cast<char*>("-dc"), nullptr};
  pid_t gzip = 0;
  const int spawned = ::posix_spawnp(&gzip, "gzip", &actions, nullptr, argv, environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return fail(Errc::kUnavailable, str("run gzip: ", std::strerror(spawned)));
  write_end.reset();
  Status applied = apply_layer(read_end.get(), rootfs);
  read_end.reset();  // a gzip still writing after an error gets EPIPE and ends
  int status = 0;
  ::waitpid(gzip, &status, 0);
  if (applied && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
    return fail(Errc::kCorrupt, str("gzip could not decompress layer ", file.string()));
  }
  return applied;
}

std::string tag_file_name(const std::string& reference) {
  std::string name;
  for (char c : reference) {
    if (c == '/') {
      name += "%2F";
    } else if (c == '%') {
      name += "%25";
    } else {
      name += c;
    }
  }
  return name;
}

}  // namespace

std::string normalize_reference(std::string reference) {
  for (std::string_view prefix : {"docker.io/library/", "docker.io/"}) {
    if (reference.starts_with(prefix)) {
      reference.erase(0, prefix.size());
      break;
    }
  }
  const std::size_t slash = reference.rfind('/');
  if (reference.find(':', slash == std::string::npos ? 0 : slash) == std::string::npos) {
    reference += ":latest";
  }
  return reference;
}

Result<std::vector<std::string>> ImageStore::import(const std::string& path) {
  std::error_code error;
  fs::path layout = path;
  std::optional<fs::path> unpacked;
  if (!fs::is_directory(path, error)) {
    // An archive: unpacked to a scratch directory in the store, safely (it is just a tar).
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid())
      return fail(Errc::kNotFound, str("image archive ", path, ": ", std::strerror(errno)));
    unpacked = fs::path(dir_) / str("import.", ::getpid());
    fs::remove_all(*unpacked, error);
    fs::create_directories(*unpacked, error);
    if (error) return fail(Errc::kIo, str("scratch ", unpacked->string(), ": ", error.message()));
    if (auto applied = apply_layer(fd.get(), unpacked->string()); !applied) {
      fs::remove_all(*unpacked, error);
      return fail(applied.error().code, str("image archive ", path, ": ", applied.error().message));
    }
    layout = *unpacked;
  }
  auto images = fs::exists(layout / "manifest.json") ? docker_images(layout) : oci_images(layout);
  std::vector<std::string> tagged;
  Status done;
  if (!images) done = std::unexpected(images.error());
  for (std::size_t i = 0; done && i < images->size(); ++i) {
    const ImageEntry& image = (*images)[i];
    done = unpack(image, layout.string());
    for (std::size_t r = 0; done && r < image.references.size(); ++r) {
      const std::string reference = normalize_reference(image.references[r]);
      done = tag(reference, image.id);
      tagged.push_back(reference);
    }
  }
  if (unpacked) fs::remove_all(*unpacked, error);
  if (!done) return std::unexpected(done.error());
  return tagged;
}

Status ImageStore::unpack(const ImageEntry& image, const std::string& layout) {
  for (const std::string& path : image.layers) {
    if (path.find("..") != std::string::npos || path.starts_with("/")) {
      return fail(Errc::kCorrupt, str("layer path '", path, "' leaves the layout"));
    }
  }
  if (auto checked = check_digest(fs::path(layout) / image.config, image.id); !checked) {
    return checked;
  }
  return add_image(image.id, [&](const std::string& rootfs) -> Status {
    for (std::size_t i = 0; i < image.layers.size(); ++i) {
      const fs::path layer = fs::path(layout) / image.layers[i];
      if (auto checked = check_digest(layer, image.layer_digests[i]); !checked) return checked;
      if (auto applied = apply_layer_file(layer, rootfs); !applied) return applied;
    }
    return {};
  });
}

Status ImageStore::add(const std::string& reference, const std::string& id,
                       const std::function<Status(const std::string& rootfs)>& fill) {
  if (auto added = add_image(id, fill); !added) return added;
  return tag(normalize_reference(reference), id);
}

Status ImageStore::add_image(const std::string& id,
                             const std::function<Status(const std::string& rootfs)>& fill) {
  if (id.empty() || id.find('/') != std::string::npos || id.starts_with(".")) {
    return fail(Errc::kInvalidArgument, str("image id '", id, "' cannot name a directory"));
  }
  const fs::path whole = fs::path(dir_) / "images" / id;
  std::error_code error;
  if (fs::exists(whole, error)) return {};  // content-addressed: already here means the same
  const fs::path partial = fs::path(dir_) / "images" / (id + ".partial");
  fs::remove_all(partial, error);
  fs::create_directories(partial / "rootfs", error);
  if (error)
    return fail(Errc::kIo, str("image directory ", partial.string(), ": ", error.message()));
  if (auto filled = fill((partial / "rootfs").string()); !filled) {
    fs::remove_all(partial, error);
    return filled;
  }
  fs::rename(partial, whole, error);
  if (error) return fail(Errc::kIo, str("finish image ", whole.string(), ": ", error.message()));
  return {};
}

Status ImageStore::tag(const std::string& reference, const std::string& id) {
  const fs::path tags = fs::path(dir_) / "tags";
  std::error_code error;
  fs::create_directories(tags, error);
  const fs::path file = tags / tag_file_name(reference);
  const fs::path partial = file.string() + ".partial";
  {
    std::ofstream out(partial);
    out << id << "\n";
    if (!out) return fail(Errc::kIo, str("write tag ", partial.string()));
  }
  fs::rename(partial, file, error);
  if (error) return fail(Errc::kIo, str("tag ", reference, ": ", error.message()));
  return {};
}

Result<std::string> ImageStore::rootfs(const std::string& reference) const {
  const std::string normal = normalize_reference(reference);
  std::ifstream in(fs::path(dir_) / "tags" / tag_file_name(normal));
  std::string id;
  if (!(in >> id)) return fail(Errc::kNotFound, str("no image tagged ", normal, " in ", dir_));
  const fs::path rootfs = fs::path(dir_) / "images" / id / "rootfs";
  if (!fs::is_directory(rootfs)) {
    return fail(Errc::kNotFound, str("image ", id, " of ", normal, " is missing from ", dir_));
  }
  return rootfs.string();
}

}  // namespace keel::real
