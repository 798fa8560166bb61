// ImageStore: docker save archives and OCI layouts imported into the content-addressed cache,
// their layers applied in order with whiteouts, their tags resolved; bad input refused.
#include "real/containers/image_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/env/str.h"
#include "real/containers/sha256.h"
#include "real/containers/tar_builder.h"
#include "real/support/temp_dir.h"

namespace keel::real::testing {
namespace {

namespace fs = std::filesystem;

std::string sha256(std::string_view bytes) {
  Sha256 sha;
  sha.update(bytes);
  return sha.hex();
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string lower_layer() {
  return TarBuilder().file("etc/os", "lower\n").file("etc/gone", "x").file("bin/app", "v1").bytes();
}
std::string upper_layer() {
  return TarBuilder().file("etc/.wh.gone", "").file("bin/app", "v2").bytes();
}

// The layout `docker save` writes (before docker 25): manifest.json, <config id>.json and
// <layer>/layer.tar, the config listing each layer's sha256 as a diff_id.
struct DockerArchive {
  std::string config =
      str(R"({"rootfs":{"type":"layers","diff_ids":["sha256:)", sha256(lower_layer()),
          R"(","sha256:)", sha256(upper_layer()), R"("]}})");
  std::string id = sha256(config);
  std::string lower = lower_layer();

  std::string bytes() const {
    const std::string manifest =
        str(R"([{"Config":")", id, R"(.json","RepoTags":["app:1","docker.io/library/app:latest"],)",
            R"("Layers":["lower/layer.tar","upper/layer.tar"]}])");
    return TarBuilder()
        .file("manifest.json", manifest)
        .file(id + ".json", config)
        .file("lower/layer.tar", lower)
        .file("upper/layer.tar", upper_layer())
        .bytes();
  }
};

void check_app_rootfs(const std::string& rootfs) {
  EXPECT_EQ(read_text(fs::path(rootfs) / "etc/os"), "lower\n");
  EXPECT_EQ(read_text(fs::path(rootfs) / "bin/app"), "v2");
  EXPECT_FALSE(fs::exists(fs::path(rootfs) / "etc/gone"));
}

TEST(ImageStoreTest, ImportsADockerSaveArchive) {
  TempDir work, store_dir;
  const DockerArchive archive;
  write(work / "app.tar", archive.bytes());
  ImageStore store(store_dir.path());
  const auto tags = store.import(work / "app.tar");
  ASSERT_TRUE(tags) << tags.error().message;
  EXPECT_EQ(*tags, (std::vector<std::string>{"app:1", "app:latest"}));
  const auto rootfs = store.rootfs("app:1");
  ASSERT_TRUE(rootfs) << rootfs.error().message;
  EXPECT_EQ(*rootfs, str(store_dir.path(), "/images/", archive.id, "/rootfs"));
  check_app_rootfs(*rootfs);
  EXPECT_EQ(*store.rootfs("app"), *rootfs) << "no tag means latest";
  EXPECT_FALSE(fs::exists(fs::path(store_dir.path()) / "images" / (archive.id + ".partial")));
}

TEST(ImageStoreTest, AnImageAlreadyThereIsNotUnpackedAgain) {
  TempDir work, store_dir;
  write(work / "app.tar", DockerArchive().bytes());
  ImageStore store(store_dir.path());
  ASSERT_TRUE(store.import(work / "app.tar"));
  const fs::path marker = fs::path(*store.rootfs("app:1")) / "marker";
  write(marker, "still here");
  ASSERT_TRUE(store.import(work / "app.tar"));
  EXPECT_TRUE(fs::exists(marker)) << "the cached image was unpacked again";
}

