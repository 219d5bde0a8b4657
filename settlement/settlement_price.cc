#include "settlement/settlement_price.h"

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/price_limits.h"

namespace tc::settlement {
namespace {

struct Month {
  const clearing::Instrument* instrument = nullptr;
  const clearing::Product* product = nullptr;
};

absl::StatusOr<Month> FindMonth(const clearing::ReferenceSnapshot& snapshot,
                                absl::string_view instrument_id) {
  Month month;
  month.instrument = snapshot.FindInstrument(instrument_id);
  if (month.instrument == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("settlement price: unknown instrument ", instrument_id));
  }
  month.product = snapshot.FindProduct(month.instrument->product_code);
  if (month.product == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("settlement price: instrument ",
                                                      instrument_id, " has unknown product ",
                                                      month.instrument->product_code));
  }
  if (month.product->tick_size_micros <= 0) {
    return absl::FailedPreconditionError(absl::StrCat("settlement price: product ",
                                                      month.product->product_code, " has tick ",
                                                      month.product->tick_size_micros));
  }
  return month;
}

int64_t MaxPrice(const clearing::Product& product) {
  return product.max_price_micros > 0 && product.max_price_micros < kMaxPriceMicros
             ? product.max_price_micros
             : kMaxPriceMicros;
}

// An input price: within the limits and, when `on_tick`, a whole number of ticks.
absl::Status CheckInputPrice(const Month& month, absl::string_view field, int64_t price_micros,
                             bool on_tick) {
  if (!IsPriceInRange(price_micros)) {
    return absl::InvalidArgumentError(absl::StrCat(month.instrument->instrument_id, ": ", field,
                                                   " = ", price_micros, " is outside ",
                                                   kMinPriceMicros, "..", kMaxPriceMicros));
  }
  if (on_tick && price_micros % month.product->tick_size_micros != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(month.instrument->instrument_id, ": ", field, " = ", price_micros,
                     " is not a multiple of the tick ", month.product->tick_size_micros));
  }
  return absl::OkStatus();
}

// `numerator / denominator` rounded once to the nearest tick; OUT_OF_RANGE when the price
// is not a positive price within the product's ceiling.
absl::StatusOr<SettlementPrice> OnTick(const Month& month, PriceTier tier, __int128 numerator,
                                       __int128 denominator) {
  const int64_t tick = month.product->tick_size_micros;
  std::optional<int64_t> ticks = CheckedRoundedDiv(numerator, denominator * tick);
  std::optional<int64_t> price = ticks ? CheckedMul(*ticks, tick) : std::nullopt;
  if (!price || *price < kMinPriceMicros || *price > MaxPrice(*month.product)) {
    return absl::OutOfRangeError(absl::StrCat(
        month.instrument->instrument_id, ": the ", PriceTierName(tier),
        " settlement price rounds outside ", kMinPriceMicros, "..", MaxPrice(*month.product)));
  }
  return SettlementPrice{month.instrument->instrument_id, *price, tier};
}

}  // namespace

absl::string_view PriceTierName(PriceTier tier) {
  switch (tier) {
    case PriceTier::kExchange:
      return "EXCHANGE";
    case PriceTier::kVwap:
      return "VWAP";
    case PriceTier::kIndexAdjusted:
      return "INDEX_ADJUSTED";
    case PriceTier::kCarried:
      return "CARRIED";
    case PriceTier::kFinal:
      return "FINAL";
  }
  return "UNKNOWN";
}

