// clearctl: the treasury and admin command line for tokenclear, a gRPC client of the
// public API. Tables by default, the API responses as JSON with --json. This file holds
// the flags, the usage and the dispatch over the noun files' commands (command.h):
// reference.cc (server, reference data), trades.cc (positions, trades, open interest),
// margin.cc (index history, parameter sets, margin), index.cc, settlement.cc (prices, the
// end-of-day run), ledger.cc, cash.cc (collateral, obligations, payments, flags,
// reconciliation, intraday cycles) and member.cc (a member's own data, notifications).
//
//   clearctl wait-ready --timeout_s=60
//   clearctl health --wait_seconds=60   # exit 0 once SERVING (database reachable)
//   clearctl --token=dev-admin-token-0001 seed deploy/seed/sample.textproto
//   clearctl --token=dev-treasury-token-0001 positions --member=CM01
//   clearctl --token=dev-treasury-token-0001 trades --account=CM01-H --json
//   clearctl --token=dev-risk-token-0001 load-index deploy/seed/index_history.csv
//   clearctl --token=dev-risk-token-0001 calibrate
//   clearctl --token=dev-risk2-token-0001 approve VERSION
//   clearctl --token=dev-member-CM01-token-0001 margin --account=CM01-H
// Money is printed exactly, in USD with 6 decimals (micro-USD), as margincalc prints it.
// The server and token come from --target/--token or TOKENCLEAR_TARGET/TOKENCLEAR_TOKEN.
// Exit status: 0 on success, 1 on an API error (printed as CODE: message), 2 on misuse.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "tools/api_client.h"
#include "tools/clearctl/command.h"
#include "tools/clearctl/flags.h"
#include "tools/toolkit/output.h"

ABSL_FLAG(bool, json, false, "print the API responses as JSON instead of tables");
ABSL_FLAG(int, timeout_s, 30, "wait-ready: how long to wait for the server, seconds");
ABSL_FLAG(std::string, business_date, "",
          "seed: the first business date to open (YYYY-MM-DD); default: the seed file's, "
          "else today (UTC) or the next business day");
ABSL_FLAG(std::string, member, "",
          "accounts, positions, requirements, obligations, payments list, flags, collateral "
          "list: only this member; collateral deposit, withdraw: the member");
ABSL_FLAG(std::string, account, "",
          "positions: only this account; trades, margin, incremental: the account; payments "
          "confirm: the CCP's bank account that moved");
ABSL_FLAG(std::string, instrument, "",
          "positions, open-interest: only this instrument; incremental: the instrument");
ABSL_FLAG(std::string, date, "",
          "trades: only this trade date (YYYY-MM-DD); calibrate, margin-cycle, requirements, "
          "parameter-sets: the business date (default: the open one; parameter-sets: all); "
          "obligations, payments, recon: the business date; collateral prices: the price date");
ABSL_FLAG(bool, csv, false,
          "positions --account: print the net positions as a portfolio CSV "
          "(contract_id,quantity), the input of what-if and margincalc");
ABSL_FLAG(std::string, out, "",
          "export-spn: write the .spn file here instead of stdout; payments export: the "
          "directory the payment files are written into");
ABSL_FLAG(std::string, portfolio, "", "what-if: portfolio CSV, contract_id,quantity per line");
ABSL_FLAG(std::string, account_class, "member", "what-if: member, hedger or speculator");
ABSL_FLAG(std::string, parameter_version, "",
          "what-if: the parameter set (default: the approved set of the open business date)");
ABSL_FLAG(std::string, side, "", "incremental: buy or sell");
ABSL_FLAG(int64_t, quantity, 0, "incremental: contracts, > 0");
ABSL_FLAG(std::string, index, "",
          "index fix, freeze, unfreeze, set-settings: the index code; index fixings, flags, "
          "settings: only this index");
ABSL_FLAG(std::string, reason, "",
          "index approve-flag, freeze, unfreeze, prices correct: why (required)");
ABSL_FLAG(std::string, provider, "clearctl", "index observe: the provider of the observations");
ABSL_FLAG(std::string, kind, "", "ledger balances: only this account kind (MEMBER_CASH, ...)");
ABSL_FLAG(std::string, from, "",
          "ledger journal, index fixings: from this business date (YYYY-MM-DD)");
ABSL_FLAG(std::string, to, "",
          "ledger journal, index fixings: up to this business date (YYYY-MM-DD)");
ABSL_FLAG(std::string, stop_after, "",
          "eod run: stop once this step is done (CLOSE_TRADING ... OPEN_NEXT_DAY)");
ABSL_FLAG(int, limit, 0, "ledger journal: at most this many entries (default 100, max 1000)");
ABSL_FLAG(std::string, origin, "", "collateral deposit, withdraw: HOUSE or CUSTOMER");
ABSL_FLAG(std::string, amount, "",
          "collateral deposit, withdraw: the cash amount or face value, e.g. 1000000.00; "
          "payments confirm: the amount that moved (at most 2 decimals)");
