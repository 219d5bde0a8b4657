#include "margin/files/synthetic_files.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "margin/futures_risk_array.h"

namespace tc::margin {
namespace {

constexpr int kFirstPeriod = 202701;

class Draw {
 public:
  explicit Draw(uint64_t seed) : rng_(seed) {}
  int64_t Between(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  bool Chance(int one_in) { return Between(1, one_in) == 1; }

 private:
  std::mt19937_64 rng_;
};

int PeriodAt(int index) { return kFirstPeriod + index; }  // months 1..12 of 2027

// Splits months [0, count) into 1..max_tiers contiguous tiers numbered from 1.
std::vector<Tier> ContiguousTiers(Draw& draw, int count, int max_tiers) {
  const int tiers = static_cast<int>(draw.Between(1, std::min(count, max_tiers)));
  std::vector<Tier> out;
  int start = 0;
  for (int t = 0; t < tiers; ++t) {
    const int remaining_tiers = tiers - t - 1;
    const int end = t + 1 == tiers
                        ? count - 1
                        : static_cast<int>(draw.Between(start, count - 1 - remaining_tiers));
    out.push_back(
        {.tier_number = t + 1, .start_period = PeriodAt(start), .end_period = PeriodAt(end)});
    start = end + 1;
  }
  return out;
}

int64_t Ratio(Draw& draw) {
  return draw.Chance(3) ? 500'000 : draw.Between(1, 3) * kUdeltaPerDelta;
}

SpreadSide Side(Draw& draw) { return draw.Chance(2) ? SpreadSide::kA : SpreadSide::kB; }

void AddIntraSpreads(Draw& draw, int months, CombinedCommodity& cc) {
  int priority = 1;
  const int tiers = static_cast<int>(cc.intra_tiers.size());
  for (int s = tiers > 1 ? static_cast<int>(draw.Between(0, 3)) : 0; s > 0; --s) {
    const int a = static_cast<int>(draw.Between(1, tiers));
    int b = static_cast<int>(draw.Between(1, tiers - 1));
    if (b >= a) ++b;
    cc.intra_spreads.push_back(
        {.kind = IntraSpreadKind::kTierToTier,
         .priority = priority++,
         .charge_per_spread_micros = draw.Between(0, 500'000'000),
         .legs = {
             {.tier_number = a, .delta_per_spread_udelta = Ratio(draw), .side = SpreadSide::kA},
             {.tier_number = b, .delta_per_spread_udelta = Ratio(draw), .side = SpreadSide::kB}}});
  }
  for (int s = months > 1 ? static_cast<int>(draw.Between(0, 2)) : 0; s > 0; --s) {
    const int a = static_cast<int>(draw.Between(0, months - 1));
    int b = static_cast<int>(draw.Between(0, months - 2));
    if (b >= a) ++b;
    cc.intra_spreads.push_back(
        {.kind = IntraSpreadKind::kSeriesToSeries,
         .priority = priority++,
         .charge_per_spread_micros = draw.Between(0, 500'000'000),
         .legs = {
             {.period = PeriodAt(a), .delta_per_spread_udelta = Ratio(draw), .side = Side(draw)},
             {.period = PeriodAt(b), .delta_per_spread_udelta = Ratio(draw), .side = Side(draw)}}});
  }
}

Contract RandomOption(Draw& draw, const std::string& cc, int month, int number, int64_t psr) {
  const bool call = draw.Chance(2);
  Contract option{
      .contract_id = absl::StrCat(cc, "-M", month + 1, "-O", number),
      .combined_commodity = cc,
      .period = PeriodAt(month),
      .composite_delta_udelta = (call ? 1 : -1) * draw.Between(0, kUdeltaPerDelta),
      .delta_scaling_ppm = draw.Chance(2) ? kPpmPerUnit : draw.Between(1, 5'000'000),
      .price_micros = draw.Between(0, 2 * psr),
      .contract_value_factor_ppm = draw.Between(1, 100) * 10'000,
      .is_option = true,
      .right = call ? OptionRight::kCall : OptionRight::kPut,
      .option_style = draw.Chance(3) ? OptionStyle::kFuturesStyle : OptionStyle::kPremium};
  for (int s = 0; s < kScenarioCount; ++s)
    option.risk_array_micros.push_back(draw.Between(-psr, psr));
  return option;
}

CombinedCommodity RandomCommodity(Draw& draw, int index, std::vector<Contract>& contracts) {
  CombinedCommodity cc{.code = absl::StrCat("CC", index), .currency = "USD"};
  const int months = static_cast<int>(draw.Between(1, 6));
  const int64_t psr = draw.Between(100, 5000) * kMicrosPerUnit + draw.Between(0, 999'999);
  const bool nse = draw.Chance(2);
  int64_t widest_psr = 0;
  for (int m = 0; m < months; ++m) {
    const int64_t month_psr = psr + draw.Between(-50, 50) * kMicrosPerUnit;
    widest_psr = std::max(widest_psr, month_psr);
    contracts.push_back({.contract_id = absl::StrCat(cc.code, "-M", m + 1),
                         .combined_commodity = cc.code,
                         .period = PeriodAt(m),
                         .risk_array_micros = LinearFuturesRiskArray(month_psr),
                         .price_micros = draw.Between(1, 100'000) * 10'000});
    for (int o = draw.Chance(2) ? static_cast<int>(draw.Between(0, 3)) : 0; o > 0; --o) {
      contracts.push_back(RandomOption(draw, cc.code, m, o, psr));
    }
  }
  for (Contract& contract : contracts) {
    if (contract.combined_commodity != cc.code) continue;
    contract.extreme_move_multiplier_ppm = nse ? 2'000'000 : 3'000'000;
    contract.extreme_covered_fraction_ppm = nse ? 350'000 : 330'000;
  }
  cc.intra_tiers = ContiguousTiers(draw, months, 3);
  if (draw.Chance(3)) cc.scan_tiers = ContiguousTiers(draw, months, 2);
  if (draw.Chance(3)) cc.inter_tiers = ContiguousTiers(draw, months, 2);
  AddIntraSpreads(draw, months, cc);
  if (draw.Chance(2)) {
    cc.spot_months = {{.period = PeriodAt(0),
                       .charge_per_consumed_delta_micros = draw.Between(0, 100'000'000),
                       .charge_per_remaining_delta_micros = draw.Between(0, 300'000'000)}};
  }
  cc.wfpr_method = static_cast<WfprMethod>(draw.Between(1, 3));
  cc.futures_price_scan_range_micros = widest_psr;
  cc.som_method = draw.Chance(2) ? SomMethod::kSumOfCallsPuts : SomMethod::kGreaterOfCallsPuts;
  if (draw.Chance(2)) {
    cc.som_rate_per_short_option_micros = draw.Between(0, 50'000'000);
  } else {
    cc.som_tiers = {{.tier = {.tier_number = 1,
                              .start_period = PeriodAt(0),
                              .end_period = PeriodAt(months - 1)},
                     .rate_per_short_option_micros = draw.Between(0, 50'000'000)}};
  }
  cc.initial_to_maintenance = {.member_ppm = kPpmPerUnit,
                               .hedger_ppm = kPpmPerUnit + draw.Between(0, 200'000),
                               .speculator_ppm = kPpmPerUnit + draw.Between(0, 500'000)};
  return cc;
}

InterSpreadLeg RandomInterLeg(Draw& draw, const CombinedCommodity& cc, SpreadSide side) {
  const int tiers = static_cast<int>(cc.inter_tiers.size());
  return {.combined_commodity = cc.code,
          .tier_number = tiers == 0 ? 0 : static_cast<int>(draw.Between(1, tiers)),
          .delta_per_spread_udelta = Ratio(draw),
          .side = side};
}

}  // namespace

RiskParameters RandomParameters(uint64_t seed) {
  Draw draw(seed);
  RiskParameters params{.version_id = absl::StrCat("random-", seed),
                        .business_date = absl::CivilDay(2026, 11, 23)};
  const int commodities = static_cast<int>(draw.Between(1, 4));
  for (int c = 0; c < commodities; ++c) {
    params.combined_commodities.push_back(RandomCommodity(draw, c, params.contracts));
  }
  // All rates tiny (<= 1%) in some files: the writer then uses fractions.
  const bool tiny_rates = draw.Chance(5);
  for (int s = commodities > 1 ? static_cast<int>(draw.Between(1, 3)) : 0; s > 0; --s) {
    const int a = static_cast<int>(draw.Between(0, commodities - 1));
    int b = static_cast<int>(draw.Between(0, commodities - 2));
    if (b >= a) ++b;
    params.inter_spreads.push_back(
        {.priority = s,
         .credit_rate_ppm =
             tiny_rates ? draw.Between(-10'000, 10'000) : draw.Between(-100'000, 1'000'000),
         .is_super_spread = draw.Chance(4),
         .legs = {RandomInterLeg(draw, params.combined_commodities[a], SpreadSide::kA),
                  RandomInterLeg(draw, params.combined_commodities[b], SpreadSide::kB)}});
  }
  return params;
}

std::vector<Position> RandomPortfolio(const RiskParameters& params, uint64_t seed) {
  Draw draw(seed);
  std::vector<Position> book;
  if (params.contracts.empty()) return book;
  for (int p = static_cast<int>(draw.Between(1, 12)); p > 0; --p) {
    const Contract& contract =
        params.contracts[draw.Between(0, static_cast<int64_t>(params.contracts.size()) - 1)];
    const int64_t quantity = draw.Between(1, 20) * (draw.Chance(2) ? 1 : -1);
    book.push_back({contract.contract_id, quantity});
  }
  return book;
}

namespace {

// Places each text at its 1-based column, blanks elsewhere.
void AppendRecord(std::string& out,
                  std::initializer_list<std::pair<int, absl::string_view>> fields) {
  const size_t start = out.size();
  for (const auto& [column, text] : fields) {
    const size_t at = start + column - 1;
    if (out.size() < at + text.size()) out.resize(at + text.size(), ' ');
    out.replace(at, text.size(), text.data(), text.size());
  }
  out += "\r\n";
}

// Zero-padded to `digits` (callers keep values within them).
std::string Digits(int64_t value, int digits) {
  std::string number = absl::StrCat(value);
  const size_t width = static_cast<size_t>(digits);
  return number.size() >= width ? number : std::string(width - number.size(), '0') + number;
}

// A 9(n) field with a trailing sign byte.
std::string Signed(int64_t value, int digits) {
  return Digits(value < 0 ? -value : value, digits) + (value < 0 ? "-" : "+");
}

struct Pa2Contract {
  absl::string_view code;
  absl::string_view type;
  char right;
  std::string futures_month;
  std::string option_month;
  std::string strike;
};

void AppendArrays(std::string& out, const Pa2Contract& c, const int64_t (&values)[16],
                  int64_t delta_udelta) {
  std::string first, second;
  for (int s = 0; s < 9; ++s) first += Signed(values[s], 5);
  for (int s = 9; s < 16; ++s) second += Signed(values[s], 5);
  const std::string right(1, c.right);
  AppendRecord(out, {{1, "81"},
                     {3, "TCX"},
                     {6, c.code},
                     {16, c.code},
                     {26, c.type},
                     {29, right},
                     {30, c.futures_month},
                     {39, c.option_month},
                     {48, c.strike},
                     {55, first}});
  AppendRecord(out, {{1, "82"},
                     {3, "TCX"},
                     {6, c.code},
                     {16, c.code},
                     {26, c.type},
                     {29, right},
                     {30, c.futures_month},
                     {39, c.option_month},
                     {48, c.strike},
                     {55, second},
                     {97, Signed(delta_udelta / 100, 5)},
                     {111, Signed(1250, 7)}});
}

void AppendSeries(std::string& out, absl::string_view code, absl::string_view type,
                  const std::string& futures_month, const std::string& option_month, int psr) {
  AppendRecord(out, {{1, "B "},
                     {3, "TCX"},
                     {6, code},
                     {16, type},
                     {19, futures_month},
                     {28, option_month},
                     {53, Digits(psr, 5)},
                     {58, "03000"},
                     {63, "03300"},
                     {86, "010000"}});
}

void AppendCommodity(std::string& out, int index, const SyntheticPa2Options& options) {
  const std::string code = absl::StrCat("Q", Digits(index, 5));
  AppendRecord(out, {{1, "2 "},
                     {3, "TCX"},
                     {7, code},
                     {13, "0"},
                     {14, "USD"},
                     {18, "P"},
                     {23, code},
                     {33, "FUT"},
                     {36, "00+"},
                     {39, code},
                     {49, "OOF"},
                     {52, "00+"}});
  const int psr = 500 + index % 4000;
  for (int m = 0; m < options.futures_months; ++m) {
    const std::string month = absl::StrCat((2027 + m / 12) * 100 + m % 12 + 1);
    AppendSeries(out, code, "FUT", month, "", psr);
    const int64_t third = psr / 3, two = 2 * psr / 3, extreme = psr * 99 / 100;
    const int64_t future[16] = {0,   0,   -third, -third, third, third, -two,     -two,
                                two, two, -psr,   -psr,   psr,   psr,   -extreme, extreme};
    AppendArrays(out, {code, "FUT", ' ', month, "", ""}, future, kUdeltaPerDelta);
    AppendSeries(out, code, "OOF", month, month, psr);
    for (int k = 0; k < options.strikes; ++k) {
      for (char right : {'C', 'P'}) {
        const int64_t sign = right == 'C' ? 1 : -1;
        int64_t values[16];
        for (int s = 0; s < 16; ++s)
          values[s] = sign * (future[s] * (k + 1)) / (options.strikes + 1);
        AppendArrays(out, {code, "OOF", right, month, month, Digits(1000 + 10 * k, 7)}, values,
                     sign * kUdeltaPerDelta * (options.strikes - k) / (options.strikes + 1));
      }
    }
  }
}

}  // namespace

std::string SyntheticPa2(const SyntheticPa2Options& options) {
  std::string out;
  out.reserve(static_cast<size_t>(options.target_bytes) + (1 << 20));
  AppendRecord(out, {{1, "0 "}, {3, "TCX"}, {9, "20261123"}, {17, "S"}, {18, "F"}, {36, "U2"}});
  AppendRecord(out, {{1, "1 "}, {3, "TCX"}, {8, "01"}});
  for (int index = 0;
       index == 0 || (static_cast<int64_t>(out.size()) < options.target_bytes && index < 99'999);
       ++index) {
    AppendCommodity(out, index, options);
  }
  return out;
}

}  // namespace tc::margin
