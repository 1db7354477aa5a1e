#include "ops/map.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "base/error.h"
#include "expr/expr.h"
#include "io/json.h"
#include "stream/control_record.h"
#include "stream/field_usage.h"

namespace sx {

std::vector<std::string> split_top_level(std::string_view list) {
  std::vector<std::string> out;
  int depth = 0;
  char quote = 0;
  std::size_t start = 0;
  auto push = [&](std::size_t end) {
    std::string_view item = list.substr(start, end - start);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) {
      item.remove_prefix(1);
    }
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) {
      item.remove_suffix(1);
    }
    out.emplace_back(item);
  };
  for (std::size_t i = 0; i < list.size(); ++i) {
    const char c = list[i];
    if (quote != 0) {
      if (c == '\\' && quote != '`' && i + 1 < list.size()) {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '\'' || c == '"' || c == '`') {
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if ((c == ')' || c == ']') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      push(i);
      start = i + 1;
    }
  }
  push(list.size());
  return out;
}

namespace {

using expr::Expr;

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// A top-level field name as written in --set NAME=, --drop, --rename: plain,
// or in backticks for other names (`a b`).
std::string field_name(std::string_view text, const std::string& flag) {
  std::string name = trim(text);
  if (name.size() >= 2 && name.front() == '`' && name.back() == '`') {
    name = name.substr(1, name.size() - 2);
  } else if (name.find_first_of(" \t<>!=()'\"") != std::string::npos) {
    name.clear();
  }
  if (name.empty()) {
    throw usage_error(flag + ": '" + trim(text) +
                      "' is not a field name (a top-level field; write other names in "
                      "backticks: `a b`)");
  }
  return name;
}

// "NAME=EXPR" (--set) or "A=B" (--rename): split at the first '='.
std::pair<std::string, std::string> split_assignment(const std::string& text,
                                                     const std::string& flag, const char* shape) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 >= text.size()) {
    throw usage_error(flag + " '" + text + "': expected " + shape);
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

// A field's value as JSON text, as it was written where the reader kept the
// text (numbers keep their digits).
void append_field(std::string& out, const JsonValue& v) {
  switch (v.type) {
    case JsonType::kString:
      append_json_string(out, v.text);
      break;
    case JsonType::kNull:
    case JsonType::kMissing:
      out += "null";
      break;
    case JsonType::kBool:
      out += v.boolean ? "true" : "false";
      break;
    default:
      if (!v.text.empty()) {
        out.append(v.text);
      } else {
        expr::append_json(out, expr::from_json(v));
      }
  }
}

// One step, parsed once.
struct Step {
  MapStep::Kind kind;
  std::string flag;                // "--where 'a > 1'": for messages
  std::vector<Expr> exprs;         // --where: 1; --set: 1; --select: one per column
  std::vector<std::string> names;  // --set: the field; --select: the columns; --drop: the fields
  std::vector<std::pair<std::string, std::string>> renames;  // --rename: from, to
  std::unique_ptr<FieldSet> fields;                          // what the expressions read
  std::vector<std::size_t> usage;  // FieldUsage index of each of fields' paths
  // --select: for a column that is a field, the index of its value in the
  // values read (its bytes are kept); SIZE_MAX for an expression.
  std::vector<std::size_t> raw;
};

// A field of a record being rebuilt: its key (unescaped) and value (JSON text).
struct Field {
  std::string key;
  std::string value;
};

}  // namespace

struct MapOperator::Impl {
  Output& out;
  BadInputPolicy& bad;
  std::vector<Step> steps;
  bool reshapes = false;  // a step other than --where
  RecordReader reader;
  std::vector<JsonValue> vals;
  expr::Scratch scratch;
  FieldUsage usage;
  std::string why;
  // The record as fields, and the two buffers it is rebuilt into in turn
  // (the text being read is in one, the new one goes in the other).
  std::vector<Field> fields;
  std::size_t nfields = 0;
  std::string buf[2];
  int next_buf = 0;
  std::string value;  // one value's JSON text
  bool header_pending = false;
  std::string header;  // the rewritten stream header

  Impl(const MapOptions& opt, Output& o, BadInputPolicy& b) : out(o), bad(b) {
    for (const MapStep& s : opt.steps) steps.push_back(compile(s));
    std::size_t most = 0;
    for (const Step& s : steps) {
      if (s.fields) most = std::max(most, s.fields->size());
      reshapes |= s.kind != MapStep::Kind::kWhere;
    }
    vals.resize(most);
  }

  // A step's parse errors name its flag.
  Step compile(const MapStep& s) {
    static const char* const kFlags[] = {"--where", "--set", "--select", "--drop", "--rename"};
    try {
      return compile_step(s);
    } catch (const Error& e) {
      const std::string flag = kFlags[static_cast<int>(s.kind)];
      if (e.kind() != Error::Kind::kUsage || std::string_view(e.what()).starts_with(flag)) throw;
      throw usage_error(flag + ": " + e.what());
    }
  }

  Step compile_step(const MapStep& s) {
    Step st;
    st.kind = s.kind;
    switch (s.kind) {
      case MapStep::Kind::kWhere:
        st.flag = "--where '" + s.text + "'";
        st.exprs.push_back(Expr::parse(s.text));
        break;
      case MapStep::Kind::kSet: {
        st.flag = "--set '" + s.text + "'";
        const auto [name, text] = split_assignment(s.text, "--set", "NAME=EXPR");
        st.names.push_back(field_name(name, "--set '" + s.text + "'"));
        st.exprs.push_back(Expr::parse(text));
        break;
      }
      case MapStep::Kind::kSelect:
        st.flag = "--select '" + s.text + "'";
        for (const std::string& item : split_top_level(s.text)) {
          if (item.empty()) throw usage_error(st.flag + ": an empty column (two commas?)");
          Expr e = Expr::parse(item);
          // Spark names a column by its alias, a field by its last part
          // (select("a.b") is "b"), anything else by its text.
          std::string name = e.named()      ? e.name()
                             : e.is_field() ? e.fields().front().parts().back()
                                            : e.text();
          if (std::find(st.names.begin(), st.names.end(), name) != st.names.end()) {
            throw usage_error(st.flag + ": two columns named '" + name +
                              "' (a record has one value per key: rename one with AS)");
          }
          st.names.push_back(std::move(name));
          st.exprs.push_back(std::move(e));
        }
        break;
      case MapStep::Kind::kDrop:
        st.flag = "--drop '" + s.text + "'";
        for (const std::string& item : split_top_level(s.text)) {
          st.names.push_back(field_name(item, st.flag));
        }
        break;
      case MapStep::Kind::kRename:
        st.flag = "--rename '" + s.text + "'";
        for (const std::string& item : split_top_level(s.text)) {
          const auto [from, to] = split_assignment(item, "--rename", "OLD=NEW");
          st.renames.emplace_back(field_name(from, st.flag), field_name(to, st.flag));
        }
        break;
    }
    if (!st.exprs.empty()) {
      std::vector<FieldPath> paths;
      for (const Expr& e : st.exprs) {
        for (const FieldPath& p : e.fields()) {
          const bool have = std::any_of(paths.begin(), paths.end(),
                                        [&](const FieldPath& q) { return q.text() == p.text(); });
          if (!have) paths.push_back(p);
        }
      }
      for (Expr& e : st.exprs) {
        e.bind(paths);
        std::size_t raw = SIZE_MAX;
        if (st.kind == MapStep::Kind::kSelect && e.is_field()) {
          for (std::size_t j = 0; j < paths.size(); ++j) {
            if (paths[j].text() == e.fields().front().text()) raw = j;
          }
        }
        st.raw.push_back(raw);
      }
      for (const FieldPath& p : paths) st.usage.push_back(usage.add(st.flag, p));
      st.fields = std::make_unique<FieldSet>(paths);
    }
    return st;
  }

  // The stream header with the columns and the time field as the steps
  // leave them.
  void rewrite_header(const StreamInfo& in) {
    StreamInfo info = in;
    bool time_kept = true;
    for (const Step& s : steps) {
      auto& cols = info.columns;
      switch (s.kind) {
        case MapStep::Kind::kWhere:
          break;
        case MapStep::Kind::kSet:
          if (!cols.empty() && std::find(cols.begin(), cols.end(), s.names[0]) == cols.end()) {
            cols.push_back(s.names[0]);
          }
          break;
        case MapStep::Kind::kSelect: {
          bool has_time = false;
          for (std::size_t i = 0; i < s.exprs.size(); ++i) {
            const Expr& e = s.exprs[i];
            if (e.is_field() && e.fields().front().text() == info.time_field &&
                s.names[i] == info.time_field) {
              has_time = true;
            }
          }
          time_kept &= has_time;
          if (!cols.empty() || !in.columns.empty()) cols = s.names;
          break;
        }
        case MapStep::Kind::kDrop:
          for (const std::string& n : s.names) {
            cols.erase(std::remove(cols.begin(), cols.end(), n), cols.end());
            if (n == info.time_field) time_kept = false;
          }
          break;
        case MapStep::Kind::kRename:
          for (const auto& [from, to] : s.renames) {
            std::replace(cols.begin(), cols.end(), from, to);
            if (from == info.time_field && time_kept) info.time_field = to;
          }
          break;
      }
    }
    if (!time_kept) {
      // The event time is gone from the records: the stream has none now.
      info.time_field.clear();
      info.watermark_delay = -1;
      info.time_shift = 0;
    }
    header = make_stream_record(info);
  }

  // Reads step `s`'s fields from `text` into vals. False (reported) for a
  // record that is not a JSON object.
  bool read(const Step& s, std::string_view text, const Line& line, const std::string& source) {
    if (!reader.read_fields(text, *s.fields, vals.data(), &why)) {
      bad.handle(reader.open_failure(), source, line.number, why, line.text);
      return false;
    }
    if (usage.pending()) {
      for (std::size_t j = 0; j < s.usage.size(); ++j) usage.check(s.usage[j], vals[j], reader);
    }
    return true;
  }

  // Evaluates expression i of `s` on the values read; false (reported) on a
  // type error.
  bool eval(const Step& s, std::size_t i, expr::Value* v, const Line& line,
            const std::string& source) {
    try {
      *v = s.exprs[i].eval(vals.data(), scratch);
      return true;
    } catch (const Error& e) {
      if (e.kind() != Error::Kind::kData) throw;
      bad.handle(BadKind::kBadValue, source, line.number, s.flag + ": " + e.what(), line.text);
      return false;
    }
  }

  // The fields of `text` (last value wins for a key given twice, at the
  // place of the first, as jq reads such an object).
  bool load(std::string_view text, const Line& line, const std::string& source) {
    nfields = 0;
    if (!reader.open(text, &why)) {
      bad.handle(reader.open_failure(), source, line.number, why, line.text);
      return false;
    }
    return reader.for_each_field(
               [&](std::string_view key, const JsonValue& v) {
                 std::string* val = nullptr;
                 for (std::size_t i = 0; i < nfields; ++i) {
                   if (fields[i].key == key) val = &fields[i].value;
                 }
                 if (val == nullptr) {
                   if (nfields == fields.size()) fields.emplace_back();
                   fields[nfields].key.assign(key);
                   val = &fields[nfields++].value;
                 }
                 val->clear();
                 append_field(*val, v);
               },
               &why) ||
           (bad.handle(BadKind::kMalformed, source, line.number, why, line.text), false);
  }

  Field* find(std::string_view key) {
    const std::size_t i = index_of(key);
    return i == nfields ? nullptr : &fields[i];
  }
  // The index of the field named `key` other than `skip`; nfields if none.
  std::size_t index_of(std::string_view key, std::size_t skip = SIZE_MAX) const {
    for (std::size_t i = 0; i < nfields; ++i) {
      if (i != skip && fields[i].key == key) return i;
    }
    return nfields;
  }

  // The fields as a record, in the next buffer; the view excludes the
  // padding after it.
  std::string_view rebuild() {
    std::string& b = buf[next_buf];
    next_buf ^= 1;
    b.clear();
    b.push_back('{');
    for (std::size_t i = 0; i < nfields; ++i) {
      if (i > 0) b.push_back(',');
      append_json_string(b, fields[i].key);
      b.push_back(':');
      b.append(fields[i].value);
    }
    b.push_back('}');
    const std::size_t n = b.size();
    b.append(kLinePadding, ' ');
    return {b.data(), n};
  }

  void on_record(const Line& line, const std::string& source) {
    std::string_view cur = line.text;
    expr::Value v;
    for (const Step& s : steps) {
      switch (s.kind) {
        case MapStep::Kind::kWhere:
          if (!read(s, cur, line, source) || !eval(s, 0, &v, line, source)) return;
          if (!expr::is_true(v)) return;  // false and null do not pass (SQL's WHERE)
          break;
        case MapStep::Kind::kSet: {
          if (!read(s, cur, line, source) || !eval(s, 0, &v, line, source)) return;
          value.clear();
          expr::append_json(value, v);
          if (!load(cur, line, source)) return;
          Field* f = find(s.names[0]);
          if (f == nullptr) {  // a new field goes last (Spark's withColumn)
            if (nfields == fields.size()) fields.emplace_back();
            f = &fields[nfields++];
            f->key = s.names[0];
          }
          f->value = value;
          cur = rebuild();
          break;
        }
        case MapStep::Kind::kSelect: {
          if (!read(s, cur, line, source)) return;
          // The columns' values, each written out before the next eval
          // (which reuses the scratch space).
          std::size_t n = 0;
          for (std::size_t i = 0; i < s.exprs.size(); ++i) {
            if (n == fields.size()) fields.emplace_back();
            fields[n].key = s.names[i];
            fields[n].value.clear();
            if (s.raw[i] != SIZE_MAX) {
              append_field(fields[n].value, vals[s.raw[i]]);
            } else {
              if (!eval(s, i, &v, line, source)) return;
              expr::append_json(fields[n].value, v);
            }
            ++n;
          }
          nfields = n;
          cur = rebuild();
          break;
        }
        case MapStep::Kind::kDrop: {
          if (!load(cur, line, source)) return;
          std::size_t k = 0;
          for (std::size_t i = 0; i < nfields; ++i) {
            if (std::find(s.names.begin(), s.names.end(), fields[i].key) != s.names.end()) {
              continue;
            }
            if (k != i) std::swap(fields[k], fields[i]);
            ++k;
          }
          nfields = k;
          cur = rebuild();
          break;
        }
        case MapStep::Kind::kRename: {
          if (!load(cur, line, source)) return;
          for (const auto& [from, to] : s.renames) {
            const std::size_t f = index_of(from);
            if (f == nfields) continue;  // as Spark's withColumnRenamed: a no-op
            fields[f].key = to;
            // A field already named `to` gives way to the renamed one.
            const std::size_t clash = index_of(to, f);
            if (clash != nfields) {
              std::rotate(fields.begin() + static_cast<std::ptrdiff_t>(clash),
                          fields.begin() + static_cast<std::ptrdiff_t>(clash) + 1,
                          fields.begin() + static_cast<std::ptrdiff_t>(nfields));
              --nfields;
            }
          }
          cur = rebuild();
          break;
        }
      }
    }
    out.write_line(cur);
  }
};

MapOperator::MapOperator(const MapOptions& options, Output& out, BadInputPolicy& bad)
    : Operator(out), impl_(std::make_unique<Impl>(options, out, bad)) {}
MapOperator::~MapOperator() = default;

void MapOperator::on_start(const StreamStart& start) {
  if (start.header != nullptr) {
    impl_->rewrite_header(*start.header);
    impl_->header_pending = true;
  }
}

void MapOperator::on_record(const Line& line, const std::string& source) {
  impl_->on_record(line, source);
}

void MapOperator::on_control(const Control& control, std::string_view raw) {
  if (control.type == ControlType::kStream) {
    // A header after data records is not a stream's header: drop it as
    // the other stages do; the first is written as the steps leave it.
    if (!impl_->header_pending) return;
    impl_->header_pending = false;
    out_.write_line(impl_->reshapes ? std::string_view(impl_->header) : raw);
    return;
  }
  out_.write_line(raw);
}

void MapOperator::on_end() { impl_->usage.warn_unseen(); }

StageStats MapOperator::stats() const { return {0, 0, 0, &impl_->usage}; }

}  // namespace sx
