#include "services/common/rpc.h"

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/internal_error.h"
#include "services/common/json_log.h"

namespace tc::services {
namespace {

constexpr char kRequestIdKey[] = "x-request-id";
// How long recording a refusal may take (the database may be what refused).
constexpr absl::Duration kAuditTime = absl::Seconds(2);

std::string CodeName(const grpc::Status& status) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
}

// At most `max_bytes` of `text`, never ending inside a UTF-8 sequence (the column is text).
absl::string_view Utf8Prefix(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

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

void LogInternal(absl::Time now, absl::string_view request_id, absl::string_view method,
                 const absl::Status& status) {
  JsonLog(LogLevel::kError, now)
      .Field("request_id", request_id)
      .Field("method", method)
      .Field("status", absl::StatusCodeToString(status.code()))
      .Field("detail", status.message())
      .Write();
}

// The access line: who called what, the answer and how long it took.
void LogAccess(absl::Time now, absl::string_view request_id, absl::string_view principal,
               absl::string_view method, const grpc::Status& answer, absl::Duration elapsed) {
  JsonLog(LogLevel::kInfo, now)
      .Field("request_id", request_id)
      .Field("principal", principal)
      .Field("method", method)
      .Field("status", CodeName(answer))
      .Field("duration_ms", absl::ToDoubleMilliseconds(elapsed))
      .Write();
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
  const absl::Time arrived = clock_.Now();
  const std::string request_id = NewRequestId();
  context->AddTrailingMetadata(kRequestIdKey, request_id);
  absl::StatusOr<Principal> caller = auth_.Authenticate(*context);
  absl::Status status = [&]() -> absl::Status {
    if (!caller.ok()) return caller.status();
    if (absl::Status s = clearing::RequireRole(*caller, roles); !s.ok()) return s;
    const absl::Time now = clock_.Now();
    const absl::Time deadline = std::min(absl::FromChrono(context->deadline()), now + max_time);
    return body(Call{*caller, now, deadline, request_id, *context});
  }();
  if (HidesInternals(status)) LogInternal(clock_.Now(), request_id, method, status);
  grpc::Status answer = PublicStatus(status, request_id);
  if (caller.ok() && !answer.ok()) AuditRefusal({caller->principal_id, request_id}, method, answer);
  const absl::Time answered = clock_.Now();
  metrics_.ObserveRpc(method, answer.error_code(), answered - arrived);
  LogAccess(answered, request_id, caller.ok() ? caller->principal_id : "", method, answer,
            answered - arrived);
  return answer;
}

void Rpc::AuditRefusal(const store::Actor& actor, absl::string_view method,
                       const grpc::Status& status) {
  // Its own short transaction: the call's own one (if any) was rolled back. The message is
  // what the caller was told, so no internals reach the audit log either; it is bounded
  // because a refusal may quote the caller's input.
  constexpr size_t kMaxMessageBytes = 1000;
  const std::string message(Utf8Prefix(status.error_message(), kMaxMessageBytes));
  const absl::Status written =
      pool_.Transact({.deadline = clock_.Now() + kAuditTime}, [&](pqxx::work& tx) {
        store::AuditRefusal(tx, actor, std::string(method), CodeName(status), message);
        return absl::OkStatus();
      });
  if (!written.ok()) LogInternal(clock_.Now(), actor.request_id, method, written);
}

}  // namespace tc::services
