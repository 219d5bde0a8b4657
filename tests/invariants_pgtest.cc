// A seeded random workload (new trades, cancels, corrections, and CLOSE sides that may
// be refused) from several concurrent submitters, checked against an independent model
// built only from the server's per-event answers: positions match exactly, and open
// interest long equals short for every instrument.
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_clearing_house.h"
#include "tools/feed_generator.h"

namespace tc::testing {
namespace {

const std::vector<std::string> kAccounts = {"CM01-H", "CM01-C1", "CM01-C2", "CM02-H", "CM02-C1"};

bool IsHouse(const std::string& account) { return account.back() == 'H'; }

// The expected book: house accounts net, customer accounts gross long/short.
class PositionModel {
 public:
  void Apply(const pb::Trade& trade, int sign) {
    Leg(trade.buyer_account_id(), trade.instrument_id(), true, trade.buyer_position_effect(),
        sign * trade.quantity());
    Leg(trade.seller_account_id(), trade.instrument_id(), false, trade.seller_position_effect(),
        sign * trade.quantity());
  }

  // "account/instrument" -> {long, short}, non-zero only.
  std::map<std::string, std::pair<int64_t, int64_t>> Book() const {
    std::map<std::string, std::pair<int64_t, int64_t>> book;
    for (const auto& [key, ls] : book_) {
      if (ls.first != 0 || ls.second != 0) book[key] = ls;
    }
    return book;
  }

 private:
  void Leg(const std::string& account, const std::string& instrument, bool buys,
           pb::PositionEffect effect, int64_t quantity) {
    auto& [long_qty, short_qty] = book_[absl::StrCat(account, "/", instrument)];
    if (IsHouse(account)) {
      int64_t net = long_qty - short_qty + (buys ? quantity : -quantity);
      long_qty = std::max<int64_t>(net, 0);
      short_qty = std::max<int64_t>(-net, 0);
    } else if (effect == pb::POSITION_EFFECT_CLOSE) {
      (buys ? short_qty : long_qty) -= quantity;
    } else {
      (buys ? long_qty : short_qty) += quantity;
    }
  }

  std::map<std::string, std::pair<int64_t, int64_t>> book_;
};

TEST(InvariantsTest, RandomConcurrentWorkloadMatchesTheModelAndOpenInterestBalances) {
  TestClearingHouse house;
  constexpr int kSubmitters = 3;
  constexpr int kBatches = 40;
  constexpr int kBatchSize = 50;
  std::mutex mutex;
  std::map<std::string, pb::Trade> accepted;       // live trades by id
  std::vector<std::pair<pb::Trade, int>> applied;  // (trade, +1 applied / -1 reversed)
  int rejected = 0;

  std::vector<std::thread> threads;
  for (int s = 0; s < kSubmitters; ++s) {
    threads.emplace_back([&, s] {
      tools::FeedGenerator generator(
          tools::FeedUniverse{kOpenDate, {{"TKF-202612", 5000, 3'000'000, 30}}, kAccounts},
          {.seed = 4242u + s,
           .id_prefix = absl::StrCat("W", s),
           .cancels_per_mille = 50,
           .corrections_per_mille = 50});
      std::mt19937 coin(s);
      for (int b = 0; b < kBatches; ++b) {
        std::vector<pb::TradeEvent> batch;
        for (int i = 0; i < kBatchSize; ++i) {
          pb::TradeEvent event = generator.Next();
          // Some buyers close instead of open, a few of them far more than any customer
          // holds short: those must be refused (house accounts ignore the effect).
          if (event.has_trade() && coin() % 5 == 0) {
            event.mutable_trade()->set_buyer_position_effect(pb::POSITION_EFFECT_CLOSE);
            if (coin() % 4 == 0) event.mutable_trade()->set_quantity(9000);
          }
          batch.push_back(std::move(event));
        }
        pb::SubmitTradesResponse response = house.Submit(batch);
        ASSERT_EQ(response.results_size(), kBatchSize);
        std::lock_guard<std::mutex> lock(mutex);
        for (int i = 0; i < kBatchSize; ++i) {
          const pb::TradeEvent& event = batch[i];
          const pb::TradeResult& result = response.results(i);
          if (result.outcome() == pb::TRADE_OUTCOME_REJECTED) {
            // Only a CLOSE beyond the open position, or an amendment of a trade that was
            // itself refused, may be refused here.
            EXPECT_TRUE(result.code() == grpc::FAILED_PRECONDITION ||
                        result.code() == grpc::NOT_FOUND)
                << result.message();
            ++rejected;
            continue;
          }
          ASSERT_EQ(result.outcome(), pb::TRADE_OUTCOME_ACCEPTED) << result.key();
          if (event.has_trade()) {
            accepted[event.trade().trade_id()] = event.trade();
            applied.emplace_back(event.trade(), +1);
          } else if (event.has_cancel()) {
            applied.emplace_back(accepted.at(event.cancel().trade_id()), -1);
            accepted.erase(event.cancel().trade_id());
          } else {
            const pb::Trade& replacement = event.correction().replacement();
            applied.emplace_back(accepted.at(event.correction().original_trade_id()), -1);
            accepted.erase(event.correction().original_trade_id());
            accepted[replacement.trade_id()] = replacement;
            applied.emplace_back(replacement, +1);
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  PositionModel model;
  for (const auto& [trade, sign] : applied) model.Apply(trade, sign);
  pb::ListPositionsResponse positions;
  grpc::ClientContext context;
  TestClearingHouse::Authorize(context, kRegulatorToken);
  ASSERT_TRUE(house.Positions()->ListPositions(&context, {}, &positions).ok());
  std::map<std::string, std::pair<int64_t, int64_t>> book;
  for (const pb::Position& p : positions.positions()) {
    book[absl::StrCat(p.account_id(), "/", p.instrument_id())] = {p.long_quantity(),
                                                                  p.short_quantity()};
  }
  EXPECT_EQ(book, model.Book());
  EXPECT_GT(house.CheckedOpenInterest(), 0);
  EXPECT_GT(rejected, 0);  // the workload did exercise refusals
  EXPECT_GT(applied.size(), static_cast<size_t>(kSubmitters * kBatches * kBatchSize / 2));
}

}  // namespace
}  // namespace tc::testing
