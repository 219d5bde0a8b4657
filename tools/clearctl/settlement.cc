// clearctl's settlement commands (TreasuryService): the exchange's settlement prices,
// treasury's proposal and a second treasurer's approval, the end-of-day run with a
// progress bar and per-step times, its status, stop, resume and replay, and the day's
// variation margin per member and origin.
//
//   clearctl --token=dev-exchange-token-0001 prices submit TKF-202612 3.125 --date=2026-11-30
//   clearctl --token=dev-treasury-token-0001 prices propose --date=2026-11-30
//   clearctl --token=dev-treasury2-token-0001 prices approve 1 --date=2026-11-30
//   clearctl --token=dev-treasury-token-0001 eod run --date=2026-11-30
//   clearctl --token=dev-treasury-token-0001 prices correct TKF-202612 3.130
//       --date=2026-11-30 --reason="exchange price error"   # then approve, eod run again
//   clearctl --token=dev-treasury-token-0001 eod status --date=2026-11-30
//   clearctl --token=dev-treasury-token-0001 vm --date=2026-11-30
// Prices are USD per 1M tokens with 6 decimals; cash is USD with 2 decimals (cents).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include <algorithm>

#include "tools/clearctl/command.h"
#include "tools/clearctl/flags.h"
#include "tools/toolkit/output.h"

namespace tc::clearctl {
namespace {

using tools::TextTable;
using TreasuryStub = pb::TreasuryService::Stub;

// The end-of-day run may take minutes on a large book; a unary call waits 30 s.
constexpr absl::Duration kRunTimeout = absl::Hours(2);
constexpr int kBarWidth = 27;

std::string Price(int64_t micros) { return FormatFixed(micros, 6); }
std::string Cents(int64_t cents) { return FormatFixed(cents, 2); }

absl::StatusOr<std::string> RequiredDate() {
  std::string date = absl::GetFlag(FLAGS_date);
  if (date.empty()) return absl::InvalidArgumentError("--date=YYYY-MM-DD is required");
  return date;
}

absl::Status PrintPriceSets(const pb::ListSettlementPricesResponse& response) {
  TextTable table({"DATE", "VERSION", "STATUS", "PROPOSED_BY", "APPROVED_BY", "INSTRUMENT", "PRICE",
                   "TIER", "PREVIOUS", "CORRECTED"});
  for (const pb::SettlementPriceSet& set : response.sets()) {
    for (const pb::SettlementPrice& p : set.prices()) {
      table.AddRow({set.business_date(), absl::StrCat(set.version()),
                    EnumLabel(pb::PriceSetStatus_Name(set.status()), "PRICE_SET_STATUS_"),
                    set.proposed_by(), set.approved_by(), p.instrument_id(),
                    Price(p.price_micros()), EnumLabel(pb::PriceTier_Name(p.tier()), "PRICE_TIER_"),
                    p.previous_settlement_micros() ? Price(p.previous_settlement_micros()) : "-",
                    p.corrected() ? absl::StrCat("yes, of v", set.corrects_version()) : "no"});
    }
  }
  return Print(response, table);
}

absl::Status PrintSet(const pb::SettlementPriceSet& set) {
  pb::ListSettlementPricesResponse response;
  *response.add_sets() = set;
  return PrintPriceSets(response);
}

absl::Status SubmitPrice(const Clients& clients, const Args& args) {
  pb::SubmitSettlementPricesRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), RequiredDate());
  pb::ExchangeSettlementPrice* price = request.add_prices();
  price->set_instrument_id(args[0]);
  TC_ASSIGN_OR_RETURN(int64_t micros, ParseFixed(args[1], 6));
  price->set_price_micros(micros);
  pb::SubmitSettlementPricesResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*clients.treasury, &TreasuryStub::SubmitSettlementPrices,
                                      request, &response));
  TextTable table({"ACCEPTED", "ALREADY_ACCEPTED"});
  table.AddRow({absl::StrCat(response.accepted()), absl::StrCat(response.already_accepted())});
  return Print(response, table);
}

absl::Status ProposePrices(const Clients& clients, const Args&) {
  pb::ProposeSettlementPricesRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), RequiredDate());
  pb::SettlementPriceSet response;
  TC_RETURN_IF_ERROR(clients.api.Call(*clients.treasury, &TreasuryStub::ProposeSettlementPrices,
                                      request, &response));
  return PrintSet(response);
}

