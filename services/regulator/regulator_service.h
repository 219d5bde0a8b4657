// gRPC RegulatorService: the regulatory reports the end-of-day run stored for a business
// date (services/regulator/report_job.h), listed with their SHA-256 and fetched byte for
// byte, and the reportable levels the large-trader report uses. Treasury and the
// regulator read (clearing::kSettlementReaders); only an admin sets a level (audited).
//
//   RegulatorServiceImpl service(pool, rpc);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_REGULATOR_REGULATOR_SERVICE_H_
#define TOKENCLEAR_SERVICES_REGULATOR_REGULATOR_SERVICE_H_

#include "services/common/rpc.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/regulator.grpc.pb.h"

namespace tc::services {

class RegulatorServiceImpl final : public tokenclear::v1::RegulatorService::Service {
 public:
  RegulatorServiceImpl(store::PgPool& pool, Rpc& rpc) : pool_(pool), rpc_(rpc) {}

  using Context = grpc::ServerContext;
  grpc::Status ListReports(Context* context, const tokenclear::v1::ListReportsRequest* request,
                           tokenclear::v1::ListReportsResponse* response) override;
  grpc::Status GetReport(Context* context, const tokenclear::v1::GetReportRequest* request,
                         tokenclear::v1::GetReportResponse* response) override;
  grpc::Status ListReportableLevels(
      Context* context, const tokenclear::v1::ListReportableLevelsRequest* request,
      tokenclear::v1::ListReportableLevelsResponse* response) override;
  grpc::Status SetReportableLevel(Context* context,
                                  const tokenclear::v1::SetReportableLevelRequest* request,
                                  tokenclear::v1::SetReportableLevelResponse* response) override;

 private:
  store::PgPool& pool_;
  Rpc& rpc_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_REGULATOR_REGULATOR_SERVICE_H_
