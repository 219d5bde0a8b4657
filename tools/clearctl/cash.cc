// clearctl's treasury cash commands (CashService, docs/PAYMENTS_ISO20022.md): collateral
// deposits, withdrawals, holdings and security prices; the obligations of a cycle; the
// payment instructions, their pain.008/pain.001 files and their confirmations (one by
// hand or a bank's camt.054); the collect deadlines and the failure-to-pay flags; the
// reconciliation of a cycle; an intraday margin cycle. Each command is one RPC.
//
//   clearctl --token=dev-treasury-token-0001 collateral deposit --member=CM01 --origin=HOUSE
//       --amount=1000000.00 --key=CM01-H-20261228-1            (one line, as below)
//   clearctl collateral deposit --member=CM01 --origin=HOUSE --amount=500000.00
//       --security=US912797GK1 --key=CM01-H-BILL-1
//   clearctl collateral list --member=CM01
//   clearctl collateral prices --date=2026-12-28 --file=prices.csv   # security_id,price
//   clearctl collateral prices --date=2026-12-28 --price=US912797GK1=99.5
//   clearctl obligations --date=2026-12-28 [--cycle=EOD] [--stage=FINAL] [--member=CM01]
//   clearctl payments instruct --date=2026-12-28
//   clearctl payments export --date=2026-12-28 --out=out/pain   # one XML file per message
//   clearctl payments import --file=camt054.xml
//   clearctl payments confirm --key=CONF-1 --id=EOD-20261228-0001 --amount=1250.00
//       --account=CCP-USD-1 --direction=CRDT
//   clearctl payments deadlines && clearctl flags --open
//   clearctl recon --date=2026-12-28         # exit status 1 when a check fails
//   clearctl intraday run --cycle=INTRADAY1 --price=TKF-202703=12.345,TKO-202703=0.452
//
// Amounts are sent as typed (decimal text, at most two decimals: the server refuses an
// off-cent amount, it never rounds). Cents print as the ledger noun prints them: units of
// the currency with exactly two decimals, next to a currency column; + for what a member
// receives (VM, net) or holds, - for what it owes.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "core/fixed_point.h"
#include "core/sha256.h"
#include "core/status_macros.h"
#include "formats/csv.h"
#include "tools/clearctl/command.h"
#include "tools/clearctl/flags.h"
#include "tools/toolkit/file.h"

namespace tc::clearctl {
namespace {

using tools::TextTable;
using CashStub = pb::CashService::Stub;

std::string Cents(int64_t cents) { return FormatFixed(cents, 2); }

// Text columns that may hold only "-" (which would right-align them).
TextTable WithLeft(TextTable table, std::initializer_list<size_t> columns) {
  for (size_t column : columns) table.SetAlignment(column, TextTable::Alignment::kLeft);
  return table;
}
std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

// "2026-12-28T17:00:00Z", or "-" when unset.
std::string Utc(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(ts.seconds()),
                          absl::UTCTimeZone());
}

absl::StatusOr<std::string> Required(absl::string_view name, const std::string& value,
                                     absl::string_view hint) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, "=", hint, " is required"));
  }
  return value;
}

// "A=1.5,B=2" as (A, "1.5"), (B, "2"): the IDs and decimal texts as typed.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParsePriceList(
    absl::string_view text, absl::string_view hint) {
  std::vector<std::pair<std::string, std::string>> prices;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat("--price: '", item, "' is not ", hint));
    }
    absl::StripAsciiWhitespace(&parts[0]);
    absl::StripAsciiWhitespace(&parts[1]);
    if (parts[0].empty() || parts[1].empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--price: '", item, "' is not ", hint));
    }
    prices.emplace_back(std::move(parts[0]), std::move(parts[1]));
  }
  if (prices.empty())
    return absl::InvalidArgumentError(absl::StrCat("--price=", hint, " is empty"));
  return prices;
}

