// The server's in-memory copy of reference data (snapshot, API principals, holidays),
// shared read-only by request threads and reloaded when the database's reference version
// moves on. Requests that write check the version inside their own transaction, so they
// validate against exactly what is committed; authentication tolerates one second of
// staleness so that it costs no round trip on most calls.
//
//   std::shared_ptr<const ReferenceState> state = cache.Current(tx);
//   const clearing::Account* account = state->snapshot.FindAccount(id);
#ifndef TOKENCLEAR_SERVICES_REFERENCE_CACHE_H_
#define TOKENCLEAR_SERVICES_REFERENCE_CACHE_H_

#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clearing/reference_data.h"
#include "core/clock.h"
#include "store/access_store.h"
#include "store/pg_pool.h"
#include "store/reference_store.h"

namespace tc::services {

struct ReferenceState {
  clearing::ReferenceSnapshot snapshot;
  // Unrevoked tokens by digest (hex); expiry is checked against the clock when used.
  absl::flat_hash_map<std::string, store::TokenGrant> tokens_by_sha256;
  // Client-certificate identities (a SAN or the subject CN).
  absl::flat_hash_map<std::string, store::PrincipalRecord> principals_by_certificate;
  absl::flat_hash_set<absl::CivilDay> holidays;
};

class ReferenceCache {
 public:
  ReferenceCache(store::PgPool& pool, const Clock& clock) : pool_(pool), clock_(clock) {}

  // Current as of `tx`: reloads (within `tx`) when the stored version differs.
  std::shared_ptr<const ReferenceState> Current(pqxx::transaction_base& tx);

  // At most `max_staleness` old; runs its own short transaction when older.
  absl::StatusOr<std::shared_ptr<const ReferenceState>> Recent(
      absl::Duration max_staleness = absl::Seconds(1));

  // Forces the next Recent() to look at the database (after this process changed it).
  void Invalidate();

 private:
  store::PgPool& pool_;
  const Clock& clock_;
  absl::Mutex mutex_;
  std::shared_ptr<const ReferenceState> state_ ABSL_GUARDED_BY(mutex_);
  absl::Time checked_at_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_REFERENCE_CACHE_H_
