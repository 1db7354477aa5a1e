#include "io/fs.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "base/error.h"

namespace sx {

bool hidden_name(const std::string& name) {
  return name.empty() || name[0] == '.' || name[0] == '_';
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> files;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) throw io_error("cannot read directory " + errno_text(dir));
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (hidden_name(name)) continue;
    std::string path = dir + (dir.ends_with('/') ? "" : "/") + name;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) files.push_back(std::move(path));
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    if (in == "-") {
      files.push_back(in);
      continue;
    }
    struct stat st;
    if (::stat(in.c_str(), &st) != 0) throw io_error("cannot read " + errno_text(in));
    if (S_ISDIR(st.st_mode)) {
      for (auto& f : list_dir(in)) files.push_back(std::move(f));
    } else {
      files.push_back(in);
    }
  }
  return files;
}

}  // namespace sx
