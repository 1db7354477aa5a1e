#include "base/error.h"

#include <cerrno>
#include <cstring>

namespace sx {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace sx
