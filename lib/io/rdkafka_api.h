// librdkafka.so.1, loaded the first time --kafka needs it (base/dynlib.h says why
// and how): its functions, as objects named like them. A file that calls
// them says "using namespace sx::dl_rdkafka;" inside namespace sx.
#pragma once

#include <librdkafka/rdkafka.h>

#include "base/dynlib.h"

namespace sx::dl_rdkafka {

inline constexpr dynlib::Library kLibrdkafka{"librdkafka.so.1", "librdkafka1", "Kafka (--kafka)"};

#define SX_RDKAFKA_FN(name) inline const dynlib::Lazy<kLibrdkafka, decltype(&::name)> name{#name};
SX_RDKAFKA_FN(rd_kafka_assign)
SX_RDKAFKA_FN(rd_kafka_conf_destroy)
SX_RDKAFKA_FN(rd_kafka_conf_new)
SX_RDKAFKA_FN(rd_kafka_conf_set)
SX_RDKAFKA_FN(rd_kafka_conf_set_dr_msg_cb)
SX_RDKAFKA_FN(rd_kafka_conf_set_error_cb)
SX_RDKAFKA_FN(rd_kafka_conf_set_log_cb)
SX_RDKAFKA_FN(rd_kafka_conf_set_opaque)
SX_RDKAFKA_FN(rd_kafka_consume_batch_queue)
SX_RDKAFKA_FN(rd_kafka_consume_queue)
SX_RDKAFKA_FN(rd_kafka_consumer_close)
SX_RDKAFKA_FN(rd_kafka_consumer_poll)
SX_RDKAFKA_FN(rd_kafka_destroy)
SX_RDKAFKA_FN(rd_kafka_destroy_flags)
SX_RDKAFKA_FN(rd_kafka_err2str)
SX_RDKAFKA_FN(rd_kafka_error_destroy)
SX_RDKAFKA_FN(rd_kafka_error_string)
SX_RDKAFKA_FN(rd_kafka_fatal_error)
SX_RDKAFKA_FN(rd_kafka_flush)
SX_RDKAFKA_FN(rd_kafka_header_get_all)
SX_RDKAFKA_FN(rd_kafka_header_get_last)
SX_RDKAFKA_FN(rd_kafka_incremental_assign)
SX_RDKAFKA_FN(rd_kafka_last_error)
SX_RDKAFKA_FN(rd_kafka_message_destroy)
SX_RDKAFKA_FN(rd_kafka_message_headers)
SX_RDKAFKA_FN(rd_kafka_message_timestamp)
SX_RDKAFKA_FN(rd_kafka_metadata)
SX_RDKAFKA_FN(rd_kafka_metadata_destroy)
SX_RDKAFKA_FN(rd_kafka_new)
SX_RDKAFKA_FN(rd_kafka_offsets_for_times)
SX_RDKAFKA_FN(rd_kafka_opaque)
SX_RDKAFKA_FN(rd_kafka_outq_len)
SX_RDKAFKA_FN(rd_kafka_poll)
SX_RDKAFKA_FN(rd_kafka_producev)
SX_RDKAFKA_FN(rd_kafka_purge)
SX_RDKAFKA_FN(rd_kafka_query_watermark_offsets)
SX_RDKAFKA_FN(rd_kafka_queue_destroy)
SX_RDKAFKA_FN(rd_kafka_queue_forward)
SX_RDKAFKA_FN(rd_kafka_queue_get_consumer)
SX_RDKAFKA_FN(rd_kafka_queue_get_partition)
SX_RDKAFKA_FN(rd_kafka_seek_partitions)
SX_RDKAFKA_FN(rd_kafka_topic_destroy)
SX_RDKAFKA_FN(rd_kafka_topic_name)
SX_RDKAFKA_FN(rd_kafka_topic_new)
SX_RDKAFKA_FN(rd_kafka_topic_partition_list_add)
SX_RDKAFKA_FN(rd_kafka_topic_partition_list_destroy)
SX_RDKAFKA_FN(rd_kafka_topic_partition_list_new)
#undef SX_RDKAFKA_FN

// rdkafka.h's rd_kafka_message_errstr, which calls the linked rd_kafka_err2str.
inline const char* message_error(const rd_kafka_message_t* m) {
  if (!m->err) return nullptr;
  if (m->payload) return static_cast<const char*>(m->payload);
  return rd_kafka_err2str(m->err);
}

}  // namespace sx::dl_rdkafka
