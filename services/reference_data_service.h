// gRPC ReferenceDataService: admin upserts of products, instruments, members, accounts
// and principals (validated, audited, one transaction each), listing of contract months
// from product rules, and reads scoped by role.
//
//   ReferenceDataServiceImpl service(pool, cache, auth);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_REFERENCE_DATA_SERVICE_H_
#define TOKENCLEAR_SERVICES_REFERENCE_DATA_SERVICE_H_

#include <functional>

#include "services/auth.h"
#include "services/reference_cache.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/reference_data.grpc.pb.h"

namespace tc::services {

class ReferenceDataServiceImpl final : public tokenclear::v1::ReferenceDataService::Service {
 public:
  ReferenceDataServiceImpl(store::PgPool& pool, ReferenceCache& cache, Authenticator& auth)
      : pool_(pool), cache_(cache), auth_(auth) {}

  using Context = grpc::ServerContext;
  grpc::Status UpsertProduct(Context*, const tokenclear::v1::UpsertProductRequest*,
                             tokenclear::v1::Product*) override;
  grpc::Status UpsertInstrument(Context*, const tokenclear::v1::UpsertInstrumentRequest*,
                                tokenclear::v1::Instrument*) override;
  grpc::Status ListContractMonths(Context*, const tokenclear::v1::ListContractMonthsRequest*,
                                  tokenclear::v1::ListContractMonthsResponse*) override;
  grpc::Status UpsertMember(Context*, const tokenclear::v1::UpsertMemberRequest*,
                            tokenclear::v1::Member*) override;
  grpc::Status UpsertAccount(Context*, const tokenclear::v1::UpsertAccountRequest*,
                             tokenclear::v1::Account*) override;
  grpc::Status UpsertPrincipal(Context*, const tokenclear::v1::UpsertPrincipalRequest*,
                               tokenclear::v1::Principal*) override;
  grpc::Status UpsertHoliday(Context*, const tokenclear::v1::UpsertHolidayRequest*,
                             tokenclear::v1::Holiday*) override;
  grpc::Status OpenFirstBusinessDate(Context*, const tokenclear::v1::OpenFirstBusinessDateRequest*,
                                     tokenclear::v1::BusinessDate*) override;
  grpc::Status ListProducts(Context*, const tokenclear::v1::ListProductsRequest*,
                            tokenclear::v1::ListProductsResponse*) override;
  grpc::Status ListInstruments(Context*, const tokenclear::v1::ListInstrumentsRequest*,
                               tokenclear::v1::ListInstrumentsResponse*) override;
  grpc::Status ListMembers(Context*, const tokenclear::v1::ListMembersRequest*,
                           tokenclear::v1::ListMembersResponse*) override;
  grpc::Status ListAccounts(Context*, const tokenclear::v1::ListAccountsRequest*,
                            tokenclear::v1::ListAccountsResponse*) override;
  grpc::Status GetBusinessDate(Context*, const tokenclear::v1::GetBusinessDateRequest*,
                               tokenclear::v1::BusinessDate*) override;

 private:
  // Runs an admin mutation: authorizes ADMIN, runs `body` with the current reference
  // state in one transaction, audits it when `body` reports a change (an identical
  // re-submission changes nothing, not even the audit log), refreshes the cache.
  grpc::Status Mutate(
      Context* context, const std::string& action, const std::string& target,
      const std::function<absl::StatusOr<bool>(pqxx::work&, const ReferenceState&)>& body);

  // Authenticates (any role may read reference data; `body` scopes what it returns)
  // and hands `body` a recent reference state.
  grpc::Status Read(
      Context* context,
      const std::function<absl::Status(const Principal&, const ReferenceState&)>& body);

  store::PgPool& pool_;
  ReferenceCache& cache_;
  Authenticator& auth_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_REFERENCE_DATA_SERVICE_H_