ABSL_FLAG(std::string, currency, "USD", "collateral deposit, withdraw, payments confirm");
ABSL_FLAG(std::string, security, "",
          "collateral deposit, withdraw: the security (CUSIP or ISIN); empty: cash");
ABSL_FLAG(std::string, key, "",
          "collateral deposit, withdraw, payments confirm: the idempotency key (a resend with "
          "the same key and content changes nothing)");
ABSL_FLAG(std::string, file, "",
          "collateral prices: CSV of security_id,price (percent of face); payments import: "
          "a camt.054 XML file");
ABSL_FLAG(std::string, price, "",
          "collateral prices: SECURITY=PERCENT[,...]; intraday run: INSTRUMENT=PRICE[,...] "
          "(USD per 1M tokens)");
ABSL_FLAG(std::string, cycle, "",
          "obligations, payments, recon: EOD (default) or INTRADAYn; intraday run: INTRADAYn");
ABSL_FLAG(std::string, stage, "", "obligations: INDICATIVE or FINAL (default: both)");
ABSL_FLAG(std::string, status, "",
          "payments list: INSTRUCTED or CONFIRMED; payments confirm: BOOK (default) or PDNG");
ABSL_FLAG(std::string, id, "", "payments confirm: the end-to-end IDs confirmed, comma-separated");
ABSL_FLAG(std::string, direction, "",
          "payments confirm: CRDT (money in, a collect) or DBIT (money out, a pay)");
ABSL_FLAG(bool, open, false, "flags: only the open (uncured) flags");
ABSL_FLAG(int64_t, after, 0, "member notifications: only those after this notification id");
ABSL_FLAG(bool, follow, false,
          "member notifications: keep printing new ones as they come (until interrupted)");

ABSL_FLAG(int, ttl_days, 90, "token issue: days until the token expires (1..3650)");
ABSL_FLAG(std::string, label, "", "token issue: what the token is for");
ABSL_FLAG(std::string, principal, "", "token list, audit list: only this principal's");
ABSL_FLAG(std::string, action, "", "audit list: only this action (method or step)");
ABSL_FLAG(std::string, outcome, "", "audit list: only this outcome (OK or a status code)");
ABSL_FLAG(std::string, request_id, "", "audit list: only this call's rows");
ABSL_FLAG(std::string, service, "",
          "health: the service whose health to check (default: the whole server)");
ABSL_FLAG(int, wait_seconds, 0, "health: probe until SERVING for at most this long, seconds");

namespace tc::clearctl {

absl::Span<const Command> HealthCommands();  // health.cc: the readiness check

namespace {

// Every noun's commands, in usage order.
constexpr absl::Span<const Command> (*kNouns[])() = {
    ReferenceCommands,  TradeCommands,  MarginCommands, IndexCommands,
    SettlementCommands, LedgerCommands, CashCommands,   MemberCommands,
    AccessCommands,     ReportCommands, HealthCommands,
};

std::string Usage() {
  std::string usage =
      "tokenclear treasury/admin CLI.\n"
      "usage: clearctl [--target=HOST:PORT] [--token=TOKEN] [--tls_ca=PEM [--tls_cert=PEM "
      "--tls_key=PEM]] [--json] COMMAND\n"
      "commands:\n";
  for (auto commands : kNouns) {
    for (const Command& command : commands()) {
      absl::StrAppend(&usage, "  ", command.synopsis, "\n");
    }
  }
  return usage;
}

const Command* FindCommand(absl::string_view name) {
  for (auto commands : kNouns) {
    for (const Command& command : commands()) {
      if (name == command.name) return &command;
    }
  }
  return nullptr;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(Usage());
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  // A noun's command is one word ("positions") or two ("index fix").
  size_t words = 1;
  const Command* command = nullptr;
  if (positional.size() >= 3) {
    command = FindCommand(absl::StrCat(positional[1], " ", positional[2]));
    if (command != nullptr) words = 2;
  }
  if (command == nullptr && positional.size() >= 2) command = FindCommand(positional[1]);
  const Args args(positional.begin() + std::min<size_t>(positional.size(), 1 + words),
                  positional.end());
  if (command == nullptr || args.size() != command->positional_args) {
    return tools::ReportUsage(Usage());
  }
  const Clients clients(tools::ApiConnection::FromFlags());
  const absl::Status status = command->run(clients, args);
  if (!status.ok()) {
    return tools::ReportError(absl::StrCat("clearctl ", command->name), status.ToString());
  }
  return tools::kExitOk;
}

}  // namespace
}  // namespace tc::clearctl

int main(int argc, char** argv) { return tc::clearctl::Main(argc, argv); }
