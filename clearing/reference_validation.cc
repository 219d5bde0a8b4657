#include "clearing/reference_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clearing/trade_validation.h"
#include "core/identifiers.h"
#include "core/price_limits.h"

namespace tc::clearing {
namespace {

Rejection Invalid(absl::string_view prefix, absl::string_view field, std::string message) {
  std::string path = absl::StrCat(prefix, ".", field);
  return Rejection{absl::StatusCode::kInvalidArgument, path, absl::StrCat(path, " ", message)};
}

std::optional<Rejection> CheckId(absl::string_view prefix, absl::string_view field,
                                 absl::string_view value) {
  std::string path = absl::StrCat(prefix, ".", field);
  absl::Status status = ValidateIdentifier(path, value);
  if (status.ok()) return std::nullopt;
  return Rejection{status.code(), path, std::string(status.message())};
}

std::optional<Rejection> CheckText(absl::string_view prefix, absl::string_view field,
                                   absl::string_view value) {
  if (value.empty()) return Invalid(prefix, field, "is required");
  if (value.size() > 200) return Invalid(prefix, field, "is longer than 200 bytes");
  return std::nullopt;
}

std::optional<Rejection> CheckRange(absl::string_view prefix, absl::string_view field,
                                    int64_t value, int64_t min, int64_t max) {
  if (value >= min && value <= max) return std::nullopt;
  return Invalid(prefix, field, absl::StrCat(value, " is outside ", min, "..", max));
}

}  // namespace

bool IsValidLei(absl::string_view lei) {
  if (lei.size() != 20) return false;
  int remainder = 0;
  for (size_t i = 0; i < lei.size(); ++i) {
    const char c = lei[i];
    const bool digit = absl::ascii_isdigit(static_cast<unsigned char>(c));
    const bool upper = c >= 'A' && c <= 'Z';
    if (!(digit || (upper && i < 18))) return false;
    // Letters count as two digits (A=10 .. Z=35), per ISO 7064.
    const int value = digit ? c - '0' : c - 'A' + 10;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder == 1;
}

std::optional<Rejection> ValidateProduct(const Product& p, absl::string_view prefix) {
  if (auto r = CheckId(prefix, "product_code", p.product_code)) return r;
  if (auto r = CheckText(prefix, "name", p.name)) return r;
  if (auto r = CheckId(prefix, "index_code", p.index_code)) return r;
  if (auto r = CheckRange(prefix, "contract_multiplier", p.contract_multiplier, 1, 1'000'000)) {
    return r;
  }
  if (auto r = CheckRange(prefix, "tick_size_micros", p.tick_size_micros, 1, 1'000'000'000)) {
    return r;
  }
  if (p.currency.size() != 3 || !absl::ascii_isupper(static_cast<unsigned char>(p.currency[0])) ||
      !absl::ascii_isupper(static_cast<unsigned char>(p.currency[1])) ||
      !absl::ascii_isupper(static_cast<unsigned char>(p.currency[2]))) {
    return Invalid(prefix, "currency", absl::StrCat("'", p.currency, "' is not an ISO 4217 code"));
  }
  if (auto r = CheckRange(prefix, "listed_months", p.listed_months, 1, 60)) return r;
  if (auto r = CheckRange(prefix, "last_trading_offset_days", p.last_trading_offset_days, 0, 20)) {
    return r;
  }
  if (p.settlement_type != "CASH") {
    return Invalid(prefix, "settlement_type",
                   absl::StrCat("'", p.settlement_type, "' is not supported: only CASH"));
  }
  if (auto r = CheckRange(prefix, "max_trade_quantity", p.max_trade_quantity, 1, 1'000'000'000)) {
    return r;
  }
  if (auto r = CheckRange(prefix, "max_price_micros", p.max_price_micros, p.tick_size_micros,
                          kMaxPriceMicros)) {
    return r;
  }
  // Every trade's notional (price x quantity x multiplier) must fit in int64 micro-USD, so
  // that mark-to-market never overflows on a trade this product admits.
  if (!TradeNotionalMicros(p.max_price_micros, p.max_trade_quantity, p.contract_multiplier)) {
    return Invalid(prefix, "max_price_micros",
                   absl::StrCat(p.max_price_micros, " x max_trade_quantity ", p.max_trade_quantity,
                                " x contract_multiplier ", p.contract_multiplier,
                                " does not fit in int64 micro-USD"));
  }
  return std::nullopt;
}

std::optional<Rejection> ValidateMember(const Member& m, absl::string_view prefix) {
  if (auto r = CheckId(prefix, "member_id", m.member_id)) return r;
  if (auto r = CheckText(prefix, "name", m.name)) return r;
  if (!IsValidLei(m.lei)) {
    return Invalid(prefix, "lei",
                   absl::StrCat("'", ShortenForMessage(m.lei),
                                "' is not a valid ISO 17442 LEI (20 characters, check digits)"));
  }
  return std::nullopt;
}

std::optional<Rejection> ValidateAccount(const Account& a, const ReferenceSnapshot& snapshot,
                                         absl::string_view prefix) {
  if (auto r = CheckId(prefix, "account_id", a.account_id)) return r;
  if (auto r = CheckId(prefix, "member_id", a.member_id)) return r;
  if (snapshot.FindMember(a.member_id) == nullptr) {
    std::string path = absl::StrCat(prefix, ".member_id");
    return Rejection{absl::StatusCode::kNotFound, path,
                     absl::StrCat(path, " '", a.member_id, "' is not a known member")};
  }
  const bool customer = a.origin == Origin::kCustomer;
  if (customer) return CheckText(prefix, "customer_name", a.customer_name);
  if (!a.customer_name.empty()) {
    return Invalid(prefix, "customer_name", "must be empty for a house account");
  }
  return std::nullopt;
}

std::optional<Rejection> ValidateInstrument(const Instrument& i, const ReferenceSnapshot& snapshot,
                                            absl::string_view prefix) {
  if (auto r = CheckId(prefix, "instrument_id", i.instrument_id)) return r;
  if (snapshot.FindProduct(i.product_code) == nullptr) {
    std::string path = absl::StrCat(prefix, ".product_code");
    return Rejection{absl::StatusCode::kNotFound, path,
                     absl::StrCat(path, " '", i.product_code, "' is not a known product")};
  }
  if (i.contract_month.size() != 6 || !absl::ascii_isdigit(i.contract_month[0])) {
    return Invalid(prefix, "contract_month",
                   absl::StrCat("'", i.contract_month, "' is not CCYYMM"));
  }
  if (i.last_trading_date > i.final_settlement_date) {
    return Invalid(prefix, "last_trading_date", "is after the final settlement date");
  }
  return std::nullopt;
}

}  // namespace tc::clearing