// With --json the response alone; else each non-empty section's title (when it has one)
// and table, a blank line between sections.
absl::Status PrintSections(const google::protobuf::Message& response,
                           const std::vector<std::pair<std::string, const TextTable*>>& sections) {
  if (absl::GetFlag(FLAGS_json)) return Print(response, *sections.front().second);
  bool first = true;
  for (const auto& [title, table] : sections) {
    if (table->rows() == 0 && !title.empty()) continue;
    if (!first) std::printf("\n");
    if (!title.empty()) std::printf("%s\n", title.c_str());
    TC_RETURN_IF_ERROR(Print(response, *table));
    first = false;
  }
  return absl::OkStatus();
}

// Lines printed before the table, left out with --json (the JSON has the same facts).
void Note(const std::string& line) {
  if (!absl::GetFlag(FLAGS_json)) std::printf("%s\n", line.c_str());
}

// ---- collateral ----

TextTable MovementTable() {
  return WithLeft(TextTable({"MOVEMENT", "DATE", "MEMBER", "ORIGIN", "KIND", "AMOUNT", "CCY",
                             "SECURITY", "KEY", "JOURNAL_KEY"}),
                  {7});
}

void AddMovement(const pb::CollateralMovement& m, TextTable& table) {
  table.AddRow({absl::StrCat(m.movement_id()), m.business_date(), m.member_id(), m.origin(),
                m.kind(), Cents(m.amount_cents()), m.currency(), OrDash(m.security_id()),
                m.idempotency_key(), m.journal_key()});
}

absl::Status MoveCollateral(const Clients& clients, bool deposit) {
  pb::MoveCollateralRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_member_id(),
                      Required("member", absl::GetFlag(FLAGS_member), "CM01"));
  TC_ASSIGN_OR_RETURN(*request.mutable_origin(),
                      Required("origin", absl::GetFlag(FLAGS_origin), "HOUSE|CUSTOMER"));
  TC_ASSIGN_OR_RETURN(*request.mutable_amount(),
                      Required("amount", absl::GetFlag(FLAGS_amount), "1000000.00"));
  TC_ASSIGN_OR_RETURN(*request.mutable_idempotency_key(),
                      Required("key", absl::GetFlag(FLAGS_key), "IDEMPOTENCY_KEY"));
  TC_ASSIGN_OR_RETURN(*request.mutable_currency(),
                      Required("currency", absl::GetFlag(FLAGS_currency), "USD"));
  request.set_security_id(absl::GetFlag(FLAGS_security));
  pb::CollateralMovement response;
  TC_RETURN_IF_ERROR(clients.api.Call(
      *clients.cash, deposit ? &CashStub::DepositCollateral : &CashStub::WithdrawCollateral,
      request, &response));
  if (response.replayed()) {
    Note(absl::StrCat("key ", response.idempotency_key(), " was taken before: nothing changed"));
  }
  TextTable table = MovementTable();
  AddMovement(response, table);
  return Print(response, table);
}

absl::Status Deposit(const Clients& clients, const Args&) { return MoveCollateral(clients, true); }
absl::Status Withdraw(const Clients& clients, const Args&) {
  return MoveCollateral(clients, false);
}

