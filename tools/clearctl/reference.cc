// clearctl's reference-data commands: waiting for the server, seeding products, members,
// accounts, principals, holidays and the treasury cash reference data (CashService) from
// a seed file, and listing the business date, instruments and accounts
// (ReferenceDataService).
//
//   clearctl wait-ready --timeout_s=60
//   clearctl --token=dev-admin-token-0001 seed deploy/seed/sample.textproto
//   clearctl --token=dev-treasury-token-0001 instruments --json
//   clearctl --token=dev-member-CM01-token-0001 accounts
#include <google/protobuf/util/message_differencer.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/business_date.h"
#include "core/status_macros.h"
#include "tools/clearctl/command.h"
#include "tools/clearctl/flags.h"
#include "tools/seed_file.h"
#include "tools/toolkit/money.h"

namespace tc::clearctl {
namespace {

using google::protobuf::RepeatedPtrField;
using tools::TextTable;

constexpr absl::Duration kReadyPollTimeout = absl::Seconds(1);
constexpr absl::Duration kReadyPollInterval = absl::Milliseconds(200);

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

// Treasury cash reference data, when the seed has it: one CashService call, once the
// members it names exist. The server counts the rows it changed (an upsert of equal
// content changes none); IN_FILE counts the settings, accounts, classes with their
// haircut bands and securities.
absl::Status UpsertCashReference(const Clients& clients, const pb::SeedFile& seed,
                                 TextTable& summary) {
  if (!seed.has_cash()) return absl::OkStatus();
  const pb::UpsertCashReferenceRequest& cash = seed.cash();
  int64_t rows = (cash.has_settings() ? 1 : 0) + cash.ccp_bank_accounts_size() +
                 cash.member_bank_accounts_size() + cash.collateral_securities_size();
  for (const pb::CollateralClass& c : cash.collateral_classes()) rows += 1 + c.haircuts_size();
  pb::UpsertCashReferenceResponse response;
  absl::Status status =
      clients.api.Call(*clients.cash, &pb::CashService::Stub::UpsertCashReference, cash, &response);
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("cash reference: ", status.message()));
  }
  summary.AddRow(
      {"cash reference", absl::StrCat(rows), absl::StrCat(response.rows_changed()), "-"});
  return absl::OkStatus();
}

absl::Status UpsertSeed(const Clients& clients, const pb::SeedFile& seed, TextTable& summary) {
  const tools::ApiConnection& api = clients.api;
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
  TC_RETURN_IF_ERROR(UpsertChanged(clients, "principals", seed.principals(), nullptr,
                                   &pb::Principal::principal_id, &ReferenceStub::UpsertPrincipal,
                                   &pb::UpsertPrincipalRequest::mutable_principal, summary));
  return UpsertCashReference(clients, seed, summary);
}

// Opens the first business date (the server keeps a date that is already open) and lists
// the contract months from it; returns a line describing both.
absl::StatusOr<std::string> OpenAndList(const Clients& clients, const pb::SeedFile& seed) {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  TC_ASSIGN_OR_RETURN(absl::CivilDay first,
                      tools::FirstBusinessDate(seed, absl::GetFlag(FLAGS_business_date), today));
  pb::OpenFirstBusinessDateRequest open;
  open.set_business_date(FormatBusinessDate(first));
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
  TC_ASSIGN_OR_RETURN(pb::SeedFile seed, tools::LoadSeedFile(args[0]));
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
                  product ? tools::FormatUsdMicros(product->tick_size_micros()) : "-",
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

constexpr Command kCommands[] = {
    {"wait-ready", "wait-ready [--timeout_s=30]", 0, WaitReady},
    {"seed", "seed FILE [--business_date=YYYY-MM-DD]", 1, Seed},
    {"business-date", "business-date", 0, ShowBusinessDate},
    {"instruments", "instruments", 0, ShowInstruments},
    {"accounts", "accounts [--member=CM01]", 0, ShowAccounts},
};

}  // namespace

absl::Span<const Command> ReferenceCommands() { return kCommands; }

}  // namespace tc::clearctl
