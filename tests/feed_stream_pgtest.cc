// The sequenced exchange feed end to end: an exchange that is cut off mid-way and
// reconnects resumes after the last sequence the server holds, with nothing lost and
// nothing applied twice; gaps and foreign feeds are refused; several feeds run at once.
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_clearing_house.h"
#include "tools/feed_generator.h"

namespace tc::testing {
namespace {

using FeedStream = grpc::ClientReaderWriter<pb::FeedMessage, pb::FeedReply>;

tools::FeedUniverse Universe() {
  return tools::FeedUniverse{kOpenDate,
                             {{"TKF-202612", 5000, 3'000'000, 40}},
                             {"CM01-H", "CM01-C1", "CM01-C2", "CM02-H", "CM02-C1"}};
}

std::vector<pb::TradeEvent> Generate(int count, uint64_t seed, const std::string& prefix) {
  tools::FeedGenerator generator(
      Universe(),
      {.seed = seed, .id_prefix = prefix, .cancels_per_mille = 20, .corrections_per_mille = 20});
  std::vector<pb::TradeEvent> events;
  for (int i = 0; i < count; ++i) events.push_back(generator.Next());
  return events;
}

// A logged-on feed connection.
class FeedClient {
 public:
  FeedClient(const TestClearingHouse& house, const std::string& feed_id,
             const std::string& token = kExchangeToken)
      : stub_(house.TradeCapture()) {
    TestClearingHouse::Authorize(context_, token);
    stream_ = stub_->StreamTrades(&context_);
    pb::FeedMessage logon;
    logon.mutable_logon()->set_feed_id(feed_id);
    logged_on_ = stream_->Write(logon) && stream_->Read(&reply_) && reply_.has_logon_ack();
  }

  bool logged_on() const { return logged_on_; }
  int64_t held_sequence() const { return reply_.logon_ack().last_sequence(); }

  // Sends events [from, to) (0-based) as one batch starting at sequence from + 1.
  bool Send(const std::vector<pb::TradeEvent>& events, size_t from, size_t to) {
    pb::FeedMessage message;
    message.mutable_batch()->set_first_sequence(static_cast<int64_t>(from) + 1);
    for (size_t i = from; i < to; ++i) *message.mutable_batch()->add_events() = events[i];
    return stream_->Write(message);
  }

  // Sends and waits for the acknowledgement; checks nothing was rejected. The held
  // sequence is at least the batch's end; it is more when a batch that a cut connection
  // had in flight committed after this connection logged on.
  bool SendAndAck(const std::vector<pb::TradeEvent>& events, size_t from, size_t to) {
    if (!Send(events, from, to) || !stream_->Read(&reply_)) return false;
    EXPECT_GE(reply_.batch_ack().last_sequence(), static_cast<int64_t>(to));
    EXPECT_LE(reply_.batch_ack().last_sequence(), static_cast<int64_t>(events.size()));
    for (const pb::TradeResult& r : reply_.batch_ack().results()) {
      EXPECT_NE(r.outcome(), pb::TRADE_OUTCOME_REJECTED) << r.message();
    }
    return true;
  }

  const pb::FeedReply& last_reply() const { return reply_; }
  void Cut() { context_.TryCancel(); }
  grpc::Status Finish() {
    stream_->WritesDone();
    while (stream_->Read(&reply_)) {
    }
    return stream_->Finish();
  }

