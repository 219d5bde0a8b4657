// Request parsing names the field whose bytes are not UTF-8, through nested and repeated
// messages, and calls malformed bytes the caller's error.
#include "proto/request_parsing.h"

#include "gtest/gtest.h"
#include "tokenclear/v1/trade_capture.pb.h"

namespace tc::proto {
namespace {

namespace pb = ::tokenclear::v1;

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// A valid request whose third event's trade_id is replaced by `bad` bytes of equal length.
std::string WithBadTradeId(const std::string& bad) {
  pb::SubmitTradesRequest request;
  for (const char* id : {"T-1", "T-2", "Q-3"}) {
    request.add_events()->mutable_trade()->set_trade_id(id);
  }
  std::string bytes = request.SerializeAsString();
  bytes.replace(bytes.find("Q-3"), 3, bad);
  return bytes;
}

TEST(IsValidUtf8Test, AcceptsUtf8AndRefusesTheRest) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
}

TEST(ParseRequestTest, ParsesAValidRequest) {
  grpc::ByteBuffer buffer = Buffer(WithBadTradeId("Q-4"));
  pb::SubmitTradesRequest request;
  EXPECT_TRUE(ParseRequest(&buffer, &request).ok());
  EXPECT_EQ(request.events(2).trade().trade_id(), "Q-4");
}

TEST(ParseRequestTest, NamesTheFieldThatIsNotUtf8) {
  grpc::ByteBuffer buffer = Buffer(WithBadTradeId("\xFF\xFE\xFD"));
  pb::SubmitTradesRequest request;
  grpc::Status status = ParseRequest(&buffer, &request);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "events[2].trade.trade_id is not valid UTF-8");
}

TEST(ParseRequestTest, MalformedBytesAreInvalidArgument) {
  grpc::ByteBuffer buffer = Buffer("\x0A\x7F");  // a field that claims 127 bytes
  pb::SubmitTradesRequest request;
  grpc::Status status = ParseRequest(&buffer, &request);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("tokenclear.v1.SubmitTradesRequest"), std::string::npos);
}

}  // namespace
}  // namespace tc::proto
