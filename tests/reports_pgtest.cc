// Regulatory reports through the real server, channel and PostgreSQL: a seeded three-day
// workload settled by the real end-of-day run (with a price correction of the first day,
// a second pass), then every stored report fetched through RegulatorService and checked:
//   - the XML is valid against our schemas (in process, and with xmllint --schema when
//     Debian's libxml2-utils is installed), Part 17 lines are exactly 80 characters, the
//     CSV has its header;
//   - field by field against what the rest of the system says: end-of-day positions
//     (eod_positions and, for the last day, PositionService.ListPositions), margin
//     (MarginService.ListMarginRequirements), variation margin (TreasuryService.
//     ListVariationMargin) and the ledger (LedgerService balances: each member cash
//     account is minus the variation margin the reports say was paid to it, cumulated);
//     totals are the sums of the rows; position reports' SOD + TQ = FIN;
//   - the large-trader files list exactly the accounts at or above the reportable level,
//     worked out independently from eod_positions;
//   - a rerun of a finished date changes no report, and the reports are reproduced byte
//     for byte from the recorded rows (store::LoadReportDay + reporting/);
//   - a correction pass adds pass 2, the latest is current, pass 1 is kept;
//   - only treasury and the regulator read reports; bad requests name the field.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "core/sha256.h"
#include "formats/xml_document.h"
#include "formats/xml_schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reporting/daily_clearing_report.h"
#include "reporting/large_trader_report.h"
#include "reporting/position_report.h"
#include "reporting/reporting_schemas.h"
#include "settlement/eod_step.h"
#include "store/report_store.h"
#include "tests/settlement_desk.h"
#include "tests/test_clearing_house.h"
#include "tokenclear/v1/ledger.grpc.pb.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/regulator.grpc.pb.h"
#include "tokenclear/v1/treasury.grpc.pb.h"

namespace tc::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kDec[] = "TKF-202612";
const std::vector<std::string> kDays = {"2026-11-23", "2026-11-24", "2026-11-25"};
const std::vector<std::string> kTraders = {"CM01-H", "CM01-C1", "CM01-C2", "CM02-H", "CM02-C1"};
constexpr int64_t kLevel = 12;  // the reportable level set for the test (contracts)

absl::CivilDay Day(const std::string& text) {
  absl::CivilDay day;
  EXPECT_TRUE(absl::ParseCivilTime(text, &day)) << text;
  return day;
}

std::string Attr(const formats::XmlElement& element, const std::string& name) {
  for (const auto& [key, value] : element.attributes) {
    if (key == name) return value;
  }
  ADD_FAILURE() << element.name << " has no attribute " << name;
  return "";
}
int64_t Int(const formats::XmlElement& element, const std::string& name) {
  int64_t value = 0;
  EXPECT_TRUE(absl::SimpleAtoi(Attr(element, name), &value)) << name;
  return value;
}
int64_t Fixed(const formats::XmlElement& element, const std::string& name, int digits) {
  absl::StatusOr<int64_t> value = ParseFixed(Attr(element, name), digits);
  EXPECT_TRUE(value.ok()) << name << ": " << value.status();
  return value.value_or(0);
}
std::vector<const formats::XmlElement*> Children(const formats::XmlElement& parent,
                                                 const std::string& name) {
  std::vector<const formats::XmlElement*> out;
  for (const formats::XmlElement& child : parent.children) {
    if (child.name == name) out.push_back(&child);
  }
  return out;
}

// xmllint --schema, when Debian's libxml2-utils is installed: a second, independent
// validator. Returns false only when xmllint ran and refused the document.
bool XmllintAccepts(const std::string& xml, absl::string_view xsd, const std::string& stem) {
  if (std::system("command -v xmllint > /dev/null 2>&1") != 0) return true;
  const std::string dir = ::testing::TempDir();
  const std::string xml_path = absl::StrCat(dir, "/", stem, ".xml");
  const std::string xsd_path = absl::StrCat(dir, "/", stem, ".xsd");
  std::ofstream(xml_path) << xml;
  std::ofstream(xsd_path) << xsd;
  return std::system(
             absl::StrCat("xmllint --noout --schema ", xsd_path, " ", xml_path, " > /dev/null 2>&1")
                 .c_str()) == 0;
}

struct EodPosition {
  int64_t sod_long, sod_short, bought, sold, eod_long, eod_short;
};

