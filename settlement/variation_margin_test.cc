// Variation margin worked by hand on the sample product (TKF: multiplier 1,000, so a
// move of 0.005 = 5,000 micro-USD per 1M tokens is $5 = 5,000,000 micro-USD a contract),
// then the zero-sum property over seeded random two-sided books.
#include "settlement/variation_margin.h"

#include <cstdlib>
#include <limits>
#include <map>
#include <random>

#include "clearing/test_reference.h"
#include "gtest/gtest.h"
#include "settlement/cash_cents.h"

namespace tc::settlement {
namespace {

using clearing::Origin;

constexpr int64_t kPrevious = 3'125'000;
constexpr int64_t kToday = 3'130'000;  // up one tick: +$5 a contract

clearing::Trade MakeTrade(const char* id, const char* buyer, const char* seller, int64_t price,
                          int64_t quantity, const char* instrument = "TKF-202612") {
  clearing::Trade t = clearing::testing::SampleTrade(id);
  t.instrument_id = instrument;
  t.buyer_account_id = buyer;
  t.seller_account_id = seller;
  t.price_micros = price;
  t.quantity = quantity;
  return t;
}

class VariationMarginTest : public ::testing::Test {
 protected:
  VariationMarginTest() : snapshot_(clearing::testing::SampleSnapshot()) {
    prices_["TKF-202612"] = {kPrevious, {"TKF-202612", kToday, PriceTier::kVwap}};
  }

  VariationMargin Run(const std::vector<StartOfDayPosition>& positions,
                      const std::vector<clearing::Trade>& trades = {}) {
    absl::StatusOr<VariationMargin> vm =
        ComputeVariationMargin(snapshot_, prices_, positions, trades);
    EXPECT_TRUE(vm.ok()) << vm.status();
    if (!vm.ok()) return {};
    EXPECT_TRUE(CheckVariationZeroSum(*vm).ok()) << CheckVariationZeroSum(*vm);
    return *std::move(vm);
  }

  static int64_t Account(const VariationMargin& vm, absl::string_view id) {
    int64_t total = 0;
    for (const AccountVariation& a : vm.accounts) {
      if (a.account_id == id) total += a.amount_micros;
    }
    return total;
  }

  static const OriginVariation* FindOrigin(const VariationMargin& vm, absl::string_view member,
                                           Origin origin) {
    for (const OriginVariation& o : vm.origins) {
      if (o.member_id == member && o.origin == origin) return &o;
    }
    return nullptr;
  }

