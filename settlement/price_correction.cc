#include "settlement/price_correction.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/price_limits.h"
#include "core/status_macros.h"

namespace tc::settlement {
namespace {

absl::Status CheckChange(const clearing::ReferenceSnapshot& snapshot, const LockedPrice& locked,
                         const PriceChange& change, const std::string& path) {
  const clearing::Instrument* instrument = snapshot.FindInstrument(change.instrument_id);
  const clearing::Product* product =
      instrument ? snapshot.FindProduct(instrument->product_code) : nullptr;
  if (product == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ".instrument_id '", change.instrument_id, "' has no product"));
  }
  if (!IsPriceInRange(change.price_micros) || change.price_micros > product->max_price_micros) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".price_micros ", change.price_micros,
                                                   " is not a price within ", kMinPriceMicros, "..",
                                                   product->max_price_micros));
  }
  if (locked.price.tier != PriceTier::kFinal &&
      change.price_micros % product->tick_size_micros != 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".price_micros ", change.price_micros,
                                                   " is not on the tick of ",
                                                   product->tick_size_micros));
  }
  if (change.price_micros == locked.price.price_micros) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".price_micros ", change.price_micros,
                                                   " is the locked price: nothing to correct"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<CorrectedPrice>> CorrectPrices(
    const clearing::ReferenceSnapshot& snapshot, absl::Span<const LockedPrice> locked,
    absl::Span<const PriceChange> changes) {
  absl::flat_hash_map<std::string, size_t> index;
  std::vector<CorrectedPrice> out;
  out.reserve(locked.size());
  for (const LockedPrice& p : locked) {
    index[p.price.instrument_id] = out.size();
    out.push_back({p, false});
  }
  for (size_t i = 0; i < changes.size(); ++i) {
    const PriceChange& change = changes[i];
    const std::string path = absl::StrCat("prices[", i, "]");
    auto it = index.find(change.instrument_id);
    if (it == index.end()) {
      return absl::NotFoundError(absl::StrCat(path, ".instrument_id '", change.instrument_id,
                                              "' has no locked price to correct"));
    }
    CorrectedPrice& target = out[it->second];
    if (target.corrected) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".instrument_id '", change.instrument_id, "' is changed twice"));
    }
    TC_RETURN_IF_ERROR(CheckChange(snapshot, target.price, change, path));
    target.price.price.price_micros = change.price_micros;
    target.corrected = true;
  }
  return out;
}

}  // namespace tc::settlement
