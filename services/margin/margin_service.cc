#include "services/margin/margin_service.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clearing/contract_calendar.h"
#include "core/business_date.h"
#include "core/check.h"
#include "core/identifiers.h"
#include "core/price_limits.h"
#include "core/status_macros.h"
#include "margin/calibration.h"
#include "margin/cycle/margin_cycle.h"
#include "margin/files/spn_writer.h"
#include "margin/margin_calculator.h"
#include "margin/position.h"
#include "services/common/proto_convert.h"
#include "services/margin/margin_cycle_job.h"
#include "store/position_store.h"
#include "store/settlement_store.h"

namespace tc::services {
namespace {

constexpr absl::Duration kReadTime = absl::Seconds(30);
constexpr absl::Duration kBatchTime = absl::Seconds(120);
constexpr int kMaxIndexValues = 100'000;
constexpr int kMaxWhatIfPositions = 10'000;

// Calendar spreads are calibrated on about one year of daily trade prices.
constexpr int kSpreadHistoryDays = 366;

pb::Origin OriginToProto(clearing::Origin origin) {
  return origin == clearing::Origin::kHouse ? pb::ORIGIN_HOUSE : pb::ORIGIN_CUSTOMER;
}

absl::StatusOr<absl::CivilDay> OpenDate(const ReferenceState& state) {
  if (!state.snapshot.open_business_date) {
    return absl::FailedPreconditionError("no business date is open");
  }
  return *state.snapshot.open_business_date;
}

// The named set, NotFound when there is none.
absl::StatusOr<pb::RiskParameterSet> StoredSet(pqxx::work& tx, const std::string& version) {
  std::optional<store::ParameterSetRow> row = store::FindParameterSet(tx, version, false);
  if (!row) return absl::NotFoundError(absl::StrCat("version '", version, "' does not exist"));
  return ParseStoredSet(*row);
}

pb::RiskParameterSet Summary(const store::ParameterSetRow& row) {
  pb::RiskParameterSet set;
  set.set_version(row.version);
  set.set_business_date(FormatBusinessDate(row.business_date));
  set.set_status(StatusToProto(row.status));
  set.set_created_by(row.created_by);
  set.set_approved_by(row.approved_by);
  return set;
}

absl::Status CheckIndexValueCount(const pb::LoadIndexValuesRequest& request) {
  if (!request.values().empty() && request.values_size() <= kMaxIndexValues) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("values: ", request.values_size(), " given, expected 1..", kMaxIndexValues));
}

// The latest business date there is: the open one, or, between an end-of-day close and
// the next open (a run in progress, or stopped), the date just closed.
absl::StatusOr<absl::CivilDay> LatestDate(pqxx::transaction_base& tx, const ReferenceState& state) {
  if (state.snapshot.open_business_date) return *state.snapshot.open_business_date;
  if (std::optional<absl::CivilDay> latest = store::LatestBusinessDay(tx)) return *latest;
  return absl::FailedPreconditionError("no business date has been opened");
}

// A date an index value or a calibration may be for: a business day (weekends and
// holidays are not), not after the latest business date (nothing is known of the future;
// a date whose end of day is in progress may still be calibrated).
absl::Status CheckPastBusinessDay(pqxx::transaction_base& tx, absl::string_view field,
                                  absl::CivilDay day, const ReferenceState& state) {
  TC_ASSIGN_OR_RETURN(absl::CivilDay open, LatestDate(tx, state));
  const std::string text = FormatBusinessDate(day);
  if (day > open) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " ", text, " is after the latest business date ", FormatBusinessDate(open)));
  }
  if (!clearing::BusinessCalendar(state.holidays).IsBusinessDay(day)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " ", text, " is not a business day (weekend or holiday)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<store::IndexValueRow>> ValidIndexValues(
    pqxx::transaction_base& tx, const pb::LoadIndexValuesRequest& request,
    const ReferenceState& state) {
  absl::flat_hash_set<absl::string_view> index_codes;
  for (const auto& [code, product] : state.snapshot.products)
    index_codes.insert(product.index_code);
  std::vector<store::IndexValueRow> rows;
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < request.values_size(); ++i) {
    const pb::IndexValue& v = request.values(i);
    const std::string path = absl::StrCat("values[", i, "]");
    TC_RETURN_IF_ERROR(ValidateIdentifier(absl::StrCat(path, ".index_code"), v.index_code()));
    if (!index_codes.contains(v.index_code())) {
      return absl::NotFoundError(
          absl::StrCat(path, ".index_code '", v.index_code(), "' is not the index of any product"));
    }
    const std::string date_field = absl::StrCat(path, ".business_date");
    TC_ASSIGN_OR_RETURN(absl::CivilDay day, ParseBusinessDate(date_field, v.business_date()));
    TC_RETURN_IF_ERROR(CheckPastBusinessDay(tx, date_field, day, state));
    if (!IsPriceInRange(v.value_micros())) {
      return absl::InvalidArgumentError(absl::StrCat(path, ".value_micros ", v.value_micros(),
                                                     " is outside ", kMinPriceMicros, "..",
                                                     kMaxPriceMicros));
    }
    if (!seen.insert(absl::StrCat(v.index_code(), "/", v.business_date())).second) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": index ", v.index_code(), " on ",
                                                     v.business_date(), " is given twice"));
    }
    rows.push_back({v.index_code(), day, v.value_micros()});
  }
  return rows;
}

