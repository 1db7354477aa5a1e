#include "sink/dir_commit.h"

#include <algorithm>

#include "base/error.h"

namespace sx {

namespace {

constexpr std::uint64_t kPayloadTag = 0x3276'4B4E'4953'5853;  // "SXSINKv2"

void check_relative(std::string_view path, const std::string& what) {
  bool bad_path = path.empty() || path.front() == '/';
  for (std::size_t start = 0; !bad_path && start <= path.size();) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") bad_path = true;
    start = slash + 1;
  }
  if (bad_path) {
    throw data_error(what + " names the path '" + std::string(path) +
                     "', which is not inside the output directory; start over with a new "
                     "--checkpoint directory");
  }
}

}  // namespace

std::string encode_dir_commit(const DirCommit& commit) {
  PayloadWriter w;
  w.put_u64(kPayloadTag);
  w.put_u64(commit.settings.size());
  for (const auto& [k, v] : commit.settings) {
    w.put_string(k);
    w.put_string(v);
  }
  w.put_u8(static_cast<std::uint8_t>(commit.mode));
  w.put_u64(commit.files.size());
  for (const auto& [staged, final_path] : commit.files) {
    w.put_string(staged);
    w.put_string(final_path);
  }
  return w.take();
}

DirCommit decode_dir_commit(std::string_view payload, const std::string& what) {
  PayloadReader r(payload, what);
  DirCommit c;
  const std::uint64_t first = r.get_u64();
  if (first == kPayloadTag) {
    for (std::size_t n = r.get_count(16); n > 0; --n) {
      std::string name(r.get_string());
      c.settings.emplace_back(std::move(name), std::string(r.get_string()));
    }
    const std::uint8_t m = r.get_u8();
    if (m > static_cast<std::uint8_t>(SinkMode::kComplete)) {
      throw data_error(what + " names an unknown output mode (" + std::to_string(m) +
                       "); was it written by a newer sx?");
    }
    c.mode = static_cast<SinkMode>(m);
    for (std::size_t n = r.get_count(16); n > 0; --n) {
      std::string staged(r.get_string());
      c.files.emplace_back(std::move(staged), std::string(r.get_string()));
    }
  } else if (first <= 1) {  // the layout before --mode
    c.settings.emplace_back("mode", "append");
    for (std::uint64_t n = first; n > 0; --n) {
      const std::string name(r.get_string());
      c.files.emplace_back(name, name);
    }
  } else {
    throw data_error(what +
                     " is not a commit of sx-sink --path (unknown layout); "
                     "start over with a new --checkpoint directory");
  }
  r.expect_end();
  for (const auto& [staged, final_path] : c.files) check_relative(staged, what);
  for (const auto& [staged, final_path] : c.files) check_relative(final_path, what);
  return c;
}

}  // namespace sx
