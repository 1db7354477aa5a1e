#include "background.h"

#include <utility>

namespace sx {

BackgroundJob::~BackgroundJob() {
  {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return !pending_ && !running_; });
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundJob::start(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    job_ = std::move(job);
    error_ = nullptr;
    pending_ = true;
    finished_.store(false, std::memory_order_relaxed);
  }
  busy_ = true;
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
  cv_.notify_all();
}

bool BackgroundJob::finished() const { return finished_.load(std::memory_order_acquire); }

void BackgroundJob::wait() {
  if (!busy_) return;
  std::exception_ptr error;
  {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return !pending_ && !running_; });
    error = std::exchange(error_, nullptr);
  }
  busy_ = false;
  if (error) std::rethrow_exception(error);
}

void BackgroundJob::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return pending_ || stop_; });
    if (stop_ && !pending_) return;
    std::function<void()> job = std::move(job_);
    pending_ = false;
    running_ = true;
    lock.unlock();
    std::exception_ptr error;
    try {
      job();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    error_ = error;
    running_ = false;
    finished_.store(true, std::memory_order_release);
    cv_.notify_all();
  }
}

}  // namespace sx
