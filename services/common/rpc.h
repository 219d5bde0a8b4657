// The one way to write an RPC handler. `Rpc::Run` authenticates the caller before anything
// else (no request field is read for an unauthenticated caller), checks the method's named
// role set, gives the body the caller, a deadline and a request ID, and turns the body's
// status into what the client sees: a status with internals (database text, hosts) is
// logged with the request ID and answered with the code, a neutral message and the ID.
// Every response carries the request ID in the trailing metadata "x-request-id". Every call
// is counted and timed (tokenclear_rpc_requests_total, tokenclear_rpc_duration_seconds) and
// logged as one JSON access line with the same request ID (services/common/json_log.h).
//
// The audit log gets every mutation from its handler, in the mutation's transaction, and
// every refusal of an authenticated caller from here (outcome = the status code), so a
// denied or invalid attempt is on record too. Unauthenticated calls are only logged: a
// caller without credentials must not be able to make the server write.
//
//   grpc::Status PositionServiceImpl::ListTrades(grpc::ServerContext* context,
//                                                const pb::ListTradesRequest* request,
//                                                pb::ListTradesResponse* response) {
//     return rpc_.Run(context, "ListTrades", clearing::kPositionReaders, kReadTime,
//                     [&](const Call& call) -> absl::Status {
//                       ... call.caller, call.deadline ...
//                     });
//   }
#ifndef TOKENCLEAR_SERVICES_RPC_H_
#define TOKENCLEAR_SERVICES_RPC_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clearing/access.h"
#include "core/clock.h"
#include "services/common/auth.h"
#include "services/common/metrics.h"
#include "store/pg_pool.h"
#include "store/reference_store.h"

namespace tc::services {

// What a handler body knows about its call.
struct Call {
  const Principal& caller;
  absl::Time now;       // when the call started, from the server's clock
  absl::Time deadline;  // the client's deadline, capped by the method's time
  const std::string& request_id;
  grpc::ServerContext& context;

  // Who acts, for the audit log.
  store::Actor actor() const { return {caller.principal_id, request_id}; }
};

class Rpc {
 public:
  Rpc(Authenticator& auth, store::PgPool& pool, const Clock& clock, Metrics& metrics)
      : auth_(auth), pool_(pool), clock_(clock), metrics_(metrics) {}

  grpc::Status Run(grpc::ServerContext* context, absl::string_view method, clearing::RoleSet roles,
                   absl::Duration max_time, absl::FunctionRef<absl::Status(const Call&)> body);

  // For handlers that count what their calls did (trades, end-of-day steps, cycles).
  Metrics& metrics() const { return metrics_; }

 private:
  void AuditRefusal(const store::Actor& actor, absl::string_view method,
                    const grpc::Status& status);

  Authenticator& auth_;
  store::PgPool& pool_;
  const Clock& clock_;
  Metrics& metrics_;
};

// The status a client sees for `status`: unchanged when it is about the request, a
// neutral message with the request ID when it is internal (core/internal_error.h).
grpc::Status PublicStatus(const absl::Status& status, absl::string_view request_id);

// A fresh request ID: 16 hex digits, random.
std::string NewRequestId();

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_RPC_H_
