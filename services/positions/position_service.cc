#include "services/positions/position_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/identifiers.h"
#include "core/internal_error.h"
#include "core/status_macros.h"
#include "services/common/proto_convert.h"
#include "store/position_store.h"

namespace tc::services {
namespace {

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
  return rpc_.Run(
      context, "ListPositions", clearing::kPositionReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        for (auto [field, value] : {std::pair{"member_id", &request->member_id()},
                                    std::pair{"account_id", &request->account_id()},
                                    std::pair{"instrument_id", &request->instrument_id()}}) {
          TC_RETURN_IF_ERROR(CheckOptionalId(field, *value));
        }
        TC_ASSIGN_OR_RETURN(std::string member,
                            clearing::VisibleMember(call.caller, request->member_id()));
        if (!request->account_id().empty()) {
          TC_ASSIGN_OR_RETURN(std::shared_ptr<const ReferenceState> state, cache_.Recent());
          TC_RETURN_IF_ERROR(
              clearing::CheckAccountVisible(call.caller, state->snapshot, request->account_id()));
        }
        const store::PositionFilter filter{member, request->account_id(), request->instrument_id()};
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) {
          for (const store::PositionRow& row : store::ListPositions(tx, filter)) {
            *response->add_positions() = ToProto(row);
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status PositionServiceImpl::GetOpenInterest(grpc::ServerContext* context,
                                                  const pb::GetOpenInterestRequest* request,
                                                  pb::GetOpenInterestResponse* response) {
  return rpc_.Run(
      context, "GetOpenInterest", clearing::kAnyRole, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_RETURN_IF_ERROR(CheckOptionalId("instrument_id", request->instrument_id()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          for (const store::OpenInterestRow& row :
               store::ListOpenInterest(tx, request->instrument_id())) {
            // The read-back end of the invariant: every leg has its opposite. A stored
            // imbalance is reported, never served and never a crash.
            if (row.total_long != row.total_short) {
              return MarkInternal(absl::DataLossError(
                  absl::StrCat("open interest of ", row.instrument_id, " is out of balance: long ",
                               row.total_long, ", short ", row.total_short)));
            }
            pb::OpenInterest* out = response->add_open_interest();
            out->set_instrument_id(row.instrument_id);
            out->set_total_long(row.total_long);
            out->set_total_short(row.total_short);
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status PositionServiceImpl::ListTrades(grpc::ServerContext* context,
                                             const pb::ListTradesRequest* request,
                                             pb::ListTradesResponse* response) {
  return rpc_.Run(
      context, "ListTrades", clearing::kPositionReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_RETURN_IF_ERROR(ValidateIdentifier("account_id", request->account_id()));
        if (!request->trade_date().empty()) {
          TC_RETURN_IF_ERROR(ParseBusinessDate("trade_date", request->trade_date()).status());
        }
        TC_RETURN_IF_ERROR(CheckOptionalId("page_token", request->page_token()));
        if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
          return absl::InvalidArgumentError(
              absl::StrCat("page_size ", request->page_size(), " is outside 0..", kMaxPageSize));
        }
        TC_ASSIGN_OR_RETURN(std::shared_ptr<const ReferenceState> state, cache_.Recent());
        TC_RETURN_IF_ERROR(
            clearing::CheckAccountVisible(call.caller, state->snapshot, request->account_id()));
        const int limit = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
        const store::LegQuery query{request->account_id(), request->trade_date(),
                                    request->page_token(), limit};
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) {
          std::vector<store::LegRow> legs = store::ListLegs(tx, query);
          for (const store::LegRow& leg : legs) *response->add_legs() = ToProto(leg);
          if (static_cast<int>(legs.size()) == limit) {
            response->set_next_page_token(legs.back().trade_id);
          }
          return absl::OkStatus();
        });
      });
}

}  // namespace tc::services
