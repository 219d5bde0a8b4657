#include "clearing/trade_event.h"

namespace tc::clearing {

absl::string_view IdempotencyKey(const TradeEvent& event) {
  struct KeyOf {
    absl::string_view operator()(const NewTrade& e) const { return e.trade.trade_id; }
    absl::string_view operator()(const CancelTrade& e) const { return e.trade_id; }
    absl::string_view operator()(const CorrectTrade& e) const { return e.replacement.trade_id; }
  };
  return std::visit(KeyOf{}, event);
}

}  // namespace tc::clearing
