// Risk parameters compiled into the indexed form the margin engine computes from: dense
// integer indices for contracts, periods and tiers, spreads pre-sorted by priority and
// tiers pre-resolved to period ranges, so the hot path does no string lookups and no
// allocation. Compile once per parameter version and share read-only across threads.
//
//   absl::StatusOr<CompiledParameters> compiled = CompileParameters(params);
//   absl::StatusOr<int32_t> index = compiled->FindContract("AIX-202607");
#ifndef TOKENCLEAR_MARGIN_COMPILED_PARAMETERS_H_
#define TOKENCLEAR_MARGIN_COMPILED_PARAMETERS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "margin/risk_parameters.h"

namespace tc::margin {

// A spread leg resolved to a contiguous range of period slots [period_begin, period_end)
// of one commodity; the leg's delta is the sum of those periods' deltas.
struct CompiledLeg {
  int32_t cc_index = 0;
  int32_t period_begin = 0;
  int32_t period_end = 0;
  int32_t wfpr_slot = -1;  // inter legs: where the leg's WFPR is; -1 for intra legs
  int64_t delta_per_spread_udelta = 0;
  SpreadSide side = SpreadSide::kA;
};

// An intra spread (rate = charge per spread, micro-USD) or an inter spread (rate =
// credit rate, ppm).
struct CompiledSpread {
  int priority = 0;
  int64_t rate = 0;
  std::vector<CompiledLeg> legs{};
};

struct CompiledSpotMonth {
  int32_t period_slot = 0;
  int64_t charge_per_consumed_delta_micros = 0;
  int64_t charge_per_remaining_delta_micros = 0;
};

// A scan, inter or SOM tier resolved to its period slots.
struct CompiledTier {
  int tier_number = 0;  // 0 = the implicit whole-commodity tier
  int32_t period_begin = 0;
  int32_t period_end = 0;
  int64_t som_rate_micros = 0;  // SOM tiers only
};

struct CompiledCommodity {
  std::string code{};
  std::string currency{};
  // Slot ranges into CompiledParameters' period, scan-tier, inter-tier and SOM-tier
  // tables. inter_begin == inter_end when the commodity has no inter tiers.
  int32_t period_begin = 0, period_end = 0;
  int32_t scan_begin = 0, scan_end = 0;
  int32_t inter_begin = 0, inter_end = 0;
  int32_t som_begin = 0, som_end = 0;
  // Series-to-series spreads first, then tier-to-tier, each in priority order.
  std::vector<CompiledSpread> intra_spreads{};
  std::vector<CompiledSpotMonth> spot_months{};
  WfprMethod wfpr_method = WfprMethod::kNormal;
  int64_t futures_price_scan_range_micros = 0;
  SomMethod som_method = SomMethod::kGreaterOfCallsPuts;
  InitialToMaintenanceRatios initial_to_maintenance{};
};

struct CompiledContract {
  std::array<int64_t, kScenarioCount> risk_array_micros{};
  int64_t delta_per_contract_udelta = 0;  // composite delta x delta scaling factor
  int64_t value_per_contract_micros = 0;  // premium-style options only (NOV), else 0
  int64_t max_abs_risk_micros = 0;        // largest |risk array value|, for overflow bounds
  int32_t cc_index = 0;
  int32_t scan_slot = 0;
  int32_t inter_slot = -1;  // -1 when the commodity has no inter tier covering the period
  int32_t period_slot = 0;
  int32_t som_slot = -1;  // options only
  OptionRight right = OptionRight::kNone;
};

struct CompiledParameters {
  std::string version_id{};
  absl::CivilDay business_date{};
  std::string currency{};  // shared by every combined commodity
  std::vector<CompiledCommodity> commodities{};
  std::vector<CompiledContract> contracts{};
  std::vector<std::string> contract_ids{};      // by contract index
  std::vector<int> period_values{};             // CCYYMM by period slot
  std::vector<CompiledTier> scan_tiers{};       // by scan slot
  std::vector<CompiledTier> inter_tiers{};      // by inter slot
  std::vector<CompiledTier> som_tiers{};        // by SOM slot
  std::vector<CompiledSpread> super_spreads{};  // priority order, run before intra
  std::vector<CompiledSpread> inter_spreads{};  // priority order, run after spot
  absl::flat_hash_map<std::string, int32_t> contract_index_by_id{};

  // WFPR slots: one per commodity (its index), then one per inter tier.
  int32_t wfpr_slot_count() const {
    return static_cast<int32_t>(commodities.size() + inter_tiers.size());
  }

  // InvalidArgument naming the id when the contract is unknown.
  absl::StatusOr<int32_t> FindContract(absl::string_view contract_id) const;
};

// Validates (parameter_validation.h) and compiles; InvalidArgument on any bad field or
// dangling reference.
absl::StatusOr<CompiledParameters> CompileParameters(const RiskParameters& params);

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_COMPILED_PARAMETERS_H_
