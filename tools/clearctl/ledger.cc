// clearctl's ledger noun (LedgerService): account balances, the journal and the ledger
// check, for treasury and the regulator. Cents print as dollars with exactly two
// decimals (integer arithmetic, never floating point); + is a debit, - a credit.
//
//   clearctl --token=dev-treasury-token-0001 ledger balances --member=CM01
//   clearctl --token=dev-treasury-token-0001 ledger balances --kind=CCP_ROUNDING
//   clearctl --token=dev-treasury-token-0001 ledger journal --from=2026-11-30 --limit=50
//   clearctl --token=dev-treasury-token-0001 ledger journal --account=CCP:VM_SETTLEMENT:USD
//   clearctl --token=dev-treasury-token-0001 ledger check   # exit status 1 when it fails
#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "tools/clearctl/command.h"
#include "tools/clearctl/flags.h"

namespace tc::clearctl {
namespace {

using LedgerStub = pb::LedgerService::Stub;
using tools::TextTable;

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

absl::Status Balances(const Clients& clients, const Args& /*args*/) {
  pb::ListLedgerBalancesRequest request;
  request.set_member_id(absl::GetFlag(FLAGS_member));
  request.set_kind(absl::GetFlag(FLAGS_kind));
  pb::ListLedgerBalancesResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.ledger, &LedgerStub::ListLedgerBalances, request, &response));
  TextTable table({"ACCOUNT", "KIND", "MEMBER", "ORIGIN", "CURRENCY", "BALANCE", "LINES"});
  for (const pb::LedgerBalance& b : response.balances()) {
    const pb::LedgerAccount& a = b.account();
    table.AddRow({a.ledger_account_id(), a.kind(), OrDash(a.member_id()), OrDash(a.origin()),
                  a.currency(), FormatFixed(b.balance_cents(), 2), absl::StrCat(b.line_count())});
  }
  return Print(response, table);
}

absl::Status Journal(const Clients& clients, const Args& /*args*/) {
  pb::ListJournalEntriesRequest request;
  request.set_from_business_date(absl::GetFlag(FLAGS_from));
  request.set_to_business_date(absl::GetFlag(FLAGS_to));
  request.set_ledger_account_id(absl::GetFlag(FLAGS_account));
  request.set_member_id(absl::GetFlag(FLAGS_member));
  request.set_page_size(absl::GetFlag(FLAGS_limit));
  pb::ListJournalEntriesResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.ledger, &LedgerStub::ListJournalEntries, request, &response));
  // One row per line, the entry's columns on its first line only, so an entry reads as a
  // block of debits and credits.
  TextTable table({"ENTRY", "DATE", "KEY", "KIND", "ACCOUNT", "AMOUNT"});
  for (const pb::JournalEntry& e : response.entries()) {
    bool first = true;
    for (const pb::JournalLine& line : e.lines()) {
      table.AddRow({first ? absl::StrCat(e.entry_id()) : "", first ? e.business_date() : "",
                    first ? e.idempotency_key() : "", first ? e.kind() : "",
                    line.account().ledger_account_id(), FormatFixed(line.amount_cents(), 2)});
      first = false;
    }
  }
  TC_RETURN_IF_ERROR(Print(response, table));
  if (!absl::GetFlag(FLAGS_json) && !response.next_page_token().empty()) {
    std::printf("more entries follow entry %s; raise --limit or narrow the dates\n",
                response.next_page_token().c_str());
  }
  return absl::OkStatus();
}

absl::Status Check(const Clients& clients, const Args& /*args*/) {
  pb::CheckLedgerResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*clients.ledger, &LedgerStub::CheckLedger, {}, &response));
  TextTable table({"CHECK", "COUNT"});
  table.AddRow({"entries", absl::StrCat(response.entries())});
  table.AddRow({"unbalanced entries", absl::StrCat(response.unbalanced_entries())});
  table.AddRow({"balance mismatches", absl::StrCat(response.balance_mismatches())});
  table.AddRow(
      {"settlement accounts not at zero", absl::StrCat(response.settlement_nonzero_dates())});
  table.AddRow(
      {"variation margin not zero-sum", absl::StrCat(response.variation_margin_nonzero_dates())});
  TC_RETURN_IF_ERROR(Print(response, table));
  if (!absl::GetFlag(FLAGS_json)) {
    for (const std::string& problem : response.problems()) std::printf("%s\n", problem.c_str());
  }
  // A failed check is an error of the command, so scripts can gate on the exit status.
  if (!response.ok()) {
    return absl::DataLossError(
        absl::StrCat("the ledger check failed: ", response.problems_size(), " problem(s) listed"));
  }
  return absl::OkStatus();
}

constexpr Command kCommands[] = {
    {"ledger balances", "ledger balances [--member=M] [--kind=KIND]", 0, Balances},
    {"ledger journal",
     "ledger journal [--from=DATE] [--to=DATE] [--account=ID] [--member=M] [--limit=N]", 0,
     Journal},
    {"ledger check", "ledger check  (exit status 1 when the check fails)", 0, Check},
};

}  // namespace

absl::Span<const Command> LedgerCommands() { return kCommands; }

}  // namespace tc::clearctl
