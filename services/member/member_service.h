// gRPC MemberService: a clearing member's API for its own data: positions as of a
// business date (start of day, traded, end of day), its trades (paged, filtered), margin
// with its breakdown and parameter set, a cash statement from the ledger, collateral,
// obligations and payment instructions (CashService's answers for its own rows), and a
// resumable stream of its notifications. Role set clearing::kPositionReaders: a member
// gets its own member's data; treasury and the regulator name the member. Read-only;
// everything is loaded through store/ and converted by services/common/proto_convert.h.
//
//   MemberServiceImpl service(pool, cache, rpc, clock, cash_service);
//   builder.RegisterService(&service);
//   ...
//   service.BeginShutdown();   // notification streams end with UNAVAILABLE
#ifndef TOKENCLEAR_SERVICES_MEMBER_MEMBER_SERVICE_H_
#define TOKENCLEAR_SERVICES_MEMBER_MEMBER_SERVICE_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "core/clock.h"
#include "services/cash/cash_service.h"
#include "services/common/reference_cache.h"
#include "services/common/rpc.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/member.grpc.pb.h"

namespace tc::services {

class MemberServiceImpl final : public tokenclear::v1::MemberService::Service {
 public:
  MemberServiceImpl(store::PgPool& pool, ReferenceCache& cache, Rpc& rpc, const Clock& clock,
                    CashServiceImpl& cash)
      : pool_(pool), cache_(cache), rpc_(rpc), clock_(clock), cash_(cash) {}

  using Context = grpc::ServerContext;
  grpc::Status GetPositions(Context* context, const tokenclear::v1::GetPositionsRequest* request,
                            tokenclear::v1::GetPositionsResponse* response) override;
  grpc::Status ListTrades(Context* context, const tokenclear::v1::ListMemberTradesRequest* request,
                          tokenclear::v1::ListMemberTradesResponse* response) override;
  grpc::Status GetMargin(Context* context, const tokenclear::v1::GetMarginRequest* request,
                         tokenclear::v1::GetMarginResponse* response) override;
  grpc::Status GetCashStatement(Context* context,
                                const tokenclear::v1::GetCashStatementRequest* request,
                                tokenclear::v1::GetCashStatementResponse* response) override;
  grpc::Status ListCollateral(Context* context,
                              const tokenclear::v1::ListCollateralRequest* request,
                              tokenclear::v1::ListCollateralResponse* response) override;
  grpc::Status ListObligations(Context* context,
                               const tokenclear::v1::ListObligationsRequest* request,
                               tokenclear::v1::ListObligationsResponse* response) override;
  grpc::Status ListPaymentInstructions(
      Context* context, const tokenclear::v1::ListPaymentInstructionsRequest* request,
      tokenclear::v1::ListPaymentInstructionsResponse* response) override;
  grpc::Status StreamNotifications(
      Context* context, const tokenclear::v1::StreamNotificationsRequest* request,
      grpc::ServerWriter<tokenclear::v1::Notification>* writer) override;

  // Called first on a graceful shutdown: every notification stream ends within one poll
  // with UNAVAILABLE naming the last id sent, so the drain is not held up by streams that
  // would otherwise run until their clients cancel.
  void BeginShutdown();

 private:
  // The member whose data the call reads: the caller's own for a member (empty or its
  // own id requested), the named one for treasury and the regulator. PERMISSION_DENIED
  // for a member naming another; INVALID_ARGUMENT naming member_id for an unknown or a
  // missing one.
  absl::StatusOr<std::string> MemberOf(const Call& call, const std::string& requested);
  // For an optional account filter: the same PERMISSION_DENIED for a member's request of
  // another member's account or a missing one; for treasury and the regulator
  // INVALID_ARGUMENT unless the account is `member`'s.
  absl::Status CheckAccount(const Call& call, const std::string& member,
                            const std::string& account_id);
  // Sends the member's notifications after `after_id` until the client goes, the call's
  // deadline passes or the server shuts down.
  absl::Status ServeNotifications(const Call& call, const std::string& member, int64_t after_id,
                                  grpc::ServerWriter<tokenclear::v1::Notification>* writer);

  store::PgPool& pool_;
  ReferenceCache& cache_;
  Rpc& rpc_;
  const Clock& clock_;
  CashServiceImpl& cash_;
  absl::Mutex mutex_;
  bool shutting_down_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_MEMBER_MEMBER_SERVICE_H_
