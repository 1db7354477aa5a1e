#include "state/static_table.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "base/diag.h"
#include "base/error.h"
#include "io/csv_reader.h"
#include "io/line_reader.h"
#include "state/group_key.h"
#include "stream/bad_input.h"
#include "stream/control_record.h"

namespace sx {

StaticFormat parse_static_format(const std::string& name) {
  if (name == "csv") return StaticFormat::kCsv;
  if (name == "ndjson" || name == "jsonl" || name == "json") return StaticFormat::kNdjson;
  throw usage_error("--static-format: '" + name + "' is not a format (use csv or ndjson)");
}

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string_view base_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

StaticFormat static_format_from_name(const std::string& path) {
  std::string name = lower(std::string(base_name(path)));
  if (name.ends_with(".zst")) name.resize(name.size() - 4);
  if (name.ends_with(".csv")) return StaticFormat::kCsv;
  if (name.ends_with(".ndjson") || name.ends_with(".jsonl") || name.ends_with(".json")) {
    return StaticFormat::kNdjson;
  }
  return StaticFormat::kAuto;
}

std::string static_base_name(const std::string& path) {
  std::string_view name = base_name(path);
  if (name.ends_with(".zst")) name.remove_suffix(4);
  const std::size_t dot = name.rfind('.');
  if (dot != std::string_view::npos && dot > 0) name = name.substr(0, dot);
  return name.empty() ? std::string("static") : std::string(name);
}

// ---- keys ----

bool join_key_text(const JsonValue& v, std::string* out) {
  if (v.type == JsonType::kMissing || v.type == JsonType::kNull) return false;  // SQL NULL
  // "1", 1 and 1.0 alike; true and "true" alike; objects and arrays as
  // values (key order and spacing aside), as group keys.
  group_key::canonical_key_text(v, out);
  return true;
}

void append_key_part(std::string& key, std::string_view canonical) {
  const auto len = static_cast<std::uint32_t>(canonical.size());
  key.append(reinterpret_cast<const char*>(&len), sizeof len);
  key.append(canonical);
}

std::optional<FileIdentity> file_identity(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  FileIdentity id;
  id.dev = static_cast<std::uint64_t>(st.st_dev);
  id.ino = static_cast<std::uint64_t>(st.st_ino);
  id.size = static_cast<std::uint64_t>(st.st_size);
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return id;
}

// ---- the table ----

namespace {

std::uint32_t hash_key(std::string_view key) {
  return static_cast<std::uint32_t>(std::hash<std::string_view>{}(key));
}

}  // namespace

std::uint32_t StaticTable::find(std::string_view key) const {
  if (slots_.empty()) return kNoRow;
  const std::uint32_t h = hash_key(key);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot s = slots_[i];
    if (s.entry == 0) return kNoRow;
    if (s.hash != h) continue;
    const Entry& e = entries_[s.entry - 1];
    if (e.key_len == key.size() &&
        std::memcmp(key_text_.data() + e.key_off, key.data(), key.size()) == 0) {
      return e.first;
    }
  }
}

void StaticTable::grow_index() {
  if (slots_.size() >= (std::size_t{1} << 32)) throw data_error("too many distinct keys");
  std::vector<Slot> slots(std::max<std::size_t>(16, slots_.size() * 2), Slot{0, 0});
  const std::size_t mask = slots.size() - 1;
  for (const Slot s : slots_) {
    if (s.entry == 0) continue;
    std::size_t i = s.hash & mask;
    while (slots[i].entry != 0) i = (i + 1) & mask;
    slots[i] = s;
  }
  slots_ = std::move(slots);
}

void StaticTable::index_row(std::string_view key, std::uint32_t row) {
  if ((entries_.size() + 1) * 10 > slots_.size() * 7) grow_index();
  const std::uint32_t h = hash_key(key);
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = h & mask;
  for (;; i = (i + 1) & mask) {
    const Slot s = slots_[i];
    if (s.entry == 0) break;
    if (s.hash != h) continue;
    const Entry& e = entries_[s.entry - 1];
    if (e.key_len == key.size() &&
        std::memcmp(key_text_.data() + e.key_off, key.data(), key.size()) == 0) {
      next_[last_[s.entry - 1]] = row;
      last_[s.entry - 1] = row;
      return;
    }
  }
  entries_.push_back(Entry{key_text_.size(), static_cast<std::uint32_t>(key.size()), row});
  last_.push_back(row);
  key_text_.append(key);
  slots_[i] = Slot{h, static_cast<std::uint32_t>(entries_.size())};
}

