#include "settlement/price_proposal.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/status_macros.h"

namespace tc::settlement {
namespace {

template <typename T>
std::optional<int64_t> Lookup(const absl::flat_hash_map<std::string, T>& map,
                              const std::string& key) {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<SettlementPrice> FinalPrice(const clearing::ReferenceSnapshot& snapshot,
                                           const clearing::Instrument& instrument,
                                           const clearing::Product& product,
                                           const ProposalInputs& in) {
  const std::string& index = product.index_code;
  if (in.frozen_indexes.contains(index)) {
    return absl::FailedPreconditionError(
        absl::StrCat("index ", index, " is frozen: ", instrument.instrument_id,
                     " cannot take its final settlement price until treasury unfreezes it"));
  }
  std::optional<int64_t> fixing = Lookup(in.today_fixings, index);
  if (!fixing) {
    return absl::FailedPreconditionError(absl::StrCat("no fixing of index ", index, " for ",
                                                      FormatBusinessDate(in.business_date), ": ",
                                                      instrument.instrument_id, " settles on it"));
  }
  IndexFixing final_fixing;
  final_fixing.index_code = index;
  final_fixing.fixing_date = in.business_date;
  final_fixing.value_micros = *fixing;
  return FinalSettlementPrice(snapshot, instrument.instrument_id, final_fixing);
}

absl::StatusOr<SettlementPrice> DailyPrice(const clearing::ReferenceSnapshot& snapshot,
                                           const clearing::Instrument& instrument,
                                           const clearing::Product& product,
                                           const ProposalInputs& in) {
  DailyPriceInputs daily;
  daily.instrument_id = instrument.instrument_id;
  daily.exchange_price_micros = Lookup(in.exchange_prices, instrument.instrument_id);
  daily.prior_settlement_micros = Lookup(in.prior_settlement, instrument.instrument_id);
  daily.prior_fixing_micros = Lookup(in.prior_fixings, product.index_code);
  daily.today_fixing_micros = Lookup(in.today_fixings, product.index_code);
  if (auto it = in.windows.find(product.index_code); it != in.windows.end()) {
    daily.window_start = it->second.start;
    daily.window_end = it->second.end;
  } else {
    // No window known: an empty window, so VWAP never applies rather than applying to
    // some default hours nobody configured.
    daily.window_start = daily.window_end = absl::UnixEpoch();
  }
  return DailySettlementPrice(snapshot, daily, in.trades);
}

}  // namespace

absl::StatusOr<std::vector<ProposedPrice>> ProposePrices(
    const clearing::ReferenceSnapshot& snapshot, const ProposalInputs& in) {
  std::map<std::string, const clearing::Instrument*> listed;  // byte order
  for (const auto& [id, instrument] : snapshot.instruments) {
    if (instrument.status == clearing::InstrumentStatus::kActive &&
        instrument.final_settlement_date >= in.business_date) {
      listed[id] = &instrument;
    }
  }
  for (const std::string& id : in.held_or_traded) {
    if (!listed.contains(id)) {
      return absl::FailedPreconditionError(
          absl::StrCat(id, " is held or traded but is not a listed month on ",
                       FormatBusinessDate(in.business_date)));
    }
  }
  std::vector<ProposedPrice> out;
  for (const auto& [id, instrument] : listed) {
    const clearing::Product* product = snapshot.FindProduct(instrument->product_code);
    if (product == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("product ", instrument->product_code, " of ", id, " is not known"));
    }
    const bool final_day = instrument->final_settlement_date == in.business_date;
    absl::StatusOr<SettlementPrice> price = final_day
                                                ? FinalPrice(snapshot, *instrument, *product, in)
                                                : DailyPrice(snapshot, *instrument, *product, in);
    if (!price.ok()) {
      if (!final_day && price.status().code() == absl::StatusCode::kFailedPrecondition &&
          !in.held_or_traded.contains(id)) {
        continue;  // nobody holds it and nothing prices it: no price is needed
      }
      return price.status();
    }
    out.push_back({*std::move(price), Lookup(in.prior_settlement, id)});
  }
  return out;
}

Sha256Digest ProposalInputsDigest(const ProposalInputs& in) {
  RecordDigest digest;
  digest.Add(FormatBusinessDate(in.business_date));
  auto add_map = [&digest](absl::string_view name,
                           const absl::flat_hash_map<std::string, int64_t>& map) {
    std::map<std::string, int64_t> sorted(map.begin(), map.end());
    digest.Add(name).Add(static_cast<int64_t>(sorted.size()));
    for (const auto& [key, value] : sorted) digest.Add(key).Add(value);
  };
  add_map("exchange", in.exchange_prices);
  add_map("prior_settlement", in.prior_settlement);
  add_map("prior_fixings", in.prior_fixings);
  add_map("today_fixings", in.today_fixings);
  std::map<std::string, SettlementWindow> windows(in.windows.begin(), in.windows.end());
  digest.Add("windows").Add(static_cast<int64_t>(windows.size()));
  for (const auto& [index, w] : windows) {
    digest.Add(index).Add(absl::ToUnixMicros(w.start)).Add(absl::ToUnixMicros(w.end));
  }
  std::vector<std::string> frozen(in.frozen_indexes.begin(), in.frozen_indexes.end());
  std::sort(frozen.begin(), frozen.end());
  digest.Add("frozen").Add(static_cast<int64_t>(frozen.size()));
  for (const std::string& index : frozen) digest.Add(index);
  std::vector<std::string> held(in.held_or_traded.begin(), in.held_or_traded.end());
  std::sort(held.begin(), held.end());
  digest.Add("held_or_traded").Add(static_cast<int64_t>(held.size()));
  for (const std::string& id : held) digest.Add(id);
  digest.Add("trades").Add(static_cast<int64_t>(in.trades.size()));
  for (const clearing::Trade& t : in.trades) {
    digest.Add(t.trade_id).Add(t.instrument_id).Add(t.price_micros).Add(t.quantity);
    digest.Add(t.buyer_account_id).Add(t.seller_account_id).Add(absl::ToUnixMicros(t.executed_at));
  }
  return digest.Finish();
}

}  // namespace tc::settlement
