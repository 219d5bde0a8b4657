// margincalc: offline SPAN-style margin calculator. Reads a risk-parameter file (.spn
// XML or .pa2 positional) and a portfolio CSV (`contract_id,quantity` lines) and prints
// the margin breakdown per combined commodity (scan risk and active scenario, intra,
// spot, inter credit, SOM, NOV, risk, maintenance, initial) and the totals, as an aligned
// table or as JSON. Pure: no network, no database. Money is printed exactly (6 decimals).
//
//   margincalc --params eod.spn --portfolio book.csv --account_class speculator
//   margincalc --params eod.pa2 --portfolio book.csv --json
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "core/status_macros.h"
#include "margin/compiled_parameters.h"
#include "margin/files/parameter_file.h"
#include "margin/margin_calculator.h"
#include "margin/portfolio_csv.h"
#include "tools/toolkit/account_class.h"
#include "tools/toolkit/file.h"
#include "tools/toolkit/money.h"
#include "tools/toolkit/output.h"
#include "tools/toolkit/text_table.h"

ABSL_FLAG(std::string, params, "", "risk-parameter file: .spn (SPAN XML) or .pa2 (positional)");
ABSL_FLAG(std::string, portfolio, "", "portfolio CSV: contract_id,quantity per line");
ABSL_FLAG(std::string, account_class, "member", "member, hedger or speculator");
ABSL_FLAG(bool, json, false, "print JSON instead of a table");

