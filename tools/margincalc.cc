// margincalc: offline SPAN-style margin calculator. Reads a risk-parameter file (.spn
// XML or .pa2 positional) and a portfolio CSV (`contract_id,quantity` lines) and prints
// the margin breakdown per combined commodity (scan risk and active scenario, intra,
// spot, inter credit, SOM, NOV, risk, maintenance, initial) and the totals, as an aligned
// table or as JSON. Pure: no network, no database. Money is printed exactly (6 decimals).
//
//   margincalc --params eod.spn --portfolio book.csv --account_class speculator
//   margincalc --params eod.pa2 --portfolio book.csv --json
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "margin/compiled_parameters.h"
#include "margin/margin_calculator.h"
#include "margin/pa2_reader.h"
#include "margin/portfolio_csv.h"
#include "margin/spn_reader.h"

ABSL_FLAG(std::string, params, "", "risk-parameter file: .spn (SPAN XML) or .pa2 (positional)");
ABSL_FLAG(std::string, portfolio, "", "portfolio CSV: contract_id,quantity per line");
ABSL_FLAG(std::string, account_class, "member", "member, hedger or speculator");
ABSL_FLAG(bool, json, false, "print JSON instead of a table");

namespace tc::margin {
namespace {

// Largest file margincalc reads into memory.
constexpr int64_t kMaxFileBytes = int64_t{1} << 30;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0 || size > kMaxFileBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": larger than ", kMaxFileBytes, " bytes"));
  }
  in.seekg(0);
  std::string contents(static_cast<size_t>(size), '\0');
  in.read(contents.data(), size);
  if (!in) return absl::DataLossError(absl::StrCat(path, ": read failed"));
  return contents;
}

// .spn by extension, or by content starting with '<' (after whitespace).
bool IsSpn(const std::string& path, absl::string_view contents) {
  if (absl::EndsWithIgnoreCase(path, ".spn") || absl::EndsWithIgnoreCase(path, ".xml")) return true;
  if (absl::EndsWithIgnoreCase(path, ".pa2")) return false;
  const absl::string_view head = absl::StripLeadingAsciiWhitespace(contents);
  return !head.empty() && head[0] == '<';
}

absl::StatusOr<RiskParameters> LoadParameters(const std::string& path) {
  TC_ASSIGN_OR_RETURN(std::string contents, ReadFile(path));
  std::vector<std::string> unsupported;
  RiskParameters params;
  if (IsSpn(path, contents)) {
    absl::StatusOr<SpnFile> file = ReadSpn(contents);
    if (!file.ok())
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", file.status().message()));
    unsupported = std::move(file->unsupported);
    params = std::move(file->parameters);
  } else {
    absl::StatusOr<Pa2File> file = ReadPa2(contents);
    if (!file.ok())
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", file.status().message()));
    unsupported = std::move(file->unsupported);
    params = std::move(file->parameters);
  }
  for (const std::string& note : unsupported) {
    std::cerr << "margincalc: warning: " << path << ": " << note << " (not applied)\n";
  }
  return params;
}

absl::StatusOr<AccountClass> ParseAccountClass(absl::string_view text) {
  if (text == "member") return AccountClass::kMember;
  if (text == "hedger") return AccountClass::kHedger;
  if (text == "speculator") return AccountClass::kSpeculator;
  return absl::InvalidArgumentError(
      absl::StrCat("--account_class '", text, "' is not member, hedger or speculator"));
}

std::string Money(int64_t micros) { return FormatFixed(micros, kMicroScale); }

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
  return {
      cc.combined_commodity,         Money(cc.scan_risk_micros),   ActiveScenarios(cc),
      Money(cc.intra_charge_micros), Money(cc.spot_charge_micros), Money(cc.inter_credit_micros),
      Money(cc.som_micros),          Money(cc.nov_micros),         Money(cc.risk_micros),
      Money(cc.maintenance_micros),  Money(cc.initial_micros)};
}

// Left-aligned first column, right-aligned numbers, two spaces between columns.
std::string AlignedTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - row[c].size(), ' ');
      absl::StrAppend(&out, c == 0 ? "" : "  ", c == 0 ? row[c] + pad : pad + row[c]);
    }
    absl::StripTrailingAsciiWhitespace(&out);
    out += "\n";
  }
  return out;
}

absl::string_view AccountClassName(AccountClass account) {
  switch (account) {
    case AccountClass::kMember:
      return "member";
    case AccountClass::kHedger:
      return "hedger";
    case AccountClass::kSpeculator:
      return "speculator";
  }
  return "member";
}

