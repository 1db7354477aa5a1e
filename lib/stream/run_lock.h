// One writer per checkpoint (sx(7), CHECKPOINTS, "One run at a time"): every
// stage of a checkpointed pipeline holds a lock on what it writes for its
// whole run, so that two overlapping runs (cron fired while the last run is
// still going) cannot interleave their epochs.
//
//   DIR/<stage>/LOCK   each stage's folder (a POSIX record lock, fcntl F_SETLK,
//                      which the kernel releases when the process ends: no
//                      stale lock survives a crash; F_GETLK names the holder)
//   DIR/_commits/LOCK  the committer's (sx-sink's) commit log
//   OUT                the --path directory itself (flock on its descriptor)
//
// A stage also looks at the other stages' LOCK files in DIR: one held by a
// process outside its own process group (the shell puts the stages of one
// pipeline in one group) belongs to another run that is still going, for
// example the sink of the previous cron run while its sx-read has already
// finished; the stage then stops (or waits) too, before it writes anything.
#pragma once

#include <string>
#include <vector>

namespace sx {

class RunLock {
 public:
  // Nothing when `checkpoint` is empty. Else locks `checkpoint`/`stage`/LOCK
  // (creating the folders; `stage` must be a plain name, else usage_error),
  // and with `committer` DIR/_commits/LOCK too, then checks the other
  // stages' locks (above). When another run holds one: waits for it with
  // `wait` (--wait-lock; a signal ends the wait: Error kInterrupted), else
  // throws Error kLocked (exit status 75) naming the lock and its pid.
  RunLock(const std::string& checkpoint, const std::string& stage, bool wait,
          bool committer = false);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  // Locks the directory `path` (sx-sink --path; created when missing) for
  // this run, with the same waiting rule.
  void lock_directory(const std::string& path);

 private:
  void lock_file(const std::string& path);

  bool wait_;
  std::vector<int> fds_;
};

}  // namespace sx
