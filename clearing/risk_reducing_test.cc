#include "clearing/risk_reducing.h"

#include <limits>

#include "gtest/gtest.h"

namespace tc::clearing {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST(ReducesPositionTest, TowardZeroOnTheSameSideReduces) {
  EXPECT_TRUE(ReducesPosition(5, 3));
  EXPECT_TRUE(ReducesPosition(5, 0));
  EXPECT_TRUE(ReducesPosition(-5, -1));
  EXPECT_TRUE(ReducesPosition(-5, 0));
}

TEST(ReducesPositionTest, GrowingStayingOrCrossingZeroDoesNot) {
  EXPECT_FALSE(ReducesPosition(5, 8));
  EXPECT_FALSE(ReducesPosition(5, 5));
  EXPECT_FALSE(ReducesPosition(5, -1));  // a flip, even to a smaller size
  EXPECT_FALSE(ReducesPosition(-5, -6));
  EXPECT_FALSE(ReducesPosition(-5, -5));
  EXPECT_FALSE(ReducesPosition(-5, 4));
}

TEST(ReducesPositionTest, AFlatPositionCannotBeReduced) {
  EXPECT_FALSE(ReducesPosition(0, 0));
  EXPECT_FALSE(ReducesPosition(0, 1));
  EXPECT_FALSE(ReducesPosition(0, -1));
}

TEST(ReducesPositionTest, ExactAtTheEndsOfTheRange) {
  EXPECT_TRUE(ReducesPosition(kMin, kMin + 1));
  EXPECT_TRUE(ReducesPosition(kMax, kMax - 1));
  EXPECT_TRUE(ReducesPosition(kMin, 0));
  EXPECT_FALSE(ReducesPosition(kMin, kMax));
  EXPECT_FALSE(ReducesPosition(kMax, kMin));
  EXPECT_FALSE(ReducesPosition(1, kMin));
}

TEST(DescribeNetTest, NamesTheSideAndSize) {
  EXPECT_EQ(DescribeNet(5), "long 5");
  EXPECT_EQ(DescribeNet(-3), "short 3");
  EXPECT_EQ(DescribeNet(0), "flat");
  EXPECT_EQ(DescribeNet(kMin), "short 9223372036854775808");
}

FlaggedSide Side(MemberFlagNote note) {
  return FlaggedSide{
      "trade.buyer_account_id", "CM03", std::move(note), "trade", "CM03-H", "TKO-202703", 5, 8};
}

TEST(NotReducingRejectionTest, NamesTheFlagTheFieldAndTheMove) {
  Rejection r = NotReducingRejection(Side({"FAILURE_TO_PAY", "TC-E-20261229-0003",
                                           "collect TC-E-20261229-0003 unconfirmed at its "
                                           "deadline"}));
  EXPECT_EQ(r.code, absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.field, "trade.buyer_account_id");
  EXPECT_EQ(r.message,
            "trade.buyer_account_id 'CM03-H': member CM03 is flagged FAILURE_TO_PAY (collect "
            "TC-E-20261229-0003 unconfirmed at its deadline): only trades that reduce its "
            "positions are accepted; this trade takes account CM03-H in TKO-202703 from long 5 "
            "to long 8");
}

TEST(NotReducingRejectionTest, NamesTheInstructionWhateverTheReasonSays) {
  Rejection bare = NotReducingRejection(Side({"FAILURE_TO_PAY", "TC-E-1", ""}));
  EXPECT_NE(bare.message.find("FAILURE_TO_PAY (instruction TC-E-1)"), std::string::npos)
      << bare.message;
  Rejection other = NotReducingRejection(Side({"FAILURE_TO_PAY", "TC-E-1", "returned by bank"}));
  EXPECT_NE(other.message.find("(returned by bank, instruction TC-E-1)"), std::string::npos)
      << other.message;
}

}  // namespace
}  // namespace tc::clearing
