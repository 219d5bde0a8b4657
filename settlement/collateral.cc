#include "settlement/collateral.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"
#include "core/status_macros.h"
#include "settlement/ledger.h"

namespace tc::settlement {
namespace {

bool IsBasisPoints(int32_t bps) { return bps >= 0 && bps <= kBasisPointsPerOne; }

// "CM01/HOUSE": how messages name a member origin.
std::string OriginLabel(absl::string_view member_id, clearing::Origin origin) {
  return absl::StrCat(ShortenForMessage(member_id), "/", OriginName(origin));
}

absl::Status CheckClass(const CollateralClass& c) {
  if (c.class_code.empty()) return absl::InvalidArgumentError("a collateral class has no code");
  const std::string name = absl::StrCat("class '", ShortenForMessage(c.class_code), "'");
  if (!IsBasisPoints(c.concentration_limit_bps)) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": concentration_limit_bps ", c.concentration_limit_bps, " is outside 0..10000"));
  }
  // A class without bands could accept no security: a configuration error, said at once
  // rather than at the first holding.
  if (c.haircuts.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, " has no haircut bands"));
  }
  for (size_t i = 0; i < c.haircuts.size(); ++i) {
    const HaircutBand& band = c.haircuts[i];
    const std::string field = absl::StrCat(name, ": haircuts[", i, "].");
    if (!IsBasisPoints(band.haircut_bps)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "haircut_bps ", band.haircut_bps, " is outside 0..10000"));
    }
    // Days to maturity of an eligible security are >= 1, so a band below 1 is empty.
    const int64_t floor = i == 0 ? 1 : int64_t{c.haircuts[i - 1].max_days_to_maturity} + 1;
    if (band.max_days_to_maturity < floor) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, "max_days_to_maturity ", band.max_days_to_maturity,
          i == 0
              ? " is below 1"
              : absl::StrCat(" is not above the previous band's ",
                             c.haircuts[i - 1].max_days_to_maturity, " (bands ascend strictly)")));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOrigin(const OriginCollateral& o) {
  TC_RETURN_IF_ERROR(ValidateIdentifier("member_id", o.member_id));
  const std::string who = OriginLabel(o.member_id, o.origin);
  if (!IsCurrencyCode(o.currency)) {
    return absl::InvalidArgumentError(absl::StrCat(
        who, ": currency \"", ShortenForMessage(o.currency), "\" is not three capital letters"));
  }
  const std::string row = absl::StrCat(who, "/", o.currency, ": ");
  if (o.cash_cents < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(row, "cash_cents ", o.cash_cents, " is negative"));
  }
  if (o.requirement_cents < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(row, "requirement_cents ", o.requirement_cents, " is negative"));
  }
  for (size_t i = 0; i < o.securities.size(); ++i) {
    const SecurityHolding& h = o.securities[i];
    if (h.security_id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(row, "securities[", i, "] has no security_id"));
    }
    if (h.face_cents <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(row, "securities[", i, "] '", ShortenForMessage(h.security_id),
                       "': face_cents ", h.face_cents, " is not positive"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Sum(int64_t a, int64_t b, absl::string_view what) {
  std::optional<int64_t> sum = CheckedAdd(a, b);
  if (!sum) return absl::OutOfRangeError(absl::StrCat(what, " overflows"));
  return *sum;
}

// `value` x `numerator` / `denominator`, rounded by the one rule, in __int128.
absl::StatusOr<int64_t> Scale(int64_t value, int64_t numerator, int64_t denominator,
                              absl::string_view what) {
  std::optional<int64_t> scaled =
      CheckedRoundedDiv(static_cast<__int128>(value) * numerator, denominator);
  if (!scaled) return absl::OutOfRangeError(absl::StrCat(what, " overflows"));
  return *scaled;
}

// The valuation of one holding by rules 1 to 4 of the header.
absl::StatusOr<SecurityValuation> ValueSecurity(
    absl::CivilDay valuation_date, const OriginCollateral& o, const SecurityHolding& h,
    const absl::flat_hash_map<std::string, const CollateralClass*>& classes,
    const absl::flat_hash_map<std::string, int64_t>& prices) {
  const std::string security = absl::StrCat("security '", ShortenForMessage(h.security_id), "' of ",
                                            OriginLabel(o.member_id, o.origin));
  const std::string date = FormatBusinessDate(valuation_date);
  auto class_it = classes.find(h.class_code);
  if (class_it == classes.end()) {
    return absl::FailedPreconditionError(absl::StrCat(security, " is of class '",
                                                      ShortenForMessage(h.class_code),
                                                      "', not a collateral class, on ", date));
  }
  const CollateralClass& c = *class_it->second;
  const int64_t days = h.maturity_date - valuation_date;
  if (days <= 0) {
    return absl::FailedPreconditionError(absl::StrCat(security, " matured on ",
                                                      FormatBusinessDate(h.maturity_date),
                                                      ": it is not collateral on ", date));
  }
  const int32_t longest = c.haircuts.back().max_days_to_maturity;
  if (days > longest) {
    return absl::FailedPreconditionError(
        absl::StrCat(security, " matures in ", days, " days (", FormatBusinessDate(h.maturity_date),
                     "), beyond the last haircut band of class '", ShortenForMessage(c.class_code),
                     "' (", longest, " days), on ", date));
  }
  auto price_it = prices.find(h.security_id);
  if (price_it == prices.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat(security, " has no collateral price for ", date));
  }
  SecurityValuation v;
  v.security_id = h.security_id;
  v.class_code = h.class_code;
  v.face_cents = h.face_cents;
  v.price_ppm = price_it->second;
  v.days_to_maturity = static_cast<int32_t>(days);  // <= longest, an int32
  TC_ASSIGN_OR_RETURN(v.market_cents, Scale(h.face_cents, v.price_ppm, kPricePpmPerFace,
                                            absl::StrCat("the market value of ", security)));
  for (const HaircutBand& band : c.haircuts) {
    if (band.max_days_to_maturity >= days) {
      v.haircut_bps = band.haircut_bps;
      break;
    }
  }
  // Never overflows (the haircut is at most the market value); checked all the same.
  TC_ASSIGN_OR_RETURN(const int64_t haircut_cents,
                      Scale(v.market_cents, v.haircut_bps, kBasisPointsPerOne,
                            absl::StrCat("the haircut of ", security)));
  v.after_haircut_cents = v.market_cents - haircut_cents;
  return v;
}

absl::StatusOr<OriginValuation> ValueOrigin(
    absl::CivilDay valuation_date, const OriginCollateral& o,
    const absl::flat_hash_map<std::string, const CollateralClass*>& classes,
    const absl::flat_hash_map<std::string, int64_t>& prices) {
  const std::string who = absl::StrCat(OriginLabel(o.member_id, o.origin), "/", o.currency);
  OriginValuation out;
  out.member_id = o.member_id;
  out.origin = o.origin;
  out.currency = o.currency;
  out.cash_cents = o.cash_cents;
  out.requirement_cents = o.requirement_cents;
  std::map<std::string, ClassCap> caps;  // sorted by class code
  for (const SecurityHolding& h : o.securities) {
    TC_ASSIGN_OR_RETURN(SecurityValuation v, ValueSecurity(valuation_date, o, h, classes, prices));
    TC_ASSIGN_OR_RETURN(out.securities_market_cents,
                        Sum(out.securities_market_cents, v.market_cents,
                            absl::StrCat("the market value of ", who)));
    TC_ASSIGN_OR_RETURN(out.securities_after_haircut_cents,
                        Sum(out.securities_after_haircut_cents, v.after_haircut_cents,
                            absl::StrCat("the value after haircuts of ", who)));
    ClassCap& cap = caps[v.class_code];
    TC_ASSIGN_OR_RETURN(cap.after_haircut_cents,
                        Sum(cap.after_haircut_cents, v.after_haircut_cents,
                            absl::StrCat("class '", v.class_code, "' of ", who)));
    out.lines.push_back(std::move(v));
  }
  for (auto& [code, cap] : caps) {
    cap.class_code = code;
    // A share of the requirement, never of the collateral: see the header.
    TC_ASSIGN_OR_RETURN(cap.cap_cents,
                        Scale(o.requirement_cents, classes.at(code)->concentration_limit_bps,
                              kBasisPointsPerOne, absl::StrCat("the cap of ", code)));
    cap.counted_cents = std::min(cap.after_haircut_cents, cap.cap_cents);
    TC_ASSIGN_OR_RETURN(out.securities_counted_cents,
                        Sum(out.securities_counted_cents, cap.counted_cents,
                            absl::StrCat("the counted securities of ", who)));
    out.classes.push_back(std::move(cap));
  }
  TC_ASSIGN_OR_RETURN(out.value_cents, Sum(out.cash_cents, out.securities_counted_cents,
                                           absl::StrCat("the collateral value of ", who)));
  // Both are >= 0, so the difference fits; checked all the same.
  std::optional<int64_t> excess = CheckedSub(out.value_cents, out.requirement_cents);
  if (!excess) return absl::OutOfRangeError(absl::StrCat("the excess of ", who, " overflows"));
  out.excess_cents = *excess;
  return out;
}

}  // namespace

