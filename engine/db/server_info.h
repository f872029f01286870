// Server flavour and version, detected from SELECT VERSION().
#pragma once

#include <string>
#include <string_view>

namespace sluice {

enum class Flavor { kMySQL, kMariaDB, kTiDB };

const char* FlavorName(Flavor f);

struct Version {
  int major = 0;
  int minor = 0;
  int patch = 0;
  bool AtLeast(int ma, int mi = 0, int pa = 0) const;
};

struct ServerInfo {
  Flavor flavor = Flavor::kMySQL;
  std::string version_string;  // VERSION() as returned
  Version version;             // the flavour's own version (TiDB: v8.5.1, not 8.0.11)

  // Parses VERSION(): "10.11.6-MariaDB-0+deb12u1", "8.4.2", "8.0.11-TiDB-v8.5.1".
  static ServerInfo FromVersionString(std::string_view v);
};

}  // namespace sluice
