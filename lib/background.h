// One job at a time on a long-lived thread: a stage's checkpoint writes, off
// its main thread (sx(7), "CHECKPOINTS"). The thread lives as long as the
// object, so what it keeps per thread (the checkpoint writer's zstd context
// and buffers) is reused from one epoch to the next.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace sx {

class BackgroundJob {
 public:
  BackgroundJob() = default;
  ~BackgroundJob();  // waits for a running job (its error is dropped), stops the thread
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;

  // Runs `job` on the thread. REQUIRES: !busy().
  void start(std::function<void()> job);
  // A job was started and wait() has not collected it yet.
  bool busy() const { return busy_; }
  // The started job has finished (wait() will not block). Cheap: one atomic load.
  bool finished() const;
  // Waits for the started job; rethrows what it threw. Does nothing when !busy().
  void wait();

 private:
  void loop();

  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::function<void()> job_;
  std::exception_ptr error_;
  bool pending_ = false;  // job_ waits for the thread
  bool running_ = false;  // the thread runs job_
  bool stop_ = false;
  bool busy_ = false;     // the caller's view: started, not collected
  std::atomic<bool> finished_{false};
};

}  // namespace sx