absl::Status ListCollateral(const Clients& clients, const Args&) {
  pb::ListCollateralRequest request;
  request.set_member_id(absl::GetFlag(FLAGS_member));
  pb::ListCollateralResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.cash, &CashStub::ListCollateral, request, &response));
  // Per member origin: cash now, the face of the securities now, and the latest
  // end-of-day valuation (market, after haircuts, after concentration limits).
  TextTable origins({"MEMBER", "ORIGIN", "CCY", "CASH", "SECURITIES_FACE", "VALUED_ON",
                     "SEC_MARKET", "SEC_HAIRCUT", "SEC_COUNTED", "VALUE", "REQUIREMENT", "EXCESS"});
  TextTable holdings({"MEMBER", "ORIGIN", "SECURITY", "CLASS", "FACE"});
  for (const pb::OriginCollateral& o : response.origins()) {
    int64_t face = 0;
    for (const pb::SecurityHolding& h : o.securities()) {
      face += h.face_cents();
      holdings.AddRow(
          {o.member_id(), o.origin(), h.security_id(), h.class_code(), Cents(h.face_cents())});
    }
    const bool valued = o.has_latest_valuation();
    const pb::CollateralValuation& v = o.latest_valuation();
    auto money = [valued](int64_t cents) { return valued ? Cents(cents) : std::string("-"); };
    origins.AddRow({o.member_id(), o.origin(), o.currency(), Cents(o.cash_cents()), Cents(face),
                    valued ? v.business_date() : "-", money(v.securities_market_cents()),
                    money(v.securities_after_haircut_cents()), money(v.securities_counted_cents()),
                    money(v.value_cents()), money(v.requirement_cents()), money(v.excess_cents())});
  }
  TextTable movements = MovementTable();
  for (const pb::CollateralMovement& m : response.movements()) AddMovement(m, movements);
  return PrintSections(
      response, {{"", &origins}, {"securities held:", &holdings}, {"movements:", &movements}});
}

// security_id,price lines (an optional header line naming security_id first).
absl::Status AddPricesFromFile(const std::string& path, pb::LoadCollateralPricesRequest& request) {
  TC_ASSIGN_OR_RETURN(std::string contents, tools::ReadFile(path));
  absl::Status parsed =
      formats::ForEachCsvRecord(contents, [&](const formats::CsvRecord& record) -> absl::Status {
        if (record.fields.size() != 2) {
          return formats::CsvLineError(
              record.line_number,
              absl::StrCat("expected security_id,price, got ", record.fields.size(), " fields"));
        }
        if (request.prices_size() == 0 &&
            absl::AsciiStrToLower(record.fields[0]) == "security_id") {
          return absl::OkStatus();  // the header
        }
        pb::CollateralPrice* price = request.add_prices();
        price->set_security_id(std::string(record.fields[0]));
        price->set_price(std::string(record.fields[1]));
        return absl::OkStatus();
      });
  if (!parsed.ok()) return tools::InFile(path, parsed);
  if (request.prices_size() == 0) {
    return tools::InFile(path, absl::InvalidArgumentError("no prices"));
  }
  return absl::OkStatus();
}

absl::Status LoadPrices(const Clients& clients, const Args&) {
  pb::LoadCollateralPricesRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_price_date(),
                      Required("date", absl::GetFlag(FLAGS_date), "YYYY-MM-DD"));
  const std::string file = absl::GetFlag(FLAGS_file);
  const std::string list = absl::GetFlag(FLAGS_price);
  if (file.empty() == list.empty()) {
    return absl::InvalidArgumentError(
        "give either --file=prices.csv (security_id,price) or --price=SECURITY=PERCENT[,...]");
  }
  if (!file.empty()) {
    TC_RETURN_IF_ERROR(AddPricesFromFile(file, request));
  } else {
    TC_ASSIGN_OR_RETURN(auto prices, ParsePriceList(list, "SECURITY=PERCENT"));
    for (auto& [security, percent] : prices) {
      pb::CollateralPrice* price = request.add_prices();
      price->set_security_id(security);
      price->set_price(percent);
    }
  }
  pb::LoadCollateralPricesResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.cash, &CashStub::LoadCollateralPrices, request, &response));
  TextTable table({"PRICE_DATE", "GIVEN", "LOADED", "ALREADY_LOADED"});
  table.AddRow({request.price_date(), absl::StrCat(request.prices_size()),
                absl::StrCat(response.loaded()),
                absl::StrCat(request.prices_size() - response.loaded())});
  return Print(response, table);
}

// ---- obligations and instructions ----

