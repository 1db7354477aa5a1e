// The file system, below everything that reads or writes files: listing
// inputs (the order and the names skipped are part of the replay contract),
// and the one durability policy every writer of sx follows (checkpoint files,
// commits, lock files, the directory sink, the sink's spill file).
//
// Durability policy (sx(7), CHECKPOINTS, "Durability and I/O errors"), as
// PostgreSQL and leveldb have it:
//  * A durable replacement is: write a temporary file in the same directory,
//    fsync it, rename it over the name, fsync the directory (replace_file).
//  * fsync of a file or of a directory that fails is an error (io_error),
//    EIO above all. It is never retried as if nothing happened: after a
//    failed fsync the kernel may have dropped the dirty pages and a second
//    fsync can succeed without the data ever reaching the disk (PostgreSQL,
//    "fsyncgate", 2018). The stage stops (exit 1); a restart resumes from
//    the last committed epoch and writes the lost data again from its source.
//  * One exception: EINVAL from fsync of a directory means the file system
//    cannot sync directories (its renames are made durable otherwise); that is
//    tolerated, as PostgreSQL's fsync_fname does. A descriptor that is no file
//    nor directory (a pipe, a terminal, a socket) holds nothing to make
//    durable: syncing it does nothing.
//  * write() is retried on EINTR and after a short write; any other error is
//    an io_error. mkdir of a name that exists is not an error.
// Every message names the file: "cannot sync checkpoint DIR/x: I/O error".
#pragma once

#include <unistd.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sx {

// A file descriptor closed on scope exit (for the error paths; close()
// results that matter are checked where they are called).
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Names a directory listing skips: empty, or starting with '.' or '_'
// (hidden and temporary files, as Spark's file source does).
bool hidden_name(const std::string& name);

bool is_dir(const std::string& path);

// A directory's visible regular files (not hidden_name, not subdirectories),
// sorted byte-wise by name, as full paths. Throws io_error if unreadable.
std::vector<std::string> list_dir(const std::string& dir);

// The files an input list stands for, in order: a file as given; a directory's
// regular files in byte-wise name order, skipping names that start with '.' or
// '_' (hidden and temporary files, as Spark's file source does) and
// subdirectories. Throws io_error for a path that does not exist.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);

// ---- writing, under the durability policy above -------------------------------
// `what` names the object in messages, before its path: make_dir(p, "output
// directory") throws "cannot create output directory P: <strerror>".

// mkdir(path, 0777); an existing name (of any type) is no error. Throws
// io_error "cannot create WHAT PATH: ..." otherwise.
void make_dir(const std::string& path, std::string_view what = "directory");
// make_dir of `path` and each missing parent ("a/b/c": a, a/b, a/b/c).
void make_dirs(const std::string& path, std::string_view what = "directory");

// Writes all of `bytes` to `fd` (EINTR and short writes retried). Throws
// io_error "cannot write WHAT PATH: ..." (`path` names the file).
void write_all(int fd, std::string_view bytes, const std::string& path, std::string_view what = "");

// fsync(fd) under the policy: a directory's EINVAL and any fd that is no file
// nor directory pass; every other failure throws io_error "cannot sync WHAT
// PATH: ...".
void sync_fd(int fd, const std::string& path, std::string_view what = "");
// Opens `path` (a file or a directory) read-only and sync_fd's it.
void sync_file(const std::string& path, std::string_view what = "");
void sync_dir(const std::string& path, std::string_view what = "directory");

// Creates (or truncates) `path`, writes `bytes` and fsyncs the file, not its
// directory: for a new file in a directory the caller syncs afterwards.
void write_file(const std::string& path, std::string_view bytes, std::string_view what = "");

// rename(2); io_error "cannot rename FROM to TO: ..." (durable once the
// directories are synced).
void rename_path(const std::string& from, const std::string& to);

// Removes `path` and everything below it (rm -rf; a missing path is fine).
// Throws io_error naming it.
void remove_tree(const std::string& path);

// The directory part of a path: "a/b" -> "a", "b" -> ".", "/b" -> "/".
std::string dir_of(const std::string& path);

// Atomically replaces `path` with `bytes`: writes ".NAME.tmp.<pid>" in the
// same directory, fsyncs it, renames it over NAME, fsyncs the directory.
// `sync` false skips both fsyncs (the caller makes them durable later, e.g.
// with one syncfs for many files). `before_rename`, when set, runs after the
// temporary file is complete and before the rename (crash tests). A crash
// at any moment leaves NAME absent, old or new, never partial. On error the
// temporary file is removed, NAME is unchanged, and io_error names it:
// "cannot create WHAT TMP", "cannot sync WHAT TMP", "cannot rename TMP to
// WHAT PATH", "cannot sync the directory of WHAT DIR". REQUIRES: the
// directory exists; no other thread of this process writes NAME at once.
void replace_file(const std::string& path, std::string_view bytes, std::string_view what = "",
                  bool sync = true, const std::function<void()>& before_rename = {});

// An anonymous temporary file in `dir` (O_TMPFILE, else a created and at once
// unlinked ".tmp.XXXXXX"), read-write: nothing is left behind whatever
// happens to the process. Returns the descriptor (the caller closes it);
// throws io_error "cannot create a temporary file in DIR: ...".
int make_temp_file(const std::string& dir);

}  // namespace sx
