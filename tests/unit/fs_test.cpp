// io/fs: the one durability policy (make_dir, write_all, fsync of a file and
// of a directory, atomic replace, the anonymous temporary file) with what a
// test can provoke: a missing parent, a full device, a bad descriptor, a
// rename onto a directory, a read-only directory (when not root).
#include "io/fs.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "base/error.h"
#include "test_files.h"

namespace {

using sx::Error;
using sx_test::slurp;
using sx_test::spit;
using sx_test::TempDir;

template <class F>
std::string io_error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kIo);
    return e.what();
  }
  FAIL("no sx::Error thrown");
  return "";
}

// The names in `dir`, hidden ones included.
std::size_t entries(const std::string& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("issue 12: make_dir and make_dirs; an existing name is no error, a missing parent is") {
  TempDir dir;
  sx::make_dir(dir.file("a"), "output directory");
  sx::make_dir(dir.file("a"), "output directory");  // exists: fine
  CHECK(sx::is_dir(dir.file("a")));
  CHECK(io_error_of([&] { sx::make_dir(dir.file("no/such"), "output directory"); }) ==
        "cannot create output directory " + dir.file("no/such") + ": No such file or directory");
  sx::make_dirs(dir.file("x/y/z"));
  sx::make_dirs(dir.file("x/y/z"));
  CHECK(sx::is_dir(dir.file("x/y/z")));
  spit(dir.file("f"), "file");
  CHECK(io_error_of([&] { sx::make_dirs(dir.file("f/g")); }) ==
        "cannot create directory " + dir.file("f/g") + ": Not a directory");
}

TEST_CASE("issue 12: write_all writes everything; a write error names the file") {
  TempDir dir;
  const std::string path = dir.file("out");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(fd >= 0);
  const std::string big(3 << 20, 'x');
  sx::write_all(fd, big, path);
  sx::sync_fd(fd, path);
  ::close(fd);
  CHECK(slurp(path) == big);

  const int full = ::open("/dev/full", O_WRONLY);
  if (full >= 0) {
    CHECK(io_error_of([&] { sx::write_all(full, "x", "/dev/full", "checkpoint"); }) ==
          "cannot write checkpoint /dev/full: No space left on device");
    ::close(full);
  }
}

TEST_CASE("issue 12: fsync policy: files, directories and pipes pass; any failure is an error") {
  TempDir dir;
  sx::sync_dir(dir.path);
  spit(dir.file("f"), "data");
  sx::sync_file(dir.file("f"));
  int p[2];
  REQUIRE(::pipe(p) == 0);
  sx::sync_fd(p[1], "a pipe");  // EINVAL on a pipe: nothing to make durable
  ::close(p[0]);
  ::close(p[1]);
  // A failed fsync is never passed over (here EBADF: the descriptor is gone).
  CHECK(io_error_of([&] { sx::sync_fd(p[1], dir.file("f"), "checkpoint"); }) ==
        "cannot sync checkpoint " + dir.file("f") + ": Bad file descriptor");
  CHECK(io_error_of([&] { sx::sync_dir(dir.file("none")); }) ==
        "cannot open directory " + dir.file("none") + ": No such file or directory");
}

TEST_CASE("issue 12: replace_file replaces atomically and leaves no temporary file") {
  TempDir dir;
  const std::string path = dir.file("state");
  sx::replace_file(path, "old");
  bool hook = false;
  sx::replace_file(path, "new", "checkpoint", true, [&] {
    hook = true;
    CHECK(slurp(path) == "old");  // the temporary file is complete, not yet renamed
    CHECK(entries(dir.path) == 2);
  });
  CHECK(hook);
  CHECK(slurp(path) == "new");
  CHECK(entries(dir.path) == 1);
  sx::replace_file(path, "unsynced", "", /*sync=*/false);
  CHECK(slurp(path) == "unsynced");

  // A missing directory: nothing is written.
  CHECK(io_error_of([&] {
          sx::replace_file(dir.file("no/such/state"), "x", "checkpoint");
        }).starts_with("cannot create checkpoint " + dir.file("no/such/.state.tmp.")));
  // The name is a directory: the rename fails, the temporary file goes.
  sx::make_dir(dir.file("d"));
  spit(dir.file("d/keep"), "k");
  CHECK(io_error_of([&] {
          sx::replace_file(dir.file("d"), "x", "checkpoint");
        }).starts_with("cannot rename " + dir.file(".d.tmp.")));
  CHECK(entries(dir.path) == 2);  // state and d
  CHECK(slurp(dir.file("d/keep")) == "k");
}

TEST_CASE("issue 12: a read-only directory refuses every write, with the file named") {
  if (::geteuid() == 0) return;  // root writes anywhere: nothing to provoke
  TempDir dir;
  sx::make_dir(dir.file("ro"));
  REQUIRE(::chmod(dir.file("ro").c_str(), 0555) == 0);
  CHECK(io_error_of([&] {
          sx::replace_file(dir.file("ro/state"), "x", "checkpoint");
        }).starts_with("cannot create checkpoint " + dir.file("ro/.state.tmp.")));
  CHECK(io_error_of([&] { sx::make_dir(dir.file("ro/sub"), "output directory"); }) ==
        "cannot create output directory " + dir.file("ro/sub") + ": Permission denied");
  CHECK(io_error_of([&] { sx::write_file(dir.file("ro/f"), "x"); }) ==
        "cannot create " + dir.file("ro/f") + ": Permission denied");
  CHECK(io_error_of([&] {
          (void)sx::make_temp_file(dir.file("ro"));
        }).starts_with("cannot create a temporary file in " + dir.file("ro")));
  ::chmod(dir.file("ro").c_str(), 0755);
}

TEST_CASE("issue 12: write_file, make_temp_file and dir_of") {
  TempDir dir;
  sx::write_file(dir.file("m"), "7\n");
  CHECK(slurp(dir.file("m")) == "7\n");
  const int fd = sx::make_temp_file(dir.path);
  REQUIRE(fd >= 0);
  sx::write_all(fd, "held", "temp");
  CHECK(entries(dir.path) == 1);  // only m: the temporary file has no name
  ::close(fd);
  CHECK(sx::dir_of("a/b/c") == "a/b");
  CHECK(sx::dir_of("c") == ".");
  CHECK(sx::dir_of("/c") == "/");
}
