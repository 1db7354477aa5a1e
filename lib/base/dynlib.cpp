#include "base/dynlib.h"

#include <dlfcn.h>

#include <map>
#include <mutex>
#include <string>

#include "base/error.h"

namespace sx::dynlib {

void* symbol(const Library& lib, const char* name) {
  static std::mutex mutex;
  static std::map<const Library*, void*> handles;
  const std::lock_guard<std::mutex> lock(mutex);
  void*& h = handles[&lib];
  if (h == nullptr) {
    h = ::dlopen(lib.soname, RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
      const char* e = ::dlerror();
      throw io_error(std::string(lib.needed) + " needs " + lib.soname +
                     ", which could not be loaded (" + (e ? e : "no reason given") +
                     "): install the Debian package " + lib.package + " (scripts/setup.sh does)");
    }
  }
  void* f = ::dlsym(h, name);
  if (f == nullptr) {
    throw io_error(std::string(lib.needed) + ": " + lib.soname + " has no " + name +
                   " (too old a version? install the Debian package " + lib.package + ")");
  }
  return f;
}

}  // namespace sx::dynlib