std::string_view StaticTable::value(std::uint32_t row, std::size_t c) const {
  const std::uint32_t* ends = cell_end_.data() + std::size_t{row} * columns_.size();
  const std::size_t start = (c == 0 ? 0 : ends[c - 1]) + prefix_len_[c];
  return std::string_view(text_).substr(frag_off_[row] + start, ends[c] - start);
}

namespace {

struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) {
    if (!s.empty()) s += ", ";
    s += n;
  }
  return s.empty() ? "none" : s;
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

// Fills a StaticTable from the lines of its file.
struct TableBuilder {
  const StaticSpec& spec;
  StaticTable& t;

  // Output columns.
  bool growing = false;                // NDJSON without --select: columns appear as rows name them
  std::vector<std::string> name_json;  // ,"name":
  std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> out_index;
  std::vector<std::uint32_t> row_columns;  // growing: output columns known at each row

  // Keys.
  std::vector<std::string> parts;
  std::vector<char> part_ok;
  std::string key;

  // CSV.
  CsvParser csv;
  bool header_done = false;
  std::uint64_t record_line = 0;
  std::size_t record_bytes = 0;
  std::vector<std::string> header;
  std::vector<std::size_t> key_src;  // header index of each key part
  std::vector<std::size_t> out_src;  // header index of each output column
  std::string why;

  // NDJSON.
  RecordReader reader;
  std::vector<std::string> seen;  // every key of every row, in order of first appearance
  std::unordered_set<std::string, Hash, std::equal_to<>> seen_set;
  std::string cells;                                           // this row's value texts
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;  // per output column: begin, end
  static constexpr std::uint32_t kAbsent = UINT32_MAX;

  TableBuilder(const StaticSpec& s, StaticTable& table) : spec(s), t(table) {
    parts.resize(spec.keys.size());
    part_ok.resize(spec.keys.size());
  }

  std::string where(std::uint64_t line) const {
    return spec.path + ":" + std::to_string(line) + ": ";
  }

  void add_column(const std::string& name) {
    out_index.emplace(name, t.columns_.size());
    t.columns_.push_back(name);
    std::string j = ",";
    append_json_string(j, name);
    j += ':';
    t.prefix_len_.push_back(j.size());
    name_json.push_back(std::move(j));
  }

  Error missing_column(const std::string& flag, const std::string& name,
                       const std::vector<std::string>& have) const {
    return usage_error(flag + ": " + spec.path + " has no column \"" + name +
                       "\" (its columns: " + join_names(have) + ")");
  }

