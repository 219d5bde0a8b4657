// Conversions between the public protobuf API and the domain types. Trade events coming
// in are untrusted: anything the domain cannot represent (an unset oneof, a malformed
// date, an unknown enum value, a missing timestamp) becomes a Rejection naming the field
// path as the caller sent it, e.g. "events[3].trade.trade_date".
//
//   std::variant<clearing::TradeEvent, clearing::Rejection> event =
//       FromProto(request.events(i), absl::StrCat("events[", i, "]"));
#ifndef TOKENCLEAR_SERVICES_PROTO_CONVERT_H_
#define TOKENCLEAR_SERVICES_PROTO_CONVERT_H_

#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <variant>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clearing/batch_plan.h"
#include "clearing/reference_data.h"
#include "clearing/trade_event.h"
#include "store/ledger_store.h"
#include "store/margin_store.h"
#include "store/position_store.h"
#include "store/reference_store.h"
#include "tokenclear/v1/ledger.pb.h"
#include "tokenclear/v1/margin.pb.h"
#include "tokenclear/v1/positions.pb.h"
#include "tokenclear/v1/reference_data.pb.h"
#include "tokenclear/v1/trade_capture.pb.h"

namespace tc::services {

namespace pb = ::tokenclear::v1;

std::variant<clearing::TradeEvent, clearing::Rejection> FromProto(const pb::TradeEvent& event,
                                                                  absl::string_view path);

// The key the caller sent for an event, even when the event does not convert: the trade
// ID, the cancelled trade's ID, or the replacement's ID ("" when none was sent).
const std::string& SentEventKey(const pb::TradeEvent& event);

pb::TradeResult ToProto(const clearing::EventResult& result, absl::string_view path);
pb::TradeResult RejectedResult(const std::string& key, const clearing::Rejection& rejection);

// Reference data: admin input (unset enums become a Rejection) and list output.
std::variant<clearing::Product, clearing::Rejection> FromProto(const pb::Product& product);
std::variant<clearing::Member, clearing::Rejection> FromProto(const pb::Member& member);
std::variant<clearing::Account, clearing::Rejection> FromProto(const pb::Account& account);
std::variant<clearing::Instrument, clearing::Rejection> FromProto(const pb::Instrument& i);
pb::Product ToProto(const clearing::Product& product);
pb::Instrument ToProto(const clearing::Instrument& instrument);
pb::Member ToProto(const clearing::Member& member);
pb::Account ToProto(const clearing::Account& account);
pb::Position ToProto(const store::PositionRow& row);
pb::ClearedLeg ToProto(const store::LegRow& row);
// The ledger, for LedgerService and a member's cash statement (MemberService).
pb::LedgerAccount ToProto(const settlement::LedgerAccount& account);
pb::JournalEntry ToProto(const store::StoredJournalEntry& stored);
// Stored margin requirements (MarginService.ListMarginRequirements, MemberService.GetMargin).
pb::MarginRequirement ToProto(const store::MarginRequirementRow& row);
pb::OriginRequirement ToProto(const store::OriginRequirementRow& row);

// `time` as a Timestamp, exact to the microsecond. Floor division, so an instant before
// 1970 still has nanos in 0..999,999,999 (a Timestamp's rule).
void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out);
// A request's Timestamp `field` as a time: INVALID_ARGUMENT naming the field unless it lies
// between 2000 and 2199 (no instant outside is one of ours).
absl::StatusOr<absl::Time> TimeFromTimestamp(absl::string_view field,
                                             const google::protobuf::Timestamp& ts);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_PROTO_CONVERT_H_
