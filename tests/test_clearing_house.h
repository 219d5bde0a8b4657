// Test fixture for end-to-end tests: a fresh migrated PostgreSQL database, a real
// ClearingServer listening on a loopback port, a real channel to it, and reference data
// seeded through the admin API (so seeding itself is exercised): product TKF with an
// active (TKF-202612) and an expired (TKF-202610) month, members CM01, CM02 and the
// suspended CM09, house and customer accounts, and one principal per role.
//
//   TestClearingHouse house;
//   auto stub = house.TradeCapture();
//   grpc::ClientContext context;
//   house.Authorize(context, kExchangeToken);
#ifndef TOKENCLEAR_TESTS_TEST_CLEARING_HOUSE_H_
#define TOKENCLEAR_TESTS_TEST_CLEARING_HOUSE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>

#include "services/server/clearing_server.h"
#include "store/pg_test_database.h"
#include "tokenclear/v1/positions.grpc.pb.h"
#include "tokenclear/v1/reference_data.grpc.pb.h"
#include "tokenclear/v1/trade_capture.grpc.pb.h"

namespace tc::testing {

namespace pb = ::tokenclear::v1;

inline constexpr char kAdminToken[] = "test-admin-token-0001";
inline constexpr char kExchangeToken[] = "test-exchange-token-01";
inline constexpr char kOtherExchangeToken[] = "test-exchange-token-02";
inline constexpr char kCm01Token[] = "test-member-cm01-token";
inline constexpr char kCm02Token[] = "test-member-cm02-token";
inline constexpr char kTreasuryToken[] = "test-treasury-token-01";
inline constexpr char kTreasury2Token[] = "test-treasury-token-02";
inline constexpr char kRegulatorToken[] = "test-regulator-token-1";
inline constexpr char kIndexProviderToken[] = "test-index-provider-01";
inline constexpr char kRiskToken[] = "test-risk-token-000001";
inline constexpr char kRisk2Token[] = "test-risk-token-000002";
inline constexpr char kOpenDate[] = "2026-11-23";

struct TestHouseOptions {
  services::IngestLimits limits;
  int max_message_bytes = 4 << 20;
  // TLS (mutual with tls->client_ca_pem) instead of plaintext; the fixture's own channel
  // then trusts `server_ca_pem` and calls with bearer tokens.
  std::optional<services::TlsOptions> tls;
  std::string server_ca_pem;
  const Clock* clock = &Clock::Real();
};

class TestClearingHouse {
 public:
  explicit TestClearingHouse(services::IngestLimits limits = {}, int max_message_bytes = 4 << 20);
  explicit TestClearingHouse(const TestHouseOptions& options);
  ~TestClearingHouse();

  std::unique_ptr<pb::TradeCaptureService::Stub> TradeCapture() const;
  std::unique_ptr<pb::ReferenceDataService::Stub> ReferenceData() const;
  std::unique_ptr<pb::PositionService::Stub> Positions() const;

  // Adds the bearer token and a 30 s deadline.
  static void Authorize(grpc::ClientContext& context, const std::string& token);

  const std::string& database_url() const { return database_.url(); }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  std::string target() const;
  services::ClearingServer& server() { return *server_; }

  // A valid trade between CM01-H (buyer) and CM02-H on TKF-202612.
  static pb::Trade Trade(const std::string& trade_id, int64_t quantity = 10);

  // SubmitTrades with the exchange token; fails the test on an RPC error.
  pb::SubmitTradesResponse Submit(const std::vector<pb::TradeEvent>& events) const;

  // Every non-zero position, seen by treasury, as "account/instrument" -> long - short.
  std::map<std::string, int64_t> NetPositions() const;
  // Asserts open interest long == short for every instrument and returns total long.
  int64_t CheckedOpenInterest() const;

 private:
  void Seed();

  store::PgTestDatabase database_;
  std::unique_ptr<services::ClearingServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

pb::TradeEvent NewTradeEvent(const pb::Trade& trade);
pb::TradeEvent CancelEvent(const std::string& trade_id, const std::string& reason = "bust");
pb::TradeEvent CorrectionEvent(const std::string& original, const pb::Trade& replacement);

}  // namespace tc::testing

#endif  // TOKENCLEAR_TESTS_TEST_CLEARING_HOUSE_H_
