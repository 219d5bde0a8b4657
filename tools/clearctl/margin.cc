// clearctl's margin commands (MarginService): loading the index history, calibrating,
// approving (four eyes) and listing risk-parameter sets, exporting one as a .spn file,
// an account's margin, what-if and incremental margin, the daily margin cycle and its
// requirements per member and origin. Money in USD with 6 decimals, exact.
//
//   clearctl --token=dev-risk-token-0001 load-index deploy/seed/index_history.csv
//   clearctl --token=dev-risk-token-0001 calibrate --date=2026-11-23
//   clearctl --token=dev-risk2-token-0001 approve 2026-11-23-1
//   clearctl --token=dev-treasury-token-0001 margin-cycle && clearctl requirements --member=CM01
//   clearctl --token=dev-member-CM01-token-0001 export-spn 2026-11-23-1 --out=params.spn
//   clearctl --token=dev-member-CM01-token-0001 what-if --portfolio=book.csv
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "margin/portfolio_csv.h"
#include "margin/risk_parameters.h"
#include "tools/clearctl/command.h"
#include "tools/clearctl/flags.h"
#include "tools/index_csv.h"
#include "tools/toolkit/account_class.h"
#include "tools/toolkit/file.h"
#include "tools/toolkit/money.h"

namespace tc::clearctl {
namespace {

using tools::FormatUsdMicros;
using tools::TextTable;

// --date, else the open business date.
absl::StatusOr<std::string> DateOrOpen(const Clients& clients) {
  const std::string date = absl::GetFlag(FLAGS_date);
  if (!date.empty()) return date;
  pb::BusinessDate open;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.reference, &ReferenceStub::GetBusinessDate, {}, &open));
  return open.business_date();
}

absl::Status LoadIndex(const Clients& clients, const Args& args) {
  TC_ASSIGN_OR_RETURN(std::string contents, tools::ReadFile(args[0]));
  absl::StatusOr<std::vector<pb::IndexValue>> values = tools::ParseIndexCsv(contents);
  if (!values.ok()) return tools::InFile(args[0], values.status());
  pb::LoadIndexValuesRequest request;
  // Per index: how many values and the latest.
  std::map<std::string, std::pair<int, const pb::IndexValue*>> by_index;
  for (const pb::IndexValue& v : *values) {
    *request.add_values() = v;
    auto& [count, last] = by_index[v.index_code()];
    ++count;
    if (last == nullptr || last->business_date() < v.business_date()) last = &v;
  }
  pb::LoadIndexValuesResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.margin, &MarginStub::LoadIndexValues, request, &response));
  TextTable table({"INDEX", "VALUES", "LAST_DATE", "LAST_VALUE"});
  for (const auto& [code, summary] : by_index) {
    table.AddRow({code, absl::StrCat(summary.first), summary.second->business_date(),
                  FormatUsdMicros(summary.second->value_micros())});
  }
  return Print(response, table);
}

std::vector<std::string> SetRow(const pb::RiskParameterSet& set) {
  return {set.version(), set.business_date(),
          EnumLabel(pb::ParameterSetStatus_Name(set.status()), "PARAMETER_SET_STATUS_"),
          set.created_by(), set.approved_by().empty() ? "-" : set.approved_by()};
}

TextTable SetTable() {
  return TextTable({"VERSION", "BUSINESS_DATE", "STATUS", "CREATED_BY", "APPROVED_BY"});
}

absl::Status Calibrate(const Clients& clients, const Args&) {
  pb::CalibrateParametersRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), DateOrOpen(clients));
  pb::RiskParameterSet response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.margin, &MarginStub::CalibrateParameters, request, &response));
  TextTable set = SetTable();
  set.AddRow(SetRow(response));
  if (absl::GetFlag(FLAGS_json)) return Print(response, set);
  // Volatilities are daily, in ppm; the PSR is the price scan range of one contract.
  TextTable products(
      {"PRODUCT", "INDEX_VALUE", "RETURNS", "EWMA_VOL_PPM", "LONG_RUN_VOL_PPM", "PSR"});
  for (const pb::ProductCalibration& p : response.products()) {
    products.AddRow({p.product_code(), FormatUsdMicros(p.index_value_micros()),
                     absl::StrCat(p.return_count()), absl::StrCat(p.ewma_volatility_ppm()),
                     absl::StrCat(p.long_run_volatility_ppm()), FormatUsdMicros(p.psr_micros())});
  }
  std::printf("%s\n%s", set.Render().c_str(), products.Render().c_str());
  return absl::OkStatus();
}

absl::Status Approve(const Clients& clients, const Args& args) {
  pb::ApproveParameterSetRequest request;
  request.set_version(args[0]);
  pb::RiskParameterSet response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.margin, &MarginStub::ApproveParameterSet, request, &response));
  TextTable table = SetTable();
  table.AddRow(SetRow(response));
  return Print(response, table);
}