 private:
  std::unique_ptr<pb::TradeCaptureService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<FeedStream> stream_;
  pb::FeedReply reply_;
  bool logged_on_ = false;
};

// Positions after applying `events` once, cleanly, in one batch per 500.
std::map<std::string, int64_t> CleanRun(const std::vector<std::vector<pb::TradeEvent>>& feeds) {
  TestClearingHouse reference;
  for (const auto& events : feeds) {
    for (size_t i = 0; i < events.size(); i += 500) {
      reference.Submit(std::vector<pb::TradeEvent>(
          events.begin() + i, events.begin() + std::min(events.size(), i + 500)));
    }
  }
  return reference.NetPositions();
}

TEST(FeedStreamTest, ACutStreamResumesWithNoGapAndNoDuplicate) {
  TestClearingHouse house;
  const std::vector<pb::TradeEvent> events = Generate(3000, 11, "X1");
  {
    FeedClient first(house, "X1");
    ASSERT_TRUE(first.logged_on());
    EXPECT_EQ(first.held_sequence(), 0);
    for (size_t from = 0; from < 1000; from += 100)
      ASSERT_TRUE(first.SendAndAck(events, from, from + 100));
    first.Send(events, 1000, 1100);  // in flight when the connection drops
    first.Cut();
    first.Finish();
  }
  FeedClient second(house, "X1");
  ASSERT_TRUE(second.logged_on());
  const int64_t held = second.held_sequence();
  EXPECT_TRUE(held == 1000 || held == 1100) << held;
  // Resend an overlap the server already holds: answered, nothing applied twice.
  ASSERT_TRUE(second.SendAndAck(events, held - 50, held + 50));
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(second.last_reply().batch_ack().results(i).outcome(),
              pb::TRADE_OUTCOME_ALREADY_ACCEPTED);
  }
  for (size_t from = held + 50; from < events.size(); from += 250) {
    ASSERT_TRUE(second.SendAndAck(events, from, std::min(events.size(), from + 250)));
  }
  EXPECT_TRUE(second.Finish().ok());

  EXPECT_EQ(house.NetPositions(), CleanRun({events}));
  house.CheckedOpenInterest();
  FeedClient third(house, "X1");
  EXPECT_EQ(third.held_sequence(), 3000);
}

TEST(FeedStreamTest, AGapEndsTheStreamWithFailedPrecondition) {
  TestClearingHouse house;
  const std::vector<pb::TradeEvent> events = Generate(20, 5, "G1");
  FeedClient client(house, "G1");
  ASSERT_TRUE(client.SendAndAck(events, 0, 5));
  client.Send(events, 10, 20);  // sequence 11 after 5: a gap
  grpc::Status status = client.Finish();
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("next is 6"), std::string::npos) << status.error_message();
  FeedClient again(house, "G1");
  EXPECT_EQ(again.held_sequence(), 5);
}

TEST(FeedStreamTest, AFeedBelongsToTheExchangeThatOpenedIt) {
  TestClearingHouse house;
  const std::vector<pb::TradeEvent> events = Generate(5, 9, "O1");
  FeedClient owner(house, "O1");
  ASSERT_TRUE(owner.SendAndAck(events, 0, 5));
  owner.Finish();
  FeedClient intruder(house, "O1", kOtherExchangeToken);
  EXPECT_FALSE(intruder.logged_on());
  EXPECT_EQ(intruder.Finish().error_code(), grpc::PERMISSION_DENIED);
}

TEST(FeedStreamTest, TheFirstMessageMustBeALogon) {
  TestClearingHouse house;
  auto stub = house.TradeCapture();
  grpc::ClientContext context;
  TestClearingHouse::Authorize(context, kExchangeToken);
  std::unique_ptr<FeedStream> stream = stub->StreamTrades(&context);
  pb::FeedMessage batch;
  batch.mutable_batch()->set_first_sequence(1);
  stream->Write(batch);
  stream->WritesDone();
  EXPECT_EQ(stream->Finish().error_code(), grpc::INVALID_ARGUMENT);
}

TEST(FeedStreamTest, SeveralFeedsAtOnce) {
  TestClearingHouse house;
  constexpr int kFeeds = 4;
  std::vector<std::vector<pb::TradeEvent>> feeds;
  for (int f = 0; f < kFeeds; ++f) feeds.push_back(Generate(800, 100 + f, absl::StrCat("P", f)));
  std::vector<std::thread> threads;
  for (int f = 0; f < kFeeds; ++f) {
    threads.emplace_back([&, f] {
      FeedClient client(house, absl::StrCat("P", f));
      ASSERT_TRUE(client.logged_on());
      for (size_t from = 0; from < feeds[f].size(); from += 40) {
        ASSERT_TRUE(client.SendAndAck(feeds[f], from, from + 40));
      }
      EXPECT_TRUE(client.Finish().ok());
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(house.NetPositions(), CleanRun(feeds));
  EXPECT_GT(house.CheckedOpenInterest(), 0);
}

}  // namespace
}  // namespace tc::testing
