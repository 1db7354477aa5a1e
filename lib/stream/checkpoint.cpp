#include "stream/checkpoint.h"

#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <vector>

#include "base/error.h"
#include "io/fs.h"

namespace sx {

namespace {

// The epochs N of the files named N in `folder` (other names are ignored:
// temp files of an interrupted write start with '.').
std::vector<std::int64_t> epochs_in(const std::string& folder) {
  std::vector<std::int64_t> out;
  DIR* d = ::opendir(folder.c_str());
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    std::int64_t n;
    auto r = std::from_chars(name.data(), name.data() + name.size(), n);
    if (r.ec == std::errc() && r.ptr == name.data() + name.size() && n >= 0) out.push_back(n);
  }
  ::closedir(d);
  return out;
}

const char* const kCommits = "_commits";

}  // namespace

CheckpointDir::CheckpointDir(std::string dir, std::string stage)
    : dir_(std::move(dir)), stage_(std::move(stage)) {
  if (stage_.empty() || stage_.find('/') != std::string::npos || stage_[0] == '.' ||
      stage_[0] == '_') {
    throw usage_error("--name '" + stage_ +
                      "' must be a plain name (no '/', not starting with '.' or '_')");
  }
  make_dir(dir_, "checkpoint directory");
  make_dir(dir_ + "/" + stage_, "checkpoint directory");
  make_dir(dir_ + "/" + kCommits, "checkpoint directory");
}

std::int64_t CheckpointDir::last_committed() const {
  std::int64_t best = -1;
  for (const std::int64_t n : epochs_in(dir_ + "/" + kCommits)) best = std::max(best, n);
  return best;
}

std::string CheckpointDir::path_of(std::int64_t epoch) const {
  return dir_ + "/" + stage_ + "/" + std::to_string(epoch);
}

void CheckpointDir::write(std::int64_t epoch, const Fingerprint& fingerprint,
                          std::string_view payload) {
  write_checkpoint_file(path_of(epoch), CheckpointMeta{stage_, epoch, fingerprint}, payload,
                        kCompressionLevel, Durability::kAtCommit);
  prune(dir_ + "/" + stage_, last_committed());
}

std::optional<CheckpointFile> CheckpointDir::read(std::int64_t epoch) const {
  return read_checkpoint_file(path_of(epoch));
}

namespace {
bool part_name(std::string_view name) {
  return !name.empty() &&
         ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')) &&
         name.find('/') == std::string_view::npos;
}
}  // namespace

void CheckpointDir::write_part(const std::string& name, const CheckpointMeta& meta,
                               std::string_view payload, int level) const {
  write_checkpoint_file(dir_ + "/" + stage_ + "/" + name, meta, payload, level,
                        Durability::kAtCommit);
}

std::optional<CheckpointFile> CheckpointDir::read_part(const std::string& name) const {
  if (!part_name(name)) {
    throw data_error("checkpoint " + dir_ + "/" + stage_ + " names a part '" + name +
                     "' that is not a plain name; start over with sx-read --reset");
  }
  return read_checkpoint_file(dir_ + "/" + stage_ + "/" + name);
}

std::vector<std::string> CheckpointDir::parts() const {
  std::vector<std::string> out;
  DIR* d = ::opendir((dir_ + "/" + stage_).c_str());
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    // LOCK is the stage's lock file (run_lock.h), not a part.
    if (part_name(e->d_name) && std::string_view(e->d_name) != "LOCK") out.emplace_back(e->d_name);
  }
  ::closedir(d);
  return out;
}

void CheckpointDir::remove_part(const std::string& name) const {
  ::unlink((dir_ + "/" + stage_ + "/" + name).c_str());
}

void CheckpointDir::commit(std::int64_t epoch, std::string_view payload) {
  // Group commit: the stages wrote their files for this epoch (and earlier)
  // before the epoch record reached the sink, without syncing them; one
  // syncfs makes all of them durable before the commit that points at them.
  sync_file_system(dir_);
  write_checkpoint_file(dir_ + "/" + kCommits + "/" + std::to_string(epoch),
                        CheckpointMeta{stage_, epoch, {}}, payload);
  prune(dir_ + "/" + kCommits, epoch);
}

void CheckpointDir::check_follows(std::int64_t epoch, std::int64_t committed) const {
  if (epoch == committed + 1) return;
  const std::string n = std::to_string(epoch);
  if (epoch <= committed) {
    throw data_error(
        "epoch " + n + " is already committed in " + dir_ + " (the newest commit is epoch " +
        std::to_string(committed) +
        "): the stream started over instead of going on after it. sx-read probably has no "
        "--checkpoint (or another directory), so every run starts at epoch 0: give sx-read "
        "and every stage the same --checkpoint " +
        dir_ +
        ". A directory whose commits were made that way holds no sx-read position to go on "
        "from: start over by removing the output and running sx-read --checkpoint " +
        dir_ + " --reset");
  }
  throw data_error("epoch " + n + " does not follow the newest commit in " + dir_ + " (" +
                   (committed < 0 ? std::string("none: epoch 0 expected")
                                  : "epoch " + std::to_string(committed) + ": epoch " +
                                        std::to_string(committed + 1) + " expected") +
                   "): the stages upstream resumed from another checkpoint, so epochs would be "
                   "missing here; give every stage the same --checkpoint " +
                   dir_ +
                   ", or start over by removing the output and running sx-read --checkpoint " +
                   dir_ + " --reset");
}

