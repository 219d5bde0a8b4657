// MarginService through the real server and PostgreSQL: a synthetic index history is
// loaded, calibrated and approved with four eyes; what-if margin matches the engine;
// incremental margin of a hedge is negative; the margin cycle stores per-account and
// per-origin requirements idempotently; members see only their own margins; an exported
// .spn file reads back and gives the server's what-if margin.
#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "gtest/gtest.h"
#include "margin/compiled_parameters.h"
#include "margin/files/spn_reader.h"
#include "margin/margin_calculator.h"
#include "services/margin/margin_service_convert.h"
#include "tests/test_clearing_house.h"
#include "tokenclear/v1/margin.grpc.pb.h"

namespace tc::testing {
namespace {

constexpr int kHistoryDays = 60;

// Deterministic daily returns in ppm: TOKFRONT within +/-3%; TOKOPEN 80% TOKFRONT's
// return plus its own noise, so the two are strongly but not perfectly correlated.
std::vector<pb::IndexValue> SyntheticHistory() {
  std::vector<pb::IndexValue> values;
  int64_t front = 3'125'000, open = 1'250'000;
  uint64_t seed = 20261123;
  auto next_ppm = [&seed](int64_t range) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int64_t>((seed >> 33) % (2 * range + 1)) - range;
  };
  // Business days only (index values for weekends are refused), ending on the open date.
  std::vector<absl::CivilDay> days;
  for (absl::CivilDay day(2026, 11, 23); static_cast<int>(days.size()) < kHistoryDays; --day) {
    if (!IsWeekend(day)) days.insert(days.begin(), day);
  }
  for (int i = 0; i < kHistoryDays; ++i) {
    const std::string date = absl::FormatCivilTime(days[i]);
    for (auto [code, value] : {std::pair{"TOKFRONT", front}, std::pair{"TOKOPEN", open}}) {
      pb::IndexValue v;
      v.set_index_code(code);
      v.set_business_date(date);
      v.set_value_micros(value);
      values.push_back(v);
    }
    const int64_t r_front = next_ppm(30'000);
    const int64_t r_open = r_front * 8 / 10 + next_ppm(10'000);
    front = front * (1'000'000 + r_front) / 1'000'000;
    open = open * (1'000'000 + r_open) / 1'000'000;
  }
  return values;
}

class MarginServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", house_.server().port()),
                                   grpc::InsecureChannelCredentials());
    margin_ = pb::MarginService::NewStub(channel_);
    SeedSecondProduct();
  }

  template <typename Method, typename Request, typename Response>
  grpc::Status Call(Method method, const std::string& token, const Request& request,
                    Response* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    return (margin_.get()->*method)(&context, request, response);
  }

