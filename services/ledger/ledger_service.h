// gRPC LedgerService: the double-entry cash ledger's balances, its journal (paged,
// filtered by business date, ledger account and member) and the ledger check. The house's
// books, so treasury and the regulator only (clearing::kSettlementReaders); a member's
// cash statement is a later, member-scoped RPC. Read-only: entries are posted by the
// end-of-day run through store::PostJournalEntries.
//
//   LedgerServiceImpl service(pool, cache, rpc);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_LEDGER_SERVICE_H_
#define TOKENCLEAR_SERVICES_LEDGER_SERVICE_H_

#include "services/common/reference_cache.h"
#include "services/common/rpc.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/ledger.grpc.pb.h"

namespace tc::services {

class LedgerServiceImpl final : public tokenclear::v1::LedgerService::Service {
 public:
  LedgerServiceImpl(store::PgPool& pool, ReferenceCache& cache, Rpc& rpc)
      : pool_(pool), cache_(cache), rpc_(rpc) {}

  using Context = grpc::ServerContext;
  grpc::Status ListLedgerBalances(Context* context,
                                  const tokenclear::v1::ListLedgerBalancesRequest* request,
                                  tokenclear::v1::ListLedgerBalancesResponse* response) override;
  grpc::Status ListJournalEntries(Context* context,
                                  const tokenclear::v1::ListJournalEntriesRequest* request,
                                  tokenclear::v1::ListJournalEntriesResponse* response) override;
  grpc::Status CheckLedger(Context* context, const tokenclear::v1::CheckLedgerRequest* request,
                           tokenclear::v1::CheckLedgerResponse* response) override;

 private:
  // INVALID_ARGUMENT naming member_id unless it is empty or a known member.
  absl::Status CheckMemberFilter(const std::string& member_id);

  store::PgPool& pool_;
  ReferenceCache& cache_;
  Rpc& rpc_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_LEDGER_SERVICE_H_
