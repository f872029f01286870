// Fuzzes the DSN parser and the password redaction used on everything logged.
// Properties checked besides "no crash, no sanitizer report":
//  - a parsed DSN prints (ToString) to a DSN that parses back to the same fields;
//  - Redacted() parses back with the password "***";
//  - RedactSecrets() of the printed DSN equals Redacted();
//  - RedactSecrets() agrees with the regular expression it replaced (on short
//    text: std::regex recurses per character) and never keeps a password.
#include <cstddef>
#include <cstdint>
#include <regex>
#include <string>
#include <string_view>

#include "engine/db/dsn.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using sluice::fuzz::Check;

// The reference: what RedactSecrets did with std::regex before it overflowed
// the stack on long text.
std::string ReferenceRedact(std::string_view text) {
  static const std::regex kDsn(R"(([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):[^\s]*@)");
  return std::regex_replace(std::string(text), kDsn, "$1:***@");
}

bool SameFields(const sluice::Dsn& a, const sluice::Dsn& b) {
  return a.scheme == b.scheme && a.user == b.user && a.password == b.password &&
         a.has_password == b.has_password && a.host == b.host && a.port == b.port &&
         a.database == b.database && a.socket == b.socket && a.tls == b.tls &&
         a.tls_ca == b.tls_ca && a.connect_timeout_s == b.connect_timeout_s &&
         a.read_timeout_s == b.read_timeout_s && a.write_timeout_s == b.write_timeout_s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string redacted_text = sluice::RedactSecrets(input);
  if (input.size() <= 512) {
    Check(redacted_text == ReferenceRedact(input), "RedactSecrets matches the reference", input);
  }
  auto parsed = sluice::ParseDsn(input);
  if (!parsed.ok()) return 0;
  const sluice::Dsn& d = *parsed;

  std::string printed = d.ToString();
  auto again = sluice::ParseDsn(printed);
  Check(again.ok(), "ToString() of a parsed DSN parses", input);
  Check(SameFields(d, *again), "ToString() round-trips every field", input);

  std::string redacted = d.Redacted();
  auto red = sluice::ParseDsn(redacted);
  Check(red.ok(), "Redacted() parses", input);
  if (d.has_password) Check(red->password == "***", "Redacted() hides the password", input);
  Check(sluice::RedactSecrets(printed) == redacted, "RedactSecrets(ToString()) == Redacted()",
        input);
  return 0;
}