absl::Status ShowParameterSets(const Clients& clients, const Args&) {
  pb::ListParameterSetsRequest request;
  request.set_business_date(absl::GetFlag(FLAGS_date));
  pb::ListParameterSetsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.margin, &MarginStub::ListParameterSets, request, &response));
  TextTable table = SetTable();
  for (const pb::RiskParameterSet& set : response.sets()) table.AddRow(SetRow(set));
  return Print(response, table);
}

absl::Status ExportSpn(const Clients& clients, const Args& args) {
  pb::ExportParameterSetRequest request;
  request.set_version(args[0]);
  pb::ExportParameterSetResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.margin, &MarginStub::ExportParameterSet, request, &response));
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    std::fputs(response.spn().c_str(), stdout);
    return absl::OkStatus();
  }
  TC_RETURN_IF_ERROR(tools::WriteFile(out, response.spn()));
  std::printf("wrote parameter set %s to %s (%zu bytes)\n", response.version().c_str(), out.c_str(),
              response.spn().size());
  return absl::OkStatus();
}

// One row per combined commodity and a TOTAL row, laid out like margincalc's table.
TextTable BreakdownTable(const pb::MarginBreakdown& b) {
  TextTable table(
      {"CC", "SCAN", "INTRA", "SPOT", "INTER", "SOM", "NOV", "RISK", "MAINTENANCE", "INITIAL"});
  for (const pb::CommodityMargin& cc : b.commodities()) {
    table.AddRow({cc.combined_commodity(), FormatUsdMicros(cc.scan_risk_micros()),
                  FormatUsdMicros(cc.intra_charge_micros()),
                  FormatUsdMicros(cc.spot_charge_micros()),
                  FormatUsdMicros(cc.inter_credit_micros()), FormatUsdMicros(cc.som_micros()),
                  FormatUsdMicros(cc.nov_micros()), FormatUsdMicros(cc.risk_micros()),
                  FormatUsdMicros(cc.maintenance_micros()), FormatUsdMicros(cc.initial_micros())});
  }
  table.AddRow({"TOTAL", "-", "-", "-", "-", "-", "-", "-", FormatUsdMicros(b.maintenance_micros()),
                FormatUsdMicros(b.initial_micros())});
  return table;
}

absl::Status PrintBreakdown(const google::protobuf::Message& response, absl::string_view title,
                            const pb::MarginBreakdown& b) {
  if (!absl::GetFlag(FLAGS_json)) {
    std::printf("%s parameters %s, business date %s, class %s, currency %s\n",
                std::string(title).c_str(), b.parameter_version().c_str(),
                b.business_date().c_str(),
                EnumLabel(pb::AccountClass_Name(b.account_class()), "ACCOUNT_CLASS_").c_str(),
                b.currency().c_str());
  }
  return Print(response, BreakdownTable(b));
}

absl::Status ShowMargin(const Clients& clients, const Args&) {
  pb::GetAccountMarginRequest request;
  request.set_account_id(absl::GetFlag(FLAGS_account));
  pb::AccountMargin response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.margin, &MarginStub::GetAccountMargin, request, &response));
  return PrintBreakdown(response,
                        absl::StrCat("account ", response.account_id(), " (",
                                     EnumLabel(pb::Origin_Name(response.origin()), "ORIGIN_"),
                                     " of ", response.member_id(), "):"),
                        response.breakdown());
}

pb::AccountClass ToProto(margin::AccountClass account_class) {
  switch (account_class) {
    case margin::AccountClass::kMember:
      return pb::ACCOUNT_CLASS_MEMBER;
    case margin::AccountClass::kHedger:
      return pb::ACCOUNT_CLASS_HEDGER;
    case margin::AccountClass::kSpeculator:
      return pb::ACCOUNT_CLASS_SPECULATOR;
  }
  return pb::ACCOUNT_CLASS_MEMBER;
}

absl::Status WhatIf(const Clients& clients, const Args&) {
  const std::string path = absl::GetFlag(FLAGS_portfolio);
  if (path.empty()) return absl::InvalidArgumentError("--portfolio is required");
  TC_ASSIGN_OR_RETURN(std::string contents, tools::ReadFile(path));
  absl::StatusOr<std::vector<margin::Position>> book = margin::ParsePortfolioCsv(contents);
  if (!book.ok()) return tools::InFile(path, book.status());
  pb::WhatIfMarginRequest request;
  for (const margin::Position& p : *book) {
    pb::MarginPosition* position = request.add_positions();
    position->set_instrument_id(p.contract_id);
    position->set_quantity(p.quantity);
  }
  TC_ASSIGN_OR_RETURN(margin::AccountClass account_class,
                      tools::ParseAccountClass(absl::GetFlag(FLAGS_account_class)));
  request.set_account_class(ToProto(account_class));
  request.set_parameter_version(absl::GetFlag(FLAGS_parameter_version));
  pb::MarginBreakdown response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.margin, &MarginStub::WhatIfMargin, request, &response));
  return PrintBreakdown(response, absl::StrCat("what-if ", path, ":"), response);
}

