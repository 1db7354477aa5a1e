// A client of Confluent's Schema Registry: the schema of an id, with
// GET URL/schemas/ids/{id} over HTTP (libcurl), cached by id. The answer is
// {"schema": "<the schema's JSON as a string>"} with an optional "schemaType"
// (only AVRO, or none, is accepted). Credentials in the URL
// (https://user:password@host:8081, Confluent's basic.auth.user.info) are
// sent with HTTP basic authentication and never appear in messages.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace sx {

class SchemaRegistry {
 public:
  // Throws usage_error for a URL that is not http:// or https://. Each
  // attempt of a fetch gives up after `timeout_ms`; a fetch makes at most
  // `attempts` of them (connection errors, timeouts, HTTP 5xx and 429),
  // waiting 100 ms, 200 ms, 400 ms... between them.
  SchemaRegistry(const std::string& url, long timeout_ms, int attempts = 3);
  ~SchemaRegistry();
  SchemaRegistry(const SchemaRegistry&) = delete;
  SchemaRegistry& operator=(const SchemaRegistry&) = delete;

  enum class Fetch {
    kOk,        // *schema is the schema's JSON
    kNotFound,  // a definitive no (404, 401/403, not AVRO, a bad answer): *why
    kFailed,    // no answer after the retries: *why (asking again may work)
  };
  // The schema text of `id`. Answers (schemas and definitive noes) are cached.
  Fetch schema_by_id(std::int32_t id, std::string* schema, std::string* why);

  // The URL without credentials or a trailing slash, for messages.
  const std::string& url() const { return url_; }
  // GET requests made (attempts included), for tests of the cache.
  int requests() const { return requests_; }

 private:
  Fetch get(std::int32_t id, std::string* schema, std::string* why);

  std::string url_;  // scheme://host[:port][/path], no credentials
  std::string user_, password_;
  long timeout_ms_;
  int attempts_;
  int requests_ = 0;
  void* curl_ = nullptr;  // CURL*
  std::string body_;
  struct Answer {
    Fetch fetch;
    std::string text;  // the schema, or why not
  };
  std::unordered_map<std::int32_t, Answer> cache_;
};

}  // namespace sx