// Active contracts of every product still trading on `day`, products in code order.
std::vector<margin::CalibrationProduct> CalibrationProducts(const clearing::ReferenceSnapshot& s,
                                                            absl::CivilDay day) {
  std::map<std::string, margin::CalibrationProduct> products;
  for (const auto& [id, instrument] : s.instruments) {
    const clearing::Product* product = s.FindProduct(instrument.product_code);
    if (instrument.status != clearing::InstrumentStatus::kActive ||
        instrument.last_trading_date < day || product == nullptr) {
      continue;
    }
    margin::CalibrationProduct& p = products[product->product_code];
    p.product_code = product->product_code;
    p.index_code = product->index_code;
    p.currency = product->currency;
    p.contract_multiplier = product->contract_multiplier;
    int period = 0;
    TC_CHECK(absl::SimpleAtoi(instrument.contract_month, &period)) << id;  // CCYYMM by schema
    p.contracts.push_back({id, period});
  }
  std::vector<margin::CalibrationProduct> out;
  for (auto& [code, product] : products) {
    std::sort(product.contracts.begin(), product.contracts.end(),
              [](const auto& a, const auto& b) { return a.contract_id < b.contract_id; });
    out.push_back(std::move(product));
  }
  return out;
}

}  // namespace

struct MarginServiceImpl::AccountBook {
  clearing::Account account;
  std::shared_ptr<const margin::CompiledParameters> params;
  std::vector<margin::Position> positions;
};

absl::StatusOr<std::shared_ptr<const margin::CompiledParameters>> MarginServiceImpl::WhatIfSet(
    absl::Time deadline, const std::string& version) {
  std::string wanted = version;
  std::optional<absl::CivilDay> open_date;
  if (wanted.empty()) {
    TC_ASSIGN_OR_RETURN(std::shared_ptr<const ReferenceState> state, cache_.Recent());
    TC_ASSIGN_OR_RETURN(open_date, OpenDate(*state));
    wanted = parameters_.RecentApproved(*open_date).value_or("");
  }
  if (!wanted.empty()) {
    if (std::shared_ptr<const margin::CompiledParameters> warm = parameters_.Find(wanted)) {
      return warm;
    }
  }
  std::shared_ptr<const margin::CompiledParameters> params;
  TC_RETURN_IF_ERROR(pool_.Transact({.deadline = deadline}, [&](pqxx::work& tx) -> absl::Status {
    TC_ASSIGN_OR_RETURN(params, SetFor(tx, *cache_.Current(tx), version));
    return absl::OkStatus();
  }));
  if (open_date) parameters_.RememberApproved(*open_date, params->version_id);
  return params;
}

