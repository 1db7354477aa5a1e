// libpq.so.5, loaded the first time --db postgresql:// needs it (base/dynlib.h says why
// and how): its functions, as objects named like them. A file that calls
// them says "using namespace sx::dl_libpq;" inside namespace sx.
#pragma once

#include <libpq-fe.h>

#include "base/dynlib.h"

namespace sx::dl_libpq {

inline constexpr dynlib::Library kLibpq{"libpq.so.5", "libpq5",
                                        "PostgreSQL (--db postgresql://...)"};

#define SX_LIBPQ_FN(name) inline const dynlib::Lazy<kLibpq, decltype(&::name)> name{#name};
SX_LIBPQ_FN(PQclear)
SX_LIBPQ_FN(PQconnectdb)
SX_LIBPQ_FN(PQdb)
SX_LIBPQ_FN(PQerrorMessage)
SX_LIBPQ_FN(PQexec)
SX_LIBPQ_FN(PQexecParams)
SX_LIBPQ_FN(PQfinish)
SX_LIBPQ_FN(PQgetResult)
SX_LIBPQ_FN(PQgetvalue)
SX_LIBPQ_FN(PQhost)
SX_LIBPQ_FN(PQntuples)
SX_LIBPQ_FN(PQping)
SX_LIBPQ_FN(PQputCopyData)
SX_LIBPQ_FN(PQputCopyEnd)
SX_LIBPQ_FN(PQresultErrorField)
SX_LIBPQ_FN(PQresultErrorMessage)
SX_LIBPQ_FN(PQresultStatus)
SX_LIBPQ_FN(PQsetNoticeProcessor)
SX_LIBPQ_FN(PQstatus)
#undef SX_LIBPQ_FN

}  // namespace sx::dl_libpq
