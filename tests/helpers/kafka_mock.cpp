// sx_test_kafka_mock: a Kafka cluster on loopback for the tests, librdkafka's
// own mock cluster (rdkafka_mock.h: the Kafka protocol, in this process).
//
//   sx_test_kafka_mock [--brokers N] [--topic NAME:PARTITIONS]...
//
// Prints the bootstrap servers ("127.0.0.1:PORT,...") as its first line on
// stdout, then reads commands, one a line, from stdin, answering each with
// "ok" or "error: ..." on stdout:
//   topic NAME PARTITIONS [MAX]
//                           create a topic; with MAX, of MAX partitions of
//                           which only the first PARTITIONS exist for clients
//                           until "grow" (see below)
//   grow NAME PARTITIONS    the topic now has PARTITIONS partitions (up to its
//                           MAX), as Kafka's CreatePartitions would do it
//   down ID | up ID         take broker ID (1..N) down, bring it back
//   rtt ID MS               add MS of round-trip time to broker ID
//   topic-error NAME CODE   answer requests on topic NAME with the Kafka
//                           error CODE (3: unknown topic, as if deleted; 0: clear)
//   errors API CODE COUNT   the next COUNT requests of Kafka API key API fail
//                           with CODE (e.g. errors 1 6 3: three Fetches,
//                           NOT_LEADER_FOR_PARTITION)
//   quit                    stop (as does the end of stdin, or SIGTERM)
// Why "grow" is done this way: the mock of Debian's librdkafka 2.0.2 does not
// implement CreatePartitions (nor any other way to add a partition to a topic).
// So a topic that is to grow is created whole, and the helper lowers the
// partition count the mock serves (Metadata, Produce, Fetch, ListOffsets all
// ask rd_kafka_mock_partition_find, which refuses a partition at or past the
// count as UNKNOWN_TOPIC_OR_PART), then raises it: clients see exactly what
// CreatePartitions shows them, a topic whose count rises, its new partitions
// empty. The count lives in the mock's private topic struct; the layout below
// is 2.0.2's (src/rdkafka_mock_int.h), checked at run time: the version must
// be 2.0.2 and the topic found must point back at this cluster.
// The mock keeps at most 5 MB of message batches a partition, dropping the
// oldest beyond that (its fixed retention): tests of lost offsets use it.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

int usage(const char* why) {
  std::fprintf(stderr,
               "sx_test_kafka_mock: %s\nusage: sx_test_kafka_mock [--brokers N] "
               "[--topic NAME:PARTITIONS]...\n",
               why);
  return 2;
}

// The leading members of librdkafka 2.0.2's rd_kafka_mock_cluster_s and
// rd_kafka_mock_topic_s (src/rdkafka_mock_int.h at v2.0.2).
struct MockTopic202 {
  MockTopic202* next;  // TAILQ_ENTRY link
  MockTopic202** prev;
  char* name;
  void* partitions;
  int partition_cnt;
  int err;
  rd_kafka_mock_cluster_t* cluster;
};
struct MockCluster202 {
  char id[32];
  rd_kafka_t* rk;
  int32_t controller_id;
  void* brokers_first;  // TAILQ_HEAD brokers
  void** brokers_last;
  int broker_cnt;
  MockTopic202* topics_first;  // TAILQ_HEAD topics
  MockTopic202** topics_last;
  int topic_cnt;
};

struct Hidden {
  std::string name;
  int all = 0;  // partitions the mock holds
};
std::vector<Hidden> hidden;

// The partition count of topic NAME as the mock serves it, or null (and why).
int* served_count(rd_kafka_mock_cluster_t* mc, const std::string& name, std::string& why) {
  if (rd_kafka_version() != 0x020002ff) {
    why = std::string("growing a topic needs librdkafka 2.0.2's mock, this is ") +
          rd_kafka_version_str();
    return nullptr;
  }
  auto* c = reinterpret_cast<MockCluster202*>(mc);
  for (MockTopic202* t = c->topics_first; t; t = t->next) {
    if (t->cluster != mc) {
      why = "the mock's topic list is not laid out as in librdkafka 2.0.2";
      return nullptr;
    }
    if (name == t->name) return &t->partition_cnt;
  }
  why = "no topic " + name;
  return nullptr;
}

