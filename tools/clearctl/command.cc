// clearctl's shared printing (see command.h): tables, or the API responses as JSON.
#include "tools/clearctl/command.h"

#include <google/protobuf/util/json_util.h>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/strip.h"
#include "tools/clearctl/flags.h"
#include "tools/toolkit/output.h"

namespace tc::clearctl {
namespace {

absl::StatusOr<std::string> ProtoJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  return json;
}

}  // namespace

absl::Status Print(const google::protobuf::Message& response, const tools::TextTable& table) {
  return tools::PrintTableOrJson(absl::GetFlag(FLAGS_json), table,
                                 [&] { return ProtoJson(response); });
}

std::string EnumLabel(const std::string& name, absl::string_view prefix) {
  return std::string(absl::StripPrefix(name, prefix));
}

}  // namespace tc::clearctl
