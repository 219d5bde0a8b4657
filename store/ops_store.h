// What operations watch in the database: counts that the metrics expose as gauges at every
// scrape (services/common/metrics.h). Each is one indexed count, cheap enough to run on
// every scrape (member_flags_open and the stale-flag index keep them so).
//
//   OpenFlags flags = CountOpenFlags(tx);
//   if (flags.failure_to_pay > 0) { ... alert ... }
#ifndef TOKENCLEAR_STORE_OPS_STORE_H_
#define TOKENCLEAR_STORE_OPS_STORE_H_

#include <cstdint>
#include <pqxx/pqxx>

namespace tc::store {

struct OpenFlags {
  int64_t failure_to_pay = 0;  // member_flags not cured
  int64_t stale_index = 0;     // STALE index_flags not approved
};

OpenFlags CountOpenFlags(pqxx::work& tx);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_OPS_STORE_H_
