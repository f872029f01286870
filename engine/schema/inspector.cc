#include "engine/schema/inspector.h"

namespace sluice {

Result<TableInfo> InspectTableFromInformationSchema(Session& s, const TableRef& t) {
  (void)s;
  (void)t;
  return RuntimeError("InspectTableFromInformationSchema: not implemented yet");
}

}  // namespace sluice
