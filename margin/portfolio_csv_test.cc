// ParsePortfolioCsv: comments, blank lines, header, whitespace and CRLF; errors by line.
#include "margin/portfolio_csv.h"

#include <string>

#include "gtest/gtest.h"

namespace tc::margin {
namespace {

TEST(PortfolioCsvTest, ParsesPositionsSkippingCommentsAndHeader) {
  absl::StatusOr<std::vector<Position>> book = ParsePortfolioCsv(
      "# D7\r\ncontract_id,quantity\r\n\r\n AIX-M1 , 5\r\nAIX-M2,-2\n  # short GPU\nGPU-M1,-2");
  ASSERT_TRUE(book.ok()) << book.status();
  ASSERT_EQ(book->size(), 3u);
  EXPECT_EQ((*book)[0].contract_id, "AIX-M1");
  EXPECT_EQ((*book)[0].quantity, 5);
  EXPECT_EQ((*book)[1].quantity, -2);
  EXPECT_EQ((*book)[2].contract_id, "GPU-M1");
}

TEST(PortfolioCsvTest, EmptyFileIsAnEmptyBook) {
  absl::StatusOr<std::vector<Position>> book = ParsePortfolioCsv("# nothing\n\n");
  ASSERT_TRUE(book.ok());
  EXPECT_TRUE(book->empty());
}

TEST(PortfolioCsvTest, ErrorsNameTheLine) {
  auto error = [](absl::string_view csv) {
    absl::StatusOr<std::vector<Position>> book = ParsePortfolioCsv(csv);
    EXPECT_FALSE(book.ok());
    return book.ok() ? std::string("ok") : std::string(book.status().message());
  };
  EXPECT_EQ(error("A,1\nB\n"), "line 2: expected contract_id,quantity, got 1 fields");
  EXPECT_EQ(error("A,1,2"), "line 1: expected contract_id,quantity, got 3 fields");
  EXPECT_EQ(error("# c\nA,1.5"), "line 2: quantity '1.5' is not a whole number of contracts");
  EXPECT_EQ(error(",3"), "line 1: contract_id is empty");
  EXPECT_EQ(error("A,2000000000"), "line 1: quantity 2000000000 exceeds +-1000000000");
  EXPECT_EQ(error("A,x"), "line 1: quantity 'x' is not a whole number of contracts");
  EXPECT_EQ(error("A,1\ncontract_id,quantity"),
            "line 2: quantity 'quantity' is not a whole number of contracts");
}

}  // namespace
}  // namespace tc::margin
