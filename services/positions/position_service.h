// gRPC PositionService: positions, cleared legs and open interest. Members see only
// their own accounts; treasury and the regulator see all; open interest is market
// data that any authenticated caller may read.
//
//   PositionServiceImpl service(pool, cache, rpc);
#ifndef TOKENCLEAR_SERVICES_POSITION_SERVICE_H_
#define TOKENCLEAR_SERVICES_POSITION_SERVICE_H_

#include "services/common/reference_cache.h"
#include "services/common/rpc.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/positions.grpc.pb.h"

namespace tc::services {

class PositionServiceImpl final : public tokenclear::v1::PositionService::Service {
 public:
  PositionServiceImpl(store::PgPool& pool, ReferenceCache& cache, Rpc& rpc)
      : pool_(pool), cache_(cache), rpc_(rpc) {}

  grpc::Status ListPositions(grpc::ServerContext* context,
                             const tokenclear::v1::ListPositionsRequest* request,
                             tokenclear::v1::ListPositionsResponse* response) override;
  grpc::Status GetOpenInterest(grpc::ServerContext* context,
                               const tokenclear::v1::GetOpenInterestRequest* request,
                               tokenclear::v1::GetOpenInterestResponse* response) override;
  grpc::Status ListTrades(grpc::ServerContext* context,
                          const tokenclear::v1::ListTradesRequest* request,
                          tokenclear::v1::ListTradesResponse* response) override;

 private:
  store::PgPool& pool_;
  ReferenceCache& cache_;
  Rpc& rpc_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_POSITION_SERVICE_H_