TextTable ObligationTable() {
  return TextTable({"DATE", "CYCLE", "STAGE", "PASS", "MEMBER", "ORIGIN", "CCY", "VM",
                    "REQUIREMENT", "COLLATERAL", "PENDING_CALL", "DEFICIT", "IM_CALL", "RELEASE",
                    "NET"});
}

void AddObligation(const pb::Obligation& o, TextTable& table) {
  table.AddRow({o.business_date(), o.cycle(), o.stage(), absl::StrCat(o.pass()), o.member_id(),
                o.origin(), o.currency(), Cents(o.vm_cents()), Cents(o.requirement_cents()),
                Cents(o.collateral_value_cents()), Cents(o.pending_call_cents()),
                Cents(o.deficit_cents()), Cents(o.im_call_cents()), Cents(o.release_cents()),
                Cents(o.net_cents())});
}

TextTable InstructionTable() {
  return WithLeft(TextTable({"INSTRUCTION", "DATE", "CYCLE", "MEMBER", "ORIGIN", "DIRECTION",
                             "AMOUNT", "CCY", "VM", "IM_CALL", "RELEASE", "BANK", "MEMBER_ACCOUNT",
                             "CCP_ACCOUNT", "MESSAGE", "STATUS", "DEADLINE", "CONFIRMED_AT"}),
                  {11, 13, 14, 16, 17});
}

void AddInstruction(const pb::PaymentInstruction& p, TextTable& table) {
  table.AddRow({p.instruction_id(), p.business_date(), p.cycle(), p.member_id(), p.origin(),
                p.direction(), Cents(p.amount_cents()), p.currency(), Cents(p.vm_cents()),
                Cents(p.im_call_cents()), Cents(p.release_cents()), p.bank_aba(),
                p.member_account_number(), OrDash(p.ccp_account_number()), OrDash(p.message_id()),
                p.status(), Utc(p.deadline()), Utc(p.confirmed_at())});
}

// "6 collects 12345.67 USD, 4 pays 2345.00 USD" (per currency).
std::string InstructionTotals(
    const google::protobuf::RepeatedPtrField<pb::PaymentInstruction>& instructions) {
  std::map<std::pair<std::string, std::string>, std::pair<int, int64_t>> totals;
  for (const pb::PaymentInstruction& p : instructions) {
    auto& [count, cents] = totals[{p.direction(), p.currency()}];
    ++count;
    cents += p.amount_cents();
  }
  std::vector<std::string> parts;
  for (const auto& [key, total] : totals) {
    parts.push_back(absl::StrCat(total.first, " ", key.first == "COLLECT" ? "collect" : "pay",
                                 total.first == 1 ? "" : "s", " ", Cents(total.second), " ",
                                 key.second));
  }
  return parts.empty() ? "no payments" : absl::StrJoin(parts, ", ");
}

absl::Status ListObligations(const Clients& clients, const Args&) {
  pb::ListObligationsRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(),
                      Required("date", absl::GetFlag(FLAGS_date), "YYYY-MM-DD"));
  request.set_cycle(absl::GetFlag(FLAGS_cycle));
  request.set_stage(absl::GetFlag(FLAGS_stage));
  request.set_member_id(absl::GetFlag(FLAGS_member));
  pb::ListObligationsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.cash, &CashStub::ListObligations, request, &response));
  TextTable table = ObligationTable();
  for (const pb::Obligation& o : response.obligations()) AddObligation(o, table);
  return Print(response, table);
}

absl::Status InstructPayments(const Clients& clients, const Args&) {
  pb::InstructPaymentsRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(),
                      Required("date", absl::GetFlag(FLAGS_date), "YYYY-MM-DD"));
  request.set_cycle(absl::GetFlag(FLAGS_cycle));
  pb::InstructPaymentsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.cash, &CashStub::InstructPayments, request, &response));
  const std::string cycle = request.cycle().empty() ? "EOD" : request.cycle();
  Note(absl::StrCat(cycle, " of ", request.business_date(), ": ", response.obligations_size(),
                    " final obligations, ", InstructionTotals(response.instructions()),
                    response.replayed() ? " (instructed before; nothing changed)" : ""));
  TextTable table = InstructionTable();
  for (const pb::PaymentInstruction& p : response.instructions()) AddInstruction(p, table);
  return Print(response, table);
}

