#include "margin/calibration.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/price_limits.h"
#include "core/status_macros.h"
#include "margin/checked_math.h"
#include "margin/compiled_parameters.h"
#include "margin/futures_risk_array.h"

namespace tc::margin {
namespace {

constexpr int64_t kPpm = kPpmPerUnit;

// The one place a statistic leaves floating point: round half away from zero to ppm.
int64_t ToPpm(double value) { return std::llround(value * static_cast<double>(kPpm)); }

// Smallest multiple of `step` that is >= value (value >= 0): conservative rounding.
int64_t RoundUpTo(CheckedMath& math, int64_t value, int64_t step) {
  return math.Narrow(math.Mul(math.Add(value, step - 1) / step, step));
}

int64_t RoundDownTo(int64_t value, int64_t step) { return value / step * step; }

int MonthsBetween(int from_period, int to_period) {
  return (to_period / 100 - from_period / 100) * 12 + (to_period % 100 - from_period % 100);
}

using Series = std::vector<IndexObservation>;

// The observations on or before the business date, ordered by date, checked.
absl::StatusOr<Series> UsableSeries(const IndexHistory& history, absl::CivilDay business_date) {
  Series series;
  for (const IndexObservation& o : history.values) {
    if (!IsPriceInRange(o.value_micros)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "index '", history.index_code, "' value_micros = ", o.value_micros, " on ",
          absl::FormatCivilTime(o.date), " is outside ", kMinPriceMicros, "..", kMaxPriceMicros));
    }
    if (o.date <= business_date) series.push_back(o);
  }
  std::sort(series.begin(), series.end(),
            [](const IndexObservation& a, const IndexObservation& b) { return a.date < b.date; });
  for (size_t i = 1; i < series.size(); ++i) {
    if (series[i].date == series[i - 1].date) {
      return absl::InvalidArgumentError(
          absl::StrCat("index '", history.index_code, "' business_date ",
                       absl::FormatCivilTime(series[i].date), " is duplicated"));
    }
  }
  return series;
}

std::vector<double> LogReturns(const Series& series) {
  std::vector<double> returns;
  for (size_t i = 1; i < series.size(); ++i) {
    returns.push_back(std::log(static_cast<double>(series[i].value_micros) /
                               static_cast<double>(series[i - 1].value_micros)));
  }
  return returns;
}

struct Volatility {
  int64_t ewma_ppm = 0;
  int64_t long_run_ppm = 0;
};

// Zero-mean variances: the long-run one over the whole history seeds the EWMA recursion
// sigma^2_t = lambda sigma^2_{t-1} + (1 - lambda) r_t^2, run through every return.
Volatility MeasureVolatility(const std::vector<double>& returns, int64_t lambda_ppm) {
  double sum_squares = 0;
  for (double r : returns) sum_squares += r * r;
  const double long_run_variance = sum_squares / static_cast<double>(returns.size());
  const double lambda = static_cast<double>(lambda_ppm) / static_cast<double>(kPpm);
  double variance = long_run_variance;
  for (double r : returns) variance = lambda * variance + (1 - lambda) * r * r;
  return {ToPpm(std::sqrt(variance)), ToPpm(std::sqrt(long_run_variance))};
}

// value x multiplier x factor_ppm / 1e6, exact then rounded once.
int64_t ScaledContractValue(CheckedMath& math, int64_t value_micros, int64_t multiplier,
                            int64_t factor_ppm) {
  return math.Div(math.Mul(math.Mul(value_micros, multiplier), factor_ppm), kPpm);
}

absl::StatusOr<ProductStatistics> MeasureProduct(CheckedMath& math,
                                                 const CalibrationProduct& product,
                                                 const Series& series, const CalibrationMethod& m) {
  const std::vector<double> returns = LogReturns(series);
  if (static_cast<int>(returns.size()) < m.min_returns) {
    return absl::FailedPreconditionError(absl::StrCat(
        "index '", product.index_code, "' has ", returns.size(),
        " daily returns on or before the business date; calibration needs ", m.min_returns));
  }
  const Volatility vol = MeasureVolatility(returns, m.ewma_lambda_ppm);
  ProductStatistics s{.product_code = product.product_code,
                      .index_value_micros = series.back().value_micros,
                      .return_count = static_cast<int64_t>(returns.size()),
                      .ewma_volatility_ppm = vol.ewma_ppm,
                      .long_run_volatility_ppm = vol.long_run_ppm};
  s.buffer_released = static_cast<__int128>(vol.ewma_ppm) * kPpm >=
                      static_cast<__int128>(vol.long_run_ppm) * m.stress_ratio_ppm;
  // z x sigma x sqrt(h), each in ppm: a factor scaled by 1e18.
  // Checked: the index value comes from outside; an overflow is an error status.
  const __int128 factor =
      math.Mul(math.Mul(m.confidence_z_ppm, vol.ewma_ppm), m.sqrt_holding_period_ppm);
  s.raw_psr_micros =
      math.Div(math.Mul(math.Mul(factor, s.index_value_micros), product.contract_multiplier),
               static_cast<__int128>(kPpm) * kPpm * kPpm);
  s.floor_psr_micros =
      ScaledContractValue(math, s.index_value_micros, product.contract_multiplier, m.psr_floor_ppm);
  const int64_t buffered =
      s.buffer_released ? s.raw_psr_micros
                        : math.Div(math.Mul(s.raw_psr_micros, kPpm + m.apc_buffer_ppm), kPpm);
  s.psr_micros = RoundUpTo(math, std::max(s.floor_psr_micros, buffered), m.psr_rounding_micros);
  return s;
}

