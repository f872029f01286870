#include "engine/schema/migration_script.h"

namespace sluice {

std::string RenderStatements(const std::vector<MigrationStatement>& statements) {
  std::string out;
  for (const auto& st : statements) {
    for (const auto& w : st.warnings) out += "-- lint: " + w + "\n";
    for (const auto& n : st.notes) out += "-- note: " + n + "\n";
    out += st.sql + ";\n\n";
  }
  return out;
}

std::string RenderRevisionBody(const SchemaDiff& diff) {
  std::string out =
      "-- sluice:up\n"
      "-- Written by `sluice revision --autogenerate` from the desired schema: review it (and\n"
      "-- add data steps where a change needs them) before it runs anywhere.\n\n";
  out += RenderStatements(diff.up);
  if (!diff.left_out.empty()) {
    out += "-- Left out: these statements destroy data. Add them by hand, or generate again\n"
           "-- with --allow-drop:\n";
    for (const auto& s : diff.left_out) out += "--   " + s + ";\n";
    out += "\n";
  }
  out += "-- sluice:down\n";
  out += RenderStatements(diff.down);
  return out;
}

}  // namespace sluice