absl::Status ListPayments(const Clients& clients, const Args&) {
  pb::ListPaymentInstructionsRequest request;
  request.set_business_date(absl::GetFlag(FLAGS_date));
  request.set_cycle(absl::GetFlag(FLAGS_cycle));
  request.set_member_id(absl::GetFlag(FLAGS_member));
  request.set_status(absl::GetFlag(FLAGS_status));
  pb::ListPaymentInstructionsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.cash, &CashStub::ListPaymentInstructions, request, &response));
  TextTable table = InstructionTable();
  for (const pb::PaymentInstruction& p : response.instructions()) AddInstruction(p, table);
  return Print(response, table);
}

// A file name from the server used under --out: one plain path component.
absl::Status CheckFileName(const std::string& name) {
  if (name.empty() || name == "." || name == ".." ||
      name.find_first_of("/\\") != std::string::npos || name.find('\0') != std::string::npos) {
    return absl::DataLossError(absl::StrCat("the server named a payment file '", name,
                                            "', which is not a plain file name"));
  }
  return absl::OkStatus();
}

absl::Status ExportPayments(const Clients& clients, const Args&) {
  pb::ExportPaymentsRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(),
                      Required("date", absl::GetFlag(FLAGS_date), "YYYY-MM-DD"));
  request.set_cycle(absl::GetFlag(FLAGS_cycle));
  TC_ASSIGN_OR_RETURN(const std::string out,
                      Required("out", absl::GetFlag(FLAGS_out), "DIRECTORY"));
  pb::ExportPaymentsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.cash, &CashStub::ExportPayments, request, &response));
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create directory ", out, ": ", error.message()));
  }
  TextTable table = WithLeft(
      TextTable({"MESSAGE", "TYPE", "BANK", "COUNT", "CONTROL_SUM", "SHA256", "PATH"}), {2});
  for (const pb::PaymentFile& f : response.files()) {
    TC_RETURN_IF_ERROR(CheckFileName(f.file_name()));
    // The bytes written are the bytes the server recorded (and will see again in the
    // bank's answer): check its digest before the file goes to a bank.
    if (Sha256Hex(f.document()) != f.document_sha256()) {
      return absl::DataLossError(absl::StrCat("payment file ", f.file_name(),
                                              ": the document does not match its sha256 ",
                                              f.document_sha256()));
    }
    const std::string path = (std::filesystem::path(out) / f.file_name()).string();
    TC_RETURN_IF_ERROR(tools::WriteFile(path, f.document()));
    table.AddRow({f.message_id(), f.message_type(), f.bank_aba(),
                  absl::StrCat(f.instruction_count()), Cents(f.control_sum_cents()),
                  f.document_sha256(), path});
  }
  TC_RETURN_IF_ERROR(Print(response, table));
  if (response.pays_held() > 0) {
    Note(absl::StrCat(response.pays_held(), " pay(s) wait for ", response.collects_outstanding(),
                      " collect(s) (neither confirmed nor flagged yet)"));
  } else if (response.files_size() == 0) {
    Note("no payment files to export");
  }
  return absl::OkStatus();
}