// Pearson correlation of the daily log returns over the dates both indices have.
PairStatistics MeasurePair(const ProductStatistics& a, const Series& series_a,
                           const ProductStatistics& b, const Series& series_b) {
  Series common_a, common_b;
  size_t j = 0;
  for (const IndexObservation& o : series_a) {
    while (j < series_b.size() && series_b[j].date < o.date) ++j;
    if (j < series_b.size() && series_b[j].date == o.date) {
      common_a.push_back(o);
      common_b.push_back(series_b[j]);
    }
  }
  const std::vector<double> ra = LogReturns(common_a);
  const std::vector<double> rb = LogReturns(common_b);
  PairStatistics pair{.product_a = a.product_code,
                      .product_b = b.product_code,
                      .return_count = static_cast<int64_t>(ra.size())};
  if (ra.size() < 2) return pair;
  double mean_a = 0, mean_b = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    mean_a += ra[i];
    mean_b += rb[i];
  }
  mean_a /= static_cast<double>(ra.size());
  mean_b /= static_cast<double>(rb.size());
  double cov = 0, var_a = 0, var_b = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    cov += (ra[i] - mean_a) * (rb[i] - mean_b);
    var_a += (ra[i] - mean_a) * (ra[i] - mean_a);
    var_b += (rb[i] - mean_b) * (rb[i] - mean_b);
  }
  if (var_a > 0 && var_b > 0) pair.correlation_ppm = ToPpm(cov / std::sqrt(var_a * var_b));
  return pair;
}

int64_t CreditRate(int64_t correlation_ppm, const CalibrationMethod& m) {
  if (correlation_ppm < m.min_correlation_ppm) return 0;
  const int64_t haircut = correlation_ppm * m.correlation_haircut_ppm / kPpm;  // floor, >= 0
  return std::min(m.credit_cap_ppm, RoundDownTo(haircut, m.credit_step_ppm));
}

Contract FutureContract(const CalibrationContract& c, const std::string& cc,
                        const ProductStatistics& s, const CalibrationMethod& m) {
  return {.contract_id = c.contract_id,
          .combined_commodity = cc,
          .period = c.period,
          .risk_array_micros = LinearFuturesRiskArray(s.psr_micros, m.extreme_move_multiplier_ppm,
                                                      m.extreme_covered_fraction_ppm),
          .price_micros = s.index_value_micros,
          .extreme_move_multiplier_ppm = m.extreme_move_multiplier_ppm,
          .extreme_covered_fraction_ppm = m.extreme_covered_fraction_ppm};
}

// Daily prices of each contract month, by contract id, up to the business date.
using PricesByContract = absl::flat_hash_map<std::string, std::map<absl::CivilDay, int64_t>>;

PricesByContract IndexPrices(const std::vector<FuturesPriceHistory>& histories,
                             absl::CivilDay business_date) {
  PricesByContract prices;
  for (const FuturesPriceHistory& history : histories) {
    for (const IndexObservation& p : history.prices) {
      if (p.date <= business_date) prices[history.contract_id][p.date] = p.value_micros;
    }
  }
  return prices;
}

// The quantile of |daily change| of the spread (far - near) over the days both months have
// a price; nullopt with fewer than `min_changes` changes. Nearest-rank on integers: exact.
std::optional<int64_t> SpreadChangeQuantile(const std::map<absl::CivilDay, int64_t>& near,
                                            const std::map<absl::CivilDay, int64_t>& far,
                                            const CalibrationMethod& m, int64_t* count) {
  std::vector<int64_t> changes;
  std::optional<int64_t> previous_spread;
  for (const auto& [date, near_price] : near) {
    auto far_price = far.find(date);
    if (far_price == far.end()) continue;
    const int64_t spread = far_price->second - near_price;
    if (previous_spread) changes.push_back(std::abs(spread - *previous_spread));
    previous_spread = spread;
  }
  *count = static_cast<int64_t>(changes.size());
  if (static_cast<int>(changes.size()) < m.min_spread_changes) return std::nullopt;
  std::sort(changes.begin(), changes.end());
  const int64_t n = static_cast<int64_t>(changes.size());
  const int64_t rank = std::max<int64_t>(1, (n * m.spread_quantile_ppm + kPpm - 1) / kPpm);
  return changes[rank - 1];
}

