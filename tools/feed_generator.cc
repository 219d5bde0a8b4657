#include "tools/feed_generator.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/check.h"

namespace tc::tools {
namespace {

namespace pb = ::tokenclear::v1;

// Amendments pick from this many most recent live trades: enough variety, bounded memory.
constexpr size_t kRecentWindow = 1024;
// Trading starts 14:30 UTC; consecutive events are 50 microseconds apart.
constexpr int64_t kMicrosBetweenEvents = 50;
// A price step is at most this many ticks either way.
constexpr int64_t kMaxTicksPerStep = 3;

}  // namespace

FeedGenerator::FeedGenerator(FeedUniverse universe, GeneratorOptions options)
    : universe_(std::move(universe)), options_(std::move(options)), state_(options_.seed) {
  TC_CHECK(!universe_.instruments.empty());
  TC_CHECK(universe_.account_ids.size() >= 2);
  for (const GeneratedInstrument& instrument : universe_.instruments) {
    TC_CHECK(instrument.tick_size_micros > 0 && instrument.max_quantity > 0);
    last_price_micros_.push_back(instrument.start_price_micros);
  }
}

// SplitMix64: small, fast and identical everywhere.
uint64_t FeedGenerator::NextRandom() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t FeedGenerator::Below(uint64_t bound) {
  TC_CHECK(bound > 0);
  return NextRandom() % bound;  // the modulo bias is irrelevant for test traffic
}

pb::Trade FeedGenerator::NewTrade() {
  const size_t which = Below(universe_.instruments.size());
  const GeneratedInstrument& instrument = universe_.instruments[which];
  int64_t& price = last_price_micros_[which];
  const int64_t ticks = static_cast<int64_t>(Below(2 * kMaxTicksPerStep + 1)) - kMaxTicksPerStep;
  price = std::max(instrument.tick_size_micros, price + ticks * instrument.tick_size_micros);
  price -= price % instrument.tick_size_micros;  // keep a start price that is off tick on tick

  const size_t buyer = Below(universe_.account_ids.size());
  size_t seller = Below(universe_.account_ids.size() - 1);
  if (seller >= buyer) ++seller;  // distinct from the buyer

  pb::Trade trade;
  trade.set_trade_id(absl::StrFormat("%s-%09d", options_.id_prefix, ++trades_generated_));
  trade.set_instrument_id(instrument.instrument_id);
  trade.set_price_micros(price);
  trade.set_quantity(1 + static_cast<int64_t>(Below(instrument.max_quantity)));
  trade.set_buyer_account_id(universe_.account_ids[buyer]);
  trade.set_seller_account_id(universe_.account_ids[seller]);
  trade.set_trade_date(universe_.business_date);
  absl::CivilDay day;
  TC_CHECK(absl::ParseCivilTime(universe_.business_date, &day));
  const int64_t micros = absl::ToUnixMicros(absl::FromCivil(day, absl::UTCTimeZone())) +
                         options_.session_start_seconds * 1'000'000 +
                         events_generated_ * kMicrosBetweenEvents;
  trade.mutable_executed_at()->set_seconds(micros / 1'000'000);
  trade.mutable_executed_at()->set_nanos(static_cast<int32_t>(micros % 1'000'000) * 1000);
  trade.set_trade_type(pb::TRADE_TYPE_REGULAR);
  return trade;
}

std::string FeedGenerator::TakeRecentTrade() {
  if (recent_trades_.empty()) return "";
  const size_t index = Below(recent_trades_.size());
  std::string trade_id = std::move(recent_trades_[index]);
  recent_trades_.erase(recent_trades_.begin() + static_cast<std::ptrdiff_t>(index));
  return trade_id;
}

pb::TradeEvent FeedGenerator::Next() {
  ++events_generated_;
  pb::TradeEvent event;
  const uint64_t draw = Below(1000);
  std::string amended;
  if (draw < static_cast<uint64_t>(options_.cancels_per_mille + options_.corrections_per_mille)) {
    amended = TakeRecentTrade();
  }
  if (!amended.empty() && draw < static_cast<uint64_t>(options_.cancels_per_mille)) {
    event.mutable_cancel()->set_trade_id(amended);
    event.mutable_cancel()->set_reason("busted by exchange");
    return event;
  }
  pb::Trade trade = NewTrade();
  recent_trades_.push_back(trade.trade_id());
  if (recent_trades_.size() > kRecentWindow) recent_trades_.pop_front();
  if (!amended.empty()) {
    event.mutable_correction()->set_original_trade_id(amended);
    *event.mutable_correction()->mutable_replacement() = std::move(trade);
  } else {
    *event.mutable_trade() = std::move(trade);
  }
  return event;
}

}  // namespace tc::tools
