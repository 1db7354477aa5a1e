#include "source/kafka_source.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <librdkafka/rdkafka.h>
#include <pcre2.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <deque>
#include <map>
#include <set>

#include "base/diag.h"
#include "base/error.h"
#include "base/signals.h"
#include "io/avro.h"
#include "io/bad_kind.h"
#include "io/line_reader.h"
#include "io/rdkafka_api.h"
#include "source/kafka_plan.h"
#include "source/stream_writer.h"
#include "stream/checkpoint.h"

namespace sx {

using namespace sx::dl_rdkafka;  // io/rdkafka_api.h: loaded when first used

namespace {

using kafka::Offsets;
using kafka::TopicPartition;

void sleep_micros(Micros us) {
  timespec ts{static_cast<time_t>(us / kMicrosPerSecond),
              static_cast<long>(us % kMicrosPerSecond) * 1000};
  while (::nanosleep(&ts, &ts) != 0 && errno == EINTR && !interrupted()) {
  }
}

// librdkafka options the source sets itself (Spark refuses the same).
const char* owned_option(const std::string& key) {
  if (key == "bootstrap.servers" || key == "metadata.broker.list") return "--kafka BROKERS";
  if (key == "auto.offset.reset") return "--starting-offsets";
  if (key == "enable.auto.commit" || key == "enable.auto.offset.store")
    return "the checkpoint (sx-read keeps offsets in --checkpoint, not in a consumer group)";
  if (key == "enable.partition.eof") return "sx-read itself";
  return nullptr;
}

// A topic-name pattern (--subscribe-pattern), matched whole as Java's
// Pattern.matches, with PCRE2.
class TopicPattern {
 public:
  explicit TopicPattern(const std::string& re) {
    int err = 0;
    PCRE2_SIZE at = 0;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(re.data()), re.size(),
                          PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF, &err, &at, nullptr);
    if (code_ == nullptr) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(err, msg, sizeof msg);
      throw usage_error("--subscribe-pattern: '" + re + "' at " + std::to_string(at) + ": " +
                        reinterpret_cast<const char*>(msg));
    }
    data_ = pcre2_match_data_create_from_pattern(code_, nullptr);
  }
  ~TopicPattern() {
    pcre2_match_data_free(data_);
    pcre2_code_free(code_);
  }
  TopicPattern(const TopicPattern&) = delete;
  TopicPattern& operator=(const TopicPattern&) = delete;
  bool matches(std::string_view topic) const {
    return pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(topic.data()), topic.size(), 0, 0, data_,
                       nullptr) >= 0;
  }

 private:
  pcre2_code* code_ = nullptr;
  pcre2_match_data* data_ = nullptr;
};

}  // namespace

struct KafkaSource::Impl {
  SourceOptions opt;
  const KafkaOptions& k;
  Clock& clock;
  StreamWriter w;
  kafka::StartingOffsets starting;
  std::unique_ptr<TopicPattern> pattern;
  std::unique_ptr<CheckpointDir> ckpt;

  rd_kafka_t* rk = nullptr;
  std::string last_error;  // the newest error librdkafka reported (for messages)
  bool fatal = false;

  Offsets position;  // the next offset to read of every partition known
  // Epochs written by an earlier run after its newest committed one: their
  // ranges, to read again exactly (epoch id -> from, until).
  std::map<std::int64_t, std::pair<Offsets, Offsets>> replay;
  Offsets plan_from, plan_until;  // the epoch being read
  Offsets stop_at;                // available-now and --ending-offsets: where the run ends
  bool limited = false;           // the run ends at stop_at

  struct Part {
    rd_kafka_queue_t* queue = nullptr;
    std::deque<rd_kafka_message_t*> pending;  // read from the queue, not handed on yet
    std::int64_t fetch_at = 0;                // the offset the queue goes on from
    std::int64_t eof = -1;                    // the end offset the last EOF event gave
    std::string source;                       // "kafka:TOPIC/PARTITION", for messages
  };
  std::map<TopicPartition, Part> parts;  // assigned
  Micros last_discovery = -1;
  std::unique_ptr<AvroDecoder> avro;  // --value-format avro
  std::string decoded, why;           // its JSON, or why not
  std::string value;                  // a message's value, padded
  std::string extra;                  // its metadata members
  std::vector<kafka::Header> headers;

