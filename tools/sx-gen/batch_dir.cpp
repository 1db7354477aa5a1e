#include "batch_dir.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "base/error.h"

namespace sx::gen {

BatchDir::BatchDir(std::string dir, std::uint64_t batch_size, std::string header, std::string ext)
    : dir_(std::move(dir)),
      batch_size_(batch_size),
      header_(std::move(header)),
      ext_(std::move(ext)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw io_error("cannot create directory " + dir_ + ": " + ec.message());
  if (!std::filesystem::is_directory(dir_, ec)) {
    throw io_error(dir_ + " is not a directory (give --batch-dir a directory path)");
  }
}

BatchDir::~BatchDir() {
  if (file_) {
    file_.reset();
    std::remove(name(true).c_str());
  }
}

std::string BatchDir::name(bool hidden) const {
  char base[40];
  std::snprintf(base, sizeof base, "%sbatch_%06llu%s", hidden ? "." : "",
                static_cast<unsigned long long>(index_), ext_.c_str());
  return dir_ + "/" + base;
}

void BatchDir::write(std::string_view line) {
  if (!file_) {
    file_ = Output::open_file(name(true));
    file_->write(header_);
  }
  file_->write(line);
  if (++lines_ == batch_size_) publish();
}

void BatchDir::finish() {
  if (file_) publish();
}

void BatchDir::publish() {
  file_->flush();
  file_.reset();
  const std::string hidden = name(true);
  const std::string visible = name(false);
  if (std::rename(hidden.c_str(), visible.c_str()) != 0) {
    throw io_error("cannot rename " + hidden + " to " + errno_text(visible));
  }
  ++index_;
  lines_ = 0;
}

}  // namespace sx::gen
