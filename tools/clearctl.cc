// clearctl: the treasury and admin command line for tokenclear, a gRPC client of the
// public API. Tables by default, the API responses as JSON with --json.
//
//   clearctl wait-ready --timeout_s=60
//   clearctl --token=dev-admin-token-0001 seed deploy/seed/sample.textproto
//   clearctl --token=dev-treasury-token-0001 positions --member=CM01
//   clearctl --token=dev-treasury-token-0001 trades --account=CM01-H --json
//   clearctl --token=dev-treasury-token-0001 load-index deploy/seed/index_history.csv
//   clearctl --token=dev-treasury-token-0001 calibrate
//   clearctl --token=dev-treasury2-token-0001 approve VERSION
//   clearctl --token=dev-member-CM01-token-0001 margin --account=CM01-H
// Money is printed exactly, in USD with 6 decimals (micro-USD), as margincalc prints it.
// The server and token come from --target/--token or TOKENCLEAR_TARGET/TOKENCLEAR_TOKEN.
// Exit status: 0 on success, 1 on an API error (printed as CODE: message), 2 on misuse.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "margin/portfolio_csv.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/positions.grpc.pb.h"
#include "tokenclear/v1/reference_data.grpc.pb.h"
#include "tools/api_client.h"
#include "tools/index_csv.h"
#include "tools/seed_file.h"
#include "tools/toolkit/text_table.h"

ABSL_FLAG(bool, json, false, "print the API responses as JSON instead of tables");
ABSL_FLAG(int, timeout_s, 30, "wait-ready: how long to wait for the server, seconds");
ABSL_FLAG(std::string, business_date, "",
          "seed: the first business date to open (YYYY-MM-DD); default: the seed file's, "
          "else today (UTC) or the next business day");
ABSL_FLAG(std::string, member, "", "accounts, positions, requirements: only this member");
ABSL_FLAG(std::string, account, "",
          "positions: only this account; trades, margin, incremental: the account");
ABSL_FLAG(std::string, instrument, "",
          "positions, open-interest: only this instrument; incremental: the instrument");
ABSL_FLAG(std::string, date, "",
          "trades: only this trade date (YYYY-MM-DD); calibrate, margin-cycle, requirements, "
          "parameter-sets: the business date (default: the open one; parameter-sets: all)");
ABSL_FLAG(bool, csv, false,
          "positions --account: print the net positions as a portfolio CSV "
          "(contract_id,quantity), the input of what-if and margincalc");
ABSL_FLAG(std::string, out, "", "export-spn: write the .spn file here instead of stdout");
ABSL_FLAG(std::string, portfolio, "", "what-if: portfolio CSV, contract_id,quantity per line");
ABSL_FLAG(std::string, account_class, "member", "what-if: member, hedger or speculator");
ABSL_FLAG(std::string, parameter_version, "",
          "what-if: the parameter set (default: the approved set of the open business date)");
ABSL_FLAG(std::string, side, "", "incremental: buy or sell");
ABSL_FLAG(int64_t, quantity, 0, "incremental: contracts, > 0");

namespace {

namespace pb = ::tokenclear::v1;
using google::protobuf::RepeatedPtrField;
using tc::tools::ApiConnection;
using tc::tools::TextTable;
using ReferenceStub = pb::ReferenceDataService::Stub;
using PositionStub = pb::PositionService::Stub;
using MarginStub = pb::MarginService::Stub;
using Args = std::vector<std::string>;

constexpr absl::Duration kReadyPollTimeout = absl::Seconds(1);
constexpr absl::Duration kReadyPollInterval = absl::Milliseconds(200);
constexpr int kTradesPageSize = 1000;

struct Clients {
  explicit Clients(ApiConnection connection)
      : api(std::move(connection)),
        reference(pb::ReferenceDataService::NewStub(api.channel())),
        positions(pb::PositionService::NewStub(api.channel())),
        margin(pb::MarginService::NewStub(api.channel())) {}

