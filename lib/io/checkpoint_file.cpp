#include "io/checkpoint_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

#include "base/error.h"
#include "io/fs.h"

namespace sx {
namespace {

// Layout (man/sx.7, "Checkpoint file format"). The prelude is the same in every
// format version, so any sx can tell "newer" from "damaged".
constexpr std::string_view kMagic = "SXCK";
constexpr std::size_t kPreludeSize = 20;  // magic, version, file size, prelude CRC
constexpr std::size_t kChecksumSize = 4;  // the trailing CRC-32C

constexpr std::string_view kRestoreAdvice =
    "restore it or start over with a new --checkpoint directory";

// ---- CRC-32C, slicing by 8 -------------------------------------------------

constexpr std::uint32_t kCrc32cPoly = 0x82F63B78;  // reflected 0x1EDC6F41

constexpr std::array<std::array<std::uint32_t, 256>, 8> make_crc_tables() {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1) ? kCrc32cPoly : 0);
    t[0][i] = c;
  }
  for (std::size_t j = 1; j < 8; ++j) {
    for (std::size_t i = 0; i < 256; ++i) t[j][i] = (t[j - 1][i] >> 8) ^ t[0][t[j - 1][i] & 0xFF];
  }
  return t;
}
constexpr auto kCrcTables = make_crc_tables();

// ---- little-endian fixed-width integers ------------------------------------

void store_le(char* p, std::uint64_t v, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

void append_le(std::string* out, std::uint64_t v, std::size_t bytes) {
  char b[8];
  store_le(b, v, 8);  // one store; then one append, not a push_back per byte
  out->append(b, bytes);
}

std::uint64_t load_le(const char* p, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  return v;
}

// ---- files -------------------------------------------------------------------

bool fault_enabled(std::string_view point) {
  const char* env = std::getenv("SX_FAULT");
  if (env == nullptr) return false;
  std::string_view list(env);
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (list.substr(0, comma) == point) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::string damaged(const std::string& path, const std::string& problem) {
  return "checkpoint " + path + " is damaged (" + problem + "); " + std::string(kRestoreAdvice);
}

std::string truncated(const std::string& path, const std::string& sizes) {
  return "checkpoint " + path + " is truncated (" + sizes +
         "); it was not written by a complete checkpoint \xE2\x80\x94 " +
         std::string(kRestoreAdvice);
}

std::string hex32(std::uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s.push_back(kDigits[(v >> shift) & 0xF]);
  return s;
}

// A value as a shell word: as is when plain, else single-quoted.
std::string shell_word(std::string_view v) {
  const bool plain = !v.empty() && v.find_first_not_of(
                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789_-+=.,:/@%") == std::string_view::npos;
  if (plain) return std::string(v);
  std::string s = "'";
  for (char c : v) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return s + "'";
}

// One side of a fingerprint difference: "--by a --by b", "--within-watermark".
std::string render_flag(const std::string& name, const std::vector<const std::string*>& values) {
  std::string s;
  for (const std::string* v : values) {
    if (!s.empty()) s += ' ';
    s += "--" + name;
    if (!v->empty()) s += ' ' + shell_word(*v);
  }
  return s;
}

std::vector<const std::string*> values_of(const Fingerprint& fp, const std::string& name) {
  std::vector<const std::string*> out;
  for (const auto& [n, v] : fp) {
    if (n == name) out.push_back(&v);
  }
  return out;
}

bool same_values(const std::vector<const std::string*>& a,
                 const std::vector<const std::string*>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (*a[i] != *b[i]) return false;
  }
  return true;
}

std::uint32_t crc32c_software(const unsigned char* p, std::size_t n, std::uint32_t c) {
  const auto& t = kCrcTables;
  while (n >= 8) {
    const std::uint32_t lo =
        c ^ (static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
             static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24);
    c = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
        t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) c = (c >> 8) ^ t[0][(c ^ *p++) & 0xFF];
  return c;
}

#if defined(__x86_64__)
// The SSE4.2 crc32 instruction computes the same CRC-32C, 8 bytes at a time:
// about ten times the tables' speed, which matters for snapshots of
// megabytes at every epoch.
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(const unsigned char* p, std::size_t n,
                                                             std::uint32_t c) {
  std::uint64_t c64 = c;
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    c64 = __builtin_ia32_crc32di(c64, v);
  }
  c = static_cast<std::uint32_t>(c64);
  for (; n > 0; --n) c = __builtin_ia32_crc32qi(c, *p++);
  return c;
}
const bool kHaveSse42 = __builtin_cpu_supports("sse4.2");
#endif

}  // namespace

