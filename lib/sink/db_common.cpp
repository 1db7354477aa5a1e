#include "sink/db_common.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <random>

#include "base/error.h"
#include "base/event_time.h"

namespace sx::db {

namespace {

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace

// "name" with '"' doubled: an SQL identifier whatever its bytes.
std::string ident(std::string_view name) {
  std::string q = "\"";
  for (const char c : name) {
    q += c;
    if (c == '"') q += '"';
  }
  q += '"';
  return q;
}

ColKind kind_of_declared(std::string_view declared) {
  const std::string t = upper(declared);
  if (t.empty()) return ColKind::kAny;
  if (t == "BOOLEAN" || t == "BOOL") return ColKind::kBool;
  if (t == "JSON" || t == "JSONB") return ColKind::kJson;
  if (t.find("INT") != std::string::npos) return ColKind::kNumber;
  if (t.find("CHAR") != std::string::npos || t.find("CLOB") != std::string::npos ||
      t.find("TEXT") != std::string::npos) {
    return ColKind::kText;
  }
  if (t.find("REAL") != std::string::npos || t.find("FLOA") != std::string::npos ||
      t.find("DOUB") != std::string::npos || t.find("NUMERIC") != std::string::npos ||
      t.find("DECIMAL") != std::string::npos) {
    return ColKind::kNumber;
  }
  return ColKind::kAny;
}

bool accepts(ColKind k, JsonType t) {
  if (t == JsonType::kNull || t == JsonType::kMissing) return true;
  switch (k) {
    case ColKind::kAny:
      return true;
    case ColKind::kNumber:
      return t == JsonType::kInt || t == JsonType::kUint || t == JsonType::kDouble;
    case ColKind::kText:
      return t == JsonType::kString;
    case ColKind::kBool:
      return t == JsonType::kBool;
    case ColKind::kJson:
      return t == JsonType::kObject || t == JsonType::kArray;
  }
  return false;
}

const char* kind_name(ColKind k) {
  switch (k) {
    case ColKind::kAny:
      return "any value";
    case ColKind::kNumber:
      return "numbers";
    case ColKind::kText:
      return "strings";
    case ColKind::kBool:
      return "booleans";
    case ColKind::kJson:
      return "objects and arrays";
  }
  return "";
}

std::string now_text() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return format_time(EventTime{us});
}

int column_index(const std::vector<Column>& columns, std::string_view name) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string column_list(const std::vector<Column>& columns) {
  std::string s;
  for (const Column& c : columns) s += (s.empty() ? "" : ", ") + c.name;
  return s;
}

void check_table(const std::vector<Column>& columns, const std::vector<std::string>& keys,
                 const std::vector<std::string>& header_columns, const std::string& where,
                 const std::string& table) {
  for (const std::string& k : keys) {
    if (column_index(columns, k) < 0) {
      throw usage_error(
          where + " has no column " + k +
          " for the key (--key or the stream header's keys); its columns: " + column_list(columns));
    }
  }
  for (const std::string& c : header_columns) {
    if (column_index(columns, c) < 0) {
      throw usage_error(where + " has no column " + c + ", which the stream's rows have: " +
                        "add it (ALTER TABLE " + ident(table) + " ADD COLUMN " + ident(c) +
                        " ...), or write to a new table; its columns: " + column_list(columns));
    }
  }
}

void check_keys_in(const std::vector<std::string>& names, const std::vector<std::string>& keys,
                   const std::string& where) {
  for (const std::string& k : keys) {
    if (std::find(names.begin(), names.end(), k) != names.end()) continue;
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw usage_error(where + ": the key column " + k +
                      " is not a field of the rows (their fields: " + list + "); check --key");
  }
}

bool RowReader::read(const Line& line, const std::string& source, BadInputPolicy& bad) {
  fields_.clear();
  const bool ok = reader_.open(line.text, &why_) &&
                  reader_.for_each_field(
                      [this](std::string_view k, const JsonValue& v) {
                        for (auto& f : fields_) {
                          if (f.first == k) {  // a repeated key: the last value wins
                            f.second = v;
                            return;
                          }
                        }
                        fields_.emplace_back(std::string(k), v);
                      },
                      &why_);
  if (!ok) bad.handle(reader_.open_failure(), source, line.number, why_, line.text);
  return ok;
}

const JsonValue* RowReader::field(std::string_view name) const {
  for (const auto& [k, v] : fields_) {
    if (k == name) return &v;
  }
  return nullptr;
}

bool RowReader::match(const std::vector<Column>& columns, const Line& line,
                      const std::string& source, BadInputPolicy& bad, const std::string& where,
                      const std::string& table, bool integers_only) {
  slots_.assign(columns.size(), nullptr);
  for (std::size_t f = 0; f < fields_.size(); ++f) {
    const auto& [k, v] = fields_[f];
    // The fields come in the columns' order, usually.
    const int i =
        f < columns.size() && columns[f].name == k ? static_cast<int>(f) : column_index(columns, k);
    if (i < 0) {
      bad.handle(BadKind::kBadValue, source, line.number,
                 "field \"" + k + "\" has no column in " + where + " (add it: ALTER TABLE " +
                     ident(table) + " ADD COLUMN " + ident(k) +
                     " ..., or drop the field with sx-map --drop " + k + ")",
                 line.text);
      return false;
    }
    const Column& c = columns[static_cast<std::size_t>(i)];
    const bool fraction = integers_only && v.type == JsonType::kDouble && c.integer;
    if (!accepts(c.kind, v.type) || fraction) {
      bad.handle(BadKind::kBadValue, source, line.number,
                 "field \"" + k + "\" is " +
                     (fraction ? std::string("a number with a fraction") : json_type_name(v.type)) +
                     " but column " + k + " of " + where + " is " + c.declared + " (it takes " +
                     (fraction ? "integers" : kind_name(c.kind)) + ")",
                 line.text);
      return false;
    }
    slots_[static_cast<std::size_t>(i)] = &v;
  }
  return true;
}

namespace {

// The checkpoint's identity for the commit table: made at the first run with
// --db (the part db-id of the sink's folder), gone with sx-read --reset.
std::string checkpoint_identity(CheckpointDir& ckpt) {
  if (const auto part = ckpt.read_part("db-id")) return part->payload;
  std::random_device rd;
  std::string id;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) id += kHex[rd() % 16];
  ckpt.write_part("db-id", CheckpointMeta{ckpt.stage(), 0, {}}, id, 0);
  return id;
}

// The table's newest epoch of this pipeline (db_epoch, -1: none, written
// through the checkpoint identity db_id) against the checkpoint's newest
// commit (committed, identity ckpt_id): equal, or one ahead (a crash after
// the database's commit, before the checkpoint's). Anything else throws a
// usage_error that says how to rebuild.
void check_commits(const std::string& where, const std::string& row, std::int64_t db_epoch,
                   const std::string& db_id, std::int64_t committed, const std::string& ckpt_id) {
  const bool other = db_epoch >= 0 && db_id != ckpt_id;
  if (!other && (db_epoch == committed || db_epoch == committed + 1)) return;
  if (committed < 0 || other) {
    throw usage_error(where + " already holds epochs up to " + std::to_string(db_epoch) +
                      " of this pipeline, written through another checkpoint (this one was "
                      "reset, or is new): writing its epochs again would double them. Empty "
                      "the table and delete its " +
                      row + " to write it again, or give another --name");
  }
  if (db_epoch < committed) {
    throw usage_error(where + " holds epochs up to " + std::to_string(db_epoch) +
                      " of this pipeline but the checkpoint committed up to " +
                      std::to_string(committed) +
                      ": the table lost epochs (restored or recreated?). Rebuild it from the "
                      "start: sx-read --reset on the checkpoint, empty the table and delete "
                      "its " +
                      row);
  }
  throw usage_error(where + " holds epochs up to " + std::to_string(db_epoch) +
                    " of this pipeline, more than one past the checkpoint's " +
                    std::to_string(committed) +
                    " (the checkpoint was restored from an older copy?): the stages upstream "
                    "would replay epochs the table has. Restore the matching checkpoint, or "
                    "rebuild from the start (sx-read --reset, empty the table, delete its " +
                    row + ")");
}

}  // namespace

