#include "tools/api_client.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tools/toolkit/env.h"

ABSL_FLAG(std::string, target, tc::tools::EnvOr("TOKENCLEAR_TARGET", "127.0.0.1:50051"),
          "tokenclear server address:port (env TOKENCLEAR_TARGET)");
ABSL_FLAG(std::string, token, tc::tools::EnvOr("TOKENCLEAR_TOKEN", ""),
          "API bearer token of the calling principal (env TOKENCLEAR_TOKEN)");

namespace tc::tools {
namespace {

constexpr int kMaxMessageBytes = 64 << 20;

}  // namespace

ApiConnection ApiConnection::FromFlags() {
  return ApiConnection(absl::GetFlag(FLAGS_target), absl::GetFlag(FLAGS_token));
}

ApiConnection::ApiConnection(std::string target, std::string token)
    : target_(std::move(target)), token_(std::move(token)) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxMessageBytes);
  arguments.SetMaxSendMessageSize(kMaxMessageBytes);
  channel_ = grpc::CreateCustomChannel(target_, grpc::InsecureChannelCredentials(), arguments);
}

void ApiConnection::Prepare(grpc::ClientContext& context, absl::Duration timeout) const {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

absl::Status ToAbslStatus(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace tc::tools
