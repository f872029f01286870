// --throttle-flag-file PATH: hold new batches while the file exists.
#pragma once

#include <string>

#include "engine/throttle/throttler.h"

namespace sluice {

class FlagFileSignal : public ThrottleSignal {
 public:
  explicit FlagFileSignal(std::string path) : path_(std::move(path)) {}
  std::string Name() const override { return "flag-file"; }
  Result<ThrottleDecision> Check() override;
  bool Cheap() const override { return true; }

 private:
  std::string path_;
};

}  // namespace sluice
