// Test-only builders for the span.md section 4 set-up: linear futures risk arrays and the
// "AIX" (months M1..M4, PSR 1,000) / "GPU" (PSR 1,500) parameter set of D1-D8.
//
//   RiskParameters params = DerivedParameters({.spot_month = true});
//   params.contracts.push_back(LinearFuture("X-1", "AIX", 202701, Usd(1000)));
#ifndef TOKENCLEAR_MARGIN_TEST_PARAMETERS_H_
#define TOKENCLEAR_MARGIN_TEST_PARAMETERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "margin/compiled_parameters.h"
#include "margin/risk_parameters.h"

namespace tc::margin::testing {

inline constexpr int kM1 = 202701;
inline constexpr int kM2 = 202702;
inline constexpr int kM3 = 202703;
inline constexpr int kM4 = 202704;

constexpr int64_t Usd(int64_t dollars) { return dollars * 1'000'000; }

Contract LinearFuture(std::string contract_id, std::string cc, int period, int64_t psr_micros);

struct DerivedOptions {
  bool spot_month = false;           // M1 spot: $50 per consumed, $200 per remaining delta
  bool reversed_priorities = false;  // intra priorities 3, 2, 1 instead of 1, 2, 3
  bool m4_own_scan_tier = false;     // scan tiers {M1..M3} and {M4}
};

// AIX-M1..AIX-M4 and GPU-M1 with the D1-D8 tiers, spreads and 1.000/1.000/1.100 ratios.
RiskParameters DerivedParameters(const DerivedOptions& options);

// CompileParameters that must succeed (fails the test otherwise).
CompiledParameters MustCompile(const RiskParameters& params);

// Checks that parameters read from a file margin the D4 and D7 books as span.md says
// (3,900 and 4,500 maintenance; D7 initial 4,770: AIX at the 1.1 speculator ratio, GPU
// at 1.0). Contract ids are "TCX:<CC>:FUT:<period>", as the file fixtures write them.
void ExpectD4AndD7Margins(const RiskParameters& params);

}  // namespace tc::margin::testing

#endif  // TOKENCLEAR_MARGIN_TEST_PARAMETERS_H_