absl::Status PrintResults(const pb::ConfirmPaymentsResponse& response) {
  if (response.replayed()) Note("taken before: nothing changed; the recorded results:");
  TextTable table = WithLeft(TextTable({"REFERENCE", "OUTCOME", "BREAK_REASON", "INSTRUCTIONS",
                                        "JOURNAL_KEY", "CURED", "DETAIL"}),
                             {0, 2, 3, 4, 5, 6});
  for (const pb::ConfirmationResult& r : response.results()) {
    table.AddRow({r.reference(), r.outcome(), OrDash(r.break_reason()),
                  OrDash(absl::StrJoin(r.instruction_ids(), ",")), OrDash(r.journal_key()),
                  OrDash(absl::StrJoin(r.cured_members(), ",")), OrDash(r.detail())});
  }
  return Print(response, table);
}

absl::Status ConfirmPayment(const Clients& clients, const Args&) {
  pb::ConfirmPaymentRequest request;
  pb::PaymentConfirmation& c = *request.mutable_confirmation();
  TC_ASSIGN_OR_RETURN(*c.mutable_idempotency_key(),
                      Required("key", absl::GetFlag(FLAGS_key), "CONFIRMATION_KEY"));
  TC_ASSIGN_OR_RETURN(const std::string ids,
                      Required("id", absl::GetFlag(FLAGS_id), "END_TO_END_ID[,...]"));
  for (absl::string_view id : absl::StrSplit(ids, ',', absl::SkipWhitespace())) {
    c.add_end_to_end_ids(std::string(absl::StripAsciiWhitespace(id)));
  }
  TC_ASSIGN_OR_RETURN(*c.mutable_amount(),
                      Required("amount", absl::GetFlag(FLAGS_amount), "1250.00"));
  TC_ASSIGN_OR_RETURN(*c.mutable_currency(),
                      Required("currency", absl::GetFlag(FLAGS_currency), "USD"));
  TC_ASSIGN_OR_RETURN(*c.mutable_account_number(),
                      Required("account", absl::GetFlag(FLAGS_account), "CCP_ACCOUNT"));
  TC_ASSIGN_OR_RETURN(*c.mutable_credit_debit(),
                      Required("direction", absl::GetFlag(FLAGS_direction), "CRDT|DBIT"));
  c.set_entry_status(absl::GetFlag(FLAGS_status));
  pb::ConfirmPaymentsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.cash, &CashStub::ConfirmPayment, request, &response));
  return PrintResults(response);
}

absl::Status ImportCamt054(const Clients& clients, const Args&) {
  TC_ASSIGN_OR_RETURN(const std::string path,
                      Required("file", absl::GetFlag(FLAGS_file), "CAMT054.xml"));
  pb::ImportCamt054Request request;
  TC_ASSIGN_OR_RETURN(*request.mutable_document(), tools::ReadFile(path));
  pb::ConfirmPaymentsResponse response;
  absl::Status status =
      clients.api.Call(*clients.cash, &CashStub::ImportCamt054, request, &response);
  if (!status.ok()) return tools::InFile(path, status);
  return PrintResults(response);
}

TextTable FlagTable() {
  return WithLeft(TextTable({"FLAG_ID", "MEMBER", "FLAG", "INSTRUCTION", "RAISED_AT", "CURED_AT",
                             "CURED_BY", "REASON"}),
                  {3, 4, 5, 6, 7});
}

void AddFlag(const pb::MemberFlag& f, TextTable& table) {
  table.AddRow({absl::StrCat(f.flag_id()), f.member_id(), f.flag(), OrDash(f.instruction_id()),
                Utc(f.raised_at()), Utc(f.cured_at()), OrDash(f.cured_by()), f.reason()});
}

absl::Status CheckDeadlines(const Clients& clients, const Args&) {
  pb::CheckPaymentDeadlinesResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.cash, &CashStub::CheckPaymentDeadlines, {}, &response));
  Note(absl::StrCat(response.raised_size(), " flag(s) raised; ", response.overdue_collects(),
                    " collect(s) past their deadline and unconfirmed"));
  TextTable table = FlagTable();
  for (const pb::MemberFlag& f : response.raised()) AddFlag(f, table);
  if (table.rows() == 0 && !absl::GetFlag(FLAGS_json)) return absl::OkStatus();
  return Print(response, table);
}

