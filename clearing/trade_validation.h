// Validation of a trade against its own fields and against reference data. Split in two
// so that a replay of an accepted trade is recognised before state-dependent checks
// (a later suspension must not turn a retry into a rejection).
//
//   if (auto rejection = CheckTradeFields(trade, "trade")) return *rejection;
//   ... idempotency lookup ...
//   if (auto rejection = CheckTradeAgainstReference(trade, snapshot, "trade")) ...
#ifndef TOKENCLEAR_CLEARING_TRADE_VALIDATION_H_
#define TOKENCLEAR_CLEARING_TRADE_VALIDATION_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "clearing/reference_data.h"
#include "clearing/rejection.h"
#include "clearing/trade_event.h"

namespace tc::clearing {

// Checks that need nothing but the trade: identifiers, positive price and quantity,
// distinct accounts. `field_prefix` is prepended to field names ("trade", or
// "correction.replacement").
std::optional<Rejection> CheckTradeFields(const Trade& trade, absl::string_view field_prefix);

// Checks against reference data and the open business date: instrument known and
// active, price on tick, quantity within the product maximum, both accounts (and their
// members) known and active, trade date equal to the open business date.
//
// Late-trade rule: only trades dated the open business date are accepted; a trade for
// a closed (earlier) date or a future date is refused with FAILED_PRECONDITION.
std::optional<Rejection> CheckTradeAgainstReference(const Trade& trade,
                                                    const ReferenceSnapshot& snapshot,
                                                    absl::string_view field_prefix);

// price x quantity x contract multiplier in micro-USD, or nullopt when it overflows int64.
std::optional<int64_t> TradeNotionalMicros(int64_t price_micros, int64_t quantity,
                                           int64_t contract_multiplier);

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_TRADE_VALIDATION_H_
