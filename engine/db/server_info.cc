#include "engine/db/server_info.h"

#include <cstdlib>

namespace sluice {

const char* FlavorName(Flavor f) {
  switch (f) {
    case Flavor::kMySQL:
      return "MySQL";
    case Flavor::kMariaDB:
      return "MariaDB";
    case Flavor::kTiDB:
      return "TiDB";
  }
  return "MySQL";
}

bool Version::AtLeast(int ma, int mi, int pa) const {
  if (major != ma) return major > ma;
  if (minor != mi) return minor > mi;
  return patch >= pa;
}

namespace {
// Reads "X.Y.Z" from the start of s; missing parts stay 0.
Version ParseDotted(std::string_view s) {
  Version v;
  int* parts[] = {&v.major, &v.minor, &v.patch};
  size_t i = 0;
  for (int* p : parts) {
    int n = 0;
    bool any = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = n * 10 + (s[i] - '0');
      ++i;
      any = true;
    }
    if (!any) break;
    *p = n;
    if (i >= s.size() || s[i] != '.') break;
    ++i;
  }
  return v;
}
}  // namespace

ServerInfo ServerInfo::FromVersionString(std::string_view v) {
  ServerInfo info;
  info.version_string = std::string(v);
  if (auto pos = v.find("-TiDB-v"); pos != std::string_view::npos) {
    info.flavor = Flavor::kTiDB;
    info.version = ParseDotted(v.substr(pos + 7));
    return info;
  }
  info.flavor = v.find("MariaDB") != std::string_view::npos ? Flavor::kMariaDB : Flavor::kMySQL;
  info.version = ParseDotted(v);
  return info;
}

}  // namespace sluice
