// gRPC IndexService: the index provider's observations (idempotent on the observation
// ID; a jump is flagged as it arrives), the daily fixing of an index (computed once by
// settlement/index_fixing.h, stored append-only with what it used, and written to the
// index history margin calibration reads), the stale and jump flags treasury approves,
// the kill switch that freezes a disputed index, and the per-index settings
// (docs/INDEX_FIXING.md). Every handler reads, applies the pure rule
// (settlement/index_guards.h, settlement/index_fixing.h) and writes in one transaction,
// and every mutation is audited.
//
//   IndexServiceImpl service(pool, cache, rpc, clock);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_INDEX_SERVICE_H_
#define TOKENCLEAR_SERVICES_INDEX_SERVICE_H_

#include "core/clock.h"
#include "services/common/reference_cache.h"
#include "services/common/rpc.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/index.grpc.pb.h"

namespace tc::services {

class IndexServiceImpl final : public tokenclear::v1::IndexService::Service {
 public:
  // Observations per SubmitIndexObservations call.
  static constexpr int kMaxObservationsPerCall = 10'000;

  IndexServiceImpl(store::PgPool& pool, ReferenceCache& cache, Rpc& rpc, const Clock& clock)
      : pool_(pool), cache_(cache), rpc_(rpc), clock_(clock) {}

  using Context = grpc::ServerContext;
  grpc::Status SubmitIndexObservations(
      Context* context, const tokenclear::v1::SubmitIndexObservationsRequest* request,
      tokenclear::v1::SubmitIndexObservationsResponse* response) override;
  grpc::Status ComputeFixing(Context* context, const tokenclear::v1::ComputeFixingRequest* request,
                             tokenclear::v1::IndexFixing* response) override;
  grpc::Status GetFixing(Context* context, const tokenclear::v1::GetFixingRequest* request,
                         tokenclear::v1::IndexFixing* response) override;
  grpc::Status ListFixings(Context* context, const tokenclear::v1::ListFixingsRequest* request,
                           tokenclear::v1::ListFixingsResponse* response) override;
  grpc::Status ListIndexFlags(Context* context,
                              const tokenclear::v1::ListIndexFlagsRequest* request,
                              tokenclear::v1::ListIndexFlagsResponse* response) override;
  grpc::Status ApproveIndexFlag(Context* context,
                                const tokenclear::v1::ApproveIndexFlagRequest* request,
                                tokenclear::v1::IndexFlag* response) override;
  grpc::Status FreezeIndex(Context* context, const tokenclear::v1::FreezeIndexRequest* request,
                           tokenclear::v1::IndexFreezeState* response) override;
  grpc::Status UnfreezeIndex(Context* context, const tokenclear::v1::UnfreezeIndexRequest* request,
                             tokenclear::v1::IndexFreezeState* response) override;
  grpc::Status SetIndexSettings(Context* context,
                                const tokenclear::v1::SetIndexSettingsRequest* request,
                                tokenclear::v1::IndexSettings* response) override;
  grpc::Status GetIndexSettings(Context* context,
                                const tokenclear::v1::GetIndexSettingsRequest* request,
                                tokenclear::v1::IndexSettings* response) override;

 private:
  // Freeze (frozen = true) or unfreeze, idempotently: the same state again writes nothing.
  grpc::Status SetFrozen(Context* context, absl::string_view method, const std::string& index_code,
                         const std::string& reason, bool frozen,
                         tokenclear::v1::IndexFreezeState* response);

  store::PgPool& pool_;
  ReferenceCache& cache_;
  Rpc& rpc_;
  const Clock& clock_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_INDEX_SERVICE_H_
