// sx_test_avro_encode: Avro test data for the scenarios, one file a value.
//
//   sx_test_avro_encode --schema FILE [--registry-id N] --out DIR < values.ndjson
//
// Reads one JSON value a line from stdin, in Avro's JSON encoding (a union as
// null or {"TYPE": value} with TYPE the branch's type name, full name for
// named types; bytes and fixed as strings of code points U+0000..U+00FF;
// logical types as their underlying values: a timestamp-millis is a number of
// milliseconds), encodes it with Avro C (avro_value_write) and writes it to
// its own file DIR/000001.bin, DIR/000002.bin, ... (DIR is created). With
// --registry-id N each value is framed in Confluent's wire format: a magic
// byte 0, N as 4 bytes big-endian, then the Avro binary. Empty lines are
// skipped. Exit 0, or 1 naming the line that does not fit the schema, 2 for
// bad arguments. Send the files to Kafka as one message each with kcat:
//
//   sx_test_avro_encode --schema ad.avsc --registry-id 1 --out vals < ads.ndjson
//   kcat -P -b "$KAFKA" -t ads vals/*.bin
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "io/avro.h"

namespace {

int usage(const char* why) {
  std::fprintf(stderr,
               "sx_test_avro_encode: %s\nusage: sx_test_avro_encode --schema FILE "
               "[--registry-id N] --out DIR < values.ndjson\n",
               why);
  return 2;
}

bool slurp(FILE* f, std::string* out) {
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  return !std::ferror(f);
}

}  // namespace

int main(int argc, char** argv) {
  std::string schema_path, out_dir;
  long id = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--schema" && i + 1 < argc) {
      schema_path = argv[++i];
    } else if (a == "--out" && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (a == "--registry-id" && i + 1 < argc) {
      char* end = nullptr;
      id = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || id < 0 || id > 0x7fffffffL) {
        return usage("--registry-id takes a schema id from 0 to 2147483647");
      }
    } else {
      return usage(("unknown argument " + a).c_str());
    }
  }
  if (schema_path.empty() || out_dir.empty()) return usage("--schema and --out are required");
  std::string schema;
  FILE* sf = std::fopen(schema_path.c_str(), "rb");
  if (!sf || !slurp(sf, &schema)) {
    std::fprintf(stderr, "sx_test_avro_encode: cannot read %s\n", schema_path.c_str());
    return 2;
  }
  std::fclose(sf);
  std::string why;
  auto enc = sx::AvroCEncoder::make(schema, &why);
  if (!enc) {
    std::fprintf(stderr, "sx_test_avro_encode: %s: %s\n", schema_path.c_str(), why.c_str());
    return 2;
  }
  ::mkdir(out_dir.c_str(), 0777);
  std::string input;
  slurp(stdin, &input);
  std::size_t pos = 0, line = 0, written = 0;
  std::string bytes;
  while (pos < input.size()) {
    std::size_t nl = input.find('\n', pos);
    if (nl == std::string::npos) nl = input.size();
    const std::string text = input.substr(pos, nl - pos);
    pos = nl + 1;
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    sx::AvroJson value;
    bytes.clear();
    if (id >= 0) {
      bytes.push_back('\0');
      for (int shift = 24; shift >= 0; shift -= 8) {
        bytes.push_back(static_cast<char>((id >> shift) & 0xff));
      }
    }
    if (!sx::AvroJson::parse(text, &value, &why) || !enc->encode(value, &bytes, &why)) {
      std::fprintf(stderr, "sx_test_avro_encode: line %zu: %s\n", line, why.c_str());
      return 1;
    }
    char name[32];
    std::snprintf(name, sizeof name, "/%06zu.bin", ++written);
    const std::string path = out_dir + name;
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() ||
        std::fclose(f) != 0) {
      std::fprintf(stderr, "sx_test_avro_encode: cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}
