// gRPC TreasuryService: the exchange submits settlement prices; treasury proposes a
// date's prices by the tiered procedure (settlement/price_proposal.h) and a second
// treasurer approves them (four eyes, enforced by the database too); treasury runs, stops
// and resumes the end-of-day run (eod_runner.h), whose progress streams back; treasury
// and the regulator read its status, replay a finished date, and read the day's
// variation margin (a member reads its own).
//
//   TreasuryServiceImpl service(pool, cache, rpc, parameters, clock);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_TREASURY_TREASURY_SERVICE_H_
#define TOKENCLEAR_SERVICES_TREASURY_TREASURY_SERVICE_H_

#include "core/clock.h"
#include "services/common/reference_cache.h"
#include "services/common/rpc.h"
#include "services/margin/parameter_cache.h"
#include "services/treasury/eod_runner.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/treasury.grpc.pb.h"

namespace tc::services {

namespace pb = ::tokenclear::v1;

class TreasuryServiceImpl final : public pb::TreasuryService::Service {
 public:
  TreasuryServiceImpl(store::PgPool& pool, ReferenceCache& cache, Rpc& rpc, const Clock& clock)
      : pool_(pool),
        cache_(cache),
        rpc_(rpc),
        clock_(clock),
        parameters_(clock, absl::Seconds(1)),
        runner_(pool, cache, parameters_, clock) {}

  using Context = grpc::ServerContext;
  grpc::Status SubmitSettlementPrices(Context* context,
                                      const pb::SubmitSettlementPricesRequest* request,
                                      pb::SubmitSettlementPricesResponse* response) override;
  grpc::Status ProposeSettlementPrices(Context* context,
                                       const pb::ProposeSettlementPricesRequest* request,
                                       pb::SettlementPriceSet* response) override;
  grpc::Status ApproveSettlementPrices(Context* context,
                                       const pb::ApproveSettlementPricesRequest* request,
                                       pb::SettlementPriceSet* response) override;
  grpc::Status CorrectSettlementPrices(Context* context,
                                       const pb::CorrectSettlementPricesRequest* request,
                                       pb::SettlementPriceSet* response) override;
  grpc::Status ListSettlementPrices(Context* context,
                                    const pb::ListSettlementPricesRequest* request,
                                    pb::ListSettlementPricesResponse* response) override;
  grpc::Status RunEndOfDay(Context* context, const pb::RunEndOfDayRequest* request,
                           grpc::ServerWriter<pb::EodProgress>* writer) override;
  grpc::Status StopEndOfDay(Context* context, const pb::StopEndOfDayRequest* request,
                            pb::EodRun* response) override;
  grpc::Status GetEndOfDayStatus(Context* context, const pb::GetEndOfDayStatusRequest* request,
                                 pb::EodRun* response) override;
  grpc::Status ReplayEndOfDay(Context* context, const pb::ReplayEndOfDayRequest* request,
                              pb::ReplayEndOfDayResponse* response) override;
  grpc::Status ListVariationMargin(Context* context, const pb::ListVariationMarginRequest* request,
                                   pb::ListVariationMarginResponse* response) override;

 private:
  absl::StatusOr<pb::EodRun> RunStatus(absl::CivilDay day);

  store::PgPool& pool_;
  ReferenceCache& cache_;
  Rpc& rpc_;
  const Clock& clock_;
  ParameterCache parameters_;
  EodRunner runner_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_TREASURY_TREASURY_SERVICE_H_
