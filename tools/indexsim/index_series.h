// A seeded, reproducible series of index observations for one index and business date:
// one every `step` from `before` steps ahead of the settlement window to its end, each
// value the base drifted linearly by up to `drift_bps` over the series plus seeded noise
// within +/- `noise_bps`, in exact integer micro-USD (rounded once by the one rule). The
// same (seed, date, index) always gives the same series, and observation IDs are
// "<index>-<YYYYMMDD>-<n>", so sending it again is a no-op on the server.
//
//   SeriesSpec spec{.index_code = "TOKFRONT", .base_micros = 3'000'000,
//                   .day = absl::CivilDay(2026, 11, 23), .window_start = t0,
//                   .window_end = t0 + absl::Minutes(30), .seed = 7};
//   std::vector<SeriesPoint> points = MakeIndexSeries(spec);  // 64 points, 30 s apart
#ifndef TOKENCLEAR_TOOLS_INDEXSIM_INDEX_SERIES_H_
#define TOKENCLEAR_TOOLS_INDEXSIM_INDEX_SERIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace tc::tools {

struct SeriesSpec {
  std::string index_code{};
  int64_t base_micros = 0;  // USD per 1M tokens, > 0
  absl::CivilDay day;
  absl::Time window_start;
  absl::Time window_end;
  uint64_t seed = 1;
  int64_t drift_bps = 0;   // total drift over the series, -5000..5000
  int64_t noise_bps = 10;  // each value within +/- this of the drifted base, 0..500
  absl::Duration step = absl::Seconds(30);
  int before = 4;  // observations ahead of the window
};

struct SeriesPoint {
  std::string observation_id;
  absl::Time observed_at;
  int64_t value_micros = 0;
};

// Bounded: at most one point per step over a day plus `before` (clamped to 0..100).
std::vector<SeriesPoint> MakeIndexSeries(const SeriesSpec& spec);

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_INDEXSIM_INDEX_SERIES_H_
