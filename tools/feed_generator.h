// A seeded, reproducible day of exchange trading: new trades on a price random walk per
// instrument (on tick), between random distinct accounts, with a few cancels and
// corrections of recent trades. The same universe, options and seed always give the same
// events (own PRNG, no std distributions, whose output varies across libraries), and
// memory stays bounded however many events are drawn.
//
//   FeedGenerator generator(universe, {.seed = 42, .id_prefix = "X1-20261123"});
//   tokenclear::v1::TradeEvent event = generator.Next();
#ifndef TOKENCLEAR_TOOLS_FEED_GENERATOR_H_
#define TOKENCLEAR_TOOLS_FEED_GENERATOR_H_

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "tokenclear/v1/trade_capture.pb.h"

namespace tc::tools {

struct GeneratedInstrument {
  std::string instrument_id;
  int64_t tick_size_micros = 5000;
  int64_t start_price_micros = 3'000'000;
  int64_t max_quantity = 50;
};

struct FeedUniverse {
  std::string business_date;  // YYYY-MM-DD: trade date of every event
  std::vector<GeneratedInstrument> instruments;
  std::vector<std::string> account_ids;  // at least two
};

struct GeneratorOptions {
  uint64_t seed = 1;
  std::string id_prefix = "T";  // trade ids are "<prefix>-<counter, 9 digits>"
  // Per mille of events that cancel, or correct, one of the recent live trades.
  int cancels_per_mille = 10;
  int corrections_per_mille = 10;
  // The first event's time after 00:00 UTC of the business date; events follow 50 us
  // apart. The settlement window (docs/INDEX_FIXING.md) decides whether VWAP applies.
  int64_t session_start_seconds = 14 * 3600 + 30 * 60;
};

class FeedGenerator {
 public:
  FeedGenerator(FeedUniverse universe, GeneratorOptions options);

  tokenclear::v1::TradeEvent Next();
  int64_t events_generated() const { return events_generated_; }

 private:
  uint64_t NextRandom();
  uint64_t Below(uint64_t bound);  // uniform in [0, bound)
  tokenclear::v1::Trade NewTrade();
  // A live trade to amend, taken out of the recent window; empty when there is none.
  std::string TakeRecentTrade();

  const FeedUniverse universe_;
  const GeneratorOptions options_;
  uint64_t state_;
  int64_t events_generated_ = 0;
  int64_t trades_generated_ = 0;
  std::vector<int64_t> last_price_micros_;
  std::deque<std::string> recent_trades_;  // bounded: see kRecentWindow
};

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_FEED_GENERATOR_H_