  ApiConnection api;
  std::unique_ptr<ReferenceStub> reference;
  std::unique_ptr<PositionStub> positions;
  std::unique_ptr<MarginStub> margin;
};

struct Command {
  const char* name;
  const char* synopsis;
  size_t positional_args;
  absl::Status (*run)(const Clients& clients, const Args& args);
};

// "ORIGIN_HOUSE" -> "HOUSE".
std::string EnumLabel(const std::string& name, absl::string_view prefix) {
  return std::string(absl::StripPrefix(name, prefix));
}

// With --json the response, else the table.
absl::Status Print(const google::protobuf::Message& response, const TextTable& table) {
  if (!absl::GetFlag(FLAGS_json)) {
    std::fputs(table.Render().c_str(), stdout);
    return absl::OkStatus();
  }
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(response, &json, options);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  std::fputs(json.c_str(), stdout);
  return absl::OkStatus();
}

absl::Status WaitReady(const Clients& clients, const Args&) {
  const absl::Duration patience = absl::Seconds(absl::GetFlag(FLAGS_timeout_s));
  const absl::Time give_up = absl::Now() + patience;
  while (true) {
    pb::ListProductsResponse response;
    // Any answer, even UNAUTHENTICATED, means the server is up and serving.
    const absl::Status status = clients.api.Call(*clients.reference, &ReferenceStub::ListProducts,
                                                 {}, &response, kReadyPollTimeout);
    if (!absl::IsUnavailable(status) && !absl::IsDeadlineExceeded(status)) {
      std::printf("%s is ready\n", clients.api.target().c_str());
      return absl::OkStatus();
    }
    if (absl::Now() >= give_up) {
      return absl::DeadlineExceededError(absl::StrCat(clients.api.target(), " not ready after ",
                                                      absl::FormatDuration(patience), ": ",
                                                      status.ToString()));
    }
    absl::SleepFor(kReadyPollInterval);
  }
}

// Upserts each item of `wanted` that `existing` does not already hold as is, and adds a
// summary row. Items the API cannot list (holidays, principals) pass no `existing` and
// are always written (an upsert of equal content changes nothing).
template <typename Item, typename Request>
absl::Status UpsertChanged(const Clients& clients, absl::string_view kind,
                           const RepeatedPtrField<Item>& wanted,
                           const std::type_identity_t<RepeatedPtrField<Item>>* existing,
                           const std::string& (Item::*key)() const,
                           grpc::Status (ReferenceStub::*upsert)(grpc::ClientContext*,
                                                                 const Request&, Item*),
                           Item* (Request::*mutable_item)(), TextTable& summary) {
  absl::flat_hash_map<std::string, const Item*> current;
  if (existing != nullptr) {
    for (const Item& item : *existing) current[(item.*key)()] = &item;
  }
  int written = 0;
  for (const Item& item : wanted) {
    auto found = current.find((item.*key)());
    if (found != current.end() &&
        google::protobuf::util::MessageDifferencer::Equals(*found->second, item)) {
      continue;
    }
    Request request;
    *(request.*mutable_item)() = item;
    Item response;
    absl::Status status = clients.api.Call(*clients.reference, upsert, request, &response);
    if (!status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat(kind, " ", (item.*key)(), ": ", status.message()));
    }
    ++written;
  }
  summary.AddRow({std::string(kind), absl::StrCat(wanted.size()), absl::StrCat(written),
                  existing != nullptr ? absl::StrCat(wanted.size() - written) : "-"});
  return absl::OkStatus();
}