  template <typename Method, typename Request, typename Response>
  void Admin(Method method, const Request& request, Response* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, kAdminToken);
    grpc::Status status = (house_.ReferenceData().get()->*method)(&context, request, response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Product TKG on TOKOPEN and every listable month of both products.
  void SeedSecondProduct() {
    pb::ListProductsResponse products;
    Admin(&pb::ReferenceDataService::Stub::ListProducts, pb::ListProductsRequest(), &products);
    pb::UpsertProductRequest product;
    *product.mutable_product() = products.products(0);
    product.mutable_product()->set_product_code("TKG");
    product.mutable_product()->set_name("Open-weight model token index futures");
    product.mutable_product()->set_index_code("TOKOPEN");
    pb::Product product_out;
    Admin(&pb::ReferenceDataService::Stub::UpsertProduct, product, &product_out);
    pb::ListContractMonthsResponse listed;
    Admin(&pb::ReferenceDataService::Stub::ListContractMonths, pb::ListContractMonthsRequest(),
          &listed);
  }

  // Loads the history (risk1), calibrates as risk1 and approves as risk2.
  pb::RiskParameterSet CalibrateAndApprove() {
    pb::LoadIndexValuesRequest load;
    for (const pb::IndexValue& v : SyntheticHistory()) *load.add_values() = v;
    pb::LoadIndexValuesResponse loaded;
    EXPECT_TRUE(Call(&Stub::LoadIndexValues, kRiskToken, load, &loaded).ok());
    pb::CalibrateParametersRequest calibrate;
    calibrate.set_business_date(kOpenDate);
    pb::RiskParameterSet draft;
    grpc::Status status = Call(&Stub::CalibrateParameters, kRiskToken, calibrate, &draft);
    EXPECT_TRUE(status.ok()) << status.error_message();
    pb::ApproveParameterSetRequest approve;
    approve.set_version(draft.version());
    pb::RiskParameterSet approved;
    status = Call(&Stub::ApproveParameterSet, kRisk2Token, approve, &approved);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return approved;
  }

  static pb::TradeEvent TradeOf(const std::string& id, const std::string& instrument,
                                const std::string& buyer, const std::string& seller,
                                int64_t quantity) {
    pb::Trade trade = TestClearingHouse::Trade(id, quantity);
    trade.set_instrument_id(instrument);
    trade.set_buyer_account_id(buyer);
    trade.set_seller_account_id(seller);
    return NewTradeEvent(trade);
  }

  // CM01-H long 10 Dec; CM01-C1 long 4 Dec, short 2 Jan; CM01-C2 short 3 TKG Dec.
  void SubmitTrades() {
    const pb::SubmitTradesResponse response =
        house_.Submit({TradeOf("M1", "TKF-202612", "CM01-H", "CM02-H", 10),
                       TradeOf("M2", "TKF-202612", "CM01-C1", "CM02-C1", 4),
                       TradeOf("M3", "TKF-202701", "CM02-H", "CM01-C1", 2),
                       TradeOf("M4", "TKG-202612", "CM02-C1", "CM01-C2", 3)});
    for (const pb::TradeResult& r : response.results()) {
      EXPECT_EQ(r.outcome(), pb::TRADE_OUTCOME_ACCEPTED) << r.ShortDebugString();
    }
  }

  pb::ListMarginRequirementsResponse Requirements(const std::string& token,
                                                  const std::string& member_id) {
    pb::ListMarginRequirementsRequest request;
    request.set_business_date(kOpenDate);
    request.set_member_id(member_id);
    pb::ListMarginRequirementsResponse response;
    grpc::Status status = Call(&Stub::ListMarginRequirements, token, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  using Stub = pb::MarginService::Stub;
  TestClearingHouse house_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> margin_;
};

TEST_F(MarginServiceTest, CalibratesADraftThatOnlyAnotherRiskPrincipalMayApprove) {
  pb::LoadIndexValuesRequest load;
  for (const pb::IndexValue& v : SyntheticHistory()) *load.add_values() = v;
  pb::LoadIndexValuesResponse loaded;
  EXPECT_EQ(Call(&Stub::LoadIndexValues, kCm01Token, load, &loaded).error_code(),
            grpc::PERMISSION_DENIED);
  // Parameter sets are the risk role's: treasury only runs the margin cycle.
  EXPECT_EQ(Call(&Stub::LoadIndexValues, kTreasuryToken, load, &loaded).error_code(),
            grpc::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::LoadIndexValues, kRiskToken, load, &loaded).ok());
  EXPECT_EQ(loaded.loaded(), 2 * kHistoryDays);

  pb::CalibrateParametersRequest calibrate;
  calibrate.set_business_date("2026-13-01");
  pb::RiskParameterSet draft;
  grpc::Status bad = Call(&Stub::CalibrateParameters, kRiskToken, calibrate, &draft);
  EXPECT_EQ(bad.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("business_date"), std::string::npos);
  calibrate.set_business_date(kOpenDate);
  EXPECT_EQ(Call(&Stub::CalibrateParameters, kTreasuryToken, calibrate, &draft).error_code(),
            grpc::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::CalibrateParameters, kRiskToken, calibrate, &draft).ok());
  EXPECT_EQ(draft.version(), "2026-11-23-1");
  EXPECT_EQ(draft.status(), pb::PARAMETER_SET_STATUS_DRAFT);
  ASSERT_EQ(draft.products_size(), 2);
  ASSERT_EQ(draft.pairs_size(), 1);
  EXPECT_GT(draft.pairs(0).correlation_ppm(), 500'000);
  EXPECT_GT(draft.pairs(0).credit_rate_ppm(), 0);
  for (const pb::ProductCalibration& p : draft.products()) {
    EXPECT_EQ(p.return_count(), kHistoryDays - 1);
    EXPECT_EQ(p.psr_micros() % 1'000'000, 0);
    EXPECT_GE(p.psr_micros(), p.floor_psr_micros());
  }
  EXPECT_EQ(draft.parameters().inter_spreads_size(), 1);

  // No approved set yet: margin cannot be computed.
  pb::GetAccountMarginRequest account;
  account.set_account_id("CM01-H");
  pb::AccountMargin margin;
  EXPECT_EQ(Call(&Stub::GetAccountMargin, kTreasuryToken, account, &margin).error_code(),
            grpc::FAILED_PRECONDITION);

  pb::ApproveParameterSetRequest approve;
  approve.set_version(draft.version());
  pb::RiskParameterSet approved;
  grpc::Status same = Call(&Stub::ApproveParameterSet, kRiskToken, approve, &approved);
  EXPECT_EQ(same.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(same.error_message().find("four eyes"), std::string::npos);
  EXPECT_EQ(Call(&Stub::ApproveParameterSet, kCm01Token, approve, &approved).error_code(),
            grpc::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::ApproveParameterSet, kTreasury2Token, approve, &approved).error_code(),
            grpc::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::ApproveParameterSet, kRisk2Token, approve, &approved).ok());
  EXPECT_EQ(approved.status(), pb::PARAMETER_SET_STATUS_APPROVED);
  EXPECT_EQ(approved.approved_by(), "risk2");
  EXPECT_EQ(Call(&Stub::ApproveParameterSet, kRisk2Token, approve, &approved).error_code(),
            grpc::FAILED_PRECONDITION);  // no longer a draft

  // A second calibration, approved, supersedes the first.
  pb::RiskParameterSet second;
  ASSERT_TRUE(Call(&Stub::CalibrateParameters, kRisk2Token, calibrate, &second).ok());
  EXPECT_EQ(second.version(), "2026-11-23-2");
  approve.set_version(second.version());
  ASSERT_TRUE(Call(&Stub::ApproveParameterSet, kRiskToken, approve, &approved).ok());
  pb::ListParameterSetsResponse sets;
  ASSERT_TRUE(
      Call(&Stub::ListParameterSets, kCm02Token, pb::ListParameterSetsRequest(), &sets).ok());
  ASSERT_EQ(sets.sets_size(), 2);
  std::map<std::string, pb::ParameterSetStatus> statuses;
  for (const pb::RiskParameterSet& s : sets.sets()) statuses[s.version()] = s.status();
  EXPECT_EQ(statuses["2026-11-23-1"], pb::PARAMETER_SET_STATUS_SUPERSEDED);
  EXPECT_EQ(statuses["2026-11-23-2"], pb::PARAMETER_SET_STATUS_APPROVED);
}

TEST_F(MarginServiceTest, WhatIfEqualsTheEngineComputedDirectly) {
  const pb::RiskParameterSet approved = CalibrateAndApprove();
  pb::WhatIfMarginRequest request;
  for (auto [instrument, quantity] :
       {std::pair{"TKF-202612", 4}, std::pair{"TKF-202701", -2}, std::pair{"TKG-202612", -3}}) {
    pb::MarginPosition* p = request.add_positions();
    p->set_instrument_id(instrument);
    p->set_quantity(quantity);
  }
  request.set_account_class(pb::ACCOUNT_CLASS_SPECULATOR);
  pb::MarginBreakdown served;
  ASSERT_TRUE(Call(&Stub::WhatIfMargin, kCm02Token, request, &served).ok());

  pb::GetParameterSetRequest get;
  get.set_version(approved.version());
  pb::RiskParameterSet stored;
  ASSERT_TRUE(Call(&Stub::GetParameterSet, kRegulatorToken, get, &stored).ok());
  absl::StatusOr<margin::RiskParameters> params = services::FromProto(stored.parameters());
  ASSERT_TRUE(params.ok()) << params.status();
  absl::StatusOr<margin::CompiledParameters> compiled = margin::CompileParameters(*params);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  margin::MarginCalculator calculator(*compiled);
  const std::vector<margin::Position> book = {
      {"TKF-202612", 4}, {"TKF-202701", -2}, {"TKG-202612", -3}};
  absl::StatusOr<margin::MarginBreakdown> direct =
      calculator.ComputeBreakdown(book, margin::AccountClass::kSpeculator);
  ASSERT_TRUE(direct.ok()) << direct.status();
  EXPECT_EQ(served.maintenance_micros(), direct->totals.maintenance_micros);
  EXPECT_EQ(served.initial_micros(), direct->totals.initial_micros);
  EXPECT_GT(served.maintenance_micros(), 0);
  EXPECT_EQ(served.parameter_version(), approved.version());
  ASSERT_EQ(served.commodities_size(), 2);
  EXPECT_GT(served.commodities(0).intra_charge_micros(), 0);  // the Dec/Jan spread
  EXPECT_GT(served.commodities(0).inter_credit_micros(), 0);  // long TKF against short TKG

  // The same against the named set.
  request.set_parameter_version(approved.version());
  pb::MarginBreakdown named;
  ASSERT_TRUE(Call(&Stub::WhatIfMargin, kCm02Token, request, &named).ok());
  EXPECT_EQ(named.initial_micros(), served.initial_micros());

  request.mutable_positions(1)->set_instrument_id("TKF-209912");
  grpc::Status bad = Call(&Stub::WhatIfMargin, kCm02Token, request, &served);
  EXPECT_EQ(bad.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("positions[1].instrument_id 'TKF-209912'"), std::string::npos)
      << bad.error_message();
  request.mutable_positions(1)->set_instrument_id("TKF-202701");
  request.set_account_class(pb::ACCOUNT_CLASS_UNSPECIFIED);
  EXPECT_EQ(Call(&Stub::WhatIfMargin, kCm02Token, request, &served).error_code(),
            grpc::INVALID_ARGUMENT);
  request.set_account_class(pb::ACCOUNT_CLASS_MEMBER);
  request.set_parameter_version("no-such-version");
  EXPECT_EQ(Call(&Stub::WhatIfMargin, kCm02Token, request, &served).error_code(), grpc::NOT_FOUND);
}

TEST_F(MarginServiceTest, AHedgingTradeHasNegativeIncrementalMargin) {
  CalibrateAndApprove();
  SubmitTrades();
  pb::GetAccountMarginRequest account;
  account.set_account_id("CM01-H");
  pb::AccountMargin current;
  ASSERT_TRUE(Call(&Stub::GetAccountMargin, kCm01Token, account, &current).ok());
  EXPECT_GT(current.breakdown().maintenance_micros(), 0);
  EXPECT_EQ(current.origin(), pb::ORIGIN_HOUSE);

  pb::IncrementalMarginRequest hedge;
  hedge.set_account_id("CM01-H");
  hedge.set_side(pb::TRADE_SIDE_SELL);
  hedge.set_instrument_id("TKF-202701");
  hedge.set_quantity(10);
  pb::IncrementalMarginResponse response;
  ASSERT_TRUE(Call(&Stub::IncrementalMargin, kCm01Token, hedge, &response).ok());
  EXPECT_EQ(response.before().maintenance_micros(), current.breakdown().maintenance_micros());
  EXPECT_LT(response.incremental_maintenance_micros(), 0);
  EXPECT_LT(response.incremental_initial_micros(), 0);
  EXPECT_EQ(response.after().maintenance_micros() - response.before().maintenance_micros(),
            response.incremental_maintenance_micros());

  hedge.set_side(pb::TRADE_SIDE_BUY);  // adds to the long: more margin
  ASSERT_TRUE(Call(&Stub::IncrementalMargin, kCm01Token, hedge, &response).ok());
  EXPECT_GT(response.incremental_maintenance_micros(), 0);
  hedge.set_quantity(0);
  grpc::Status bad = Call(&Stub::IncrementalMargin, kCm01Token, hedge, &response);
  EXPECT_EQ(bad.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("quantity 0"), std::string::npos);
}

TEST_F(MarginServiceTest, MarginCycleStoresAccountsAndOriginsIdempotently) {
  const pb::RiskParameterSet approved = CalibrateAndApprove();
  SubmitTrades();
  pb::RunMarginCycleRequest run;
  run.set_business_date(kOpenDate);
  pb::RunMarginCycleResponse first;
  EXPECT_EQ(Call(&Stub::RunMarginCycle, kCm01Token, run, &first).error_code(),
            grpc::PERMISSION_DENIED);
  // The risk role approves parameter sets; running the cycle stays treasury's.
  EXPECT_EQ(Call(&Stub::RunMarginCycle, kRiskToken, run, &first).error_code(),
            grpc::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::RunMarginCycle, kTreasuryToken, run, &first).ok());
  EXPECT_EQ(first.parameter_version(), approved.version());
  EXPECT_EQ(first.accounts(), 5);  // CM01-H, CM01-C1, CM01-C2, CM02-H, CM02-C1
  EXPECT_GT(first.changed(), 0);

