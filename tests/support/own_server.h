// A MariaDB server of a test's own: its own datadir, port and tmpdir, and
// the server options the test needs (a replica, another
// innodb_autoinc_lock_mode). Shut down in the destructor.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/db/dsn.h"

namespace sluice::testing {

class OwnServer {
 public:
  ~OwnServer() { Stop(); }

  // Installs a datadir and starts mariadbd with `options` added; returns an
  // error text or "". `name` goes into the datadir's name.
  std::string Start(const std::string& name, const std::vector<std::string>& options);
  void Stop();

  const Dsn& dsn() const { return dsn_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::filesystem::path dir_;
  Dsn dsn_;
};

}  // namespace sluice::testing
