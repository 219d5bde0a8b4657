// The proposal of a business date's settlement prices, pure: for every contract month
// that is listed on the date, the tiered daily price (settlement_price.h), or the final
// settlement price when the date is the month's final settlement date. The caller loads
// what the tiers read; this decides which months need a price and which tier applies.
//   - A month whose final settlement date is the date gets tier FINAL: the fixing of the
//     product's index on that date. No fixing, or a frozen index (the kill switch), is
//     FAILED_PRECONDITION naming the month and the index: nothing settles on it.
//   - Any other active month not past its final settlement date gets the first daily tier
//     that applies. A month no tier can price (never traded, no prior settlement, no
//     exchange price) is left out when no one holds or traded it, and is
//     FAILED_PRECONDITION naming it when someone does.
// The result is sorted by instrument id (byte order) and records each month's previous
// settlement, so the proposal is its own record of what the cash will be computed from.
//
//   ProposalInputs in{.business_date = day, .trades = day_trades, ...};
//   TC_ASSIGN_OR_RETURN(std::vector<ProposedPrice> prices, ProposePrices(snapshot, in));
#ifndef TOKENCLEAR_SETTLEMENT_PRICE_PROPOSAL_H_
#define TOKENCLEAR_SETTLEMENT_PRICE_PROPOSAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "clearing/reference_data.h"
#include "clearing/trade_event.h"
#include "core/sha256.h"
#include "settlement/index_settings.h"
#include "settlement/settlement_price.h"

namespace tc::settlement {

struct ProposalInputs {
  absl::CivilDay business_date;
  absl::flat_hash_map<std::string, int64_t> exchange_prices;   // by instrument
  absl::flat_hash_map<std::string, int64_t> prior_settlement;  // by instrument
  absl::flat_hash_map<std::string, int64_t> prior_fixings;     // by index, of the prior date
  absl::flat_hash_map<std::string, int64_t> today_fixings;     // by index
  absl::flat_hash_map<std::string, SettlementWindow> windows;  // by index: the VWAP window
  absl::flat_hash_set<std::string> frozen_indexes;
  absl::flat_hash_set<std::string> held_or_traded;  // instruments that must be priced
  std::vector<clearing::Trade> trades;              // the day's standing trades
};

struct ProposedPrice {
  SettlementPrice price;
  std::optional<int64_t> previous_settlement_micros;
};

absl::StatusOr<std::vector<ProposedPrice>> ProposePrices(
    const clearing::ReferenceSnapshot& snapshot, const ProposalInputs& inputs);

// The digest of everything a proposal read, in a canonical order, recorded with the set.
Sha256Digest ProposalInputsDigest(const ProposalInputs& inputs);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_PRICE_PROPOSAL_H_