absl::Status UpsertSeed(const Clients& clients, const pb::SeedFile& seed, TextTable& summary) {
  const ApiConnection& api = clients.api;
  ReferenceStub& stub = *clients.reference;
  pb::ListProductsResponse products;
  pb::ListMembersResponse members;
  pb::ListAccountsResponse accounts;
  TC_RETURN_IF_ERROR(api.Call(stub, &ReferenceStub::ListProducts, {}, &products));
  TC_RETURN_IF_ERROR(api.Call(stub, &ReferenceStub::ListMembers, {}, &members));
  TC_RETURN_IF_ERROR(api.Call(stub, &ReferenceStub::ListAccounts, {}, &accounts));
  // Dependencies first: holidays shape the calendar, accounts and principals name members.
  TC_RETURN_IF_ERROR(UpsertChanged(clients, "holidays", seed.holidays(), nullptr,
                                   &pb::Holiday::date, &ReferenceStub::UpsertHoliday,
                                   &pb::UpsertHolidayRequest::mutable_holiday, summary));
  TC_RETURN_IF_ERROR(UpsertChanged(clients, "products", seed.products(), &products.products(),
                                   &pb::Product::product_code, &ReferenceStub::UpsertProduct,
                                   &pb::UpsertProductRequest::mutable_product, summary));
  TC_RETURN_IF_ERROR(UpsertChanged(clients, "members", seed.members(), &members.members(),
                                   &pb::Member::member_id, &ReferenceStub::UpsertMember,
                                   &pb::UpsertMemberRequest::mutable_member, summary));
  TC_RETURN_IF_ERROR(UpsertChanged(clients, "accounts", seed.accounts(), &accounts.accounts(),
                                   &pb::Account::account_id, &ReferenceStub::UpsertAccount,
                                   &pb::UpsertAccountRequest::mutable_account, summary));
  return UpsertChanged(clients, "principals", seed.principals(), nullptr,
                       &pb::Principal::principal_id, &ReferenceStub::UpsertPrincipal,
                       &pb::UpsertPrincipalRequest::mutable_principal, summary);
}

// Opens the first business date (the server keeps a date that is already open) and lists
// the contract months from it; returns a line describing both.
absl::StatusOr<std::string> OpenAndList(const Clients& clients, const pb::SeedFile& seed) {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  TC_ASSIGN_OR_RETURN(absl::CivilDay first, tc::tools::FirstBusinessDate(
                                                seed, absl::GetFlag(FLAGS_business_date), today));
  pb::OpenFirstBusinessDateRequest open;
  open.set_business_date(tc::FormatBusinessDate(first));
  pb::BusinessDate opened;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.reference, &ReferenceStub::OpenFirstBusinessDate, open, &opened));
  pb::ListContractMonthsResponse listed;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.reference, &ReferenceStub::ListContractMonths, {}, &listed));
  pb::ListInstrumentsResponse instruments;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.reference, &ReferenceStub::ListInstruments, {}, &instruments));
  const bool kept = opened.business_date() != open.business_date();
  return absl::StrCat("business date ", opened.business_date(), " is open",
                      kept ? " (it was already; kept)" : "", "; instruments ",
                      instruments.instruments_size(), " (", listed.listed_size(), " newly listed)");
}

absl::Status Seed(const Clients& clients, const Args& args) {
  TC_ASSIGN_OR_RETURN(pb::SeedFile seed, tc::tools::LoadSeedFile(args[0]));
  TextTable summary({"KIND", "IN_FILE", "WRITTEN", "UNCHANGED"});
  TC_RETURN_IF_ERROR(UpsertSeed(clients, seed, summary));
  TC_ASSIGN_OR_RETURN(std::string dates, OpenAndList(clients, seed));
  std::printf("seeded %s into %s\n%s%s\n", args[0].c_str(), clients.api.target().c_str(),
              summary.Render().c_str(), dates.c_str());
  return absl::OkStatus();
}

absl::Status ShowBusinessDate(const Clients& clients, const Args&) {
  pb::BusinessDate date;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.reference, &ReferenceStub::GetBusinessDate, {}, &date));
  TextTable table({"BUSINESS_DATE"});
  table.AddRow({date.business_date()});
  return Print(date, table);
}