  // Ends the row whose fragment was written at the end of text_.
  void end_row(std::uint64_t line) {
    const std::size_t row = t.rows();
    if (row >= StaticTable::kNoRow - 1) throw data_error(where(line) + "more than 4294967294 rows");
    t.frag_off_.push_back(t.text_.size());
    t.next_.push_back(StaticTable::kNoRow);
    key.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (!part_ok[i] || parts[i].empty()) return;  // null or empty: never matched
      append_key_part(key, parts[i]);
    }
    t.index_row(key, static_cast<std::uint32_t>(row));
  }

  // ---- CSV ----

  void csv_line(const Line& line, std::string_view text) {
    if (!csv.in_record()) {
      if (text.empty()) return;  // blank lines separate nothing
      record_line = line.number;
      record_bytes = 0;
    }
    if (!is_valid_utf8(text)) throw data_error(where(line.number) + "invalid UTF-8");
    record_bytes += text.size() + 1;
    if (record_bytes > spec.max_line_bytes) {
      throw data_error(where(record_line) + too_long_reason(spec.max_line_bytes, "record") +
                       " (or a quoted field that is never closed?)");
    }
    switch (csv.feed(text, &why)) {
      case CsvParser::Result::kMore:
        return;
      case CsvParser::Result::kError:
        throw data_error(where(record_line) + why);
      case CsvParser::Result::kRecord:
        break;
    }
    if (!header_done) {
      csv_header();
    } else {
      csv_row();
    }
  }

  void csv_header() {
    header_done = true;
    const auto& f = csv.fields();
    for (std::size_t i = 0; i < f.size(); ++i) {
      std::string name(f[i].text);
      if (name.empty()) {
        throw data_error(where(record_line) + "column " + std::to_string(i + 1) +
                         " of the header has no name");
      }
      if (std::find(header.begin(), header.end(), name) != header.end()) {
        throw data_error(where(record_line) + "the header names column \"" + name + "\" twice");
      }
      header.push_back(std::move(name));
    }
    auto index_of = [&](const std::string& flag, const std::string& name) {
      const auto it = std::find(header.begin(), header.end(), name);
      if (it == header.end()) throw missing_column(flag, name, header);
      return static_cast<std::size_t>(it - header.begin());
    };
    for (const auto& k : spec.keys) key_src.push_back(index_of("--on", k));
    if (spec.select) {
      for (const auto& s : *spec.select) {
        out_src.push_back(index_of("--select", s));
        add_column(s);
      }
    } else {
      for (std::size_t i = 0; i < header.size(); ++i) {
        if (omitted(header[i])) continue;
        out_src.push_back(i);
        add_column(header[i]);
      }
    }
  }

  void csv_row() {
    const auto& f = csv.fields();
    if (f.size() != header.size()) {
      throw data_error(where(record_line) + std::to_string(f.size()) + " field" +
                       (f.size() == 1 ? "" : "s") + ", but the header has " +
                       std::to_string(header.size()));
    }
    const std::size_t start = t.text_.size();
    for (std::size_t c = 0; c < out_src.size(); ++c) {
      const CsvField& v = f[out_src[c]];
      t.text_ += name_json[c];
      if (v.text.empty() && !v.quoted) {
        t.text_ += "null";
      } else {
        append_json_string(t.text_, v.text);
      }
      t.cell_end_.push_back(static_cast<std::uint32_t>(t.text_.size() - start));
    }
    for (std::size_t i = 0; i < key_src.size(); ++i) {
      const CsvField& v = f[key_src[i]];
      part_ok[i] = !(v.text.empty() && !v.quoted);
      parts[i].assign(v.text);
    }
    end_row(record_line);
  }

  void csv_end() {
    if (csv.in_record()) {
      throw data_error(where(record_line) +
                       "unterminated quoted field (its closing quote is missing; a half-written "
                       "file?)");
    }
    if (!header_done) throw data_error(spec.path + ": empty CSV file (expected a header line)");
  }

  // A key column left out of the default output columns.
  bool omitted(std::string_view name) const {
    return std::find(spec.keys.begin(), spec.keys.end(), name) != spec.keys.end() &&
           std::find(spec.kept_keys.begin(), spec.kept_keys.end(), name) == spec.kept_keys.end();
  }

  // ---- NDJSON ----

  void ndjson_start() {
    if (spec.select) {
      for (const auto& s : *spec.select) add_column(s);
    } else {
      growing = true;
    }
  }

  void ndjson_line(const Line& line, std::string_view text) {
    if (blank(text) || is_control(text)) return;  // an sx stream's control records
    if (!reader.open(text, &why)) throw data_error(where(line.number) + why);
    cells.clear();
    spans.assign(t.columns_.size(), {kAbsent, kAbsent});
    std::fill(part_ok.begin(), part_ok.end(), 0);
    const bool ok = reader.for_each_field(
        [&](std::string_view name, const JsonValue& v) {
          if (!seen_set.contains(name)) {
            seen_set.emplace(name);
            seen.emplace_back(name);
          }
          for (std::size_t i = 0; i < spec.keys.size(); ++i) {
            if (spec.keys[i] == name) part_ok[i] = join_key_text(v, &parts[i]);
          }
          auto it = out_index.find(name);
          if (it == out_index.end()) {
            if (!growing || omitted(name)) return;
            add_column(std::string(name));
            spans.emplace_back(kAbsent, kAbsent);
            it = out_index.find(name);
          }
          const auto begin = static_cast<std::uint32_t>(cells.size());
          switch (v.type) {
            case JsonType::kNull:
              cells += "null";
              break;
            case JsonType::kBool:
              cells += v.boolean ? "true" : "false";
              break;
            case JsonType::kString:
              append_json_string(cells, v.text);
              break;
            default:
              cells += v.text;
          }
          spans[it->second] = {begin, static_cast<std::uint32_t>(cells.size())};
        },
        &why);
    if (!ok) throw data_error(where(line.number) + why);
    const std::size_t start = t.text_.size();
    for (std::size_t c = 0; c < t.columns_.size(); ++c) {
      t.text_ += name_json[c];
      const auto [b, e] = spans[c];
      if (b == kAbsent) {
        t.text_ += "null";
      } else {
        t.text_.append(cells, b, e - b);
      }
      t.cell_end_.push_back(static_cast<std::uint32_t>(t.text_.size() - start));
    }
    if (growing) row_columns.push_back(static_cast<std::uint32_t>(t.columns_.size()));
    end_row(line.number);
  }

  void ndjson_end() {
    if (t.rows() > 0) {
      for (const auto& k : spec.keys) {
        if (!seen_set.contains(k)) throw missing_column("--on", k, seen);
      }
      if (spec.select) {
        for (const auto& s : *spec.select) {
          if (!seen_set.contains(s)) throw missing_column("--select", s, seen);
        }
      }
    }
    // Rows read before a column first appeared lack it: give them nulls, so
    // that every fragment has every column.
    const std::size_t n = t.columns_.size();
    if (!growing || std::all_of(row_columns.begin(), row_columns.end(),
                                [n](std::uint32_t k) { return k == n; })) {
      return;
    }
    std::string text;
    text.reserve(t.text_.size() + t.rows() * 8);
    std::vector<std::uint64_t> off{0};
    std::vector<std::uint32_t> ends;
    ends.reserve(t.rows() * n);
    std::size_t cell = 0;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      const std::size_t k = row_columns[r];
      text.append(t.fragment(static_cast<std::uint32_t>(r)));
      ends.insert(ends.end(), t.cell_end_.begin() + static_cast<std::ptrdiff_t>(cell),
                  t.cell_end_.begin() + static_cast<std::ptrdiff_t>(cell + k));
      cell += k;
      std::uint32_t end = k == 0 ? 0 : ends.back();
      for (std::size_t c = k; c < n; ++c) {
        text += name_json[c];
        text += "null";
        end += static_cast<std::uint32_t>(name_json[c].size() + 4);
        ends.push_back(end);
      }
      off.push_back(text.size());
    }
    t.text_ = std::move(text);
    t.frag_off_ = std::move(off);
    t.cell_end_ = std::move(ends);
  }
};

