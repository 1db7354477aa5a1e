// libavro.so.23, loaded the first time --value-format avro needs it (base/dynlib.h says why
// and how): its functions, as objects named like them. A file that calls
// them says "using namespace sx::dl_avro;" inside namespace sx.
#pragma once

#include <avro.h>

#include "base/dynlib.h"

namespace sx::dl_avro {

inline constexpr dynlib::Library kLibavro{"libavro.so.23", "libavro23",
                                          "Avro (--value-format avro)"};

#define SX_AVRO_FN(name) inline const dynlib::Lazy<kLibavro, decltype(&::name)> name{#name};
SX_AVRO_FN(avro_generic_class_from_schema)
SX_AVRO_FN(avro_generic_value_new)
SX_AVRO_FN(avro_schema_decref)
SX_AVRO_FN(avro_schema_enum_get_by_name)
SX_AVRO_FN(avro_schema_fixed_size)
SX_AVRO_FN(avro_schema_from_json_length)
SX_AVRO_FN(avro_schema_link_target)
SX_AVRO_FN(avro_schema_name)
SX_AVRO_FN(avro_schema_namespace)
SX_AVRO_FN(avro_schema_type_name)
SX_AVRO_FN(avro_schema_union_branch)
SX_AVRO_FN(avro_schema_union_size)
SX_AVRO_FN(avro_set_error)
SX_AVRO_FN(avro_strerror)
SX_AVRO_FN(avro_value_decref)
SX_AVRO_FN(avro_value_read)
SX_AVRO_FN(avro_value_sizeof)
SX_AVRO_FN(avro_value_write)
SX_AVRO_FN(avro_writer_free)
SX_AVRO_FN(avro_writer_memory)
#undef SX_AVRO_FN

}  // namespace sx::dl_avro