absl::StatusOr<std::shared_ptr<const margin::CompiledParameters>> MarginServiceImpl::SetFor(
    pqxx::work& tx, const ReferenceState& state, const std::string& version) {
  if (!version.empty()) {
    std::optional<store::ParameterSetRow> row = store::FindParameterSet(tx, version, false);
    if (!row) {
      return absl::NotFoundError(absl::StrCat("parameter_version '", version, "' does not exist"));
    }
    return parameters_.Compiled(*row);
  }
  TC_ASSIGN_OR_RETURN(absl::CivilDay open, OpenDate(state));
  TC_ASSIGN_OR_RETURN(store::ParameterSetRow row, ApprovedSet(tx, open));
  return parameters_.Compiled(row);
}

absl::StatusOr<MarginServiceImpl::AccountBook> MarginServiceImpl::LoadAccountBook(
    pqxx::work& tx, const Principal& caller, const std::string& account_id) {
  std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
  TC_RETURN_IF_ERROR(clearing::CheckAccountVisible(caller, state->snapshot, account_id));
  const clearing::Account* account = state->snapshot.FindAccount(account_id);
  if (account == nullptr) {
    return absl::NotFoundError(absl::StrCat("account_id '", account_id, "' does not exist"));
  }
  TC_ASSIGN_OR_RETURN(auto params, SetFor(tx, *state, ""));
  return AccountBook{
      *account, std::move(params),
      margin::NetPositions(DomainPositions(store::ListPositions(tx, {"", account_id, ""})))};
}

grpc::Status MarginServiceImpl::LoadIndexValues(Context* context,
                                                const pb::LoadIndexValuesRequest* request,
                                                pb::LoadIndexValuesResponse* response) {
  return rpc_.Run(
      context, "LoadIndexValues", clearing::kRiskOnly, kBatchTime,
      [&](const Call& call) -> absl::Status {
        TC_RETURN_IF_ERROR(CheckIndexValueCount(*request));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          // Validated against the committed reference data: index codes of listed
          // products, business days no later than the open business date.
          std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
          TC_ASSIGN_OR_RETURN(std::vector<store::IndexValueRow> rows,
                              ValidIndexValues(tx, *request, *state));
          absl::flat_hash_set<std::string> codes;
          for (const store::IndexValueRow& row : rows) codes.insert(row.index_code);
          std::vector<std::string> sorted_codes(codes.begin(), codes.end());
          std::sort(sorted_codes.begin(), sorted_codes.end());
          response->set_loaded(store::UpsertIndexValues(tx, rows, call.caller.principal_id));
          store::Audit(tx, call.actor(), "LoadIndexValues", absl::StrJoin(sorted_codes, ","),
                       {"values"}, {absl::StrCat(rows.size())});
          return absl::OkStatus();
        });
      });
}