  const pb::ListMarginRequirementsResponse stored = Requirements(kTreasuryToken, "");
  ASSERT_EQ(stored.accounts_size(), 5);
  std::map<std::string, int64_t> customer_maintenance, customer_initial;
  for (const pb::MarginRequirement& r : stored.accounts()) {
    EXPECT_EQ(r.parameter_version(), approved.version());
    EXPECT_GE(r.initial_micros(), r.maintenance_micros());
    if (r.origin() == pb::ORIGIN_CUSTOMER) {
      customer_maintenance[r.member_id()] += r.maintenance_micros();
      customer_initial[r.member_id()] += r.initial_micros();
    }
    // Each stored row equals the account's margin on demand.
    pb::GetAccountMarginRequest account;
    account.set_account_id(r.account_id());
    pb::AccountMargin live;
    ASSERT_TRUE(Call(&Stub::GetAccountMargin, kRegulatorToken, account, &live).ok());
    EXPECT_EQ(live.breakdown().initial_micros(), r.initial_micros()) << r.account_id();
  }
  int customer_origins = 0;
  for (const pb::OriginRequirement& o : stored.origins()) {
    if (o.origin() != pb::ORIGIN_CUSTOMER) continue;
    ++customer_origins;
    EXPECT_EQ(o.maintenance_micros(), customer_maintenance[o.member_id()]) << o.member_id();
    EXPECT_EQ(o.initial_micros(), customer_initial[o.member_id()]) << o.member_id();
  }
  EXPECT_EQ(customer_origins, 2);
  EXPECT_EQ(stored.origins_size(), 4);  // house and customer of CM01 and CM02

