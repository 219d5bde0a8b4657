#include "margin/margin_calculator.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "margin/spread_formation.h"

namespace tc::margin {
namespace {

constexpr __int128 kPpm = kPpmPerUnit;

// Scenario paired with `scenario` (0-based): vol up/down of the same price move; the
// extreme scenarios 15 and 16 pair with themselves.
int PairedScenario(int scenario) { return scenario < 14 ? (scenario ^ 1) : scenario; }

// Validates positions and bounds the account's exposure before anything is summed, so
// the int64 sums below cannot overflow.
absl::Status CheckPositions(const CompiledParameters& params,
                            absl::Span<const IndexedPosition> positions) {
  __int128 risk_exposure = 0;
  __int128 delta_exposure = 0;
  __int128 value_exposure = 0;
  const int32_t contract_count = static_cast<int32_t>(params.contracts.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    const IndexedPosition& position = positions[i];
    if (position.contract_index < 0 || position.contract_index >= contract_count) {
      return absl::InvalidArgumentError(absl::StrCat("positions[", i,
                                                     "].contract_index = ", position.contract_index,
                                                     " is not a contract index"));
    }
    if (position.quantity > kMaxAbsQuantity || position.quantity < -kMaxAbsQuantity) {
      return absl::InvalidArgumentError(absl::StrCat("positions[", i,
                                                     "].quantity = ", position.quantity,
                                                     " exceeds ", kMaxAbsQuantity, " contracts"));
    }
    const CompiledContract& contract = params.contracts[position.contract_index];
    const __int128 quantity = position.quantity < 0 ? -position.quantity : position.quantity;
    risk_exposure += quantity * contract.max_abs_risk_micros;
    delta_exposure += quantity * std::abs(contract.delta_per_contract_udelta);
    value_exposure += quantity * std::abs(contract.value_per_contract_micros);
  }
  if (std::max({risk_exposure, delta_exposure, value_exposure}) > kMaxAccountExposure) {
    return absl::OutOfRangeError(
        "account exposure exceeds the engine's exact-arithmetic bound; split the account");
  }
  return absl::OkStatus();
}

void RecordOption(MarginWorkspace& ws, int32_t contract_index, int64_t quantity) {
  if (ws.option_epoch[contract_index] != ws.epoch) {
    ws.option_epoch[contract_index] = ws.epoch;
    ws.option_net_quantity[contract_index] = 0;
    ws.touched_options.push_back(contract_index);
  }
  ws.option_net_quantity[contract_index] += quantity;
}

// Step 1 (span.md 2.3): sum q x RA per scan tier (and inter tier), deltas per period,
// option value per commodity.
void AccumulatePositions(const CompiledParameters& params,
                         absl::Span<const IndexedPosition> positions, MarginWorkspace& ws) {
  for (const IndexedPosition& position : positions) {
    const CompiledContract& contract = params.contracts[position.contract_index];
    if (!ws.IsTouched(contract.cc_index)) ws.Touch(params, contract.cc_index);
    const int64_t q = position.quantity;
    int64_t* scan = ws.scan_tiers[contract.scan_slot].losses_micros.data();
    for (int s = 0; s < kScenarioCount; ++s) scan[s] += q * contract.risk_array_micros[s];
    if (contract.inter_slot >= 0) {
      int64_t* inter = ws.inter_tiers[contract.inter_slot].losses_micros.data();
      for (int s = 0; s < kScenarioCount; ++s) inter[s] += q * contract.risk_array_micros[s];
    }
    ws.period_delta_udelta[contract.period_slot] += q * contract.delta_per_contract_udelta;
    ws.commodities[contract.cc_index].nov_micros += q * contract.value_per_contract_micros;
    if (contract.right != OptionRight::kNone) RecordOption(ws, position.contract_index, q);
  }
}

// Scan risk, active scenario, time and price risk of summed scenario losses.
void AnalyzeScenarios(ScenarioState& state) {
  const std::array<int64_t, kScenarioCount>& loss = state.losses_micros;
  int active = 0;
  for (int s = 1; s < kScenarioCount; ++s) {
    if (loss[s] > loss[active]) active = s;  // strict: ties keep the lowest number
  }
  state.active_scenario = active + 1;
  state.scan_risk_micros = std::max<int64_t>(loss[active], 0);
  const __int128 time_twice = static_cast<__int128>(loss[0]) + loss[1];
  // Rounding points: time risk = (L1 + L2) / 2 and price risk = (La + Lpaired - L1 - L2) / 2,
  // each rounded once to micro-USD; volatility risk is the exact remainder.
  state.time_risk_micros = RoundedDiv(time_twice, 2);
  state.price_risk_micros = RoundedDiv(
      static_cast<__int128>(loss[active]) + loss[PairedScenario(active)] - time_twice, 2);
}

// WFPR per delta (span.md 2.3), by the commodity's method.
int64_t ComputeWfpr(const CompiledCommodity& cc, int64_t price_risk_micros,
                    int64_t net_delta_udelta, CheckedMath& math) {
  if (cc.wfpr_method == WfprMethod::kScanRange) return cc.futures_price_scan_range_micros;
  int64_t wfpr = 0;
  if (net_delta_udelta != 0 && price_risk_micros > 0) {
    // Rounding point: WFPR = price risk / |net delta|, rounded once to micro-USD per delta.
    wfpr = math.Div(static_cast<__int128>(price_risk_micros) * kUdeltaPerDelta,
                    net_delta_udelta < 0 ? -static_cast<__int128>(net_delta_udelta)
                                         : static_cast<__int128>(net_delta_udelta));
  }
  if (cc.wfpr_method == WfprMethod::kCappedAtScanRange) {
    wfpr = std::min(wfpr, cc.futures_price_scan_range_micros);
  }
  return wfpr;
}

// Steps 2-3: scan, time/price risk and WFPR of each held commodity, before spreading.
void AnalyzeCommodities(const CompiledParameters& params, MarginWorkspace& ws) {
  const int32_t inter_wfpr_base = static_cast<int32_t>(params.commodities.size());
  for (int32_t cc_index : ws.touched_commodities) {
    const CompiledCommodity& cc = params.commodities[cc_index];
    CommodityState& state = ws.commodities[cc_index];
    for (int32_t slot = cc.scan_begin; slot < cc.scan_end; ++slot) {
      AnalyzeScenarios(ws.scan_tiers[slot]);
      state.scan_risk_micros += ws.scan_tiers[slot].scan_risk_micros;
      state.price_risk_micros += ws.scan_tiers[slot].price_risk_micros;
    }
    state.net_delta_udelta =
        SumPeriodDeltasUdelta(ws.period_delta_udelta.data(), cc.period_begin, cc.period_end);
    ws.wfpr_micros[cc_index] =
        ComputeWfpr(cc, state.price_risk_micros, state.net_delta_udelta, ws.math);
    for (int32_t slot = cc.inter_begin; slot < cc.inter_end; ++slot) {
      ScenarioState& tier = ws.inter_tiers[slot];
      AnalyzeScenarios(tier);
      const CompiledTier& range = params.inter_tiers[slot];
      tier.net_delta_udelta = SumPeriodDeltasUdelta(ws.period_delta_udelta.data(),
                                                    range.period_begin, range.period_end);
      ws.wfpr_micros[inter_wfpr_base + slot] =
          ComputeWfpr(cc, tier.price_risk_micros, tier.net_delta_udelta, ws.math);
    }
  }
}

bool AllLegsHeld(const MarginWorkspace& ws, const CompiledSpread& spread) {
  for (const CompiledLeg& leg : spread.legs) {
    if (!ws.IsTouched(leg.cc_index)) return false;
  }
  return true;
}

// Steps 4 and 7 (span.md 2.6): delta-based inter spreads in priority order, both side
// orientations; each leg's commodity is credited rate x n x ratio x WFPR.
void ApplyInterSpreads(const std::vector<CompiledSpread>& spreads, MarginWorkspace& ws) {
  for (const CompiledSpread& spread : spreads) {
    if (!AllLegsHeld(ws, spread)) continue;
    for (bool a_long : {true, false}) {
      const SpreadCount n = CountSpreads(spread.legs, ws.period_delta_udelta.data(), a_long);
      if (!n.formed()) continue;
      for (const CompiledLeg& leg : spread.legs) {
        CheckedMath& math = ws.math;
        const __int128 numerator = math.Mul(
            math.Mul(math.Mul(spread.rate, n.numerator_udelta), leg.delta_per_spread_udelta),
            ws.wfpr_micros[leg.wfpr_slot]);
        // Rounding point: each leg's credit, from the exact rational spread count,
        // rounded once: rate_ppm * n * ratio_udelta * wfpr / (1e6 * 1e6).
        const int64_t credit_micros = math.Div(
            numerator, static_cast<__int128>(n.denominator_udelta) * kPpm * kUdeltaPerDelta);
        int64_t& total = ws.commodities[leg.cc_index].inter_credit_micros;
        total = math.Add(total, credit_micros);
      }
      ConsumeSpreads(spread.legs, n, ws.period_delta_udelta.data(), nullptr);
    }
  }
}

// Step 5 (span.md 2.4): intra spreads of one commodity, series-to-series then
// tier-to-tier (compiled order), two side passes each, fractional counts.
void ApplyIntraSpreads(const CompiledCommodity& cc, CommodityState& state, MarginWorkspace& ws) {
  for (const CompiledSpread& spread : cc.intra_spreads) {
    for (bool a_long : {true, false}) {
      const SpreadCount n = CountSpreads(spread.legs, ws.period_delta_udelta.data(), a_long);
      if (!n.formed()) continue;
      // Rounding point: charge = rate x n, rounded once per formation.
      const int64_t charge_micros =
          ws.math.Div(ws.math.Mul(spread.rate, n.numerator_udelta), n.denominator_udelta);
      state.intra_charge_micros = ws.math.Add(state.intra_charge_micros, charge_micros);
      ConsumeSpreads(spread.legs, n, ws.period_delta_udelta.data(),
                     ws.period_intra_consumed_udelta.data());
    }
  }
}

// Step 6 (span.md 2.5): spot months, from delta consumed by intra spreads and delta left.
void ApplySpotCharges(const CompiledCommodity& cc, CommodityState& state, MarginWorkspace& ws) {
  for (const CompiledSpotMonth& month : cc.spot_months) {
    const int64_t consumed = ws.period_intra_consumed_udelta[month.period_slot];
    const int64_t remaining = std::abs(ws.period_delta_udelta[month.period_slot]);
    const __int128 numerator = ws.math.Mul(consumed, month.charge_per_consumed_delta_micros) +
                               ws.math.Mul(remaining, month.charge_per_remaining_delta_micros);
    // Rounding point: one spot month's charge, rounded once to micro-USD.
    state.spot_charge_micros =
        ws.math.Add(state.spot_charge_micros, ws.math.Div(numerator, kUdeltaPerDelta));
  }
}

// Step 8 (span.md 2.7): SOM from netted short option quantities per SOM tier.
void ApplyShortOptionMinimum(const CompiledParameters& params, MarginWorkspace& ws) {
  for (int32_t option : ws.touched_options) {
    const int64_t quantity = ws.option_net_quantity[option];
    if (quantity >= 0) continue;
    const CompiledContract& contract = params.contracts[option];
    (contract.right == OptionRight::kCall ? ws.som_short_calls
                                          : ws.som_short_puts)[contract.som_slot] -= quantity;
  }
  for (int32_t cc_index : ws.touched_commodities) {
    const CompiledCommodity& cc = params.commodities[cc_index];
    CommodityState& state = ws.commodities[cc_index];
    for (int32_t slot = cc.som_begin; slot < cc.som_end; ++slot) {
      const int64_t calls = ws.som_short_calls[slot];
      const int64_t puts = ws.som_short_puts[slot];
      const int64_t shorts = cc.som_method == SomMethod::kGreaterOfCallsPuts
                                 ? std::max(calls, puts)
                                 : ws.math.Add(calls, puts);
      const int64_t som =
          ws.math.Narrow(ws.math.Mul(params.som_tiers[slot].som_rate_micros, shorts));
      state.som_micros = ws.math.Add(state.som_micros, som);
    }
  }
}

int64_t InitialRatioPpm(const InitialToMaintenanceRatios& ratios, AccountClass account_class) {
  switch (account_class) {
    case AccountClass::kMember:
      return ratios.member_ppm;
    case AccountClass::kHedger:
      return ratios.hedger_ppm;
    case AccountClass::kSpeculator:
      return ratios.speculator_ppm;
  }
  return ratios.speculator_ppm;  // unreachable for valid enum values; the strictest ratio
}

// Step 9-10 (span.md 2.9-2.10): risk, requirement and initial margin per commodity.
MarginTotals FinishCommodities(const CompiledParameters& params, AccountClass account_class,
                               MarginWorkspace& ws) {
  MarginTotals totals;
  CheckedMath& math = ws.math;
  for (int32_t cc_index : ws.touched_commodities) {
    CommodityState& state = ws.commodities[cc_index];
    const int64_t spread_adjusted =
        math.Sub(math.Add(math.Add(state.scan_risk_micros, state.intra_charge_micros),
                          state.spot_charge_micros),
                 state.inter_credit_micros);
    state.risk_micros = std::max(spread_adjusted, state.som_micros);
    state.maintenance_micros = std::max<int64_t>(math.Sub(state.risk_micros, state.nov_micros), 0);
    const int64_t ratio_ppm =
        InitialRatioPpm(params.commodities[cc_index].initial_to_maintenance, account_class);
    // Rounding point: initial = requirement x ratio, rounded once per commodity.
    state.initial_micros = math.Div(math.Mul(state.maintenance_micros, ratio_ppm), kPpm);
    totals.maintenance_micros = math.Add(totals.maintenance_micros, state.maintenance_micros);
    totals.initial_micros = math.Add(totals.initial_micros, state.initial_micros);
  }
  return totals;
}

ScanTierBreakdown DescribeScenarios(int tier_number, const ScenarioState& state) {
  ScanTierBreakdown tier{.tier_number = tier_number,
                         .scan_risk_micros = state.scan_risk_micros,
                         .active_scenario = state.active_scenario,
                         .scenario_losses_micros = state.losses_micros,
                         .time_risk_micros = state.time_risk_micros,
                         .price_risk_micros = state.price_risk_micros};
  tier.volatility_risk_micros =
      state.scan_risk_micros - state.price_risk_micros - state.time_risk_micros;
  return tier;
}

CommodityMargin DescribeCommodity(const CompiledParameters& params, const MarginWorkspace& ws,
                                  int32_t cc_index) {
  const CompiledCommodity& cc = params.commodities[cc_index];
  const CommodityState& state = ws.commodities[cc_index];
  CommodityMargin out{.combined_commodity = cc.code,
                      .currency = cc.currency,
                      .scan_risk_micros = state.scan_risk_micros,
                      .net_delta_udelta = state.net_delta_udelta,
                      .wfpr_micros = ws.wfpr_micros[cc_index],
                      .intra_charge_micros = state.intra_charge_micros,
                      .spot_charge_micros = state.spot_charge_micros,
                      .inter_credit_micros = state.inter_credit_micros,
                      .som_micros = state.som_micros,
                      .nov_micros = state.nov_micros,
                      .risk_micros = state.risk_micros,
                      .maintenance_micros = state.maintenance_micros,
                      .initial_micros = state.initial_micros};
  for (int32_t slot = cc.scan_begin; slot < cc.scan_end; ++slot) {
    out.scan_tiers.push_back(
        DescribeScenarios(params.scan_tiers[slot].tier_number, ws.scan_tiers[slot]));
    out.time_risk_micros += out.scan_tiers.back().time_risk_micros;
    out.price_risk_micros += out.scan_tiers.back().price_risk_micros;
    out.volatility_risk_micros += out.scan_tiers.back().volatility_risk_micros;
  }
  const int32_t inter_wfpr_base = static_cast<int32_t>(params.commodities.size());
  for (int32_t slot = cc.inter_begin; slot < cc.inter_end; ++slot) {
    const CompiledTier& tier = params.inter_tiers[slot];
    out.inter_tier_wfpr.push_back({.tier_number = tier.tier_number,
                                   .net_delta_udelta = ws.inter_tiers[slot].net_delta_udelta,
                                   .price_risk_micros = ws.inter_tiers[slot].price_risk_micros,
                                   .wfpr_micros = ws.wfpr_micros[inter_wfpr_base + slot]});
  }
  return out;
}

}  // namespace

MarginCalculator::MarginCalculator(const CompiledParameters& params)
    : params_(params), ws_(params) {}

absl::Status MarginCalculator::Run(absl::Span<const IndexedPosition> positions,
                                   AccountClass account_class) {
  TC_RETURN_IF_ERROR(CheckPositions(params_, positions));
  ws_.BeginAccount();
  AccumulatePositions(params_, positions, ws_);
  AnalyzeCommodities(params_, ws_);
  ApplyInterSpreads(params_.super_spreads, ws_);
  for (int32_t cc_index : ws_.touched_commodities) {
    const CompiledCommodity& cc = params_.commodities[cc_index];
    ApplyIntraSpreads(cc, ws_.commodities[cc_index], ws_);
    ApplySpotCharges(cc, ws_.commodities[cc_index], ws_);
  }
  ApplyInterSpreads(params_.inter_spreads, ws_);
  ApplyShortOptionMinimum(params_, ws_);
  totals_ = FinishCommodities(params_, account_class, ws_);
  if (ws_.math.overflowed()) {
    return absl::OutOfRangeError("margin arithmetic overflowed; split the account");
  }
  return absl::OkStatus();
}

absl::StatusOr<MarginTotals> MarginCalculator::Compute(absl::Span<const IndexedPosition> positions,
                                                       AccountClass account_class) {
  TC_RETURN_IF_ERROR(Run(positions, account_class));
  return totals_;
}

absl::StatusOr<MarginBreakdown> MarginCalculator::ComputeBreakdown(
    absl::Span<const IndexedPosition> positions, AccountClass account_class) {
  TC_RETURN_IF_ERROR(Run(positions, account_class));
  MarginBreakdown breakdown{.parameter_version_id = params_.version_id,
                            .business_date = params_.business_date,
                            .account_class = account_class,
                            .currency = params_.currency,
                            .totals = totals_};
  std::vector<int32_t> held = ws_.touched_commodities;
  std::sort(held.begin(), held.end());
  for (int32_t cc_index : held) {
    breakdown.commodities.push_back(DescribeCommodity(params_, ws_, cc_index));
  }
  return breakdown;
}

absl::StatusOr<MarginBreakdown> MarginCalculator::ComputeBreakdown(
    absl::Span<const Position> positions, AccountClass account_class) {
  TC_ASSIGN_OR_RETURN(std::vector<IndexedPosition> indexed, ResolvePositions(params_, positions));
  return ComputeBreakdown(absl::MakeConstSpan(indexed), account_class);
}

}  // namespace tc::margin
