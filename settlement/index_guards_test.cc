// The index settings (defaults, ranges, the window of a date) and the stale and jump
// guards, by hand-checked examples.
#include "settlement/index_guards.h"

#include <vector>

#include "gtest/gtest.h"
#include "settlement/index_settings.h"

namespace tc::settlement {
namespace {

const absl::CivilDay kDay(2026, 11, 23);

absl::Time At(int hour, int minute, int second = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 23, hour, minute, second),
                         absl::UTCTimeZone());
}

TEST(IndexSettingsTest, DefaultsAreValidAndGiveTheDocumentedWindow) {
  const IndexSettings settings{.index_code = "TOKFRONT"};
  EXPECT_TRUE(ValidateIndexSettings(settings).ok());
  EXPECT_EQ(settings.window_start_minutes, 930);
  EXPECT_EQ(settings.partitions, 6);
  const SettlementWindow window = SettlementWindowOf(settings, kDay);
  EXPECT_EQ(window.start, At(15, 30));
  EXPECT_EQ(window.end, At(16, 0));
  const FixingMethod method = FixingMethodOf(settings, kDay);
  EXPECT_EQ(method.window_start, At(15, 30));
  EXPECT_EQ(method.partitions, 6);
  EXPECT_EQ(method.min_partitions_filled, 4);
  EXPECT_EQ(method.fixing_date, kDay);
}

TEST(IndexSettingsTest, OutOfRangeSettingsNameTheFieldAndValue) {
  auto message = [](IndexSettings s) { return std::string(ValidateIndexSettings(s).message()); };
  EXPECT_EQ(message({.window_start_minutes = 1440}),
            "settings.window_start_minutes = 1440 is not in 0..1439");
  EXPECT_EQ(message({.window_start_minutes = 1430, .window_minutes = 11}),
            "settings.window_minutes = 11 is not in 1..10 (the window ends by 24:00 UTC)");
  EXPECT_EQ(message({.partitions = 0}), "settings.partitions = 0 is not in 1..1440");
  EXPECT_EQ(message({.partitions = 3, .min_partitions_filled = 4}),
            "settings.min_partitions_filled = 4 is not in 1..partitions (3)");
  EXPECT_EQ(message({.stale_after_seconds = 0}),
            "settings.stale_after_seconds = 0 is not in 1..86400");
  EXPECT_EQ(message({.max_jump_bps = 100'001}),
            "settings.max_jump_bps = 100001 is not in 1..100000");
  EXPECT_TRUE(ValidateIndexSettings({.window_start_minutes = 1430, .window_minutes = 10}).ok());
}

// An observation every 30 s from 15:28 to 15:59:30.
std::vector<IndexObservation> Regular() {
  std::vector<IndexObservation> out;
  for (absl::Time t = At(15, 28); t < At(16, 0); t += absl::Seconds(30)) {
    out.push_back({3'000'000, t});
  }
  return out;
}

TEST(StaleGuardTest, RegularObservationsAreFresh) {
  const SettlementWindow window{At(15, 30), At(16, 0)};
  EXPECT_FALSE(FindStaleness(Regular(), window, absl::Minutes(15)).has_value());
  EXPECT_FALSE(FindStaleness(Regular(), window, absl::Seconds(30)).has_value());
  // A gap of exactly stale_after is not stale; one second more is.
  EXPECT_TRUE(FindStaleness(Regular(), window, absl::Seconds(29)).has_value());
}

TEST(StaleGuardTest, QuietBeforeTheCloseIsStale) {
  std::vector<IndexObservation> obs;
  for (const IndexObservation& o : Regular()) {
    if (o.observed_at < At(15, 40)) obs.push_back(o);  // silent from 15:39:30
  }
  const SettlementWindow window{At(15, 30), At(16, 0)};
  std::optional<StaleFinding> stale = FindStaleness(obs, window, absl::Minutes(15));
  ASSERT_TRUE(stale.has_value());
  EXPECT_EQ(stale->quiet_from, At(15, 39, 30));
  EXPECT_EQ(stale->quiet_until, At(16, 0));
  EXPECT_EQ(stale->quiet, absl::Seconds(1230));
  EXPECT_EQ(DescribeStaleness(*stale, absl::Minutes(15)),
            "no observation from 2026-11-23T15:39:30Z to 2026-11-23T16:00:00Z (1230 s, more "
            "than stale_after_seconds 900)");
}

TEST(StaleGuardTest, AgesCountFromTheLastObservationBeforeTheWindow) {
  const SettlementWindow window{At(15, 30), At(16, 0)};
  // Last seen at 15:20 before the window, then every 11 to 14 minutes.
  std::vector<IndexObservation> obs = {
      {1, At(15, 0)}, {1, At(15, 20)}, {1, At(15, 34)}, {1, At(15, 48)}, {1, At(15, 59)}};
  EXPECT_FALSE(FindStaleness(obs, window, absl::Minutes(15)).has_value());
  obs.erase(obs.begin() + 1);  // 15:00 -> 15:34 is 34 min
  std::optional<StaleFinding> stale = FindStaleness(obs, window, absl::Minutes(15));
  ASSERT_TRUE(stale.has_value());
  EXPECT_EQ(stale->quiet_from, At(15, 0));
  EXPECT_EQ(stale->quiet_until, At(15, 34));
  // Nothing before the window: ages count from its start.
  std::vector<IndexObservation> late = {{1, At(15, 44)}, {1, At(15, 58)}};
  EXPECT_FALSE(FindStaleness(late, window, absl::Minutes(15)).has_value());
  EXPECT_TRUE(FindStaleness({}, window, absl::Minutes(15)).has_value());
  // Observations after the window never make it fresh.
  std::vector<IndexObservation> after = {{1, At(15, 29)}, {1, At(16, 1)}};
  EXPECT_EQ(FindStaleness(after, window, absl::Minutes(15))->quiet_until, At(16, 0));
}

TEST(JumpGuardTest, ComparesExactlyAgainstObservationThenFixing) {
  // 20% of 3.000000 is 0.600000: 3.600000 is not a jump, 3.600001 is.
  EXPECT_FALSE(FindJump(3'600'000, 3'000'000, std::nullopt, 2000).has_value());
  std::optional<JumpFinding> up = FindJump(3'600'001, 3'000'000, std::nullopt, 2000);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->reference, JumpReference::kPreviousObservation);
  EXPECT_EQ(up->moved_bps, 2000);  // 2000.0033 rounds to 2000
  EXPECT_FALSE(FindJump(2'400'000, 3'000'000, std::nullopt, 2000).has_value());
  std::optional<JumpFinding> down = FindJump(2'000'000, 3'000'000, std::nullopt, 2000);
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->moved_bps, 3333);
  EXPECT_EQ(DescribeJump(*down, 2000),
            "value_micros 2000000 moved 3333 bps from the previous observation 3000000 "
            "(max_jump_bps 2000)");
  // Close to the previous observation but far from the previous fixing.
  std::optional<JumpFinding> drift = FindJump(4'000'000, 3'900'000, 3'000'000, 2000);
  ASSERT_TRUE(drift.has_value());
  EXPECT_EQ(drift->reference, JumpReference::kPreviousFixing);
  EXPECT_EQ(drift->moved_bps, 3333);
  // No reference: the first observation of an index.
  EXPECT_FALSE(FindJump(4'000'000, std::nullopt, std::nullopt, 1).has_value());
  // Extreme values stay exact.
  EXPECT_EQ(FindJump(1'000'000'000'000, 1, std::nullopt, 100'000)->moved_bps,
            9'999'999'999'990'000);
}

}  // namespace
}  // namespace tc::settlement
