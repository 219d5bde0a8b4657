// Test and benchmark support: synthetic risk parameters and parameter files. A seeded
// random RiskParameters generator (valid by construction: tiers, intra/inter/super
// spreads, spot months, SOM, options of both styles) for round-trip and property tests,
// and a .pa2 text generator producing realistic type 0/1/2/B/81/82 records of any size.
//
//   RiskParameters params = RandomParameters(/*seed=*/7);
//   std::string pa2 = SyntheticPa2({.target_bytes = 50 << 20});
#ifndef TOKENCLEAR_MARGIN_FILES_SYNTHETIC_FILES_H_
#define TOKENCLEAR_MARGIN_FILES_SYNTHETIC_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "margin/position.h"
#include "margin/risk_parameters.h"

namespace tc::margin {

// A valid parameter set drawn from `seed`: 1-4 commodities with futures months, options
// (premium and futures-style), tiers, spreads, spot months and SOM.
RiskParameters RandomParameters(uint64_t seed);

// A random book of 1-12 positions on `params`' contracts.
std::vector<Position> RandomPortfolio(const RiskParameters& params, uint64_t seed);

struct SyntheticPa2Options {
  int64_t target_bytes = 1 << 20;  // generation stops at the first commodity past this
  int futures_months = 24;         // per commodity
  int strikes = 20;                // per futures month; each a call and a put
};

// A .pa2 file: header, then per commodity a type 2 record and, per futures month, B, 81
// and 82 records for the future and each option. Lines end with "\r\n".
std::string SyntheticPa2(const SyntheticPa2Options& options);

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_FILES_SYNTHETIC_FILES_H_
