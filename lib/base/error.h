// The one error type of sx, and the exit codes. Only a tool's main() turns an
// Error into a message and an exit code (see cli.h); the library never prints
// or exits.
#pragma once

#include <stdexcept>
#include <string>

namespace sx {

// Exit codes, documented in sx(7).
inline constexpr int kExitOk = 0;             // success, a broken pipe included
inline constexpr int kExitError = 1;          // runtime or data error
inline constexpr int kExitUsage = 2;          // bad flags or arguments
inline constexpr int kExitLocked = 75;        // another run holds the checkpoint (EX_TEMPFAIL)
inline constexpr int kExitInterrupted = 130;  // stopped by SIGINT or SIGTERM

class Error : public std::runtime_error {
 public:
  enum class Kind { kData, kUsage, kIo, kLocked, kInterrupted };

  Error(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}

  Kind kind() const { return kind_; }
  int exit_code() const {
    switch (kind_) {
      case Kind::kUsage:
        return kExitUsage;
      case Kind::kLocked:
        return kExitLocked;
      case Kind::kInterrupted:
        return kExitInterrupted;
      default:
        return kExitError;
    }
  }

 private:
  Kind kind_;
};

// Shorthands. The message is complete: it says what went wrong, where, and
// (when there is one) what to do next; it has no tool prefix.
inline Error usage_error(const std::string& m) { return Error(Error::Kind::kUsage, m); }
inline Error data_error(const std::string& m) { return Error(Error::Kind::kData, m); }
inline Error io_error(const std::string& m) { return Error(Error::Kind::kIo, m); }
inline Error locked_error(const std::string& m) { return Error(Error::Kind::kLocked, m); }

// Thrown by Output when the reader went away (EPIPE): a quiet success.
struct BrokenPipe {};

// "path: strerror(errno)" for messages about a failed system call.
std::string errno_text(const std::string& what);

}  // namespace sx