absl::Status ListFlags(const Clients& clients, const Args&) {
  pb::ListMemberFlagsRequest request;
  request.set_member_id(absl::GetFlag(FLAGS_member));
  request.set_open_only(absl::GetFlag(FLAGS_open));
  pb::ListMemberFlagsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.cash, &CashStub::ListMemberFlags, request, &response));
  TextTable table = FlagTable();
  for (const pb::MemberFlag& f : response.flags()) AddFlag(f, table);
  return Print(response, table);
}

// ---- reconciliation ----

absl::Status Reconcile(const Clients& clients, const Args&) {
  pb::GetReconciliationRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(),
                      Required("date", absl::GetFlag(FLAGS_date), "YYYY-MM-DD"));
  request.set_cycle(absl::GetFlag(FLAGS_cycle));
  pb::Reconciliation response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.cash, &CashStub::GetReconciliation, request, &response));
  TextTable counts({"CHECK", "VALUE"});
  counts.SetAlignment(1, TextTable::Alignment::kRight);
  counts.AddRow({"cycle", absl::StrCat(response.business_date(), " ", response.cycle())});
  counts.AddRow({"instructions", absl::StrCat(response.instructions())});
  counts.AddRow({"confirmed", absl::StrCat(response.confirmed())});
  counts.AddRow({"unconfirmed", absl::StrCat(response.unconfirmed())});
  counts.AddRow({"pending confirmations", absl::StrCat(response.pending_confirmations())});
  counts.AddRow({"breaks", absl::StrCat(response.breaks_size())});
  counts.AddRow({"bank ledger (all dates)", Cents(response.bank_ledger_cents())});
  counts.AddRow({"bank movements (all dates)", Cents(response.bank_movements_cents())});
  counts.AddRow({"ok", response.ok() ? "yes" : "NO"});
  TextTable vm({"CCY", "VM_PAYS", "VM_COLLECTS", "COLLECTS_MINUS_PAYS", "CCP_ROUNDING", "AGREE"});
  for (const pb::VmBalance& b : response.variation_margin()) {
    vm.AddRow({b.currency(), Cents(b.pays_cents()), Cents(b.collects_cents()),
               Cents(b.collects_minus_pays_cents()), Cents(b.ccp_rounding_cents()),
               b.collects_minus_pays_cents() == b.ccp_rounding_cents() ? "yes" : "NO"});
  }
  TextTable breaks = WithLeft(TextTable({"CONFIRMATION", "SOURCE", "REFERENCE", "BREAK_REASON",
                                         "AMOUNT", "CCY", "END_TO_END_IDS", "DETAIL"}),
                              {2, 5, 6, 7});
  for (const pb::PaymentBreak& b : response.breaks()) {
    breaks.AddRow({absl::StrCat(b.confirmation_id()), b.source(), b.reference(), b.break_reason(),
                   Cents(b.amount_cents()), OrDash(b.currency()),
                   OrDash(absl::StrJoin(b.end_to_end_ids(), ",")), OrDash(b.detail())});
  }
  TextTable problems({"PROBLEM"});
  for (const std::string& p : response.problems()) problems.AddRow({p});
  TC_RETURN_IF_ERROR(PrintSections(
      response,
      {{"", &counts}, {"variation margin:", &vm}, {"breaks:", &breaks}, {"problems:", &problems}}));
  // A failed check is an error of the command, so scripts can gate on the exit status.
  if (!response.ok()) {
    return absl::DataLossError(absl::StrCat("the reconciliation of ", response.business_date(), " ",
                                            response.cycle(), " failed: ", response.problems_size(),
                                            " problem(s) listed"));
  }
  return absl::OkStatus();
}

// ---- intraday ----