  clearing::ReferenceSnapshot snapshot_;
  PriceTable prices_;
};

TEST_F(VariationMarginTest, CarriedPositionsMoveByTheSettlementChange) {
  VariationMargin vm = Run({{"CM01-H", "TKF-202612", 10, 0}, {"CM02-H", "TKF-202612", 0, 10}});
  ASSERT_EQ(vm.positions.size(), 2u);
  // (3.130 - 3.125) x 10 x 1,000 = $50.
  EXPECT_EQ(vm.positions[0].amount_micros, 50'000'000);
  EXPECT_EQ(vm.positions[0].long_amount_micros, 50'000'000);
  EXPECT_EQ(vm.positions[1].amount_micros, -50'000'000);
  EXPECT_EQ(vm.positions[1].short_amount_micros, -50'000'000);
  EXPECT_FALSE(vm.positions[0].expiring);
  EXPECT_EQ(Account(vm, "CM01-H"), 50'000'000);
  EXPECT_EQ(Account(vm, "CM02-H"), -50'000'000);
  ASSERT_EQ(vm.currencies.size(), 1u);
  EXPECT_EQ(vm.currencies[0].currency, "USD");
  EXPECT_EQ(vm.currencies[0].amount_micros, 0);
}

TEST_F(VariationMarginTest, TodaysTradesAreMarkedFromTheirPrice) {
  // CM01-H buys 10 at 3.120 from CM02-H and sells 4 at 3.140 to CM02-C1; settles at 3.130.
  VariationMargin vm = Run({}, {MakeTrade("T1", "CM01-H", "CM02-H", 3'120'000, 10),
                                MakeTrade("T2", "CM02-C1", "CM01-H", 3'140'000, 4)});
  ASSERT_EQ(vm.trades.size(), 4u);
  EXPECT_EQ(vm.trades[0].account_id, "CM01-H");
  EXPECT_EQ(vm.trades[0].signed_quantity, 10);
  EXPECT_EQ(vm.trades[0].amount_micros, 100'000'000);  // +0.010 x 10 x 1,000 = $100
  EXPECT_EQ(vm.trades[1].account_id, "CM02-H");
  EXPECT_EQ(vm.trades[1].amount_micros, -100'000'000);
  EXPECT_EQ(vm.trades[2].account_id, "CM02-C1");
  EXPECT_EQ(vm.trades[2].amount_micros, -40'000'000);  // bought at 3.140: -0.010 x 4 x 1,000
  EXPECT_EQ(vm.trades[3].account_id, "CM01-H");
  EXPECT_EQ(vm.trades[3].signed_quantity, -4);
  EXPECT_EQ(vm.trades[3].amount_micros, 40'000'000);  // sold above the settlement
  EXPECT_EQ(Account(vm, "CM01-H"), 140'000'000);
  EXPECT_EQ(FindOrigin(vm, "CM02", Origin::kHouse)->amount_micros, -100'000'000);
  EXPECT_EQ(FindOrigin(vm, "CM02", Origin::kCustomer)->amount_micros, -40'000'000);
}

TEST_F(VariationMarginTest, ACancelledTradeIsSimplyAbsentAndACorrectionIsItsReplacement) {
  // T1 was cancelled and T2 corrected by T2R at 3.125: only T2R reaches the mark.
  VariationMargin vm = Run({}, {MakeTrade("T2R", "CM01-H", "CM02-H", 3'125'000, 3)});
  ASSERT_EQ(vm.trades.size(), 2u);
  EXPECT_EQ(vm.trades[0].trade_id, "T2R");
  EXPECT_EQ(Account(vm, "CM01-H"), 15'000'000);
  EXPECT_EQ(Account(vm, "CM02-H"), -15'000'000);
  // Without any trade there is no mark at all.
  EXPECT_TRUE(Run({}, {}).accounts.empty());
}

TEST_F(VariationMarginTest, ExpiringPositionsSettleToTheFinalPrice) {
  prices_["TKF-202612"].today = {"TKF-202612", 3'127'777, PriceTier::kFinal};
  VariationMargin vm = Run({{"CM01-H", "TKF-202612", 2, 0}, {"CM02-C1", "TKF-202612", 0, 2}});
  ASSERT_EQ(vm.positions.size(), 2u);
  EXPECT_TRUE(vm.positions[0].expiring);
  EXPECT_EQ(vm.positions[0].settlement_micros, 3'127'777);
  // (3.127777 - 3.125) x 2 x 1,000 = $5.554: exact, and not whole cents.
  EXPECT_EQ(vm.positions[0].amount_micros, 5'554'000);
  EXPECT_EQ(vm.positions[1].amount_micros, -5'554'000);
  EXPECT_FALSE(IsWholeCents(vm.positions[0].amount_micros));
}

TEST_F(VariationMarginTest, CustomerAccountsAreGrossBothSidesMarked) {
  // CM01-C1 holds long 5 and short 3; CM02-H is net short 2 against it.
  VariationMargin vm = Run({{"CM01-C1", "TKF-202612", 5, 3}, {"CM02-H", "TKF-202612", 0, 2}});
  ASSERT_EQ(vm.positions.size(), 2u);
  EXPECT_EQ(vm.positions[0].long_amount_micros, 25'000'000);
  EXPECT_EQ(vm.positions[0].short_amount_micros, -15'000'000);
  EXPECT_EQ(vm.positions[0].amount_micros, 10'000'000);
  EXPECT_EQ(vm.positions[1].amount_micros, -10'000'000);
}

TEST_F(VariationMarginTest, HouseIsNeverNettedWithCustomer) {
  // CM01's house is short 2 and its customer long 2: two origins, neither zero.
  VariationMargin vm = Run({{"CM01-H", "TKF-202612", 0, 2}, {"CM01-C1", "TKF-202612", 2, 0}});
  ASSERT_EQ(vm.origins.size(), 2u);
  EXPECT_EQ(vm.origins[0].origin, Origin::kHouse);  // house first
  EXPECT_EQ(vm.origins[0].amount_micros, -10'000'000);
  EXPECT_EQ(vm.origins[1].origin, Origin::kCustomer);
  EXPECT_EQ(vm.origins[1].amount_micros, 10'000'000);
}

TEST_F(VariationMarginTest, AOneSidedBookFailsTheZeroSum) {
  absl::StatusOr<VariationMargin> vm =
      ComputeVariationMargin(snapshot_, prices_, {{{"CM01-H", "TKF-202612", 1, 0}}}, {});
  ASSERT_TRUE(vm.ok()) << vm.status();
  absl::Status zero = CheckVariationZeroSum(*vm);
  EXPECT_EQ(zero.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(zero.message().find("USD sums to 5.000000"), std::string::npos) << zero;
  // Totals that disagree with the rows are our own error.
  VariationMargin balanced = Run({{"CM01-H", "TKF-202612", 1, 0}, {"CM02-H", "TKF-202612", 0, 1}});
  balanced.accounts[0].amount_micros += 1;
  EXPECT_EQ(CheckVariationZeroSum(balanced).code(), absl::StatusCode::kInternal);
}

TEST_F(VariationMarginTest, MissingReferenceOrPricesAreErrors) {
  auto code = [&](std::vector<StartOfDayPosition> p, std::vector<clearing::Trade> t = {}) {
    return ComputeVariationMargin(snapshot_, prices_, p, t).status().code();
  };
  EXPECT_EQ(code({{"CM01-H", "NOPE", 1, 0}}), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(code({{"CM01-H", "TKF-202610", 1, 0}}), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(code({{"NOBODY", "TKF-202612", 1, 0}}), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(code({{"CM01-H", "TKF-202612", -1, 0}}), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({}, {MakeTrade("T1", "CM01-H", "CM02-H", 3'125'000, 0)}),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({}, {MakeTrade("T1", "CM01-H", "CM02-H", 0, 1)}),
            absl::StatusCode::kInvalidArgument);
  prices_["TKF-202612"].previous_settlement_micros.reset();  // first traded today
  EXPECT_EQ(code({{"CM01-H", "TKF-202612", 1, 0}}), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(code({}, {MakeTrade("T1", "CM01-H", "CM02-H", 3'125'000, 1)}), absl::StatusCode::kOk);
}

TEST(MarkMicrosTest, ExactProductOrOutOfRange) {
  EXPECT_EQ(*MarkMicros(5'000, 10, 1'000), 50'000'000);
  EXPECT_EQ(*MarkMicros(-5'000, -10, 1'000), 50'000'000);
  EXPECT_EQ(*MarkMicros(0, std::numeric_limits<int64_t>::max(), 1'000'000), 0);
  EXPECT_EQ(MarkMicros(1'000'000'000'000, 10'000'000, 1'000'000).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(MarkMicros(-1, std::numeric_limits<int64_t>::min(), 1).status().code(),
            absl::StatusCode::kOutOfRange);
  // The first product fits, the second does not.
  EXPECT_EQ(MarkMicros(1'000'000, 1'000'000'000'000, 1'000'000).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST_F(VariationMarginTest, OverflowIsOutOfRangeNamingTheRow) {
  const int64_t big = std::numeric_limits<int64_t>::max() / 10'000;
  absl::StatusOr<VariationMargin> vm =
      ComputeVariationMargin(snapshot_, prices_, {{{"CM01-H", "TKF-202612", big, 0}}}, {});
  EXPECT_EQ(vm.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(vm.status().message().find("CM01-H TKF-202612"), std::string::npos) << vm.status();

  // Each row fits, their account total does not.
  const int64_t half = std::numeric_limits<int64_t>::max() / 5'000'000 / 2 + 1;
  vm = ComputeVariationMargin(
      snapshot_, prices_, {{{"CM01-H", "TKF-202612", half, 0}, {"CM01-H", "TKF-202612", half, 0}}},
      {});
  EXPECT_EQ(vm.status().code(), absl::StatusCode::kOutOfRange) << vm.status();

  vm = ComputeVariationMargin(
      snapshot_, prices_, {},
      {MakeTrade("T1", "CM01-H", "CM02-H", 1'000'000, std::numeric_limits<int64_t>::max())});
  EXPECT_EQ(vm.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(vm.status().message().find("trade T1"), std::string::npos) << vm.status();
}

// Seeded random two-sided books over two products in two currencies (one whose tick value
// is not whole cents), checked against a model written here: every position has an
// opposite, every trade two legs, so each currency sums to zero and each account equals
// the model's sum.
TEST_F(VariationMarginTest, RandomTwoSidedBooksSumToZero) {
  clearing::Product euro = snapshot_.products.at("TKF");
  euro.product_code = "TKE";
  euro.index_code = "TOKEUR";
  euro.contract_multiplier = 7;  // tick value 21 micro-EUR: never whole cents
  euro.tick_size_micros = 3;
  euro.currency = "EUR";
  snapshot_.products["TKE"] = euro;
  clearing::Instrument tke = snapshot_.instruments.at("TKF-202612");
  tke.instrument_id = "TKE-202612";
  tke.product_code = "TKE";
  snapshot_.instruments["TKE-202612"] = tke;
  clearing::Instrument next = snapshot_.instruments.at("TKF-202612");
  next.instrument_id = "TKF-202701";
  next.contract_month = "202701";
  snapshot_.instruments["TKF-202701"] = next;
  const std::vector<std::string> accounts = {"CM01-H", "CM01-C1", "CM02-H", "CM02-C1", "CM09-H"};
  const std::vector<std::string> instruments = {"TKF-202612", "TKF-202701", "TKE-202612"};
  const std::map<std::string, int64_t> tick = {
      {"TKF-202612", 5'000}, {"TKF-202701", 5'000}, {"TKE-202612", 3}};
  const std::map<std::string, int64_t> multiplier = {
      {"TKF-202612", 1'000}, {"TKF-202701", 1'000}, {"TKE-202612", 7}};

  std::mt19937_64 rng(20261123);
  int nonzero_residuals = 0;  // the EUR product and the final prices make some
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int book = 0; book < 200; ++book) {
    PriceTable prices;
    for (const std::string& id : instruments) {
      const int64_t t = tick.at(id);
      const bool final = id == "TKF-202612" && book % 4 == 0;  // expiring, off tick
      prices[id] = {uniform(500, 2'000) * t,
                    {id, final ? uniform(1'000'000, 5'000'000) : uniform(500, 2'000) * t,
                     final ? PriceTier::kFinal : PriceTier::kVwap}};
    }
    std::vector<StartOfDayPosition> positions;
    std::vector<clearing::Trade> trades;
    std::map<std::string, __int128> model;  // by account
    const int rows = static_cast<int>(uniform(0, 30));
    for (int i = 0; i < rows; ++i) {
      const std::string& id = instruments[uniform(0, 2)];
      const std::string& a = accounts[uniform(0, 4)];
      const std::string& b = accounts[uniform(0, 4)];
      const int64_t q = uniform(1, 1'000);
      const InstrumentPrices& p = prices[id];
      if (uniform(0, 1) == 0) {  // a carried pair: a long q, b short q
        positions.push_back({a, id, q, 0});
        positions.push_back({b, id, 0, q});
        const __int128 move =
            static_cast<__int128>(p.today.price_micros - *p.previous_settlement_micros) * q *
            multiplier.at(id);
        model[a] += move;
        model[b] -= move;
      } else {  // a trade: a buys q from b
        const int64_t price = uniform(500, 2'000) * tick.at(id);
        trades.push_back(MakeTrade("T", a.c_str(), b.c_str(), price, q, id.c_str()));
        const __int128 move =
            static_cast<__int128>(p.today.price_micros - price) * q * multiplier.at(id);
        model[a] += move;
        model[b] -= move;
      }
    }
    absl::StatusOr<VariationMargin> vm =
        ComputeVariationMargin(snapshot_, prices, positions, trades);
    ASSERT_TRUE(vm.ok()) << "book " << book << ": " << vm.status();
    ASSERT_TRUE(CheckVariationZeroSum(*vm).ok()) << "book " << book;
    for (const auto& [account, amount] : model) {
      EXPECT_EQ(Account(*vm, account), static_cast<int64_t>(amount)) << "book " << book;
    }
    // Cash: the calls plus the CCP's rounding residual balance to the cent per currency.
    absl::StatusOr<CashSettlement> cash = RoundToCents(vm->origins);
    ASSERT_TRUE(cash.ok()) << cash.status();
    std::map<std::string, int64_t> cents;
    std::map<std::string, int64_t> calls;
    for (const CashCall& c : cash->calls) {
      cents[c.currency] += c.amount_cents;
      ++calls[c.currency];
    }
    for (const CashResidual& r : cash->residuals) {
      EXPECT_EQ(cents[r.currency] + r.ccp_rounding_cents, 0);
      EXPECT_LE(2 * std::abs(r.ccp_rounding_cents), calls[r.currency]);
      if (r.ccp_rounding_cents != 0) ++nonzero_residuals;
    }
  }
  EXPECT_GT(nonzero_residuals, 0);
}

}  // namespace
}  // namespace tc::settlement