namespace tc::margin {
namespace {

using tools::AccountClassName;
using tools::FormatUsdMicros;
using tools::InFile;
using tools::JsonQuote;
using tools::ReadFile;
using tools::TextTable;

// The format comes from the name or the content (margin/files/parameter_file.h).
absl::StatusOr<RiskParameters> LoadParameters(const std::string& path) {
  TC_ASSIGN_OR_RETURN(std::string contents, ReadFile(path));
  absl::StatusOr<ParameterFile> file = LoadParameterFile(contents, path);
  if (!file.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", file.status().message()));
  }
  for (const std::string& note : file->unsupported) {
    std::cerr << "margincalc: warning: " << path << ": " << note << " (not applied)\n";
  }
  return std::move(file->parameters);
}

// "13" for one scan tier, "1:13 2:11" for several.
std::string ActiveScenarios(const CommodityMargin& cc) {
  if (cc.scan_tiers.size() == 1) return absl::StrCat(cc.scan_tiers[0].active_scenario);
  std::vector<std::string> parts;
  for (const ScanTierBreakdown& tier : cc.scan_tiers) {
    parts.push_back(absl::StrCat(tier.tier_number, ":", tier.active_scenario));
  }
  return absl::StrJoin(parts, " ");
}

std::vector<std::string> Row(const CommodityMargin& cc) {
  return {cc.combined_commodity,
          FormatUsdMicros(cc.scan_risk_micros),
          ActiveScenarios(cc),
          FormatUsdMicros(cc.intra_charge_micros),
          FormatUsdMicros(cc.spot_charge_micros),
          FormatUsdMicros(cc.inter_credit_micros),
          FormatUsdMicros(cc.som_micros),
          FormatUsdMicros(cc.nov_micros),
          FormatUsdMicros(cc.risk_micros),
          FormatUsdMicros(cc.maintenance_micros),
          FormatUsdMicros(cc.initial_micros)};
}

// The line above the table.
std::string Title(const MarginBreakdown& b) {
  return absl::StrCat("Parameters ", b.parameter_version_id, ", business date ",
                      absl::FormatCivilTime(b.business_date), ", account class ",
                      AccountClassName(b.account_class), ", currency ", b.currency, "\n");
}

// One row per combined commodity and a TOTAL row; the first column left-aligned, every
// other right-aligned (blank cells of the TOTAL row included).
TextTable Table(const MarginBreakdown& b) {
  const std::vector<std::string> headers = {"CC",   "Scan",        "Active", "Intra",
                                            "Spot", "Inter",       "SOM",    "NOV",
                                            "Risk", "Maintenance", "Initial"};
  TextTable table(headers);
  table.SetAlignment(0, TextTable::Alignment::kLeft);
  for (size_t c = 1; c < headers.size(); ++c) table.SetAlignment(c, TextTable::Alignment::kRight);
  for (const CommodityMargin& cc : b.commodities) table.AddRow(Row(cc));
  table.AddRow({"TOTAL", "", "", "", "", "", "", "", "",
                FormatUsdMicros(b.totals.maintenance_micros),
                FormatUsdMicros(b.totals.initial_micros)});
  return table;
}

std::string JsonCommodity(const CommodityMargin& cc) {
  std::vector<std::string> tiers;
  for (const ScanTierBreakdown& tier : cc.scan_tiers) {
    tiers.push_back(absl::StrCat("{\"tier\":", tier.tier_number, ",\"scan_risk\":",
                                 JsonQuote(FormatUsdMicros(tier.scan_risk_micros)),
                                 ",\"active_scenario\":", tier.active_scenario, "}"));
  }
  return absl::StrCat("{\"combined_commodity\":", JsonQuote(cc.combined_commodity),
                      ",\"scan_risk\":", JsonQuote(FormatUsdMicros(cc.scan_risk_micros)),
                      ",\"scan_tiers\":[", absl::StrJoin(tiers, ","),
                      "],\"intra_charge\":", JsonQuote(FormatUsdMicros(cc.intra_charge_micros)),
                      ",\"spot_charge\":", JsonQuote(FormatUsdMicros(cc.spot_charge_micros)),
                      ",\"inter_credit\":", JsonQuote(FormatUsdMicros(cc.inter_credit_micros)),
                      ",\"som\":", JsonQuote(FormatUsdMicros(cc.som_micros)),
                      ",\"nov\":", JsonQuote(FormatUsdMicros(cc.nov_micros)),
                      ",\"risk\":", JsonQuote(FormatUsdMicros(cc.risk_micros)),
                      ",\"maintenance\":", JsonQuote(FormatUsdMicros(cc.maintenance_micros)),
                      ",\"initial\":", JsonQuote(FormatUsdMicros(cc.initial_micros)), "}");
}

std::string Json(const MarginBreakdown& b) {
  std::vector<std::string> commodities;
  for (const CommodityMargin& cc : b.commodities) commodities.push_back(JsonCommodity(cc));
  return absl::StrCat("{\"parameter_version_id\":", JsonQuote(b.parameter_version_id),
                      ",\"business_date\":", JsonQuote(absl::FormatCivilTime(b.business_date)),
                      ",\"account_class\":", JsonQuote(AccountClassName(b.account_class)),
                      ",\"currency\":", JsonQuote(b.currency), ",\"commodities\":[",
                      absl::StrJoin(commodities, ","), "],\"totals\":{\"maintenance\":",
                      JsonQuote(FormatUsdMicros(b.totals.maintenance_micros)),
                      ",\"initial\":", JsonQuote(FormatUsdMicros(b.totals.initial_micros)), "}}\n");
}

absl::Status Run() {
  const std::string params_path = absl::GetFlag(FLAGS_params);
  const std::string portfolio_path = absl::GetFlag(FLAGS_portfolio);
  if (params_path.empty() || portfolio_path.empty()) {
    return absl::InvalidArgumentError("--params and --portfolio are required");
  }
  TC_ASSIGN_OR_RETURN(AccountClass account,
                      tools::ParseAccountClass(absl::GetFlag(FLAGS_account_class)));
  TC_ASSIGN_OR_RETURN(RiskParameters params, LoadParameters(params_path));
  absl::StatusOr<CompiledParameters> compiled = CompileParameters(params);
  if (!compiled.ok()) return InFile(params_path, compiled.status());
  TC_ASSIGN_OR_RETURN(std::string csv, ReadFile(portfolio_path));
  absl::StatusOr<std::vector<Position>> book = ParsePortfolioCsv(csv);
  if (!book.ok()) return InFile(portfolio_path, book.status());
  MarginCalculator calculator(*compiled);
  absl::StatusOr<MarginBreakdown> breakdown =
      calculator.ComputeBreakdown(absl::MakeConstSpan(*book), account);
  if (!breakdown.ok()) return InFile(portfolio_path, breakdown.status());
  const bool json = absl::GetFlag(FLAGS_json);
  if (!json) std::fputs(Title(*breakdown).c_str(), stdout);
  return tools::PrintTableOrJson(json, Table(*breakdown), [&] { return Json(*breakdown); });
}

}  // namespace
}  // namespace tc::margin

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "margincalc --params FILE.spn|FILE.pa2 --portfolio FILE.csv "
      "[--account_class member|hedger|speculator] [--json]");
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = tc::margin::Run();
  if (!status.ok()) return tc::tools::ReportError("margincalc", status.message());
  return tc::tools::kExitOk;
}