absl::StatusOr<pb::TradeSide> SideFlag() {
  const std::string side = absl::GetFlag(FLAGS_side);
  if (side == "buy") return pb::TRADE_SIDE_BUY;
  if (side == "sell") return pb::TRADE_SIDE_SELL;
  return absl::InvalidArgumentError(absl::StrCat("--side '", side, "' is not buy or sell"));
}

absl::Status Incremental(const Clients& clients, const Args&) {
  pb::IncrementalMarginRequest request;
  request.set_account_id(absl::GetFlag(FLAGS_account));
  request.set_instrument_id(absl::GetFlag(FLAGS_instrument));
  request.set_quantity(absl::GetFlag(FLAGS_quantity));
  TC_ASSIGN_OR_RETURN(pb::TradeSide side, SideFlag());
  request.set_side(side);
  pb::IncrementalMarginResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.margin, &MarginStub::IncrementalMargin, request, &response));
  TextTable table({"", "MAINTENANCE", "INITIAL"});
  table.AddRow({"BEFORE", FormatUsdMicros(response.before().maintenance_micros()),
                FormatUsdMicros(response.before().initial_micros())});
  table.AddRow({"AFTER", FormatUsdMicros(response.after().maintenance_micros()),
                FormatUsdMicros(response.after().initial_micros())});
  table.AddRow({"INCREMENTAL", FormatUsdMicros(response.incremental_maintenance_micros()),
                FormatUsdMicros(response.incremental_initial_micros())});
  return Print(response, table);
}

absl::Status MarginCycle(const Clients& clients, const Args&) {
  pb::RunMarginCycleRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), DateOrOpen(clients));
  pb::RunMarginCycleResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.margin, &MarginStub::RunMarginCycle, request, &response));
  TextTable table({"BUSINESS_DATE", "PARAMETER_VERSION", "ACCOUNTS", "CHANGED"});
  table.AddRow({request.business_date(), response.parameter_version(),
                absl::StrCat(response.accounts()), absl::StrCat(response.changed())});
  return Print(response, table);
}

// Per member and origin; with --member also per account.
absl::Status ShowRequirements(const Clients& clients, const Args&) {
  pb::ListMarginRequirementsRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), DateOrOpen(clients));
  request.set_member_id(absl::GetFlag(FLAGS_member));
  pb::ListMarginRequirementsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.margin, &MarginStub::ListMarginRequirements, request, &response));
  TextTable origins({"BUSINESS_DATE", "MEMBER", "ORIGIN", "ACCOUNTS", "MAINTENANCE", "INITIAL",
                     "PARAMETER_VERSION"});
  for (const pb::OriginRequirement& r : response.origins()) {
    origins.AddRow({r.business_date(), r.member_id(),
                    EnumLabel(pb::Origin_Name(r.origin()), "ORIGIN_"),
                    absl::StrCat(r.account_count()), FormatUsdMicros(r.maintenance_micros()),
                    FormatUsdMicros(r.initial_micros()), r.parameter_version()});
  }
  if (request.member_id().empty() || absl::GetFlag(FLAGS_json)) return Print(response, origins);
  TextTable accounts({"ACCOUNT", "ORIGIN", "MAINTENANCE", "INITIAL"});
  for (const pb::MarginRequirement& r : response.accounts()) {
    accounts.AddRow({r.account_id(), EnumLabel(pb::Origin_Name(r.origin()), "ORIGIN_"),
                     FormatUsdMicros(r.maintenance_micros()), FormatUsdMicros(r.initial_micros())});
  }
  std::printf("%s\n%s", origins.Render().c_str(), accounts.Render().c_str());
  return absl::OkStatus();
}

constexpr Command kCommands[] = {
    {"load-index", "load-index FILE.csv (index_code,YYYY-MM-DD,value lines)", 1, LoadIndex},
    {"calibrate", "calibrate [--date=YYYY-MM-DD]", 0, Calibrate},
    {"approve", "approve VERSION", 1, Approve},
    {"parameter-sets", "parameter-sets [--date=YYYY-MM-DD]", 0, ShowParameterSets},
    {"export-spn", "export-spn VERSION [--out=FILE.spn]", 1, ExportSpn},
    {"margin", "margin --account=CM01-H", 0, ShowMargin},
    {"what-if",
     "what-if --portfolio=FILE.csv [--account_class=member|hedger|speculator] "
     "[--parameter_version=V]",
     0, WhatIf},
    {"incremental",
     "incremental --account=CM01-H --instrument=TKF-202612 --side=buy|sell --quantity=N", 0,
     Incremental},
    {"margin-cycle", "margin-cycle [--date=YYYY-MM-DD]", 0, MarginCycle},
    {"requirements", "requirements [--member=CM01] [--date=YYYY-MM-DD]", 0, ShowRequirements},
};

}  // namespace

absl::Span<const Command> MarginCommands() { return kCommands; }

}  // namespace tc::clearctl
