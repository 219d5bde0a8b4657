#include "services/common/rpc.h"

#include <cstdio>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/internal_error.h"

namespace tc::services {
namespace {

constexpr char kRequestIdKey[] = "x-request-id";

absl::string_view NeutralMessage(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
      return "the service is temporarily unavailable; retry with the same IDs";
    case absl::StatusCode::kDeadlineExceeded:
      return "the request did not finish before its deadline; retry with the same IDs";
    case absl::StatusCode::kAborted:
      return "the request conflicted with a concurrent one; retry with the same IDs";
    case absl::StatusCode::kFailedPrecondition:
      return "the request was refused by a rule of the stored state";
    case absl::StatusCode::kInvalidArgument:
      return "the request holds a value the database refused";
    default:
      return "internal error";
  }
}

// JSON string escaping for the log line (the detail may hold quotes, newlines, bytes).
std::string JsonEscaped(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void LogInternal(absl::Time now, absl::string_view request_id, absl::string_view method,
                 const absl::Status& status) {
  const std::string line = absl::StrFormat(
      "{\"time\":\"%s\",\"level\":\"error\",\"request_id\":\"%s\",\"method\":\"%s\","
      "\"status\":\"%s\",\"detail\":\"%s\"}\n",
      absl::FormatTime(absl::RFC3339_full, now, absl::UTCTimeZone()), request_id,
      JsonEscaped(method), absl::StatusCodeToString(status.code()), JsonEscaped(status.message()));
  std::fputs(line.c_str(), stderr);
}

}  // namespace

std::string NewRequestId() {
  thread_local absl::BitGen bits;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(bits));
}

grpc::Status PublicStatus(const absl::Status& status, absl::string_view request_id) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (!HidesInternals(status)) return grpc::Status(code, std::string(status.message()));
  return grpc::Status(
      code, absl::StrCat(NeutralMessage(status.code()), " (request id ", request_id, ")"));
}

grpc::Status Rpc::Run(grpc::ServerContext* context, absl::string_view method,
                      clearing::RoleSet roles, absl::Duration max_time,
                      absl::FunctionRef<absl::Status(const Call&)> body) {
  const std::string request_id = NewRequestId();
  context->AddTrailingMetadata(kRequestIdKey, request_id);
  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<Principal> caller = auth_.Authenticate(*context);
    if (!caller.ok()) return caller.status();
    if (absl::Status s = clearing::RequireRole(*caller, roles); !s.ok()) return s;
    const absl::Time deadline =
        std::min(absl::FromChrono(context->deadline()), clock_.Now() + max_time);
    return body(Call{*caller, deadline, request_id, *context});
  }();
  if (HidesInternals(status)) LogInternal(clock_.Now(), request_id, method, status);
  return PublicStatus(status, request_id);
}

}  // namespace tc::services
