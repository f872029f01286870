#include "engine/throttle/flag_file_signal.h"

#include <sys/stat.h>

namespace sluice {

Result<ThrottleDecision> FlagFileSignal::Check() {
  ThrottleDecision d;
  struct stat st;
  if (::stat(path_.c_str(), &st) == 0) {
    d.throttle = true;
    d.reason = "flag file " + path_ + " exists";
  }
  return d;
}

}  // namespace sluice
