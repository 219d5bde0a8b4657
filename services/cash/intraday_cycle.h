// An intraday margin cycle of the open business date: treasury's intraday prices mark
// every member origin's current positions against the last settlement prices
// (settlement/intraday_mark.h); a loss adds to the latest initial-margin requirement, and
// where the collateral then falls short by more than the configured threshold
// (treasury_settings.intraday_call_threshold_cents), a call is made: a collect instructed
// at once, whose confirmation adds cash collateral. Nothing is posted from the marks.
//
//   TC_ASSIGN_OR_RETURN(InstructOutcome out,
//                       RunIntraday(tx, state, day, "INTRADAY1", prices, who, clock.Now()));
#ifndef TOKENCLEAR_SERVICES_CASH_INTRADAY_CYCLE_H_
#define TOKENCLEAR_SERVICES_CASH_INTRADAY_CYCLE_H_

#include <map>
#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/cash/payment_cycle.h"
#include "services/common/reference_cache.h"

namespace tc::services {

// Idempotent per (day, cycle): a second run with the same prices returns what the first
// wrote (replayed); other prices are FAILED_PRECONDITION (a cycle's prices are records).
absl::StatusOr<InstructOutcome> RunIntraday(pqxx::transaction_base& tx, const ReferenceState& state,
                                            absl::CivilDay day, const std::string& cycle,
                                            const std::map<std::string, int64_t>& prices_micros,
                                            const store::Actor& actor, absl::Time now);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_CASH_INTRADAY_CYCLE_H_
