#include "sink/kafka_sink.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <random>
#include <string_view>
#include <unordered_map>

#include "base/diag.h"
#include "base/error.h"
#include "io/checkpoint_file.h"
#include "io/json.h"
#include "io/rdkafka_api.h"

namespace sx {

using namespace sx::dl_rdkafka;  // io/rdkafka_api.h: loaded when first used

namespace {

constexpr const char* kIdPart = "kafka-id";        // the checkpoint's identity (sx-sink header)
constexpr const char* kStartPart = "kafka-start";  // the partitions' ends before epoch 0
constexpr int kPollEvery = 1024;                   // messages between two polls

using Clock = std::chrono::steady_clock;

std::string seconds_text(std::int64_t ms) {
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

// The multiset key of one message: its key (or none) and its value.
void entry_of(std::string& out, const char* key, std::size_t key_len, bool has_key,
              const char* value, std::size_t value_len) {
  out.clear();
  if (has_key) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, key_len);
    out += 'k';
    out.append(buf, r.ptr);
    out += ':';
    out.append(key, key_len);
  } else {
    out += 'n';
  }
  out.append(value, value_len);
}

}  // namespace

std::pair<std::string, std::string> parse_kafka_option(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw usage_error("--kafka-option: '" + text +
                      "' is not KEY=VALUE (a librdkafka property, e.g. "
                      "--kafka-option security.protocol=SASL_SSL)");
  }
  std::string key = text.substr(0, eq);
  if (key == "bootstrap.servers" || key == "metadata.broker.list") {
    throw usage_error("--kafka-option " + key + ": give the brokers with --kafka BROKERS");
  }
  if (key == "enable.idempotence" || key == "transactional.id") {
    throw usage_error("--kafka-option " + key +
                      ": sx-sink sets it (the idempotent producer; see man sx-sink, KAFKA SINK)");
  }
  return {std::move(key), text.substr(eq + 1)};
}

std::string format_kafka_commit(const KafkaCommit& c) {
  std::string s = "kafka\n" + c.topic + "\n" + c.sink_id + "\n";
  for (std::size_t p = 0; p < c.next.size(); ++p) {
    s += std::to_string(p) + " " + std::to_string(c.next[p]) + "\n";
  }
  return s;
}

bool parse_kafka_commit(std::string_view payload, KafkaCommit* out) {
  auto line = [&payload](std::string_view* l) {
    const auto nl = payload.find('\n');
    if (nl == std::string_view::npos) return false;
    *l = payload.substr(0, nl);
    payload.remove_prefix(nl + 1);
    return true;
  };
  std::string_view l;
  if (!line(&l) || l != "kafka") return false;
  KafkaCommit c;
  if (!line(&l)) return false;
  c.topic = l;
  if (!line(&l)) return false;
  c.sink_id = l;
  while (line(&l)) {
    const auto sp = l.find(' ');
    if (sp == std::string_view::npos) return false;
    std::size_t p = 0;
    std::int64_t off = 0;
    if (std::from_chars(l.data(), l.data() + sp, p).ec != std::errc() ||
        std::from_chars(l.data() + sp + 1, l.data() + l.size(), off).ec != std::errc() ||
        p != c.next.size()) {
      return false;
    }
    c.next.push_back(off);
  }
  if (!payload.empty()) return false;
  *out = std::move(c);
  return true;
}

