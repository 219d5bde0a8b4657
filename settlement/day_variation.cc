#include "settlement/day_variation.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace tc::settlement {
namespace {

struct Split {
  PriceTable daily_prices;
  PriceTable final_prices;
  absl::flat_hash_set<std::string> expiring;
};

absl::StatusOr<Split> SplitPrices(absl::Span<const LockedPrice> prices) {
  Split split;
  for (const LockedPrice& p : prices) {
    const bool expiring = p.price.tier == PriceTier::kFinal;
    PriceTable& table = expiring ? split.final_prices : split.daily_prices;
    table[p.price.instrument_id] = InstrumentPrices{p.previous_settlement_micros, p.price};
    if (expiring) split.expiring.insert(p.price.instrument_id);
  }
  return split;
}

absl::StatusOr<KindVariation> Mark(const clearing::ReferenceSnapshot& snapshot,
                                   const PriceTable& prices,
                                   const std::vector<StartOfDayPosition>& positions,
                                   const std::vector<clearing::Trade>& trades) {
  KindVariation out;
  TC_ASSIGN_OR_RETURN(out.margin, ComputeVariationMargin(snapshot, prices, positions, trades));
  TC_RETURN_IF_ERROR(CheckVariationZeroSum(out.margin));
  TC_ASSIGN_OR_RETURN(out.cash, RoundToCents(out.margin.origins));
  return out;
}

void AddKind(RecordDigest& digest, absl::string_view kind, const KindVariation& v) {
  digest.Add(kind).Add(static_cast<int64_t>(v.margin.positions.size()));
  for (const PositionMark& m : v.margin.positions) {
    digest.Add(m.account_id).Add(m.instrument_id).Add(m.long_quantity).Add(m.short_quantity);
    digest.Add(m.previous_settlement_micros).Add(m.settlement_micros).Add(m.amount_micros);
  }
  digest.Add(static_cast<int64_t>(v.margin.trades.size()));
  for (const TradeMark& m : v.margin.trades) {
    digest.Add(m.trade_id).Add(m.account_id).Add(m.instrument_id).Add(m.signed_quantity);
    digest.Add(m.price_micros).Add(m.settlement_micros).Add(m.amount_micros);
  }
  digest.Add(static_cast<int64_t>(v.cash.calls.size()));
  for (const CashCall& c : v.cash.calls) {
    digest.Add(c.member_id).Add(c.origin == clearing::Origin::kHouse ? "HOUSE" : "CUSTOMER");
    digest.Add(c.currency).Add(c.amount_micros).Add(c.amount_cents);
  }
  digest.Add(static_cast<int64_t>(v.cash.residuals.size()));
  for (const CashResidual& r : v.cash.residuals) digest.Add(r.currency).Add(r.ccp_rounding_cents);
}

}  // namespace

absl::StatusOr<DayVariation> ComputeDayVariation(const clearing::ReferenceSnapshot& snapshot,
                                                 absl::Span<const FrozenPosition> frozen,
                                                 absl::Span<const clearing::Trade> trades,
                                                 absl::Span<const LockedPrice> prices) {
  TC_ASSIGN_OR_RETURN(Split split, SplitPrices(prices));
  std::vector<StartOfDayPosition> daily_positions, final_positions;
  for (const FrozenPosition& p : frozen) {
    if (p.sod_long == 0 && p.sod_short == 0) continue;  // nothing carried: trades mark it
    (split.expiring.contains(p.instrument_id) ? final_positions : daily_positions)
        .push_back({p.account_id, p.instrument_id, p.sod_long, p.sod_short});
  }
  std::vector<clearing::Trade> daily_trades, final_trades;
  for (const clearing::Trade& t : trades) {
    (split.expiring.contains(t.instrument_id) ? final_trades : daily_trades).push_back(t);
  }
  DayVariation day;
  TC_ASSIGN_OR_RETURN(day.daily, Mark(snapshot, split.daily_prices, daily_positions, daily_trades));
  TC_ASSIGN_OR_RETURN(day.final, Mark(snapshot, split.final_prices, final_positions, final_trades));
  return day;
}

Sha256Digest DayVariationDigest(const DayVariation& day) {
  RecordDigest digest;
  AddKind(digest, "DAILY", day.daily);
  AddKind(digest, "FINAL", day.final);
  return digest.Finish();
}

Sha256Digest FrozenPositionsDigest(absl::Span<const FrozenPosition> frozen) {
  RecordDigest digest;
  digest.Add(static_cast<int64_t>(frozen.size()));
  for (const FrozenPosition& p : frozen) {
    digest.Add(p.account_id).Add(p.instrument_id).Add(p.sod_long).Add(p.sod_short);
    digest.Add(p.bought).Add(p.sold).Add(p.eod_long).Add(p.eod_short);
  }
  return digest.Finish();
}

}  // namespace tc::settlement
