// The treasury-cash work of a business date inside the caller's transaction: the two
// end-of-day steps (COLLATERAL_VALUATION, OBLIGATIONS) and the obligations of a cycle,
// read → plan (settlement/collateral.h, settlement/obligations.h) → write. The end-of-day
// runner calls the steps; CashService calls the same functions for final obligations
// and for the withdrawal check, so there is one computation, not two.
//
//   TC_ASSIGN_OR_RETURN(CashStepOutput out, ValueCollateralStep(tx, day, pass));
//   TC_ASSIGN_OR_RETURN(CashStepOutput out, IndicativeObligationsStep(tx, day, pass, now));
#ifndef TOKENCLEAR_SERVICES_CASH_CASH_CYCLE_H_
#define TOKENCLEAR_SERVICES_CASH_CASH_CYCLE_H_

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/sha256.h"
#include "settlement/collateral.h"
#include "settlement/obligations.h"
#include "store/cash_store.h"

namespace tc::services {

// Initial margin is computed in micro-USD; collateral and calls are USD cents.
inline constexpr char kMarginCurrency[] = "USD";
inline constexpr char kEodCycle[] = "EOD";

struct CashStepOutput {
  Sha256Digest inputs{};
  Sha256Digest outputs{};
  int64_t rows = 0;
};

// Values every member origin that has a requirement on `day` or holds collateral: cash
// from the ledger (entries dated on or before `day`), securities at `day`'s collateral
// prices. FAILED_PRECONDITION naming the security when a held one has no price for `day`.
absl::StatusOr<CashStepOutput> ValueCollateralStep(pqxx::transaction_base& tx, absl::CivilDay day,
                                                   int pass);

// The EOD cycle's obligations of `pass` as the day stands now: the pass's variation
// margin, `day`'s valuation, calls still pending from other cycles, withdrawals not yet
// released; every deficit is called (threshold 0).
absl::StatusOr<std::vector<settlement::Obligation>> EodObligations(pqxx::transaction_base& tx,
                                                                   absl::CivilDay day, int pass);

// Writes EodObligations as the INDICATIVE obligations of `pass`.
absl::StatusOr<CashStepOutput> IndicativeObligationsStep(pqxx::transaction_base& tx,
                                                         absl::CivilDay day, int pass,
                                                         absl::Time now);

// A member origin's collateral valued now, on `day` (the open date), after adding
// `cash_change_cents` and `face_change_cents` of `security_id`: the latest price on or
// before `day` of each security, the latest requirement on or before `day`. What the
// withdrawal check compares against the requirement.
absl::StatusOr<settlement::OriginValuation> ValueOriginNow(
    pqxx::transaction_base& tx, absl::CivilDay day, const store::OriginKey& key,
    int64_t cash_change_cents, const std::string& security_id, int64_t face_change_cents);

Sha256Digest ObligationsDigest(const std::vector<settlement::Obligation>& obligations);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_CASH_CASH_CYCLE_H_
