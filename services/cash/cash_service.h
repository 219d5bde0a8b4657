// gRPC CashService: treasury cash (docs/TREASURY_CASH.md). Treasury deposits and
// withdraws collateral, loads collateral prices, instructs a cycle's payments, exports
// the pain.008/pain.001 files, takes confirmations (one over gRPC, or a camt.054 file),
// checks payment deadlines (failure to pay) and runs intraday cycles; members read their
// own collateral, obligations, instructions and flags; the regulator reads everything.
// Each handler validates, then reads → plans (settlement/, payments/) → writes in one
// transaction (services/cash/cash_cycle.h, payment_cycle.h).
//
//   CashServiceImpl service(pool, cache, rpc, clock);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_CASH_CASH_SERVICE_H_
#define TOKENCLEAR_SERVICES_CASH_CASH_SERVICE_H_

#include "core/clock.h"
#include "services/common/reference_cache.h"
#include "services/common/rpc.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/cash.grpc.pb.h"

namespace tc::services {

class CashServiceImpl final : public tokenclear::v1::CashService::Service {
 public:
  CashServiceImpl(store::PgPool& pool, ReferenceCache& cache, Rpc& rpc, const Clock& clock)
      : pool_(pool), cache_(cache), rpc_(rpc), clock_(clock) {}

  using Context = grpc::ServerContext;
  grpc::Status UpsertCashReference(Context* context,
                                   const tokenclear::v1::UpsertCashReferenceRequest* request,
                                   tokenclear::v1::UpsertCashReferenceResponse* response) override;
  grpc::Status DepositCollateral(Context* context,
                                 const tokenclear::v1::MoveCollateralRequest* request,
                                 tokenclear::v1::CollateralMovement* response) override;
  grpc::Status WithdrawCollateral(Context* context,
                                  const tokenclear::v1::MoveCollateralRequest* request,
                                  tokenclear::v1::CollateralMovement* response) override;
  grpc::Status ListCollateral(Context* context,
                              const tokenclear::v1::ListCollateralRequest* request,
                              tokenclear::v1::ListCollateralResponse* response) override;
  grpc::Status LoadCollateralPrices(
      Context* context, const tokenclear::v1::LoadCollateralPricesRequest* request,
      tokenclear::v1::LoadCollateralPricesResponse* response) override;
  grpc::Status ListObligations(Context* context,
                               const tokenclear::v1::ListObligationsRequest* request,
                               tokenclear::v1::ListObligationsResponse* response) override;
  grpc::Status InstructPayments(Context* context,
                                const tokenclear::v1::InstructPaymentsRequest* request,
                                tokenclear::v1::InstructPaymentsResponse* response) override;
  grpc::Status ListPaymentInstructions(
      Context* context, const tokenclear::v1::ListPaymentInstructionsRequest* request,
      tokenclear::v1::ListPaymentInstructionsResponse* response) override;
  grpc::Status ExportPayments(Context* context,
                              const tokenclear::v1::ExportPaymentsRequest* request,
                              tokenclear::v1::ExportPaymentsResponse* response) override;
  grpc::Status ConfirmPayment(Context* context,
                              const tokenclear::v1::ConfirmPaymentRequest* request,
                              tokenclear::v1::ConfirmPaymentsResponse* response) override;
  grpc::Status ImportCamt054(Context* context, const tokenclear::v1::ImportCamt054Request* request,
                             tokenclear::v1::ConfirmPaymentsResponse* response) override;
  grpc::Status CheckPaymentDeadlines(
      Context* context, const tokenclear::v1::CheckPaymentDeadlinesRequest* request,
      tokenclear::v1::CheckPaymentDeadlinesResponse* response) override;
  grpc::Status ListMemberFlags(Context* context,
                               const tokenclear::v1::ListMemberFlagsRequest* request,
                               tokenclear::v1::ListMemberFlagsResponse* response) override;
  grpc::Status GetReconciliation(Context* context,
                                 const tokenclear::v1::GetReconciliationRequest* request,
                                 tokenclear::v1::Reconciliation* response) override;
  grpc::Status RunIntradayCycle(Context* context,
                                const tokenclear::v1::RunIntradayCycleRequest* request,
                                tokenclear::v1::RunIntradayCycleResponse* response) override;

 private:
  grpc::Status MoveCollateral(Context* context, const char* method, bool deposit,
                              const tokenclear::v1::MoveCollateralRequest* request,
                              tokenclear::v1::CollateralMovement* response);

  store::PgPool& pool_;
  ReferenceCache& cache_;
  Rpc& rpc_;
  const Clock& clock_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_CASH_CASH_SERVICE_H_
