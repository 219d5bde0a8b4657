// What a member's collateral is worth to the CCP: cash at its amount, securities at
// market value less a haircut that grows with the time to maturity, capped per class by
// a concentration limit. Pure: the store loads the holdings, prices and classes of a
// date; the end-of-day run and the withdrawal check call this; nothing here reads a
// clock or a database.
//
//   TC_ASSIGN_OR_RETURN(std::vector<OriginValuation> rows,
//                       ValueCollateral(day, classes, prices, origins));
//   rows[0].excess_cents;  // value - requirement: negative is a deficit (obligations.h)
//   TC_ASSIGN_OR_RETURN(int64_t uncovered_cents, WithdrawalShortfallCents(rows[0], 25'000));
//   if (uncovered_cents > 0) ... refuse the withdrawal ...
//
// The rules, in order, per security held (each amount in cents of the origin's currency):
//  1. market_cents = RoundedDiv(face_cents x price_ppm, 1,000,000): a price is per
//     1,000,000 of face, so 995,000 is 99.5% of face. The product is taken in __int128
//     and a result outside int64 is OUT_OF_RANGE.
//  2. days_to_maturity = maturity_date - valuation_date. A security that has matured
//     (days <= 0), whose days exceed the last haircut band of its class, whose class is
//     not a collateral class, or that has no price for the date is FAILED_PRECONDITION
//     naming the security, the member and origin and the date (e.g. "security
//     'US912797GK1' of CM01/HOUSE has no collateral price for 2026-12-28"): treasury must
//     fix the data, never a silent zero.
//  3. haircut_bps = that of the first band whose max_days_to_maturity >= days.
//  4. after_haircut_cents = market - RoundedDiv(market x haircut_bps, 10,000).
// Then per class of the origin:
//  5. cap_cents = RoundedDiv(requirement_cents x concentration_limit_bps, 10,000), and
//     counted_cents = min(Σ after_haircut of the class, cap). The cap is a share of the
//     initial-margin requirement, not of the collateral's own value, so there is no
//     circularity (a limit on the share of total value would depend on what it caps) and
//     withdrawing cash never changes what the securities count for. A limit of 10,000 bps
//     lets the class cover the whole requirement; 0 makes it count for nothing.
// Per origin:
//  6. value_cents = cash + Σ counted; excess_cents = value - requirement (signed).
// House and customer are valued separately and never netted: each OriginCollateral is its
// own row, and a house surplus never covers a customer deficit.
//
// Every sum is checked (OUT_OF_RANGE). Inputs are validated first, INVALID_ARGUMENT naming
// the field and value: a negative cash_cents or requirement_cents, a face_cents <= 0, a
// price_ppm <= 0, a haircut_bps or concentration_limit_bps outside 0..10,000, a class
// without bands or whose bands are not strictly ascending with max_days_to_maturity >= 1,
// a class or price given twice, a malformed member id or currency, an origin (member,
// origin, currency) given twice.
#ifndef TOKENCLEAR_SETTLEMENT_COLLATERAL_H_
#define TOKENCLEAR_SETTLEMENT_COLLATERAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "clearing/reference_data.h"

namespace tc::settlement {

inline constexpr int64_t kPricePpmPerFace = 1'000'000;  // price_ppm of a security at par
inline constexpr int32_t kBasisPointsPerOne = 10'000;

// Securities maturing within max_days_to_maturity days (and after the previous band) take
// haircut_bps off their market value.
struct HaircutBand {
  int32_t max_days_to_maturity = 0;
  int32_t haircut_bps = 0;
};

struct CollateralClass {
  std::string class_code;  // e.g. "UST_BILL"
  // The share of the origin's requirement this class may cover, in bps (10,000 = all).
  int32_t concentration_limit_bps = 10000;
  std::vector<HaircutBand> haircuts;  // strictly ascending by max_days_to_maturity
};

struct SecurityHolding {
  std::string security_id;  // e.g. an ISIN or CUSIP
  std::string class_code;
  absl::CivilDay maturity_date;
  int64_t face_cents = 0;  // > 0, in the currency of the holding's origin row
};

struct SecurityPrice {
  std::string security_id;
  int64_t price_ppm = 0;  // price per 1,000,000 of face: 995000 = 99.5% of face
};

// One member origin's collateral in one currency, and what it must cover.
struct OriginCollateral {
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  int64_t cash_cents = 0;                   // cash collateral balance (>= 0)
  std::vector<SecurityHolding> securities;  // face > 0
  int64_t requirement_cents = 0;            // initial-margin requirement of the origin (>= 0)
};

struct SecurityValuation {
  std::string security_id;
  std::string class_code;
  int64_t face_cents = 0;
  int64_t price_ppm = 0;
  int64_t market_cents = 0;
  int32_t days_to_maturity = 0;
  int32_t haircut_bps = 0;
  int64_t after_haircut_cents = 0;
};

// One class of one origin: what its securities are worth after haircuts, the cap the
// concentration limit puts on them, and what counts (the smaller).
struct ClassCap {
  std::string class_code;
  int64_t after_haircut_cents = 0;
  int64_t cap_cents = 0;
  int64_t counted_cents = 0;
};

struct OriginValuation {
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  int64_t cash_cents = 0;
  int64_t securities_market_cents = 0;
  int64_t securities_after_haircut_cents = 0;
  int64_t securities_counted_cents = 0;  // after concentration limits
  int64_t value_cents = 0;               // cash + counted securities
  int64_t requirement_cents = 0;
  int64_t excess_cents = 0;              // value - requirement, signed (negative = deficit)
  std::vector<SecurityValuation> lines;  // in holding order
  std::vector<ClassCap> classes;         // sorted by class_code; the classes held only
};

// The valuation of every origin on `valuation_date`, in the order of `origins`, by the
// rules above.
absl::StatusOr<std::vector<OriginValuation>> ValueCollateral(
    absl::CivilDay valuation_date, absl::Span<const CollateralClass> classes,
    absl::Span<const SecurityPrice> prices, absl::Span<const OriginCollateral> origins);

// Cents of initial margin a cash withdrawal would leave uncovered:
// max(0, requirement - (value - withdrawal)). Securities' counted value does not move
// with cash (the caps are shares of the requirement), so this is exact, not an estimate.
// INVALID_ARGUMENT when withdrawal_cents <= 0; OUT_OF_RANGE on overflow. Whether the
// member holds that much cash collateral is the caller's check against the ledger balance
// (MEMBER_COLLATERAL_CASH), which may be newer than the valuation.
absl::StatusOr<int64_t> WithdrawalShortfallCents(const OriginValuation& valuation,
                                                 int64_t withdrawal_cents);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_COLLATERAL_H_
