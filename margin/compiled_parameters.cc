#include "margin/compiled_parameters.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"
#include "core/status_macros.h"
#include "margin/parameter_validation.h"

namespace tc::margin {
namespace {

// The commodity being compiled: its parameters and the period slots assigned to it.
struct CommodityScope {
  const CombinedCommodity* source = nullptr;
  int32_t index = 0;
  std::vector<const Contract*> contracts{};
};

// Legs of one spread must cover disjoint deltas; otherwise one delta would be counted,
// and consumed, twice.
absl::Status CheckDisjointLegs(absl::string_view where, const std::vector<CompiledLeg>& legs) {
  for (size_t i = 0; i < legs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const bool overlap = legs[i].cc_index == legs[j].cc_index &&
                           legs[i].period_begin < legs[j].period_end &&
                           legs[j].period_begin < legs[i].period_end;
      if (overlap) {
        return FieldError(where, "legs", static_cast<int64_t>(i), absl::StrCat("overlaps leg ", j));
      }
    }
  }
  return absl::OkStatus();
}

class Compiler {
 public:
  explicit Compiler(const RiskParameters& params) : params_(params) {}

  absl::StatusOr<CompiledParameters> Compile() {
    out_.version_id = params_.version_id;
    out_.business_date = params_.business_date;
    TC_RETURN_IF_ERROR(IndexCommodities());
    TC_RETURN_IF_ERROR(AssignContractsToCommodities());
    for (CommodityScope& scope : scopes_) TC_RETURN_IF_ERROR(CompileCommodity(scope));
    TC_RETURN_IF_ERROR(CompileContracts());
    TC_RETURN_IF_ERROR(CompileInterSpreads());
    return std::move(out_);
  }

 private:
  absl::Status IndexCommodities() {
    out_.currency = params_.combined_commodities.front().currency;
    for (const CombinedCommodity& cc : params_.combined_commodities) {
      const int32_t index = static_cast<int32_t>(scopes_.size());
      if (!cc_index_by_code_.emplace(cc.code, index).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("combined commodity code '", cc.code, "' is duplicated"));
      }
      // Requirements are summed across commodities; without FX conversion they must
      // share one currency.
      if (cc.currency != out_.currency) {
        return absl::InvalidArgumentError(absl::StrCat("combined commodity '", cc.code,
                                                       "': currency '", cc.currency,
                                                       "' differs from '", out_.currency, "'"));
      }
      scopes_.push_back({.source = &cc, .index = index});
    }
    return absl::OkStatus();
  }

