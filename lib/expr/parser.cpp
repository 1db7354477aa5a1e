// The lexer and parser of sx-expr(7): Spark SQL's expression grammar
// (SqlBaseParser.g4, booleanExpression and valueExpression) for the subset
// sx-expr(7) lists, with Spark's precedence, lowest first:
//   OR;  AND;  NOT;  predicates (BETWEEN, IN, LIKE, RLIKE, IS [NOT] NULL);
//   comparisons (= == != <> < <= > >= <=>, left-associative);
//   + - ||;  * / % DIV;  unary - +;  a[i] a.b;  literals, (..), calls, CASE.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "base/did_you_mean.h"
#include "base/error.h"
#include "expr/program.h"

namespace sx::expr {
namespace {

enum class Tok {
  kEnd,
  kIdent,    // text: as written; keywords are idents too (compared case-insensitively)
  kQuoted,   // `name`: text unquoted
  kString,   // text: unescaped
  kInt,      // text: digits, suffix in `suffix`
  kDecimal,  // 1.5, .5, 1.
  kDouble,   // 1e3, 1.5D
  kOp,       // text: + - * / % = == != <> < <= > >= <=> || ( ) [ ] , . !
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;
  char suffix = 0;  // L, S, Y, D (upper-cased); 'B' for BD
  std::size_t at = 0;
};

bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  return true;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

constexpr std::string_view kReserved[] = {
    "and",  "or",    "not",  "in",   "between", "like", "rlike", "regexp", "is",  "null",
    "true", "false", "case", "when", "then",    "else", "end",   "as",     "div", "escape"};

bool reserved(std::string_view s) {
  for (std::string_view k : kReserved)
    if (ieq(s, k)) return true;
  return false;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  Parser(std::string_view text, Program* p) : s_(text), p_(p) {}

  // [AS] name at the end (Spark's namedExpression: AS is optional).
  bool alias(std::string* name) {
    const bool as = is_kw("as");
    if (as) advance();
    if (tok_.kind == Tok::kQuoted || (tok_.kind == Tok::kIdent && !reserved(tok_.text))) {
      *name = tok_.text;
      advance();
      return true;
    }
    if (as) fail(tok_.at, "expected a name after AS");
    return false;
  }

  void run_aggregate(AggregateSyntax* out) {
    advance();
    if (tok_.kind != Tok::kIdent || reserved(tok_.text))
      fail(tok_.at, "expected an aggregate function call such as sum(x)");
    out->function = lower(tok_.text);
    consume();
    expect_op("(", "after the aggregate function's name");
    if (is_op("*")) {
      consume();
      out->star = true;
    } else if (!is_op(")")) {
      if (is_kw("distinct")) {
        const Token saved = tok_;
        const std::size_t pos = pos_, after = pos_after_, last = last_end_;
        consume();
        if (tok_.kind != Tok::kOp || is_op("(") || is_op("-") || is_op("+") || is_op("!")) {
          out->distinct = true;
        } else {  // a field named distinct
          tok_ = saved;
          pos_ = pos;
          pos_after_ = after;
          last_end_ = last;
        }
      }
      for (;;) {
        const int arg = expression();
        const Node& n = p_->nodes[static_cast<std::size_t>(arg)];
        out->args.emplace_back(n.begin, n.end);
        if (is_op(",")) {
          consume();
          continue;
        }
        break;
      }
    }
    if (!is_op(")")) fail(tok_.at, "expected ',' or ')' in the arguments of " + out->function);
    consume();
    const std::size_t call_end = last_end_;
    if (alias(&out->name)) {
      out->named = true;
    } else {
      out->name = std::string(trim(s_.substr(0, call_end)));
    }
    if (tok_.kind != Tok::kEnd) fail(tok_.at, "expected AS name or the end");
  }

  void run() {
    advance();
    const int root = expression();
    if (alias(&p_->name)) {
      p_->named = true;
    } else {
      p_->name = std::string(trim(s_));
    }
    if (tok_.kind != Tok::kEnd) fail(tok_.at, "expected an operator, AS name or the end");
    p_->root = root;
  }

 private:
  static std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
  }