absl::Status ShowInstruments(const Clients& clients, const Args&) {
  pb::ListProductsResponse products;
  pb::ListInstrumentsResponse instruments;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.reference, &ReferenceStub::ListProducts, {}, &products));
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.reference, &ReferenceStub::ListInstruments, {}, &instruments));
  absl::flat_hash_map<std::string, const pb::Product*> by_code;
  for (const pb::Product& product : products.products()) by_code[product.product_code()] = &product;
  TextTable table({"INSTRUMENT", "PRODUCT", "MONTH", "LAST_TRADING", "FINAL_SETTLEMENT", "STATUS",
                   "TICK", "MULTIPLIER"});
  for (const pb::Instrument& i : instruments.instruments()) {
    auto found = by_code.find(i.product_code());
    const pb::Product* product = found == by_code.end() ? nullptr : found->second;
    table.AddRow({i.instrument_id(), i.product_code(), i.contract_month(), i.last_trading_date(),
                  i.final_settlement_date(),
                  EnumLabel(pb::InstrumentStatus_Name(i.status()), "INSTRUMENT_STATUS_"),
                  product ? tc::FormatFixed(product->tick_size_micros(), tc::kMicroScale) : "-",
                  product ? absl::StrCat(product->contract_multiplier()) : "-"});
  }
  return Print(instruments, table);
}

absl::Status ShowAccounts(const Clients& clients, const Args&) {
  pb::ListAccountsRequest request;
  request.set_member_id(absl::GetFlag(FLAGS_member));
  pb::ListAccountsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.reference, &ReferenceStub::ListAccounts, request, &response));
  TextTable table({"ACCOUNT", "MEMBER", "ORIGIN", "CLASS", "STATUS", "CUSTOMER"});
  for (const pb::Account& a : response.accounts()) {
    table.AddRow({a.account_id(), a.member_id(), EnumLabel(pb::Origin_Name(a.origin()), "ORIGIN_"),
                  EnumLabel(pb::AccountClass_Name(a.account_class()), "ACCOUNT_CLASS_"),
                  EnumLabel(pb::AccountStatus_Name(a.status()), "ACCOUNT_STATUS_"),
                  a.customer_name()});
  }
  return Print(response, table);
}

// One account's non-zero net positions as a portfolio CSV (margin/portfolio_csv.h).
absl::Status PrintPortfolioCsv(const pb::ListPositionsResponse& response) {
  if (absl::GetFlag(FLAGS_account).empty()) {
    return absl::InvalidArgumentError("--csv needs --account (a portfolio is one account's)");
  }
  std::string csv = "contract_id,quantity\n";
  for (const pb::Position& p : response.positions()) {
    const int64_t net = p.long_quantity() - p.short_quantity();
    if (net != 0) absl::StrAppend(&csv, p.instrument_id(), ",", net, "\n");
  }
  std::fputs(csv.c_str(), stdout);
  return absl::OkStatus();
}

absl::Status ShowPositions(const Clients& clients, const Args&) {
  pb::ListPositionsRequest request;
  request.set_member_id(absl::GetFlag(FLAGS_member));
  request.set_account_id(absl::GetFlag(FLAGS_account));
  request.set_instrument_id(absl::GetFlag(FLAGS_instrument));
  pb::ListPositionsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.positions, &PositionStub::ListPositions, request, &response));
  if (absl::GetFlag(FLAGS_csv)) return PrintPortfolioCsv(response);
  TextTable table({"ACCOUNT", "MEMBER", "INSTRUMENT", "LONG", "SHORT", "NET"});
  for (const pb::Position& p : response.positions()) {
    table.AddRow({p.account_id(), p.member_id(), p.instrument_id(), absl::StrCat(p.long_quantity()),
                  absl::StrCat(p.short_quantity()),
                  absl::StrCat(p.long_quantity() - p.short_quantity())});
  }
  return Print(response, table);
}

absl::Status ShowOpenInterest(const Clients& clients, const Args&) {
  pb::GetOpenInterestRequest request;
  request.set_instrument_id(absl::GetFlag(FLAGS_instrument));
  pb::GetOpenInterestResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.positions, &PositionStub::GetOpenInterest, request, &response));
  TextTable table({"INSTRUMENT", "TOTAL_LONG", "TOTAL_SHORT"});
  for (const pb::OpenInterest& oi : response.open_interest()) {
    table.AddRow(
        {oi.instrument_id(), absl::StrCat(oi.total_long()), absl::StrCat(oi.total_short())});
  }
  return Print(response, table);
}