  absl::Status AssignContractsToCommodities() {
    for (const Contract& contract : params_.contracts) {
      auto cc = cc_index_by_code_.find(contract.combined_commodity);
      if (cc == cc_index_by_code_.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("contract '", contract.contract_id, "': combined_commodity '",
                         ShortenForMessage(contract.combined_commodity), "' is unknown"));
      }
      const int32_t index = static_cast<int32_t>(out_.contract_ids.size());
      if (!out_.contract_index_by_id.emplace(contract.contract_id, index).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("contract_id '", contract.contract_id, "' is duplicated"));
      }
      out_.contract_ids.push_back(contract.contract_id);
      scopes_[cc->second].contracts.push_back(&contract);
    }
    return absl::OkStatus();
  }

  // Periods of a commodity: those of its contracts, series spreads and spot months.
  void AssignPeriods(const CommodityScope& scope, CompiledCommodity& cc) {
    std::vector<int> periods;
    for (const Contract* contract : scope.contracts) periods.push_back(contract->period);
    for (const IntraSpread& spread : scope.source->intra_spreads) {
      if (spread.kind != IntraSpreadKind::kSeriesToSeries) continue;
      for (const IntraSpreadLeg& leg : spread.legs) periods.push_back(leg.period);
    }
    for (const SpotMonth& month : scope.source->spot_months) periods.push_back(month.period);
    std::sort(periods.begin(), periods.end());
    periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
    cc.period_begin = static_cast<int32_t>(out_.period_values.size());
    out_.period_values.insert(out_.period_values.end(), periods.begin(), periods.end());
    cc.period_end = static_cast<int32_t>(out_.period_values.size());
  }

  CompiledTier ResolveTier(const CompiledCommodity& cc, const Tier& tier) const {
    auto first = out_.period_values.begin() + cc.period_begin;
    auto last = out_.period_values.begin() + cc.period_end;
    CompiledTier resolved{.tier_number = tier.tier_number};
    resolved.period_begin = static_cast<int32_t>(std::lower_bound(first, last, tier.start_period) -
                                                 out_.period_values.begin());
    resolved.period_end = static_cast<int32_t>(std::upper_bound(first, last, tier.end_period) -
                                               out_.period_values.begin());
    return resolved;
  }

  CompiledTier WholeCommodityTier(const CompiledCommodity& cc) const {
    return {.tier_number = 0, .period_begin = cc.period_begin, .period_end = cc.period_end};
  }

  std::optional<int32_t> PeriodSlot(const CompiledCommodity& cc, int period) const {
    auto first = out_.period_values.begin() + cc.period_begin;
    auto last = out_.period_values.begin() + cc.period_end;
    auto it = std::lower_bound(first, last, period);
    if (it == last || *it != period) return std::nullopt;
    return static_cast<int32_t>(it - out_.period_values.begin());
  }

  void CompileTiers(const CompiledCommodity& cc, const std::vector<Tier>& tiers,
                    std::vector<CompiledTier>& table, int32_t& begin, int32_t& end) {
    begin = static_cast<int32_t>(table.size());
    for (const Tier& tier : tiers) table.push_back(ResolveTier(cc, tier));
    end = static_cast<int32_t>(table.size());
  }

  void CompileSomTiers(const CombinedCommodity& source, CompiledCommodity& cc) {
    cc.som_begin = static_cast<int32_t>(out_.som_tiers.size());
    if (source.som_tiers.empty()) {
      CompiledTier whole = WholeCommodityTier(cc);
      whole.som_rate_micros = source.som_rate_per_short_option_micros;
      out_.som_tiers.push_back(whole);
    }
    for (const SomTier& som : source.som_tiers) {
      CompiledTier tier = ResolveTier(cc, som.tier);
      tier.som_rate_micros = som.rate_per_short_option_micros;
      out_.som_tiers.push_back(tier);
    }
    cc.som_end = static_cast<int32_t>(out_.som_tiers.size());
  }

  absl::StatusOr<CompiledLeg> CompileIntraLeg(const CommodityScope& scope,
                                              const CompiledCommodity& cc,
                                              const IntraSpread& spread,
                                              const IntraSpreadLeg& leg) const {
    CompiledLeg compiled{.cc_index = scope.index,
                         .delta_per_spread_udelta = leg.delta_per_spread_udelta,
                         .side = leg.side};
    if (spread.kind == IntraSpreadKind::kSeriesToSeries) {
      // Every series-spread period was given a slot by AssignPeriods.
      compiled.period_begin = *PeriodSlot(cc, leg.period);
      compiled.period_end = compiled.period_begin + 1;
      return compiled;
    }
    for (const Tier& tier : scope.source->intra_tiers) {
      if (tier.tier_number != leg.tier_number) continue;
      const CompiledTier resolved = ResolveTier(cc, tier);
      compiled.period_begin = resolved.period_begin;
      compiled.period_end = resolved.period_end;
      return compiled;
    }
    return FieldError(
        absl::StrCat("combined commodity '", cc.code, "' intra spread priority ", spread.priority),
        "legs.tier_number", leg.tier_number, "is not an intra tier");
  }

  absl::Status CompileIntraSpreads(const CommodityScope& scope, CompiledCommodity& cc) {
    std::vector<const IntraSpread*> ordered;
    for (const IntraSpread& spread : scope.source->intra_spreads) ordered.push_back(&spread);
    // Series-to-series before tier-to-tier, then priority; stable keeps file order on ties.
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const IntraSpread* a, const IntraSpread* b) {
                       const bool a_series = a->kind == IntraSpreadKind::kSeriesToSeries;
                       const bool b_series = b->kind == IntraSpreadKind::kSeriesToSeries;
                       if (a_series != b_series) return a_series;
                       return a->priority < b->priority;
                     });
    for (const IntraSpread* spread : ordered) {
      CompiledSpread compiled{.priority = spread->priority,
                              .rate = spread->charge_per_spread_micros};
      for (const IntraSpreadLeg& leg : spread->legs) {
        TC_ASSIGN_OR_RETURN(CompiledLeg compiled_leg, CompileIntraLeg(scope, cc, *spread, leg));
        compiled.legs.push_back(compiled_leg);
      }
      TC_RETURN_IF_ERROR(
          CheckDisjointLegs(absl::StrCat("combined commodity '", cc.code,
                                         "' intra spread priority ", spread->priority),
                            compiled.legs));
      cc.intra_spreads.push_back(std::move(compiled));
    }
    return absl::OkStatus();
  }

  absl::Status CompileCommodity(const CommodityScope& scope) {
    const CombinedCommodity& source = *scope.source;
    CompiledCommodity cc{.code = source.code,
                         .currency = source.currency,
                         .wfpr_method = source.wfpr_method,
                         .futures_price_scan_range_micros = source.futures_price_scan_range_micros,
                         .som_method = source.som_method,
                         .initial_to_maintenance = source.initial_to_maintenance};
    AssignPeriods(scope, cc);
    if (source.scan_tiers.empty()) {
      cc.scan_begin = static_cast<int32_t>(out_.scan_tiers.size());
      out_.scan_tiers.push_back(WholeCommodityTier(cc));
      cc.scan_end = cc.scan_begin + 1;
    } else {
      CompileTiers(cc, source.scan_tiers, out_.scan_tiers, cc.scan_begin, cc.scan_end);
    }
    CompileTiers(cc, source.inter_tiers, out_.inter_tiers, cc.inter_begin, cc.inter_end);
    CompileSomTiers(source, cc);
    TC_RETURN_IF_ERROR(CompileIntraSpreads(scope, cc));
    for (const SpotMonth& month : source.spot_months) {
      cc.spot_months.push_back(
          {.period_slot = *PeriodSlot(cc, month.period),
           .charge_per_consumed_delta_micros = month.charge_per_consumed_delta_micros,
           .charge_per_remaining_delta_micros = month.charge_per_remaining_delta_micros});
    }
    out_.commodities.push_back(std::move(cc));
    return absl::OkStatus();
  }

  // The slot of the tier in [begin, end) holding `period_slot`, or -1.
  static int32_t FindTierSlot(const std::vector<CompiledTier>& table, int32_t begin, int32_t end,
                              int32_t period_slot) {
    for (int32_t slot = begin; slot < end; ++slot) {
      if (period_slot >= table[slot].period_begin && period_slot < table[slot].period_end) {
        return slot;
      }
    }
    return -1;
  }

  absl::StatusOr<CompiledContract> CompileContract(const Contract& contract) const {
    const std::string where = absl::StrCat("contract '", contract.contract_id, "'");
    const int32_t cc_index = cc_index_by_code_.at(contract.combined_commodity);
    const CompiledCommodity& cc = out_.commodities[cc_index];
    CompiledContract compiled{.cc_index = cc_index, .right = contract.right};
    for (int s = 0; s < kScenarioCount; ++s) {
      compiled.risk_array_micros[s] = contract.risk_array_micros[s];
      compiled.max_abs_risk_micros =
          std::max(compiled.max_abs_risk_micros, std::abs(contract.risk_array_micros[s]));
    }
    // Rounding point: delta per contract = composite delta x scaling factor, rounded once
    // to micro-delta; position deltas are then exact multiples of it.
    compiled.delta_per_contract_udelta = RoundedDiv(
        static_cast<__int128>(contract.composite_delta_udelta) * contract.delta_scaling_ppm,
        kPpmPerUnit);
    if (contract.is_option && contract.option_style == OptionStyle::kPremium) {
      // Rounding point: option value per contract = price x CVF, rounded once to micro-USD.
      std::optional<int64_t> value = CheckedRoundedDiv(
          static_cast<__int128>(contract.price_micros) * contract.contract_value_factor_ppm,
          kPpmPerUnit);
      if (!value) {
        return FieldError(where, "price_micros", contract.price_micros,
                          "times contract_value_factor_ppm overflows");
      }
      compiled.value_per_contract_micros = *value;
    }
    compiled.period_slot = *PeriodSlot(cc, contract.period);
    compiled.scan_slot =
        FindTierSlot(out_.scan_tiers, cc.scan_begin, cc.scan_end, compiled.period_slot);
    if (compiled.scan_slot < 0) {
      return FieldError(where, "period", contract.period, "is in no scan tier");
    }
    compiled.inter_slot =
        FindTierSlot(out_.inter_tiers, cc.inter_begin, cc.inter_end, compiled.period_slot);
    if (contract.is_option) {
      compiled.som_slot =
          FindTierSlot(out_.som_tiers, cc.som_begin, cc.som_end, compiled.period_slot);
      if (compiled.som_slot < 0) {
        return FieldError(where, "period", contract.period, "is in no SOM tier");
      }
    }
    return compiled;
  }

  absl::Status CompileContracts() {
    for (const Contract& contract : params_.contracts) {
      TC_ASSIGN_OR_RETURN(CompiledContract compiled, CompileContract(contract));
      out_.contracts.push_back(compiled);
    }
    return absl::OkStatus();
  }

  // Tier 0 means the whole commodity and is allowed only when it has no inter tiers;
  // otherwise the leg must name one of its inter tiers, whose own WFPR it is paid on.
  absl::StatusOr<CompiledLeg> CompileInterLeg(const InterSpread& spread,
                                              const InterSpreadLeg& leg) const {
    const std::string where = absl::StrCat("inter spread priority ", spread.priority);
    auto cc_it = cc_index_by_code_.find(leg.combined_commodity);
    if (cc_it == cc_index_by_code_.end()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": legs.combined_commodity '",
                                                     ShortenForMessage(leg.combined_commodity),
                                                     "' is unknown"));
    }
    const CompiledCommodity& cc = out_.commodities[cc_it->second];
    CompiledLeg compiled{.cc_index = cc_it->second,
                         .delta_per_spread_udelta = leg.delta_per_spread_udelta,
                         .side = leg.side};
    if (cc.inter_begin == cc.inter_end && leg.tier_number == 0) {
      compiled.period_begin = cc.period_begin;
      compiled.period_end = cc.period_end;
      compiled.wfpr_slot = cc_it->second;
      return compiled;
    }
    for (int32_t slot = cc.inter_begin; slot < cc.inter_end; ++slot) {
      if (out_.inter_tiers[slot].tier_number != leg.tier_number) continue;
      compiled.period_begin = out_.inter_tiers[slot].period_begin;
      compiled.period_end = out_.inter_tiers[slot].period_end;
      compiled.wfpr_slot = static_cast<int32_t>(out_.commodities.size()) + slot;
      return compiled;
    }
    return FieldError(where, "legs.tier_number", leg.tier_number,
                      absl::StrCat("is not an inter tier of '", cc.code, "'"));
  }

  absl::Status CompileInterSpreads() {
    for (const InterSpread& spread : params_.inter_spreads) {
      CompiledSpread compiled{.priority = spread.priority, .rate = spread.credit_rate_ppm};
      for (const InterSpreadLeg& leg : spread.legs) {
        TC_ASSIGN_OR_RETURN(CompiledLeg compiled_leg, CompileInterLeg(spread, leg));
        compiled.legs.push_back(compiled_leg);
      }
      TC_RETURN_IF_ERROR(CheckDisjointLegs(absl::StrCat("inter spread priority ", spread.priority),
                                           compiled.legs));
      (spread.is_super_spread ? out_.super_spreads : out_.inter_spreads)
          .push_back(std::move(compiled));
    }
    auto by_priority = [](const CompiledSpread& a, const CompiledSpread& b) {
      return a.priority < b.priority;
    };
    std::stable_sort(out_.super_spreads.begin(), out_.super_spreads.end(), by_priority);
    std::stable_sort(out_.inter_spreads.begin(), out_.inter_spreads.end(), by_priority);
    return absl::OkStatus();
  }

  const RiskParameters& params_;
  CompiledParameters out_;
  std::vector<CommodityScope> scopes_{};
  absl::flat_hash_map<std::string, int32_t> cc_index_by_code_{};
};

}  // namespace

absl::StatusOr<int32_t> CompiledParameters::FindContract(absl::string_view contract_id) const {
  auto it = contract_index_by_id.find(contract_id);
  if (it == contract_index_by_id.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("contract_id '", ShortenForMessage(contract_id), "' is unknown"));
  }
  return it->second;
}

absl::StatusOr<CompiledParameters> CompileParameters(const RiskParameters& params) {
  TC_RETURN_IF_ERROR(ValidateRiskParameters(params));
  return Compiler(params).Compile();
}

}  // namespace tc::margin