std::string Table(const MarginBreakdown& b) {
  std::vector<std::vector<std::string>> rows = {{"CC", "Scan", "Active", "Intra", "Spot", "Inter",
                                                 "SOM", "NOV", "Risk", "Maintenance", "Initial"}};
  for (const CommodityMargin& cc : b.commodities) rows.push_back(Row(cc));
  rows.push_back({"TOTAL", "", "", "", "", "", "", "", "", Money(b.totals.maintenance_micros),
                  Money(b.totals.initial_micros)});
  return absl::StrCat("Parameters ", b.parameter_version_id, ", business date ",
                      absl::FormatCivilTime(b.business_date), ", account class ",
                      AccountClassName(b.account_class), ", currency ", b.currency, "\n",
                      AlignedTable(rows));
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      absl::StrAppend(&out, "\\", std::string(1, c));
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      out += escaped;
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

std::string JsonCommodity(const CommodityMargin& cc) {
  std::vector<std::string> tiers;
  for (const ScanTierBreakdown& tier : cc.scan_tiers) {
    tiers.push_back(absl::StrCat("{\"tier\":", tier.tier_number,
                                 ",\"scan_risk\":", JsonString(Money(tier.scan_risk_micros)),
                                 ",\"active_scenario\":", tier.active_scenario, "}"));
  }
  return absl::StrCat(
      "{\"combined_commodity\":", JsonString(cc.combined_commodity),
      ",\"scan_risk\":", JsonString(Money(cc.scan_risk_micros)), ",\"scan_tiers\":[",
      absl::StrJoin(tiers, ","), "],\"intra_charge\":", JsonString(Money(cc.intra_charge_micros)),
      ",\"spot_charge\":", JsonString(Money(cc.spot_charge_micros)),
      ",\"inter_credit\":", JsonString(Money(cc.inter_credit_micros)),
      ",\"som\":", JsonString(Money(cc.som_micros)), ",\"nov\":", JsonString(Money(cc.nov_micros)),
      ",\"risk\":", JsonString(Money(cc.risk_micros)),
      ",\"maintenance\":", JsonString(Money(cc.maintenance_micros)),
      ",\"initial\":", JsonString(Money(cc.initial_micros)), "}");
}

std::string Json(const MarginBreakdown& b) {
  std::vector<std::string> commodities;
  for (const CommodityMargin& cc : b.commodities) commodities.push_back(JsonCommodity(cc));
  return absl::StrCat("{\"parameter_version_id\":", JsonString(b.parameter_version_id),
                      ",\"business_date\":", JsonString(absl::FormatCivilTime(b.business_date)),
                      ",\"account_class\":", JsonString(AccountClassName(b.account_class)),
                      ",\"currency\":", JsonString(b.currency), ",\"commodities\":[",
                      absl::StrJoin(commodities, ","), "],\"totals\":{\"maintenance\":",
                      JsonString(Money(b.totals.maintenance_micros)),
                      ",\"initial\":", JsonString(Money(b.totals.initial_micros)), "}}\n");
}

absl::Status Run() {
  const std::string params_path = absl::GetFlag(FLAGS_params);
  const std::string portfolio_path = absl::GetFlag(FLAGS_portfolio);
  if (params_path.empty() || portfolio_path.empty()) {
    return absl::InvalidArgumentError("--params and --portfolio are required");
  }
  TC_ASSIGN_OR_RETURN(AccountClass account, ParseAccountClass(absl::GetFlag(FLAGS_account_class)));
  TC_ASSIGN_OR_RETURN(RiskParameters params, LoadParameters(params_path));
  absl::StatusOr<CompiledParameters> compiled = CompileParameters(params);
  if (!compiled.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(params_path, ": ", compiled.status().message()));
  }
  TC_ASSIGN_OR_RETURN(std::string csv, ReadFile(portfolio_path));
  absl::StatusOr<std::vector<Position>> book = ParsePortfolioCsv(csv);
  if (!book.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(portfolio_path, ": ", book.status().message()));
  }
  MarginCalculator calculator(*compiled);
  absl::StatusOr<MarginBreakdown> breakdown =
      calculator.ComputeBreakdown(absl::MakeConstSpan(*book), account);
  if (!breakdown.ok()) {
    return absl::Status(breakdown.status().code(),
                        absl::StrCat(portfolio_path, ": ", breakdown.status().message()));
  }
  std::cout << (absl::GetFlag(FLAGS_json) ? Json(*breakdown) : Table(*breakdown));
  return absl::OkStatus();
}

}  // namespace
}  // namespace tc::margin

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "margincalc --params FILE.spn|FILE.pa2 --portfolio FILE.csv "
      "[--account_class member|hedger|speculator] [--json]");
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = tc::margin::Run();
  if (!status.ok()) {
    std::cerr << "margincalc: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
