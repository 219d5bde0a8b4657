// gRPC MarginService: index histories, daily calibration of the risk parameters with
// four-eyes approval, account margin with breakdown, what-if and incremental margin, and
// the margin cycle that stores each account's and each member origin's requirement.
// Risk loads index histories, calibrates and approves (not its own set); treasury runs the
// cycle; members see only their own accounts; any authenticated caller may read parameter
// sets, export them as .spn files (to replicate our margin) and ask what-if.
// Each approved set is compiled once per version and shared; every call computes with its
// own MarginCalculator.
//
//   MarginServiceImpl service(pool, cache, rpc);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_MARGIN_SERVICE_H_
#define TOKENCLEAR_SERVICES_MARGIN_SERVICE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "margin/compiled_parameters.h"
#include "services/common/reference_cache.h"
#include "services/common/rpc.h"
#include "services/margin/margin_service_convert.h"
#include "services/margin/parameter_cache.h"
#include "store/margin_store.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/margin.grpc.pb.h"

namespace tc::services {

class MarginServiceImpl final : public tokenclear::v1::MarginService::Service {
 public:
  // What-if may use an approved version this old (another server may approve meanwhile).
  static constexpr absl::Duration kApprovedVersionStaleness = absl::Seconds(1);

  MarginServiceImpl(store::PgPool& pool, ReferenceCache& cache, Rpc& rpc, const Clock& clock)
      : pool_(pool),
        cache_(cache),
        rpc_(rpc),
        clock_(clock),
        parameters_(clock, kApprovedVersionStaleness) {}

  using Context = grpc::ServerContext;
  grpc::Status LoadIndexValues(Context* context, const pb::LoadIndexValuesRequest* request,
                               pb::LoadIndexValuesResponse* response) override;
  grpc::Status CalibrateParameters(Context* context, const pb::CalibrateParametersRequest* request,
                                   pb::RiskParameterSet* response) override;
  grpc::Status ApproveParameterSet(Context* context, const pb::ApproveParameterSetRequest* request,
                                   pb::RiskParameterSet* response) override;
  grpc::Status ListParameterSets(Context* context, const pb::ListParameterSetsRequest* request,
                                 pb::ListParameterSetsResponse* response) override;
  grpc::Status GetParameterSet(Context* context, const pb::GetParameterSetRequest* request,
                               pb::RiskParameterSet* response) override;
  grpc::Status ExportParameterSet(Context* context, const pb::ExportParameterSetRequest* request,
                                  pb::ExportParameterSetResponse* response) override;
  grpc::Status GetAccountMargin(Context* context, const pb::GetAccountMarginRequest* request,
                                pb::AccountMargin* response) override;
  grpc::Status WhatIfMargin(Context* context, const pb::WhatIfMarginRequest* request,
                            pb::MarginBreakdown* response) override;
  grpc::Status IncrementalMargin(Context* context, const pb::IncrementalMarginRequest* request,
                                 pb::IncrementalMarginResponse* response) override;
  grpc::Status RunMarginCycle(Context* context, const pb::RunMarginCycleRequest* request,
                              pb::RunMarginCycleResponse* response) override;
  grpc::Status ListMarginRequirements(Context* context,
                                      const pb::ListMarginRequirementsRequest* request,
                                      pb::ListMarginRequirementsResponse* response) override;

 private:
  struct AccountBook;

  // Authenticates (any role), validates `version` and hands `body` the stored set.
  grpc::Status ReadStoredSet(Context* context, absl::string_view method, const std::string& version,
                             const std::function<absl::Status(pb::RiskParameterSet)>& body);

  // The account (visible to the caller), its net positions and the approved set of the
  // open business date, read in `tx`.
  absl::StatusOr<AccountBook> LoadAccountBook(pqxx::work& tx, const Principal& caller,
                                              const std::string& account_id);
  // The named set, or the approved set of the open business date when `version` is empty.
  absl::StatusOr<std::shared_ptr<const margin::CompiledParameters>> SetFor(
      pqxx::work& tx, const ReferenceState& state, const std::string& version);
  // The parameters a what-if uses, without a database round trip once warm: stored sets
  // never change, so a compiled version is served from memory, and the approved version of
  // the open date is remembered for at most a second (forgotten at once on approval here).
  absl::StatusOr<std::shared_ptr<const margin::CompiledParameters>> WhatIfSet(
      absl::Time deadline, const std::string& version);
  store::PgPool& pool_;
  ReferenceCache& cache_;
  Rpc& rpc_;
  const Clock& clock_;
  ParameterCache parameters_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_MARGIN_SERVICE_H_
