// SHA-256 of revision files, recorded in the history and compared by `check`.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// Lower-case hex SHA-256 (64 characters) of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace sluice
