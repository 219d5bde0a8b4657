#include "clearing/trade_validation.h"

#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"
#include "core/price_limits.h"

namespace tc::clearing {
namespace {

Rejection Reject(absl::StatusCode code, absl::string_view prefix, absl::string_view field,
                 std::string message) {
  std::string path = absl::StrCat(prefix, ".", field);
  return Rejection{code, path, absl::StrCat(path, " ", message)};
}

std::optional<Rejection> CheckIdentifier(absl::string_view prefix, absl::string_view field,
                                         absl::string_view value) {
  std::string path = absl::StrCat(prefix, ".", field);
  absl::Status status = ValidateIdentifier(path, value);
  if (status.ok()) return std::nullopt;
  return Rejection{status.code(), path, std::string(status.message())};
}

std::optional<Rejection> CheckAccount(const ReferenceSnapshot& snapshot, absl::string_view prefix,
                                      absl::string_view field, absl::string_view account_id) {
  const Account* account = snapshot.FindAccount(account_id);
  if (account == nullptr) {
    return Reject(absl::StatusCode::kNotFound, prefix, field,
                  absl::StrCat("'", account_id, "' is not a known account"));
  }
  if (account->status != AccountStatus::kActive) {
    return Reject(absl::StatusCode::kFailedPrecondition, prefix, field,
                  absl::StrCat("'", account_id, "' is suspended"));
  }
  const Member* member = snapshot.FindMember(account->member_id);
  if (member == nullptr || member->status != MemberStatus::kActive) {
    return Reject(
        absl::StatusCode::kFailedPrecondition, prefix, field,
        absl::StrCat("'", account_id, "' belongs to suspended member '", account->member_id, "'"));
  }
  return std::nullopt;
}

}  // namespace

std::optional<Rejection> CheckTradeFields(const Trade& trade, absl::string_view prefix) {
  if (auto r = CheckIdentifier(prefix, "trade_id", trade.trade_id)) return r;
  if (auto r = CheckIdentifier(prefix, "instrument_id", trade.instrument_id)) return r;
  if (auto r = CheckIdentifier(prefix, "buyer_account_id", trade.buyer_account_id)) return r;
  if (auto r = CheckIdentifier(prefix, "seller_account_id", trade.seller_account_id)) return r;
  if (!IsPriceInRange(trade.price_micros)) {
    return Reject(
        absl::StatusCode::kInvalidArgument, prefix, "price_micros",
        absl::StrCat(trade.price_micros, " is outside ", kMinPriceMicros, "..", kMaxPriceMicros));
  }
  if (trade.quantity <= 0) {
    return Reject(absl::StatusCode::kInvalidArgument, prefix, "quantity",
                  absl::StrCat(trade.quantity, " must be positive"));
  }
  if (trade.buyer_account_id == trade.seller_account_id) {
    return Reject(absl::StatusCode::kInvalidArgument, prefix, "seller_account_id",
                  absl::StrCat("'", trade.seller_account_id,
                               "' is also the buyer: an account cannot trade with itself"));
  }
  return std::nullopt;
}

std::optional<Rejection> CheckTradeAgainstReference(const Trade& trade,
                                                    const ReferenceSnapshot& snapshot,
                                                    absl::string_view prefix) {
  const Instrument* instrument = snapshot.FindInstrument(trade.instrument_id);
  if (instrument == nullptr) {
    return Reject(absl::StatusCode::kNotFound, prefix, "instrument_id",
                  absl::StrCat("'", trade.instrument_id, "' is not a listed instrument"));
  }
  if (instrument->status != InstrumentStatus::kActive) {
    return Reject(absl::StatusCode::kFailedPrecondition, prefix, "instrument_id",
                  absl::StrCat("'", trade.instrument_id, "' has expired"));
  }
  const Product* product = snapshot.FindProduct(instrument->product_code);
  if (product == nullptr) {
    return Reject(absl::StatusCode::kInternal, prefix, "instrument_id",
                  absl::StrCat("'", trade.instrument_id, "' has no product"));
  }
  if (trade.price_micros % product->tick_size_micros != 0) {
    return Reject(absl::StatusCode::kInvalidArgument, prefix, "price_micros",
                  absl::StrCat(trade.price_micros, " is not a multiple of the tick size ",
                               product->tick_size_micros, " of ", product->product_code));
  }
  if (trade.price_micros > product->max_price_micros) {
    return Reject(absl::StatusCode::kInvalidArgument, prefix, "price_micros",
                  absl::StrCat(trade.price_micros, " exceeds the maximum price ",
                               product->max_price_micros, " of ", product->product_code));
  }
  if (trade.quantity > product->max_trade_quantity) {
    return Reject(absl::StatusCode::kInvalidArgument, prefix, "quantity",
                  absl::StrCat(trade.quantity, " exceeds the maximum of ",
                               product->max_trade_quantity, " contracts per trade"));
  }
  // Product validation bounds this already; checked again because the notional is the
  // amount mark-to-market multiplies, and stored reference rows are not trusted blindly.
  if (!TradeNotionalMicros(trade.price_micros, trade.quantity, product->contract_multiplier)) {
    return Reject(absl::StatusCode::kInvalidArgument, prefix, "quantity",
                  absl::StrCat(trade.quantity, " at price_micros ", trade.price_micros,
                               " has a notional beyond int64 micro-USD"));
  }
  if (auto r = CheckAccount(snapshot, prefix, "buyer_account_id", trade.buyer_account_id)) {
    return r;
  }
  if (auto r = CheckAccount(snapshot, prefix, "seller_account_id", trade.seller_account_id)) {
    return r;
  }
  if (!snapshot.open_business_date.has_value()) {
    return Reject(absl::StatusCode::kFailedPrecondition, prefix, "trade_date",
                  "cannot be checked: no business date is open");
  }
  if (trade.trade_date != *snapshot.open_business_date) {
    const bool late = trade.trade_date < *snapshot.open_business_date;
    return Reject(absl::StatusCode::kFailedPrecondition, prefix, "trade_date",
                  absl::StrCat(FormatBusinessDate(trade.trade_date), " is ",
                               late ? "a late trade for a closed date" : "in the future",
                               ": the open business date is ",
                               FormatBusinessDate(*snapshot.open_business_date)));
  }
  if (trade.trade_date > instrument->last_trading_date) {
    return Reject(absl::StatusCode::kFailedPrecondition, prefix, "instrument_id",
                  absl::StrCat("'", trade.instrument_id, "' stopped trading on ",
                               FormatBusinessDate(instrument->last_trading_date)));
  }
  return std::nullopt;
}

std::optional<int64_t> TradeNotionalMicros(int64_t price_micros, int64_t quantity,
                                           int64_t contract_multiplier) {
  std::optional<int64_t> per_contract = CheckedMul(price_micros, contract_multiplier);
  if (!per_contract) return std::nullopt;
  return CheckedMul(*per_contract, quantity);
}

}  // namespace tc::clearing
