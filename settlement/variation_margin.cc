#include "settlement/variation_margin.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/price_limits.h"

namespace tc::settlement {
namespace {

// What marking a row needs to know about its instrument.
struct Contract {
  const InstrumentPrices* prices = nullptr;
  int64_t multiplier = 0;
  std::string currency;
};

absl::StatusOr<Contract> FindContract(const clearing::ReferenceSnapshot& snapshot,
                                      const PriceTable& prices, const std::string& instrument_id,
                                      absl::string_view row) {
  const clearing::Instrument* instrument = snapshot.FindInstrument(instrument_id);
  if (instrument == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(row, ": unknown instrument ", instrument_id));
  }
  const clearing::Product* product = snapshot.FindProduct(instrument->product_code);
  if (product == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        row, ": instrument ", instrument_id, " has unknown product ", instrument->product_code));
  }
  if (product->contract_multiplier <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(row, ": product ", product->product_code,
                     " contract_multiplier = ", product->contract_multiplier, " is not positive"));
  }
  auto it = prices.find(instrument_id);
  if (it == prices.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat(row, ": no settlement price for ", instrument_id));
  }
  if (!IsPriceInRange(it->second.today.price_micros)) {
    return absl::InvalidArgumentError(absl::StrCat(row, ": settlement price of ", instrument_id,
                                                   " = ", it->second.today.price_micros,
                                                   " is outside the price limits"));
  }
  return Contract{&it->second, product->contract_multiplier, product->currency};
}

absl::Status AddChecked(int64_t value, int64_t* total, absl::string_view what) {
  if (__builtin_add_overflow(*total, value, total)) {
    return absl::OutOfRangeError(
        absl::StrCat("variation margin: ", what, " does not fit in int64 micro-USD"));
  }
  return absl::OkStatus();
}

absl::Status Annotate(const absl::Status& status, absl::string_view row) {
  return absl::Status(status.code(), absl::StrCat(row, ": ", status.message()));
}

}  // namespace

absl::StatusOr<int64_t> MarkMicros(int64_t price_diff_micros, int64_t quantity,
                                   int64_t multiplier) {
  // With |multiplier| >= 1, an overflow of the first product implies one of the result,
  // so two checked int64 products are exact.
  std::optional<int64_t> per_multiplier = CheckedMul(price_diff_micros, quantity);
  std::optional<int64_t> amount =
      per_multiplier ? CheckedMul(*per_multiplier, multiplier) : std::nullopt;
  if (!amount) {
    return absl::OutOfRangeError(absl::StrCat("(", price_diff_micros, ") x ", quantity, " x ",
                                              multiplier, " does not fit in int64 micro-USD"));
  }
  return *amount;
}