std::uint32_t crc32c(std::string_view data, std::uint32_t crc) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
#if defined(__x86_64__)
  if (kHaveSse42) return ~crc32c_sse42(p, data.size(), ~crc);
#endif
  return ~crc32c_software(p, data.size(), ~crc);
}

// ---- PayloadWriter / PayloadReader ------------------------------------------

void PayloadWriter::put_u32(std::uint32_t v) { append_le(&out_, v, 4); }
void PayloadWriter::put_u64(std::uint64_t v) { append_le(&out_, v, 8); }
void PayloadWriter::put_f64(double v) { put_u64(std::bit_cast<std::uint64_t>(v)); }
void PayloadWriter::put_string(std::string_view s) {
  put_u64(s.size());
  out_.append(s);
}

void PayloadReader::fail(const std::string& problem) const {
  throw data_error(what_ + " is malformed (" + problem +
                   "); it was written by an incompatible sx \xE2\x80\x94 start over with a new "
                   "--checkpoint directory");
}

const char* PayloadReader::take(std::size_t n, const char* what) {
  if (n > remaining()) {
    fail(std::string(what) + " of " + std::to_string(n) + " bytes at offset " +
         std::to_string(pos_) + ", but " + std::to_string(remaining()) + " are left");
  }
  const char* p = data_.data() + pos_;
  pos_ += n;
  return p;
}

std::uint8_t PayloadReader::get_u8() { return static_cast<std::uint8_t>(*take(1, "a u8")); }
std::uint32_t PayloadReader::get_u32() {
  return static_cast<std::uint32_t>(load_le(take(4, "a u32"), 4));
}
std::uint64_t PayloadReader::get_u64() { return load_le(take(8, "a u64"), 8); }
std::int64_t PayloadReader::get_i64() {
  return static_cast<std::int64_t>(load_le(take(8, "an i64"), 8));
}
double PayloadReader::get_f64() { return std::bit_cast<double>(load_le(take(8, "an f64"), 8)); }
std::string_view PayloadReader::get_bytes(std::size_t n) { return {take(n, "raw bytes"), n}; }

std::string_view PayloadReader::get_string() {
  const std::uint64_t n = get_u64();
  if (n > remaining()) {
    fail("a string of " + std::to_string(n) + " bytes at offset " + std::to_string(pos_) +
         ", but " + std::to_string(remaining()) + " are left");
  }
  return {take(static_cast<std::size_t>(n), "a string"), static_cast<std::size_t>(n)};
}

std::size_t PayloadReader::get_count(std::size_t min_bytes_each) {
  const std::uint64_t n = get_u64();
  if (min_bytes_each == 0) min_bytes_each = 1;
  if (n > remaining() / min_bytes_each) {
    fail("a count of " + std::to_string(n) + " at offset " + std::to_string(pos_ - 8) + ", but " +
         std::to_string(remaining()) + " bytes are left");
  }
  return static_cast<std::size_t>(n);
}

void PayloadReader::expect_end() const {
  if (remaining() != 0) {
    fail(std::to_string(remaining()) + " unread bytes at offset " + std::to_string(pos_));
  }
}

// ---- write -------------------------------------------------------------------

void sync_file_system(const std::string& dir) {
  // The durability policy (io/fs.h): a failed syncfs is an error, never
  // passed over.
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::syncfs(fd.get()) != 0) {
    throw io_error("cannot sync the file system of checkpoint " + errno_text(dir));
  }
}

