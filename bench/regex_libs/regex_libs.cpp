// Throwaway benchmark behind sx-read --format regex:PATTERN's choice of
// library (bench/README.md): RE2 against PCRE2 with its JIT, matching an nginx
// combined line with named groups, anchored, over N generated lines, match
// data reused (as sx does). Not built by CMake; see README.md.
#include <pcre2.h>
#include <re2/re2.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

const char* kPattern =
    R"re((?P<remote_addr>\S+) \S+ (?P<remote_user>\S+) \[(?P<time_local>[^\]]+)\] )re"
    R"re("(?P<method>[A-Z]+) (?P<path>[^ "]*) (?P<protocol>[^"]*)" (?P<status>\d{3}) )re"
    R"re((?P<body_bytes_sent>\d+|-) "(?P<http_referer>[^"]*)" "(?P<http_user_agent>[^"]*)")re";

std::vector<std::string> make_lines(int n) {
  const char* paths[] = {"/", "/index.html", "/api/v1/users?id=42", "/static/app.js",
                         "/images/logo.png"};
  const char* agents[] = {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0",
                          "curl/8.5.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"};
  std::vector<std::string> lines;
  lines.reserve(n);
  std::uint64_t x = 1;
  char buf[512];
  for (int i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    std::snprintf(buf, sizeof buf,
                  "10.%d.%d.%d - - [10/Oct/2024:13:%02d:%02d +0200] \"GET %s HTTP/1.1\" %d %d "
                  "\"https://example.com/\" \"%s\"",
                  int(x >> 56), int((x >> 48) & 255), int((x >> 40) & 255), int((x >> 34) % 60),
                  int((x >> 28) % 60), paths[(x >> 20) % 5], (x >> 16) % 10 ? 200 : 404,
                  int((x >> 8) % 50000), agents[(x >> 4) % 3]);
    lines.emplace_back(buf);
  }
  return lines;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const auto lines = make_lines(n);
  std::size_t bytes = 0;
  for (const auto& l : lines) bytes += l.size() + 1;
  std::printf("%d lines, %.1f MB\n", n, bytes / 1e6);

  {  // RE2: FullMatchN-like, through Match with ANCHOR_BOTH into reused pieces.
    RE2 re(kPattern);
    if (!re.ok()) return 1;
    const int groups = re.NumberOfCapturingGroups();
    std::vector<re2::StringPiece> sub(groups + 1);
    std::size_t matched = 0, total = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& l : lines) {
      if (re.Match(l, 0, l.size(), RE2::ANCHOR_BOTH, sub.data(), groups + 1)) {
        ++matched;
        for (int g = 1; g <= groups; ++g) total += sub[g].size();
      }
    }
    const double s = seconds_since(t0);
    std::printf("re2        %6.3f s  %5.2f M lines/s  %zu matched (%zu bytes captured)\n", s,
                n / s / 1e6, matched, total);
  }
  for (const bool jit : {false, true}) {  // PCRE2, anchored at both ends, one match data.
    int err;
    PCRE2_SIZE off;
    std::string p = std::string("(?:") + kPattern + ")";
    pcre2_code* re = pcre2_compile(
        reinterpret_cast<PCRE2_SPTR>(p.c_str()), p.size(),
        PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF | PCRE2_NO_UTF_CHECK, &err, &off, nullptr);
    if (re == nullptr) return 1;
    if (jit && pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0) return 1;
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(re, nullptr);
    std::size_t matched = 0, total = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& l : lines) {
      const int rc = pcre2_match(re, reinterpret_cast<PCRE2_SPTR>(l.data()), l.size(), 0,
                                 PCRE2_NO_UTF_CHECK, md, nullptr);
      if (rc > 0) {
        ++matched;
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
        for (int g = 1; g < rc; ++g) total += ov[2 * g + 1] - ov[2 * g];
      }
    }
    const double s = seconds_since(t0);
    std::printf("%-10s %6.3f s  %5.2f M lines/s  %zu matched (%zu bytes captured)\n",
                jit ? "pcre2-jit" : "pcre2", s, n / s / 1e6, matched, total);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
  }
  return 0;
}
