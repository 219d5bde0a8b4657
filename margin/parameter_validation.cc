#include "margin/parameter_validation.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/identifiers.h"
#include "core/status_macros.h"

namespace tc::margin {
namespace {

absl::Status CheckRange(absl::string_view entity, absl::string_view field, int64_t value,
                        int64_t min, int64_t max) {
  if (value >= min && value <= max) return absl::OkStatus();
  return FieldError(entity, field, value, absl::StrCat("is outside [", min, ", ", max, "]"));
}

absl::Status CheckPeriod(absl::string_view entity, absl::string_view field, int period) {
  if (IsValidPeriod(period)) return absl::OkStatus();
  return FieldError(entity, field, period, "is not a CCYYMM period");
}

absl::Status ValidateCurrency(absl::string_view entity, absl::string_view currency) {
  bool ok = currency.size() == 3;
  for (char c : currency) ok = ok && absl::ascii_isupper(static_cast<unsigned char>(c));
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      entity, ": currency '", ShortenForMessage(currency), "' is not an ISO 4217 code"));
}

// Tier numbers are unique and >= 1 (0 means "whole commodity"); ranges do not overlap.
absl::Status ValidateTiers(absl::string_view entity, absl::string_view kind,
                           const std::vector<Tier>& tiers) {
  absl::flat_hash_set<int> numbers;
  for (size_t i = 0; i < tiers.size(); ++i) {
    const Tier& tier = tiers[i];
    const std::string where = absl::StrCat(entity, " ", kind, " tier ", tier.tier_number);
    TC_RETURN_IF_ERROR(CheckRange(where, "tier_number", tier.tier_number, 1, 99));
    if (!numbers.insert(tier.tier_number).second) {
      return FieldError(where, "tier_number", tier.tier_number, "is duplicated");
    }
    TC_RETURN_IF_ERROR(CheckPeriod(where, "start_period", tier.start_period));
    TC_RETURN_IF_ERROR(CheckPeriod(where, "end_period", tier.end_period));
    if (tier.end_period < tier.start_period) {
      return FieldError(where, "end_period", tier.end_period, "is before start_period");
    }
    for (size_t j = 0; j < i; ++j) {
      if (tier.start_period <= tiers[j].end_period && tiers[j].start_period <= tier.end_period) {
        return FieldError(where, "start_period", tier.start_period,
                          absl::StrCat("overlaps tier ", tiers[j].tier_number));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLegCount(absl::string_view where, size_t legs) {
  return CheckRange(where, "legs", static_cast<int64_t>(legs), 2, kMaxSpreadLegs);
}

absl::Status ValidateIntraSpread(absl::string_view cc, const IntraSpread& spread) {
  const std::string where =
      absl::StrCat("combined commodity '", cc, "' intra spread priority ", spread.priority);
  TC_RETURN_IF_ERROR(CheckRange(where, "priority", spread.priority, 0, 99999));
  TC_RETURN_IF_ERROR(CheckRange(where, "charge_per_spread_micros", spread.charge_per_spread_micros,
                                0, kMaxAbsMoneyMicros));
  TC_RETURN_IF_ERROR(ValidateLegCount(where, spread.legs.size()));
  for (const IntraSpreadLeg& leg : spread.legs) {
    TC_RETURN_IF_ERROR(CheckRange(where, "delta_per_spread_udelta", leg.delta_per_spread_udelta, 1,
                                  kMaxAbsDeltaUdelta));
    if (spread.kind == IntraSpreadKind::kSeriesToSeries) {
      TC_RETURN_IF_ERROR(CheckPeriod(where, "period", leg.period));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateSpotMonths(absl::string_view cc, const std::vector<SpotMonth>& months) {
  absl::flat_hash_set<int> periods;
  for (const SpotMonth& month : months) {
    const std::string where = absl::StrCat("combined commodity '", cc, "' spot month");
    TC_RETURN_IF_ERROR(CheckPeriod(where, "period", month.period));
    if (!periods.insert(month.period).second) {
      return FieldError(where, "period", month.period, "is duplicated");
    }
    TC_RETURN_IF_ERROR(CheckRange(where, "charge_per_consumed_delta_micros",
                                  month.charge_per_consumed_delta_micros, 0, kMaxAbsMoneyMicros));
    TC_RETURN_IF_ERROR(CheckRange(where, "charge_per_remaining_delta_micros",
                                  month.charge_per_remaining_delta_micros, 0, kMaxAbsMoneyMicros));
  }
  return absl::OkStatus();
}

absl::Status ValidateRatios(absl::string_view where, const InitialToMaintenanceRatios& ratios) {
  // Initial margin is never below maintenance margin, so a ratio is at least 1.
  TC_RETURN_IF_ERROR(CheckRange(where, "initial_to_maintenance.member_ppm", ratios.member_ppm,
                                kPpmPerUnit, kMaxInitialRatioPpm));
  TC_RETURN_IF_ERROR(CheckRange(where, "initial_to_maintenance.hedger_ppm", ratios.hedger_ppm,
                                kPpmPerUnit, kMaxInitialRatioPpm));
  return CheckRange(where, "initial_to_maintenance.speculator_ppm", ratios.speculator_ppm,
                    kPpmPerUnit, kMaxInitialRatioPpm);
}

absl::Status ValidateCombinedCommodity(const CombinedCommodity& cc) {
  TC_RETURN_IF_ERROR(ValidateIdentifier("combined commodity code", cc.code));
  const std::string where = absl::StrCat("combined commodity '", cc.code, "'");
  TC_RETURN_IF_ERROR(ValidateCurrency(where, cc.currency));
  TC_RETURN_IF_ERROR(ValidateTiers(where, "scan", cc.scan_tiers));
  TC_RETURN_IF_ERROR(ValidateTiers(where, "intra", cc.intra_tiers));
  TC_RETURN_IF_ERROR(ValidateTiers(where, "inter", cc.inter_tiers));
  std::vector<Tier> som_tiers;
  for (const SomTier& som : cc.som_tiers) {
    som_tiers.push_back(som.tier);
    TC_RETURN_IF_ERROR(CheckRange(where, "som_tiers.rate_per_short_option_micros",
                                  som.rate_per_short_option_micros, 0, kMaxAbsMoneyMicros));
  }
  TC_RETURN_IF_ERROR(ValidateTiers(where, "som", som_tiers));
  for (const IntraSpread& spread : cc.intra_spreads) {
    TC_RETURN_IF_ERROR(ValidateIntraSpread(cc.code, spread));
  }
  TC_RETURN_IF_ERROR(ValidateSpotMonths(cc.code, cc.spot_months));
  const int method = static_cast<int>(cc.wfpr_method);
  TC_RETURN_IF_ERROR(CheckRange(where, "wfpr_method", method, 1, 3));
  // Methods 2 and 3 use the futures price scan range, so it must be given.
  const int64_t min_psr = cc.wfpr_method == WfprMethod::kNormal ? 0 : 1;
  TC_RETURN_IF_ERROR(CheckRange(where, "futures_price_scan_range_micros",
                                cc.futures_price_scan_range_micros, min_psr, kMaxAbsMoneyMicros));
  TC_RETURN_IF_ERROR(CheckRange(where, "som_rate_per_short_option_micros",
                                cc.som_rate_per_short_option_micros, 0, kMaxAbsMoneyMicros));
  TC_RETURN_IF_ERROR(CheckRange(where, "som_method", static_cast<int>(cc.som_method), 0, 1));
  return ValidateRatios(where, cc.initial_to_maintenance);
}

absl::Status ValidateOptionFields(absl::string_view where, const Contract& contract) {
  const bool has_right = contract.right != OptionRight::kNone;
  if (contract.is_option != has_right) {
    return FieldError(
        where, "right", static_cast<int>(contract.right),
        contract.is_option ? "must be call or put for an option" : "must be none for a future");
  }
  return CheckRange(where, "option_style", static_cast<int>(contract.option_style), 0, 1);
}

absl::Status ValidateContract(const Contract& contract) {
  TC_RETURN_IF_ERROR(ValidateIdentifier("contract_id", contract.contract_id));
  const std::string where = absl::StrCat("contract '", contract.contract_id, "'");
  TC_RETURN_IF_ERROR(CheckPeriod(where, "period", contract.period));
  if (contract.risk_array_micros.size() != kScenarioCount) {
    return FieldError(where, "risk_array_micros",
                      static_cast<int64_t>(contract.risk_array_micros.size()),
                      absl::StrCat("values given, expected ", kScenarioCount));
  }
  for (int64_t value : contract.risk_array_micros) {
    TC_RETURN_IF_ERROR(
        CheckRange(where, "risk_array_micros", value, -kMaxAbsMoneyMicros, kMaxAbsMoneyMicros));
  }
  TC_RETURN_IF_ERROR(CheckRange(where, "composite_delta_udelta", contract.composite_delta_udelta,
                                -kMaxAbsDeltaUdelta, kMaxAbsDeltaUdelta));
  TC_RETURN_IF_ERROR(
      CheckRange(where, "delta_scaling_ppm", contract.delta_scaling_ppm, 1, kMaxDeltaScalingPpm));
  TC_RETURN_IF_ERROR(CheckRange(where, "price_micros", contract.price_micros, -kMaxAbsMoneyMicros,
                                kMaxAbsMoneyMicros));
  TC_RETURN_IF_ERROR(CheckRange(where, "contract_value_factor_ppm",
                                contract.contract_value_factor_ppm, 1, kMaxContractValueFactorPpm));
  TC_RETURN_IF_ERROR(CheckRange(where, "extreme_move_multiplier_ppm",
                                contract.extreme_move_multiplier_ppm, 1, kMaxExtremeMultiplierPpm));
  TC_RETURN_IF_ERROR(CheckRange(where, "extreme_covered_fraction_ppm",
                                contract.extreme_covered_fraction_ppm, 1, kPpmPerUnit));
  return ValidateOptionFields(where, contract);
}

absl::Status ValidateInterSpread(const InterSpread& spread) {
  const std::string where = absl::StrCat("inter spread priority ", spread.priority);
  TC_RETURN_IF_ERROR(CheckRange(where, "priority", spread.priority, 0, 99999));
  // |rate| <= 100%: a credit above the price risk it offsets would be a margin give-away.
  TC_RETURN_IF_ERROR(
      CheckRange(where, "credit_rate_ppm", spread.credit_rate_ppm, -kPpmPerUnit, kPpmPerUnit));
  TC_RETURN_IF_ERROR(ValidateLegCount(where, spread.legs.size()));
  for (const InterSpreadLeg& leg : spread.legs) {
    TC_RETURN_IF_ERROR(CheckRange(where, "delta_per_spread_udelta", leg.delta_per_spread_udelta, 1,
                                  kMaxAbsDeltaUdelta));
    TC_RETURN_IF_ERROR(CheckRange(where, "tier_number", leg.tier_number, 0, 99));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidPeriod(int period) {
  const int year = period / 100;
  const int month = period % 100;
  return year >= 1900 && year <= 2999 && month >= 1 && month <= 12;
}

absl::Status FieldError(absl::string_view entity, absl::string_view field, int64_t value,
                        absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(entity, ": ", field, " = ", value, " ", why));
}

absl::Status ValidateRiskParameters(const RiskParameters& params) {
  TC_RETURN_IF_ERROR(ValidateIdentifier("version_id", params.version_id));
  if (params.combined_commodities.empty()) {
    return absl::InvalidArgumentError("combined_commodities is empty");
  }
  for (const CombinedCommodity& cc : params.combined_commodities) {
    TC_RETURN_IF_ERROR(ValidateCombinedCommodity(cc));
  }
  for (const Contract& contract : params.contracts) {
    TC_RETURN_IF_ERROR(ValidateContract(contract));
  }
  for (const InterSpread& spread : params.inter_spreads) {
    TC_RETURN_IF_ERROR(ValidateInterSpread(spread));
  }
  return absl::OkStatus();
}

}  // namespace tc::margin