void write_checkpoint_file(const std::string& path, const CheckpointMeta& meta,
                           std::string_view payload, int level, Durability durability) {
  const bool sync = durability == Durability::kNow;
  PayloadWriter m;
  m.put_string(meta.writer);
  m.put_i64(meta.epoch);
  m.put_u64(meta.fingerprint.size());
  for (const auto& [name, value] : meta.fingerprint) {
    m.put_string(name);
    m.put_string(value);
  }

  // The whole image in memory: prelude, metadata, payload size, zstd frame, CRC.
  // The buffer and the zstd context are kept for the next epoch: fresh ones
  // would cost page faults and table setup on every snapshot.
  thread_local std::string image;
  thread_local std::unique_ptr<ZSTD_CCtx, std::size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(),
                                                                            ZSTD_freeCCtx);
  if (!cctx) throw std::bad_alloc();
  image.clear();
  const std::size_t bound = ZSTD_compressBound(payload.size());
  image.reserve(kPreludeSize + 8 + m.bytes().size() + 8 + bound + kChecksumSize);
  image.append(kMagic);
  append_le(&image, kCheckpointFormat, 4);
  append_le(&image, 0, 8);  // file size, patched below
  append_le(&image, 0, 4);  // prelude CRC, patched below
  append_le(&image, m.bytes().size(), 8);
  image.append(m.bytes());
  append_le(&image, payload.size(), 8);
  const std::size_t frame_at = image.size();
  image.resize(frame_at + bound);
  const std::size_t frame = ZSTD_compressCCtx(cctx.get(), image.data() + frame_at, bound,
                                              payload.data(), payload.size(), level);
  if (ZSTD_isError(frame)) {
    throw io_error("cannot compress checkpoint " + path + ": " + ZSTD_getErrorName(frame));
  }
  image.resize(frame_at + frame);
  const std::uint64_t file_size = image.size() + kChecksumSize;
  store_le(image.data() + 8, file_size, 8);
  store_le(image.data() + 16, crc32c(std::string_view(image.data(), 16)), 4);
  append_le(&image, crc32c(image), 4);

  replace_file(path, image, "checkpoint", sync, [] {
    if (fault_enabled("ckpt-before-rename")) {
      ::kill(::getpid(), SIGKILL);
      ::_exit(137);  // not reached
    }
  });
}

// ---- read --------------------------------------------------------------------

