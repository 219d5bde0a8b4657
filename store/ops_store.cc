#include "store/ops_store.h"

namespace tc::store {

OpenFlags CountOpenFlags(pqxx::work& tx) {
  const pqxx::row row = tx.exec1(
      "SELECT (SELECT count(*) FROM member_flags WHERE cured_at IS NULL),"
      "       (SELECT count(*) FROM index_flags WHERE kind = 'STALE' AND approved_by IS NULL)");
  return {.failure_to_pay = row[0].as<int64_t>(), .stale_index = row[1].as<int64_t>()};
}

}  // namespace tc::store