absl::StatusOr<SettlementPrice> DailySettlementPrice(const clearing::ReferenceSnapshot& snapshot,
                                                     const DailyPriceInputs& inputs,
                                                     absl::Span<const clearing::Trade> trades) {
  absl::StatusOr<Month> found = FindMonth(snapshot, inputs.instrument_id);
  if (!found.ok()) return found.status();
  const Month& month = *found;
  const std::string& id = month.instrument->instrument_id;

  if (inputs.exchange_price_micros) {
    if (absl::Status s =
            CheckInputPrice(month, "exchange_price_micros", *inputs.exchange_price_micros, true);
        !s.ok()) {
      return s;
    }
    if (*inputs.exchange_price_micros > MaxPrice(*month.product)) {
      return absl::InvalidArgumentError(
          absl::StrCat(id, ": exchange_price_micros = ", *inputs.exchange_price_micros,
                       " is above the product's max_price_micros ", MaxPrice(*month.product)));
    }
    return SettlementPrice{id, *inputs.exchange_price_micros, PriceTier::kExchange};
  }

  // VWAP: sums in 128 bits, checked (a price is at most 2^40, a quantity 2^63).
  __int128 notional = 0;
  __int128 quantity = 0;
  bool any = false;
  for (const clearing::Trade& t : trades) {
    if (t.instrument_id != id || t.executed_at < inputs.window_start ||
        t.executed_at >= inputs.window_end) {
      continue;
    }
    if (absl::Status s = CheckInputPrice(month, absl::StrCat("trade ", t.trade_id, " price_micros"),
                                         t.price_micros, false);
        !s.ok()) {
      return s;
    }
    if (t.quantity <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(id, ": trade ", t.trade_id, " quantity = ", t.quantity, " is not positive"));
    }
    __int128 trade_notional = 0;
    if (__builtin_mul_overflow(static_cast<__int128>(t.price_micros), t.quantity,
                               &trade_notional) ||
        __builtin_add_overflow(notional, trade_notional, &notional) ||
        __builtin_add_overflow(quantity, static_cast<__int128>(t.quantity), &quantity)) {
      return absl::OutOfRangeError(absl::StrCat(id, ": the window's traded notional overflows"));
    }
    any = true;
  }
  if (any) return OnTick(month, PriceTier::kVwap, notional, quantity);

  if (inputs.prior_settlement_micros) {
    const int64_t prior = *inputs.prior_settlement_micros;
    if (absl::Status s = CheckInputPrice(month, "prior_settlement_micros", prior, true); !s.ok()) {
      return s;
    }
    if (inputs.prior_fixing_micros && inputs.today_fixing_micros) {
      if (absl::Status s =
              CheckInputPrice(month, "prior_fixing_micros", *inputs.prior_fixing_micros, false);
          !s.ok()) {
        return s;
      }
      if (absl::Status s =
              CheckInputPrice(month, "today_fixing_micros", *inputs.today_fixing_micros, false);
          !s.ok()) {
        return s;
      }
      // Prices are at most 10^12, so the product fits 128 bits with room to spare.
      return OnTick(month, PriceTier::kIndexAdjusted,
                    static_cast<__int128>(prior) * *inputs.today_fixing_micros,
                    *inputs.prior_fixing_micros);
    }
    return SettlementPrice{id, prior, PriceTier::kCarried};
  }
  return absl::FailedPreconditionError(
      absl::StrCat(id,
                   ": no exchange price, no trade in the settlement window and no prior "
                   "settlement: no tier can set a settlement price"));
}

absl::StatusOr<SettlementPrice> FinalSettlementPrice(const clearing::ReferenceSnapshot& snapshot,
                                                     absl::string_view instrument_id,
                                                     const IndexFixing& fixing) {
  absl::StatusOr<Month> found = FindMonth(snapshot, instrument_id);
  if (!found.ok()) return found.status();
  const Month& month = *found;
  if (fixing.index_code != month.product->index_code) {
    return absl::FailedPreconditionError(
        absl::StrCat(instrument_id, ": the fixing is of index ", fixing.index_code,
                     ", the product settles to ", month.product->index_code));
  }
  if (fixing.fixing_date != month.instrument->final_settlement_date) {
    return absl::FailedPreconditionError(
        absl::StrCat(instrument_id, ": the fixing is of ",
                     absl::FormatCivilTime(fixing.fixing_date), ", the final settlement date is ",
                     absl::FormatCivilTime(month.instrument->final_settlement_date)));
  }
  if (absl::Status s = CheckInputPrice(month, "fixing value_micros", fixing.value_micros, false);
      !s.ok()) {
    return s;
  }
  return SettlementPrice{std::string(instrument_id), fixing.value_micros, PriceTier::kFinal};
}

}  // namespace tc::settlement