  pb::RunMarginCycleResponse again;
  ASSERT_TRUE(Call(&Stub::RunMarginCycle, kTreasuryToken, run, &again).ok());
  EXPECT_EQ(again.changed(), 0);
  EXPECT_EQ(Requirements(kTreasuryToken, "").SerializeAsString(), stored.SerializeAsString());

  run.set_business_date("2026-11-24");
  EXPECT_EQ(Call(&Stub::RunMarginCycle, kTreasuryToken, run, &again).error_code(),
            grpc::FAILED_PRECONDITION);

  // Every mutation is in the audit log, by whom it was made.
  pqxx::connection connection(house_.database_url());
  pqxx::work tx(connection);
  std::map<std::string, std::string> by_action;
  for (const pqxx::row& r :
       tx.exec("SELECT action, string_agg(principal_id || ':' || coalesce(detail->>'changed', ''),"
               " ',' ORDER BY audit_id) FROM audit_log WHERE action IN ('LoadIndexValues',"
               " 'CalibrateParameters', 'ApproveParameterSet', 'RunMarginCycle') AND outcome = 'OK'"
               " GROUP BY action")) {
    by_action[r[0].as<std::string>()] = r[1].as<std::string>();
  }
  EXPECT_EQ(by_action["LoadIndexValues"], "risk1:");
  EXPECT_EQ(by_action["CalibrateParameters"], "risk1:");
  EXPECT_EQ(by_action["ApproveParameterSet"], "risk2:");
  EXPECT_EQ(by_action["RunMarginCycle"],
            absl::StrCat("treasury1:", first.changed(), ",treasury1:0"));
}

