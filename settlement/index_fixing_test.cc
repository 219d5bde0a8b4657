// The fixing method v1 on windows small enough to check by hand.
#include "settlement/index_fixing.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace tc::settlement {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'795'000'000);

FixingMethod Method(int partitions, int min_filled) {
  FixingMethod method;
  method.index_code = "TOKFRONT";
  method.fixing_date = absl::CivilDay(2026, 11, 23);
  method.window_start = kStart;
  method.window_end = kStart + absl::Hours(1);
  method.partitions = partitions;
  method.min_partitions_filled = min_filled;
  return method;
}

IndexObservation At(int minute, int64_t value) {
  return IndexObservation{value, kStart + absl::Minutes(minute)};
}

TEST(IndexFixingTest, OddPartitionsTakeTheirMiddleValue) {
  // Two 30-minute partitions: {300, 100, 200} -> 200 and {600, 400, 500} -> 500.
  absl::StatusOr<IndexFixing> f = ComputeIndexFixing(
      Method(2, 2), {At(1, 300), At(10, 100), At(29, 200), At(30, 600), At(45, 400), At(59, 500)});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->value_micros, 350);  // (200 + 500) / 2
  ASSERT_EQ(f->medians.size(), 2u);
  EXPECT_EQ(f->medians[0].median_micros, 200);
  EXPECT_EQ(f->medians[0].observation_count, 3);
  EXPECT_EQ(f->medians[1].median_micros, 500);
  EXPECT_EQ(f->method_version, "partition-median-mean/v1");
  EXPECT_EQ(f->index_code, "TOKFRONT");
  EXPECT_EQ(f->fixing_date, absl::CivilDay(2026, 11, 23));
  EXPECT_EQ(f->observations_used.size(), 6u);
}

TEST(IndexFixingTest, EvenPartitionsRoundTheMeanOfTheMiddlePairHalfAwayFromZero) {
  // {100, 201} -> 150.5 -> 151; {1000, 1003, 1001, 1002} -> 1001.5 -> 1002.
  absl::StatusOr<IndexFixing> f = ComputeIndexFixing(
      Method(2, 1),
      {At(0, 201), At(5, 100), At(30, 1000), At(31, 1003), At(32, 1001), At(33, 1002)});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->medians[0].median_micros, 151);
  EXPECT_EQ(f->medians[1].median_micros, 1002);
  EXPECT_EQ(f->value_micros, 577);  // (151 + 1002) / 2 = 576.5 -> 577, rounded once
}

TEST(IndexFixingTest, AnEmptyPartitionIsLeftOutOfTheMean) {
  // Three 20-minute partitions, the middle one empty.
  absl::StatusOr<IndexFixing> f =
      ComputeIndexFixing(Method(3, 2), {At(0, 3'000'000), At(45, 3'100'000)});
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->medians.size(), 2u);
  EXPECT_EQ(f->medians[0].partition, 0);
  EXPECT_EQ(f->medians[1].partition, 2);
  EXPECT_EQ(f->value_micros, 3'050'000);
}

TEST(IndexFixingTest, TooFewPartitionsFilledIsAnError) {
  absl::StatusOr<IndexFixing> f =
      ComputeIndexFixing(Method(3, 3), {At(0, 3'000'000), At(45, 3'100'000)});
  EXPECT_EQ(f.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(f.status().message().find("2 of 3 partitions"), std::string::npos) << f.status();
}

TEST(IndexFixingTest, NoObservationInTheWindowIsAnError) {
  EXPECT_EQ(ComputeIndexFixing(Method(2, 1), {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Before the start and at the (exclusive) end: not used.
  EXPECT_EQ(ComputeIndexFixing(Method(2, 1), {At(-1, 100), At(60, 100)}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(IndexFixingTest, TheWindowIsHalfOpenAndOnlyItsObservationsAreRecorded) {
  absl::StatusOr<IndexFixing> f =
      ComputeIndexFixing(Method(1, 1), {At(60, 999), At(0, 100), At(-1, 999), At(59, 300)});
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->observations_used.size(), 2u);
  EXPECT_EQ(f->observations_used[0].value_micros, 100);  // in time order
  EXPECT_EQ(f->observations_used[1].value_micros, 300);
  EXPECT_EQ(f->value_micros, 200);
}

TEST(IndexFixingTest, InputOrderDoesNotMatter) {
  std::vector<IndexObservation> obs = {At(1, 7),  At(2, 3),  At(2, 5),  At(31, 9),
                                       At(40, 2), At(50, 4), At(55, 4), At(12, 11)};
  absl::StatusOr<IndexFixing> a = ComputeIndexFixing(Method(4, 1), obs);
  std::reverse(obs.begin(), obs.end());
  absl::StatusOr<IndexFixing> b = ComputeIndexFixing(Method(4, 1), obs);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->value_micros, b->value_micros);
  ASSERT_EQ(a->observations_used.size(), b->observations_used.size());
  for (size_t i = 0; i < a->observations_used.size(); ++i) {
    EXPECT_EQ(a->observations_used[i].value_micros, b->observations_used[i].value_micros);
    EXPECT_EQ(a->observations_used[i].observed_at, b->observations_used[i].observed_at);
  }
}

TEST(IndexFixingTest, ValuesOutsideThePriceLimitsAreRefused) {
  for (int64_t bad : {int64_t{0}, int64_t{-5}, int64_t{1'000'000'000'001}}) {
    absl::StatusOr<IndexFixing> f = ComputeIndexFixing(Method(1, 1), {At(0, 100), At(70, bad)});
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(f.status().message().find("observations[1]"), std::string::npos) << f.status();
  }
  // The limits themselves are fine, and their mean does not overflow.
  absl::StatusOr<IndexFixing> f =
      ComputeIndexFixing(Method(1, 1), {At(0, 1), At(1, 1'000'000'000'000)});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->value_micros, 500'000'000'001);  // 500,000,000,000.5 -> up
}

TEST(IndexFixingTest, AMethodThatMakesNoSenseIsRefused) {
  FixingMethod reversed = Method(2, 1);
  std::swap(reversed.window_start, reversed.window_end);
  EXPECT_EQ(ComputeIndexFixing(reversed, {At(0, 1)}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeIndexFixing(Method(0, 1), {At(0, 1)}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeIndexFixing(Method(kMaxFixingPartitions + 1, 1), {At(0, 1)}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeIndexFixing(Method(2, 3), {At(0, 1)}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeIndexFixing(Method(2, 0), {At(0, 1)}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(IndexFixingTest, ManyPartitionsSplitTheWindowEvenly) {
  // 12 five-minute partitions (BRR shape), one observation at each partition's start and
  // one a nanosecond before its end.
  std::vector<IndexObservation> obs;
  for (int p = 0; p < 12; ++p) {
    obs.push_back({1000 + p, kStart + absl::Minutes(5 * p)});
    obs.push_back({1000 + p, kStart + absl::Minutes(5 * p + 5) - absl::Nanoseconds(1)});
  }
  absl::StatusOr<IndexFixing> f = ComputeIndexFixing(Method(12, 12), obs);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->medians.size(), 12u);
  for (int p = 0; p < 12; ++p) {
    EXPECT_EQ(f->medians[p].partition, p);
    EXPECT_EQ(f->medians[p].observation_count, 2);
    EXPECT_EQ(f->medians[p].median_micros, 1000 + p);
  }
  EXPECT_EQ(f->value_micros, 1006);  // 1005.5 -> 1006
}

}  // namespace
}  // namespace tc::settlement
