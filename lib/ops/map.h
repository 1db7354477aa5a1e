// sx-map's operator: a stateless stage that filters, derives, selects, drops
// and renames fields with Spark SQL expressions (sx-expr(7)), as Spark's
// filter/withColumn/select/drop/withColumnRenamed and Miller's
// filter/put/cut/rename. The steps run per record in the order given on the
// command line; control records pass through; a record no step changed goes
// on as its original bytes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/output.h"
#include "stream/bad_input.h"
#include "stream/stage.h"

namespace sx {

struct MapStep {
  enum class Kind { kWhere, kSet, kSelect, kDrop, kRename };
  Kind kind;
  std::string text;  // the flag's value: "EXPR", "NAME=EXPR", "LIST", "A=B"
};

struct MapOptions {
  std::vector<MapStep> steps;
};

// Splits `list` at the commas that are not inside quotes ('', "", ``),
// parentheses or brackets: "a, f(b, c) AS x" -> {"a", "f(b, c) AS x"}, each
// trimmed.
std::vector<std::string> split_top_level(std::string_view list);

class MapOperator final : public Operator {
 public:
  // Parses every step (usage_error naming the flag and the expression).
  MapOperator(const MapOptions& options, Output& out, BadInputPolicy& bad);
  ~MapOperator() override;

  void on_start(const StreamStart& start) override;
  void on_record(const Line& line, const std::string& source) override;
  void on_control(const Control& control, std::string_view raw) override;
  void on_end() override;
  StageStats stats() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sx
