// gRPC AuditService: the append-only audit log, read by treasury and the regulator
// (clearing::kAuditReaders): who did what, when, in which call (request ID), and the
// outcome, refusals included (services/common/rpc.h writes those). Paged by audit id.
//
//   AuditServiceImpl service(pool, rpc);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_AUDIT_SERVICE_H_
#define TOKENCLEAR_SERVICES_AUDIT_SERVICE_H_

#include "services/common/rpc.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/access.grpc.pb.h"

namespace tc::services {

class AuditServiceImpl final : public tokenclear::v1::AuditService::Service {
 public:
  AuditServiceImpl(store::PgPool& pool, Rpc& rpc) : pool_(pool), rpc_(rpc) {}

  grpc::Status ListAuditEvents(grpc::ServerContext* context,
                               const tokenclear::v1::ListAuditEventsRequest* request,
                               tokenclear::v1::ListAuditEventsResponse* response) override;

 private:
  store::PgPool& pool_;
  Rpc& rpc_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_AUDIT_SERVICE_H_