class ReportsTest : public ::testing::Test {
 protected:
  ReportsTest() {
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", house_.server().port()),
                                   grpc::InsecureChannelCredentials());
    regulator_ = pb::RegulatorService::NewStub(channel_);
    treasury_ = pb::TreasuryService::NewStub(channel_);
    ledger_ = pb::LedgerService::NewStub(channel_);
    margin_ = pb::MarginService::NewStub(channel_);
  }

  template <typename Stub, typename Method, typename Request, typename Response>
  static grpc::Status Call(Stub& stub, Method method, const std::string& token,
                           const Request& request, Response* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    return (stub.*method)(&context, request, response);
  }

  void Exec(const std::string& sql) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    tx.exec(sql);
    tx.commit();
  }
  std::vector<std::string> Rows(const std::string& sql) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    std::vector<std::string> out;
    for (const pqxx::row& r : tx.exec(sql)) {
      std::vector<std::string> fields;
      for (const pqxx::field& f : r) fields.push_back(f.is_null() ? "NULL" : f.c_str());
      out.push_back(absl::StrJoin(fields, "|"));
    }
    return out;
  }

  // 60 business days of TOKFRONT ending on the open date: calibration's look-back.
  void LoadHistory() { LoadIndexHistory(channel_); }

  // Calibrates and approves margin parameters, submits and four-eyes approves the price,
  // runs the whole day.
  void SettleDay(const std::string& date, int64_t price) {
    CalibrateAndApprove(channel_, date);
    pb::SubmitSettlementPricesRequest prices;
    prices.set_business_date(date);
    prices.add_prices()->set_instrument_id(kDec);
    prices.mutable_prices(0)->set_price_micros(price);
    pb::SubmitSettlementPricesResponse submitted;
    ASSERT_TRUE(Call(*treasury_, &pb::TreasuryService::Stub::SubmitSettlementPrices, kExchangeToken,
                     prices, &submitted)
                    .ok());
    pb::ProposeSettlementPricesRequest propose;
    propose.set_business_date(date);
    pb::SettlementPriceSet set;
    ASSERT_TRUE(Call(*treasury_, &pb::TreasuryService::Stub::ProposeSettlementPrices,
                     kTreasuryToken, propose, &set)
                    .ok());
    ApproveAndRun(date, set.version());
  }

  void ApproveAndRun(const std::string& date, int version) {
    pb::ApproveSettlementPricesRequest approve;
    approve.set_business_date(date);
    approve.set_version(version);
    pb::SettlementPriceSet set;
    grpc::Status status = Call(*treasury_, &pb::TreasuryService::Stub::ApproveSettlementPrices,
                               kTreasury2Token, approve, &set);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_TRUE(RunEod(date).ok());
  }

  grpc::Status RunEod(const std::string& date) {
    pb::RunEndOfDayRequest request;
    request.set_business_date(date);
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, kTreasuryToken);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(240)));
    std::unique_ptr<grpc::ClientReader<pb::EodProgress>> reader =
        treasury_->RunEndOfDay(&context, request);
    pb::EodProgress message;
    while (reader->Read(&message)) {
      if (message.phase() == "END") {
        EXPECT_EQ(message.run().status(), pb::EOD_RUN_STATUS_COMPLETE) << date;
      }
    }
    grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << date << ": " << status.error_message();
    return status;
  }

  grpc::Status SetLevel(const std::string& product, int64_t level, const std::string& token,
                        pb::SetReportableLevelResponse* response) {
    pb::SetReportableLevelRequest request;
    request.mutable_level()->set_product_code(product);
    request.mutable_level()->set_level_contracts(level);
    return Call(*regulator_, &pb::RegulatorService::Stub::SetReportableLevel, token, request,
                response);
  }

  std::vector<pb::ReportFile> List(const std::string& date) {
    pb::ListReportsRequest request;
    request.set_business_date(date);
    pb::ListReportsResponse response;
    grpc::Status status = Call(*regulator_, &pb::RegulatorService::Stub::ListReports,
                               kRegulatorToken, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.reports().begin(), response.reports().end()};
  }

  grpc::Status Get(const std::string& date, const std::string& kind, int pass, pb::ReportFile* out,
                   const std::string& token = kRegulatorToken) {
    pb::GetReportRequest request;
    request.set_business_date(date);
    request.set_kind(kind);
    request.set_pass(pass);
    pb::GetReportResponse response;
    grpc::Status status =
        Call(*regulator_, &pb::RegulatorService::Stub::GetReport, token, request, &response);
    *out = response.report();
    return status;
  }

  std::string Content(const std::string& date, const std::string& kind, int pass = 0) {
    pb::ReportFile file;
    grpc::Status status = Get(date, kind, pass, &file);
    EXPECT_TRUE(status.ok()) << kind << ": " << status.error_message();
    EXPECT_EQ(file.sha256_hex(), Sha256Hex(file.content())) << kind;
    EXPECT_EQ(file.size_bytes(), static_cast<int64_t>(file.content().size())) << kind;
    return file.content();
  }

  // (account, instrument) -> the frozen end-of-day row.
  std::map<std::pair<std::string, std::string>, EodPosition> EodPositions(const std::string& date) {
    std::map<std::pair<std::string, std::string>, EodPosition> out;
    for (const std::string& row : Rows(absl::StrCat(
             "SELECT account_id, instrument_id, sod_long, sod_short, bought, sold, eod_long,"
             " eod_short FROM eod_positions WHERE business_date = '",
             date, "'"))) {
      std::vector<std::string> f = absl::StrSplit(row, '|');
      out[{f[0], f[1]}] = {std::stoll(f[2]), std::stoll(f[3]), std::stoll(f[4]),
                           std::stoll(f[5]), std::stoll(f[6]), std::stoll(f[7])};
    }
    return out;
  }

  // "CM01/HOUSE/DAILY" -> cents, from TreasuryService.
  std::map<std::string, int64_t> VmCents(const std::string& date) {
    pb::ListVariationMarginRequest request;
    request.set_business_date(date);
    pb::ListVariationMarginResponse response;
    EXPECT_TRUE(Call(*treasury_, &pb::TreasuryService::Stub::ListVariationMargin, kRegulatorToken,
                     request, &response)
                    .ok());
    std::map<std::string, int64_t> out;
    for (const pb::OriginVariationMargin& o : response.origins()) {
      out[absl::StrCat(o.member_id(), "/", o.origin() == pb::ORIGIN_HOUSE ? "HOUSE" : "CUSTOMER",
                       "/", o.kind())] = o.amount_cents();
    }
    return out;
  }

  // account -> initial margin micros, from MarginService.
  std::map<std::string, int64_t> InitialMicros(const std::string& date) {
    pb::ListMarginRequirementsRequest request;
    request.set_business_date(date);
    pb::ListMarginRequirementsResponse response;
    EXPECT_TRUE(Call(*margin_, &pb::MarginService::Stub::ListMarginRequirements, kRegulatorToken,
                     request, &response)
                    .ok());
    std::map<std::string, int64_t> out;
    for (const pb::MarginRequirement& r : response.accounts()) {
      out[r.account_id()] = r.initial_micros();
    }
    return out;
  }

  std::map<std::string, int64_t> Balances() {
    pb::ListLedgerBalancesResponse response;
    EXPECT_TRUE(Call(*ledger_, &pb::LedgerService::Stub::ListLedgerBalances, kRegulatorToken,
                     pb::ListLedgerBalancesRequest(), &response)
                    .ok());
    std::map<std::string, int64_t> out;
    for (const pb::LedgerBalance& b : response.balances()) {
      out[b.account().ledger_account_id()] = b.balance_cents();
    }
    return out;
  }

  // The reports of `date` as they are stored, regenerated from the stored rows.
  std::map<std::string, std::string> Regenerated(const std::string& date, int pass) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    const reporting::ReportDay day = store::LoadReportDay(tx, Day(date), pass);
    absl::StatusOr<reporting::LargeTraderFiles> large =
        reporting::WriteLargeTraderReports(day, store::LoadReportableLevels(tx));
    EXPECT_TRUE(large.ok());
    return {{"DAILY_CLEARING", reporting::WriteDailyClearingReport(day).value_or("")},
            {"POSITION_REPORTS", reporting::WritePositionReports(day).value_or("")},
            {"LARGE_TRADER_PART17", large.ok() ? large->part17 : ""},
            {"LARGE_TRADER_CSV", large.ok() ? large->csv : ""}};
  }

  // Every check of one date's current reports; returns each origin's VM + final
  // settlement paid to it less collected from it, in cents, from the daily report.
  std::map<std::string, int64_t> CheckDay(const std::string& date);

  TestClearingHouse house_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::RegulatorService::Stub> regulator_;
  std::unique_ptr<pb::TreasuryService::Stub> treasury_;
  std::unique_ptr<pb::LedgerService::Stub> ledger_;
  std::unique_ptr<pb::MarginService::Stub> margin_;
};