grpc::Status MarginServiceImpl::CalibrateParameters(Context* context,
                                                    const pb::CalibrateParametersRequest* request,
                                                    pb::RiskParameterSet* response) {
  return rpc_.Run(
      context, "CalibrateParameters", clearing::kRiskOnly, kBatchTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        const std::string date = FormatBusinessDate(day);
        return pool_.Transact(
            {.deadline = call.deadline, .retry_unique_violation = true},
            [&](pqxx::work& tx) -> absl::Status {
              std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
              TC_RETURN_IF_ERROR(CheckPastBusinessDay(tx, "business_date", day, *state));
              margin::CalibrationInput input{
                  .version_id = absl::StrCat(date, "-", store::CountParameterSets(tx, day) + 1),
                  .business_date = day,
                  .products = CalibrationProducts(state->snapshot, day)};
              if (input.products.empty()) {
                return absl::FailedPreconditionError(
                    absl::StrCat("no active contract trades on business_date ", date));
              }
              std::vector<std::string> index_codes;
              for (const auto& p : input.products) index_codes.push_back(p.index_code);
              input.histories = store::LoadIndexHistories(tx, index_codes, day);
              std::vector<std::string> contract_ids;
              for (const auto& p : input.products) {
                for (const auto& c : p.contracts) contract_ids.push_back(c.contract_id);
              }
              input.futures_prices =
                  store::LoadDailyTradePrices(tx, contract_ids, day - kSpreadHistoryDays, day);
              absl::StatusOr<margin::CalibrationResult> result = margin::Calibrate(input);
              if (!result.ok()) return StoredStateStatus(result.status());
              *response = pb::RiskParameterSet();
              response->set_version(input.version_id);
              response->set_business_date(date);
              response->set_created_by(call.caller.principal_id);
              *response->mutable_parameters() = ToProto(result->parameters);
              for (const auto& s : result->products) *response->add_products() = ToProto(s);
              for (const auto& s : result->pairs) *response->add_pairs() = ToProto(s);
              for (const auto& s : result->calendar_spreads) {
                *response->add_calendar_spreads() = ToProto(s);
              }
              store::InsertParameterSet(
                  tx, {input.version_id, day, store::ParameterSetStatus::kDraft,
                       call.caller.principal_id, "", response->SerializeAsString()});
              response->set_status(pb::PARAMETER_SET_STATUS_DRAFT);
              store::Audit(tx, call.actor(), "CalibrateParameters", input.version_id,
                           {"business_date"}, {date});
              return absl::OkStatus();
            });
      });
}

grpc::Status MarginServiceImpl::ApproveParameterSet(Context* context,
                                                    const pb::ApproveParameterSetRequest* request,
                                                    pb::RiskParameterSet* response) {
  return rpc_.Run(
      context, "ApproveParameterSet", clearing::kRiskOnly, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_RETURN_IF_ERROR(ValidateIdentifier("version", request->version()));
        const Principal* caller = &call.caller;
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          std::optional<store::ParameterSetRow> row =
              store::FindParameterSet(tx, request->version(), /*for_update=*/true);
          if (!row) {
            return absl::NotFoundError(
                absl::StrCat("version '", request->version(), "' does not exist"));
          }
          if (row->status != store::ParameterSetStatus::kDraft) {
            return absl::FailedPreconditionError(
                absl::StrCat("version '", row->version, "' is ",
                             store::ParameterSetStatusName(row->status), ", not DRAFT"));
          }
          if (row->created_by == caller->principal_id) {
            return absl::FailedPreconditionError(
                absl::StrCat("version '", row->version, "' was created by '", row->created_by,
                             "'; four eyes: another risk principal must approve it"));
          }
          store::ApproveParameterSet(tx, *row, caller->principal_id);
          parameters_.ForgetApproved();  // what-if must see the newly approved set at once
          row->status = store::ParameterSetStatus::kApproved;
          row->approved_by = caller->principal_id;
          TC_ASSIGN_OR_RETURN(*response, ParseStoredSet(*row));
          store::Audit(tx, call.actor(), "ApproveParameterSet", row->version, {"business_date"},
                       {FormatBusinessDate(row->business_date)});
          return absl::OkStatus();
        });
      });
}

grpc::Status MarginServiceImpl::ListParameterSets(Context* context,
                                                  const pb::ListParameterSetsRequest* request,
                                                  pb::ListParameterSetsResponse* response) {
  return rpc_.Run(context, "ListParameterSets", clearing::kAnyRole, kReadTime,
                  [&](const Call& call) -> absl::Status {
                    std::optional<absl::CivilDay> day;
                    if (!request->business_date().empty()) {
                      TC_ASSIGN_OR_RETURN(
                          day, ParseBusinessDate("business_date", request->business_date()));
                    }
                    return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) {
                      for (const store::ParameterSetRow& row : store::ListParameterSets(tx, day)) {
                        *response->add_sets() = Summary(row);
                      }
                      return absl::OkStatus();
                    });
                  });
}

grpc::Status MarginServiceImpl::ReadStoredSet(
    Context* context, absl::string_view method, const std::string& version,
    const std::function<absl::Status(pb::RiskParameterSet)>& body) {
  return rpc_.Run(
      context, method, clearing::kAnyRole, kReadTime, [&](const Call& call) -> absl::Status {
        TC_RETURN_IF_ERROR(ValidateIdentifier("version", version));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          TC_ASSIGN_OR_RETURN(pb::RiskParameterSet set, StoredSet(tx, version));
          return body(std::move(set));
        });
      });
}

