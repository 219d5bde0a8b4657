// Mark-to-market (variation margin) of the day, pure: what each account gains or pays
// when its positions and today's trades are marked to the settlement prices (clearing.md
// E.4, issue 8 section 3). Positive amount_micros = the account collects, negative = pays.
//   - Carried positions (start of day): (today's settlement - previous settlement)
//     x (long - short) x contract multiplier. Customer accounts are gross: the long and the
//     short of one account are both marked, each on its own line of the row.
//   - Today's trades, one leg per side (cancelled trades are simply absent, a correction is
//     its replacement): (today's settlement - trade price) x signed quantity x multiplier,
//     the buyer's leg +quantity, the seller's -quantity.
//   - Expiring months (today's price has tier FINAL): the same formulas with the final
//     settlement price; (final - previous) x quantity x multiplier for carried positions.
// Units, exactly: prices are micro-USD per 1M tokens and a contract is worth
// price x multiplier USD (clearing::Product, clearing.md A.3: "contract unit = index x
// 1,000", $3.00 -> $3,000), so price_micros x multiplier is micro-USD per contract and
//   amount_micros = price_diff_micros x quantity x multiplier,
// with no division and so no rounding at all: every amount is exact. Every subtraction,
// multiplication and sum is checked; overflow is OUT_OF_RANGE naming the row, never an
// abort. Cents: see settlement/cash_cents.h (amounts on tick are whole cents when
// tick x multiplier is; final settlement amounts need not be, and the rounding rule is
// there).
// Totals: per account and currency, per member, origin and currency (house never netted
// with customer), per currency. Every trade has two legs and every position an opposite,
// so the house-wide sum per currency is exactly zero: CheckVariationZeroSum says so or
// returns an error, before anything is written.
//
//   PriceTable prices{{"TKF-202612", {.previous_settlement_micros = 3'125'000,
//                                     .today = {"TKF-202612", 3'130'000, PriceTier::kVwap}}}};
//   TC_ASSIGN_OR_RETURN(VariationMargin vm,
//                       ComputeVariationMargin(snapshot, prices, sod_positions, trades));
//   TC_RETURN_IF_ERROR(CheckVariationZeroSum(vm));
#ifndef TOKENCLEAR_SETTLEMENT_VARIATION_MARGIN_H_
#define TOKENCLEAR_SETTLEMENT_VARIATION_MARGIN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "clearing/reference_data.h"
#include "clearing/trade_event.h"
#include "settlement/settlement_price.h"

namespace tc::settlement {

// An account's holding of an instrument at the start of the day, gross sides (house
// accounts hold one side only; customer accounts may hold both).
struct StartOfDayPosition {
  std::string account_id;
  std::string instrument_id;
  int64_t long_quantity = 0;
  int64_t short_quantity = 0;
};

struct InstrumentPrices {
  // The previous business day's settlement; absent for a month first traded today (then
  // it may have trades but no carried position).
  std::optional<int64_t> previous_settlement_micros;
  SettlementPrice today;  // tier FINAL: the month expires today
};
using PriceTable = absl::flat_hash_map<std::string, InstrumentPrices>;  // by instrument id

struct PositionMark {
  std::string account_id;
  std::string instrument_id;
  std::string currency;
  bool expiring = false;
  int64_t long_quantity = 0;
  int64_t short_quantity = 0;
  int64_t previous_settlement_micros = 0;
  int64_t settlement_micros = 0;  // today's, or the final settlement price
  int64_t long_amount_micros = 0;
  int64_t short_amount_micros = 0;
  int64_t amount_micros = 0;  // long + short
};

struct TradeMark {
  std::string trade_id;
  std::string account_id;
  std::string instrument_id;
  std::string currency;
  int64_t signed_quantity = 0;  // + buyer leg, - seller leg
  int64_t price_micros = 0;
  int64_t settlement_micros = 0;
  int64_t amount_micros = 0;
};

struct AccountVariation {
  std::string account_id;
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  int64_t amount_micros = 0;
};

struct OriginVariation {
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  int64_t amount_micros = 0;
};

struct CurrencyVariation {
  std::string currency;
  int64_t amount_micros = 0;
};

struct VariationMargin {
  std::vector<PositionMark> positions;        // input order, all-zero rows left out
  std::vector<TradeMark> trades;              // input order, buyer leg then seller leg
  std::vector<AccountVariation> accounts;     // by (account, currency)
  std::vector<OriginVariation> origins;       // by (member, origin house first, currency)
  std::vector<CurrencyVariation> currencies;  // by currency
};

// One amount: price_diff_micros x quantity x multiplier (multiplier >= 1), exact, or
// OUT_OF_RANGE on overflow.
absl::StatusOr<int64_t> MarkMicros(int64_t price_diff_micros, int64_t quantity, int64_t multiplier);

// FAILED_PRECONDITION for an account, instrument, product or price the inputs lack;
// INVALID_ARGUMENT for a negative side, a non-positive trade quantity or multiplier, or a
// price outside core/price_limits.h; OUT_OF_RANGE on overflow.
absl::StatusOr<VariationMargin> ComputeVariationMargin(
    const clearing::ReferenceSnapshot& snapshot, const PriceTable& prices,
    absl::Span<const StartOfDayPosition> positions, absl::Span<const clearing::Trade> trades);

// The invariant, recomputed from the rows: per currency the position and trade amounts sum
// to exactly zero (FAILED_PRECONDITION naming the currency and the sum otherwise), and the
// account, origin and currency totals agree with the rows (INTERNAL otherwise).
absl::Status CheckVariationZeroSum(const VariationMargin& vm);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_VARIATION_MARGIN_H_
