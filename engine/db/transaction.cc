#include "engine/db/transaction.h"

namespace sluice {

Status InTransaction(Session& s, const std::function<Status()>& body) {
  SLUICE_TRY(s.Exec("START TRANSACTION"));
  Status st = body();
  if (st.ok()) st = s.Exec("COMMIT").status();
  if (!st.ok()) (void)s.Exec("ROLLBACK");
  return st;
}

}  // namespace sluice
