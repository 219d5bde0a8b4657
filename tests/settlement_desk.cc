#include "tests/settlement_desk.h"

#include "core/business_date.h"
#include "gtest/gtest.h"
#include "tests/test_clearing_house.h"
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
                                         const std::string& date) {
  std::unique_ptr<pb::MarginService::Stub> margin = pb::MarginService::NewStub(channel);
  pb::CalibrateParametersRequest calibrate;
  calibrate.set_business_date(date);
  pb::RiskParameterSet draft;
  grpc::Status status =
      Call(*margin, &pb::MarginService::Stub::CalibrateParameters, kRiskToken, calibrate, &draft);
  EXPECT_TRUE(status.ok()) << date << ": " << status.error_message();
  pb::ApproveParameterSetRequest approve;
  approve.set_version(draft.version());
  pb::RiskParameterSet approved;
  status =
      Call(*margin, &pb::MarginService::Stub::ApproveParameterSet, kRisk2Token, approve, &approved);
  EXPECT_TRUE(status.ok()) << date << ": " << status.error_message();
  return approved;
}

void ApproveDayPrices(const std::shared_ptr<grpc::Channel>& channel, const std::string& date,
                      const std::string& instrument_id, int64_t price_micros) {
  std::unique_ptr<pb::TreasuryService::Stub> treasury = pb::TreasuryService::NewStub(channel);
  pb::SubmitSettlementPricesRequest prices;
  prices.set_business_date(date);
  pb::ExchangeSettlementPrice* p = prices.add_prices();
  p->set_instrument_id(instrument_id);
  p->set_price_micros(price_micros);
  pb::SubmitSettlementPricesResponse submitted;
  grpc::Status status = Call(*treasury, &pb::TreasuryService::Stub::SubmitSettlementPrices,
                             kExchangeToken, prices, &submitted);
  EXPECT_TRUE(status.ok()) << date << ": " << status.error_message();
  pb::ProposeSettlementPricesRequest propose;
  propose.set_business_date(date);
  pb::SettlementPriceSet proposed;
  status = Call(*treasury, &pb::TreasuryService::Stub::ProposeSettlementPrices, kTreasuryToken,
                propose, &proposed);
  EXPECT_TRUE(status.ok()) << date << ": " << status.error_message();
  pb::ApproveSettlementPricesRequest approve;
  approve.set_business_date(date);
  approve.set_version(proposed.version());
  pb::SettlementPriceSet approved;
  status = Call(*treasury, &pb::TreasuryService::Stub::ApproveSettlementPrices, kTreasury2Token,
                approve, &approved);
  EXPECT_TRUE(status.ok()) << date << ": " << status.error_message();
}

}  // namespace tc::testing
