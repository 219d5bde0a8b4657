// Field-level validation of RiskParameters: every number within the bounds the engine's
// int64/__int128 arithmetic is sized for, every list of the right length. Cross-references
// (unknown commodity, unknown tier) are checked by CompileParameters, which resolves them.
// Errors are absl::InvalidArgumentError naming the entity, the field and the value.
//
//   TC_RETURN_IF_ERROR(ValidateRiskParameters(params));
//   // "contract 'AIX-M1': risk_array_micros has 15 values, expected 16"
#ifndef TOKENCLEAR_MARGIN_PARAMETER_VALIDATION_H_
#define TOKENCLEAR_MARGIN_PARAMETER_VALIDATION_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "margin/risk_parameters.h"

namespace tc::margin {

// Bounds chosen so that per-position products fit int64 and spread/credit products fit
// __int128 for any portfolio that passes the per-account exposure check.
inline constexpr int64_t kMaxAbsMoneyMicros = 1'000'000'000'000'000;  // 1e9 USD
inline constexpr int64_t kMaxAbsDeltaUdelta = 1'000'000'000;          // 1000 deltas
inline constexpr int64_t kMaxDeltaScalingPpm = 1'000'000'000;         // x1000
inline constexpr int64_t kMaxContractValueFactorPpm = 1'000'000'000'000;
inline constexpr int64_t kMaxInitialRatioPpm = 100 * kPpmPerUnit;
inline constexpr int64_t kMaxExtremeMultiplierPpm = 100 * kPpmPerUnit;
inline constexpr int kMaxSpreadLegs = 8;

absl::Status ValidateRiskParameters(const RiskParameters& params);

// CCYYMM with a month 01..12 and a year 1900..2999.
bool IsValidPeriod(int period);

// InvalidArgument "<entity>: <field> = <value> <why>".
absl::Status FieldError(absl::string_view entity, absl::string_view field, int64_t value,
                        absl::string_view why);

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_PARAMETER_VALIDATION_H_