struct KafkaSink::Impl {
  Impl(KafkaSinkOptions o, CheckpointDir* c, BadInputPolicy& b)
      : opt(std::move(o)), ckpt(c), bad(b) {
    if (!opt.key.empty()) {
      key_set = std::make_unique<FieldSet>(std::vector<FieldPath>{FieldPath::parse(opt.key)});
    }
    rd_kafka_conf_t* conf = make_conf();
    set(conf, "enable.idempotence", "true");
    // Keys go to the partitions Java's clients (Spark, Kafka Streams) pick.
    set(conf, "partitioner", "murmur2_random");
    set(conf, "message.timeout.ms", std::to_string(opt.timeout_ms));
    set(conf, "request.timeout.ms", std::to_string(std::min<std::int64_t>(opt.timeout_ms, 30000)));
    apply_user_options(conf);
    rd_kafka_conf_set_dr_msg_cb(conf, &Impl::on_delivery);
    char err[512];
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
      rd_kafka_conf_destroy(conf);
      throw usage_error("--kafka: cannot make the producer: " + std::string(err) +
                        " (check --kafka-option)");
    }
    rkt = rd_kafka_topic_new(rk, opt.topic.c_str(), nullptr);
    if (!rkt)
      throw io_error("--topic " + opt.topic + ": " + rd_kafka_err2str(rd_kafka_last_error()));
  }

  ~Impl() {
    if (rkt) rd_kafka_topic_destroy(rkt);
    if (rk) {
      // What is left unacknowledged here is given up (an error is on its way).
      rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      rd_kafka_destroy(rk);
    }
  }

  std::string where() const { return "Kafka topic " + opt.topic; }

  void set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
    char err[512];
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw usage_error("--kafka-option " + key + "=" + value + ": " + err);
    }
  }

  // The settings the producer and the read-back consumer share.
  rd_kafka_conf_t* make_conf() {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", opt.brokers);
    set(conf, "client.id", "sx-sink");
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_error_cb(conf, &Impl::on_error);
    bool debug = false;
    for (const auto& [k, v] : opt.options) debug = debug || k == "debug";
    // librdkafka's log lines (a broker that went away, retries) would bury
    // the one error that matters; the last one is kept for it. With
    // --kafka-option debug=... they are shown.
    if (!debug) rd_kafka_conf_set_log_cb(conf, &Impl::on_log);
    return conf;
  }

  void apply_user_options(rd_kafka_conf_t* conf) {
    for (const auto& [k, v] : opt.options) set(conf, k, v);
  }

  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      char buf[512];
      rd_kafka_fatal_error(rk, buf, sizeof buf);
      self->fatal = buf;
      return;
    }
    self->broker_error = reason;
  }

  static void on_log(const rd_kafka_t* rk, int level, const char* /*fac*/, const char* buf) {
    if (level > 4) return;
    auto* self = static_cast<Impl*>(rd_kafka_opaque(rk));
    if (self) self->broker_error = buf;
  }

  static void on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    if (m->err) {
      if (self->failed++ == 0) {
        self->first_failure = m->err;
        self->failed_partition = m->partition;
      }
      return;
    }
    if (m->partition < 0) return;
    const auto p = static_cast<std::size_t>(m->partition);
    if (self->acked.size() <= p) self->acked.resize(p + 1, -1);
    self->acked[p] = std::max(self->acked[p], m->offset + 1);
  }

  // An error when the producer gave up on a message, or cannot go on.
  void check() {
    if (!fatal.empty()) {
      throw io_error(where() + ": the producer stopped: " + fatal + again());
    }
    if (failed == 0) return;
    std::string msg = where();
    msg += failed_partition >= 0 ? " partition " + std::to_string(failed_partition) : "";
    msg += ": " + std::to_string(failed) + " message" + (failed == 1 ? "" : "s") +
           " not delivered: " + rd_kafka_err2str(first_failure);
    if (first_failure == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT ||
        first_failure == RD_KAFKA_RESP_ERR__TRANSPORT ||
        first_failure == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
      msg += " (not acknowledged within --kafka-timeout " + seconds_text(opt.timeout_ms) + ")";
      if (!broker_error.empty()) msg += "; last broker error: " + broker_error;
      msg += "; check that the brokers " + opt.brokers +
             " are up and reachable, or raise --kafka-timeout";
    } else if (first_failure == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
               first_failure == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
      msg += "; create the topic (kafka-topics.sh --create --topic " + opt.topic +
             "), or check --topic";
    } else if (first_failure == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
      msg += "; raise the topic's max.message.bytes, or --kafka-option message.max.bytes=N";
    }
    throw io_error(msg + again());
  }

  std::string again() const {
    return ckpt ? ". Nothing of this epoch is committed: run again, and it writes what the "
                  "topic does not have yet"
                : ". Running again writes every record again (with --checkpoint only what "
                  "the topic does not have)";
  }

  // Every message produced so far acknowledged, or an error.
  void flush() {
    const rd_kafka_resp_err_t err = rd_kafka_flush(rk, static_cast<int>(opt.timeout_ms + 10000));
    check();
    if (err) {
      throw io_error(where() + ": " + std::to_string(rd_kafka_outq_len(rk)) +
                     " messages still unacknowledged after --kafka-timeout " +
                     seconds_text(opt.timeout_ms) +
                     (broker_error.empty() ? "" : " (last broker error: " + broker_error + ")") +
                     "; check that the brokers " + opt.brokers + " are up" + again());
    }
  }

  // ---- the checkpoint's side -------------------------------------------

  std::string identity() {
    if (const auto part = ckpt->read_part(kIdPart)) return part->payload;
    std::random_device rd;
    std::string id;
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 32; ++i) id += kHex[rd() % 16];
    ckpt->write_part(kIdPart, CheckpointMeta{ckpt->stage(), 0, {}}, id, 0);
    return id;
  }

  // The topic's partitions' [low, high) offsets now.
  void watermarks(rd_kafka_t* h, std::vector<std::int64_t>* lo, std::vector<std::int64_t>* hi) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_topic_t* t = rd_kafka_topic_new(h, opt.topic.c_str(), nullptr);
    const rd_kafka_resp_err_t err =
        rd_kafka_metadata(h, 0, t, &md, static_cast<int>(opt.timeout_ms));
    rd_kafka_topic_destroy(t);
    if (err) {
      throw io_error(where() + ": cannot read its partitions: " + rd_kafka_err2str(err) +
                     (broker_error.empty() ? "" : " (last broker error: " + broker_error + ")") +
                     "; check that the brokers " + opt.brokers +
                     " are up and reachable, or raise --kafka-timeout");
    }
    int parts = 0;
    if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      parts = md->topics[0].partition_cnt;
    }
    rd_kafka_metadata_destroy(md);
    lo->assign(static_cast<std::size_t>(parts), 0);
    hi->assign(static_cast<std::size_t>(parts), 0);
    if (parts == 0) return;
    // ListOffsets through rd_kafka_offsets_for_times (timestamp -2: the
    // start, -1: the end), which keeps its timeout when a leader is down;
    // rd_kafka_query_watermark_offsets of librdkafka before 2.3.0 waits
    // forever then (librdkafka issue 2588).
    for (std::vector<std::int64_t>* v : {lo, hi}) {
      rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(parts);
      for (int p = 0; p < parts; ++p) {
        rd_kafka_topic_partition_list_add(list, opt.topic.c_str(), p)->offset =
            v == lo ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
      }
      rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(h, list, static_cast<int>(opt.timeout_ms));
      int bad = -1;
      for (int i = 0; i < list->cnt && !e; ++i) {
        const rd_kafka_topic_partition_t& tp = list->elems[i];
        if (tp.err || tp.partition < 0 || tp.partition >= parts) {
          e = tp.err ? tp.err : RD_KAFKA_RESP_ERR__BAD_MSG;
          bad = tp.partition;
        } else {
          (*v)[static_cast<std::size_t>(tp.partition)] = tp.offset;
        }
      }
      rd_kafka_topic_partition_list_destroy(list);
      if (e) {
        throw io_error(where() + (bad >= 0 ? " partition " + std::to_string(bad) : "") +
                       ": cannot read its offsets: " + rd_kafka_err2str(e) +
                       (broker_error.empty() ? "" : " (last broker error: " + broker_error + ")") +
                       "; check that the brokers " + opt.brokers +
                       " are up and reachable, or raise --kafka-timeout");
      }
    }
  }

  void open() {
    if (!ckpt) return;
    sink_id = identity();
    committed = ckpt->last_committed();
    KafkaCommit from;
    bool known = false;
    if (committed >= 0) {
      if (const auto c = ckpt->read_commit(committed)) {
        known = parse_kafka_commit(c->payload, &from) && from.topic == opt.topic &&
                from.sink_id == sink_id;
      }
    } else if (const auto part = ckpt->read_part(kStartPart)) {
      known = parse_kafka_commit(part->payload, &from) && from.topic == opt.topic &&
              from.sink_id == sink_id;
    }
    std::vector<std::int64_t> lo, hi;
    if (!known) {
      // Nothing of this sink in the topic yet (a first run; or the
      // checkpoint's commits were made by another sink or topic): the ends
      // now are where its first epoch begins.
      watermarks(rk, &lo, &hi);
      from = KafkaCommit{opt.topic, sink_id, hi};
      if (committed < 0) {
        ckpt->write_part(kStartPart, CheckpointMeta{ckpt->stage(), 0, {}},
                         format_kafka_commit(from), 0);
      }
      next = from.next;
      return;
    }
    next = from.next;
    recover(from.next);
  }

  // Reads the topic from this sink's offsets after the last committed epoch
  // to its end: the messages of epoch committed + 1 that a run cut short
  // wrote go into `skip`.
  void recover(const std::vector<std::int64_t>& from) {
    rd_kafka_conf_t* conf = make_conf();
    set(conf, "group.id", "sx-sink.recovery");
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.partition.eof", "true");
    set(conf, "auto.offset.reset", "earliest");
    set(conf, "isolation.level", "read_uncommitted");
    apply_user_options(conf);
    char err[512];
    rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!c) {
      rd_kafka_conf_destroy(conf);
      throw usage_error("--kafka: cannot make a consumer: " + std::string(err) +
                        " (check --kafka-option)");
    }
    struct Closer {
      rd_kafka_t* c;
      ~Closer() {
        rd_kafka_consumer_close(c);
        rd_kafka_destroy(c);
      }
    } closer{c};
    std::vector<std::int64_t> lo, hi;
    watermarks(c, &lo, &hi);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    std::size_t open_parts = 0;
    std::vector<bool> done(hi.size(), true);
    for (std::size_t p = 0; p < hi.size(); ++p) {
      const std::int64_t start = std::max(p < from.size() ? from[p] : 0, lo[p]);
      if (start >= hi[p]) continue;
      rd_kafka_topic_partition_list_add(list, opt.topic.c_str(), static_cast<int32_t>(p))->offset =
          start;
      done[p] = false;
      ++open_parts;
    }
    if (open_parts > 0) rd_kafka_assign(c, list);
    rd_kafka_topic_partition_list_destroy(list);
    const std::int64_t epoch = committed + 1;
    const std::string want = std::to_string(epoch);
    const auto deadline = Clock::now() + std::chrono::milliseconds(opt.timeout_ms);
    std::string entry;
    while (open_parts > 0) {
      if (Clock::now() > deadline) {
        throw io_error(where() + ": reading back what epoch " + want +
                       " wrote before the restart took longer than --kafka-timeout " +
                       seconds_text(opt.timeout_ms) +
                       (broker_error.empty() ? "" : " (last broker error: " + broker_error + ")") +
                       "; check that the brokers " + opt.brokers +
                       " are up, or raise --kafka-timeout");
      }
      rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 200);
      if (!m) continue;
      const auto p = static_cast<std::size_t>(m->partition);
      const bool ours_p = m->partition >= 0 && p < done.size() && !done[p];
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (ours_p) {
          done[p] = true;
          --open_parts;
        }
      } else if (m->err) {
        const std::string e = message_error(m);
        rd_kafka_message_destroy(m);
        throw io_error(where() + ": reading back what epoch " + want +
                       " wrote before the restart: " + e);
      } else if (ours_p) {
        rd_kafka_headers_t* h = nullptr;
        const void* v = nullptr;
        std::size_t n = 0;
        if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            rd_kafka_header_get_last(h, "sx-sink", &v, &n) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            std::string_view(static_cast<const char*>(v), n) == sink_id &&
            rd_kafka_header_get_last(h, "sx-epoch", &v, &n) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            std::string_view(static_cast<const char*>(v), n) == want) {
          entry_of(entry, static_cast<const char*>(m->key), m->key_len, m->key != nullptr,
                   static_cast<const char*>(m->payload), m->len);
          ++skip[entry];
          ++to_skip;
        }
        if (m->offset + 1 >= hi[p]) {
          done[p] = true;
          --open_parts;
        }
      }
      rd_kafka_message_destroy(m);
    }
    if (to_skip > 0) {
      note(where() + ": " + std::to_string(to_skip) + " message" + (to_skip == 1 ? "" : "s") +
           " of epoch " + want + " already there (written before the restart); not written again");
    }
  }

  // ---- the records ------------------------------------------------------

  void begin(std::int64_t id) {
    epoch = id;
    const auto r = std::to_chars(epoch_text, epoch_text + sizeof epoch_text, id);
    epoch_len = static_cast<std::size_t>(r.ptr - epoch_text);
    skipping = ckpt && id == committed + 1 && to_skip > 0;
  }

  void write(const Line& line, const std::string& source) {
    const char* key = nullptr;
    std::size_t key_len = 0;
    if (key_set) {
      if (!reader.read_fields(line.text, *key_set, &key_value, &why)) {
        bad.handle(reader.open_failure(), source, line.number, why, line.text);
        return;
      }
      switch (key_value.type) {
        case JsonType::kMissing:
        case JsonType::kNull:
          break;
        case JsonType::kBool:
          key = key_value.boolean ? "true" : "false";
          key_len = key_value.boolean ? 4 : 5;
          break;
        default:  // a string's text, a number's, object's or array's JSON
          key = key_value.text.data();
          key_len = key_value.text.size();
          if (!key) key = "";
      }
    }
    if (skipping) {
      entry_of(scratch, key, key_len, key != nullptr, line.text.data(), line.text.size());
      const auto it = skip.find(scratch);
      if (it != skip.end()) {
        if (--it->second == 0) skip.erase(it);
        if (--to_skip == 0) skipping = false;
        return;
      }
    }
    for (;;) {
      rd_kafka_resp_err_t err;
      void* value = const_cast<char*>(line.text.data());
      void* k = const_cast<char*>(key);
      if (ckpt) {
        err = rd_kafka_producev(
            rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_VALUE(value, line.text.size()), RD_KAFKA_V_KEY(k, key_len),
            RD_KAFKA_V_HEADER("sx-epoch", epoch_text, static_cast<ssize_t>(epoch_len)),
            RD_KAFKA_V_HEADER("sx-sink", sink_id.data(), static_cast<ssize_t>(sink_id.size())),
            RD_KAFKA_V_END);
      } else {
        err = rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_VALUE(value, line.text.size()),
                                RD_KAFKA_V_KEY(k, key_len), RD_KAFKA_V_END);
      }
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
          bad.handle(BadKind::kBadValue, source, line.number,
                     "the record is larger than the producer's message.max.bytes (raise it: "
                     "--kafka-option message.max.bytes=N)",
                     line.text);
          return;
        }
        check();
        throw io_error(where() + ": cannot produce " + source + ":" + std::to_string(line.number) +
                       ": " + rd_kafka_err2str(err));
      }
      // The producer's queue is full: wait for acknowledgements.
      rd_kafka_poll(rk, 100);
      check();
    }
    if (++since_poll >= kPollEvery) {
      since_poll = 0;
      rd_kafka_poll(rk, 0);
      check();
    }
  }

  void commit(std::int64_t id) {
    // Without --checkpoint, only the end waits for the acknowledgements.
    if (!ckpt) return;
    ckpt->check_follows(id, committed);
    flush();
    if (skipping || to_skip > 0) {
      warn(where() + ": epoch " + std::to_string(id) + " replayed without " +
           std::to_string(to_skip) +
           " of the records a run before the restart wrote for it (they stay in the topic): "
           "the stages upstream do not replay an epoch as it was");
      skip.clear();
      to_skip = 0;
      skipping = false;
    }
    if (next.size() < acked.size()) next.resize(acked.size(), 0);
    for (std::size_t p = 0; p < acked.size(); ++p) next[p] = std::max(next[p], acked[p]);
    fault_point("kafka-before-commit");
    ckpt->commit(id, format_kafka_commit(KafkaCommit{opt.topic, sink_id, next}));
    committed = id;
  }

  KafkaSinkOptions opt;
  CheckpointDir* ckpt;
  BadInputPolicy& bad;
  rd_kafka_t* rk = nullptr;
  rd_kafka_topic_t* rkt = nullptr;
  // --key
  std::unique_ptr<FieldSet> key_set;
  RecordReader reader;
  JsonValue key_value;
  std::string why;
  int since_poll = 0;
  // Delivery reports (served by poll and flush, on this thread).
  std::int64_t failed = 0;
  rd_kafka_resp_err_t first_failure = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::int32_t failed_partition = -1;
  std::string broker_error, fatal;
  std::vector<std::int64_t> acked;  // per partition: the offset after our newest acknowledged
  // --checkpoint
  std::string sink_id;
  std::int64_t committed = -1;
  std::int64_t epoch = 0;
  char epoch_text[24] = {};
  std::size_t epoch_len = 0;
  std::vector<std::int64_t> next;                       // the offsets the next commit records
  std::unordered_map<std::string, std::uint32_t> skip;  // epoch committed + 1's messages found
  std::int64_t to_skip = 0;
  bool skipping = false;
  std::string scratch;
};

KafkaSink::KafkaSink(KafkaSinkOptions options, CheckpointDir* ckpt, BadInputPolicy& bad)
    : impl_(std::make_unique<Impl>(std::move(options), ckpt, bad)) {}
KafkaSink::~KafkaSink() = default;

void KafkaSink::open(const SinkHeader& /*header*/) { impl_->open(); }
std::int64_t KafkaSink::last_committed() const { return impl_->committed; }
void KafkaSink::begin_epoch(std::int64_t id) { impl_->begin(id); }
void KafkaSink::write(const Line& line, const std::string& source) { impl_->write(line, source); }
void KafkaSink::commit_epoch(std::int64_t id) { impl_->commit(id); }
// The stream stopped inside an epoch: what it produced is delivered all the
// same (a restart finds it in the topic and does not write it twice).
void KafkaSink::abort_epoch() { impl_->flush(); }
void KafkaSink::finish() { impl_->flush(); }

}  // namespace sx
