#include "tests/settlement_desk.h"

#include "core/business_date.h"
#include "gtest/gtest.h"
#include "tests/test_clearing_house.h"
#include "tokenclear/v1/index.grpc.pb.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/treasury.grpc.pb.h"

namespace tc::testing {
namespace {

template <typename Stub, typename Method, typename Request, typename Response>
grpc::Status Call(Stub& stub, Method method, const std::string& token, const Request& request,
                  Response* response) {
  grpc::ClientContext context;
  TestClearingHouse::Authorize(context, token);
  return (stub.*method)(&context, request, response);
}

}  // namespace

void LoadIndexHistory(const std::shared_ptr<grpc::Channel>& channel) {
  pb::LoadIndexValuesRequest request;
  absl::CivilDay day(2026, 11, 23);
  for (int i = 0; i < 60; --day) {
    if (IsWeekend(day)) continue;
    pb::IndexValue* v = request.add_values();
    v->set_index_code("TOKFRONT");
    v->set_business_date(FormatBusinessDate(day));
    v->set_value_micros(3'100'000 + (i % 3 == 0 ? 40'000 : (i % 3 == 1 ? -30'000 : 5'000)));
    ++i;
  }
  pb::LoadIndexValuesResponse loaded;
  const grpc::Status status =
      Call(*pb::MarginService::NewStub(channel), &pb::MarginService::Stub::LoadIndexValues,
           kRiskToken, request, &loaded);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

pb::RiskParameterSet CalibrateAndApprove(const std::shared_ptr<grpc::Channel>& channel,
                                         const std::string& date, const DeskTokens& desk) {
  std::unique_ptr<pb::MarginService::Stub> margin = pb::MarginService::NewStub(channel);
  pb::CalibrateParametersRequest calibrate;
  calibrate.set_business_date(date);
  pb::RiskParameterSet draft;
  grpc::Status status =
      Call(*margin, &pb::MarginService::Stub::CalibrateParameters, desk.risk1, calibrate, &draft);
  EXPECT_TRUE(status.ok()) << "CalibrateParameters " << date << ": " << status.error_message();
  pb::ApproveParameterSetRequest approve;
  approve.set_version(draft.version());
  pb::RiskParameterSet approved;
  status =
      Call(*margin, &pb::MarginService::Stub::ApproveParameterSet, desk.risk2, approve, &approved);
  EXPECT_TRUE(status.ok()) << "ApproveParameterSet " << date << ": " << status.error_message();
  return approved;
}

int ApproveDayPrices(const std::shared_ptr<grpc::Channel>& channel, const std::string& date,
                     const std::vector<ExchangePrice>& prices, const DeskTokens& desk) {
  std::unique_ptr<pb::TreasuryService::Stub> treasury = pb::TreasuryService::NewStub(channel);
  pb::SubmitSettlementPricesRequest submit;
  submit.set_business_date(date);
  for (const ExchangePrice& price : prices) {
    pb::ExchangeSettlementPrice* p = submit.add_prices();
    p->set_instrument_id(price.instrument_id);
    p->set_price_micros(price.price_micros);
  }
  pb::SubmitSettlementPricesResponse submitted;
  grpc::Status status = Call(*treasury, &pb::TreasuryService::Stub::SubmitSettlementPrices,
                             desk.exchange, submit, &submitted);
  EXPECT_TRUE(status.ok()) << "SubmitSettlementPrices " << date << ": " << status.error_message();
  pb::ProposeSettlementPricesRequest propose;
  propose.set_business_date(date);
  pb::SettlementPriceSet proposed;
  status = Call(*treasury, &pb::TreasuryService::Stub::ProposeSettlementPrices, desk.treasury1,
                propose, &proposed);
  EXPECT_TRUE(status.ok()) << "ProposeSettlementPrices " << date << ": " << status.error_message();
  pb::ApproveSettlementPricesRequest approve;
  approve.set_business_date(date);
  approve.set_version(proposed.version());
  pb::SettlementPriceSet approved;
  status = Call(*treasury, &pb::TreasuryService::Stub::ApproveSettlementPrices, desk.treasury2,
                approve, &approved);
  EXPECT_TRUE(status.ok()) << "ApproveSettlementPrices " << date << ": " << status.error_message();
  return approved.prices_size();
}

void ComputeFixings(const std::shared_ptr<grpc::Channel>& channel, const std::string& date,
                    const std::vector<std::string>& index_codes, const DeskTokens& desk) {
  std::unique_ptr<pb::IndexService::Stub> index = pb::IndexService::NewStub(channel);
  for (const std::string& code : index_codes) {
    pb::ComputeFixingRequest fix;
    fix.set_index_code(code);
    fix.set_business_date(date);
    pb::IndexFixing fixing;
    const grpc::Status status =
        Call(*index, &pb::IndexService::Stub::ComputeFixing, desk.treasury1, fix, &fixing);
    EXPECT_TRUE(status.ok()) << "ComputeFixing " << code << " " << date << ": "
                             << status.error_message();
  }
}

}  // namespace tc::testing
