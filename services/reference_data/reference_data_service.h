// gRPC ReferenceDataService: admin upserts of products, instruments, members, accounts
// and principals (validated, audited, one transaction each), listing of contract months
// from product rules, and reads scoped by role.
//
//   ReferenceDataServiceImpl service(pool, cache, rpc);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_REFERENCE_DATA_SERVICE_H_
#define TOKENCLEAR_SERVICES_REFERENCE_DATA_SERVICE_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "services/common/reference_cache.h"
#include "services/common/rpc.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/reference_data.grpc.pb.h"

namespace tc::services {

class ReferenceDataServiceImpl final : public tokenclear::v1::ReferenceDataService::Service {
 public:
  ReferenceDataServiceImpl(store::PgPool& pool, ReferenceCache& cache, Rpc& rpc)
      : pool_(pool), cache_(cache), rpc_(rpc) {}

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
  // Runs an admin mutation (ADMIN only, authenticated before the request is read):
  // `prepare` validates the request and names the target; `write` runs with the current
  // reference state in one transaction and says whether anything changed; a change is
  // audited (an identical re-submission changes nothing, not even the audit log), and
  // the cache is refreshed.
  grpc::Status Mutate(
      Context* context, absl::string_view action,
      absl::FunctionRef<absl::StatusOr<std::string>()> prepare,
      absl::FunctionRef<absl::StatusOr<bool>(pqxx::work&, const ReferenceState&, const Call&)>
          write);

  // A read by a caller of `roles`, handed a recent reference state (`body` scopes what
  // it returns to the caller).
  grpc::Status Read(Context* context, absl::string_view method, clearing::RoleSet roles,
                    absl::FunctionRef<absl::Status(const Principal&, const ReferenceState&)> body);

  store::PgPool& pool_;
  ReferenceCache& cache_;
  Rpc& rpc_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_REFERENCE_DATA_SERVICE_H_
