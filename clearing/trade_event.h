// Trade-capture events in domain form: a new trade, a cancel (bust) of an earlier trade,
// or a correction (replace) of an earlier trade by a new one. Transport code converts
// the protobuf messages into these; everything after that is pure.
//
//   TradeEvent event = NewTrade{trade};
//   absl::string_view key = IdempotencyKey(event);  // the trade id it is keyed by
#ifndef TOKENCLEAR_CLEARING_TRADE_EVENT_H_
#define TOKENCLEAR_CLEARING_TRADE_EVENT_H_

#include <cstdint>
#include <string>
#include <variant>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace tc::clearing {

enum class TradeType : char { kRegular = 'R', kBlock = 'B', kEfp = 'E' };

// FIX PositionEffect: customer accounts are gross, so a side either opens (adds to the
// side traded) or closes (reduces the opposite side). House accounts ignore it.
enum class PositionEffect : char { kOpen = 'O', kClose = 'C' };

struct Trade {
  std::string trade_id;
  std::string instrument_id;
  int64_t price_micros = 0;
  int64_t quantity = 0;
  std::string buyer_account_id;
  std::string seller_account_id;
  absl::CivilDay trade_date;
  absl::Time executed_at;
  TradeType trade_type = TradeType::kRegular;
  PositionEffect buyer_effect = PositionEffect::kOpen;
  PositionEffect seller_effect = PositionEffect::kOpen;
};

struct NewTrade {
  Trade trade;
};

struct CancelTrade {
  std::string trade_id;
  std::string reason;
};

struct CorrectTrade {
  std::string original_trade_id;
  Trade replacement;
};

using TradeEvent = std::variant<NewTrade, CancelTrade, CorrectTrade>;

// The key an event is idempotent on: the new trade's id, the cancelled trade's id, or
// the replacement's id.
absl::string_view IdempotencyKey(const TradeEvent& event);

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_TRADE_EVENT_H_
