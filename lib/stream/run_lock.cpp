#include "stream/run_lock.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "base/error.h"
#include "base/signals.h"
#include "io/fs.h"
#include "stream/checkpoint.h"

namespace sx {

namespace {

// The pid holding a write lock on `fd`'s file, 0 when none (or unknown).
pid_t holder(int fd) {
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (::fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK) return 0;
  return fl.l_pid;
}

std::string held_message(const std::string& path, pid_t pid) {
  return "another run of this pipeline holds " + path +
         (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) +
         "; wait for it to finish, or pass --wait-lock to every stage to wait for it (the lock "
         "ends with its process, so none is ever left behind)";
}

}  // namespace

RunLock::RunLock(const std::string& checkpoint, const std::string& stage, bool wait, bool committer)
    : wait_(wait) {
  if (checkpoint.empty()) return;
  const CheckpointDir dir(checkpoint, stage);  // creates the folders, checks the name
  lock_file(checkpoint + "/" + stage + "/LOCK");
  if (committer) lock_file(checkpoint + "/_commits/LOCK");
  // Another run still going: a lock in another folder held outside this
  // process group.
  std::vector<std::string> others;
  if (DIR* d = ::opendir(checkpoint.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == ".." || name == stage || (committer && name == "_commits")) {
        continue;
      }
      others.push_back(checkpoint + "/" + name + "/LOCK");
    }
    ::closedir(d);
  }
  for (const auto& path : others) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    for (int gone = 0;;) {
      const pid_t pid = holder(fd);
      if (pid == 0) break;
      const pid_t group = ::getpgid(pid);
      if (group == ::getpgrp()) break;
      // The holder ended between the two calls (a stage of this pipeline
      // that finished its input before this one started): look again.
      if (group < 0 && errno == ESRCH && ++gone < 100) continue;
      if (!wait_) {
        ::close(fd);
        throw locked_error(held_message(path, pid));
      }
      if (interrupted()) {
        ::close(fd);
        throw interrupted_error();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::close(fd);
  }
}

RunLock::~RunLock() {
  for (const int fd : fds_) ::close(fd);
}

void RunLock::lock_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) throw io_error(errno_text("cannot open the lock file " + path));
  fds_.push_back(fd);
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  while (::fcntl(fd, wait_ ? F_SETLKW : F_SETLK, &fl) != 0) {
    if (errno == EINTR) {
      if (interrupted()) throw interrupted_error();
      continue;
    }
    if (errno == EACCES || errno == EAGAIN) throw locked_error(held_message(path, holder(fd)));
    throw io_error(errno_text("cannot lock " + path));
  }
}

void RunLock::lock_directory(const std::string& path) {
  make_dir(path, "output directory");
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw io_error(errno_text("cannot open output directory " + path));
  fds_.push_back(fd);
  while (::flock(fd, LOCK_EX | (wait_ ? 0 : LOCK_NB)) != 0) {
    if (errno == EINTR) {
      if (interrupted()) throw interrupted_error();
      continue;
    }
    if (errno == EWOULDBLOCK) {
      throw locked_error("another sx-sink is writing to the output directory " + path +
                         " (it is locked); wait for it to finish, or pass --wait-lock to wait "
                         "for it; two pipelines cannot share one --path directory");
    }
    throw io_error(errno_text("cannot lock output directory " + path));
  }
}

}  // namespace sx
