// base/dynlib.h: a library loaded on first use, and the message when it or
// one of its functions is missing.
#include "base/dynlib.h"

#include <doctest/doctest.h>

#include <cstddef>
#include <string>

#include "base/error.h"

namespace {

constexpr sx::dynlib::Library kLibc{"libc.so.6", "libc6", "the test"};
constexpr sx::dynlib::Library kMissing{"libsx-no-such-library.so.9", "sx-no-such-package",
                                       "--no-such-flag"};

std::string error_of(const sx::dynlib::Library& lib, const char* name) {
  try {
    sx::dynlib::symbol(lib, name);
  } catch (const sx::Error& e) {
    CHECK(e.exit_code() == sx::kExitError);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("dynlib: a function is found on first call, with its C type") {
  // (glibc declares its functions noexcept and nonnull: plain types here.)
  using Strlen = std::size_t (*)(const char*);
  using Snprintf = int (*)(char*, std::size_t, const char*, ...);
  static const sx::dynlib::Lazy<kLibc, Strlen> lazy_strlen{"strlen"};
  CHECK(lazy_strlen("four") == 4);
  CHECK(lazy_strlen("") == 0);  // found once, then kept
  static const sx::dynlib::Lazy<kLibc, Snprintf> lazy_snprintf{"snprintf"};
  char buf[16];
  CHECK(lazy_snprintf(buf, sizeof buf, "%d-%s", 7, "x") == 3);  // a variadic function
  CHECK(std::string(buf) == "7-x");
  const Strlen as_pointer = lazy_strlen;  // a deleter, a callback
  CHECK(as_pointer("abc") == 3);
}

TEST_CASE("dynlib: a missing library or function is an error that says what to install") {
  const std::string lib = error_of(kMissing, "f");
  CHECK(lib.starts_with(
      "--no-such-flag needs libsx-no-such-library.so.9, which could not be loaded ("));
  CHECK(lib.ends_with("): install the Debian package sx-no-such-package (scripts/setup.sh does)"));
  CHECK(error_of(kLibc, "sx_no_such_function") ==
        "the test: libc.so.6 has no sx_no_such_function (too old a version? install the Debian "
        "package libc6)");
}
