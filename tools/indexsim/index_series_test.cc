// The simulated index series: reproducible for a seed, date and index; IDs derived from
// them; the window covered at the requested step; values near the drifted base.
#include "tools/indexsim/index_series.h"

#include "gtest/gtest.h"

namespace tc::tools {
namespace {

SeriesSpec Spec(uint64_t seed) {
  const absl::Time start =
      absl::FromCivil(absl::CivilMinute(2026, 11, 23, 15, 30), absl::UTCTimeZone());
  return {.index_code = "TOKFRONT",
          .base_micros = 3'000'000,
          .day = absl::CivilDay(2026, 11, 23),
          .window_start = start,
          .window_end = start + absl::Minutes(30),
          .seed = seed,
          .drift_bps = 100};
}

TEST(IndexSeriesTest, SeededAndReproducible) {
  const std::vector<SeriesPoint> a = MakeIndexSeries(Spec(7));
  const std::vector<SeriesPoint> b = MakeIndexSeries(Spec(7));
  const std::vector<SeriesPoint> c = MakeIndexSeries(Spec(8));
  ASSERT_EQ(a.size(), 64u);  // 4 before the window, 60 in it
  bool differs = false;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].observation_id, b[i].observation_id);
    EXPECT_EQ(a[i].value_micros, b[i].value_micros);
    EXPECT_EQ(a[i].observation_id, c[i].observation_id);  // IDs do not depend on the seed
    differs |= a[i].value_micros != c[i].value_micros;
  }
  EXPECT_TRUE(differs);
  EXPECT_EQ(a.front().observation_id, "TOKFRONT-20261123-000");
  EXPECT_EQ(a.back().observation_id, "TOKFRONT-20261123-063");
  EXPECT_EQ(a.front().observed_at, Spec(7).window_start - absl::Minutes(2));
  EXPECT_EQ(a.back().observed_at, Spec(7).window_end - absl::Seconds(30));
}

TEST(IndexSeriesTest, ValuesStayNearTheDriftedBase) {
  const std::vector<SeriesPoint> points = MakeIndexSeries(Spec(1));
  // First: base +/- 10 bps; last: base + 100 bps +/- 10 bps.
  EXPECT_NEAR(points.front().value_micros, 3'000'000, 3'000);
  EXPECT_NEAR(points.back().value_micros, 3'030'000, 3'000);
  for (const SeriesPoint& p : points) {
    EXPECT_GE(p.value_micros, 2'997'000);
    EXPECT_LE(p.value_micros, 3'033'000);
  }
}

}  // namespace
}  // namespace tc::tools
