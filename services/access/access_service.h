// gRPC AccessService (docs/ACCESS.md): the admin issues, lists and revokes bearer tokens
// and maps client-certificate identities to principals. A token's secret is 32 random
// bytes from OpenSSL, shown once in IssueToken's answer and stored only as its SHA-256; a
// token expires after its ttl and a revocation is final. Changes reach every server's
// authentication within a second (the reference cache's staleness). Every change is
// audited in its transaction.
//
//   AccessServiceImpl service(pool, cache, rpc);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_ACCESS_SERVICE_H_
#define TOKENCLEAR_SERVICES_ACCESS_SERVICE_H_

#include "services/common/reference_cache.h"
#include "services/common/rpc.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/access.grpc.pb.h"

namespace tc::services {

class AccessServiceImpl final : public tokenclear::v1::AccessService::Service {
 public:
  AccessServiceImpl(store::PgPool& pool, ReferenceCache& cache, Rpc& rpc)
      : pool_(pool), cache_(cache), rpc_(rpc) {}

  using Context = grpc::ServerContext;
  grpc::Status IssueToken(Context* context, const tokenclear::v1::IssueTokenRequest* request,
                          tokenclear::v1::IssueTokenResponse* response) override;
  grpc::Status ListTokens(Context* context, const tokenclear::v1::ListTokensRequest* request,
                          tokenclear::v1::ListTokensResponse* response) override;
  grpc::Status RevokeToken(Context* context, const tokenclear::v1::RevokeTokenRequest* request,
                           tokenclear::v1::ApiToken* response) override;
  grpc::Status MapCertificate(Context* context,
                              const tokenclear::v1::MapCertificateRequest* request,
                              tokenclear::v1::CertificateIdentity* response) override;
  grpc::Status UnmapCertificate(Context* context,
                                const tokenclear::v1::UnmapCertificateRequest* request,
                                tokenclear::v1::UnmapCertificateResponse* response) override;
  grpc::Status ListCertificateIdentities(
      Context* context, const tokenclear::v1::ListCertificateIdentitiesRequest* request,
      tokenclear::v1::ListCertificateIdentitiesResponse* response) override;

 private:
  // An admin call: `body` runs in one transaction, and the cache is told to reload after.
  grpc::Status Admin(Context* context, absl::string_view method,
                     absl::FunctionRef<absl::Status(pqxx::work&, const Call&)> body);

  store::PgPool& pool_;
  ReferenceCache& cache_;
  Rpc& rpc_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_ACCESS_SERVICE_H_