  Impl(SourceOptions o, Output& out, Clock& c)
      : opt(std::move(o)), k(opt.kafka), clock(c), w(opt, out, clock) {
    w.on_save([this](std::int64_t id) {
      if (ckpt) save(id);
    });
  }

  ~Impl() {
    for (auto& [tp, p] : parts) {
      for (rd_kafka_message_t* m : p.pending) rd_kafka_message_destroy(m);
      if (p.queue) rd_kafka_queue_destroy(p.queue);
    }
    // No consumer close: there is no group to leave, and nothing to commit.
    if (rk) rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  }

  // ---- options ----

  void check_options() {
    const int ways = !k.subscribe.empty() + !k.pattern.empty() + !k.assign.empty();
    if (ways != 1) {
      throw usage_error(
          "--kafka needs exactly one of --subscribe TOPICS, --subscribe-pattern REGEX and "
          "--assign JSON (as Spark's subscribe, subscribePattern and assign)");
    }
    if (!opt.inputs.empty()) {
      throw usage_error("--kafka reads topics, not files: drop " + opt.inputs.front() +
                        " (or read the files in a pipeline of their own)");
    }
    if (opt.follow) throw usage_error("--follow is for files: --kafka keeps reading anyway");
    if (opt.max_records_per_trigger || opt.max_files_per_trigger) {
      throw usage_error(
          "--kafka cuts epochs by offsets: use --max-offsets-per-trigger N instead of "
          "--max-records-per-trigger or --max-files-per-trigger");
    }
    if (!k.pattern.empty()) pattern = std::make_unique<TopicPattern>(k.pattern);
    starting = kafka::parse_starting_offsets(k.starting);
    if (!k.assign.empty()) {
      for (const auto& tp : kafka::parse_assign(k.assign)) position[tp] = starting.start_of(tp);
    }
    if (starting.json) {
      for (const auto& [tp, off] : starting.given) {
        const bool named = !k.assign.empty() ? position.count(tp) != 0
                           : pattern         ? pattern->matches(tp.topic)
                                             : std::find(k.subscribe.begin(), k.subscribe.end(),
                                                         tp.topic) != k.subscribe.end();
        if (!named) {
          throw usage_error("--starting-offsets names " + kafka::to_string(tp) +
                            ", which the subscription does not read");
        }
      }
    }
    for (const auto& [key, value] : k.options) {
      if (const char* owner = owned_option(key)) {
        throw usage_error("--kafka-option " + key + " is set by " + owner + "; drop it");
      }
    }
    if (opt.trigger != SourceOptions::Trigger::kContinuous && k.ending_latest) {
      throw usage_error(
          "--ending-offsets latest ends the stream; --trigger " +
          std::string(opt.trigger == SourceOptions::Trigger::kOnce ? "once" : "available-now") +
          " ends only this run: give one or the other");
    }
    if (k.value_format == "avro") {
      if (k.avro_schema.empty() == k.schema_registry.empty()) {
        throw usage_error(
            "--value-format avro needs the values' schema: --avro-schema FILE (plain Avro "
            "binary) or --schema-registry URL (Confluent's wire format), one of them");
      }
      if (opt.format != "ndjson") {
        throw usage_error("--value-format avro makes JSON records of the values: drop --format " +
                          opt.format);
      }
    } else if (k.value_format != "json") {
      throw usage_error("--value-format: '" + k.value_format +
                        "' is not json (the default: --format says how a value reads) or avro");
    } else if (!k.avro_schema.empty() || !k.schema_registry.empty()) {
      throw usage_error(std::string(k.avro_schema.empty() ? "--schema-registry" : "--avro-schema") +
                        " is for --value-format avro");
    }
  }

  // ---- checkpoints ----

