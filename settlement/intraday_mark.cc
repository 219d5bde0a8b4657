#include "settlement/intraday_mark.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "settlement/cash_cents.h"

namespace tc::settlement {

absl::StatusOr<std::vector<IntradayMark>> MarkIntraday(
    absl::Span<const IntradayPosition> positions,
    const absl::flat_hash_map<std::string, int64_t>& intraday_price_micros,
    const absl::flat_hash_map<std::string, int64_t>& settlement_price_micros) {
  std::map<std::tuple<std::string, clearing::Origin, std::string>, int64_t> sums;
  for (const IntradayPosition& p : positions) {
    int64_t& sum = sums[{p.member_id, p.origin, p.currency}];
    auto now = intraday_price_micros.find(p.instrument_id);
    auto then = settlement_price_micros.find(p.instrument_id);
    if (now == intraday_price_micros.end() || then == settlement_price_micros.end()) continue;
    const std::optional<int64_t> move = CheckedSub(now->second, then->second);
    const std::optional<int64_t> per_contract =
        move ? CheckedMul(*move, p.contract_multiplier) : std::nullopt;
    const std::optional<int64_t> mark =
        per_contract ? CheckedMul(*per_contract, p.net_quantity) : std::nullopt;
    const std::optional<int64_t> total = mark ? CheckedAdd(sum, *mark) : std::nullopt;
    if (!total) {
      return absl::OutOfRangeError(
          absl::StrCat("intraday mark of ", p.member_id, " in ", p.instrument_id, " overflows"));
    }
    sum = *total;
  }
  std::vector<IntradayMark> out;
  for (const auto& [key, micros] : sums) {
    const auto& [member, origin, currency] = key;
    out.push_back({member, origin, currency, micros, RoundedDiv(micros, kMicrosPerCent)});
  }
  return out;
}

}  // namespace tc::settlement
