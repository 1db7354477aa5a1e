#include "dir_sink.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "checkpoint_file.h"
#include "error.h"

namespace sx {

namespace {

void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0777) != 0 && errno != EEXIST) {
    throw io_error(errno_text("cannot create output directory " + path));
  }
}

void sync_dir(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) throw io_error(errno_text("cannot open directory " + path));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw io_error(errno_text("cannot sync directory " + path));
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string part_name(std::int64_t epoch) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "part-%08lld.ndjson", static_cast<long long>(epoch));
  return buf;
}

}  // namespace

DirSinkOperator::DirSinkOperator(const std::string& path, CheckpointDir& ckpt, Output& out)
    : Operator(out), path_(path), ckpt_(ckpt), committed_(ckpt.last_committed()) {
  make_dir(path_);
  make_dir(path_ + "/_staging");
  // Recovery: roll the newest commit forward, then drop uncommitted files.
  if (committed_ >= 0) {
    const auto c = ckpt_.read_commit(committed_);
    if (c) {
      PayloadReader r(c->payload, ckpt_.dir() + "/_commits/" + std::to_string(committed_));
      for (std::size_t n = r.get_count(8); n > 0; --n) {
        const std::string name(r.get_string());
        const std::string staged = path_ + "/_staging/" + name;
        if (exists(staged) && ::rename(staged.c_str(), (path_ + "/" + name).c_str()) != 0) {
          throw io_error(errno_text("cannot publish " + staged));
        }
      }
      sync_dir(path_);
    }
  }
  std::vector<std::string> stale;
  if (DIR* d = ::opendir((path_ + "/_staging").c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") stale.push_back(path_ + "/_staging/" + name);
    }
    ::closedir(d);
  }
  for (const auto& f : stale) ::unlink(f.c_str());
}

DirSinkOperator::~DirSinkOperator() = default;

void DirSinkOperator::on_record(const Line& line, const std::string&) {
  if (!staged_) {
    // Named by the epoch at its commit; staged under a provisional name.
    staged_path_ = path_ + "/_staging/.open.ndjson";
    staged_ = Output::open_file(staged_path_);
  }
  staged_->write_line(line.text);
  if (++records_ == 1000) fault_point("mid-output");
}

void DirSinkOperator::on_control(const Control& control, std::string_view) {
  if (control.type == ControlType::kEpoch) commit(control.epoch);
}

void DirSinkOperator::commit(std::int64_t epoch) {
  if (epoch <= committed_) {
    // Committed by an earlier run (the source replayed it): already visible.
    if (staged_) {
      staged_.reset();
      ::unlink(staged_path_.c_str());
    }
    return;
  }
  PayloadWriter w;
  std::string name;
  if (staged_) {
    staged_->sync();  // flush + fsync
    staged_.reset();
    name = part_name(epoch);
    const std::string staged = path_ + "/_staging/" + name;
    if (::rename(staged_path_.c_str(), staged.c_str()) != 0) {
      throw io_error(errno_text("cannot stage " + staged));
    }
    sync_dir(path_ + "/_staging");
    w.put_u64(1);
    w.put_string(name);
  } else {
    w.put_u64(0);
  }
  ckpt_.commit(epoch, w.bytes());
  fault_point("commit-before-publish");
  committed_ = epoch;
  if (!name.empty()) {
    const std::string staged = path_ + "/_staging/" + name;
    if (::rename(staged.c_str(), (path_ + "/" + name).c_str()) != 0) {
      throw io_error(errno_text("cannot publish " + staged));
    }
    sync_dir(path_);
  }
}

void DirSinkOperator::on_end() {
  // Records after the last epoch record belong to no committed epoch: they
  // are not made visible (a replay brings them again with their epoch).
  if (staged_) {
    staged_.reset();
    ::unlink(staged_path_.c_str());
  }
}

}  // namespace sx
