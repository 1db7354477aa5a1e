#include "io/schema_registry.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <type_traits>

#include "base/error.h"
#include "io/avro.h"

namespace sx {

namespace {

// libcurl, loaded when a registry is first used (dlopen): linked into
// sx-read, it and the 31 libraries it needs (TLS, Kerberos, LDAP, ...) tripled
// the start time of every run (4 ms to 13.5 ms), --schema-registry or not.
struct CurlApi {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
};

// The loaded API; io_error when libcurl cannot be loaded.
const CurlApi& curl_api() {
  static const CurlApi api = [] {
    CurlApi a;
    void* h = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
      const char* e = ::dlerror();
      throw io_error(std::string("--schema-registry needs libcurl, which could not be loaded (") +
                     (e ? e : "libcurl.so.4") + "): install libcurl4 (scripts/setup.sh does)");
    }
    auto get = [h](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(h, name));
      if (fn == nullptr) {
        throw io_error(std::string("--schema-registry: libcurl.so.4 has no ") + name +
                       " (too old a libcurl?)");
      }
    };
    get(a.global_init, "curl_global_init");
    get(a.easy_init, "curl_easy_init");
    get(a.easy_setopt, "curl_easy_setopt");
    get(a.easy_perform, "curl_easy_perform");
    get(a.easy_getinfo, "curl_easy_getinfo");
    get(a.easy_cleanup, "curl_easy_cleanup");
    get(a.easy_strerror, "curl_easy_strerror");
    get(a.slist_append, "curl_slist_append");
    get(a.slist_free_all, "curl_slist_free_all");
    a.global_init(CURL_GLOBAL_DEFAULT);
    return a;
  }();
  return api;
}

constexpr std::size_t kMaxAnswer = 16 << 20;  // a schema is a few KB; stop a runaway body

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoding of a URL's user or password.
std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + n > kMaxAnswer) return 0;  // curl fails the transfer
  body->append(data, size * n);
  return size * n;
}

}  // namespace

SchemaRegistry::SchemaRegistry(const std::string& url, long timeout_ms, int attempts)
    : timeout_ms_(timeout_ms > 0 ? timeout_ms : 10000), attempts_(attempts > 0 ? attempts : 1) {
  const auto scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    throw usage_error("--schema-registry '" + url +
                      "': give the registry's http:// or https:// URL, e.g. "
                      "http://localhost:8081");
  }
  const std::size_t host_at = scheme_end + 3;
  std::size_t host_end = url.find_first_of("/?#", host_at);
  if (host_end == std::string::npos) host_end = url.size();
  std::string authority = url.substr(host_at, host_end - host_at);
  const auto at = authority.rfind('@');
  if (at != std::string::npos) {
    const std::string info = authority.substr(0, at);
    const auto colon = info.find(':');
    user_ = percent_decode(info.substr(0, colon));
    if (colon != std::string::npos) password_ = percent_decode(info.substr(colon + 1));
    authority = authority.substr(at + 1);
  }
  if (authority.empty()) {
    throw usage_error("--schema-registry '" + url + "': no host (e.g. http://localhost:8081)");
  }
  url_ = scheme + "://" + authority + url.substr(host_end);
  while (!url_.empty() && url_.back() == '/') url_.pop_back();

  const CurlApi& curl = curl_api();
  CURL* c = curl.easy_init();
  if (!c) throw io_error("--schema-registry: libcurl could not start (curl_easy_init)");
  curl_ = c;
  curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms_);
  curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms_);
  curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl.easy_setopt(c, CURLOPT_WRITEDATA, &body_);
  curl.easy_setopt(c, CURLOPT_USERAGENT, "sx");
  curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (at != std::string::npos) {
    curl.easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl.easy_setopt(c, CURLOPT_USERNAME, user_.c_str());
    curl.easy_setopt(c, CURLOPT_PASSWORD, password_.c_str());
  }
}

