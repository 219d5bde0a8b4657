#include "clearing/payload_hash.h"

#include "absl/strings/str_cat.h"
#include "core/business_date.h"

namespace tc::clearing {
namespace {

std::string TradeFields(const Trade& trade) {
  return absl::StrCat(trade.trade_id, "|", trade.instrument_id, "|", trade.price_micros, "|",
                      trade.quantity, "|", trade.buyer_account_id, "|", trade.seller_account_id,
                      "|", FormatBusinessDate(trade.trade_date), "|",
                      absl::ToUnixNanos(trade.executed_at), "|",
                      std::string(1, static_cast<char>(trade.trade_type)), "|",
                      std::string(1, static_cast<char>(trade.buyer_effect)), "|",
                      std::string(1, static_cast<char>(trade.seller_effect)));
}

}  // namespace

std::string CanonicalForm(const TradeEvent& event) {
  struct Form {
    std::string operator()(const NewTrade& e) const {
      return absl::StrCat("new|", TradeFields(e.trade));
    }
    std::string operator()(const CancelTrade& e) const {
      return absl::StrCat("cancel|", e.trade_id, "|", e.reason.size(), ":", e.reason);
    }
    std::string operator()(const CorrectTrade& e) const {
      return absl::StrCat("correct|", e.original_trade_id, "|", TradeFields(e.replacement));
    }
  };
  return std::visit(Form{}, event);
}

Sha256Digest PayloadHash(const TradeEvent& event) { return Sha256(CanonicalForm(event)); }

}  // namespace tc::clearing