StaticTable::~StaticTable() {
  if (pin_fd_ >= 0) ::close(pin_fd_);
}

std::unique_ptr<StaticTable> StaticTable::load(const StaticSpec& spec) {
  auto table = std::make_unique<StaticTable>();
  auto reader = LineReader::open(spec.path, spec.max_line_bytes);
  table->pin_fd_ = ::fcntl(reader->fd(), F_DUPFD_CLOEXEC, 0);
  struct stat st;
  if (::fstat(reader->fd(), &st) == 0) {
    FileIdentity& id = table->identity_;
    id.dev = static_cast<std::uint64_t>(st.st_dev);
    id.ino = static_cast<std::uint64_t>(st.st_ino);
    id.size = static_cast<std::uint64_t>(st.st_size);
    id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  }
  TableBuilder b(spec, *table);
  StaticFormat format =
      spec.format == StaticFormat::kAuto ? static_format_from_name(spec.path) : spec.format;
  if (format == StaticFormat::kNdjson) b.ndjson_start();
  Line line;
  while (reader->next(&line)) {
    if (line.too_long) {
      throw data_error(b.where(line.number) + too_long_reason(spec.max_line_bytes));
    }
    std::string_view text = line.text;
    if (line.number == 1 && text.starts_with(kBom)) text.remove_prefix(kBom.size());
    if (format == StaticFormat::kAuto) {
      if (blank(text)) continue;
      format =
          text[text.find_first_not_of(" \t")] == '{' ? StaticFormat::kNdjson : StaticFormat::kCsv;
      if (format == StaticFormat::kNdjson) b.ndjson_start();
    }
    if (format == StaticFormat::kCsv) {
      b.csv_line(line, text);
    } else {
      b.ndjson_line(line, text);
    }
  }
  if (format == StaticFormat::kCsv) {
    b.csv_end();
  } else {
    if (format == StaticFormat::kAuto) b.ndjson_start();  // nothing but blank lines
    b.ndjson_end();
  }
  table->last_ = {};
  return table;
}

void StaticReload::check(const StaticSpec& spec, const FileIdentity& current,
                         const std::function<void(std::unique_ptr<StaticTable>)>& install) {
  const auto id = file_identity(spec.path);
  if (!id) {
    if (!missing_warned_) {
      warn(errno_text(spec.path) +
           "; keeping the table read before (checked again at "
           "each epoch)");
    }
    missing_warned_ = true;
    return;
  }
  missing_warned_ = false;
  if (*id == current || (failed_ && *failed_ == *id)) return;
  try {
    install(StaticTable::load(spec));
    failed_.reset();
  } catch (const Error& e) {
    warn(std::string(e.what()) +
         "; keeping the table read before (read again when the file changes)");
    failed_ = *id;
  }
}

}  // namespace sx