std::string answer(rd_kafka_resp_err_t err) {
  return err ? std::string("error: ") + rd_kafka_err2str(err) : "ok";
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--brokers" && i + 1 < argc) {
      brokers = std::atoi(argv[++i]);
      if (brokers < 1) return usage("--brokers takes a positive number");
    } else if (a == "--topic" && i + 1 < argc) {
      const std::string t = argv[++i];
      const auto colon = t.rfind(':');
      if (colon == std::string::npos) return usage("--topic takes NAME:PARTITIONS");
      topics.emplace_back(t.substr(0, colon), std::atoi(t.c_str() + colon + 1));
    } else {
      return usage(("unknown argument " + a).c_str());
    }
  }
  std::signal(SIGPIPE, SIG_IGN);
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // A handle only to host the cluster: no bootstrap servers of its own.
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) return usage(err);
  rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) return usage("could not start the mock cluster");
  for (const auto& [name, parts] : topics) {
    const rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, name.c_str(), parts, 1);
    if (e) return usage((name + ": " + rd_kafka_err2str(e)).c_str());
  }
  std::cout << rd_kafka_mock_cluster_bootstraps(mc) << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    if (cmd.empty()) continue;
    if (cmd == "quit") break;
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (cmd == "topic") {
      std::string name;
      int parts = 0, all = 0;
      in >> name >> parts >> all;
      if (all < parts) all = parts;
      e = rd_kafka_mock_topic_create(mc, name.c_str(), all, 1);
      if (!e && all > parts) {
        std::string why;
        int* count = served_count(mc, name, why);
        if (!count) {
          std::cout << "error: " << why << std::endl;
          continue;
        }
        __atomic_store_n(count, parts, __ATOMIC_SEQ_CST);
        hidden.push_back({name, all});
      }
    } else if (cmd == "grow") {
      std::string name, why;
      int parts = 0;
      in >> name >> parts;
      int* count = served_count(mc, name, why);
      int all = 0;
      for (const Hidden& h : hidden)
        if (h.name == name) all = h.all;
      if (count && (parts < *count || parts > all))
        why = "topic " + name + " can grow to " + std::to_string(all) +
              " partitions at most (created with topic NAME N MAX)";
      if (!why.empty()) {
        std::cout << "error: " << why << std::endl;
        continue;
      }
      __atomic_store_n(count, parts, __ATOMIC_SEQ_CST);
    } else if (cmd == "down" || cmd == "up") {
      int id = 0;
      in >> id;
      e = cmd == "down" ? rd_kafka_mock_broker_set_down(mc, id)
                        : rd_kafka_mock_broker_set_up(mc, id);
    } else if (cmd == "rtt") {
      int id = 0, ms = 0;
      in >> id >> ms;
      e = rd_kafka_mock_broker_set_rtt(mc, id, ms);
    } else if (cmd == "topic-error") {
      std::string name;
      int code = 0;
      in >> name >> code;
      rd_kafka_mock_topic_set_error(mc, name.c_str(), static_cast<rd_kafka_resp_err_t>(code));
    } else if (cmd == "errors") {
      int api = 0, code = 0, count = 0;
      in >> api >> code >> count;
      std::vector<rd_kafka_resp_err_t> errs(static_cast<std::size_t>(count),
                                            static_cast<rd_kafka_resp_err_t>(code));
      rd_kafka_mock_push_request_errors_array(mc, static_cast<int16_t>(api), errs.size(),
                                              errs.data());
    } else {
      std::cout << "error: unknown command " << cmd << std::endl;
      continue;
    }
    std::cout << answer(e) << std::endl;
  }
  for (const Hidden& h : hidden) {  // the mock frees the partitions it counts
    std::string why;
    if (int* count = served_count(mc, h.name, why)) __atomic_store_n(count, h.all, __ATOMIC_SEQ_CST);
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
