#include "source/source.h"

#include "source/file_source.h"

namespace sx {

std::unique_ptr<Source> make_source(SourceOptions options, Output& out) {
  return std::make_unique<FileSource>(std::move(options), out);
}

}  // namespace sx