  std::string describe(const Token& t) const {
    switch (t.kind) {
      case Tok::kEnd:
        return "the expression ends";
      case Tok::kString:
        return "found a string";
      default:
        return "found '" + std::string(s_.substr(t.at, pos_after_ - t.at)) + "'";
    }
  }

  [[noreturn]] void fail(std::size_t at, const std::string& what) const {
    // The column counts characters, not bytes.
    const std::size_t column = utf8_length(s_.substr(0, at)) + 1;
    std::string msg =
        "expression '" + std::string(s_) + "': column " + std::to_string(column) + ": " + what;
    if (at == tok_.at) msg += ", but " + describe(tok_);
    throw usage_error(msg + " (see sx-expr(7))");
  }

  // --- lexer ---
  void advance() {
    std::size_t i = pos_;
    while (i < s_.size() && std::isspace(static_cast<unsigned char>(s_[i]))) ++i;
    tok_ = Token{};
    tok_.at = i;
    if (i >= s_.size()) {
      pos_ = pos_after_ = i;
      return;
    }
    const char c = s_[i];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t j = i;
      while (j < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_'))
        ++j;
      tok_.kind = Tok::kIdent;
      tok_.text = std::string(s_.substr(i, j - i));
      pos_ = pos_after_ = j;
      return;
    }
    if (c == '`') {
      std::size_t j = i + 1;
      std::string name;
      for (;;) {
        if (j >= s_.size()) fail(i, "unterminated `name` (a backtick is missing)");
        if (s_[j] == '`') {
          if (j + 1 < s_.size() && s_[j + 1] == '`') {  // `` is one backtick
            name += '`';
            j += 2;
            continue;
          }
          break;
        }
        name += s_[j++];
      }
      tok_.kind = Tok::kQuoted;
      tok_.text = std::move(name);
      pos_ = pos_after_ = j + 1;
      return;
    }
    if (c == '\'' || c == '"') {
      // Adjacent literals are one ('a' 'b' is 'ab'), as in Spark.
      std::string value;
      std::size_t j = i;
      while (j < s_.size() && (s_[j] == '\'' || s_[j] == '"')) {
        j = string_body(j, &value);
        std::size_t k = j;
        while (k < s_.size() && std::isspace(static_cast<unsigned char>(s_[k]))) ++k;
        if (k < s_.size() && (s_[k] == '\'' || s_[k] == '"'))
          j = k;
        else
          break;
      }
      tok_.kind = Tok::kString;
      tok_.text = std::move(value);
      pos_ = pos_after_ = j;
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i + 1])))) {
      number(i);
      return;
    }
    static constexpr std::string_view kOps3[] = {"<=>"};
    static constexpr std::string_view kOps2[] = {"==", "!=", "<>", "<=", ">=", "||"};
    for (std::string_view op : kOps3)
      if (s_.substr(i, 3) == op) return op_token(i, 3);
    for (std::string_view op : kOps2)
      if (s_.substr(i, 2) == op) return op_token(i, 2);
    if (std::string_view("+-*/%=<>()[],.!").find(c) != std::string_view::npos)
      return op_token(i, 1);
    pos_after_ = i + 1;
    fail(i, "unexpected character '" + std::string(1, c) + "'");
  }

  void op_token(std::size_t i, std::size_t n) {
    tok_.kind = Tok::kOp;
    tok_.text = std::string(s_.substr(i, n));
    pos_ = pos_after_ = i + n;
  }

  // Spark's unescapeSQLString: \0 \b \n \r \t \Z, \uXXXX, octal \ddd, \% and
  // \_ kept with their backslash (for LIKE), any other \x is x.
  std::size_t string_body(std::size_t i, std::string* out) {
    const char q = s_[i];
    std::size_t j = i + 1;
    for (;;) {
      if (j >= s_.size()) {
        pos_after_ = s_.size();
        fail(i, std::string("unterminated string (a closing ") + q + " is missing)");
      }
      const char c = s_[j];
      if (c == q) return j + 1;
      if (c != '\\') {
        *out += c;
        ++j;
        continue;
      }
      if (j + 1 >= s_.size()) {
        ++j;
        continue;
      }
      const char e = s_[j + 1];
      j += 2;
      switch (e) {
        case '0':
          if (j + 1 < s_.size() && s_[j] >= '0' && s_[j] <= '7' && s_[j + 1] >= '0' &&
              s_[j + 1] <= '7' && e <= '1') {
            *out += static_cast<char>((e - '0') * 64 + (s_[j] - '0') * 8 + (s_[j + 1] - '0'));
            j += 2;
          } else {
            *out += '\0';
          }
          break;
        case '1':
          if (j + 1 < s_.size() && s_[j] >= '0' && s_[j] <= '7' && s_[j + 1] >= '0' &&
              s_[j + 1] <= '7') {
            *out += static_cast<char>((e - '0') * 64 + (s_[j] - '0') * 8 + (s_[j + 1] - '0'));
            j += 2;
          } else {
            *out += e;
          }
          break;
        case 'b':
          *out += '\b';
          break;
        case 'n':
          *out += '\n';
          break;
        case 'r':
          *out += '\r';
          break;
        case 't':
          *out += '\t';
          break;
        case 'Z':
          *out += '\x1A';
          break;
        case '%':
        case '_':
          *out += '\\';
          *out += e;
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (j + 4 <= s_.size() &&
              std::from_chars(s_.data() + j, s_.data() + j + 4, cp, 16).ptr == s_.data() + j + 4) {
            append_utf8(*out, cp);
            j += 4;
          } else {
            *out += 'u';
          }
          break;
        }
        default:
          *out += e;
      }
    }
  }

  void number(std::size_t i) {
    std::size_t j = i;
    bool frac = false, expo = false;
    while (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) ++j;
    if (j < s_.size() && s_[j] == '.') {
      frac = true;
      ++j;
      while (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) ++j;
    }
    if (j < s_.size() && (s_[j] == 'e' || s_[j] == 'E')) {
      std::size_t k = j + 1;
      if (k < s_.size() && (s_[k] == '+' || s_[k] == '-')) ++k;
      if (k < s_.size() && std::isdigit(static_cast<unsigned char>(s_[k]))) {
        expo = true;
        j = k;
        while (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) ++j;
      }
    }
    tok_.text = std::string(s_.substr(i, j - i));
    tok_.kind = expo ? Tok::kDouble : frac ? Tok::kDecimal : Tok::kInt;
    if (j < s_.size()) {
      const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(s_[j])));
      if (u == 'B' && j + 1 < s_.size() && (s_[j + 1] == 'D' || s_[j + 1] == 'd')) {
        tok_.kind = Tok::kDecimal;
        j += 2;
      } else if (u == 'D') {
        tok_.kind = Tok::kDouble;
        ++j;
      } else if ((u == 'L' || u == 'S' || u == 'Y') && tok_.kind == Tok::kInt) {
        tok_.suffix = u;
        ++j;
      }
    }
    pos_after_ = j;
    if (j < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_'))
      fail(i, "a number may not run into a name");
    pos_ = j;
  }

  // --- parser ---
  bool is_kw(std::string_view kw) const { return tok_.kind == Tok::kIdent && ieq(tok_.text, kw); }
  bool is_op(std::string_view op) const { return tok_.kind == Tok::kOp && tok_.text == op; }
  void expect_op(std::string_view op, const char* what) {
    if (!is_op(op)) fail(tok_.at, std::string("expected '") + std::string(op) + "' " + what);
    advance();
  }
  void expect_kw(std::string_view kw, const char* what) {
    if (!is_kw(kw)) fail(tok_.at, std::string("expected ") + what);
    advance();
  }

  int add(Node n, std::size_t begin) {
    n.begin = begin;
    n.end = last_end_;
    p_->nodes.push_back(std::move(n));
    return static_cast<int>(p_->nodes.size()) - 1;
  }
  int unary_node(Op op, int kid, std::size_t begin) {
    Node n;
    n.op = op;
    n.kids = {kid};
    return add(std::move(n), begin);
  }
  int binary(Op op, int a, int b, std::size_t begin) {
    Node n;
    n.op = op;
    n.kids = {a, b};
    return add(std::move(n), begin);
  }
  void consume() {  // advance, remembering where the token ended
    last_end_ = pos_after_;
    advance();
  }

  // Nesting deeper than this is refused (a parser and an evaluator that
  // recurse need a bound on the stack they use).
  static constexpr int kMaxDepth = 256;
  struct Depth {
    Parser* parser;
    explicit Depth(Parser* p, std::size_t at) : parser(p) {
      if (++parser->depth_ > kMaxDepth)
        parser->fail(at,
                     "the expression nests deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    ~Depth() { --parser->depth_; }
  };

  int expression() {
    const Depth d(this, tok_.at);
    return or_expr();
  }

  int or_expr() {
    const std::size_t begin = tok_.at;
    int l = and_expr();
    while (is_kw("or")) {
      consume();
      l = binary(Op::kOr, l, and_expr(), begin);
    }
    return l;
  }

  int and_expr() {
    const std::size_t begin = tok_.at;
    int l = not_expr();
    while (is_kw("and")) {
      consume();
      l = binary(Op::kAnd, l, not_expr(), begin);
    }
    return l;
  }

  int not_expr() {
    const std::size_t begin = tok_.at;
    if (is_kw("not") || is_op("!")) {
      const Depth d(this, begin);
      consume();
      return unary_node(Op::kNot, not_expr(), begin);
    }
    return predicate();
  }

  int predicate() {
    const std::size_t begin = tok_.at;
    int v = comparison();
    bool neg = false;
    if (is_kw("not")) {
      consume();
      neg = true;
      if (!is_kw("between") && !is_kw("in") && !is_kw("like") && !is_kw("rlike") &&
          !is_kw("regexp"))
        fail(tok_.at, "expected BETWEEN, IN, LIKE or RLIKE after NOT");
    }
    Node n;
    n.negated = neg;
    if (is_kw("between")) {
      consume();
      const int lo = comparison();
      expect_kw("and", "AND between the bounds of BETWEEN");
      const int hi = comparison();
      n.op = Op::kBetween;
      n.kids = {v, lo, hi};
      return add(std::move(n), begin);
    }
    if (is_kw("in")) {
      consume();
      expect_op("(", "after IN");
      n.op = Op::kIn;
      n.kids.push_back(v);
      for (;;) {
        n.kids.push_back(expression());
        if (is_op(",")) {
          consume();
          continue;
        }
        if (!is_op(")")) fail(tok_.at, "expected ',' or ')' in the IN list");
        consume();
        break;
      }
      return add(std::move(n), begin);
    }
    if (is_kw("like")) {
      consume();
      n.op = Op::kLike;
      n.kids = {v, comparison()};
      if (is_kw("escape")) {
        consume();
        if (tok_.kind != Tok::kString || tok_.text.size() != 1)
          fail(tok_.at, "expected one character in quotes after ESCAPE");
        n.escape = tok_.text[0];
        consume();
      }
      return add(std::move(n), begin);
    }
    if (is_kw("rlike") || is_kw("regexp")) {
      consume();
      n.op = Op::kRlike;
      n.kids = {v, comparison()};
      n.regex = std::make_unique<RegexCache>();
      return add(std::move(n), begin);
    }
    if (is_kw("is")) {
      consume();
      if (is_kw("not")) {
        consume();
        n.negated = true;
      }
      if (is_kw("null"))
        n.op = Op::kIsNull;
      else if (is_kw("true"))
        n.op = Op::kIsTrue;
      else if (is_kw("false"))
        n.op = Op::kIsFalse;
      else
        fail(tok_.at, n.negated ? "expected NULL, TRUE or FALSE after IS NOT"
                                : "expected NULL, NOT NULL, TRUE or FALSE after IS");
      consume();
      n.kids = {v};
      return add(std::move(n), begin);
    }
    return v;
  }

  int comparison() {
    const std::size_t begin = tok_.at;
    int l = additive();
    for (;;) {
      Op op;
      if (is_op("=") || is_op("=="))
        op = Op::kEq;
      else if (is_op("!=") || is_op("<>"))
        op = Op::kNe;
      else if (is_op("<"))
        op = Op::kLt;
      else if (is_op("<="))
        op = Op::kLe;
      else if (is_op(">"))
        op = Op::kGt;
      else if (is_op(">="))
        op = Op::kGe;
      else if (is_op("<=>"))
        op = Op::kEqNullSafe;
      else
        return l;
      consume();
      l = binary(op, l, additive(), begin);
    }
  }

  int additive() {
    const std::size_t begin = tok_.at;
    int l = multiplicative();
    for (;;) {
      Op op;
      if (is_op("+"))
        op = Op::kAdd;
      else if (is_op("-"))
        op = Op::kSub;
      else if (is_op("||"))
        op = Op::kConcat;
      else
        return l;
      consume();
      l = binary(op, l, multiplicative(), begin);
    }
  }

  int multiplicative() {
    const std::size_t begin = tok_.at;
    int l = unary();
    for (;;) {
      Op op;
      if (is_op("*"))
        op = Op::kMul;
      else if (is_op("/"))
        op = Op::kDiv;
      else if (is_op("%"))
        op = Op::kMod;
      else if (is_kw("div"))
        op = Op::kIntDiv;
      else
        return l;
      consume();
      l = binary(op, l, unary(), begin);
    }
  }

  int unary() {
    const std::size_t begin = tok_.at;
    if (is_op("-") || is_op("+")) {
      const Depth d(this, begin);
      if (is_op("+")) {
        consume();
        return unary();
      }
      consume();
      return unary_node(Op::kNeg, unary(), begin);
    }
    return postfix();
  }

  int postfix() {
    const std::size_t begin = tok_.at;
    int v = primary();
    for (;;) {
      if (is_op("[")) {
        consume();
        const int idx = expression();
        if (!is_op("]")) fail(tok_.at, "expected ']'");
        consume();
        v = binary(Op::kSubscript, v, idx, begin);
      } else if (is_op(".")) {
        consume();
        if (tok_.kind != Tok::kIdent && tok_.kind != Tok::kQuoted)
          fail(tok_.at, "expected a field name after '.'");
        Node n;
        n.op = Op::kGetKey;
        n.kids = {v};
        n.str = tok_.text;
        consume();
        v = add(std::move(n), begin);
      } else {
        return v;
      }
    }
  }

  int literal(Value v, std::size_t begin) {
    Node n;
    n.op = Op::kLiteral;
    n.literal = v;
    return add(std::move(n), begin);
  }

  int number_literal() {
    const std::size_t begin = tok_.at;
    const Token t = tok_;
    consume();
    if (t.kind == Tok::kInt) {
      std::int64_t v;
      const auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
      if (r.ec == std::errc() && r.ptr == t.text.data() + t.text.size()) {
        if (t.suffix == 'L') return literal(Value::int64(v), begin);
        if (v <= 2147483647) return literal(Value::int32(static_cast<std::int32_t>(v)), begin);
        if (t.suffix == 'S' || t.suffix == 'Y')
          fail(begin, "the number is out of range for its suffix");
        return literal(Value::int64(v), begin);
      }
      if (t.suffix) fail(begin, "the number is out of range for its suffix");
      // Beyond bigint: Spark makes it a decimal; sx a double.
    }
    double d = 0;
    std::from_chars(t.text.data(), t.text.data() + t.text.size(), d);
    return literal(Value::dbl(d), begin);
  }

  int primary() {
    const std::size_t begin = tok_.at;
    switch (tok_.kind) {
      case Tok::kEnd:
        fail(tok_.at, "expected a value (a field, a literal, a function call or '(')");
      case Tok::kInt:
      case Tok::kDecimal:
      case Tok::kDouble:
        return number_literal();
      case Tok::kString: {
        p_->literals.push_back(tok_.text);
        consume();
        return literal(Value::str(p_->literals.back()), begin);
      }
      case Tok::kQuoted:
        return field(begin);
      case Tok::kOp:
        if (is_op("(")) {
          consume();
          const int e = expression();
          if (!is_op(")")) fail(tok_.at, "expected ')'");
          consume();
          // The parentheses belong to the node's text.
          p_->nodes[static_cast<std::size_t>(e)].begin = begin;
          p_->nodes[static_cast<std::size_t>(e)].end = last_end_;
          return e;
        }
        fail(tok_.at, "expected a value (a field, a literal, a function call or '(')");
      case Tok::kIdent:
        break;
    }
    if (is_kw("null")) {
      consume();
      return literal(Value::null(), begin);
    }
    if (is_kw("true") || is_kw("false")) {
      const bool b = is_kw("true");
      consume();
      return literal(Value::boolean(b), begin);
    }
    if (is_kw("case")) return case_expr(begin);
    if (reserved(tok_.text))
      fail(tok_.at,
           "expected a value (a field, a literal, a function call or '('); to name a "
           "field '" +
               tok_.text + "', quote it: `" + tok_.text + "`");
    // A call: name '('.
    std::size_t k = pos_;
    while (k < s_.size() && std::isspace(static_cast<unsigned char>(s_[k]))) ++k;
    if (k < s_.size() && s_[k] == '(') return call(begin);
    return field(begin);
  }

  int field(std::size_t begin) {
    // name(.name)*, one path; a[0] and later parts are subscripts.
    std::string dotted;
    for (;;) {
      if (tok_.text.find('.') != std::string::npos || tok_.text.empty())
        fail(tok_.at,
             "a field name with a dot or an empty one cannot be read (sx field paths "
             "split at dots)");
      dotted += tok_.text;
      consume();
      if (is_op(".") && pos_ < s_.size()) {
        // Look past the dot: a name continues the path.
        std::size_t k = pos_;
        while (k < s_.size() && std::isspace(static_cast<unsigned char>(s_[k]))) ++k;
        if (k < s_.size() &&
            (std::isalpha(static_cast<unsigned char>(s_[k])) || s_[k] == '_' || s_[k] == '`')) {
          consume();
          dotted += '.';
          continue;
        }
      }
      break;
    }
    int index = -1;
    for (std::size_t i = 0; i < p_->fields.size(); ++i)
      if (p_->fields[i].text() == dotted) index = static_cast<int>(i);
    if (index < 0) {
      p_->fields.push_back(FieldPath::parse(dotted));
      index = static_cast<int>(p_->fields.size()) - 1;
    }
    Node n;
    n.op = Op::kField;
    n.field = n.path = index;
    return add(std::move(n), begin);
  }

  int case_expr(std::size_t begin) {
    consume();  // CASE
    Node n;
    n.op = Op::kCase;
    if (!is_kw("when")) {
      n.op = Op::kCaseOf;
      n.kids.push_back(expression());
    }
    if (!is_kw("when")) fail(tok_.at, "expected WHEN");
    while (is_kw("when")) {
      consume();
      n.kids.push_back(expression());
      expect_kw("then", "THEN after the condition of WHEN");
      n.kids.push_back(expression());
    }
    if (is_kw("else")) {
      consume();
      n.kids.push_back(expression());
      n.has_else = true;
    }
    if (!is_kw("end")) fail(tok_.at, "expected WHEN, ELSE or END");
    consume();
    return add(std::move(n), begin);
  }

  int call(std::size_t begin) {
    const std::string name = lower(tok_.text);
    const std::size_t name_at = tok_.at;
    consume();
    expect_op("(", "after the function name");
    if (name == "cast") {
      const int v = expression();
      expect_kw("as", "AS and a type in CAST(x AS type)");
      if (tok_.kind != Tok::kIdent) fail(tok_.at, "expected a type after AS");
      const std::string t = lower(tok_.text);
      Node n;
      n.op = Op::kCast;
      if (t == "int" || t == "integer" || t == "smallint" || t == "tinyint")
        n.cast_type = Type::kInt;
      else if (t == "bigint" || t == "long")
        n.cast_type = Type::kLong;
      else if (t == "double" || t == "float" || t == "real" || t == "decimal")
        n.cast_type = Type::kDouble;
      else if (t == "string")
        n.cast_type = Type::kString;
      else if (t == "boolean")
        n.cast_type = Type::kBool;
      else if (t == "timestamp")
        n.cast_type = Type::kTime;
      else
        fail(tok_.at, "expected a type: int, bigint, double, string, boolean or timestamp");
      consume();
      if (n.cast_type == Type::kDouble && is_op("(")) {  // decimal(10, 2): read as double
        while (!is_op(")") && tok_.kind != Tok::kEnd) consume();
        expect_op(")", "after the precision");
      }
      expect_op(")", "to close CAST(");
      n.kids = {v};
      return add(std::move(n), begin);
    }
    Fn fn;
    int min_args = 0, max_args = 0;
    if (!lookup_function(name, &fn, &min_args, &max_args)) {
      const std::string near = closest_name(name, function_names());
      fail(name_at, "unknown function '" + name + "'" +
                        (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    }
    Node n;
    n.op = Op::kCall;
    n.fn = fn;
    if (!is_op(")")) {
      for (;;) {
        n.kids.push_back(expression());
        if (is_op(",")) {
          consume();
          continue;
        }
        if (!is_op(")")) fail(tok_.at, "expected ',' or ')' in the arguments of " + name);
        break;
      }
    }
    const int argc = static_cast<int>(n.kids.size());
    if (argc < min_args || (max_args >= 0 && argc > max_args)) {
      std::string want = std::to_string(min_args);
      if (max_args < 0)
        want += " or more";
      else if (max_args != min_args)
        want += " to " + std::to_string(max_args);
      fail(name_at, name + " takes " + want + " argument" + (max_args == 1 ? "" : "s") + ", not " +
                        std::to_string(argc));
    }
    consume();  // ')'
    if (fn == Fn::kSplit || fn == Fn::kRegexpExtract || fn == Fn::kRegexpReplace)
      n.regex = std::make_unique<RegexCache>();
    if (fn == Fn::kToTimestamp || fn == Fn::kUnixTimestamp) n.time = std::make_unique<TimeCache>();
    return add(std::move(n), begin);
  }

  std::string_view s_;
  Program* p_;
  Token tok_;
  std::size_t pos_ = 0;        // where the lexer goes on
  std::size_t pos_after_ = 0;  // the end of tok_
  std::size_t last_end_ = 0;   // the end of the last token consumed
  int depth_ = 0;
};

}  // namespace

void parse_aggregate(std::string_view text, AggregateSyntax* out) {
  Program scratch;
  scratch.text = std::string(text);
  Parser(scratch.text, &scratch).run_aggregate(out);
}

void parse_program(std::string_view text, Program* p) {
  p->text = std::string(text);
  Parser(p->text, p).run();
  // Evaluation recurses once per level of the tree; a long chain such as
  // 1+1+...+1 is as deep as it is long. Children come before their parent.
  constexpr int kMaxTreeDepth = 1000;
  std::vector<int> depth(p->nodes.size(), 1);
  for (std::size_t i = 0; i < p->nodes.size(); ++i) {
    for (const int k : p->nodes[i].kids)
      depth[i] = std::max(depth[i], depth[static_cast<std::size_t>(k)] + 1);
    if (depth[i] > kMaxTreeDepth)
      throw usage_error("expression '" + p->text + "': more than " + std::to_string(kMaxTreeDepth) +
                        " operators deep; split it (see sx-expr(7))");
  }
  fold_constants(p);
}

}  // namespace sx::expr
