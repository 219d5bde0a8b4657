// How variation margin, exact in micro-USD, becomes cash, which moves in cents.
//
// When amounts are whole cents: an amount is (price difference) x quantity x multiplier
// micro-USD (variation_margin.h). When both prices of the difference are on tick (every
// trade price, every daily settlement price) and the tick value tick_size_micros x
// contract_multiplier is a whole number of cents (10,000 micro-USD), every amount is
// whole cents: the sample products' ticks are 5,000 x 1,000 = $5 and 1,000 x 1,000 = $1.
// TickValueIsWholeCents tells which products qualify. The final settlement price is the
// index fixing at micro precision, not on tick, so expiry amounts need not be whole cents
// (nor are any amounts of a product whose tick value is not).
//
// The rule for the residual: the exact amounts are summed, never rounded, up to the level
// where cash moves, (member, origin, currency); each such total is rounded once to cents
// by the one rule (tc::RoundedDiv by 10,000, halves away from zero). Because the exact
// house-wide sum is zero, the rounded totals miss zero by a whole number of cents, at most
// half a cent per total; that residual is paid to (or by) the CCP's rounding account of
// the currency, so pays equal collects to the cent. Nothing is rounded per position or
// per trade: per-row cents would not keep the house-wide zero (3 x 0.2 cents is 1 cent
// rounded as one row, 0 as three).
//
//   TC_ASSIGN_OR_RETURN(CashSettlement cash, RoundToCents(vm.origins));
//   for (const CashCall& c : cash.calls) ... c.amount_cents;   // pay when negative
//   for (const CashResidual& r : cash.residuals) ... r.ccp_rounding_cents;
#ifndef TOKENCLEAR_SETTLEMENT_CASH_CENTS_H_
#define TOKENCLEAR_SETTLEMENT_CASH_CENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "clearing/reference_data.h"
#include "settlement/variation_margin.h"

namespace tc::settlement {

inline constexpr int64_t kMicrosPerCent = 10'000;

inline constexpr bool IsWholeCents(int64_t amount_micros) {
  return amount_micros % kMicrosPerCent == 0;
}

// Whether every amount between on-tick prices of `product` is whole cents.
bool TickValueIsWholeCents(const clearing::Product& product);

struct CashCall {
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  int64_t amount_micros = 0;  // exact
  int64_t amount_cents = 0;   // rounded once; positive = the member collects
};

struct CashResidual {
  std::string currency;
  // What the CCP's rounding account collects (+) or pays (-): minus the sum of the calls.
  int64_t ccp_rounding_cents = 0;
};

struct CashSettlement {
  std::vector<CashCall> calls;          // in the order of `origins`
  std::vector<CashResidual> residuals;  // by currency, every currency of `origins`
};

// FAILED_PRECONDITION when the exact totals of a currency do not sum to zero (the
// residual would not be whole cents, and the book is not balanced); OUT_OF_RANGE on
// overflow.
absl::StatusOr<CashSettlement> RoundToCents(absl::Span<const OriginVariation> origins);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_CASH_CENTS_H_
