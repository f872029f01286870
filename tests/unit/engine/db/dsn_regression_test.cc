// Regressions found by fuzzing (tests/fuzz/dsn_fuzz.cc) and by the security
// tests: each case is an input that once broke a property of the DSN code.
#include <gtest/gtest.h>

#include <string>

#include "engine/db/dsn.h"

namespace sluice {
namespace {

// dsn_fuzz: "mysql://u:p@%[::1]:3306/db" parsed with the host "%[::1]", which
// ToString() printed as "[%[::1]]:3306", a DSN that no longer parsed.
TEST(DsnRegressionTest, HostWithBracketOutsideIpv6FormIsRefused) {
  for (const char* text : {"mysql://u:p@%[::1]:3306/db", "mysql://h]:1/", "mysql://a[b/",
                           "mysql://[a[b]:1/"}) {
    auto d = ParseDsn(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_NE(d.error().message.find("'['"), std::string::npos) << d.error().message;
    EXPECT_EQ(d.error().message.find("p@"), std::string::npos) << "echoes the password";
  }
  auto v6 = ParseDsn("mysql://u:p@[::1]:3307/db");
  ASSERT_TRUE(v6.ok());
  auto again = ParseDsn(v6->ToString());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->host, "::1");
  EXPECT_EQ(again->port, 3307);
}

// RedactSecrets used std::regex, which recurses once per character: a 60 kB
// password on the command line overflowed the stack in HideArgvPasswords
// (sluice died with SIGSEGV before parsing its options).
TEST(DsnRegressionTest, RedactSecretsHandlesLongText) {
  std::string password(1 << 20, 'a');
  std::string text = "mysql://u:" + password + "@h:3306/db and more";
  EXPECT_EQ(RedactSecrets(text), "mysql://u:***@h:3306/db and more");
  std::string words(1 << 20, 'x');
  EXPECT_EQ(RedactSecrets(words), words);
  std::string schemes;
  for (int i = 0; i < 50000; ++i) schemes += "a://b ";
  EXPECT_EQ(RedactSecrets(schemes), schemes);
}

// The rules the regular expression had, kept by the scanner that replaced it.
TEST(DsnRegressionTest, RedactSecretsKeepsTheRules) {
  // The password runs to the last '@' before a blank.
  EXPECT_EQ(RedactSecrets("mysql://u:p@ss@h/db x"), "mysql://u:***@h/db x");
  // Several DSNs in one text; a DSN without a password stays.
  EXPECT_EQ(RedactSecrets("a tidb://r:1@t:4000/ b mysql://u@h/ c mariadb://x:y@z"),
            "a tidb://r:***@t:4000/ b mysql://u@h/ c mariadb://x:***@z");
  // The scheme starts at a letter.
  EXPECT_EQ(RedactSecrets("9x+y.z-1://u:p@h"), "9x+y.z-1://u:***@h");
  // A user name holding '/' or '@' is not a DSN's user: left alone.
  EXPECT_EQ(RedactSecrets("m://u/v:p@h"), "m://u/v:p@h");
  EXPECT_EQ(RedactSecrets("m://u@v:p@h"), "m://u@v:p@h");
  // A failed candidate does not hide a later DSN.
  EXPECT_EQ(RedactSecrets("a://u/x b://c:d@e"), "a://u/x b://c:***@e");
  // No '@' after the colon: nothing to hide (a URL with a port).
  EXPECT_EQ(RedactSecrets("http://host:8080/path"), "http://host:8080/path");
  EXPECT_EQ(RedactSecrets("://u:p@h"), "://u:p@h");
}

}  // namespace
}  // namespace sluice