TEST(ImageStoreTest, ImportsAnOciLayoutWithGzipLayers) {
  TempDir layout, store_dir;
  const fs::path blobs = fs::path(layout.path()) / "blobs/sha256";
  auto blob = [&](const std::string& bytes) {
    const std::string hex = sha256(bytes);
    write(blobs / hex, bytes);
    return hex;
  };
  write(fs::path(layout.path()) / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  const std::string lower = blob(lower_layer());
  write(fs::path(layout.path()) / "upper.tar", upper_layer());
  const std::string gzip = str("gzip -c ", layout / "upper.tar", " > ", layout / "upper.tar.gz");
  ASSERT_EQ(std::system(gzip.c_str()), 0);
  const std::string upper = blob(read_text(fs::path(layout.path()) / "upper.tar.gz"));
  const std::string config = blob("{}");
  const std::string manifest =
      blob(str(R"({"schemaVersion":2,"config":{"digest":"sha256:)", config, R"("},"layers":[)",
               R"({"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:)", lower,
               R"("},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:)",
               upper, R"("}]})"));
  write(fs::path(layout.path()) / "index.json",
        str(R"({"schemaVersion":2,"manifests":[{"digest":"sha256:)", manifest,
            R"(","annotations":{"org.opencontainers.image.ref.name":"web:2"}}]})"));
  ImageStore store(store_dir.path());
  const auto tags = store.import(layout.path());
  ASSERT_TRUE(tags) << tags.error().message;
  EXPECT_EQ(*tags, std::vector<std::string>{"web:2"});
  check_app_rootfs(*store.rootfs("web:2"));
  // A blob whose bytes are not what its name says is refused.
  write(blobs / lower, lower_layer() + std::string(512, '\0'));
  TempDir other_store;
  const auto tampered = ImageStore(other_store.path()).import(layout.path());
  ASSERT_FALSE(tampered);
  EXPECT_EQ(tampered.error().code, Errc::kCorrupt);
  EXPECT_NE(tampered.error().message.find("not the " + lower), std::string::npos)
      << tampered.error().message;
}

TEST(ImageStoreTest, BadInputIsRefusedAndLeavesNoImage) {
  TempDir work, store_dir;
  ImageStore store(store_dir.path());
  EXPECT_EQ(store.import(work / "missing.tar").error().code, Errc::kNotFound);
  write(work / "bad-digest.tar",
        TarBuilder().file("manifest.json", R"([{"Config":"short.json","Layers":[]}])").bytes());
  const auto bad = store.import(work / "bad-digest.tar");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::kCorrupt);
  EXPECT_NE(bad.error().message.find("not sha256"), std::string::npos) << bad.error().message;

  DockerArchive tampered;
  tampered.lower += std::string(512, '\0');  // no longer the diff_id the config lists
  write(work / "tampered.tar", tampered.bytes());
  const auto refused = store.import(work / "tampered.tar");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("layer.tar has sha256"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(fs::exists(fs::path(store_dir.path()) / "images" / tampered.id));
  EXPECT_EQ(store.rootfs("app:1").error().code, Errc::kNotFound);

  const std::string config =
      str(R"({"rootfs":{"diff_ids":["sha256:)", sha256(lower_layer()), R"("]}})");
  write(work / "escape.tar",
        TarBuilder()
            .file("manifest.json", str(R"([{"Config":")", sha256(config),
                                       R"(.json","Layers":["../../etc/passwd"]}])"))
            .file(sha256(config) + ".json", config)
            .bytes());
  EXPECT_NE(store.import(work / "escape.tar").error().message.find("leaves the layout"),
            std::string::npos);
}

TEST(ImageStoreTest, ReferencesAreNormalised) {
  EXPECT_EQ(normalize_reference("busybox"), "busybox:latest");
  EXPECT_EQ(normalize_reference("busybox:1.36"), "busybox:1.36");
  EXPECT_EQ(normalize_reference("docker.io/library/busybox:1"), "busybox:1");
  EXPECT_EQ(normalize_reference("docker.io/me/app"), "me/app:latest");
  EXPECT_EQ(normalize_reference("registry:5000/team/app"), "registry:5000/team/app:latest");
}

}  // namespace
}  // namespace keel::real::testing