grpc::Status MarginServiceImpl::GetParameterSet(Context* context,
                                                const pb::GetParameterSetRequest* request,
                                                pb::RiskParameterSet* response) {
  return ReadStoredSet(context, "GetParameterSet", request->version(),
                       [&](pb::RiskParameterSet set) {
                         *response = std::move(set);
                         return absl::OkStatus();
                       });
}

grpc::Status MarginServiceImpl::ExportParameterSet(Context* context,
                                                   const pb::ExportParameterSetRequest* request,
                                                   pb::ExportParameterSetResponse* response) {
  return ReadStoredSet(
      context, "ExportParameterSet", request->version(), [&](pb::RiskParameterSet set) {
        absl::StatusOr<margin::RiskParameters> params = FromProto(set.parameters());
        if (!params.ok()) return StoredStateStatus(params.status());
        response->set_version(set.version());
        response->set_spn(margin::WriteSpn(*params));
        return absl::OkStatus();
      });
}

grpc::Status MarginServiceImpl::GetAccountMargin(Context* context,
                                                 const pb::GetAccountMarginRequest* request,
                                                 pb::AccountMargin* response) {
  return rpc_.Run(
      context, "GetAccountMargin", clearing::kPositionReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_RETURN_IF_ERROR(ValidateIdentifier("account_id", request->account_id()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          TC_ASSIGN_OR_RETURN(AccountBook book,
                              LoadAccountBook(tx, call.caller, request->account_id()));
          TC_ASSIGN_OR_RETURN(
              margin::MarginBreakdown b,
              margin::MarginBook(*book.params, book.positions,
                                 margin::ToMarginClass(book.account.account_class)));
          response->set_account_id(book.account.account_id);
          response->set_member_id(book.account.member_id);
          response->set_origin(OriginToProto(book.account.origin));
          *response->mutable_breakdown() = ToProto(b);
          return absl::OkStatus();
        });
      });
}

grpc::Status MarginServiceImpl::WhatIfMargin(Context* context,
                                             const pb::WhatIfMarginRequest* request,
                                             pb::MarginBreakdown* response) {
  return rpc_.Run(
      context, "WhatIfMargin", clearing::kAnyRole, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(margin::AccountClass account_class,
                            ToMarginClass(request->account_class(), "account_class"));
        if (!request->parameter_version().empty()) {
          TC_RETURN_IF_ERROR(ValidateIdentifier("parameter_version", request->parameter_version()));
        }
        if (request->positions_size() > kMaxWhatIfPositions) {
          return absl::InvalidArgumentError(absl::StrCat("positions: ", request->positions_size(),
                                                         " given, at most ", kMaxWhatIfPositions));
        }
        TC_ASSIGN_OR_RETURN(std::shared_ptr<const margin::CompiledParameters> params,
                            WhatIfSet(call.deadline, request->parameter_version()));
        std::vector<margin::Position> book;
        for (int i = 0; i < request->positions_size(); ++i) {
          const pb::MarginPosition& p = request->positions(i);
          const std::string path = absl::StrCat("positions[", i, "]");
          book.push_back({p.instrument_id(), p.quantity()});
          TC_RETURN_IF_ERROR(margin::CheckPosition(*params, path, book.back()));
        }
        TC_ASSIGN_OR_RETURN(margin::MarginBreakdown breakdown,
                            margin::MarginBook(*params, book, account_class));
        *response = ToProto(breakdown);
        return absl::OkStatus();
      });
}

