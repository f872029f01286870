#include "cli/junit_report.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

TEST(JunitReport, CountsFailuresAndEscapes) {
  std::string xml = JunitXml({{"graph", "single head", ""},
                              {"stairway", "aaaa0002", "revision <aaaa0002> & \"x\"\n  detail"}});
  EXPECT_NE(xml.find("<testsuite name=\"sluice test\" tests=\"2\" failures=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"sluice.graph\" name=\"single head\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure message=\"revision &lt;aaaa0002&gt; &amp; &quot;x&quot;\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("\n  detail</failure>"), std::string::npos) << xml;
}

}  // namespace
}  // namespace sluice::cli