absl::Status RunIntraday(const Clients& clients, const Args&) {
  pb::RunIntradayCycleRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_cycle(),
                      Required("cycle", absl::GetFlag(FLAGS_cycle), "INTRADAY1"));
  TC_ASSIGN_OR_RETURN(const std::string list,
                      Required("price", absl::GetFlag(FLAGS_price), "INSTRUMENT=PRICE[,...]"));
  TC_ASSIGN_OR_RETURN(auto prices, ParsePriceList(list, "INSTRUMENT=PRICE"));
  for (auto& [instrument, price] : prices) {
    pb::IntradayPrice* p = request.add_prices();
    p->set_instrument_id(instrument);
    p->set_price(price);
  }
  pb::RunIntradayCycleResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.cash, &CashStub::RunIntradayCycle, request, &response));
  TextTable called = ObligationTable();
  std::string date;
  for (const pb::Obligation& o : response.obligations()) {
    date = o.business_date();
    if (o.im_call_cents() > 0) AddObligation(o, called);
  }
  Note(absl::StrCat(request.cycle(), date.empty() ? "" : absl::StrCat(" of ", date), ": ",
                    response.obligations_size(), " member origins checked, ", called.rows(),
                    " called; ", InstructionTotals(response.instructions()),
                    response.replayed() ? " (run before; nothing changed)" : ""));
  TextTable instructions = InstructionTable();
  for (const pb::PaymentInstruction& p : response.instructions()) AddInstruction(p, instructions);
  return PrintSections(response,
                       {{"obligations with a call:", &called}, {"instructions:", &instructions}});
}

constexpr Command kCommands[] = {
    {"collateral deposit",
     "collateral deposit --member=M --origin=HOUSE|CUSTOMER --amount=1000000.00 [--currency=USD] "
     "[--security=ID] --key=K   (treasury; --security: face value of a security)",
     0, Deposit},
    {"collateral withdraw",
     "collateral withdraw --member=M --origin=HOUSE|CUSTOMER --amount=A [--currency=USD] "
     "[--security=ID] --key=K",
     0, Withdraw},
    {"collateral list", "collateral list [--member=M]   (holdings, latest valuation, movements)", 0,
     ListCollateral},
    {"collateral prices",
     "collateral prices --date=D --file=prices.csv|--price=ID=PERCENT[,...]   (percent of face)", 0,
     LoadPrices},
    {"obligations", "obligations --date=D [--cycle=EOD] [--stage=INDICATIVE|FINAL] [--member=M]", 0,
     ListObligations},
    {"payments instruct", "payments instruct --date=D [--cycle=EOD]", 0, InstructPayments},
    {"payments list",
     "payments list [--date=D] [--cycle=C] [--member=M] [--status=INSTRUCTED|CONFIRMED]", 0,
     ListPayments},
    {"payments export",
     "payments export --date=D [--cycle=EOD] --out=DIR   (pain.008/pain.001 files into DIR)", 0,
     ExportPayments},
    {"payments confirm",
     "payments confirm --key=K --id=E2E[,E2E] --amount=A [--currency=USD] --account=CCP_ACCOUNT "
     "--direction=CRDT|DBIT [--status=BOOK|PDNG]",
     0, ConfirmPayment},
    {"payments import", "payments import --file=CAMT054.xml   (a bank's camt.054)", 0,
     ImportCamt054},
    {"payments deadlines", "payments deadlines   (flags members whose collects are overdue)", 0,
     CheckDeadlines},
    {"flags", "flags [--member=M] [--open]   (failure-to-pay flags)", 0, ListFlags},
    {"recon", "recon --date=D [--cycle=EOD]   (exit status 1 when a check fails)", 0, Reconcile},
    {"intraday run",
     "intraday run --cycle=INTRADAY1 --price=INSTRUMENT=PRICE[,...]   (intraday margin calls)", 0,
     RunIntraday},
};

}  // namespace

absl::Span<const Command> CashCommands() { return kCommands; }

}  // namespace tc::clearctl
