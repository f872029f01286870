// Fuzzes the control socket's command parser (its input comes from whoever can
// write to the socket). Besides "no crash": a parsed `set` has a known key and
// a finite positive value, integral for batch-size and workers.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/progress/control_command.h"
#include "tests/fuzz/fuzz_check.h"

using sluice::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto c = sluice::ParseControlCommand(input);
  if (!c.ok()) return 0;
  Check(sluice::ControlCommandName(c->kind) != nullptr, "the kind has a name", input);
  if (c->kind == sluice::ControlCommand::Kind::kSet) {
    Check(c->key == "batch-size" || c->key == "workers" || c->key == "max-rate",
          "set has a known key", input);
    Check(std::isfinite(c->value) && c->value > 0, "set value is finite and positive", input);
    if (c->key != "max-rate") {
      Check(c->value == std::floor(c->value), "batch-size and workers are integers", input);
    }
  }
  return 0;
}