int64_t ShareOfPsr(CheckedMath& math, int64_t psr_micros, int64_t share_ppm,
                   const CalibrationMethod& m) {
  return RoundUpTo(math, math.Div(math.Mul(psr_micros, share_ppm), kPpm), m.psr_rounding_micros);
}

// The charge for one spread of `near` against `far`: from their price history (the
// quantile daily spread move over the holding period, in USD per contract, floored at a
// share of the PSR per month of gap) when there is enough of it, else the conservative
// rule; never above the cap.
CalendarSpreadStatistics CalendarCharge(CheckedMath& math, const CalibrationContract& near,
                                        const CalibrationContract& far,
                                        const CalibrationProduct& product, int64_t psr_micros,
                                        const PricesByContract& prices,
                                        const CalibrationMethod& m) {
  CalendarSpreadStatistics stats{.near_contract = near.contract_id,
                                 .far_contract = far.contract_id};
  const int64_t months = MonthsBetween(near.period, far.period);
  const int64_t cap = ShareOfPsr(math, psr_micros, m.calendar_charge_cap_ppm, m);
  auto near_prices = prices.find(near.contract_id);
  auto far_prices = prices.find(far.contract_id);
  std::optional<int64_t> quantile;
  if (near_prices != prices.end() && far_prices != prices.end()) {
    quantile = SpreadChangeQuantile(near_prices->second, far_prices->second, m,
                                    &stats.spread_change_count);
  }
  if (!quantile) {
    stats.charge_micros =
        std::min(cap, ShareOfPsr(math, psr_micros, months * m.calendar_charge_per_month_ppm, m));
    return stats;
  }
  stats.from_history = true;
  stats.quantile_change_micros = *quantile;
  const int64_t historical = RoundUpTo(
      math,
      math.Div(
          math.Mul(math.Mul(*quantile, product.contract_multiplier), m.sqrt_holding_period_ppm),
          kPpm),
      m.psr_rounding_micros);
  const int64_t floor = ShareOfPsr(math, psr_micros, months * m.calendar_floor_per_month_ppm, m);
  stats.charge_micros = std::min(cap, std::max(historical, floor));
  return stats;
}

// One intra tier per contract month; a tier-to-tier spread for every pair of months,
// nearest months first.
void AddCalendarSpreads(CheckedMath& math, CombinedCommodity& cc, const CalibrationProduct& product,
                        int64_t psr_micros, const PricesByContract& prices,
                        const CalibrationMethod& m,
                        std::vector<CalendarSpreadStatistics>& statistics) {
  std::vector<CalibrationContract> contracts = product.contracts;
  std::sort(contracts.begin(), contracts.end(),
            [](const auto& a, const auto& b) { return a.period < b.period; });
  const int n = static_cast<int>(contracts.size());
  for (int i = 0; i < n; ++i) {
    cc.intra_tiers.push_back({.tier_number = i + 1,
                              .start_period = contracts[i].period,
                              .end_period = contracts[i].period});
  }
  for (int gap = 1; gap < n; ++gap) {
    for (int i = 0; i + gap < n; ++i) {
      CalendarSpreadStatistics charge =
          CalendarCharge(math, contracts[i], contracts[i + gap], product, psr_micros, prices, m);
      cc.intra_spreads.push_back({.kind = IntraSpreadKind::kTierToTier,
                                  .priority = gap * 100 + i,
                                  .charge_per_spread_micros = charge.charge_micros,
                                  .legs = {{.tier_number = i + 1, .side = SpreadSide::kA},
                                           {.tier_number = i + 1 + gap, .side = SpreadSide::kB}}});
      statistics.push_back(std::move(charge));
    }
  }
}

CombinedCommodity Commodity(CheckedMath& math, const CalibrationProduct& product,
                            const ProductStatistics& s, const PricesByContract& prices,
                            const CalibrationMethod& m,
                            std::vector<CalendarSpreadStatistics>& statistics) {
  CombinedCommodity cc{.code = product.product_code,
                       .currency = product.currency,
                       .futures_price_scan_range_micros = s.psr_micros,
                       .initial_to_maintenance = m.ratios};
  AddCalendarSpreads(math, cc, product, s.psr_micros, prices, m, statistics);
  return cc;
}

