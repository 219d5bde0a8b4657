// The settlement price of a contract month, by a tiered procedure, each price tagged with
// the tier that made it (clearing.md E.2, issue 8 section 2). Pure: the caller loads the
// exchange's submission, the day's cleared trades (cancelled ones absent, corrections
// present as their replacement), the prior settlement and the index fixings.
//
// Daily settlement, the first tier that applies:
//   EXCHANGE        the price the exchange submitted (must be on tick).
//   VWAP            the quantity-weighted mean price of the month's cleared trades executed
//                   in the settlement window [window_start, window_end), rounded once to
//                   the nearest tick by the one rule (tc::RoundedDiv(sum(p x q),
//                   sum(q) x tick) x tick, halves away from zero; CME breaks ties toward
//                   the prior settlement, we keep the one rule of the house).
//   INDEX_ADJUSTED  the prior settlement moved by the index:
//                   prior x today's fixing / prior fixing, rounded once to the nearest tick.
//   CARRIED         the prior settlement unchanged (must be on tick).
//   none            FAILED_PRECONDITION: no price can be set for the month.
// Final settlement of an expiring month (tier FINAL): the index fixing of the month's
// final settlement date, of the product's index, unrounded (it is the price the contract
// settles to, not a tradable price; variation_margin.h and cash_cents.h say what that
// means for cents).
// Every daily price is on tick and inside core/price_limits.h and the product's
// max_price_micros; an input price that is not, or a result that falls outside, is an
// error (INVALID_ARGUMENT for inputs, OUT_OF_RANGE for results), never an abort.
//
//   DailyPriceInputs in{.instrument_id = "TKF-202612", .window_start = t0,
//                       .window_end = t0 + absl::Minutes(30),
//                       .prior_settlement_micros = 3'125'000};
//   TC_ASSIGN_OR_RETURN(SettlementPrice p, DailySettlementPrice(snapshot, in, trades));
//   p.tier == PriceTier::kVwap;  p.price_micros % product.tick_size_micros == 0
#ifndef TOKENCLEAR_SETTLEMENT_SETTLEMENT_PRICE_H_
#define TOKENCLEAR_SETTLEMENT_SETTLEMENT_PRICE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "clearing/reference_data.h"
#include "clearing/trade_event.h"
#include "settlement/index_fixing.h"

namespace tc::settlement {

enum class PriceTier { kExchange, kVwap, kIndexAdjusted, kCarried, kFinal };

// "EXCHANGE", "VWAP", "INDEX_ADJUSTED", "CARRIED", "FINAL".
absl::string_view PriceTierName(PriceTier tier);

struct SettlementPrice {
  std::string instrument_id;
  int64_t price_micros = 0;  // micro-USD per 1M tokens
  PriceTier tier = PriceTier::kCarried;
};

struct DailyPriceInputs {
  std::string instrument_id;
  std::optional<int64_t> exchange_price_micros;
  absl::Time window_start;  // settlement window, inclusive
  absl::Time window_end;    // exclusive
  std::optional<int64_t> prior_settlement_micros;
  std::optional<int64_t> prior_fixing_micros;  // the index fixing of the prior settlement's day
  std::optional<int64_t> today_fixing_micros;
};

// `trades` may hold any instruments and times: only those of the month inside the window
// count. FAILED_PRECONDITION for an instrument or product the snapshot does not know.
absl::StatusOr<SettlementPrice> DailySettlementPrice(const clearing::ReferenceSnapshot& snapshot,
                                                     const DailyPriceInputs& inputs,
                                                     absl::Span<const clearing::Trade> trades);

// FAILED_PRECONDITION when `fixing` is not of the product's index or not of the month's
// final settlement date.
absl::StatusOr<SettlementPrice> FinalSettlementPrice(const clearing::ReferenceSnapshot& snapshot,
                                                     absl::string_view instrument_id,
                                                     const IndexFixing& fixing);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_SETTLEMENT_PRICE_H_