TEST_F(MarginServiceTest, MembersSeeOnlyTheirOwnMargins) {
  CalibrateAndApprove();
  SubmitTrades();
  pb::RunMarginCycleRequest run;
  run.set_business_date(kOpenDate);
  pb::RunMarginCycleResponse cycle;
  ASSERT_TRUE(Call(&Stub::RunMarginCycle, kTreasuryToken, run, &cycle).ok());

  pb::GetAccountMarginRequest other;
  other.set_account_id("CM02-H");
  pb::AccountMargin margin;
  EXPECT_EQ(Call(&Stub::GetAccountMargin, kCm01Token, other, &margin).error_code(),
            grpc::PERMISSION_DENIED);
  pb::IncrementalMarginRequest trade;
  trade.set_account_id("CM02-H");
  trade.set_side(pb::TRADE_SIDE_BUY);
  trade.set_instrument_id("TKF-202612");
  trade.set_quantity(1);
  pb::IncrementalMarginResponse incremental;
  EXPECT_EQ(Call(&Stub::IncrementalMargin, kCm01Token, trade, &incremental).error_code(),
            grpc::PERMISSION_DENIED);

  pb::ListMarginRequirementsRequest request;
  request.set_business_date(kOpenDate);
  request.set_member_id("CM02");
  pb::ListMarginRequirementsResponse response;
  EXPECT_EQ(Call(&Stub::ListMarginRequirements, kCm01Token, request, &response).error_code(),
            grpc::PERMISSION_DENIED);
  const pb::ListMarginRequirementsResponse own = Requirements(kCm01Token, "");
  EXPECT_EQ(own.accounts_size(), 3);
  for (const pb::MarginRequirement& r : own.accounts()) EXPECT_EQ(r.member_id(), "CM01");
  for (const pb::OriginRequirement& o : own.origins()) EXPECT_EQ(o.member_id(), "CM01");
  EXPECT_EQ(Requirements(kRegulatorToken, "CM02").accounts_size(), 2);
}

