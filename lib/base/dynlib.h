// C libraries that only some runs need, loaded on first use (dlopen) instead
// of linked. A linked library is loaded, with everything it needs, at every
// start of the tool: librdkafka brings TLS, SASL and four codecs, libpq brings
// Kerberos, LDAP and GnuTLS (35 libraries for sx-sink), and their loading was
// half of sx-read's start time and most of sx-sink's, for runs that use none
// of them.
//
// A library's functions are called through objects named like them, declared
// by the library's header (io/rdkafka_api.h, ...) in a namespace that the
// calling file brings into namespace sx with a using-directive: an unqualified
// call rd_kafka_new(...) inside namespace sx then finds the object, not the C
// function (which the tool no longer links), and argument-dependent lookup is
// not done for an object. The first call of each function looks it up.
#pragma once

#include <atomic>
#include <utility>

namespace sx::dynlib {

struct Library {
  const char* soname;   // "librdkafka.so.1"
  const char* package;  // the Debian package that has it: "librdkafka1"
  const char* needed;   // what needs it, for the message: "--kafka"
};

// The function `name` of `lib`, loading lib the first time. Throws io_error
// naming the library, the Debian package and what needs it when either is
// missing.
void* symbol(const Library& lib, const char* name);

// F: the function's pointer type (decltype(&::rd_kafka_new)), variadic or not.
template <const Library& L, typename F>
class Lazy {
 public:
  explicit constexpr Lazy(const char* name) : name_(name) {}
  template <typename... B>
  decltype(auto) operator()(B&&... b) const {
    return get()(std::forward<B>(b)...);
  }
  // As a function pointer (a unique_ptr's deleter), looked up now.
  operator F() const { return get(); }  // NOLINT(google-explicit-constructor)

 private:
  F get() const {
    void* f = fn_.load(std::memory_order_relaxed);  // the same value from any thread
    if (f == nullptr) {
      f = symbol(L, name_);
      fn_.store(f, std::memory_order_relaxed);
    }
    return reinterpret_cast<F>(f);
  }
  const char* name_;
  mutable std::atomic<void*> fn_{nullptr};
};

}  // namespace sx::dynlib
