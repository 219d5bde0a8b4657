// clearctl's position commands: positions (or one account's as a portfolio CSV, the
// input of what-if and margincalc), open interest, and an account's cleared trade legs
// (PositionService).
//
//   clearctl --token=dev-treasury-token-0001 positions --member=CM01
//   clearctl --token=dev-member-CM01-token-0001 positions --account=CM01-H --csv > book.csv
//   clearctl --token=dev-treasury-token-0001 open-interest --instrument=TKF-202612
//   clearctl --token=dev-treasury-token-0001 trades --account=CM01-H --date=2026-11-23
#include <google/protobuf/util/time_util.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "tools/clearctl/command.h"
#include "tools/clearctl/flags.h"
#include "tools/toolkit/money.h"

namespace tc::clearctl {
namespace {

using tools::TextTable;

constexpr int kTradesPageSize = 1000;

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
    table.AddRow({leg.trade_id(), leg.account_id(), leg.instrument_id(), leg.side(),
                  absl::StrCat(leg.quantity()), tools::FormatUsdMicros(leg.price_micros()),
                  leg.trade_date(), google::protobuf::util::TimeUtil::ToString(leg.executed_at()),
                  EnumLabel(pb::TradeStatus_Name(leg.status()), "TRADE_STATUS_"),
                  leg.replaced_by()});
  }
  return Print(response, table);
}

constexpr Command kCommands[] = {
    {"positions", "positions [--member=CM01] [--account=CM01-H [--csv]] [--instrument=ID]", 0,
     ShowPositions},
    {"open-interest", "open-interest [--instrument=TKF-202612]", 0, ShowOpenInterest},
    {"trades", "trades --account=CM01-H [--date=YYYY-MM-DD]", 0, ShowTrades},
};

}  // namespace

absl::Span<const Command> TradeCommands() { return kCommands; }

}  // namespace tc::clearctl