grpc::Status MarginServiceImpl::IncrementalMargin(Context* context,
                                                  const pb::IncrementalMarginRequest* request,
                                                  pb::IncrementalMarginResponse* response) {
  return rpc_.Run(
      context, "IncrementalMargin", clearing::kPositionReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_RETURN_IF_ERROR(ValidateIdentifier("account_id", request->account_id()));
        if (request->side() != pb::TRADE_SIDE_BUY && request->side() != pb::TRADE_SIDE_SELL) {
          return absl::InvalidArgumentError(
              absl::StrCat("side ", request->side(), " must be BUY or SELL"));
        }
        if (request->quantity() <= 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("quantity ", request->quantity(), " must be positive"));
        }
        const margin::Position trade{request->instrument_id(), request->side() == pb::TRADE_SIDE_BUY
                                                                   ? request->quantity()
                                                                   : -request->quantity()};
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          TC_ASSIGN_OR_RETURN(AccountBook book,
                              LoadAccountBook(tx, call.caller, request->account_id()));
          TC_ASSIGN_OR_RETURN(
              margin::IncrementalResult result,
              margin::IncrementalMargin(*book.params, std::move(book.positions),
                                        margin::ToMarginClass(book.account.account_class), trade));
          *response->mutable_before() = ToProto(result.before);
          *response->mutable_after() = ToProto(result.after);
          response->set_incremental_maintenance_micros(result.after.totals.maintenance_micros -
                                                       result.before.totals.maintenance_micros);
          response->set_incremental_initial_micros(result.after.totals.initial_micros -
                                                   result.before.totals.initial_micros);
          return absl::OkStatus();
        });
      });
}

grpc::Status MarginServiceImpl::RunMarginCycle(Context* context,
                                               const pb::RunMarginCycleRequest* request,
                                               pb::RunMarginCycleResponse* response) {
  return rpc_.Run(
      context, "RunMarginCycle", clearing::kTreasuryOnly, kBatchTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        const std::string date = FormatBusinessDate(day);
        const absl::Time started = call.now;
        absl::Status ran =
            pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
              std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
              TC_ASSIGN_OR_RETURN(absl::CivilDay open, OpenDate(*state));
              if (open != day) {
                return absl::FailedPreconditionError(absl::StrCat(
                    "business_date ", date, " is not the open business date ",
                    FormatBusinessDate(open), ": the cycle margins current positions"));
              }
              TC_ASSIGN_OR_RETURN(MarginCycleOutcome outcome,
                                  RunAndStoreMarginCycle(tx, *state, parameters_, day));
              response->set_parameter_version(outcome.parameter_version);
              response->set_accounts(outcome.accounts);
              response->set_changed(outcome.changed);
              store::Audit(tx, call.actor(), "RunMarginCycle", date,
                           {"parameter_version", "accounts", "changed"},
                           {outcome.parameter_version, absl::StrCat(outcome.accounts),
                            absl::StrCat(outcome.changed)});
              return absl::OkStatus();
            });
        if (ran.ok()) rpc_.metrics().ObserveMarginCycle(clock_.Now() - started);
        return ran;
      });
}

grpc::Status MarginServiceImpl::ListMarginRequirements(
    Context* context, const pb::ListMarginRequirementsRequest* request,
    pb::ListMarginRequirementsResponse* response) {
  return rpc_.Run(context, "ListMarginRequirements", clearing::kPositionReaders, kReadTime,
                  [&](const Call& call) -> absl::Status {
                    TC_ASSIGN_OR_RETURN(
                        absl::CivilDay day,
                        ParseBusinessDate("business_date", request->business_date()));
                    if (!request->member_id().empty()) {
                      TC_RETURN_IF_ERROR(ValidateIdentifier("member_id", request->member_id()));
                    }
                    TC_ASSIGN_OR_RETURN(std::string member,
                                        clearing::VisibleMember(call.caller, request->member_id()));
                    return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) {
                      for (const store::MarginRequirementRow& r :
                           store::ListMarginRequirements(tx, day, member)) {
                        *response->add_accounts() = ToProto(r);
                      }
                      for (const store::OriginRequirementRow& r :
                           store::ListOriginRequirements(tx, day, member)) {
                        *response->add_origins() = ToProto(r);
                      }
                      return absl::OkStatus();
                    });
                  });
}

}  // namespace tc::services
