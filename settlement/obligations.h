// What each member origin owes or is owed in one payment cycle, netted into one amount
// per (member, origin, currency): the cycle's variation margin and final-settlement cash,
// an initial-margin call when the collateral does not cover the requirement, and the cash
// collateral released by accepted withdrawals. Then the ledger entry that settles an
// obligation once its payment is final, and the check that the cycle's pays and collects
// of variation margin meet. Pure: the store loads the inputs, the end-of-day and intraday
// cycles call this, and payments are instructed from `net_cents`.
//
//   TC_ASSIGN_OR_RETURN(std::vector<Obligation> due,
//                       ComputeObligations(inputs, /*call_threshold_cents=*/0));
//   for (const Obligation& o : due) ... o.net_cents ...  // < 0 collect, > 0 pay
//   TC_ASSIGN_OR_RETURN(std::optional<JournalEntry> entry,
//                       PlanObligationSettlement(due[0], "PAYSET/2026-11-30/EOD/CM01/HOUSE/USD",
//                                                day, "end-of-day cycle 2026-11-30"));
//
// Signs follow the cash calls (settlement/cash_cents.h): + = the member receives. House
// and customer are separate keys and never netted: a house surplus never pays a customer
// call (segregation of customer money).
#ifndef TOKENCLEAR_SETTLEMENT_OBLIGATIONS_H_
#define TOKENCLEAR_SETTLEMENT_OBLIGATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "clearing/reference_data.h"
#include "settlement/cash_cents.h"
#include "settlement/ledger.h"

namespace tc::settlement {

struct ObligationInput {
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  // The cycle's variation margin and final-settlement cash, CashCall sign: + = the member
  // receives.
  int64_t vm_cents = 0;
  int64_t requirement_cents = 0;  // initial margin required (>= 0)
  // OriginValuation::value_cents (>= 0): after accepted withdrawals, which have already
  // left MEMBER_COLLATERAL_CASH (PlanCashWithdrawal).
  int64_t collateral_value_cents = 0;
  // Initial-margin calls already instructed and not yet confirmed (>= 0): counted as
  // coming, so a call is never made twice.
  int64_t pending_call_cents = 0;
  int64_t release_cents = 0;  // accepted cash withdrawals to pay out in this cycle (>= 0)
};

struct Obligation {
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  int64_t vm_cents = 0;  // + = the member receives
  int64_t requirement_cents = 0;
  int64_t collateral_value_cents = 0;
  int64_t pending_call_cents = 0;
  int64_t deficit_cents = 0;  // max(0, requirement - value - pending)
  int64_t im_call_cents = 0;  // >= 0: collateral the member must deliver
  int64_t release_cents = 0;  // >= 0
  int64_t net_cents = 0;      // vm - im_call + release: + = the CCP pays the member, - = collects
};

// One obligation per input, same order. im_call = deficit when deficit >
// call_threshold_cents, else 0 (threshold 0 at end of day: every cent of deficit is
// called; intraday a configured threshold keeps small calls for the end of day).
// INVALID_ARGUMENT for a malformed member id or currency, a negative
// requirement/value/pending/release/threshold, or an input key (member, origin, currency)
// given twice. OUT_OF_RANGE on overflow, including amounts the settlement entry could not
// carry (vm_cents or net_cents of INT64_MIN, vm + release outside int64), so every
// obligation returned can be settled. House and customer are separate keys and never
// netted.
absl::StatusOr<std::vector<Obligation>> ComputeObligations(absl::Span<const ObligationInput> inputs,
                                                           int64_t call_threshold_cents);

// The journal entry that settles `o` once its payment is final (or at once when net is
// 0), kind "PAYMENT_SETTLEMENT", under `key`:
//   BANK:SETTLEMENT        -net            (a collect debits the CCP's bank account +,
//                                           a pay credits it -)
//   <member>:CASH          +(vm + release)  (the variation margin and released cash the
//                                           CCP owed, or was owed, are settled)
//   <member>:COLLATERAL_CASH -im_call        (the called cash becomes collateral)
// Zero lines omitted; std::nullopt when every line is zero (nothing moves). The lines sum
// to -net + vm + release - im_call = 0. INVALID_ARGUMENT for a malformed key (1..200
// bytes), member id or currency, a negative im_call or release, or a net_cents that is not
// vm - im_call + release (an obligation not made by ComputeObligations); OUT_OF_RANGE on
// overflow. The result passes CheckBalanced (checked before returning).
absl::StatusOr<std::optional<JournalEntry>> PlanObligationSettlement(const Obligation& o,
                                                                     absl::string_view key,
                                                                     absl::CivilDay business_date,
                                                                     absl::string_view description);

// Σ pays and Σ collects of variation margin for a cycle, per currency, seen from the CCP:
// pays = Σ max(vm, 0), collects = Σ max(-vm, 0), and collects - pays, which must equal
// the CCP's rounding residual of the day (CashResidual::ccp_rounding_cents, summed over
// variation margin and final settlement): the CCP neither gains nor loses on variation
// margin beyond the rounding of cents.
struct VmBalance {
  std::string currency;
  int64_t pays_cents = 0;
  int64_t collects_cents = 0;
  int64_t collects_minus_pays_cents = 0;
};

// Sorted by currency. OUT_OF_RANGE on overflow.
absl::StatusOr<std::vector<VmBalance>> SumVariationMargin(absl::Span<const Obligation> obligations);

// OK when every currency's collects_minus_pays_cents equals the sum of the residuals of
// that currency (several residuals of one currency are summed: daily variation margin
// and final settlement each have one; a currency missing on either side counts as 0).
// FAILED_PRECONDITION naming the currency and both amounts otherwise; OUT_OF_RANGE on
// overflow.
absl::Status CheckVariationMarginMeetsResidual(absl::Span<const VmBalance> balances,
                                               absl::Span<const CashResidual> residuals);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_OBLIGATIONS_H_