absl::Status ApprovePrices(const Clients& clients, const Args& args) {
  pb::ApproveSettlementPricesRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), RequiredDate());
  int version = 0;
  if (!absl::SimpleAtoi(args[0], &version) || version <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("VERSION '", args[0], "' is not a version"));
  }
  request.set_version(version);
  pb::SettlementPriceSet response;
  TC_RETURN_IF_ERROR(clients.api.Call(*clients.treasury, &TreasuryStub::ApproveSettlementPrices,
                                      request, &response));
  return PrintSet(response);
}

absl::Status CorrectPrice(const Clients& clients, const Args& args) {
  pb::CorrectSettlementPricesRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), RequiredDate());
  request.set_reason(absl::GetFlag(FLAGS_reason));
  pb::PriceCorrection* price = request.add_prices();
  price->set_instrument_id(args[0]);
  TC_ASSIGN_OR_RETURN(int64_t micros, ParseFixed(args[1], 6));
  price->set_price_micros(micros);
  pb::SettlementPriceSet response;
  TC_RETURN_IF_ERROR(clients.api.Call(*clients.treasury, &TreasuryStub::CorrectSettlementPrices,
                                      request, &response));
  return PrintSet(response);
}

absl::Status ListPrices(const Clients& clients, const Args&) {
  pb::ListSettlementPricesRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), RequiredDate());
  pb::ListSettlementPricesResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.treasury, &TreasuryStub::ListSettlementPrices, request, &response));
  return PrintPriceSets(response);
}

absl::Status PrintRun(const pb::EodRun& run) {
  TextTable table({"PASS", "NO", "STEP", "ROWS", "SECONDS", "OUTPUTS_SHA256"});
  for (const pb::EodStepRecord& s : run.steps()) {
    absl::Time started, finished;
    std::string error;
    const bool times = absl::ParseTime(absl::RFC3339_full, s.started_at(), &started, &error) &&
                       absl::ParseTime(absl::RFC3339_full, s.finished_at(), &finished, &error);
    table.AddRow({absl::StrCat(s.pass()), absl::StrCat(s.step_no()), s.step(),
                  absl::StrCat(s.rows_written()),
                  times ? FormatFixed(absl::ToInt64Milliseconds(finished - started), 3) : "-",
                  s.outputs_sha256().substr(0, 16)});
  }
  if (!absl::GetFlag(FLAGS_json)) {
    std::printf("run %s: %s, %d/%d steps done%s%s%s\n", run.business_date().c_str(),
                EnumLabel(pb::EodRunStatus_Name(run.status()), "EOD_RUN_STATUS_").c_str(),
                run.steps_done(), run.step_count(),
                run.next_step().empty() ? "" : absl::StrCat(", next ", run.next_step()).c_str(),
                run.message().empty() ? "" : absl::StrCat(" (", run.message(), ")").c_str(),
                run.next_business_date().empty()
                    ? ""
                    : absl::StrCat(", next business date ", run.next_business_date()).c_str());
  }
  return Print(run, table);
}

// One line per step, as it finishes: a bar of the steps done, the rows, the time.
void ShowProgress(const pb::EodProgress& p) {
  if (absl::GetFlag(FLAGS_json) || p.phase() == "STARTED" || p.phase() == "END") return;
  // From the server's answer: bounded, so a message we do not expect draws a bar, not a crash.
  const int count = std::max(p.step_count(), 1);
  const int filled = std::clamp(p.step_no() * kBarWidth / count, 0, kBarWidth);
  std::printf("[%s%s] %d/%d %-20s %10lld rows %9s s%s\n", std::string(filled, '#').c_str(),
              std::string(kBarWidth - filled, '.').c_str(), p.step_no(), count, p.step().c_str(),
              static_cast<long long>(p.rows_done()),
              FormatFixed(p.elapsed_micros() / 1000, 3).c_str(),
              p.phase() == "SKIPPED" ? "  (done before)" : "");
  std::fflush(stdout);
}