std::map<std::string, int64_t> ReportsTest::CheckDay(const std::string& date) {
  SCOPED_TRACE(date);
  const auto eod = EodPositions(date);
  const auto initial = InitialMicros(date);
  const auto vm = VmCents(date);

  // ---- the daily clearing report ----
  const std::string daily = Content(date, "DAILY_CLEARING");
  EXPECT_TRUE(
      formats::XmlSchema::FromText(reporting::DailyClearingReportXsd())->Validate(daily).ok());
  EXPECT_TRUE(XmllintAccepts(daily, reporting::DailyClearingReportXsd(), "daily_" + date));
  absl::StatusOr<formats::XmlElement> root = formats::ParseXml(daily);
  EXPECT_TRUE(root.ok()) << root.status();
  if (!root.ok()) return {};
  EXPECT_EQ(Attr(*root, "BizDt"), date);
  std::map<std::string, int64_t> origin_cash;  // "CM01/HOUSE" -> paid - collected, cents
  std::map<std::string, int64_t> account_vm_micros;
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> reported;
  std::map<std::string, int64_t> sums;
  std::map<std::string, std::pair<int64_t, int64_t>> open_interest;
  int64_t accounts = 0;
  for (const formats::XmlElement* member : Children(*root, "Mbr")) {
    for (const formats::XmlElement* origin : Children(*member, "Orgn")) {
      const std::string key = absl::StrCat(Attr(*member, "ID"), "/", Attr(*origin, "Typ"));
      const formats::XmlElement& vm_element = *origin->FindChild("VM");
      const formats::XmlElement& flows = *origin->FindChild("CshFlw");
      const int64_t variation = Fixed(vm_element, "Pd", 2) - Fixed(vm_element, "Coll", 2);
      const int64_t final_settlement = Fixed(flows, "FinSetPd", 2) - Fixed(flows, "FinSetColl", 2);
      // The origin's variation margin is TreasuryService's, to the cent.
      EXPECT_EQ(variation, vm.contains(key + "/DAILY") ? vm.at(key + "/DAILY") : 0) << key;
      EXPECT_EQ(final_settlement, vm.contains(key + "/FINAL") ? vm.at(key + "/FINAL") : 0);
      origin_cash[key] = variation + final_settlement;
      for (const char* element : {"Mgn", "VM", "CshFlw"}) {
        for (const auto& [name, value] : origin->FindChild(element)->attributes) {
          sums[absl::StrCat(element, ".", name)] += *ParseFixed(value, 2);
        }
      }
      int64_t origin_account_micros = 0;
      for (const formats::XmlElement* account : Children(*origin, "Acct")) {
        ++accounts;
        const std::string id = Attr(*account, "ID");
        EXPECT_EQ(Fixed(*account->FindChild("Mgn"), "Req", 6),
                  initial.contains(id) ? initial.at(id) : 0)
            << id;
        const int64_t micros =
            Fixed(*account->FindChild("VM"), "Pd", 6) - Fixed(*account->FindChild("VM"), "Coll", 6);
        account_vm_micros[id] = micros;
        origin_account_micros += micros;
        for (const formats::XmlElement* p : Children(*account, "Pos")) {
          reported[{id, Attr(*p, "Instrmt")}] = {Int(*p, "Long"), Int(*p, "Short")};
          open_interest[Attr(*p, "Instrmt")].first += Int(*p, "Long");
          open_interest[Attr(*p, "Instrmt")].second += Int(*p, "Short");
        }
      }
      // The accounts' exact micros round once to the origin's cents.
      EXPECT_EQ(RoundedDiv(origin_account_micros, 10'000), variation) << key;
    }
  }
  // Every eod_positions row is reported, nothing else.
  EXPECT_EQ(reported.size(), eod.size());
  for (const auto& [key, p] : eod) {
    auto it = reported.find(key);
    if (it == reported.end()) {
      ADD_FAILURE() << key.first << " " << key.second << " is not reported";
      continue;
    }
    EXPECT_EQ(it->second, std::make_pair(p.eod_long, p.eod_short)) << key.first;
  }
  // Totals are the sums of the rows; every contract has a buyer and a seller.
  const formats::XmlElement* totals = root->FindChild("Tot");
  EXPECT_EQ(Int(*totals, "Accts"), accounts);
  for (const char* element : {"Mgn", "VM", "CshFlw"}) {
    for (const auto& [name, value] : totals->FindChild(element)->attributes) {
      EXPECT_EQ(*ParseFixed(value, 2), sums[absl::StrCat(element, ".", name)]) << name;
    }
  }
  EXPECT_EQ(Fixed(*totals->FindChild("VM"), "Pd", 2) + Fixed(*totals->FindChild("VM"), "Coll", 2),
            sums["VM.Pd"] + sums["VM.Coll"]);
  for (const formats::XmlElement* p : Children(*totals, "Pos")) {
    EXPECT_EQ(Int(*p, "Long"), open_interest[Attr(*p, "Instrmt")].first);
    EXPECT_EQ(Int(*p, "Long"), Int(*p, "Short"));
  }

  // ---- the position reports ----
  const std::string positions = Content(date, "POSITION_REPORTS");
  EXPECT_TRUE(
      formats::XmlSchema::FromText(reporting::PositionReportXsd())->Validate(positions).ok());
  EXPECT_TRUE(XmllintAccepts(positions, reporting::PositionReportXsd(), "posrpt_" + date));
  absl::StatusOr<formats::XmlElement> fixml = formats::ParseXml(positions);
  EXPECT_TRUE(fixml.ok());
  if (!fixml.ok()) return origin_cash;
  const formats::XmlElement& batch = fixml->children.at(0);
  EXPECT_EQ(batch.children.size(), eod.size());
  int64_t all_marks = 0;
  std::map<std::string, int64_t> fmtm_by_account;
  for (const formats::XmlElement& report : batch.children) {
    const std::string account = Attr(report, "Acct");
    const std::string instrument = Attr(*report.FindChild("Instrmt"), "ID");
    const EodPosition& p = eod.at({account, instrument});
    std::map<std::string, std::pair<int64_t, int64_t>> qty;
    for (const formats::XmlElement* q : Children(report, "Qty")) {
      qty[Attr(*q, "Typ")] = {Int(*q, "Long"), Int(*q, "Short")};
    }
    EXPECT_EQ(qty["SOD"], std::make_pair(p.sod_long, p.sod_short)) << account;
    EXPECT_EQ(qty["TQ"], std::make_pair(p.bought, p.sold)) << account;
    EXPECT_EQ(qty["FIN"], std::make_pair(p.eod_long, p.eod_short)) << account;
    for (const formats::XmlElement* a : Children(report, "Amt")) {
      if (Attr(*a, "Typ") == "FMTM") {
        fmtm_by_account[account] += Fixed(*a, "Amt", 6);
        all_marks += Fixed(*a, "Amt", 6);
      }
    }
  }
  EXPECT_EQ(all_marks, 0) << "variation margin is zero-sum over every account";
  for (const auto& [account, micros] : account_vm_micros) {
    EXPECT_EQ(fmtm_by_account[account], micros) << account;
  }

  // ---- large traders: worked out again from eod_positions ----
  std::set<std::string> expected_accounts;
  std::map<std::string, std::pair<int64_t, int64_t>> combined;
  for (const auto& [key, p] : eod) {
    if (p.eod_long >= kLevel || p.eod_short >= kLevel) expected_accounts.insert(key.first);
    combined[key.first].first += p.eod_long;
    combined[key.first].second += p.eod_short;
  }
  for (const auto& [account, c] : combined) {
    if (c.first >= kLevel || c.second >= kLevel) expected_accounts.insert(account);
  }
  const std::string part17 = Content(date, "LARGE_TRADER_PART17");
  const std::string csv = Content(date, "LARGE_TRADER_CSV");
  std::vector<std::string> lines = absl::StrSplit(part17, '\n');
  EXPECT_EQ(lines.back(), "");
  lines.pop_back();
  for (const std::string& line : lines) {
    EXPECT_EQ(line.size(), 80u) << "'" << line << "'";
    EXPECT_EQ(line.substr(0, 2), "RP");
    EXPECT_EQ(line.substr(19, 8), date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2));
  }
  std::vector<std::string> csv_lines = absl::StrSplit(csv, '\n');
  EXPECT_EQ(csv_lines.front(), reporting::kLargeTraderCsvHeader);
  csv_lines.erase(csv_lines.begin());
  EXPECT_EQ(csv_lines.back(), "");
  csv_lines.pop_back();
  EXPECT_EQ(csv_lines.size(), lines.size());
  std::set<std::string> listed;
  for (size_t i = 0; i < csv_lines.size(); ++i) {
    std::vector<std::string> f = absl::StrSplit(csv_lines[i], ',');
    if (f.size() != 10u) {
      ADD_FAILURE() << "CSV line " << csv_lines[i];
      continue;
    }
    listed.insert(f[2]);
    const EodPosition& p = eod.at({f[2], f[6]});
    EXPECT_EQ(f[7], absl::StrCat(p.eod_long));
    EXPECT_EQ(f[8], absl::StrCat(p.eod_short));
    EXPECT_EQ(f[9], absl::StrCat(kLevel));
    // The same record in both files: the account and the quantities.
    EXPECT_EQ(lines[i].substr(7, 12).find(f[2]) != std::string::npos, true) << lines[i];
    EXPECT_EQ(lines[i].substr(51, 7), absl::StrFormat("%07d", p.eod_long));
    EXPECT_EQ(lines[i].substr(58, 7), absl::StrFormat("%07d", p.eod_short));
  }
  EXPECT_EQ(listed, expected_accounts);

  // ---- reproducible from the recorded rows ----
  const int pass = List(date).back().pass();
  const std::map<std::string, std::string> again = Regenerated(date, pass);
  EXPECT_EQ(again.at("DAILY_CLEARING"), daily);
  EXPECT_EQ(again.at("POSITION_REPORTS"), positions);
  EXPECT_EQ(again.at("LARGE_TRADER_PART17"), part17);
  EXPECT_EQ(again.at("LARGE_TRADER_CSV"), csv);
  return origin_cash;
}

TEST_F(ReportsTest, SeededThreeDaysReconcileWithPositionsMarginAndTheLedger) {
  LoadHistory();
  pb::SetReportableLevelResponse set;
  ASSERT_TRUE(SetLevel("*", kLevel, kAdminToken, &set).ok());
  EXPECT_TRUE(set.changed());
  std::mt19937_64 rng(20261123);
  auto uniform = [&rng](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  std::map<std::string, int64_t> paid_to_origin;  // cumulated, cents
  int64_t settle = 3'125'000;
  int64_t large_trader_records = 0;
  for (size_t d = 0; d < kDays.size(); ++d) {
    const std::string& date = kDays[d];
    std::vector<pb::TradeEvent> events;
    for (int i = 0; i < 10; ++i) {
      const size_t b = uniform(0, kTraders.size() - 1);
      size_t s = uniform(0, kTraders.size() - 2);
      if (s >= b) ++s;
      pb::Trade trade = TestClearingHouse::Trade(absl::StrCat("R", d, "-", i), uniform(1, 9));
      trade.set_buyer_account_id(kTraders[b]);
      trade.set_seller_account_id(kTraders[s]);
      trade.set_price_micros(settle + 5'000 * uniform(-6, 6));
      trade.set_trade_date(date);
      trade.mutable_executed_at()->set_seconds(absl::ToUnixSeconds(
          absl::FromCivil(absl::CivilSecond(Day(date)) + 14 * 3600, absl::UTCTimeZone())));
      events.push_back(NewTradeEvent(trade));
    }
    const pb::SubmitTradesResponse submitted = house_.Submit(events);
    for (const pb::TradeResult& r : submitted.results()) {
      ASSERT_EQ(r.outcome(), pb::TRADE_OUTCOME_ACCEPTED) << r.ShortDebugString();
    }
    settle += 5'000 * uniform(-8, 8);
    SettleDay(date, settle);

    // Four files, pass 1, current, listed by kind.
    const std::vector<pb::ReportFile> files = List(date);
    ASSERT_EQ(files.size(), 4u);
    const std::string compact = absl::StrCat(date.substr(0, 4), date.substr(5, 2), date.substr(8));
    EXPECT_EQ(files[0].kind(), "DAILY_CLEARING");
    EXPECT_EQ(files[0].name(), absl::StrCat("daily_clearing_", compact, ".xml"));
    EXPECT_EQ(files[2].name(), absl::StrCat("large_trader_", compact, ".txt"));
    for (const pb::ReportFile& f : files) {
      EXPECT_EQ(f.pass(), 1);
      EXPECT_TRUE(f.current());
      EXPECT_TRUE(f.content().empty()) << "a listing carries no content";
    }
    large_trader_records += files[2].row_count();
    for (const auto& [origin, cents] : CheckDay(date)) paid_to_origin[origin] += cents;

    // The ledger: with no payment made, a member's cash account is what the CCP owes it,
    // a credit of everything the reports say was paid to it less what was collected.
    const std::map<std::string, int64_t> balances = Balances();
    for (const auto& [origin, cents] : paid_to_origin) {
      std::vector<std::string> parts = absl::StrSplit(origin, '/');
      const std::string account = absl::StrCat(parts[0], ":", parts[1], ":CASH:USD");
      EXPECT_EQ(balances.contains(account) ? balances.at(account) : 0, -cents) << account;
    }
  }
  EXPECT_GT(large_trader_records, 0) << "the workload reached the reportable level";

  // The last day's end-of-day positions are the live positions (PositionService).
  std::map<std::string, int64_t> reported_net;
  for (const auto& [key, p] : EodPositions(kDays.back())) {
    if (p.eod_long != p.eod_short) {
      reported_net[absl::StrCat(key.first, "/", key.second)] = p.eod_long - p.eod_short;
    }
  }
  EXPECT_EQ(reported_net, house_.NetPositions());

  // The step's time on this workload (a figure for docs/REPORTING.md).
  for (const std::string& row :
       Rows("SELECT business_date, extract(epoch FROM finished_at - started_at) * 1000"
            " FROM eod_steps WHERE step = 'REPORTS_READY' ORDER BY 1")) {
    std::printf("REPORTS_READY %s ms\n", row.c_str());
  }

  // A finished date run again changes no report.
  const std::vector<std::string> before = Rows(
      "SELECT business_date, pass, kind, encode(content_sha256, 'hex') FROM report_files"
      " ORDER BY 1, 2, 3");
  EXPECT_EQ(before.size(), 12u);
  ASSERT_TRUE(RunEod(kDays[1]).ok());
  EXPECT_EQ(Rows("SELECT business_date, pass, kind, encode(content_sha256, 'hex') FROM"
                 " report_files ORDER BY 1, 2, 3"),
            before);
}

TEST_F(ReportsTest, ACorrectionAddsASecondPassAndKeepsTheFirst) {
  LoadHistory();
  house_.Submit({NewTradeEvent(TestClearingHouse::Trade("C-1", 10))});
  SettleDay(kDays[0], 3'010'000);
  const std::string first = Content(kDays[0], "DAILY_CLEARING");

  pb::CorrectSettlementPricesRequest correct;
  correct.set_business_date(kDays[0]);
  correct.set_reason("exchange price keyed wrong");
  correct.add_prices()->set_instrument_id(kDec);
  correct.mutable_prices(0)->set_price_micros(3'020'000);
  pb::SettlementPriceSet set;
  ASSERT_TRUE(Call(*treasury_, &pb::TreasuryService::Stub::CorrectSettlementPrices, kTreasuryToken,
                   correct, &set)
                  .ok());
  ApproveAndRun(kDays[0], set.version());

  const std::vector<pb::ReportFile> files = List(kDays[0]);
  ASSERT_EQ(files.size(), 8u);
  EXPECT_EQ(files[0].pass(), 1);
  EXPECT_FALSE(files[0].current());
  EXPECT_EQ(files[4].pass(), 2);
  EXPECT_TRUE(files[4].current());
  EXPECT_EQ(Content(kDays[0], "DAILY_CLEARING", 1), first);
  const std::string second = Content(kDays[0], "DAILY_CLEARING");
  EXPECT_NE(second, first);
  EXPECT_EQ(Content(kDays[0], "DAILY_CLEARING", 2), second);
  EXPECT_THAT(second, HasSubstr("Pass=\"2\""));
  // CM01's house bought 10 at 3.125: (3.010 - 3.125) x 10 x 1000 = $1,150.00 collected
  // from it in pass 1, (3.020 - 3.125) x 10 x 1000 = $1,050.00 in pass 2.
  EXPECT_THAT(first, HasSubstr("<VM Pd=\"0.00\" Coll=\"1150.00\"></VM>"));
  EXPECT_THAT(second, HasSubstr("<VM Pd=\"0.00\" Coll=\"1050.00\"></VM>"));
  EXPECT_THAT(second, HasSubstr("SetPx=\"3.020000\""));
  CheckDay(kDays[0]);
}

TEST_F(ReportsTest, OnlyTreasuryAndTheRegulatorReadReportsAndBadRequestsNameTheField) {
  pb::ReportFile file;
  EXPECT_EQ(Get(kDays[0], "DAILY_CLEARING", 0, &file, kCm01Token).error_code(),
            grpc::PERMISSION_DENIED);
  EXPECT_EQ(Get(kDays[0], "DAILY_CLEARING", 0, &file, kExchangeToken).error_code(),
            grpc::PERMISSION_DENIED);
  grpc::Status status = Get(kDays[0], "DAILY_CLEARING", 0, &file, kTreasuryToken);
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "business_date 2026-11-23 has no stored reports");
  status = Get(kDays[0], "MONTHLY", 0, &file);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("kind \"MONTHLY\""));
  status = Get("2026-13-01", "DAILY_CLEARING", 0, &file);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("business_date"));
  status = Get(kDays[0], "DAILY_CLEARING", -1, &file);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("pass -1"));
  EXPECT_TRUE(List(kDays[0]).empty());
}