absl::StatusOr<VariationMargin> ComputeVariationMargin(
    const clearing::ReferenceSnapshot& snapshot, const PriceTable& prices,
    absl::Span<const StartOfDayPosition> positions, absl::Span<const clearing::Trade> trades) {
  VariationMargin vm;

  for (size_t i = 0; i < positions.size(); ++i) {
    const StartOfDayPosition& p = positions[i];
    const std::string row = absl::StrCat("position ", p.account_id, " ", p.instrument_id);
    if (p.long_quantity < 0 || p.short_quantity < 0) {
      return absl::InvalidArgumentError(absl::StrCat(row, ": long ", p.long_quantity, ", short ",
                                                     p.short_quantity, " (negative side)"));
    }
    if (p.long_quantity == 0 && p.short_quantity == 0) continue;
    absl::StatusOr<Contract> contract = FindContract(snapshot, prices, p.instrument_id, row);
    if (!contract.ok()) return contract.status();
    if (!contract->prices->previous_settlement_micros) {
      return absl::FailedPreconditionError(
          absl::StrCat(row, ": a carried position has no previous settlement price"));
    }
    PositionMark mark;
    mark.account_id = p.account_id;
    mark.instrument_id = p.instrument_id;
    mark.currency = contract->currency;
    mark.expiring = contract->prices->today.tier == PriceTier::kFinal;
    mark.long_quantity = p.long_quantity;
    mark.short_quantity = p.short_quantity;
    mark.previous_settlement_micros = *contract->prices->previous_settlement_micros;
    mark.settlement_micros = contract->prices->today.price_micros;
    if (!IsPriceInRange(mark.previous_settlement_micros)) {
      return absl::InvalidArgumentError(absl::StrCat(row, ": previous settlement ",
                                                     mark.previous_settlement_micros,
                                                     " is outside the price limits"));
    }
    // Both prices are within the limits (at most 10^12): the difference cannot overflow.
    const int64_t diff = mark.settlement_micros - mark.previous_settlement_micros;
    absl::StatusOr<int64_t> long_amount =
        MarkMicros(diff, mark.long_quantity, contract->multiplier);
    if (!long_amount.ok()) return Annotate(long_amount.status(), row);
    absl::StatusOr<int64_t> short_amount =
        MarkMicros(diff, -mark.short_quantity, contract->multiplier);
    if (!short_amount.ok()) return Annotate(short_amount.status(), row);
    mark.long_amount_micros = *long_amount;
    mark.short_amount_micros = *short_amount;
    if (absl::Status s = AddChecked(*long_amount, &mark.amount_micros, row); !s.ok()) return s;
    if (absl::Status s = AddChecked(*short_amount, &mark.amount_micros, row); !s.ok()) return s;
    vm.positions.push_back(std::move(mark));
  }

  for (const clearing::Trade& t : trades) {
    const std::string row = absl::StrCat("trade ", t.trade_id);
    if (t.quantity <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(row, ": quantity = ", t.quantity, " is not positive"));
    }
    if (!IsPriceInRange(t.price_micros)) {
      return absl::InvalidArgumentError(
          absl::StrCat(row, ": price_micros = ", t.price_micros, " is outside the price limits"));
    }
    absl::StatusOr<Contract> contract = FindContract(snapshot, prices, t.instrument_id, row);
    if (!contract.ok()) return contract.status();
    const int64_t settlement = contract->prices->today.price_micros;
    const int64_t diff = settlement - t.price_micros;
    for (int64_t sign : {int64_t{1}, int64_t{-1}}) {
      TradeMark leg;
      leg.trade_id = t.trade_id;
      leg.account_id = sign > 0 ? t.buyer_account_id : t.seller_account_id;
      leg.instrument_id = t.instrument_id;
      leg.currency = contract->currency;
      leg.signed_quantity = sign * t.quantity;
      leg.price_micros = t.price_micros;
      leg.settlement_micros = settlement;
      absl::StatusOr<int64_t> amount = MarkMicros(diff, leg.signed_quantity, contract->multiplier);
      if (!amount.ok()) return Annotate(amount.status(), row);
      leg.amount_micros = *amount;
      vm.trades.push_back(std::move(leg));
    }
  }

  // Totals, in ordered maps so the output order is the documented one.
  std::map<std::pair<std::string, std::string>, int64_t> by_account;
  auto add_row = [&](const std::string& account_id, const std::string& currency, int64_t amount) {
    return AddChecked(amount, &by_account[{account_id, currency}],
                      absl::StrCat("the total of account ", account_id));
  };
  for (const PositionMark& m : vm.positions) {
    if (absl::Status s = add_row(m.account_id, m.currency, m.amount_micros); !s.ok()) return s;
  }
  for (const TradeMark& m : vm.trades) {
    if (absl::Status s = add_row(m.account_id, m.currency, m.amount_micros); !s.ok()) return s;
  }
  std::map<std::tuple<std::string, clearing::Origin, std::string>, int64_t> by_origin;
  std::map<std::string, int64_t> by_currency;
  for (const auto& [key, amount] : by_account) {
    const auto& [account_id, currency] = key;
    const clearing::Account* account = snapshot.FindAccount(account_id);
    if (account == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("variation margin: unknown account ", account_id));
    }
    vm.accounts.push_back(
        AccountVariation{account_id, account->member_id, account->origin, currency, amount});
    if (absl::Status s =
            AddChecked(amount, &by_origin[{account->member_id, account->origin, currency}],
                       absl::StrCat("the total of member ", account->member_id));
        !s.ok()) {
      return s;
    }
    if (absl::Status s = AddChecked(amount, &by_currency[currency],
                                    absl::StrCat("the total of currency ", currency));
        !s.ok()) {
      return s;
    }
  }
  for (const auto& [key, amount] : by_origin) {
    const auto& [member_id, origin, currency] = key;
    vm.origins.push_back(OriginVariation{member_id, origin, currency, amount});
  }
  for (const auto& [currency, amount] : by_currency) {
    vm.currencies.push_back(CurrencyVariation{currency, amount});
  }
  return vm;
}

absl::Status CheckVariationZeroSum(const VariationMargin& vm) {
  std::map<std::string, int64_t> rows;
  std::map<std::string, int64_t> accounts;
  std::map<std::string, int64_t> origins;
  std::map<std::string, int64_t> currencies;
  for (const PositionMark& m : vm.positions) {
    if (absl::Status s = AddChecked(m.amount_micros, &rows[m.currency], "the house-wide sum");
        !s.ok()) {
      return s;
    }
  }
  for (const TradeMark& m : vm.trades) {
    if (absl::Status s = AddChecked(m.amount_micros, &rows[m.currency], "the house-wide sum");
        !s.ok()) {
      return s;
    }
  }
  for (const AccountVariation& a : vm.accounts) {
    if (absl::Status s = AddChecked(a.amount_micros, &accounts[a.currency], "the account sum");
        !s.ok()) {
      return s;
    }
  }
  for (const OriginVariation& o : vm.origins) {
    if (absl::Status s = AddChecked(o.amount_micros, &origins[o.currency], "the origin sum");
        !s.ok()) {
      return s;
    }
  }
  for (const CurrencyVariation& c : vm.currencies) currencies[c.currency] = c.amount_micros;

  for (const auto& [currency, sum] : rows) {
    if (sum != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("variation margin in ", currency, " sums to ", FormatFixed(sum, kMicroScale),
                       " over the house, not zero: a trade leg or an opposite position is "
                       "missing"));
    }
  }
  // Every total, recomputed, must equal the rows' (zero) sums, currency by currency.
  for (const auto* totals : {&accounts, &origins, &currencies}) {
    for (const auto& [currency, sum] : *totals) {
      auto it = rows.find(currency);
      if (it == rows.end() || it->second != sum) {
        return absl::InternalError(
            absl::StrCat("variation margin totals in ", currency, " disagree with the rows"));
      }
    }
  }
  if (currencies.size() != rows.size()) {
    return absl::InternalError("variation margin: a currency total is missing");
  }
  return absl::OkStatus();
}

}  // namespace tc::settlement
