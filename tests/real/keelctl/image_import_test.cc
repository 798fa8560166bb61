// keelctl image import FILE --data-dir DIR (issue 8): a docker-save archive built by the test is
// imported into a keeld data directory's ImageStore, where keeld finds it by name:tag; a missing
// flag, a data directory that is not one, a missing file and a corrupt archive are refused with a
// reason. No cluster and no root needed: the verb works on the local disk.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/env/str.h"
#include "real/containers/image_store.h"
#include "real/containers/sha256.h"
#include "real/containers/tar_builder.h"
#include "real/keelctl/exit_code.h"
#include "real/posix_env.h"
#include "real/support/keelctl_run.h"
#include "real/support/temp_dir.h"

namespace keel::real::keelctl {
namespace {

namespace fs = std::filesystem;
using keel::real::keelctl::testing::keelctl;
using keel::real::keelctl::testing::KeelctlRun;
using keel::real::testing::TarBuilder;
using keel::real::testing::TempDir;

std::string sha256(std::string_view bytes) {
  Sha256 sha;
  sha.update(bytes);
  return sha.hex();
}

// A one-layer `docker save` archive tagged hello:1: manifest.json, <config id>.json whose diff_ids
// name the layer, and layer/layer.tar. `spoil` changes the layer after the config named it.
std::string docker_archive(bool spoil = false) {
  const std::string layer = TarBuilder().file("bin/hello", "hello\n", 0755).bytes();
  const std::string config =
      str(R"({"rootfs":{"type":"layers","diff_ids":["sha256:)", sha256(layer), R"("]}})");
  const std::string id = sha256(config);
  return TarBuilder()
      .file("manifest.json", str(R"([{"Config":")", id,
                                 R"(.json","RepoTags":["hello:1"],"Layers":["layer/layer.tar"]}])"))
      .file(id + ".json", config)
      .file("layer/layer.tar", spoil ? TarBuilder().file("bin/hello", "evil\n").bytes() : layer)
      .bytes();
}

std::string write(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(ImageImportTest, ImportsADockerSaveArchiveIntoADataDirectory) {
  TempDir dir;
  const std::string data_dir = dir / "n1.keeld";
  fs::create_directories(data_dir);
  const std::string archive = write(dir / "hello.tar", docker_archive());

  const KeelctlRun run = keelctl({"image", "import", archive, "--data-dir", data_dir});
  EXPECT_EQ(run.code, kExitOk) << run.err;
  EXPECT_EQ(run.out, "Image hello:1 imported\n");
  EXPECT_EQ(run.err, "");

  auto rootfs = ImageStore(container_image_dir(data_dir)).rootfs("hello:1");
  ASSERT_TRUE(rootfs.has_value()) << rootfs.error().message;
  std::ifstream in(fs::path(*rootfs) / "bin/hello");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "hello\n");

  // Importing again unpacks nothing new and tags the same image.
  EXPECT_EQ(keelctl({"image", "import", archive, "--data-dir", data_dir}).out,
            "Image hello:1 imported\n");
}

TEST(ImageImportTest, RefusesBadArguments) {
  TempDir dir;
  const std::string archive = write(dir / "hello.tar", docker_archive());

  const KeelctlRun no_dir = keelctl({"image", "import", archive});
  EXPECT_EQ(no_dir.code, kExitUsage);
  EXPECT_TRUE(no_dir.err.starts_with("Error: --data-dir DIR is required")) << no_dir.err;

  const std::string missing = dir / "nowhere";
  const KeelctlRun bad_dir = keelctl({"image", "import", archive, "--data-dir", missing});
  EXPECT_EQ(bad_dir.code, kExitUsage);
  EXPECT_TRUE(bad_dir.err.starts_with(str("Error: --data-dir ", missing, ": not a directory")))
      << bad_dir.err;
  EXPECT_FALSE(fs::exists(missing));

  const std::string ghost = dir / "ghost.tar";
  const KeelctlRun no_file = keelctl({"image", "import", ghost, "--data-dir", dir.path()});
  EXPECT_EQ(no_file.code, kExitUsage);
  EXPECT_TRUE(no_file.err.starts_with(str("Error: ", ghost, ": no such file"))) << no_file.err;

  const KeelctlRun operands = keelctl({"image", "import", "--data-dir", dir.path()});
  EXPECT_EQ(operands.code, kExitUsage);
}

TEST(ImageImportTest, RefusesAnArchiveThatIsNotOne) {
  TempDir dir;
  const std::string junk = write(dir / "junk.tar", "junk");
  const KeelctlRun run = keelctl({"image", "import", junk, "--data-dir", dir.path()});
  EXPECT_EQ(run.code, kExitFailure);
  EXPECT_TRUE(run.err.starts_with(str("Error: image archive ", junk, ": "))) << run.err;
}

TEST(ImageImportTest, RefusesAnArchiveWhoseLayerDoesNotMatchItsDigest) {
  TempDir dir;
  const std::string archive = write(dir / "spoiled.tar", docker_archive(/*spoil=*/true));
  const KeelctlRun run = keelctl({"image", "import", archive, "--data-dir", dir.path()});
  EXPECT_EQ(run.code, kExitFailure);
  EXPECT_TRUE(run.err.starts_with(str("Error: ", archive, ": layer.tar has sha256 "))) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_FALSE(ImageStore(container_image_dir(dir.path())).rootfs("hello:1").has_value());
}

}  // namespace
}  // namespace keel::real::keelctl
