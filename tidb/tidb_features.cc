#include "tidb/tidb_features.h"

namespace sluice::tidb {

TidbFeatures TidbFeatures::For(const Version& v) {
  Version eff = v;
  if (v.major == 0 && v.minor == 0 && v.patch == 0) eff = Version{8, 5, 5};
  TidbFeatures f;
  f.version = eff;
  f.session_reorg_vars = eff.AtLeast(8, 3);
  f.pause_resume = eff.AtLeast(7, 2);
  f.alter_ddl_jobs = eff.AtLeast(8, 5, 0);
  f.alter_applies_to_dxf = eff.AtLeast(8, 5, 5);
  f.batch_delete = eff.AtLeast(6, 1);
  f.batch_dml = eff.AtLeast(6, 5);
  f.multi_schema_change = eff.AtLeast(6, 2);
  f.get_lock = eff.AtLeast(6, 1);
  f.is_used_lock = eff.AtLeast(7, 5);
  return f;
}

}  // namespace sluice::tidb