TEST_F(MarginServiceTest, ExportedSpnGivesTheServersWhatIfMargin) {
  const pb::RiskParameterSet approved = CalibrateAndApprove();
  pb::ExportParameterSetRequest request;
  request.set_version(approved.version());
  pb::ExportParameterSetResponse exported;
  grpc::Status status = Call(&Stub::ExportParameterSet, kCm01Token, request, &exported);
  ASSERT_TRUE(status.ok()) << status.error_message();  // members may replicate
  EXPECT_EQ(exported.version(), approved.version());
  absl::StatusOr<margin::SpnFile> file = margin::ReadSpn(exported.spn());
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE(file->unsupported.empty());
  absl::StatusOr<margin::CompiledParameters> compiled = margin::CompileParameters(file->parameters);
  ASSERT_TRUE(compiled.ok()) << compiled.status();

  const std::vector<margin::Position> book = {
      {"TKF-202612", 7}, {"TKF-202701", -3}, {"TKG-202612", -5}, {"TKG-202702", 2}};
  pb::WhatIfMarginRequest what_if;
  for (const margin::Position& p : book) {
    pb::MarginPosition* position = what_if.add_positions();
    position->set_instrument_id(p.contract_id);
    position->set_quantity(p.quantity);
  }
  what_if.set_account_class(pb::ACCOUNT_CLASS_HEDGER);
  pb::MarginBreakdown served;
  ASSERT_TRUE(Call(&Stub::WhatIfMargin, kCm01Token, what_if, &served).ok());
  margin::MarginCalculator calculator(*compiled);
  absl::StatusOr<margin::MarginBreakdown> replicated =
      calculator.ComputeBreakdown(book, margin::AccountClass::kHedger);
  ASSERT_TRUE(replicated.ok()) << replicated.status();
  EXPECT_GT(served.initial_micros(), 0);
  EXPECT_EQ(replicated->totals.maintenance_micros, served.maintenance_micros());
  EXPECT_EQ(replicated->totals.initial_micros, served.initial_micros());

  request.set_version("no-such-version");
  EXPECT_EQ(Call(&Stub::ExportParameterSet, kCm01Token, request, &exported).error_code(),
            grpc::NOT_FOUND);
  grpc::ClientContext anonymous;
  EXPECT_EQ(margin_->ExportParameterSet(&anonymous, request, &exported).error_code(),
            grpc::UNAUTHENTICATED);
}

}  // namespace
}  // namespace tc::testing
