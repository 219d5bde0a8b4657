// One unary call of the real API as a principal, for the end-to-end tests of the real
// binaries (tests/private_cluster.h's ServerProcess): a client context carrying the
// principal's bearer token and a deadline, the call, and, for tests that live through a
// failover or race two servers, the same call sent again unchanged while it fails in a way
// a lost connection explains. Resending unchanged is safe because every write is keyed.
//
//   grpc::Status s = CallAs(server.channel(), &pb::LedgerService::Stub::CheckLedger,
//                           "dev-treasury-token-0001", request, &response);
//   s = CallAsRetrying(channel, &pb::TreasuryService::Stub::ApproveSettlementPrices, token,
//                      approve, &approved);
#ifndef TOKENCLEAR_TESTS_BEARER_CALL_H_
#define TOKENCLEAR_TESTS_BEARER_CALL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tc::testing {

inline constexpr absl::Duration kBearerCallDeadline = absl::Seconds(60);

// A context that calls as the principal of `token`, until `deadline` from now.
inline void PrepareBearer(grpc::ClientContext& context, const std::string& token,
                          absl::Duration deadline = kBearerCallDeadline) {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
}

inline std::unique_ptr<grpc::ClientContext> BearerContext(
    const std::string& token, absl::Duration deadline = kBearerCallDeadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  PrepareBearer(*context, token, deadline);
  return context;
}

// A failure a lost connection or a failover explains: the same call may succeed later.
inline bool Retryable(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

template <typename Stub, typename Request, typename Response>
grpc::Status CallAs(const std::shared_ptr<grpc::Channel>& channel,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const std::string& token, const Request& request, Response* response) {
  Stub stub(channel);
  std::unique_ptr<grpc::ClientContext> context = BearerContext(token);
  return (stub.*method)(context.get(), request, response);
}

// CallAs, sent again unchanged (100 ms apart) while Retryable, at most `max_attempts` times
// (20: two seconds of a lost connection or a busy database).
template <typename Stub, typename Request, typename Response>
grpc::Status CallAsRetrying(const std::shared_ptr<grpc::Channel>& channel,
                            grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                         Response*),
                            const std::string& token, const Request& request, Response* response,
                            int max_attempts = 20) {
  grpc::Status status;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    response->Clear();
    status = CallAs(channel, method, token, request, response);
    if (!Retryable(status)) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return status;
}

}  // namespace tc::testing

#endif  // TOKENCLEAR_TESTS_BEARER_CALL_H_
