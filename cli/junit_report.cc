#include "cli/junit_report.h"

#include <fmt/format.h>

#include <fstream>

namespace sluice::cli {
namespace {

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string JunitXml(const std::vector<TestCaseResult>& cases) {
  size_t failures = 0;
  for (const auto& c : cases) failures += c.failure.empty() ? 0 : 1;
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuite name=\"sluice test\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
      cases.size(), failures);
  for (const auto& c : cases) {
    out += fmt::format("  <testcase classname=\"sluice.{}\" name=\"{}\"", XmlEscape(c.suite),
                       XmlEscape(c.name));
    if (c.failure.empty()) {
      out += "/>\n";
      continue;
    }
    size_t nl = c.failure.find('\n');
    out += fmt::format(">\n    <failure message=\"{}\">{}</failure>\n  </testcase>\n",
                       XmlEscape(c.failure.substr(0, nl)), XmlEscape(c.failure));
  }
  return out + "</testsuite>\n";
}

Status WriteJunit(const std::string& path, const std::vector<TestCaseResult>& cases) {
  std::ofstream out(path, std::ios::binary);
  out << JunitXml(cases);
  out.close();
  if (!out) return RuntimeError(fmt::format("{}: cannot write the JUnit report", path));
  return Status::Ok();
}

}  // namespace sluice::cli
