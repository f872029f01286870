#include "engine/db/dsn.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace sluice {
namespace {

Result<std::string> PercentDecode(std::string_view s, const char* part) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int v = 0;
    if (i + 2 >= s.size() ||
        std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16).ptr != s.data() + i + 3) {
      return InputError(fmt::format("bad DSN: invalid %-escape in the {}", part));
    }
    out += static_cast<char>(v);
    i += 2;
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

Result<int> ParseInt(std::string_view s, const std::string& what, int lo, int hi) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) {
    return InputError(
        fmt::format("bad DSN: {} must be a number from {} to {}, got '{}'", what, lo, hi, s));
  }
  return v;
}

Status ApplyParam(Dsn& d, std::string_view key, std::string_view raw) {
  SLUICE_ASSIGN(std::string value, PercentDecode(raw, "query string"));
  if (key == "socket") {
    d.socket = value;
  } else if (key == "tls") {
    static const char* kModes[] = {"disabled", "preferred", "required", "verify-ca",
                                   "verify-identity"};
    bool known = false;
    for (const char* m : kModes) known |= value == m;
    if (!known) {
      return InputError(fmt::format(
          "bad DSN: tls must be disabled, preferred, required, verify-ca or verify-identity, "
          "got '{}'",
          value));
    }
    d.tls = value;
  } else if (key == "tls-ca") {
    d.tls_ca = value;
  } else if (key == "connect-timeout") {
    SLUICE_ASSIGN(d.connect_timeout_s, ParseInt(value, "connect-timeout", 1, 3600));
  } else if (key == "read-timeout") {
    SLUICE_ASSIGN(d.read_timeout_s, ParseInt(value, "read-timeout", 0, 86400));
  } else if (key == "write-timeout") {
    SLUICE_ASSIGN(d.write_timeout_s, ParseInt(value, "write-timeout", 0, 86400));
  } else {
    return InputError(fmt::format(
        "bad DSN: unknown parameter '{}' (known: socket, tls, tls-ca, connect-timeout, "
        "read-timeout, write-timeout)",
        key));
  }
  return Status::Ok();
}

}  // namespace

Result<Dsn> ParseDsn(std::string_view text) {
  Dsn d;
  auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    return InputError("bad DSN: expected scheme://user:password@host:port/database "
                      "(scheme mysql or tidb)");
  }
  std::string_view scheme = text.substr(0, sep);
  if (scheme != "mysql" && scheme != "tidb" && scheme != "mariadb") {
    return InputError(
        fmt::format("bad DSN: unknown scheme '{}' (use mysql:// or tidb://)", scheme));
  }
  d.scheme = scheme == "tidb" ? "tidb" : "mysql";
  d.port = d.scheme == "tidb" ? 4000 : 3306;
  std::string_view rest = text.substr(sep + 3);

  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  // userinfo ends at the last '@' so that an unescaped '@' in a password works.
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::string_view user = userinfo;
    if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      SLUICE_ASSIGN(d.password, PercentDecode(userinfo.substr(colon + 1), "password"));
      d.has_password = true;
    }
    if (user.empty()) return InputError("bad DSN: empty user name before '@'");
    SLUICE_ASSIGN(d.user, PercentDecode(user, "user name"));
  }
  std::string_view hostport = rest;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    SLUICE_ASSIGN(d.database, PercentDecode(rest.substr(slash + 1), "database name"));
    if (d.database.find('/') != std::string::npos) {
      return InputError(fmt::format("bad DSN: database name '{}' contains '/'", d.database));
    }
  }
  if (!hostport.empty()) {
    std::string_view host = hostport;
    if (hostport.front() == '[') {  // [::1]:3306
      auto close = hostport.find(']');
      if (close == std::string_view::npos) return InputError("bad DSN: unclosed '[' in host");
      host = hostport.substr(1, close - 1);
      std::string_view after = hostport.substr(close + 1);
      if (!after.empty()) {
        if (after.front() != ':') return InputError("bad DSN: expected ':port' after ']'");
        SLUICE_ASSIGN(d.port, ParseInt(after.substr(1), "port", 1, 65535));
      }
    } else if (auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
      host = hostport.substr(0, colon);
      SLUICE_ASSIGN(d.port, ParseInt(hostport.substr(colon + 1), "port", 1, 65535));
    }
    if (host.empty()) return InputError("bad DSN: empty host name");
    // Brackets only delimit an IPv6 address; a host holding one would print
    // (ToString) to a DSN that no longer parses.
    if (host.find_first_of("[]") != std::string_view::npos) {
      return InputError(fmt::format("bad DSN: host name '{}' contains '[' or ']'", host));
    }
    d.host = std::string(host);
  }
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (kv.empty()) continue;
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) {
      return InputError(fmt::format("bad DSN: parameter '{}' has no '=value'", kv));
    }
    SLUICE_TRY(ApplyParam(d, kv.substr(0, eq), kv.substr(eq + 1)));
  }
  if ((d.tls == "verify-ca" || d.tls == "verify-identity") && d.tls_ca.empty()) {
    return InputError(fmt::format("bad DSN: tls={} needs tls-ca=PATH", d.tls));
  }
  return d;
}