TEST_F(ReportsTest, OnlyAnAdminSetsAReportableLevelAndItIsAudited) {
  pb::SetReportableLevelResponse set;
  EXPECT_EQ(SetLevel("TKF", 100, kTreasuryToken, &set).error_code(), grpc::PERMISSION_DENIED);
  EXPECT_EQ(SetLevel("TKF", 100, kRegulatorToken, &set).error_code(), grpc::PERMISSION_DENIED);
  grpc::Status status = SetLevel("TKX", 100, kAdminToken, &set);
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "level.product_code TKX is not a product");
  status = SetLevel("TKF", 0, kAdminToken, &set);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "level.level_contracts 0 is outside 1..9999999");
  status = SetLevel("TK F", 5, kAdminToken, &set);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("level.product_code"));
  EXPECT_EQ(Rows("SELECT product_code, level_contracts FROM reportable_levels ORDER BY 1"),
            (std::vector<std::string>{"*|25"}));

  ASSERT_TRUE(SetLevel("TKF", 100, kAdminToken, &set).ok());
  EXPECT_TRUE(set.changed());
  ASSERT_TRUE(SetLevel("TKF", 100, kAdminToken, &set).ok());
  EXPECT_FALSE(set.changed()) << "the same level again changes nothing";
  pb::ListReportableLevelsResponse levels;
  ASSERT_TRUE(Call(*regulator_, &pb::RegulatorService::Stub::ListReportableLevels, kRegulatorToken,
                   pb::ListReportableLevelsRequest(), &levels)
                  .ok());
  ASSERT_EQ(levels.levels_size(), 2);
  EXPECT_EQ(levels.levels(0).product_code(), "*");
  EXPECT_EQ(levels.levels(0).level_contracts(), 25);
  EXPECT_EQ(levels.levels(1).product_code(), "TKF");
  EXPECT_EQ(levels.levels(1).level_contracts(), 100);
  // One audit row for the one change; the refusals are audited as refusals.
  EXPECT_EQ(Rows("SELECT principal_id, target, detail->>'level_contracts' FROM audit_log"
                 " WHERE action = 'SetReportableLevel' AND outcome = 'OK'"),
            (std::vector<std::string>{"bootstrap-admin|TKF|100"}));
  EXPECT_EQ(Rows("SELECT outcome FROM audit_log WHERE action = 'SetReportableLevel'"
                 " AND outcome <> 'OK' ORDER BY audit_id"),
            (std::vector<std::string>{"PERMISSION_DENIED", "PERMISSION_DENIED", "NOT_FOUND",
                                      "INVALID_ARGUMENT", "INVALID_ARGUMENT"}));
}

}  // namespace
}  // namespace tc::testing
