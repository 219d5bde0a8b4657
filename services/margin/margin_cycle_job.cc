#include "services/margin/margin_cycle_job.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/status_macros.h"
#include "margin/cycle/margin_cycle.h"
#include "services/margin/margin_service_convert.h"

namespace tc::services {
namespace {

absl::StatusOr<std::string> BreakdownJson(const margin::MarginBreakdown& breakdown) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(ToProto(breakdown), &json).ok()) {
    return absl::InternalError("margin breakdown does not convert to JSON");
  }
  return json;
}

// Everything one cycle stores: the domain's result as rows.
struct CycleRows {
  std::vector<store::MarginRequirementRow> accounts;
  std::vector<store::OriginRequirementRow> origins;
};

absl::StatusOr<CycleRows> ToRows(const margin::CycleResult& result, absl::CivilDay date,
                                 const std::string& version) {
  CycleRows rows;
  for (const margin::AccountRequirement& a : result.accounts) {
    TC_ASSIGN_OR_RETURN(std::string json, BreakdownJson(a.breakdown));
    rows.accounts.push_back({date, a.account_id, a.member_id, a.origin,
                             a.breakdown.totals.maintenance_micros,
                             a.breakdown.totals.initial_micros, version, std::move(json)});
  }
  for (const margin::OriginRequirement& o : result.origins) {
    rows.origins.push_back({date, o.member_id, o.origin, o.maintenance_micros, o.initial_micros,
                            version, o.account_count});
  }
  return rows;
}

}  // namespace

absl::StatusOr<store::ParameterSetRow> ApprovedSet(pqxx::transaction_base& tx,
                                                   absl::CivilDay date) {
  std::optional<store::ParameterSetRow> row = store::FindApprovedParameterSet(tx, date);
  if (!row) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no approved risk parameter set for business date ", FormatBusinessDate(date)));
  }
  return *std::move(row);
}

std::vector<margin::AccountPosition> DomainPositions(const std::vector<store::PositionRow>& rows) {
  std::vector<margin::AccountPosition> out;
  out.reserve(rows.size());
  for (const store::PositionRow& r : rows) {
    out.push_back({r.account_id, r.instrument_id, r.long_quantity, r.short_quantity});
  }
  return out;
}

absl::StatusOr<MarginCycleOutcome> RunAndStoreMarginCycle(pqxx::transaction_base& tx,
                                                          const ReferenceState& state,
                                                          ParameterCache& parameters,
                                                          absl::CivilDay day) {
  TC_ASSIGN_OR_RETURN(store::ParameterSetRow set, ApprovedSet(tx, day));
  TC_ASSIGN_OR_RETURN(auto params, parameters.Compiled(set));
  TC_ASSIGN_OR_RETURN(margin::CycleResult result,
                      margin::RunMarginCycle(*params, state.snapshot,
                                             DomainPositions(store::ListPositions(tx, {}))));
  TC_ASSIGN_OR_RETURN(CycleRows rows, ToRows(result, day, set.version));
  const int64_t changed = store::ReplaceMarginRequirements(tx, day, rows.accounts, rows.origins);
  return MarginCycleOutcome{set.version, static_cast<int64_t>(rows.accounts.size()), changed};
}

}  // namespace tc::services
