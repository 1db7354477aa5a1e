// What the fuzz targets share: FUZZ_CHECK stops the run with a message when a
// property fails (abort() is what libFuzzer reports as a crash, and saves the
// input as crash-<sha1>).
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, message)                                                                 \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      std::fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #cond, message); \
      std::abort();                                                                               \
    }                                                                                             \
  } while (0)