absl::Status RunEod(const Clients& clients, const Args&) {
  pb::RunEndOfDayRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), RequiredDate());
  request.set_stop_after_step(absl::GetFlag(FLAGS_stop_after));
  grpc::ClientContext context;
  clients.api.Prepare(context, kRunTimeout);
  std::unique_ptr<grpc::ClientReader<pb::EodProgress>> reader =
      clients.treasury->RunEndOfDay(&context, request);
  pb::EodProgress progress;
  pb::EodRun run;
  while (reader->Read(&progress)) {
    ShowProgress(progress);
    if (progress.has_run()) run = progress.run();
  }
  TC_RETURN_IF_ERROR(tools::ToAbslStatus(reader->Finish()));
  return PrintRun(run);
}

absl::Status EodStatus(const Clients& clients, const Args&) {
  pb::GetEndOfDayStatusRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), RequiredDate());
  pb::EodRun response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.treasury, &TreasuryStub::GetEndOfDayStatus, request, &response));
  return PrintRun(response);
}

absl::Status StopEod(const Clients& clients, const Args&) {
  pb::StopEndOfDayRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), RequiredDate());
  pb::EodRun response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.treasury, &TreasuryStub::StopEndOfDay, request, &response));
  return PrintRun(response);
}

absl::Status ReplayEod(const Clients& clients, const Args&) {
  pb::ReplayEndOfDayRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), RequiredDate());
  pb::ReplayEndOfDayResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*clients.treasury, &TreasuryStub::ReplayEndOfDay, request,
                                      &response, kRunTimeout));
  TextTable table({"STEP", "RECORDED", "REPLAYED", "IDENTICAL"});
  for (const pb::ReplayedStep& s : response.steps()) {
    table.AddRow({s.step(), s.recorded_outputs_sha256().substr(0, 16),
                  s.replayed_outputs_sha256().substr(0, 16), s.identical() ? "yes" : "NO"});
  }
  TC_RETURN_IF_ERROR(Print(response, table));
  if (!response.identical()) {
    return absl::DataLossError(
        absl::StrCat("the replay of ", response.business_date(), " differs from the record"));
  }
  return absl::OkStatus();
}

absl::Status ShowVariationMargin(const Clients& clients, const Args&) {
  pb::ListVariationMarginRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(), RequiredDate());
  request.set_member_id(absl::GetFlag(FLAGS_member));
  pb::ListVariationMarginResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.treasury, &TreasuryStub::ListVariationMargin, request, &response));
  TextTable table({"KIND", "MEMBER", "ORIGIN", "CCY", "EXACT_USD", "CASH_USD"});
  for (const pb::OriginVariationMargin& o : response.origins()) {
    table.AddRow({o.kind(), o.member_id(), EnumLabel(pb::Origin_Name(o.origin()), "ORIGIN_"),
                  o.currency(), FormatFixed(o.amount_micros(), 6), Cents(o.amount_cents())});
  }
  for (const pb::RoundingResidual& r : response.residuals()) {
    table.AddRow({r.kind(), "CCP", "ROUNDING", r.currency(), "-", Cents(r.ccp_rounding_cents())});
  }
  return Print(response, table);
}

constexpr Command kCommands[] = {
    {"prices submit", "prices submit INSTRUMENT PRICE --date=D   (exchange)", 2, SubmitPrice},
    {"prices propose", "prices propose --date=D", 0, ProposePrices},
    {"prices approve", "prices approve VERSION --date=D   (a second treasurer)", 1, ApprovePrices},
    {"prices correct",
     "prices correct INSTRUMENT PRICE --date=D --reason=TEXT   (after the lock; then a second "
     "treasurer approves and eod run re-runs what depends on it)",
     2, CorrectPrice},
    {"prices list", "prices list --date=D", 0, ListPrices},
    {"eod run", "eod run --date=D [--stop_after=STEP]", 0, RunEod},
    {"eod resume", "eod resume --date=D [--stop_after=STEP]   (the same as eod run)", 0, RunEod},
    {"eod status", "eod status --date=D", 0, EodStatus},
    {"eod stop", "eod stop --date=D", 0, StopEod},
    {"eod replay", "eod replay --date=D   (recompute from the record; writes nothing)", 0,
     ReplayEod},
    {"vm", "vm --date=D [--member=M]   (variation margin per member and origin)", 0,
     ShowVariationMargin},
};

}  // namespace

absl::Span<const Command> SettlementCommands() { return kCommands; }

}  // namespace tc::clearctl
