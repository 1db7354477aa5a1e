#include "sink/dir_publish.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "io/checkpoint_file.h"
#include "io/fs.h"

namespace sx {

namespace {

// "OUT/p=a is a symbolic link ...": sx-sink never writes through a link (or
// into anything but a real directory) below --path, where a planted link
// would send records elsewhere.
[[noreturn]] void refuse_non_dir(const std::string& path) {
  struct stat st;
  std::string what = "is not a directory";
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char target[4096];
    const ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
    what =
        "is a symbolic link" +
        (n > 0 ? " (to " + std::string(target, static_cast<std::size_t>(n)) + ")" : std::string());
  }
  throw io_error(path + " " + what +
                 ": sx-sink never follows a link below the --path directory, where it could "
                 "lead records outside it; remove " +
                 path +
                 " and run again (sx-sink makes "
                 "the folders it needs, and publishes an epoch already committed)");
}

// Opens the folder `rel` ("a=1/b=x"; "" for `base` itself) below `base`,
// creating what is missing, without following a symbolic link at any level
// below `base` (base, the user's --path, may be one): each level is opened
// with openat(O_NOFOLLOW | O_DIRECTORY) from the one above. Adds the paths of
// `base` and of the folders to *dirs (to fsync). Returns a descriptor (the
// caller closes it).
int open_folder_below(const std::string& base, std::string_view rel, std::set<std::string>* dirs) {
  int fd = ::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw io_error(errno_text("cannot open output directory " + base));
  dirs->insert(base);
  std::string path = base;
  for (std::size_t start = 0; start < rel.size();) {
    const std::size_t slash = std::min(rel.find('/', start), rel.size());
    const std::string name(rel.substr(start, slash - start));
    start = slash + 1;
    path += "/" + name;
    if (::mkdirat(fd, name.c_str(), 0777) != 0 && errno != EEXIST) {
      ::close(fd);
      throw io_error(errno_text("cannot create output directory " + path));
    }
    const int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const int err = errno;
    ::close(fd);
    if (next < 0) {
      if (err == ELOOP || err == ENOTDIR) refuse_non_dir(path);
      errno = err;
      throw io_error(errno_text("cannot open output directory " + path));
    }
    fd = next;
    dirs->insert(path);
  }
  return fd;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// The epoch a snapshot directory's _epoch marker names; -1 when it has none.
std::int64_t snapshot_epoch(const std::string& dir) {
  const int fd = ::open((dir + "/_epoch").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[32];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 0) return -1;
  std::int64_t epoch = -1;
  const auto r = std::from_chars(buf, buf + n, epoch);
  return r.ec == std::errc() ? epoch : -1;
}

// Complete mode: replaces OUT/current with FROM/snapshot, epoch N's table.
void swap_in(const std::string& out, const std::string& from, std::int64_t epoch,
             bool rename_exchange) {
  const std::string snap = from + "/snapshot";
  const std::string cur = out + "/current";
  // Swapped before a crash: OUT/current is N's table, FROM/snapshot (if
  // there) the old one, which must not come back.
  struct stat st;
  if (::lstat(cur.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) refuse_non_dir(cur);
  if (snapshot_epoch(cur) == epoch || snapshot_epoch(snap) != epoch) return;
  if (!exists(cur)) {
    rename_path(snap, cur);
  } else if (rename_exchange &&
             ::renameat2(AT_FDCWD, snap.c_str(), AT_FDCWD, cur.c_str(), RENAME_EXCHANGE) == 0) {
    // One step: the old table is now FROM/snapshot.
  } else if (!rename_exchange || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
    rename_path(cur, from + "/old");
    rename_path(snap, cur);
  } else {
    throw io_error(errno_text("cannot exchange " + snap + " with " + cur));
  }
  sync_dir(out);
  fault_point("mid-publish");
}

}  // namespace

std::string part_name(std::int64_t epoch, bool zstd) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "part-%08lld.ndjson%s", static_cast<long long>(epoch),
                zstd ? ".zst" : "");
  return buf;
}

void make_real_dir(const std::string& path) {
  make_dir(path, "output directory");
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) throw io_error(errno_text("cannot read " + path));
  if (!S_ISDIR(st.st_mode)) refuse_non_dir(path);
}

void make_parents(const std::string& base, std::string_view rel, std::set<std::string>* dirs) {
  dirs->insert(base);
  for (std::size_t slash = rel.find('/'); slash != std::string_view::npos;
       slash = rel.find('/', slash + 1)) {
    std::string dir = base + "/" + std::string(rel.substr(0, slash));
    make_dir(dir, "output directory");
    dirs->insert(std::move(dir));
  }
}

void publish_epoch(const std::string& out, std::int64_t epoch, const DirCommit& commit,
                   bool rename_exchange) {
  const std::string staging = out + "/_staging";
  const std::string from = staging + "/epoch-" + std::to_string(epoch);
  if (commit.files.empty()) return;  // complete: an epoch without records keeps the table
  if (commit.mode == SinkMode::kComplete) {
    swap_in(out, from, epoch, rename_exchange);
  } else {
    std::set<std::string> dirs;
    std::unordered_map<std::string, int> folders;  // rel folder -> descriptor
    struct Closer {
      std::unordered_map<std::string, int>& m;
      ~Closer() {
        for (const auto& [rel, fd] : m) ::close(fd);
      }
    } closer{folders};
    bool first = true;
    for (const auto& [staged, final_path] : commit.files) {
      // Into the folder opened level by level without following links
      // (a planted OUT/p=a -> /elsewhere is refused, not written through).
      const std::size_t slash = final_path.rfind('/');
      const std::string rel = slash == std::string::npos ? "" : final_path.substr(0, slash);
      const std::string name = final_path.substr(slash == std::string::npos ? 0 : slash + 1);
      auto it = folders.find(rel);
      if (it == folders.end()) it = folders.emplace(rel, open_folder_below(out, rel, &dirs)).first;
      const std::string src = staging + "/" + staged;
      if (exists(src) && ::renameat(AT_FDCWD, src.c_str(), it->second, name.c_str()) != 0) {
        throw io_error(errno_text("cannot rename " + src + " to " + out + "/" + final_path));
      }
      if (first) {
        first = false;
        fault_point("mid-publish");
      }
    }
    for (const auto& d : dirs) sync_dir(d);
  }
  if (exists(from)) remove_tree(from);
}

std::int64_t recover_output(const std::string& out, const CheckpointDir& ckpt,
                            const Fingerprint& settings, bool rename_exchange) {
  const std::string staging = out + "/_staging";
  const std::int64_t committed = ckpt.last_committed();
  make_dir(out, "output directory");
  make_real_dir(staging);
  if (committed >= 0) {
    if (const auto c = ckpt.read_commit(committed)) {
      const std::string what = ckpt.dir() + "/_commits/" + std::to_string(committed);
      const DirCommit commit = decode_dir_commit(c->payload, "commit " + what);
      check_fingerprint(what, CheckpointMeta{c->meta.writer, committed, commit.settings}, settings,
                        ckpt.dir());
      publish_epoch(out, committed, commit, rename_exchange);
    }
  }
  // Whatever else is staged belongs to no commit.
  std::vector<std::string> stale;
  if (DIR* d = ::opendir(staging.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") stale.push_back(staging + "/" + name);
    }
    ::closedir(d);
  }
  for (const auto& path : stale) remove_tree(path);
  return committed;
}

}  // namespace sx