namespace {
std::string Format(const Dsn& d, bool redact) {
  std::string out = d.scheme + "://" + PercentEncode(d.user);
  if (d.has_password) out += ":" + (redact ? std::string("***") : PercentEncode(d.password));
  out += "@";
  if (d.host.find(':') != std::string::npos) {
    out += "[" + d.host + "]";
  } else {
    out += d.host;
  }
  out += ":" + std::to_string(d.port) + "/" + PercentEncode(d.database);
  std::string q;
  auto add = [&q](const std::string& k, const std::string& v) {
    q += (q.empty() ? "?" : "&") + k + "=" + PercentEncode(v);
  };
  if (!d.socket.empty()) add("socket", d.socket);
  if (d.tls != "preferred") add("tls", d.tls);
  if (!d.tls_ca.empty()) add("tls-ca", d.tls_ca);
  Dsn defaults;
  if (d.connect_timeout_s != defaults.connect_timeout_s) {
    add("connect-timeout", std::to_string(d.connect_timeout_s));
  }
  if (d.read_timeout_s != defaults.read_timeout_s) {
    add("read-timeout", std::to_string(d.read_timeout_s));
  }
  if (d.write_timeout_s != defaults.write_timeout_s) {
    add("write-timeout", std::to_string(d.write_timeout_s));
  }
  return out + q;
}
}  // namespace

std::string Dsn::Redacted() const { return Format(*this, true); }
std::string Dsn::ToString() const { return Format(*this, false); }

std::string RedactSecrets(std::string_view text) {
  // scheme://user:password@  -> scheme://user:***@ ; the password runs to the
  // last '@' before the next whitespace, as in ParseDsn. A hand-written scan:
  // std::regex recurses once per character and overflowed the stack on long
  // text (a 60 kB argument crashed sluice in HideArgvPasswords).
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  auto is_scheme = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '-';
  };
  std::string out;
  size_t copied = 0;  // text[0, copied) is in out
  for (size_t sep = text.find("://"); sep != std::string_view::npos;
       sep = text.find("://", sep + 3)) {
    size_t scheme = sep;  // the scheme starts at a letter: [A-Za-z][A-Za-z0-9+.-]*
    while (scheme > copied && is_scheme(text[scheme - 1])) --scheme;
    while (scheme < sep && !std::isalpha(static_cast<unsigned char>(text[scheme]))) ++scheme;
    if (scheme == sep) continue;
    size_t colon = sep + 3;  // the user name: no ':', '/', '@' or blank
    while (colon < text.size() && text[colon] != ':' && text[colon] != '/' &&
           text[colon] != '@' && !is_space(text[colon])) {
      ++colon;
    }
    if (colon == text.size() || text[colon] != ':') continue;
    size_t word_end = colon + 1;
    while (word_end < text.size() && !is_space(text[word_end])) ++word_end;
    size_t at = text.substr(0, word_end).rfind('@');
    if (at == std::string_view::npos || at <= colon) continue;
    out.append(text.substr(copied, colon + 1 - copied)).append("***@");
    copied = at + 1;
    sep = at + 1 - 3;  // the next search starts after the '@'
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace sluice
