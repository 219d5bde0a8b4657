// The variation margin of one business day, pure: the frozen positions and the day's
// trades marked to the locked prices, split by kind — DAILY for months that carry on,
// FINAL for months settling at expiry (their cash goes to final settlement, not to daily
// variation margin) — each checked zero-sum and rounded to cents once per (member,
// origin, currency) (cash_cents.h). Both the end-of-day run and its replay call it, and
// DayVariationDigest is what they compare.
//
//   TC_ASSIGN_OR_RETURN(DayVariation day, ComputeDayVariation(snapshot, frozen, trades, prices));
//   day.daily.cash.calls ... day.final.cash.residuals ...
#ifndef TOKENCLEAR_SETTLEMENT_DAY_VARIATION_H_
#define TOKENCLEAR_SETTLEMENT_DAY_VARIATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "clearing/reference_data.h"
#include "clearing/trade_event.h"
#include "core/sha256.h"
#include "settlement/cash_cents.h"
#include "settlement/position_freeze.h"
#include "settlement/settlement_price.h"
#include "settlement/variation_margin.h"

namespace tc::settlement {

struct LockedPrice {
  SettlementPrice price;
  std::optional<int64_t> previous_settlement_micros;
};

struct KindVariation {
  VariationMargin margin;
  CashSettlement cash;
};

struct DayVariation {
  KindVariation daily;  // kind "DAILY"
  KindVariation final;  // kind "FINAL"
};

// FAILED_PRECONDITION for a held or traded month without a locked price, or a carried
// position without a previous settlement; the errors of variation_margin.h and
// cash_cents.h otherwise.
absl::StatusOr<DayVariation> ComputeDayVariation(const clearing::ReferenceSnapshot& snapshot,
                                                 absl::Span<const FrozenPosition> frozen,
                                                 absl::Span<const clearing::Trade> trades,
                                                 absl::Span<const LockedPrice> prices);

// Every mark, total and residual, in order: equal digests, equal rows.
Sha256Digest DayVariationDigest(const DayVariation& day);

// The frozen positions, row by row.
Sha256Digest FrozenPositionsDigest(absl::Span<const FrozenPosition> frozen);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_DAY_VARIATION_H_
