#include "services/access/audit_service.h"

#include "absl/strings/str_cat.h"
#include "core/identifiers.h"
#include "core/status_macros.h"
#include "services/common/page_token.h"
#include "services/common/proto_convert.h"
#include "store/access_store.h"

namespace tc::services {
namespace {

namespace pb = ::tokenclear::v1;

constexpr absl::Duration kReadTime = absl::Seconds(10);
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr size_t kMaxFilterBytes = 200;

absl::Status CheckFilter(absl::string_view field, const std::string& value) {
  if (value.size() > kMaxFilterBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is ", value.size(), " bytes; at most ", kMaxFilterBytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<store::AuditQuery> QueryFrom(const pb::ListAuditEventsRequest& request) {
  store::AuditQuery query;
  if (request.has_from()) {
    TC_ASSIGN_OR_RETURN(query.from, TimeFromTimestamp("from", request.from()));
  }
  if (request.has_to()) {
    TC_ASSIGN_OR_RETURN(query.to, TimeFromTimestamp("to", request.to()));
  }
  for (const auto& [field, value] :
       {std::pair<absl::string_view, const std::string&>{"principal_id", request.principal_id()},
        {"action", request.action()},
        {"target", request.target()},
        {"outcome", request.outcome()},
        {"request_id", request.request_id()}}) {
    TC_RETURN_IF_ERROR(CheckFilter(field, value));
  }
  query.principal_id = request.principal_id();
  query.action = request.action();
  query.target = request.target();
  query.outcome = request.outcome();
  query.request_id = request.request_id();
  TC_ASSIGN_OR_RETURN(query.after_audit_id, ParseIdPageToken(request.page_token()));
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size ", request.page_size(), " is outside 0..", kMaxPageSize));
  }
  query.limit = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  return query;
}

pb::AuditEvent ToProto(const store::AuditRow& row) {
  pb::AuditEvent out;
  out.set_audit_id(row.audit_id);
  SetTimestamp(row.at, out.mutable_at());
  out.set_principal_id(row.principal_id);
  out.set_request_id(row.request_id);
  out.set_action(row.action);
  out.set_target(row.target);
  out.set_outcome(row.outcome);
  out.set_detail_json(row.detail_json);
  return out;
}

}  // namespace

grpc::Status AuditServiceImpl::ListAuditEvents(grpc::ServerContext* context,
                                               const pb::ListAuditEventsRequest* request,
                                               pb::ListAuditEventsResponse* response) {
  return rpc_.Run(context, "ListAuditEvents", clearing::kAuditReaders, kReadTime,
                  [&](const Call& call) -> absl::Status {
                    TC_ASSIGN_OR_RETURN(store::AuditQuery query, QueryFrom(*request));
                    // One row more than the page says whether another page follows.
                    const int page_size = query.limit;
                    query.limit = page_size + 1;
                    return pool_.Transact(
                        {.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
                          response->Clear();  // a retried transaction starts the answer again
                          std::vector<store::AuditRow> rows = store::ListAudit(tx, query);
                          const bool more = static_cast<int>(rows.size()) > page_size;
                          if (more) rows.resize(page_size);
                          for (const store::AuditRow& row : rows)
                            *response->add_events() = ToProto(row);
                          if (more)
                            response->set_next_page_token(IdPageToken(rows.back().audit_id));
                          return absl::OkStatus();
                        });
                  });
}

}  // namespace tc::services
