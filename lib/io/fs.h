// The file system, below everything that reads or writes files: listing
// inputs (the order and the names skipped are part of the replay contract).
#pragma once

#include <string>
#include <vector>

namespace sx {

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

}  // namespace sx