std::optional<CheckpointFile> CheckpointDir::read_commit(std::int64_t epoch) const {
  return read_checkpoint_file(dir_ + "/" + kCommits + "/" + std::to_string(epoch));
}

void CheckpointDir::prune(const std::string& folder, std::int64_t keep_from) const {
  if (keep_from < 0) return;
  for (const std::int64_t n : epochs_in(folder)) {
    if (n < keep_from) ::unlink((folder + "/" + std::to_string(n)).c_str());
  }
}

void CheckpointDir::reset(const std::string& dir) {
  // Only what sx writes: the commit log and the stages' folders of epoch files
  // (sx-read holds its lock, so no other run is going).
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> folders;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") folders.push_back(dir + "/" + name);
  }
  ::closedir(d);
  for (const auto& folder : folders) {
    DIR* f = ::opendir(folder.c_str());
    if (!f) continue;
    std::vector<std::string> files;
    while (const dirent* e = ::readdir(f)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") files.push_back(folder + "/" + name);
    }
    ::closedir(f);
    // LOCK files stay (run_lock.h): the stages of this run hold them already,
    // and a folder that keeps one is not removed.
    for (const auto& file : files) {
      if (!file.ends_with("/LOCK")) ::unlink(file.c_str());
    }
    ::rmdir(folder.c_str());
  }
}

StageCheckpoint::StageCheckpoint(const std::string& dir, const std::string& stage,
                                 Fingerprint fingerprint)
    : dir_(dir, stage), fingerprint_(std::move(fingerprint)) {}

std::optional<std::string> StageCheckpoint::load() {
  const std::int64_t c = dir_.last_committed();
  if (c < 0) return std::nullopt;
  auto file = dir_.read(c);
  const std::string path = dir_.dir() + "/" + dir_.stage() + "/" + std::to_string(c);
  if (!file) {
    throw data_error("checkpoint " + dir_.dir() + ": epoch " + std::to_string(c) +
                     " is committed but " + dir_.stage() + "'s state for it (" + path +
                     ") is missing; was it written with another --name, or is this stage new "
                     "in the pipeline? Start over with sx-read --reset");
  }
  check_fingerprint(path, file->meta, fingerprint_, dir_.dir());
  resumed_ = c;
  return std::move(file->payload);
}

void StageCheckpoint::save(std::int64_t epoch, std::string_view payload,
                           const std::vector<std::string>& parts) {
  if (!wants(epoch)) return;
  dir_.write(epoch, fingerprint_, payload);
  if (parts.empty() && uses_.empty() && !listed_) return;  // a stage without parts
  uses_[epoch] = parts;
  collect_parts();
}

void StageCheckpoint::save_part(const std::string& name, std::int64_t epoch,
                                std::string_view payload, int level) {
  dir_.write_part(name, CheckpointMeta{dir_.stage(), epoch, fingerprint_}, payload, level);
  on_disk_.insert(name);
}

std::string StageCheckpoint::load_part(const std::string& name) {
  auto file = dir_.read_part(name);
  const std::string path = dir_.dir() + "/" + dir_.stage() + "/" + name;
  if (!file) {
    throw data_error("checkpoint " + dir_.dir() + ": epoch " + std::to_string(resumed_) + " of " +
                     dir_.stage() + " uses " + path +
                     ", which is missing; restore it, or "
                     "start over with sx-read --reset");
  }
  check_fingerprint(path, file->meta, fingerprint_, dir_.dir());
  uses_[resumed_].push_back(name);
  return std::move(file->payload);
}

// Removes the parts that no epoch a restart could resume from uses: those
// from the newest committed epoch on (the epochs before it are pruned too).
// Parts of an interrupted run that nothing lists are found by listing the
// folder once.
void StageCheckpoint::collect_parts() {
  if (!listed_) {
    for (auto& name : dir_.parts()) on_disk_.insert(std::move(name));
    listed_ = true;
  }
  const std::int64_t committed = dir_.last_committed();
  uses_.erase(uses_.begin(), uses_.lower_bound(committed));
  std::set<std::string> used;
  for (const auto& [epoch, names] : uses_) used.insert(names.begin(), names.end());
  for (auto it = on_disk_.begin(); it != on_disk_.end();) {
    if (used.count(*it)) {
      ++it;
    } else {
      dir_.remove_part(*it);
      it = on_disk_.erase(it);
    }
  }
}

}  // namespace sx