SchemaRegistry::~SchemaRegistry() {
  if (curl_) curl_api().easy_cleanup(static_cast<CURL*>(curl_));
}

SchemaRegistry::Fetch SchemaRegistry::schema_by_id(std::int32_t id, std::string* schema,
                                                   std::string* why) {
  if (auto it = cache_.find(id); it != cache_.end()) {
    if (it->second.fetch == Fetch::kOk) {
      *schema = it->second.text;
    } else {
      *why = it->second.text;
    }
    return it->second.fetch;
  }
  const Fetch f = get(id, schema, why);
  if (f != Fetch::kFailed) cache_.emplace(id, Answer{f, f == Fetch::kOk ? *schema : *why});
  return f;
}

SchemaRegistry::Fetch SchemaRegistry::get(std::int32_t id, std::string* schema, std::string* why) {
  const CurlApi& curl = curl_api();
  CURL* c = static_cast<CURL*>(curl_);
  const std::string path = "/schemas/ids/" + std::to_string(id);
  const std::string full = url_ + path;
  curl.easy_setopt(c, CURLOPT_URL, full.c_str());
  struct curl_slist* headers = curl.slist_append(
      nullptr, "Accept: application/vnd.schemaregistry.v1+json, application/json");
  curl.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  char errbuf[CURL_ERROR_SIZE];
  curl.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  std::string last;
  long status = 0;
  for (int attempt = 0; attempt < attempts_; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 << (attempt - 1)));
    body_.clear();
    errbuf[0] = '\0';
    ++requests_;
    const CURLcode rc = curl.easy_perform(c);
    if (rc != CURLE_OK) {
      last = errbuf[0] ? errbuf : curl.easy_strerror(rc);
      status = 0;
      continue;
    }
    curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 500 || status == 429) {
      last = "HTTP " + std::to_string(status);
      continue;
    }
    break;
  }
  curl.easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl.easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  curl.slist_free_all(headers);
  const std::string where = "schema registry " + url_ + ": GET " + path;
  if (status == 0 || status >= 500 || status == 429) {
    *why = where + " failed after " + std::to_string(attempts_) +
           (attempts_ == 1 ? " attempt: " : " attempts: ") + last +
           " (is the registry up, and is --schema-registry its URL?)";
    return Fetch::kFailed;
  }
  AvroJson answer;
  std::string bad;
  const bool json = AvroJson::parse(body_, &answer, &bad);
  if (status != 200) {
    *why = where + ": HTTP " + std::to_string(status);
    const AvroJson* message = json ? answer.get("message") : nullptr;
    const AvroJson* code = json ? answer.get("error_code") : nullptr;
    if (message && message->type == AvroJson::Type::kString) *why += ": " + message->text;
    if (code && code->type == AvroJson::Type::kNumber) *why += " (error " + code->text + ")";
    if (status == 404) {
      *why += " (no schema with id " + std::to_string(id) +
              ": was the value written with another registry?)";
    } else if (status == 401 || status == 403) {
      *why += " (give the credentials in the URL: https://USER:PASSWORD@host:port)";
    }
    return Fetch::kNotFound;
  }
  if (!json || answer.type != AvroJson::Type::kObject) {
    *why = where + ": the answer is not a JSON object" + (json ? "" : " (" + bad + ")");
    return Fetch::kNotFound;
  }
  if (const AvroJson* type = answer.get("schemaType")) {
    if (type->type != AvroJson::Type::kString || type->text != "AVRO") {
      *why = where + ": a " + (type->type == AvroJson::Type::kString ? type->text : "non-Avro") +
             " schema; sx reads Avro values only";
      return Fetch::kNotFound;
    }
  }
  const AvroJson* text = answer.get("schema");
  if (!text || text->type != AvroJson::Type::kString) {
    *why = where + ": the answer has no \"schema\" string";
    return Fetch::kNotFound;
  }
  *schema = text->text;
  return Fetch::kOk;
}

}  // namespace sx
