#include "ops/join.h"

#include <algorithm>

#include "base/diag.h"
#include "base/error.h"
#include "io/checkpoint_file.h"
#include "stream/checkpoint.h"
#include "stream/field_usage.h"

namespace sx {

// ---- flags ----

JoinHow parse_join_how(const std::string& name) {
  if (name == "inner") return JoinHow::kInner;
  if (name == "left" || name == "left_outer" || name == "leftouter") return JoinHow::kLeft;
  if (name == "semi" || name == "left_semi" || name == "leftsemi") return JoinHow::kSemi;
  if (name == "anti" || name == "left_anti" || name == "leftanti") return JoinHow::kAnti;
  if (name == "right" || name == "right_outer" || name == "full" || name == "outer" ||
      name == "full_outer") {
    throw usage_error("--how " + name +
                      ": a stream-static join cannot be a right or full outer join (as in "
                      "Spark: it would have to wait for the end of the stream to know which "
                      "static rows never matched); use inner, left, semi or anti");
  }
  throw usage_error("--how: '" + name + "' is not a join type (use inner, left, semi or anti)");
}

JoinKey parse_join_key(const std::string& spec) {
  const std::size_t eq = spec.find('=');
  JoinKey k;
  k.stream = spec.substr(0, eq);
  k.table = eq == std::string::npos ? spec : spec.substr(eq + 1);
  if (k.stream.empty() || k.table.empty()) {
    throw usage_error("--on: '" + spec + "' is not a key (write KEY, or STREAM_KEY=STATIC_KEY)");
  }
  FieldPath::parse(k.stream);  // throws for "a..b"
  return k;
}

// ---- the operator ----

namespace {

BadKind bad_kind(const std::string& why) {
  if (why.starts_with("not a JSON object")) return BadKind::kNotObject;
  if (why == "invalid UTF-8") return BadKind::kInvalidUtf8;
  return BadKind::kMalformed;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

struct JoinOperator::Impl {
  JoinOptions opt;
  Output& out;
  BadInputPolicy& bad;
  std::string prefix;
  std::vector<FieldPath> key_paths;
  FieldUsage usage;  // --on stream keys that no record had
  const bool joins;  // inner or left: static columns are appended

  // What a table needs to probe and write: rebuilt with each table.
  struct Plan {
    std::unique_ptr<StaticTable> table;
    std::unique_ptr<FieldSet> fields;
    std::vector<std::size_t> key_at;  // index in `values` of each key part
    // Per output column: index in `values` of the stream field of that name
    // (a clash), or -1 when the name is no plain field name (a dot, empty):
    // those are checked by a walk over the record's keys.
    std::vector<int> clash_at;
    bool slow_clash = false;
    std::vector<std::string> name_json;      // ,"name":
    std::vector<std::string> prefixed_json;  // ,"P_name":
    std::string null_fragment;               // left join, no match
    std::vector<char> header_clash;          // the name is among the stream header's columns
  };
  std::unique_ptr<Plan> plan;

  // The stream header's columns, when it lists them.
  std::vector<std::string> header_columns;

  std::unique_ptr<StageCheckpoint> ckpt;  // --checkpoint: the table version per epoch

  // Reads the checkpoint when the stream begins, not at launch: upstream,
  // sx-read --reset may still be emptying it (its header comes after that).
  // An empty input opens none: there is nothing to join or to save.
  void on_start(const StreamStart& s) {
    if (!s.header && s.how == HeaderlessStart::kEmpty) return;
    if (!opt.checkpoint.empty()) {
      Fingerprint fp{{"static", opt.table.path}};
      for (const auto& k : opt.on) fp.emplace_back("on", k.stream + "=" + k.table);
      fp.emplace_back("how", std::string(opt.how == JoinHow::kInner  ? "inner"
                                         : opt.how == JoinHow::kLeft ? "left"
                                         : opt.how == JoinHow::kSemi ? "semi"
                                                                     : "anti"));
      ckpt = std::make_unique<StageCheckpoint>(opt.checkpoint, opt.name, fp);
      if (const auto state = ckpt->load()) {
        PayloadReader r(*state, "checkpoint " + opt.checkpoint + "/" + opt.name + "/" +
                                    std::to_string(ckpt->resumed()));
        FileIdentity saved;
        saved.dev = r.get_u64();
        saved.ino = r.get_u64();
        saved.size = r.get_u64();
        saved.mtime_ns = r.get_i64();
        r.expect_end();
        if (!(saved == plan->table->identity())) {
          warn(opt.table.path +
               " is not the version the checkpoint's epochs were joined with "
               "(it changed since); the replayed epochs join with the file as it is now");
        }
      }
    }
  }

  // --reload.
  StaticReload reload;

  // Scratch.
  RecordReader reader;
  std::vector<JsonValue> values;
  std::vector<char> clash;
  std::string why, key, part;

  Impl(const JoinOptions& o, Output& output, BadInputPolicy& b)
      : opt(o), out(output), bad(b), joins(o.how == JoinHow::kInner || o.how == JoinHow::kLeft) {
    if (opt.on.empty())
      throw usage_error("give the join key with --on KEY or --on STREAM_KEY=STATIC_KEY");
    if (!joins && (opt.table.select || opt.prefix)) {
      throw usage_error(std::string(opt.table.select ? "--select" : "--prefix") +
                        " goes with --how inner or left: semi and anti joins write the stream "
                        "records unchanged");
    }
    if (opt.prefix && opt.prefix->empty()) {
      throw usage_error(
          "--prefix must not be empty (a clashing static column would repeat a "
          "stream field's name)");
    }
    if (opt.reload && opt.table.path == "-") {
      throw usage_error("--reload needs a file (--static -, stdin, cannot be read again)");
    }
    if (opt.table.select) {
      const auto& s = *opt.table.select;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (std::find(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(i), s[i]) !=
            s.begin() + static_cast<std::ptrdiff_t>(i)) {
          throw usage_error("--select names \"" + s[i] + "\" twice");
        }
      }
    }
    prefix = opt.prefix ? *opt.prefix : static_base_name(opt.table.path) + "_";
    opt.table.keys.clear();
    opt.table.kept_keys.clear();
    for (const auto& k : opt.on) {
      key_paths.push_back(FieldPath::parse(k.stream));
      usage.add("--on", key_paths.back());
      opt.table.keys.push_back(k.table);
      if (k.stream != k.table) opt.table.kept_keys.push_back(k.table);
    }
    // A static column named as both a kept and a dropped key (--on a,b=a) is
    // dropped: the record has it already.
    for (const auto& k : opt.on) {
      if (k.stream == k.table) std::erase(opt.table.kept_keys, k.table);
    }
    // Semi and anti joins write no static column: keep only the keys.
    if (!joins) opt.table.select = std::vector<std::string>{};
    install(make_plan(StaticTable::load(opt.table)));
  }

  std::unique_ptr<Plan> make_plan(std::unique_ptr<StaticTable> table) {
    auto p = std::make_unique<Plan>();
    p->table = std::move(table);
    std::vector<FieldPath> paths;
    auto path_index = [&paths](const FieldPath& f) {
      for (std::size_t i = 0; i < paths.size(); ++i) {
        if (paths[i].text() == f.text()) return i;
      }
      paths.push_back(f);
      return paths.size() - 1;
    };
    for (const auto& k : key_paths) p->key_at.push_back(path_index(k));
    const auto& cols = p->table->columns();
    if (joins) {
      for (const auto& name : cols) {
        if (name.empty() || name.find('.') != std::string::npos) {
          p->clash_at.push_back(-1);
          p->slow_clash = true;
        } else {
          p->clash_at.push_back(static_cast<int>(path_index(FieldPath::parse(name))));
        }
        std::string j = ",";
        append_json_string(j, name);
        j += ':';
        p->null_fragment += j + "null";
        p->name_json.push_back(std::move(j));
        std::string pj =
            ",";  // a fresh string: assigning to the moved-from j trips GCC 12's -Wrestrict
        append_json_string(pj, prefix + name);
        pj += ':';
        p->prefixed_json.push_back(std::move(pj));
      }
    }
    p->fields = std::make_unique<FieldSet>(paths);
    set_header_clash(*p);
    return p;
  }

  void install(std::unique_ptr<Plan> p) {
    plan = std::move(p);
    values.resize(plan->fields->size());
    clash.resize(plan->table->columns().size());
  }

  void set_header_clash(Plan& p) {
    const auto& cols = p.table->columns();
    p.header_clash.assign(cols.size(), 0);
    for (std::size_t c = 0; c < cols.size(); ++c) {
      p.header_clash[c] =
          std::find(header_columns.begin(), header_columns.end(), cols[c]) != header_columns.end();
    }
  }

  // ---- records ----

  void on_record(const Line& line, const std::string& source) {
    Plan& p = *plan;
    if (!reader.read_fields(line.text, *p.fields, values.data(), &why)) {
      bad.handle(bad_kind(why), source, line.number, why, line.text);
      return;
    }
    if (usage.pending()) {
      for (std::size_t i = 0; i < p.key_at.size(); ++i) usage.check(i, values[p.key_at[i]], reader);
    }
    key.clear();
    bool has_key = true;
    for (const std::size_t at : p.key_at) {
      if (!join_key_text(values[at], &part)) {
        has_key = false;
        break;
      }
      append_key_part(key, part);
    }
    const std::uint32_t row = has_key ? p.table->find(key) : StaticTable::kNoRow;
    switch (opt.how) {
      case JoinHow::kSemi:
        if (row != StaticTable::kNoRow) out.write_line(line.text);
        return;
      case JoinHow::kAnti:
        if (row == StaticTable::kNoRow) out.write_line(line.text);
        return;
      case JoinHow::kInner:
        if (row == StaticTable::kNoRow) return;
        break;
      case JoinHow::kLeft:
        break;
    }
    // The record without its closing brace; is it {}?
    std::string_view body = line.text;
    while (!body.empty() && is_space(body.back())) body.remove_suffix(1);
    if (body.empty() || body.back() != '}') {
      bad.handle(BadKind::kMalformed, source, line.number,
                 "malformed JSON (text after the object's closing brace)", line.text);
      return;
    }
    body.remove_suffix(1);
    const std::size_t open = body.find('{');
    const bool empty = body.find_first_not_of(" \t\r\n", open + 1) == std::string_view::npos;

    bool any_clash = false;
    for (std::size_t c = 0; c < clash.size(); ++c) {
      clash[c] = p.header_clash[c] ||
                 (p.clash_at[c] >= 0 &&
                  values[static_cast<std::size_t>(p.clash_at[c])].type != JsonType::kMissing);
      any_clash |= clash[c] != 0;
    }
    if (p.slow_clash) {
      const auto& cols = p.table->columns();
      const bool ok = reader.for_each_field(
          [&](std::string_view name, const JsonValue&) {
            for (std::size_t c = 0; c < cols.size(); ++c) {
              if (p.clash_at[c] < 0 && cols[c] == name) clash[c] = 1, any_clash = true;
            }
          },
          &why);
      if (!ok) {
        bad.handle(bad_kind(why), source, line.number, why, line.text);
        return;
      }
    }

    if (!any_clash) {
      auto write = [&](std::string_view frag) {
        out.write(body);
        if (empty && !frag.empty()) frag.remove_prefix(1);
        out.write(frag);
        out.write("}\n");
        out.count_data_line();
      };
      if (row == StaticTable::kNoRow) {
        write(p.null_fragment);
      } else {
        for (std::uint32_t r = row; r != StaticTable::kNoRow; r = p.table->next(r)) {
          write(p.table->fragment(r));
        }
      }
      return;
    }
    auto write = [&](std::uint32_t r) {
      out.write(body);
      for (std::size_t c = 0; c < clash.size(); ++c) {
        std::string_view name = clash[c] ? p.prefixed_json[c] : p.name_json[c];
        if (c == 0 && empty) name.remove_prefix(1);
        out.write(name);
        out.write(r == StaticTable::kNoRow ? std::string_view("null") : p.table->value(r, c));
      }
      out.write("}\n");
      out.count_data_line();
    };
    if (row == StaticTable::kNoRow) {
      write(row);
    } else {
      for (std::uint32_t r = row; r != StaticTable::kNoRow; r = p.table->next(r)) write(r);
    }
  }

  // ---- control records ----

  void on_control(const Control& control, std::string_view raw) {
    if (control.type == ControlType::kStream) {
      header_columns = control.stream.columns;
      set_header_clash(*plan);
      if (!joins || header_columns.empty()) {
        out.write_line(raw);
        return;
      }
      StreamInfo info = control.stream;
      info.source = "sx-join";
      const auto& cols = plan->table->columns();
      for (std::size_t c = 0; c < cols.size(); ++c) {
        info.columns.push_back(plan->header_clash[c] ? prefix + cols[c] : cols[c]);
      }
      out.write_line(make_stream_record(info));
      return;
    }
    if (control.type == ControlType::kEpoch && ckpt) {
      // The barrier: the table version for the next epoch is decided (reload)
      // and recorded before the record goes on.
      if (opt.reload) maybe_reload();
      PayloadWriter w;
      const FileIdentity& id = plan->table->identity();
      w.put_u64(id.dev);
      w.put_u64(id.ino);
      w.put_u64(id.size);
      w.put_i64(id.mtime_ns);
      ckpt->save(control.epoch, w.bytes());
      out.write_line(raw);
      return;
    }
    out.write_line(raw);
    if (control.type == ControlType::kEpoch && opt.reload) {
      out.flush();  // downstream need not wait for the reload
      maybe_reload();
    }
  }

  void maybe_reload() {
    reload.check(opt.table, plan->table->identity(),
                 [this](std::unique_ptr<StaticTable> t) { install(make_plan(std::move(t))); });
  }
};

JoinOperator::JoinOperator(const JoinOptions& options, Output& out, BadInputPolicy& bad)
    : Operator(out), impl_(std::make_unique<Impl>(options, out, bad)) {}
JoinOperator::~JoinOperator() = default;

void JoinOperator::on_start(const StreamStart& start) { impl_->on_start(start); }

void JoinOperator::on_record(const Line& line, const std::string& source) {
  impl_->on_record(line, source);
}

void JoinOperator::on_control(const Control& control, std::string_view raw) {
  impl_->on_control(control, raw);
}

void JoinOperator::on_end() { impl_->usage.warn_unseen(); }

StageStats JoinOperator::stats() const { return {0, impl_->plan->table->rows(), 0, &impl_->usage}; }

}  // namespace sx
