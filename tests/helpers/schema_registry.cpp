// sx_test_schema_registry: a stand-in for Confluent's Schema Registry on
// loopback, for the tests. It serves the documented GET /schemas/ids/{id}.
//
//   sx_test_schema_registry --dir DIR [--auth USER:PASSWORD] [--fail N]
//
// Prints "http://127.0.0.1:PORT" as its first line on stdout, then serves
// until its stdin ends (or SIGTERM):
//   GET /schemas/ids/{id}  200 {"schema": "<DIR/{id}.avsc as a JSON string>"}
//                          404 {"error_code":40403,"message":"Schema not found"}
//   GET /stats             the number of GET /schemas/ids/ requests so far
//                          (so a test can check a client's cache)
// --auth: every request must carry HTTP basic authentication with these
// credentials (401 {"error_code":401,"message":"Unauthorized"} otherwise).
// --fail N: the first N schema requests get 500 (a client's retries).
// HTTP/1.1, one connection at a time, "Connection: close" on every answer.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int usage(const char* why) {
  std::fprintf(stderr,
               "sx_test_schema_registry: %s\nusage: sx_test_schema_registry --dir DIR "
               "[--auth USER:PASSWORD] [--fail N]\n",
               why);
  return 2;
}

std::string base64(const std::string& s) {
  static const char k[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(s[i]) << 16) |
                       (static_cast<unsigned char>(s[i + 1]) << 8) |
                       static_cast<unsigned char>(s[i + 2]);
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += k[v & 63];
  }
  if (i + 1 == s.size()) {
    const unsigned v = static_cast<unsigned char>(s[i]) << 16;
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == s.size()) {
    const unsigned v =
        (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8);
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool read_file(const std::string& path, std::string* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  std::fclose(f);
  return true;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", u);
      out += b;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void send_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

void answer(int fd, int status, const char* reason, const std::string& body) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                  "\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  send_all(fd, r);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, auth;
  int fail = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--auth" && i + 1 < argc) {
      auth = argv[++i];
    } else if (a == "--fail" && i + 1 < argc) {
      fail = std::atoi(argv[++i]);
    } else {
      return usage(("unknown argument " + a).c_str());
    }
  }
  if (dir.empty()) return usage("--dir is required");
  std::signal(SIGPIPE, SIG_IGN);

  const int srv = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (srv < 0 || ::bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(srv, 16) != 0 || ::getsockname(srv, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("sx_test_schema_registry: socket");
    return 1;
  }
  std::printf("http://127.0.0.1:%d\n", ntohs(addr.sin_port));
  std::fflush(stdout);

  const std::string want_auth = auth.empty() ? "" : "Basic " + base64(auth);
  int served = 0;
  while (true) {
    pollfd fds[2] = {{0, POLLIN, 0}, {srv, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[0].revents) {
      char b[256];
      if (::read(0, b, sizeof b) <= 0) break;  // stdin ended: stop
    }
    if (!(fds[1].revents & POLLIN)) continue;
    const int fd = ::accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::string req;
    char buf[4096];
    while (req.find("\r\n\r\n") == std::string::npos && req.size() < 65536) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) break;
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      req.append(buf, static_cast<std::size_t>(n));
    }
    const auto sp1 = req.find(' ');
    const auto sp2 = sp1 == std::string::npos ? sp1 : req.find(' ', sp1 + 1);
    if (sp2 == std::string::npos || req.compare(0, sp1, "GET") != 0) {
      answer(fd, 405, "Method Not Allowed",
             "{\"error_code\":405,\"message\":\"HTTP 405 Method Not Allowed\"}");
      ::close(fd);
      continue;
    }
    const std::string path = req.substr(sp1 + 1, sp2 - sp1 - 1);
    bool authorized = true;
    if (!want_auth.empty()) {
      // Header names are case-insensitive; curl writes "Authorization".
      const auto h = req.find("\r\nAuthorization: ");
      const auto end = h == std::string::npos ? h : req.find("\r\n", h + 2);
      authorized = h != std::string::npos && req.substr(h + 17, end - h - 17) == want_auth;
    }
    const std::string prefix = "/schemas/ids/";
    if (path == "/stats") {
      answer(fd, 200, "OK", std::to_string(served));
    } else if (!authorized) {
      answer(fd, 401, "Unauthorized", "{\"error_code\":401,\"message\":\"Unauthorized\"}");
    } else if (path.compare(0, prefix.size(), prefix) == 0) {
      ++served;
      const std::string id = path.substr(prefix.size());
      std::string schema;
      const bool numeric = !id.empty() && id.find_first_not_of("0123456789") == std::string::npos;
      if (fail > 0) {
        --fail;
        answer(fd, 500, "Internal Server Error",
               "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");
      } else if (numeric && read_file(dir + "/" + id + ".avsc", &schema)) {
        while (!schema.empty() && (schema.back() == '\n' || schema.back() == ' ')) {
          schema.pop_back();
        }
        answer(fd, 200, "OK", "{\"schema\":" + json_string(schema) + "}");
      } else {
        answer(fd, 404, "Not Found", "{\"error_code\":40403,\"message\":\"Schema not found\"}");
      }
    } else {
      answer(fd, 404, "Not Found", "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
    }
    ::close(fd);
  }
  ::close(srv);
  return 0;
}