absl::StatusOr<std::vector<OriginValuation>> ValueCollateral(
    absl::CivilDay valuation_date, absl::Span<const CollateralClass> classes,
    absl::Span<const SecurityPrice> prices, absl::Span<const OriginCollateral> origins) {
  absl::flat_hash_map<std::string, const CollateralClass*> class_by_code;
  for (const CollateralClass& c : classes) {
    TC_RETURN_IF_ERROR(CheckClass(c));
    if (!class_by_code.emplace(c.class_code, &c).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("class '", ShortenForMessage(c.class_code), "' is given twice"));
    }
  }
  absl::flat_hash_map<std::string, int64_t> price_by_security;
  for (const SecurityPrice& p : prices) {
    if (p.security_id.empty()) return absl::InvalidArgumentError("a price has no security_id");
    const std::string name = absl::StrCat("price of '", ShortenForMessage(p.security_id), "'");
    if (p.price_ppm <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": price_ppm ", p.price_ppm, " is not positive"));
    }
    if (!price_by_security.emplace(p.security_id, p.price_ppm).second) {
      return absl::InvalidArgumentError(absl::StrCat(name, " is given twice"));
    }
  }
  std::set<std::tuple<std::string, clearing::Origin, std::string>> keys;
  for (const OriginCollateral& o : origins) {
    TC_RETURN_IF_ERROR(CheckOrigin(o));
    if (!keys.emplace(o.member_id, o.origin, o.currency).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(OriginLabel(o.member_id, o.origin), "/", o.currency, " is given twice"));
    }
  }
  std::vector<OriginValuation> out;
  out.reserve(origins.size());
  for (const OriginCollateral& o : origins) {
    TC_ASSIGN_OR_RETURN(OriginValuation v,
                        ValueOrigin(valuation_date, o, class_by_code, price_by_security));
    out.push_back(std::move(v));
  }
  return out;
}

absl::StatusOr<int64_t> WithdrawalShortfallCents(const OriginValuation& valuation,
                                                 int64_t withdrawal_cents) {
  if (withdrawal_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("withdrawal_cents ", withdrawal_cents, " is not positive"));
  }
  std::optional<int64_t> left = CheckedSub(valuation.value_cents, withdrawal_cents);
  std::optional<int64_t> uncovered;
  if (left) uncovered = CheckedSub(valuation.requirement_cents, *left);
  if (!uncovered) {
    return absl::OutOfRangeError(absl::StrCat("a withdrawal of ", withdrawal_cents,
                                              " cents from a value of ", valuation.value_cents,
                                              " cents overflows"));
  }
  return std::max<int64_t>(0, *uncovered);
}

}  // namespace tc::settlement
