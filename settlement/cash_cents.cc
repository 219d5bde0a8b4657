#include "settlement/cash_cents.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"

namespace tc::settlement {

bool TickValueIsWholeCents(const clearing::Product& product) {
  std::optional<int64_t> tick_value =
      CheckedMul(product.tick_size_micros, product.contract_multiplier);
  return tick_value && *tick_value != 0 && IsWholeCents(*tick_value);
}

absl::StatusOr<CashSettlement> RoundToCents(absl::Span<const OriginVariation> origins) {
  CashSettlement cash;
  std::map<std::string, int64_t> exact;
  std::map<std::string, int64_t> cents;
  for (const OriginVariation& o : origins) {
    // Dividing by 10,000 cannot overflow.
    const int64_t rounded = RoundedDiv(o.amount_micros, kMicrosPerCent);
    if (__builtin_add_overflow(exact[o.currency], o.amount_micros, &exact[o.currency]) ||
        __builtin_add_overflow(cents[o.currency], rounded, &cents[o.currency])) {
      return absl::OutOfRangeError(
          absl::StrCat("cash settlement: the ", o.currency, " total does not fit in int64"));
    }
    cash.calls.push_back(CashCall{o.member_id, o.origin, o.currency, o.amount_micros, rounded});
  }
  for (const auto& [currency, sum] : exact) {
    if (sum != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("cash settlement: the ", currency, " variation margin sums to ",
                       FormatFixed(sum, kMicroScale), ", not zero"));
    }
    // |cents| <= calls / 2 + |sum| / 10,000: negating it cannot overflow.
    cash.residuals.push_back(CashResidual{currency, -cents[currency]});
  }
  return cash;
}

}  // namespace tc::settlement
