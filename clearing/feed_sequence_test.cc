// The feed-sequence rule: gap, overlap replay, reuse of a held sequence, resume point.
#include "clearing/feed_sequence.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tc::clearing {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> Prints(std::initializer_list<const char*> texts) {
  std::vector<std::string> out;
  for (const char* t : texts) out.emplace_back(std::string(t).append(16 - strlen(t), '.'));
  return out;
}

TEST(PlanFeedBatchTest, FirstBatchOfANewFeed) {
  auto advance = PlanFeedBatch("F", 0, 1, Prints({"a", "b", "c"}), {});
  ASSERT_TRUE(advance.ok()) << advance.status();
  EXPECT_EQ(advance->last_sequence, 3);
  EXPECT_EQ(advance->first_new_index, 0);
}

TEST(PlanFeedBatchTest, GapIsRefusedWithTheResumePoint) {
  auto advance = PlanFeedBatch("F", 5, 7, Prints({"a"}), {});
  EXPECT_EQ(advance.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(advance.status().message(), HasSubstr("the next is 6"));
}

TEST(PlanFeedBatchTest, SequenceBelowOneIsInvalid) {
  EXPECT_EQ(PlanFeedBatch("F", 0, 0, Prints({"a"}), {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PlanFeedBatchTest, IdenticalOverlapIsAReplayAndTheRestIsNew) {
  const auto batch = Prints({"c", "d", "e"});
  HeldFingerprints held{{3, batch[0]}, {4, batch[1]}};
  auto advance = PlanFeedBatch("F", 4, 3, batch, held);
  ASSERT_TRUE(advance.ok()) << advance.status();
  EXPECT_EQ(advance->last_sequence, 5);
  EXPECT_EQ(advance->first_new_index, 2);
}

TEST(PlanFeedBatchTest, WholeBatchReplayedLeavesTheFeedWhereItWas) {
  const auto batch = Prints({"a", "b"});
  auto advance = PlanFeedBatch("F", 9, 1, batch, {{1, batch[0]}, {2, batch[1]}});
  ASSERT_TRUE(advance.ok());
  EXPECT_EQ(advance->last_sequence, 9);
  EXPECT_EQ(advance->first_new_index, 2);
}

TEST(PlanFeedBatchTest, HeldSequenceWithOtherContentIsRefusedNamingIt) {
  const auto batch = Prints({"c", "X", "e"});
  HeldFingerprints held{{3, Prints({"c"})[0]}, {4, Prints({"d"})[0]}};
  auto advance = PlanFeedBatch("F", 4, 3, batch, held);
  EXPECT_EQ(advance.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(advance.status().message(), HasSubstr("events[1]: sequence 4 of feed 'F'"));
}

TEST(ReplayedRangeTest, Bounds) {
  EXPECT_GT(ReplayedRange(0, 1, 5).first, ReplayedRange(0, 1, 5).last);  // nothing held
  EXPECT_EQ(ReplayedRange(10, 8, 5).first, 8);
  EXPECT_EQ(ReplayedRange(10, 8, 5).last, 10);
  EXPECT_EQ(ReplayedRange(10, 8, 2).last, 9);
}

}  // namespace
}  // namespace tc::clearing
