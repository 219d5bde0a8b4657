#include "clearing/reference_validation.h"

#include "clearing/test_reference.h"
#include "gtest/gtest.h"

namespace tc::clearing {
namespace {

using testing::SampleSnapshot;

TEST(LeiTest, ChecksIso17442CheckDigits) {
  EXPECT_TRUE(IsValidLei("5493001KJTIIGC8Y1R12"));   // a published LEI
  EXPECT_TRUE(IsValidLei("7LTWFZYICNSX8D621K86"));   // a published LEI
  EXPECT_FALSE(IsValidLei("5493001KJTIIGC8Y1R13"));  // check digits off by one
  EXPECT_FALSE(IsValidLei("5493001KJTIIGC8Y1R1"));
  EXPECT_FALSE(IsValidLei("5493001kjtiigc8y1r12"));
}

TEST(ReferenceValidationTest, SampleDataIsValid) {
  ReferenceSnapshot snapshot = SampleSnapshot();
  EXPECT_FALSE(ValidateProduct(snapshot.products["TKF"], "product"));
  EXPECT_FALSE(ValidateAccount(snapshot.accounts["CM01-C1"], snapshot, "account"));
  EXPECT_FALSE(ValidateAccount(snapshot.accounts["CM01-H"], snapshot, "account"));
  EXPECT_FALSE(ValidateInstrument(snapshot.instruments["TKF-202612"], snapshot, "instrument"));
}

TEST(ReferenceValidationTest, ProductPriceCeilingIsBoundedAndKeepsNotionalsInInt64) {
  Product product = SampleSnapshot().products["TKF"];
  product.max_price_micros = 0;
  EXPECT_EQ(ValidateProduct(product, "product")->field, "product.max_price_micros");
  product.max_price_micros = 2'000'000'000'000'000;  // above the global ceiling
  EXPECT_EQ(ValidateProduct(product, "product")->field, "product.max_price_micros");
  product.max_price_micros = 1'000'000'000'000;  // at the ceiling, but:
  product.max_trade_quantity = 1'000'000'000;    // x 1e9 contracts x 1000 overflows
  std::optional<Rejection> r = ValidateProduct(product, "product");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->field, "product.max_price_micros");
  EXPECT_NE(r->message.find("does not fit in int64"), std::string::npos) << r->message;
}

TEST(ReferenceValidationTest, ProductFieldsAreNamed) {
  Product product = SampleSnapshot().products["TKF"];
  product.tick_size_micros = 0;
  std::optional<Rejection> r = ValidateProduct(product, "product");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->field, "product.tick_size_micros");
  EXPECT_NE(r->message.find("0 is outside"), std::string::npos);

  product = SampleSnapshot().products["TKF"];
  product.currency = "usd";
  EXPECT_EQ(ValidateProduct(product, "product")->field, "product.currency");
  product = SampleSnapshot().products["TKF"];
  product.settlement_type = "PHYSICAL";
  EXPECT_EQ(ValidateProduct(product, "product")->field, "product.settlement_type");
}

TEST(ReferenceValidationTest, MemberNeedsAValidLei) {
  Member member{"CM05", "Five", "5493001KJTIIGC8Y1R13", MemberStatus::kActive};
  std::optional<Rejection> r = ValidateMember(member, "member");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->field, "member.lei");
  EXPECT_NE(r->message.find("5493001KJTIIGC8Y1R13"), std::string::npos);
}

TEST(ReferenceValidationTest, AccountRules) {
  ReferenceSnapshot snapshot = SampleSnapshot();
  Account account = snapshot.accounts["CM01-C1"];
  account.customer_name.clear();
  EXPECT_EQ(ValidateAccount(account, snapshot, "account")->field, "account.customer_name");
  account = snapshot.accounts["CM01-H"];
  account.member_id = "CM77";
  std::optional<Rejection> r = ValidateAccount(account, snapshot, "account");
  EXPECT_EQ(r->code, absl::StatusCode::kNotFound);
  EXPECT_EQ(r->field, "account.member_id");
}

}  // namespace
}  // namespace tc::clearing
