#include "services/position_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/check.h"
#include "core/identifiers.h"
#include "services/grpc_status.h"
#include "services/proto_convert.h"
#include "services/trade_capture_service.h"
#include "store/position_store.h"

namespace tc::services {
namespace {

using store::Role;

constexpr absl::Duration kReadTime = absl::Seconds(30);
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

// Optional identifiers in filters: empty means "any", anything else must be well formed.
absl::Status CheckOptionalId(absl::string_view field, const std::string& value) {
  return value.empty() ? absl::OkStatus() : ValidateIdentifier(field, value);
}

}  // namespace

grpc::Status PositionServiceImpl::ListPositions(grpc::ServerContext* context,
                                                const pb::ListPositionsRequest* request,
                                                pb::ListPositionsResponse* response) {
  absl::StatusOr<Principal> caller =
      auth_.Authorize(*context, {Role::kMember, Role::kTreasury, Role::kRegulator, Role::kAdmin});
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  for (auto [field, value] : {std::pair{"member_id", &request->member_id()},
                              std::pair{"account_id", &request->account_id()},
                              std::pair{"instrument_id", &request->instrument_id()}}) {
    if (absl::Status s = CheckOptionalId(field, *value); !s.ok()) return ToGrpcStatus(s);
  }
  absl::StatusOr<std::string> member = VisibleMember(*caller, request->member_id());
  if (!member.ok()) return ToGrpcStatus(member.status());
  if (!request->account_id().empty()) {
    absl::StatusOr<std::shared_ptr<const ReferenceState>> state = cache_.Recent();
    if (!state.ok()) return ToGrpcStatus(state.status());
    if (absl::Status s = CheckAccountVisible(*caller, **state, request->account_id()); !s.ok()) {
      return ToGrpcStatus(s);
    }
  }
  const store::PositionFilter filter{*member, request->account_id(), request->instrument_id()};
  return ToGrpcStatus(
      pool_.Transact({.deadline = RequestDeadline(*context, kReadTime)}, [&](pqxx::work& tx) {
        for (const store::PositionRow& row : store::ListPositions(tx, filter)) {
          *response->add_positions() = ToProto(row);
        }
        return absl::OkStatus();
      }));
}

grpc::Status PositionServiceImpl::GetOpenInterest(grpc::ServerContext* context,
                                                  const pb::GetOpenInterestRequest* request,
                                                  pb::GetOpenInterestResponse* response) {
  absl::StatusOr<Principal> caller = auth_.Authenticate(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = CheckOptionalId("instrument_id", request->instrument_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  return ToGrpcStatus(
      pool_.Transact({.deadline = RequestDeadline(*context, kReadTime)}, [&](pqxx::work& tx) {
        for (const store::OpenInterestRow& row :
             store::ListOpenInterest(tx, request->instrument_id())) {
          // The read-back end of the invariant: every leg has its opposite.
          TC_CHECK_EQ(row.total_long, row.total_short) << row.instrument_id;
          pb::OpenInterest* out = response->add_open_interest();
          out->set_instrument_id(row.instrument_id);
          out->set_total_long(row.total_long);
          out->set_total_short(row.total_short);
        }
        return absl::OkStatus();
      }));
}

grpc::Status PositionServiceImpl::ListTrades(grpc::ServerContext* context,
                                             const pb::ListTradesRequest* request,
                                             pb::ListTradesResponse* response) {
  absl::StatusOr<Principal> caller =
      auth_.Authorize(*context, {Role::kMember, Role::kTreasury, Role::kRegulator, Role::kAdmin});
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = ValidateIdentifier("account_id", request->account_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (!request->trade_date().empty()) {
    if (absl::Status s = ParseBusinessDate("trade_date", request->trade_date()).status(); !s.ok()) {
      return ToGrpcStatus(s);
    }
  }
  if (absl::Status s = CheckOptionalId("page_token", request->page_token()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat("page_size ", request->page_size(), " is outside 0..", kMaxPageSize));
  }
  absl::StatusOr<std::shared_ptr<const ReferenceState>> state = cache_.Recent();
  if (!state.ok()) return ToGrpcStatus(state.status());
  if (absl::Status s = CheckAccountVisible(*caller, **state, request->account_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  const int limit = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
  const store::LegQuery query{request->account_id(), request->trade_date(), request->page_token(),
                              limit};
  return ToGrpcStatus(
      pool_.Transact({.deadline = RequestDeadline(*context, kReadTime)}, [&](pqxx::work& tx) {
        std::vector<store::LegRow> legs = store::ListLegs(tx, query);
        for (const store::LegRow& leg : legs) *response->add_legs() = ToProto(leg);
        if (static_cast<int>(legs.size()) == limit) {
          response->set_next_page_token(legs.back().trade_id);
        }
        return absl::OkStatus();
      }));
}

}  // namespace tc::services
