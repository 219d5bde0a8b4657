// clearctl: the treasury and admin command line for tokenclear, a gRPC client of the
// public API. Tables by default, the API responses as JSON with --json.
//
//   clearctl wait-ready --timeout_s=60
//   clearctl --token=dev-admin-token-0001 seed deploy/seed/sample.textproto
//   clearctl --token=dev-treasury-token-0001 positions --member=CM01
//   clearctl --token=dev-treasury-token-0001 trades --account=CM01-H --json
// The server and token come from --target/--token or TOKENCLEAR_TARGET/TOKENCLEAR_TOKEN.
// Exit status: 0 on success, 1 on an API error (printed as CODE: message), 2 on misuse.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include <cstdio>
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
#include "tokenclear/v1/positions.grpc.pb.h"
#include "tokenclear/v1/reference_data.grpc.pb.h"
#include "tools/api_client.h"
#include "tools/seed_file.h"
#include "tools/text_table.h"

ABSL_FLAG(bool, json, false, "print the API responses as JSON instead of tables");
ABSL_FLAG(int, timeout_s, 30, "wait-ready: how long to wait for the server, seconds");
ABSL_FLAG(std::string, business_date, "",
          "seed: the first business date to open (YYYY-MM-DD); default: the seed file's, "
          "else today (UTC) or the next business day");
ABSL_FLAG(std::string, member, "", "accounts, positions: only this member");
ABSL_FLAG(std::string, account, "", "positions: only this account; trades: the account");
ABSL_FLAG(std::string, instrument, "", "positions, open-interest: only this instrument");
ABSL_FLAG(std::string, date, "", "trades: only this trade date (YYYY-MM-DD)");

namespace {

namespace pb = ::tokenclear::v1;
using google::protobuf::RepeatedPtrField;
using tc::tools::ApiConnection;
using tc::tools::TextTable;
using ReferenceStub = pb::ReferenceDataService::Stub;
using PositionStub = pb::PositionService::Stub;
using Args = std::vector<std::string>;

constexpr absl::Duration kReadyPollTimeout = absl::Seconds(1);
constexpr absl::Duration kReadyPollInterval = absl::Milliseconds(200);
constexpr int kTradesPageSize = 1000;

struct Clients {
  explicit Clients(ApiConnection connection)
      : api(std::move(connection)),
        reference(pb::ReferenceDataService::NewStub(api.channel())),
        positions(pb::PositionService::NewStub(api.channel())) {}

  ApiConnection api;
  std::unique_ptr<ReferenceStub> reference;
  std::unique_ptr<PositionStub> positions;
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

absl::Status ShowPositions(const Clients& clients, const Args&) {
  pb::ListPositionsRequest request;
  request.set_member_id(absl::GetFlag(FLAGS_member));
  request.set_account_id(absl::GetFlag(FLAGS_account));
  request.set_instrument_id(absl::GetFlag(FLAGS_instrument));
  pb::ListPositionsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.positions, &PositionStub::ListPositions, request, &response));
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

constexpr Command kCommands[] = {
    {"wait-ready", "wait-ready [--timeout_s=30]", 0, WaitReady},
    {"seed", "seed FILE [--business_date=YYYY-MM-DD]", 1, Seed},
    {"business-date", "business-date", 0, ShowBusinessDate},
    {"instruments", "instruments", 0, ShowInstruments},
    {"accounts", "accounts [--member=CM01]", 0, ShowAccounts},
    {"positions", "positions [--member=CM01] [--account=CM01-H] [--instrument=ID]", 0,
     ShowPositions},
    {"open-interest", "open-interest [--instrument=TKF-202612]", 0, ShowOpenInterest},
    {"trades", "trades --account=CM01-H [--date=YYYY-MM-DD]", 0, ShowTrades},
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
