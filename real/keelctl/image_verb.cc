#include "real/keelctl/image_verb.h"

#include <filesystem>

#include "core/env/str.h"
#include "real/containers/image_store.h"
#include "real/keelctl/exit_code.h"
#include "real/posix_env.h"

namespace keel::real::keelctl {
namespace {

int run_image_import(const VerbCall& call) {
  const auto data_dir = call.line.last("data-dir");
  if (!data_dir) return usage_error(call, "--data-dir DIR is required (a keeld data directory)");
  std::error_code error;
  if (!std::filesystem::is_directory(*data_dir, error)) {
    return usage_error(call, str("--data-dir ", *data_dir, ": not a directory"));
  }
  const std::string& file = call.operands[0];
  if (!std::filesystem::exists(file, error)) {
    return usage_error(call, str(file, ": no such file or directory"));
  }
  ImageStore store(container_image_dir(*data_dir));
  auto references = store.import(file);
  if (!references) {
    // Some of the store's reasons name the archive, others only the entry inside it.
    const std::string& why = references.error().message;
    return report(call.err,
                  Error{references.error().code,
                        why.find(file) == std::string::npos ? str(file, ": ", why) : why});
  }
  for (const std::string& reference : *references)
    call.out << "Image " << reference << " imported\n";
  return kExitOk;
}

}  // namespace

std::vector<Verb> image_verbs() {
  return {{.name = "image import",
           .operands = "FILE --data-dir DIR",
           .summary = "import a docker-save or OCI image into a keeld data directory",
           .min_operands = 1,
           .max_operands = 1,
           .flags = {{.name = "data-dir", .takes_value = true, .help = "the keeld's --data-dir"}},
           .run = run_image_import}};
}

}  // namespace keel::real::keelctl