  Fingerprint fingerprint() const {
    return {{"time-field", opt.stream.time_field}, {"source", "kafka"}};
  }

  void save(std::int64_t epoch) {
    kafka::KafkaSourceState s{w.epochs().state(), plan_until};
    // The epoch's ranges: from (where it started) in a second state.
    kafka::KafkaSourceState from{w.epochs().state(), plan_from};
    std::string payload = kafka::encode_state(s);
    const std::string second = kafka::encode_state(from);
    payload = std::to_string(payload.size()) + "\n" + payload + second;
    ckpt->write(epoch, fingerprint(), payload);
  }

  // The payload save() wrote: the state after the epoch, and the ranges' starts.
  static std::pair<kafka::KafkaSourceState, Offsets> decode(std::string_view payload,
                                                            const std::string& where) {
    const auto nl = payload.find('\n');
    std::size_t n = 0;
    if (nl == std::string_view::npos ||
        std::from_chars(payload.data(), payload.data() + nl, n).ec != std::errc{} ||
        n > payload.size() - nl - 1) {
      throw data_error(where + ": not a Kafka source's checkpoint (made by the file source?)");
    }
    auto after = kafka::decode_state(payload.substr(nl + 1, n), where);
    auto from = kafka::decode_state(payload.substr(nl + 1 + n), where);
    return {std::move(after), std::move(from.next)};
  }

  void load() {
    const std::int64_t c = ckpt->last_committed();
    for (std::int64_t e = c < 0 ? 0 : c + 1;; ++e) {  // written after the commit: replayed
      const auto file = ckpt->read(e);
      if (!file) break;
      const std::string where = ckpt->dir() + "/" + ckpt->stage() + "/" + std::to_string(e);
      check_fingerprint(where, file->meta, fingerprint(), ckpt->dir());
      auto [after, from] = decode(file->payload, where);
      replay[e] = {std::move(from), std::move(after.next)};
    }
    if (c < 0) return;
    const auto file = ckpt->read(c);
    if (!file) {
      throw data_error("checkpoint " + ckpt->dir() + ": epoch " + std::to_string(c) +
                       " is committed but " + ckpt->stage() +
                       "'s position for it is missing; was the checkpoint made with another "
                       "--name? Start over with --reset");
    }
    const std::string where = ckpt->dir() + "/" + ckpt->stage() + "/" + std::to_string(c);
    check_fingerprint(where, file->meta, fingerprint(), ckpt->dir());
    auto [after, from] = decode(file->payload, where);
    for (const auto& [tp, off] : after.next) position[tp] = off;
    w.epochs().restore(after.epochs);
  }

  // As the file source's: a stream that a run ended (--ending-offsets
  // latest without --trigger: its final watermark, committed, closed every
  // window downstream) takes no more input, every record would be late. A
  // run with nothing new adds nothing and succeeds.
  void check_ended() {
    if (w.epochs().state().watermark != EventTime::end()) return;
    std::string fresh;
    if (!limited) {
      fresh = "whatever a run without --ending-offsets reads";
    } else {
      for (const auto& [tp, end] : stop_at) {
        if (end > position[tp]) {
          fresh = "the messages of " + kafka::to_string(tp) + " from offset " +
                  std::to_string(position[tp]) + " on";
          break;
        }
      }
    }
    if (fresh.empty()) return;
    throw usage_error("checkpoint " + ckpt->dir() +
                      " holds a stream that has ended: an earlier run with --ending-offsets "
                      "latest read to the end, and its final watermark closed every window, so " +
                      fresh +
                      " would be late. Start over with --reset (and remove what the sink wrote), "
                      "or run with --trigger available-now each time (the stream then goes on "
                      "from run to run)");
  }

  // ---- the client ----