void EpochLedger::settle(const std::string& where) {
  committed_ = ckpt_ ? ckpt_->last_committed() : -1;
  if (ckpt_) ckpt_id_ = checkpoint_identity(*ckpt_);
  if (recording()) {
    check_commits(where,
                  "sx_commits row (pipeline '" + opt_.pipeline + "', tbl '" + opt_.table + "')",
                  db_epoch_, db_id_, committed_, ckpt_id_);
  }
}

void EpochLedger::checkpoint_commit(std::int64_t id, const char* kind) {
  if (!ckpt_) return;
  ckpt_->commit(id, std::string(kind) + "\n" + opt_.table + "\n");
  committed_ = id;
}

Column make_column(std::string name, std::string declared) {
  const ColKind kind = kind_of_declared(declared);
  const bool integer = upper(declared).find("INT") != std::string::npos;
  return {std::move(name), std::move(declared), kind, integer};
}

std::vector<std::string> key_columns(const DbSinkOptions& opt, const SinkHeader& header) {
  std::vector<std::string> keys = !opt.key.empty() ? opt.key : header.keys;
  if (opt.mode == SinkMode::kUpdate && keys.empty()) {
    throw usage_error(
        "--db with --mode update upserts rows by their key, and the stream header names none: "
        "give the key columns, e.g. --key window_start,window_end,user_id");
  }
  return keys;
}

std::vector<std::string> RowReader::new_table_names(
    const std::vector<std::string>& header_columns) const {
  std::vector<std::string> names = header_columns;
  for (const auto& [k, v] : fields_) {
    (void)v;
    if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
  }
  return names;
}

}  // namespace sx::db