// Every page of ListTrades, as one response.
absl::StatusOr<pb::ListTradesResponse> AllTrades(const Clients& clients) {
  pb::ListTradesRequest request;
  request.set_account_id(absl::GetFlag(FLAGS_account));
  request.set_trade_date(absl::GetFlag(FLAGS_date));
  request.set_page_size(kTradesPageSize);
  pb::ListTradesResponse all;
  do {
    pb::ListTradesResponse page;
    TC_RETURN_IF_ERROR(
        clients.api.Call(*clients.positions, &PositionStub::ListTrades, request, &page));
    for (pb::ClearedLeg& leg : *page.mutable_legs()) *all.add_legs() = std::move(leg);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return all;
}

absl::Status ShowTrades(const Clients& clients, const Args&) {
  TC_ASSIGN_OR_RETURN(pb::ListTradesResponse response, AllTrades(clients));
  TextTable table({"TRADE_ID", "ACCOUNT", "INSTRUMENT", "SIDE", "QUANTITY", "PRICE", "TRADE_DATE",
                   "EXECUTED_AT", "STATUS", "REPLACED_BY"});
  for (const pb::ClearedLeg& leg : response.legs()) {
    table.AddRow(
        {leg.trade_id(), leg.account_id(), leg.instrument_id(), leg.side(),
         absl::StrCat(leg.quantity()), tc::FormatFixed(leg.price_micros(), tc::kMicroScale),
         leg.trade_date(), google::protobuf::util::TimeUtil::ToString(leg.executed_at()),
         EnumLabel(pb::TradeStatus_Name(leg.status()), "TRADE_STATUS_"), leg.replaced_by()});
  }
  return Print(response, table);
}

// ---- Margin ----

std::string Money(int64_t micros) { return tc::FormatFixed(micros, tc::kMicroScale); }

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// `status` with "PATH: " before its message.
absl::Status InFile(const std::string& path, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
}

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
  TC_ASSIGN_OR_RETURN(std::string contents, ReadFile(args[0]));
  absl::StatusOr<std::vector<pb::IndexValue>> values = tc::tools::ParseIndexCsv(contents);
  if (!values.ok()) return InFile(args[0], values.status());
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
                  Money(summary.second->value_micros())});
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
    products.AddRow({p.product_code(), Money(p.index_value_micros()),
                     absl::StrCat(p.return_count()), absl::StrCat(p.ewma_volatility_ppm()),
                     absl::StrCat(p.long_run_volatility_ppm()), Money(p.psr_micros())});
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
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << response.spn();
  file.close();
  if (!file) return absl::InternalError(absl::StrCat("cannot write ", out));
  std::printf("wrote parameter set %s to %s (%zu bytes)\n", response.version().c_str(), out.c_str(),
              response.spn().size());
  return absl::OkStatus();
}

