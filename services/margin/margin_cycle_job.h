// The margin cycle of a business date as one job inside the caller's transaction: the
// date's approved parameter set, compiled once (ParameterCache), applied to the live
// positions by the pure cycle (margin/cycle/margin_cycle.h), and the requirements stored.
// Both MarginService.RunMarginCycle (the open date, on demand) and the end-of-day run
// (a closed date, on end-of-day positions) call it, so there is one cycle, not two.
//
//   TC_ASSIGN_OR_RETURN(MarginCycleOutcome outcome,
//                       RunAndStoreMarginCycle(tx, *cache.Current(tx), parameters, day));
#ifndef TOKENCLEAR_SERVICES_MARGIN_MARGIN_CYCLE_JOB_H_
#define TOKENCLEAR_SERVICES_MARGIN_MARGIN_CYCLE_JOB_H_

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "margin/cycle/margin_cycle.h"
#include "services/common/reference_cache.h"
#include "services/margin/parameter_cache.h"
#include "store/margin_store.h"
#include "store/position_store.h"

namespace tc::services {

struct MarginCycleOutcome {
  std::string parameter_version;
  int64_t accounts = 0;  // accounts margined
  int64_t changed = 0;   // stored rows that changed
};

// FAILED_PRECONDITION when `day` has no approved parameter set or it does not compile.
absl::StatusOr<MarginCycleOutcome> RunAndStoreMarginCycle(pqxx::transaction_base& tx,
                                                          const ReferenceState& state,
                                                          ParameterCache& parameters,
                                                          absl::CivilDay day);

// The approved set of `date`, FAILED_PRECONDITION when there is none.
absl::StatusOr<store::ParameterSetRow> ApprovedSet(pqxx::transaction_base& tx, absl::CivilDay date);

// The positions as the margin domain reads them.
std::vector<margin::AccountPosition> DomainPositions(const std::vector<store::PositionRow>& rows);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_MARGIN_MARGIN_CYCLE_JOB_H_
