#include "services/common/proto_convert.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/sha256.h"
#include "proto/request_parsing.h"

namespace tc::services {
namespace {

using clearing::Rejection;

Rejection Invalid(absl::string_view path, absl::string_view field, std::string what) {
  std::string full = absl::StrCat(path, ".", field);
  return Rejection{absl::StatusCode::kInvalidArgument, full, absl::StrCat(full, " ", what)};
}

// Timestamps: seconds within years 2000..2199 and nanos in range.
constexpr int64_t kMinSeconds = 946684800;   // 2000-01-01
constexpr int64_t kMaxSeconds = 7258118400;  // 2200-01-01

std::variant<clearing::Trade, Rejection> TradeFromProto(const pb::Trade& in,
                                                        absl::string_view path) {
  clearing::Trade t;
  t.trade_id = in.trade_id();
  t.instrument_id = in.instrument_id();
  t.price_micros = in.price_micros();
  t.quantity = in.quantity();
  t.buyer_account_id = in.buyer_account_id();
  t.seller_account_id = in.seller_account_id();
  absl::StatusOr<absl::CivilDay> day =
      ParseBusinessDate(absl::StrCat(path, ".trade_date"), in.trade_date());
  if (!day.ok()) {
    return Rejection{day.status().code(), absl::StrCat(path, ".trade_date"),
                     std::string(day.status().message())};
  }
  t.trade_date = *day;
  if (!in.has_executed_at()) return Invalid(path, "executed_at", "is required");
  const auto& ts = in.executed_at();
  if (ts.seconds() < kMinSeconds || ts.seconds() >= kMaxSeconds || ts.nanos() < 0 ||
      ts.nanos() > 999'999'999) {
    return Invalid(path, "executed_at",
                   absl::StrCat("{seconds: ", ts.seconds(), ", nanos: ", ts.nanos(),
                                "} is not a timestamp between 2000 and 2199"));
  }
  t.executed_at = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  switch (in.trade_type()) {
    case pb::TRADE_TYPE_UNSPECIFIED:
    case pb::TRADE_TYPE_REGULAR:
      t.trade_type = clearing::TradeType::kRegular;
      break;
    case pb::TRADE_TYPE_BLOCK:
      t.trade_type = clearing::TradeType::kBlock;
      break;
    case pb::TRADE_TYPE_EFP:
      t.trade_type = clearing::TradeType::kEfp;
      break;
    default:
      return Invalid(path, "trade_type", absl::StrCat(in.trade_type(), " is not a trade type"));
  }
  for (auto [value, field, out] :
       {std::tuple{in.buyer_position_effect(), "buyer_position_effect", &t.buyer_effect},
        std::tuple{in.seller_position_effect(), "seller_position_effect", &t.seller_effect}}) {
    switch (value) {
      case pb::POSITION_EFFECT_UNSPECIFIED:
      case pb::POSITION_EFFECT_OPEN:
        *out = clearing::PositionEffect::kOpen;
        break;
      case pb::POSITION_EFFECT_CLOSE:
        *out = clearing::PositionEffect::kClose;
        break;
      default:
        return Invalid(path, field, absl::StrCat(value, " is not a position effect"));
    }
  }
  return t;
}

template <typename Enum>
std::optional<Rejection> RequireSet(Enum value, absl::string_view path, absl::string_view field) {
  if (static_cast<int>(value) != 0) return std::nullopt;
  return Invalid(path, field, "must be set");
}

}  // namespace

std::variant<clearing::TradeEvent, Rejection> FromProto(const pb::TradeEvent& event,
                                                        absl::string_view path) {
  switch (event.event_case()) {
    case pb::TradeEvent::kTrade: {
      auto trade = TradeFromProto(event.trade(), absl::StrCat(path, ".trade"));
      if (auto* r = std::get_if<Rejection>(&trade)) return *r;
      return clearing::NewTrade{std::get<clearing::Trade>(std::move(trade))};
    }
    case pb::TradeEvent::kCancel:
      return clearing::CancelTrade{event.cancel().trade_id(), event.cancel().reason()};
    case pb::TradeEvent::kCorrection: {
      auto replacement = TradeFromProto(event.correction().replacement(),
                                        absl::StrCat(path, ".correction.replacement"));
      if (auto* r = std::get_if<Rejection>(&replacement)) return *r;
      return clearing::CorrectTrade{event.correction().original_trade_id(),
                                    std::get<clearing::Trade>(std::move(replacement))};
    }
    case pb::TradeEvent::EVENT_NOT_SET:
      break;
  }
  return Rejection{absl::StatusCode::kInvalidArgument, std::string(path),
                   absl::StrCat(path, " has no trade, cancel or correction set")};
}

const std::string& SentEventKey(const pb::TradeEvent& event) {
  switch (event.event_case()) {
    case pb::TradeEvent::kTrade:
      return event.trade().trade_id();
    case pb::TradeEvent::kCancel:
      return event.cancel().trade_id();
    case pb::TradeEvent::kCorrection:
      return event.correction().replacement().trade_id();
    case pb::TradeEvent::EVENT_NOT_SET:
      break;
  }
  static const std::string* const kNone = new std::string();
  return *kNone;
}

pb::TradeResult RejectedResult(const std::string& key, const Rejection& rejection) {
  // Result strings are proto3 strings: one that is not valid UTF-8 would make the whole
  // response unreadable to the exchange, so such text (never expected: messages quote
  // parsed, shortened input) is escaped rather than sent.
  auto utf8 = [](const std::string& text) {
    return proto::IsValidUtf8(text) ? text : absl::CHexEscape(text);
  };
  pb::TradeResult out;
  out.set_key(utf8(key));
  out.set_outcome(pb::TRADE_OUTCOME_REJECTED);
  out.set_code(static_cast<int>(rejection.code));
  out.set_field(utf8(rejection.field));
  out.set_message(utf8(rejection.message));
  return out;
}

pb::TradeResult ToProto(const clearing::EventResult& result, absl::string_view path) {
  if (result.rejection) {
    // Domain messages start with their field; store messages (field empty) do not.
    Rejection prefixed = *result.rejection;
    const bool has_field = !prefixed.field.empty();
    prefixed.field = has_field ? absl::StrCat(path, ".", prefixed.field) : std::string(path);
    prefixed.message = absl::StrCat(path, has_field ? "." : ": ", prefixed.message);
    return RejectedResult(result.key, prefixed);
  }
  pb::TradeResult out;
  out.set_key(result.key);
  out.set_outcome(result.outcome == clearing::Outcome::kAccepted
                      ? pb::TRADE_OUTCOME_ACCEPTED
                      : pb::TRADE_OUTCOME_ALREADY_ACCEPTED);
  return out;
}

std::variant<clearing::Product, Rejection> FromProto(const pb::Product& in) {
  if (auto r = RequireSet(in.final_settlement_rule(), "product", "final_settlement_rule")) {
    return *r;
  }
  return clearing::Product{in.product_code(),
                           in.name(),
                           in.index_code(),
                           in.contract_multiplier(),
                           in.tick_size_micros(),
                           in.currency(),
                           in.listed_months(),
                           in.final_settlement_rule() == pb::FINAL_SETTLEMENT_RULE_THIRD_WEDNESDAY
                               ? clearing::FinalSettlementRule::kThirdWednesday
                               : clearing::FinalSettlementRule::kLastBusinessDay,
                           in.last_trading_offset_days(),
                           in.settlement_type(),
                           in.max_trade_quantity(),
                           in.max_price_micros()};
}

std::variant<clearing::Member, Rejection> FromProto(const pb::Member& in) {
  if (auto r = RequireSet(in.status(), "member", "status")) return *r;
  return clearing::Member{in.member_id(), in.name(), in.lei(),
                          in.status() == pb::MEMBER_STATUS_ACTIVE
                              ? clearing::MemberStatus::kActive
                              : clearing::MemberStatus::kSuspended};
}

std::variant<clearing::Account, Rejection> FromProto(const pb::Account& in) {
  if (auto r = RequireSet(in.origin(), "account", "origin")) return *r;
  if (auto r = RequireSet(in.account_class(), "account", "account_class")) return *r;
  if (auto r = RequireSet(in.status(), "account", "status")) return *r;
  return clearing::Account{
      in.account_id(),
      in.member_id(),
      in.origin() == pb::ORIGIN_HOUSE ? clearing::Origin::kHouse : clearing::Origin::kCustomer,
      in.account_class() == pb::ACCOUNT_CLASS_MEMBER   ? clearing::AccountClass::kMember
      : in.account_class() == pb::ACCOUNT_CLASS_HEDGER ? clearing::AccountClass::kHedger
                                                       : clearing::AccountClass::kSpeculator,
      in.status() == pb::ACCOUNT_STATUS_ACTIVE ? clearing::AccountStatus::kActive
                                               : clearing::AccountStatus::kSuspended,
      in.customer_name()};
}

std::variant<clearing::Instrument, Rejection> FromProto(const pb::Instrument& in) {
  if (auto r = RequireSet(in.status(), "instrument", "status")) return *r;
  absl::StatusOr<absl::CivilDay> last =
      ParseBusinessDate("instrument.last_trading_date", in.last_trading_date());
  if (!last.ok()) {
    return Rejection{last.status().code(), "instrument.last_trading_date",
                     std::string(last.status().message())};
  }
  absl::StatusOr<absl::CivilDay> final_settlement =
      ParseBusinessDate("instrument.final_settlement_date", in.final_settlement_date());
  if (!final_settlement.ok()) {
    return Rejection{final_settlement.status().code(), "instrument.final_settlement_date",
                     std::string(final_settlement.status().message())};
  }
  return clearing::Instrument{in.instrument_id(),
                              in.product_code(),
                              in.contract_month(),
                              *last,
                              *final_settlement,
                              in.status() == pb::INSTRUMENT_STATUS_ACTIVE
                                  ? clearing::InstrumentStatus::kActive
                                  : clearing::InstrumentStatus::kExpired};
}

pb::Product ToProto(const clearing::Product& p) {
  pb::Product out;
  out.set_product_code(p.product_code);
  out.set_name(p.name);
  out.set_index_code(p.index_code);
  out.set_contract_multiplier(p.contract_multiplier);
  out.set_tick_size_micros(p.tick_size_micros);
  out.set_currency(p.currency);
  out.set_listed_months(p.listed_months);
  out.set_final_settlement_rule(p.final_settlement_rule ==
                                        clearing::FinalSettlementRule::kThirdWednesday
                                    ? pb::FINAL_SETTLEMENT_RULE_THIRD_WEDNESDAY
                                    : pb::FINAL_SETTLEMENT_RULE_LAST_BUSINESS_DAY);
  out.set_last_trading_offset_days(p.last_trading_offset_days);
  out.set_settlement_type(p.settlement_type);
  out.set_max_trade_quantity(p.max_trade_quantity);
  out.set_max_price_micros(p.max_price_micros);
  return out;
}

pb::Instrument ToProto(const clearing::Instrument& i) {
  pb::Instrument out;
  out.set_instrument_id(i.instrument_id);
  out.set_product_code(i.product_code);
  out.set_contract_month(i.contract_month);
  out.set_last_trading_date(FormatBusinessDate(i.last_trading_date));
  out.set_final_settlement_date(FormatBusinessDate(i.final_settlement_date));
  out.set_status(i.status == clearing::InstrumentStatus::kActive ? pb::INSTRUMENT_STATUS_ACTIVE
                                                                 : pb::INSTRUMENT_STATUS_EXPIRED);
  return out;
}

pb::Member ToProto(const clearing::Member& m) {
  pb::Member out;
  out.set_member_id(m.member_id);
  out.set_name(m.name);
  out.set_lei(m.lei);
  out.set_status(m.status == clearing::MemberStatus::kActive ? pb::MEMBER_STATUS_ACTIVE
                                                             : pb::MEMBER_STATUS_SUSPENDED);
  return out;
}

pb::Account ToProto(const clearing::Account& a) {
  pb::Account out;
  out.set_account_id(a.account_id);
  out.set_member_id(a.member_id);
  out.set_origin(a.origin == clearing::Origin::kHouse ? pb::ORIGIN_HOUSE : pb::ORIGIN_CUSTOMER);
  out.set_account_class(
      a.account_class == clearing::AccountClass::kMember   ? pb::ACCOUNT_CLASS_MEMBER
      : a.account_class == clearing::AccountClass::kHedger ? pb::ACCOUNT_CLASS_HEDGER
                                                           : pb::ACCOUNT_CLASS_SPECULATOR);
  out.set_status(a.status == clearing::AccountStatus::kActive ? pb::ACCOUNT_STATUS_ACTIVE
                                                              : pb::ACCOUNT_STATUS_SUSPENDED);
  out.set_customer_name(a.customer_name);
  return out;
}

pb::Position ToProto(const store::PositionRow& row) {
  pb::Position out;
  out.set_account_id(row.account_id);
  out.set_member_id(row.member_id);
  out.set_instrument_id(row.instrument_id);
  out.set_long_quantity(row.long_quantity);
  out.set_short_quantity(row.short_quantity);
  return out;
}

pb::ClearedLeg ToProto(const store::LegRow& row) {
  pb::ClearedLeg out;
  out.set_trade_id(row.trade_id);
  out.set_account_id(row.account_id);
  out.set_instrument_id(row.instrument_id);
  out.set_side(row.side);
  out.set_quantity(row.quantity);
  out.set_price_micros(row.price_micros);
  out.set_trade_date(row.trade_date);
  out.mutable_executed_at()->set_seconds(row.executed_at_micros / 1'000'000);
  out.mutable_executed_at()->set_nanos(static_cast<int>(row.executed_at_micros % 1'000'000) * 1000);
  out.set_status(row.status == "CLEARED"     ? pb::TRADE_STATUS_CLEARED
                 : row.status == "CANCELLED" ? pb::TRADE_STATUS_CANCELLED
                                             : pb::TRADE_STATUS_CORRECTED);
  out.set_replaced_by(row.replaced_by);
  return out;
}

absl::StatusOr<absl::Time> TimeFromTimestamp(absl::string_view field,
                                             const google::protobuf::Timestamp& ts) {
  if (ts.seconds() < kMinSeconds || ts.seconds() >= kMaxSeconds || ts.nanos() < 0 ||
      ts.nanos() > 999'999'999) {
    return absl::InvalidArgumentError(absl::StrCat(field, " {seconds: ", ts.seconds(),
                                                   ", nanos: ", ts.nanos(),
                                                   "} is not a timestamp between 2000 and 2199"));
  }
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  const int64_t seconds = micros / 1'000'000 - (micros % 1'000'000 < 0 ? 1 : 0);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>((micros - seconds * 1'000'000) * 1'000));
}

pb::LedgerAccount ToProto(const settlement::LedgerAccount& account) {
  pb::LedgerAccount out;
  out.set_ledger_account_id(account.ledger_account_id);
  out.set_kind(std::string(settlement::LedgerAccountKindName(account.kind)));
  out.set_member_id(account.member_id);
  if (account.origin.has_value()) {
    out.set_origin(std::string(settlement::OriginName(*account.origin)));
  }
  out.set_currency(account.currency);
  return out;
}

pb::JournalEntry ToProto(const store::StoredJournalEntry& stored) {
  pb::JournalEntry out;
  out.set_entry_id(stored.entry_id);
  out.set_idempotency_key(stored.entry.idempotency_key);
  out.set_business_date(FormatBusinessDate(stored.entry.business_date));
  out.set_kind(stored.entry.kind);
  out.set_description(stored.entry.description);
  out.set_eod_step(stored.entry.eod_step);
  out.set_reverses_entry_id(stored.reverses_entry_id.value_or(0));
  out.set_posted_by(stored.posted_by);
  SetTimestamp(stored.posted_at, out.mutable_posted_at());
  out.set_payload_sha256(ToHex(stored.payload_sha256));
  for (const settlement::JournalLine& line : stored.entry.lines) {
    pb::JournalLine* l = out.add_lines();
    *l->mutable_account() = ToProto(line.account);
    l->set_amount_cents(line.amount_cents);
  }
  return out;
}

pb::MarginRequirement ToProto(const store::MarginRequirementRow& row) {
  pb::MarginRequirement out;
  out.set_business_date(FormatBusinessDate(row.business_date));
  out.set_account_id(row.account_id);
  out.set_member_id(row.member_id);
  out.set_origin(row.origin == clearing::Origin::kHouse ? pb::ORIGIN_HOUSE : pb::ORIGIN_CUSTOMER);
  out.set_maintenance_micros(row.maintenance_micros);
  out.set_initial_micros(row.initial_micros);
  out.set_parameter_version(row.parameter_version);
  return out;
}

pb::OriginRequirement ToProto(const store::OriginRequirementRow& row) {
  pb::OriginRequirement out;
  out.set_business_date(FormatBusinessDate(row.business_date));
  out.set_member_id(row.member_id);
  out.set_origin(row.origin == clearing::Origin::kHouse ? pb::ORIGIN_HOUSE : pb::ORIGIN_CUSTOMER);
  out.set_maintenance_micros(row.maintenance_micros);
  out.set_initial_micros(row.initial_micros);
  out.set_parameter_version(row.parameter_version);
  out.set_account_count(row.account_count);
  return out;
}

}  // namespace tc::services
