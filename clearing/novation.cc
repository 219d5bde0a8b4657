#include "clearing/novation.h"

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "core/check.h"

namespace tc::clearing {
namespace {

PositionChange LegChange(const Trade& trade, const ReferenceSnapshot& snapshot,
                         const std::string& account_id, bool buys, PositionEffect effect) {
  const Account* account = snapshot.FindAccount(account_id);
  TC_CHECK(account != nullptr) << "novating for unknown account " << account_id;
  PositionChange change{account_id, trade.instrument_id, account->origin == Origin::kHouse, 0, 0};
  if (change.netted || effect == PositionEffect::kOpen) {
    (buys ? change.long_delta : change.short_delta) = trade.quantity;
  } else {
    // Closing a gross position: a buy takes away from short, a sell from long.
    (buys ? change.short_delta : change.long_delta) = -trade.quantity;
  }
  return change;
}

}  // namespace

std::array<PositionChange, 2> Novate(const Trade& trade, const ReferenceSnapshot& snapshot) {
  return {LegChange(trade, snapshot, trade.buyer_account_id, true, trade.buyer_effect),
          LegChange(trade, snapshot, trade.seller_account_id, false, trade.seller_effect)};
}

PositionChange Reversed(const PositionChange& change) {
  PositionChange reversed = change;
  reversed.long_delta = -change.long_delta;
  reversed.short_delta = -change.short_delta;
  return reversed;
}

std::vector<PositionChange> AggregateChanges(const std::vector<PositionChange>& changes) {
  std::map<std::pair<std::string, std::string>, PositionChange> by_key;
  absl::flat_hash_map<std::string, int64_t> net_by_instrument;
  for (const PositionChange& change : changes) {
    auto [it, inserted] = by_key.try_emplace({change.account_id, change.instrument_id}, change);
    if (!inserted) {
      TC_CHECK(it->second.netted == change.netted) << "origin changed within a batch";
      it->second.long_delta += change.long_delta;
      it->second.short_delta += change.short_delta;
    }
    net_by_instrument[change.instrument_id] += change.NetDelta();
  }
  for (const auto& [instrument_id, net] : net_by_instrument) {
    TC_CHECK(net == 0) << "position changes for " << instrument_id
                       << " do not net to zero: " << net;
  }
  std::vector<PositionChange> aggregated;
  aggregated.reserve(by_key.size());
  for (auto& [key, change] : by_key) {
    if (change.netted) {
      // Only the net matters for a house position; keep it in long_delta.
      change.long_delta = change.NetDelta();
      change.short_delta = 0;
    }
    if (change.long_delta != 0 || change.short_delta != 0) aggregated.push_back(change);
  }
  return aggregated;
}

}  // namespace tc::clearing