  static void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    self->last_error = reason;
    if (err == RD_KAFKA_RESP_ERR__FATAL) self->fatal = true;
  }
  static void on_log(const rd_kafka_t*, int level, const char*, const char* buf) {
    (void)level;
    (void)buf;  // errors come through on_error; the log stays quiet
  }

  void connect() {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto set = [&](const std::string& key, const std::string& value, bool user) {
      if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) !=
          RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        throw usage_error((user ? "--kafka-option " + key + "=" + value + ": " : "--kafka: ") +
                          err);
      }
    };
    set("bootstrap.servers", k.brokers, false);
    set("group.id", "sx-read", false);  // never joined nor committed: offsets are in --checkpoint
    set("enable.auto.commit", "false", false);
    set("enable.auto.offset.store", "false", false);
    set("auto.offset.reset", "error", false);
    set("enable.partition.eof", "true", false);
    set("queued.max.messages.kbytes", "16384", false);
    for (const auto& [key, value] : k.options) set(key, value, true);
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_log_cb(conf, on_log);
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) throw usage_error(std::string("--kafka: ") + err);
  }

  Micros deadline() const { return clock.now() + k.timeout; }
  int wait_ms(Micros until, int most) const {
    const Micros left = until - clock.now();
    return static_cast<int>(std::clamp<Micros>(left / 1000, 1, most));
  }

  [[noreturn]] void unreachable(const std::string& what) const {
    throw io_error("kafka " + k.brokers + ": " + what + " for " +
                   std::to_string(k.timeout / kMicrosPerSecond) + "s" +
                   (last_error.empty() ? "" : " (" + last_error + ")") +
                   ": are the brokers up and reachable? (--kafka-timeout D waits longer)");
  }

  // The partitions the subscription reads now (topic, then partition order).
  std::vector<TopicPartition> discover() {
    std::vector<TopicPartition> out;
    const Micros until = deadline();
    const rd_kafka_metadata_t* md = nullptr;
    for (;;) {
      if (interrupted()) throw interrupted_error();
      const rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, nullptr, &md, wait_ms(until, 5000));
      if (!e) break;
      last_error = rd_kafka_err2str(e);
      if (clock.now() >= until) unreachable("no metadata");
    }
    for (int t = 0; t < md->topic_cnt; ++t) {
      const rd_kafka_metadata_topic_t& topic = md->topics[t];
      const std::string name = topic.topic;
      if (topic.err) continue;  // unknown topic: none of its partitions
      bool wanted;
      if (pattern) {
        wanted = !name.starts_with("__") && pattern->matches(name);
      } else if (!k.subscribe.empty()) {
        wanted = std::find(k.subscribe.begin(), k.subscribe.end(), name) != k.subscribe.end();
      } else {
        wanted = false;
        for (int p = 0; p < topic.partition_cnt; ++p) {
          if (position.count({name, topic.partitions[p].id}))
            out.push_back({name, topic.partitions[p].id});
        }
      }
      if (!wanted) continue;
      for (int p = 0; p < topic.partition_cnt; ++p) out.push_back({name, topic.partitions[p].id});
    }
    rd_kafka_metadata_destroy(md);
    std::sort(out.begin(), out.end());
    return out;
  }

  // The low and high watermark offsets of `tp`, asked of its leader (as
  // ListOffsets of the start and the end: rd_kafka_offsets_for_times keeps
  // its timeout when the leader is down, where rd_kafka_query_watermark_
  // offsets of librdkafka before 2.3.0 waits forever, librdkafka issue 2588).
  // {-1, -1}: the partition is unknown (its topic deleted?).
  std::pair<std::int64_t, std::int64_t> watermarks(const TopicPartition& tp) {
    const Micros until = deadline();
    for (;;) {
      if (interrupted()) throw interrupted_error();
      std::int64_t got[2] = {0, 0};
      rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
      for (int i = 0; i < 2 && !e; ++i) {
        rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset =
            i == 0 ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
        e = rd_kafka_offsets_for_times(rk, list, wait_ms(until, 5000));
        if (!e) e = list->elems[0].err;
        got[i] = list->elems[0].offset;
        rd_kafka_topic_partition_list_destroy(list);
      }
      if (!e) return {got[0], got[1]};
      last_error = rd_kafka_err2str(e);
      if (e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) return {-1, -1};
      if (clock.now() >= until) unreachable("no offsets of " + kafka::to_string(tp));
      sleep_micros(100 * kMicrosPerMilli);
    }
  }

  // Offsets that can no longer be read: an error (--fail-on-data-loss true,
  // Spark's default) or a warning and a skip.
  void data_loss(const TopicPartition& tp, const std::string& what) {
    const std::string msg = "kafka " + kafka::to_string(tp) + ": " + what;
    if (k.fail_on_data_loss) {
      throw data_error(msg +
                       ". Some data was lost before sx-read read it; to skip what is gone and go "
                       "on, run with --fail-on-data-loss false");
    }
    warn(msg + "; skipped (--fail-on-data-loss false)");
  }

  // New partitions: where they start. At the first run, as
  // --starting-offsets says; partitions that appear later (added to a topic,
  // a new topic matching the pattern) from their earliest offset, as Spark.
  void add_partitions(const std::vector<TopicPartition>& found, bool first) {
    for (const auto& tp : found) {
      if (position.count(tp) && parts.count(tp)) continue;
      if (!position.count(tp)) position[tp] = first ? starting.start_of(tp) : kafka::kEarliest;
      resolve(tp);
      assign(tp);
    }
  }

  // Turns earliest/latest into offsets, and checks a position against what
  // the partition still has.
  void resolve(const TopicPartition& tp) {
    std::int64_t& pos = position[tp];
    const auto [lo, hi] = watermarks(tp);
    if (lo < 0) {
      data_loss(tp, "the partition is gone (the topic deleted?) with offsets from " +
                        std::to_string(pos) + " unread");
      return;
    }
    if (pos == kafka::kEarliest) {
      pos = lo;
    } else if (pos == kafka::kLatest) {
      pos = hi;
    } else if (pos < lo) {
      data_loss(tp, "offsets " + std::to_string(pos) + " to " + std::to_string(lo - 1) +
                        " are gone (deleted by retention?); the partition now starts at " +
                        std::to_string(lo));
      pos = lo;
    } else if (pos > hi) {
      data_loss(tp, "the partition ends at " + std::to_string(hi) + ", before offset " +
                        std::to_string(pos) + " that sx-read had reached (the topic recreated?)");
      pos = lo;
    }
  }

  void assign(const TopicPartition& tp) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = position[tp];
    const rd_kafka_error_t* e = nullptr;
    rd_kafka_error_t* err = rd_kafka_incremental_assign(rk, list);
    e = err;
    rd_kafka_topic_partition_list_destroy(list);
    if (e) {
      const std::string msg = rd_kafka_error_string(e);
      rd_kafka_error_destroy(err);
      throw io_error("kafka " + kafka::to_string(tp) + ": cannot read it: " + msg);
    }
    Part& p = parts[tp];
    p.queue = rd_kafka_queue_get_partition(rk, tp.topic.c_str(), tp.partition);
    rd_kafka_queue_forward(p.queue, nullptr);  // its messages stay in its own queue
    p.fetch_at = position[tp];
    p.source = "kafka:" + kafka::to_string(tp);
    // What was fetched before that went to the consumer's queue: those
    // messages come before any in the partition's queue.
    rd_kafka_queue_t* main = rd_kafka_queue_get_consumer(rk);
    while (rd_kafka_message_t* m = rd_kafka_consume_queue(main, 0)) {
      const auto it =
          m->rkt ? parts.find({rd_kafka_topic_name(m->rkt), m->partition}) : parts.end();
      if (it != parts.end()) {
        it->second.pending.push_back(m);
        continue;
      }
      if (m->err) last_error = message_error(m);
      rd_kafka_message_destroy(m);
    }
    rd_kafka_queue_destroy(main);
  }

  void seek(const TopicPartition& tp, Part& p, std::int64_t offset) {
    for (rd_kafka_message_t* m : p.pending) rd_kafka_message_destroy(m);
    p.pending.clear();
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = offset;
    rd_kafka_error_t* err = rd_kafka_seek_partitions(rk, list, 10000);
    rd_kafka_topic_partition_list_destroy(list);
    if (err) {
      const std::string msg = rd_kafka_error_string(err);
      rd_kafka_error_destroy(err);
      throw io_error("kafka " + kafka::to_string(tp) + ": cannot seek to " +
                     std::to_string(offset) + ": " + msg);
    }
    p.fetch_at = offset;
  }

  // The latest offsets of the partitions known, asked of their leaders in
  // one call, so that they are one moment's: ends cached from fetches at
  // different moments let a partition fall behind the others by what was
  // produced meanwhile, and its records then came after a watermark that
  // the others had moved (late in a cron run under load).
  Offsets latest() {
    Offsets out;
    if (position.empty()) return out;
    const Micros until = deadline();
    for (;;) {
      if (interrupted()) throw interrupted_error();
      rd_kafka_topic_partition_list_t* list =
          rd_kafka_topic_partition_list_new(static_cast<int>(position.size()));
      for (const auto& [tp, pos] : position) {
        rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset =
            RD_KAFKA_OFFSET_END;
      }
      rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(rk, list, wait_ms(until, 5000));
      for (int i = 0; i < list->cnt && !e; ++i) {
        const rd_kafka_topic_partition_t& el = list->elems[i];
        const TopicPartition tp{el.topic, el.partition};
        if (el.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
          out[tp] = position[tp];  // gone: reading it says so
        } else if (el.err) {
          e = el.err;
        } else {
          out[tp] = std::max(el.offset, position[tp]);
        }
      }
      rd_kafka_topic_partition_list_destroy(list);
      if (!e) return out;
      out.clear();
      last_error = rd_kafka_err2str(e);
      if (clock.now() >= until) unreachable("no latest offsets");
      sleep_micros(100 * kMicrosPerMilli);
    }
  }

  // ---- reading an epoch ----

  // Hands on the messages of `tp` from `expected` up to `stop` (at most its
  // range's end, `until`: less when the partition is gone, with
  // --fail-on-data-loss false), moving `expected` on.
  void read_partition(const TopicPartition& tp, std::int64_t& expected, std::int64_t& until,
                      std::int64_t stop) {
    Part& p = parts.at(tp);
    if (p.fetch_at != expected) seek(tp, p, expected);
    const std::string& source = p.source;
    Micros give_up = deadline();
    rd_kafka_message_t* batch[1024];
    while (expected < stop && expected < until) {
      if (interrupted()) throw interrupted_error();
      if (fatal) throw io_error("kafka " + k.brokers + ": " + last_error);
      if (p.pending.empty()) {
        const ssize_t n = rd_kafka_consume_batch_queue(p.queue, 100, batch, 1024);
        for (ssize_t i = 0; i < n; ++i) p.pending.push_back(batch[i]);
        if (n <= 0) {
          if (clock.now() >= give_up) {
            unreachable("no messages of " + kafka::to_string(tp) + " (offsets " +
                        std::to_string(expected) + " to " + std::to_string(until - 1) +
                        " are to be read)");
          }
          continue;
        }
        give_up = deadline();
      }
      rd_kafka_message_t* m = p.pending.front();
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        p.pending.pop_front();
        p.eof = m->offset;
        rd_kafka_message_destroy(m);
        // The end when the fetcher got there; offsets up to `until` exist
        // (it is an end seen since, the last stable one under
        // read_committed): wait for them. Past it: transaction markers and
        // aborted messages, which no message comes for.
        if (p.eof > expected) expected = std::min(p.eof, until);
        continue;
      }
      if (m->err) {
        const rd_kafka_resp_err_t e = m->err;
        const std::string why = message_error(m);
        p.pending.pop_front();
        rd_kafka_message_destroy(m);
        if (e == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
            e == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
          const auto [lo, hi] = watermarks(tp);
          if (lo > expected) {
            data_loss(tp, "offsets " + std::to_string(expected) + " to " + std::to_string(lo - 1) +
                              " are gone (deleted by retention?) before sx-read read them");
            expected = lo;
            if (until < lo) until = lo;
          } else if (hi < expected) {
            data_loss(tp, "the partition ends at " + std::to_string(hi) + ", before offset " +
                              std::to_string(expected) + " (the topic recreated?)");
            until = expected;
            break;
          }
          seek(tp, p, expected);
          continue;
        }
        if (e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
          data_loss(tp, "the partition is gone (the topic deleted?) with offsets " +
                            std::to_string(expected) + " to " + std::to_string(until - 1) +
                            " unread");
          until = expected;
          break;
        }
        last_error = why;  // transient (a broker down): librdkafka retries
        continue;
      }
      if (m->offset < expected) {  // before a seek's target
        p.pending.pop_front();
        rd_kafka_message_destroy(m);
        continue;
      }
      if (m->offset >= until || m->offset >= stop) break;  // the next epoch's, or turn's
      p.pending.pop_front();
      // Destroyed on every path: librdkafka's destroy waits for each message.
      const std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> owned(
          m, rd_kafka_message_destroy);
      hand_on(tp, m, source);
      expected = m->offset + 1;
      p.fetch_at = expected;
    }
    p.fetch_at = expected;
  }

  void hand_on(const TopicPartition& tp, rd_kafka_message_t* m, const std::string& source) {
    const std::string_view raw(static_cast<const char*>(m->payload ? m->payload : ""), m->len);
    if (avro && m->payload) {
      if (!avro->decode(raw, &decoded, &why)) {
        if (why.starts_with("schema registry") && why.find(" failed after ") != std::string::npos) {
          throw io_error(source + ":" + std::to_string(m->offset) + ": " + why);
        }
        w.reject(BadKind::kMalformed, source, static_cast<std::uint64_t>(m->offset),
                 "the Avro value does not decode: " + why, raw);
        return;
      }
      value.assign(decoded);
    } else {
      value.assign(raw);
    }
    if (!opt.format.empty() && opt.format == "ndjson") {
      // JSON between its tokens may hold line breaks (pretty-printed
      // values); inside strings they are escaped: one line either way.
      for (char& c : value) {
        if (c == '\n' || c == '\r') c = ' ';
      }
    }
    const std::size_t n = value.size();
    value.append(kLinePadding, ' ');
    extra.clear();
    if (!k.metadata.empty()) {
      headers.clear();
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* val;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == 0; ++i) {
          headers.push_back({name, val, size});
        }
      }
      rd_kafka_timestamp_type_t type;
      const std::int64_t ts = rd_kafka_message_timestamp(m, &type);
      kafka::append_metadata(extra, k.metadata, tp, m->offset, ts,
                             type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? 1 : 0, m->key, m->key_len,
                             headers);
    }
    w.add_message(std::string_view(value.data(), n), extra, static_cast<std::uint64_t>(m->offset),
                  source);
  }

  // Reads one epoch's ranges, partition after partition.
  // The partitions take turns of kTurn offsets, in topic and partition
  // order: as deterministic as one after the other, while every partition's
  // fetches go on (reading one to its end first left the others' queues
  // full and idle).
  static constexpr std::int64_t kTurn = 4096;
  void read_epoch() {
    std::vector<std::pair<TopicPartition, std::int64_t>> open;  // and the next offset
    for (auto& [tp, from] : plan_from) {
      if (from >= plan_until[tp]) continue;
      if (!parts.count(tp)) {
        position[tp] = from;
        assign(tp);
      }
      open.emplace_back(tp, from);
    }
    while (!open.empty()) {
      std::size_t kept = 0;
      for (auto& [tp, expected] : open) {
        std::int64_t& until = plan_until[tp];
        read_partition(tp, expected, until, expected + kTurn);
        if (expected < until) open[kept++] = {tp, expected};
      }
      open.resize(kept);
    }
    for (const auto& [tp, until] : plan_until) {
      if (plan_from[tp] < until) position[tp] = until;
    }
  }

  bool plan_is_empty() const {
    for (const auto& [tp, from] : plan_from) {
      if (plan_until.at(tp) > from) return false;
    }
    return true;
  }

  // How long an epoch of a continuous run takes at least (its data waits in
  // the brokers meanwhile): --trigger interval=D, else as live file input.
  Micros min_epoch() const {
    if (opt.interval > 0) return opt.interval;
    return opt.checkpoint.empty() ? kDefaultLiveEpoch : kDefaultLiveCheckpointEpoch;
  }

  void run() {
    check_options();
    if (!opt.checkpoint.empty()) {
      if (opt.reset) CheckpointDir::reset(opt.checkpoint);
      ckpt = std::make_unique<CheckpointDir>(opt.checkpoint, opt.name);
      load();
    } else if (opt.trigger != SourceOptions::Trigger::kContinuous) {
      throw usage_error(
          "--trigger available-now and once need --checkpoint DIR: the next run goes on where "
          "this one stopped");
    }
    if (!w.start_messages()) {
      throw usage_error("--format " + opt.format +
                        " needs a header line, and Kafka messages are one record each: use "
                        "json (the default), logfmt, clf, combined, syslog or regex:PATTERN");
    }
    if (!opt.progress.empty()) w.write_progress(opt.progress, opt.name);
    const bool bounded = k.ending_latest && opt.trigger == SourceOptions::Trigger::kContinuous;
    w.write_header(bounded);
    if (k.value_format == "avro") {
      avro = k.avro_schema.empty()
                 ? avro_from_registry(k.schema_registry, static_cast<long>(k.timeout / 1000))
                 : avro_from_schema_file(k.avro_schema);
    }
    connect();
    const bool first = ckpt == nullptr || ckpt->last_committed() < 0;
    add_partitions(discover(), first);
    last_discovery = clock.now();
    limited = k.ending_latest || opt.trigger != SourceOptions::Trigger::kContinuous;
    if (limited) stop_at = latest();
    check_ended();
    Micros opened = clock.now();
    try {
      for (;;) {
        if (interrupted()) throw interrupted_error();
        const std::int64_t epoch = w.epochs().state().next_epoch;
        bool capped = false;
        const auto again = replay.find(epoch);
        if (again != replay.end()) {
          plan_from = again->second.first;
          plan_until = again->second.second;
          for (const auto& [tp, off] : plan_from) {
            if (!position.count(tp) || position[tp] != off) {
              position[tp] = off;
              if (parts.count(tp)) seek(tp, parts[tp], off);
            }
          }
          read_epoch();
          replay.erase(again);
        } else {
          if (!limited && clock.now() - last_discovery >= kMicrosPerSecond) {
            add_partitions(discover(), false);
            last_discovery = clock.now();
          }
          plan_from = position;
          const Offsets ends = limited ? stop_at : latest();
          Offsets bound = ends;
          for (const auto& [tp, off] : plan_from) {
            if (!bound.count(tp)) bound[tp] = off;  // found after the run's end was fixed
          }
          plan_until = kafka::plan_until(plan_from, bound, k.max_offsets);
          for (const auto& [tp, off] : plan_until) capped |= off < bound[tp];
          if (plan_is_empty()) {
            if (limited) break;
            w.idle();
            w.flush();
            sleep_micros(std::min<Micros>(min_epoch(), 100 * kMicrosPerMilli));
            opened = clock.now();
            continue;
          }
          read_epoch();
        }
        w.end_epoch();
        if (w.stopped()) break;  // --trigger once
        if (!limited && !capped) {
          const Micros left = opened + min_epoch() - clock.now();
          if (left > 0) sleep_micros(left);
        }
        opened = clock.now();
      }
      w.finish();
    } catch (...) {
      w.finish_bad();
      throw;
    }
    w.finish_bad();
  }
};

KafkaSource::KafkaSource(SourceOptions options, Output& out, Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), out, clock)) {}
KafkaSource::~KafkaSource() = default;

std::uint64_t KafkaSource::records() const { return impl_->w.epochs().records(); }

void KafkaSource::run() { impl_->run(); }

}  // namespace sx