std::optional<CheckpointFile> read_checkpoint_file(const std::string& path) {
  std::string image;
  {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
      if (errno == ENOENT) return std::nullopt;
      throw io_error("cannot open checkpoint " + errno_text(path));
    }
    struct stat st;
    if (::fstat(fd.get(), &st) == 0 && st.st_size > 0) {
      image.reserve(static_cast<std::size_t>(st.st_size));
    }
    char buf[1 << 16];
    for (;;) {
      const ssize_t r = ::read(fd.get(), buf, sizeof buf);
      if (r < 0) {
        if (errno == EINTR) continue;
        throw io_error("cannot read checkpoint " + errno_text(path));
      }
      if (r == 0) break;
      image.append(buf, static_cast<std::size_t>(r));
    }
  }

  const std::size_t size = image.size();
  if (size == 0) {
    throw data_error("checkpoint " + path +
                     " is empty; it was not written by a complete checkpoint \xE2\x80\x94 " +
                     std::string(kRestoreAdvice));
  }
  if (std::string_view(image).substr(0, 4) != kMagic.substr(0, std::min<std::size_t>(size, 4))) {
    throw data_error("checkpoint " + path +
                     " is not an sx checkpoint file (it does not start with \"" +
                     std::string(kMagic) + "\"); " + std::string(kRestoreAdvice));
  }
  if (size < kPreludeSize) {
    throw data_error(truncated(path, std::to_string(size) + " bytes, less than its " +
                                         std::to_string(kPreludeSize) + "-byte header"));
  }
  const std::uint32_t prelude_crc = static_cast<std::uint32_t>(load_le(image.data() + 16, 4));
  if (crc32c(std::string_view(image.data(), 16)) != prelude_crc) {
    throw data_error(damaged(path, "header checksum mismatch"));
  }
  const std::uint32_t version = static_cast<std::uint32_t>(load_le(image.data() + 4, 4));
  if (version > kCheckpointFormat) {
    throw data_error("checkpoint " + path + " was written by a newer sx (format " +
                     std::to_string(version) + ", this sx reads up to " +
                     std::to_string(kCheckpointFormat) +
                     "); upgrade sx or start over with a new --checkpoint directory");
  }
  if (version == 0) throw data_error(damaged(path, "format 0 does not exist"));

  const std::uint64_t declared = load_le(image.data() + 8, 8);
  if (size < declared) {
    throw data_error(
        truncated(path, std::to_string(size) + " of " + std::to_string(declared) + " bytes"));
  }
  if (size > declared) {
    throw data_error(damaged(path, "it is " + std::to_string(size) +
                                       " bytes long; its header records " +
                                       std::to_string(declared)));
  }
  const std::uint32_t stored = static_cast<std::uint32_t>(load_le(image.data() + size - 4, 4));
  const std::uint32_t computed = crc32c(std::string_view(image.data(), size - 4));
  if (stored != computed) {
    throw data_error(damaged(
        path, "checksum mismatch: stored " + hex32(stored) + ", computed " + hex32(computed)));
  }

  // From here the bytes are what a writer wrote; structural errors mean a
  // writer bug, still reported as damage and never loaded.
  const std::string_view body(image.data() + kPreludeSize, size - kPreludeSize - kChecksumSize);
  PayloadReader r(body, "checkpoint " + path);
  CheckpointFile out;
  {
    const std::uint64_t meta_size = r.get_u64();
    if (meta_size > r.remaining()) throw data_error(damaged(path, "metadata size out of range"));
    PayloadReader m(body.substr(r.position(), meta_size), "checkpoint " + path + " metadata");
    out.meta.writer = std::string(m.get_string());
    out.meta.epoch = m.get_i64();
    const std::size_t n = m.get_count(16);
    out.meta.fingerprint.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::string name(m.get_string());
      std::string value(m.get_string());
      out.meta.fingerprint.emplace_back(std::move(name), std::move(value));
    }
    m.expect_end();
    r.get_bytes(meta_size);
  }
  const std::uint64_t payload_size = r.get_u64();
  const std::string_view frame = r.get_bytes(r.remaining());
  const unsigned long long content = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (content == ZSTD_CONTENTSIZE_ERROR) throw data_error(damaged(path, "zstd: not a zstd frame"));
  if (content != payload_size) {
    throw data_error(damaged(path, "the zstd frame does not hold the " +
                                       std::to_string(payload_size) + " bytes the header records"));
  }
  // A zstd block takes at least 4 bytes (its header and one byte) and holds
  // at most ZSTD_BLOCKSIZE_MAX: a size beyond that is damage, not a reason
  // to allocate it.
  if (payload_size / ZSTD_BLOCKSIZE_MAX > frame.size() / 4) {
    throw data_error(damaged(path, "the zstd frame of " + std::to_string(frame.size()) +
                                       " bytes cannot hold the " + std::to_string(payload_size) +
                                       " bytes the header records"));
  }
  out.payload.resize(payload_size);
  const std::size_t got =
      ZSTD_decompress(out.payload.data(), out.payload.size(), frame.data(), frame.size());
  if (ZSTD_isError(got)) {
    throw data_error(damaged(path, std::string("zstd: ") + ZSTD_getErrorName(got)));
  }
  if (got != payload_size) {
    throw data_error(damaged(
        path, "zstd: " + std::to_string(got) + " of " + std::to_string(payload_size) + " bytes"));
  }
  return out;
}

// ---- fingerprints ------------------------------------------------------------

void check_fingerprint(const std::string& path, const CheckpointMeta& saved, const Fingerprint& now,
                       const std::string& checkpoint_dir) {
  auto refuse = [&](const std::string& before, const std::string& after) {
    throw usage_error("checkpoint " + path + " was made " + before + "; this run has " + after +
                      ". Resume with the same flags, or start over: remove " + checkpoint_dir +
                      " (or use sx-read --reset)");
  };
  auto differs = [&](const std::string& name) {
    const auto a = values_of(saved.fingerprint, name);
    const auto b = values_of(now, name);
    if (same_values(a, b)) return;
    refuse(a.empty() ? "without --" + name : "with " + render_flag(name, a),
           b.empty() ? "no --" + name : render_flag(name, b));
  };
  for (const auto& entry : saved.fingerprint) differs(entry.first);
  for (const auto& entry : now) differs(entry.first);
}

void fault_point(std::string_view point) {
  if (fault_enabled(point)) {
    ::kill(::getpid(), SIGKILL);
    ::_exit(137);  // not reached
  }
}

}  // namespace sx
