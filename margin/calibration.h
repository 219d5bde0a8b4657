// Daily calibration of the SPAN-style risk parameters for AI-token index futures from
// the index histories (docs/MARGIN_METHOD.md explains every number). One combined
// commodity per product; futures risk arrays linear in the price scan range (PSR);
// calendar-spread charges per month gap; inter-commodity credits from the correlation of
// the index returns; initial-to-maintenance ratios per account class.
//
// Statistics (EWMA volatility, correlation) use double internally and are converted to
// integer ppm once, by round-half-away-from-zero; everything after that, and every
// published parameter, is exact integer arithmetic, so one input always gives one output.
//
//   CalibrationInput input{.version_id = "2026-11-23-1",
//                          .business_date = absl::CivilDay(2026, 11, 23),
//                          .histories = {{.index_code = "TOKFRONT", .values = {...}}},
//                          .products = {{.product_code = "TKF", .index_code = "TOKFRONT",
//                                        .contract_multiplier = 1000,
//                                        .contracts = {{"TKF-202612", 202612}}}}};
//   absl::StatusOr<CalibrationResult> result = Calibrate(input);
//   result->parameters;  // margin::RiskParameters, ready for CompileParameters
#ifndef TOKENCLEAR_MARGIN_CALIBRATION_H_
#define TOKENCLEAR_MARGIN_CALIBRATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "margin/risk_parameters.h"

namespace tc::margin {

// The method's constants (docs/MARGIN_METHOD.md section 2).
struct CalibrationMethod {
  int64_t ewma_lambda_ppm = 940'000;            // RiskMetrics daily decay
  int64_t confidence_z_ppm = 2'326'348;         // one-sided 99% normal quantile
  int64_t sqrt_holding_period_ppm = 1'414'214;  // sqrt(2 business days)
  int64_t psr_floor_ppm = 30'000;               // PSR >= 3% of the contract value
  int64_t apc_buffer_ppm = 250'000;             // EMIR RTS 153/2013 art. 28(1)(a) buffer
  int64_t stress_ratio_ppm = 1'500'000;         // buffer released when EWMA vol >= 1.5 x long-run
  int64_t extreme_move_multiplier_ppm = 3'000'000;
  int64_t extreme_covered_fraction_ppm = 330'000;
  // Calendar spreads: from history when two months share enough daily prices,
  // otherwise the conservative rule (a share of the PSR per month of gap).
  int64_t calendar_charge_per_month_ppm = 250'000;  // rule: of PSR, per month of gap
  int64_t calendar_charge_cap_ppm = 1'000'000;
  int min_spread_changes = 20;                    // daily spread changes needed for history
  int64_t spread_quantile_ppm = 990'000;          // empirical quantile of |daily change|
  int64_t calendar_floor_per_month_ppm = 50'000;  // historical charge floor, of PSR
  int64_t min_correlation_ppm = 500'000;          // below: no inter-commodity credit
  int64_t correlation_haircut_ppm = 900'000;      // credit = 90% of the correlation ...
  int64_t credit_step_ppm = 50'000;               // ... rounded down to 5% ...
  int64_t credit_cap_ppm = 750'000;               // ... capped at 75%
  int64_t leg_delta_step_udelta = 10'000;         // inter leg deltas in 0.01 delta
  int64_t psr_rounding_micros = 1'000'000;        // PSR and charges rounded up to whole USD
  int min_returns = 20;
  InitialToMaintenanceRatios ratios{
      .member_ppm = 1'000'000, .hedger_ppm = 1'000'000, .speculator_ppm = 1'100'000};
};

struct IndexObservation {
  absl::CivilDay date{};
  int64_t value_micros = 0;  // USD per 1M tokens
};

struct IndexHistory {
  std::string index_code{};
  std::vector<IndexObservation> values{};  // any order; dates unique
};

// Daily prices of one contract month (cleared-trade VWAP until daily settlement prices
// exist), used for the calendar-spread charges.
struct FuturesPriceHistory {
  std::string contract_id{};
  std::vector<IndexObservation> prices{};  // date, price (value_micros) per 1M tokens
};

struct CalibrationContract {
  std::string contract_id{};
  int period = 0;  // CCYYMM
};

struct CalibrationProduct {
  std::string product_code{};
  std::string index_code{};
  std::string currency = "USD";
  int64_t contract_multiplier = 0;  // USD per contract = index x multiplier
  std::vector<CalibrationContract> contracts{};
};

struct CalibrationInput {
  std::string version_id{};
  absl::CivilDay business_date{};
  std::vector<IndexHistory> histories{};
  std::vector<CalibrationProduct> products{};
  std::vector<FuturesPriceHistory> futures_prices{};  // optional
  CalibrationMethod method{};
};

// What the calibration measured for one product, for the method report and tests.
struct ProductStatistics {
  std::string product_code{};
  int64_t index_value_micros = 0;  // latest value on or before the business date
  int64_t return_count = 0;
  int64_t ewma_volatility_ppm = 0;      // daily
  int64_t long_run_volatility_ppm = 0;  // daily, whole history
  bool buffer_released = false;
  int64_t raw_psr_micros = 0;  // z x sigma x sqrt(h) x value x multiplier
  int64_t floor_psr_micros = 0;
  int64_t psr_micros = 0;  // published
};

// How one calendar spread's charge was set.
struct CalendarSpreadStatistics {
  std::string near_contract{};
  std::string far_contract{};
  int64_t spread_change_count = 0;     // daily changes of (far - near) on common days
  int64_t quantile_change_micros = 0;  // |daily change| at the quantile, price units
  bool from_history = false;           // else the conservative rule
  int64_t charge_micros = 0;           // per spread, published
};

struct PairStatistics {
  std::string product_a{};
  std::string product_b{};
  int64_t return_count = 0;
  int64_t correlation_ppm = 0;
  int64_t credit_rate_ppm = 0;
};

struct CalibrationResult {
  RiskParameters parameters{};
  std::vector<ProductStatistics> products{};
  std::vector<PairStatistics> pairs{};
  std::vector<CalendarSpreadStatistics> calendar_spreads{};
};

// InvalidArgument naming the field for bad input (unknown index, non-positive value,
// duplicate date, bad multiplier or period); FailedPrecondition when an index has fewer
// than method.min_returns returns on or before the business date.
absl::StatusOr<CalibrationResult> Calibrate(const CalibrationInput& input);

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_CALIBRATION_H_
