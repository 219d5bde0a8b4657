// Compiled risk parameter sets, kept in memory. Stored sets never change, so each
// version is parsed and compiled once and shared by every call; the approved version of a
// business date is remembered for at most `staleness` (another server may approve a new
// one meanwhile), so a warm what-if needs no database round trip.
//
//   ParameterCache cache(clock, absl::Seconds(1));
//   TC_ASSIGN_OR_RETURN(auto params, cache.Compiled(row));     // row from the store
//   if (std::optional<std::string> v = cache.RecentApproved(day)) params = cache.Find(*v);
#ifndef TOKENCLEAR_SERVICES_MARGIN_PARAMETER_CACHE_H_
#define TOKENCLEAR_SERVICES_MARGIN_PARAMETER_CACHE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "margin/compiled_parameters.h"
#include "store/margin_store.h"
#include "tokenclear/v1/margin.pb.h"

namespace tc::services {

class ParameterCache {
 public:
  ParameterCache(const Clock& clock, absl::Duration staleness)
      : clock_(clock), staleness_(staleness) {}

  // The compiled form of a stored set (FAILED_PRECONDITION when the stored set does not
  // compile, DATA_LOSS when it does not parse).
  absl::StatusOr<std::shared_ptr<const margin::CompiledParameters>> Compiled(
      const store::ParameterSetRow& row);
  // A version compiled before, or null.
  std::shared_ptr<const margin::CompiledParameters> Find(const std::string& version);

  // The approved version of `date` when it was learned less than `staleness` ago.
  std::optional<std::string> RecentApproved(absl::CivilDay date);
  void RememberApproved(absl::CivilDay date, const std::string& version);
  // After an approval here: what-if must see the new set at once.
  void ForgetApproved();

 private:
  struct Approved {
    absl::CivilDay date;
    std::string version;
    absl::Time learned_at;
  };

  const Clock& clock_;
  const absl::Duration staleness_;
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<const margin::CompiledParameters>> compiled_
      ABSL_GUARDED_BY(mutex_);
  std::optional<Approved> approved_ ABSL_GUARDED_BY(mutex_);
};

// Bad stored data is the system's state, not the caller's argument: INVALID_ARGUMENT from
// checking stored rows becomes FAILED_PRECONDITION; other codes pass unchanged.
absl::Status StoredStateStatus(const absl::Status& status);

tokenclear::v1::ParameterSetStatus StatusToProto(store::ParameterSetStatus status);

// The stored message of a set, with the row's (authoritative) status and approver.
absl::StatusOr<tokenclear::v1::RiskParameterSet> ParseStoredSet(const store::ParameterSetRow& row);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_MARGIN_PARAMETER_CACHE_H_