// One row per combined commodity and a TOTAL row, laid out like margincalc's table.
TextTable BreakdownTable(const pb::MarginBreakdown& b) {
  TextTable table(
      {"CC", "SCAN", "INTRA", "SPOT", "INTER", "SOM", "NOV", "RISK", "MAINTENANCE", "INITIAL"});
  for (const pb::CommodityMargin& cc : b.commodities()) {
    table.AddRow({cc.combined_commodity(), Money(cc.scan_risk_micros()),
                  Money(cc.intra_charge_micros()), Money(cc.spot_charge_micros()),
                  Money(cc.inter_credit_micros()), Money(cc.som_micros()), Money(cc.nov_micros()),
                  Money(cc.risk_micros()), Money(cc.maintenance_micros()),
                  Money(cc.initial_micros())});
  }
  table.AddRow({"TOTAL", "-", "-", "-", "-", "-", "-", "-", Money(b.maintenance_micros()),
                Money(b.initial_micros())});
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

absl::StatusOr<pb::AccountClass> AccountClassFlag() {
  const std::string name = absl::GetFlag(FLAGS_account_class);
  if (name == "member") return pb::ACCOUNT_CLASS_MEMBER;
  if (name == "hedger") return pb::ACCOUNT_CLASS_HEDGER;
  if (name == "speculator") return pb::ACCOUNT_CLASS_SPECULATOR;
  return absl::InvalidArgumentError(
      absl::StrCat("--account_class '", name, "' is not member, hedger or speculator"));
}

absl::Status WhatIf(const Clients& clients, const Args&) {
  const std::string path = absl::GetFlag(FLAGS_portfolio);
  if (path.empty()) return absl::InvalidArgumentError("--portfolio is required");
  TC_ASSIGN_OR_RETURN(std::string contents, ReadFile(path));
  absl::StatusOr<std::vector<tc::margin::Position>> book = tc::margin::ParsePortfolioCsv(contents);
  if (!book.ok()) return InFile(path, book.status());
  pb::WhatIfMarginRequest request;
  for (const tc::margin::Position& p : *book) {
    pb::MarginPosition* position = request.add_positions();
    position->set_instrument_id(p.contract_id);
    position->set_quantity(p.quantity);
  }
  TC_ASSIGN_OR_RETURN(pb::AccountClass account_class, AccountClassFlag());
  request.set_account_class(account_class);
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
  table.AddRow({"BEFORE", Money(response.before().maintenance_micros()),
                Money(response.before().initial_micros())});
  table.AddRow({"AFTER", Money(response.after().maintenance_micros()),
                Money(response.after().initial_micros())});
  table.AddRow({"INCREMENTAL", Money(response.incremental_maintenance_micros()),
                Money(response.incremental_initial_micros())});
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
                    absl::StrCat(r.account_count()), Money(r.maintenance_micros()),
                    Money(r.initial_micros()), r.parameter_version()});
  }
  if (request.member_id().empty() || absl::GetFlag(FLAGS_json)) return Print(response, origins);
  TextTable accounts({"ACCOUNT", "ORIGIN", "MAINTENANCE", "INITIAL"});
  for (const pb::MarginRequirement& r : response.accounts()) {
    accounts.AddRow({r.account_id(), EnumLabel(pb::Origin_Name(r.origin()), "ORIGIN_"),
                     Money(r.maintenance_micros()), Money(r.initial_micros())});
  }
  std::printf("%s\n%s", origins.Render().c_str(), accounts.Render().c_str());
  return absl::OkStatus();
}

constexpr Command kCommands[] = {
    {"wait-ready", "wait-ready [--timeout_s=30]", 0, WaitReady},
    {"seed", "seed FILE [--business_date=YYYY-MM-DD]", 1, Seed},
    {"business-date", "business-date", 0, ShowBusinessDate},
    {"instruments", "instruments", 0, ShowInstruments},
    {"accounts", "accounts [--member=CM01]", 0, ShowAccounts},
    {"positions", "positions [--member=CM01] [--account=CM01-H [--csv]] [--instrument=ID]", 0,
     ShowPositions},
    {"open-interest", "open-interest [--instrument=TKF-202612]", 0, ShowOpenInterest},
    {"trades", "trades --account=CM01-H [--date=YYYY-MM-DD]", 0, ShowTrades},
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

std::string Usage() {
  std::string usage =
      "tokenclear treasury/admin CLI.\n"
      "usage: clearctl [--target=HOST:PORT] [--token=TOKEN] [--json] COMMAND\n"
      "commands:\n";
  for (const Command& command : kCommands) absl::StrAppend(&usage, "  ", command.synopsis, "\n");
  return usage;
}

const Command* FindCommand(absl::string_view name) {
  for (const Command& command : kCommands) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(Usage());
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  const Command* command = positional.size() < 2 ? nullptr : FindCommand(positional[1]);
  const Args args(positional.begin() + std::min<size_t>(positional.size(), 2), positional.end());
  if (command == nullptr || args.size() != command->positional_args) {
    std::fputs(Usage().c_str(), stderr);
    return 2;
  }
  const Clients clients(ApiConnection::FromFlags());
  const absl::Status status = command->run(clients, args);
  if (!status.ok()) {
    std::fprintf(stderr, "clearctl %s: %s\n", command->name, status.ToString().c_str());
    return 1;
  }
  return 0;
}
