// The server's log: one JSON object per line on stderr, so that a log shipper (journald,
// Vector, Loki, Elasticsearch) reads fields rather than parsing prose. Every line has
// "time" (RFC 3339 UTC, from the caller's clock) and "level"; the rest are the caller's
// fields in the order given. The access line of every RPC (services/common/rpc.h) carries
// the request ID that the client gets back in the "x-request-id" trailer and that the
// audit log records, so one call can be followed across log, client and audit trail.
//
//   JsonLog(LogLevel::kInfo, clock.Now())
//       .Field("request_id", id)
//       .Field("method", "SubmitTrades")
//       .Field("duration_ms", 3.25)
//       .Write();
//   SetMinLogLevel(LogLevel::kWarning);   // from --log_level; lower lines are dropped
#ifndef TOKENCLEAR_SERVICES_COMMON_JSON_LOG_H_
#define TOKENCLEAR_SERVICES_COMMON_JSON_LOG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tc::services {

enum class LogLevel { kInfo = 0, kWarning = 1, kError = 2 };

// "info", "warning", "error"; INVALID_ARGUMENT naming the value otherwise.
absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view name);
// Process-wide, set once at start (main); lines below it are not written.
void SetMinLogLevel(LogLevel level);

class JsonLog {
 public:
  JsonLog(LogLevel level, absl::Time time);
  JsonLog(const JsonLog&) = delete;
  JsonLog& operator=(const JsonLog&) = delete;

  JsonLog& Field(absl::string_view key, absl::string_view value);
  JsonLog& Field(absl::string_view key, const char* value) {
    return Field(key, absl::string_view(value));
  }
  JsonLog& Field(absl::string_view key, int64_t value);
  JsonLog& Field(absl::string_view key, double value);
  // Writes the line with one write(2), so lines of concurrent calls never interleave.
  void Write();

 private:
  bool enabled_;
  std::string line_;
};

// `text` as the inside of a JSON string: quotes, backslashes, control characters and
// bytes outside printable ASCII escaped (a caller's input may hold any bytes).
std::string JsonEscaped(absl::string_view text);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_COMMON_JSON_LOG_H_