// Legs balance dollar risk: the larger-PSR leg is one delta, the other PSR_large/PSR_small
// deltas, rounded to the method's delta step.
InterSpread CreditSpread(CheckedMath& math, const ProductStatistics& a, const ProductStatistics& b,
                         int64_t rate_ppm, const CalibrationMethod& m) {
  const bool a_larger = a.psr_micros >= b.psr_micros;
  const int64_t large = a_larger ? a.psr_micros : b.psr_micros;
  const int64_t small = a_larger ? b.psr_micros : a.psr_micros;
  const int64_t step = m.leg_delta_step_udelta;
  // A PSR is at least one rounding step, so `small` > 0 unless the arithmetic overflowed
  // (already flagged): then any value will do, the result is discarded.
  const int64_t small_leg_udelta =
      small <= 0 ? 0
                 : math.Narrow(math.Mul(
                       math.Div(math.Mul(large, kUdeltaPerDelta), math.Mul(small, step)), step));
  return {.credit_rate_ppm = rate_ppm,
          .legs = {{.combined_commodity = a.product_code,
                    .delta_per_spread_udelta = a_larger ? kUdeltaPerDelta : small_leg_udelta,
                    .side = SpreadSide::kA},
                   {.combined_commodity = b.product_code,
                    .delta_per_spread_udelta = a_larger ? small_leg_udelta : kUdeltaPerDelta,
                    .side = SpreadSide::kB}}};
}

// One credit spread per correlated pair of products, highest credit first (priority 1..).
void AddInterSpreads(CheckedMath& math, CalibrationResult& result,
                     const std::vector<const Series*>& series, const CalibrationMethod& m) {
  for (size_t a = 0; a < result.products.size(); ++a) {
    for (size_t b = a + 1; b < result.products.size(); ++b) {
      PairStatistics pair =
          MeasurePair(result.products[a], *series[a], result.products[b], *series[b]);
      pair.credit_rate_ppm = CreditRate(pair.correlation_ppm, m);
      if (pair.credit_rate_ppm > 0) {
        result.parameters.inter_spreads.push_back(
            CreditSpread(math, result.products[a], result.products[b], pair.credit_rate_ppm, m));
      }
      result.pairs.push_back(std::move(pair));
    }
  }
  // Highest credit first; ties keep product order (stable).
  std::stable_sort(result.parameters.inter_spreads.begin(), result.parameters.inter_spreads.end(),
                   [](const InterSpread& x, const InterSpread& y) {
                     return x.credit_rate_ppm > y.credit_rate_ppm;
                   });
  for (size_t i = 0; i < result.parameters.inter_spreads.size(); ++i) {
    result.parameters.inter_spreads[i].priority = static_cast<int>(i) + 1;
  }
}

absl::Status ValidateProduct(const CalibrationProduct& p) {
  const std::string where = absl::StrCat("product '", p.product_code, "'");
  if (p.contract_multiplier <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " contract_multiplier = ", p.contract_multiplier, " is not positive"));
  }
  if (p.contracts.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, " contracts is empty"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CalibrationResult> Calibrate(const CalibrationInput& input) {
  const CalibrationMethod& m = input.method;
  if (input.products.empty()) return absl::InvalidArgumentError("products is empty");
  absl::flat_hash_map<std::string, Series> series_by_index;
  for (const IndexHistory& history : input.histories) {
    TC_ASSIGN_OR_RETURN(series_by_index[history.index_code],
                        UsableSeries(history, input.business_date));
  }
  CheckedMath math;
  CalibrationResult result;
  result.parameters.version_id = input.version_id;
  result.parameters.business_date = input.business_date;
  std::vector<const Series*> product_series;
  const PricesByContract prices = IndexPrices(input.futures_prices, input.business_date);
  for (const CalibrationProduct& product : input.products) {
    TC_RETURN_IF_ERROR(ValidateProduct(product));
    auto series = series_by_index.find(product.index_code);
    if (series == series_by_index.end()) {
      return absl::InvalidArgumentError(absl::StrCat("product '", product.product_code,
                                                     "' index_code '", product.index_code,
                                                     "' has no history"));
    }
    TC_ASSIGN_OR_RETURN(ProductStatistics stats, MeasureProduct(math, product, series->second, m));
    result.parameters.combined_commodities.push_back(
        Commodity(math, product, stats, prices, m, result.calendar_spreads));
    for (const CalibrationContract& c : product.contracts) {
      result.parameters.contracts.push_back(FutureContract(c, product.product_code, stats, m));
    }
    result.products.push_back(std::move(stats));
    product_series.push_back(&series->second);
  }
  AddInterSpreads(math, result, product_series, m);
  if (math.overflowed()) {
    return absl::OutOfRangeError(
        "calibration: a margin amount does not fit in int64 micro-USD (index values or trade "
        "prices out of range)");
  }
  TC_RETURN_IF_ERROR(CompileParameters(result.parameters).status());
  return result;
}

}  // namespace tc::margin
