// ImageStore: container images unpacked once into a content-addressed cache, named by
// reference (name:tag). Under the store's directory:
//   images/<id>/rootfs   an image's layers applied in order (layer_unpacker.h); <id> is the hex
//                        digest of the image's config, as docker and OCI name an image
//   tags/<reference>     the id a reference names ('/' written as %2F)
// An image is unpacked into images/<id>.partial and renamed when whole, so a crash leaves no
// half image under its id; importing an id already present unpacks nothing.
//
// Imports `docker save` archives (manifest.json: Config, RepoTags, Layers) and OCI image layouts
// (oci-layout, index.json, blobs/sha256/), each as a tar file or as a directory. Layers are plain
// tar or gzip (decompressed by the host's gzip). Every blob is checked against its digest: the
// config against the image id, OCI blobs against their names, docker's layers against the
// config's diff_ids.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/env/error.h"

namespace keel::real {

struct ImageEntry;  // one image of an archive (image_store.cc)

class ImageStore {
 public:
  explicit ImageStore(std::string dir) : dir_(std::move(dir)) {}

  // Imports every image of the archive or layout at `path`; returns the references tagged.
  Result<std::vector<std::string>> import(const std::string& path);

  // Adds an image built by `fill` (given an empty rootfs directory) under `id`, tagged
  // `reference`; when `id` is already present, only tags it.
  Status add(const std::string& reference, const std::string& id,
             const std::function<Status(const std::string& rootfs)>& fill);

  // The rootfs of the image a reference names. kNotFound when no such tag.
  Result<std::string> rootfs(const std::string& reference) const;

  const std::string& dir() const { return dir_; }

 private:
  Status tag(const std::string& reference, const std::string& id);
  Status add_image(const std::string& id,
                   const std::function<Status(const std::string& rootfs)>& fill);
  Status unpack(const ImageEntry& image, const std::string& layout);

  std::string dir_;
};

// "busybox" -> "busybox:latest"; "docker.io/library/busybox:1" -> "busybox:1" (Docker Hub's
// default registry and namespace dropped, as docker shows them).
std::string normalize_reference(std::string reference);

}  // namespace keel::real
