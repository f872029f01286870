// Fuzzes the revision file parser (headers, sections, step options, statement
// splitting). Besides "no crash": errors carry the "file:line:" location; a
// parsed file has a valid id and parents, and no empty statement.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/revision/revision_file.h"
#include "tests/fuzz/fuzz_check.h"

using sluice::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)sluice::revision::ParseStepOptions(input);
  auto f = sluice::revision::ParseRevisionFile(input, "fuzz.sql");
  if (!f.ok()) {
    Check(f.error().message.rfind("fuzz.sql:", 0) == 0, "errors start with the file name",
          input);
    return 0;
  }
  Check(sluice::revision::IsValidRevisionId(f->id), "the id is valid", input);
  for (const auto& p : f->parents) {
    Check(sluice::revision::IsValidRevisionId(p), "parents are valid ids", input);
  }
  for (const auto* section : {&f->up, &f->down}) {
    for (const auto& s : *section) {
      Check(!s.sql.empty(), "no empty statement", input);
      Check(s.line >= 1, "statements have a line", input);
    }
  }
  Check(f->content == input, "content keeps the file's bytes", input);
  return 0;
}
