// Risk parameters of the SPAN-style margin engine: the plain, string-keyed model that a
// parameter file or the calibration job fills in. It is validated and turned into an
// indexed form by CompileParameters() (compiled_parameters.h) before any computation.
//
// Unit conventions (all integers, never floating point):
//   * money: int64 micro-USD, names end in `_micros`;
//   * deltas: int64 micro-delta (1 delta = 1'000'000), names end in `_udelta`;
//   * rates, ratios and factors: int64 parts per million (`_ppm`): 40% = 400'000,
//     1.100 = 1'100'000;
//   * periods: CCYYMM integers (202507).
//
//   RiskParameters params;
//   params.version_id = "2026-11-23-eod-1";
//   params.combined_commodities.push_back({.code = "AIX", .currency = "USD"});
//   params.contracts.push_back({.contract_id = "AIX-202607", .combined_commodity = "AIX",
//                               .period = 202607, .risk_array_micros = {...16 values...}});
//   absl::StatusOr<CompiledParameters> compiled = CompileParameters(params);
#ifndef TOKENCLEAR_MARGIN_RISK_PARAMETERS_H_
#define TOKENCLEAR_MARGIN_RISK_PARAMETERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"

namespace tc::margin {

inline constexpr int kScenarioCount = 16;
inline constexpr int64_t kUdeltaPerDelta = 1'000'000;
inline constexpr int64_t kPpmPerUnit = 1'000'000;

// Account classes with their own initial-to-maintenance ratio.
enum class AccountClass { kMember, kHedger, kSpeculator };

enum class OptionRight { kNone, kCall, kPut };

// Premium-style options are paid up front and carry net option value (NOV);
// futures-style options are marked to market daily like futures and carry none.
enum class OptionStyle { kPremium, kFuturesStyle };

// How the weighted futures price risk (WFPR) is derived (pa2 type S byte 83).
enum class WfprMethod {
  kNormal = 1,             // price risk / |net delta|
  kCappedAtScanRange = 2,  // as kNormal, capped at the futures price scan range
  kScanRange = 3,          // equal to the futures price scan range
};

// Short-option-minimum aggregation (pa2 type 4 byte 79).
enum class SomMethod { kGreaterOfCallsPuts, kSumOfCallsPuts };

// Side of a spread leg: a spread forms as "A long / B short" or "B long / A short".
enum class SpreadSide { kA, kB };

// A range of contract periods, inclusive, identified by its tier number.
struct Tier {
  int tier_number = 0;
  int start_period = 0;  // CCYYMM
  int end_period = 0;    // CCYYMM
};

// Short-option-minimum tier: options in the tier's periods use its rate.
struct SomTier {
  Tier tier{};
  int64_t rate_per_short_option_micros = 0;
};

// One leg of an intra-commodity spread. Tier-to-tier spreads name an intra tier number;
// series-to-series spreads name a period.
struct IntraSpreadLeg {
  int tier_number = 0;  // tier-to-tier spreads only
  int period = 0;       // series-to-series spreads only, CCYYMM
  int64_t delta_per_spread_udelta = kUdeltaPerDelta;
  SpreadSide side = SpreadSide::kA;
};

enum class IntraSpreadKind { kTierToTier, kSeriesToSeries };

struct IntraSpread {
  IntraSpreadKind kind = IntraSpreadKind::kTierToTier;
  int priority = 0;  // lower runs first
  int64_t charge_per_spread_micros = 0;
  std::vector<IntraSpreadLeg> legs{};
};

// Spot (delivery) month charges, evaluated after intra and before inter spreading.
struct SpotMonth {
  int period = 0;  // CCYYMM
  int64_t charge_per_consumed_delta_micros = 0;
  int64_t charge_per_remaining_delta_micros = 0;
};

// Initial margin = maintenance x ratio, per account class.
struct InitialToMaintenanceRatios {
  int64_t member_ppm = kPpmPerUnit;
  int64_t hedger_ppm = kPpmPerUnit;
  int64_t speculator_ppm = kPpmPerUnit;
};

// The margining unit: every contract on one underlying.
struct CombinedCommodity {
  std::string code{};
  std::string currency{};
  // Empty tier lists mean "the whole commodity is one tier" (reported as tier 0) for
  // scan and inter tiers, and "no tier spreads" for intra tiers.
  std::vector<Tier> scan_tiers{};
  std::vector<Tier> intra_tiers{};
  std::vector<Tier> inter_tiers{};
  std::vector<IntraSpread> intra_spreads{};
  std::vector<SpotMonth> spot_months{};
  WfprMethod wfpr_method = WfprMethod::kNormal;
  // Futures price scan range per delta; used by WFPR methods 2 and 3.
  int64_t futures_price_scan_range_micros = 0;
  // SOM: used for the whole commodity when som_tiers is empty.
  int64_t som_rate_per_short_option_micros = 0;
  std::vector<SomTier> som_tiers{};
  SomMethod som_method = SomMethod::kGreaterOfCallsPuts;
  InitialToMaintenanceRatios initial_to_maintenance{};
};

// A futures contract or an option series.
struct Contract {
  std::string contract_id{};
  std::string combined_commodity{};
  int period = 0;  // CCYYMM
  // Loss-positive value change of +1 contract in each scenario 1..16. Scenarios 15 and
  // 16 already include the covered fraction.
  std::vector<int64_t> risk_array_micros{};
  int64_t composite_delta_udelta = kUdeltaPerDelta;
  int64_t delta_scaling_ppm = kPpmPerUnit;
  int64_t price_micros = 0;  // settlement price, for NOV
  int64_t contract_value_factor_ppm = kPpmPerUnit;
  bool is_option = false;
  OptionRight right = OptionRight::kNone;
  OptionStyle option_style = OptionStyle::kPremium;
  // How scenarios 15/16 were built: a move of k x PSR of which fraction f counts (already
  // applied to the array values). Required: current CME files use 3.000 x 0.3300, NSE
  // 2.000 x 0.3500, so they are never assumed.
  int64_t extreme_move_multiplier_ppm = 0;
  int64_t extreme_covered_fraction_ppm = 0;
};

struct InterSpreadLeg {
  std::string combined_commodity{};
  int tier_number = 0;  // inter tier; 0 = the whole commodity (only when it has no tiers)
  int64_t delta_per_spread_udelta = kUdeltaPerDelta;
  SpreadSide side = SpreadSide::kA;
};

// Delta-based inter-commodity spread; the credit is paid on WFPR. A negative rate is a
// charge. Super spreads run before intra-commodity spreading.
struct InterSpread {
  int priority = 0;
  int64_t credit_rate_ppm = 0;
  bool is_super_spread = false;
  std::vector<InterSpreadLeg> legs{};
};

struct RiskParameters {
  std::string version_id{};
  absl::CivilDay business_date{};
  std::vector<CombinedCommodity> combined_commodities{};
  std::vector<Contract> contracts{};
  std::vector<InterSpread> inter_spreads{};
};

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_RISK_PARAMETERS_H_
