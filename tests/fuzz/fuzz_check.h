// Shared by the fuzz targets: a property check that aborts (so libFuzzer
// saves the input) and prints which property failed.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace sluice::fuzz {

inline void Check(bool cond, const char* what, std::string_view input) {
  if (cond) return;
  std::fprintf(stderr, "fuzz: property failed: %s\ninput (%zu bytes): %.*s\n", what,
               input.size(), static_cast<int>(input.size() > 2000 ? 2000 : input.size()),
               input.data());
  std::abort();
}

}  // namespace sluice::fuzz
