// The static side of sx-join (man sx-join): a CSV or NDJSON file read into
// memory, its rows indexed by key, each row's output columns (--select)
// rendered once as JSON text, so that a match costs one copy; and the check
// --reload makes at each epoch (has the file changed?).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/json.h"

namespace sx {

enum class StaticFormat { kAuto, kCsv, kNdjson };
// "csv" or "ndjson" (also "json", "jsonl"). Throws usage_error.
StaticFormat parse_static_format(const std::string& name);
// From the file name, ignoring a final ".zst": .csv is CSV; .ndjson, .jsonl
// and .json are NDJSON; anything else is kAuto (the loader sniffs: a first
// non-blank character '{' means NDJSON, else CSV).
StaticFormat static_format_from_name(const std::string& path);
// The file's base name without ".zst" and one more extension:
// "data/users.csv.zst" -> "users". The default --prefix is this plus "_".
std::string static_base_name(const std::string& path);

// A key value's canonical text, so that the two sides compare as documented
// in sx-join(1): group_key::canonical_key_text, as sx-window and sx-dedup
// group (strings unescaped; numbers by value, 1 and 1.0 alike, integers
// exactly; true/false; objects and arrays as canonical JSON, members sorted).
// Returns false for null and missing (SQL NULL: never equal).
bool join_key_text(const JsonValue& v, std::string* out);
// Appends one part of a (possibly composite) key: a 4-byte length, then the
// canonical text. Both sides build keys with this.
void append_key_part(std::string& key, std::string_view canonical);

// A file's identity for --reload: a change of any field means a new file.
struct FileIdentity {
  std::uint64_t dev = 0, ino = 0, size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};
// stat(2) of `path`; nullopt when it fails.
std::optional<FileIdentity> file_identity(const std::string& path);

struct StaticSpec {
  std::string path;
  StaticFormat format = StaticFormat::kAuto;
  std::vector<std::string> keys;  // the static key columns, in --on order
  // The output columns, in this order; nullopt: every column in file order
  // but the keys, except those listed in kept_keys.
  std::optional<std::vector<std::string>> select;
  // Key columns that stay among the default output columns: STATIC_KEY of
  // --on STREAM_KEY=STATIC_KEY with different names (Spark's join on an
  // expression keeps both sides' columns; only join(static, "k") keeps one).
  std::vector<std::string> kept_keys;
  std::size_t max_line_bytes = std::size_t{16} << 20;
};

// The static side in memory: rows in file order, an index from key to rows,
// and each row's output text. Immutable once loaded.
class StaticTable {
 public:
  static constexpr std::uint32_t kNoRow = UINT32_MAX;

  StaticTable() = default;
  ~StaticTable();
  StaticTable(const StaticTable&) = delete;
  StaticTable& operator=(const StaticTable&) = delete;

  // Reads and indexes spec.path. Throws data_error("PATH:LINE: reason") for a
  // malformed file (CSV: an unterminated quote, a row whose field count differs
  // from the header's, a repeated or empty column name; NDJSON: malformed JSON,
  // a line that is not an object; both: invalid UTF-8, a line longer than
  // max_line_bytes), usage_error naming the columns there are for a key or
  // --select column the file lacks, io_error when it cannot be read.
  //
  // CSV values are text: JSON strings, except an empty unquoted field, which
  // is null ("" in quotes is the empty string). NDJSON values are the values
  // (strings re-escaped, others as written); the columns are the keys of every
  // row in order of first appearance, and a row without one has null there.
  // Rows whose key is null, missing or the empty string are kept but never
  // indexed.
  static std::unique_ptr<StaticTable> load(const StaticSpec& spec);

  // The output columns, in output order (--select order, else file order).
  const std::vector<std::string>& columns() const { return columns_; }
  std::size_t rows() const { return frag_off_.size() - 1; }
  std::size_t keys() const { return entries_.size(); }
  // Identity of the file that was read (fstat of the open file). The table
  // keeps the file open, so that a replacement cannot be given the same inode
  // number while the table is in use.
  const FileIdentity& identity() const { return identity_; }

  // The first row (in file order) whose key (built with append_key_part) is
  // `key`, or kNoRow; next(row) gives the following rows with that key.
  std::uint32_t find(std::string_view key) const;
  std::uint32_t next(std::uint32_t row) const { return next_[row]; }

  // ,"c1":v1,"c2":v2... for `row` (empty when there are no output columns).
  std::string_view fragment(std::uint32_t row) const {
    return std::string_view(text_).substr(frag_off_[row], frag_off_[row + 1] - frag_off_[row]);
  }
  // The JSON text of column `c` of `row` (null for a missing value).
  std::string_view value(std::uint32_t row, std::size_t c) const;

 private:
  friend struct TableBuilder;
  void index_row(std::string_view key, std::uint32_t row);
  void grow_index();

  std::vector<std::string> columns_;
  std::vector<std::size_t> prefix_len_;  // size of ,"name": per column
  std::string text_;                     // every row's fragment, back to back
  std::vector<std::uint64_t> frag_off_{0};
  std::vector<std::uint32_t> cell_end_;  // rows x columns: end of each value in its fragment
  FileIdentity identity_;
  int pin_fd_ = -1;

  // Key index: open addressing over entries (one per distinct key), whose
  // rows are chained through next_ in file order.
  struct Entry {
    std::uint64_t key_off;
    std::uint32_t key_len;
    std::uint32_t first;
  };
  // A slot holds the low 32 bits of its key's hash (which also place it, so
  // growing needs no rehashing, and probes skip other keys without touching
  // them) and its entry index + 1 (0: empty).
  struct Slot {
    std::uint32_t hash;
    std::uint32_t entry;
  };
  std::string key_text_;
  std::vector<Entry> entries_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> next_;  // per row
  std::vector<std::uint32_t> last_;  // per entry, while loading
};

// --reload: reads the static file again when it changed. One per table
// path; it remembers the version that failed to load and whether a missing
// file was reported.
class StaticReload {
 public:
  // Compares spec.path's identity with `current`'s (that of the table in
  // use). When it changed, loads it and passes the table to `install`. A
  // file that is missing, or does not load (or that `install` refuses by
  // throwing an Error), leaves the table in use, with a warning: once until
  // the file is back, once per version that fails.
  void check(const StaticSpec& spec, const FileIdentity& current,
             const std::function<void(std::unique_ptr<StaticTable>)>& install);

 private:
  std::optional<FileIdentity> failed_;  // a version of the file that did not load
  bool missing_warned_ = false;
};

}  // namespace sx
