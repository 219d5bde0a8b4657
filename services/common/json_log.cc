#include "services/common/json_log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tc::services {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

}  // namespace

absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view name) {
  for (LogLevel level : {LogLevel::kInfo, LogLevel::kWarning, LogLevel::kError}) {
    if (name == LevelName(level)) return level;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("log level \"", name, "\" is not one of info, warning, error"));
}

void SetMinLogLevel(LogLevel level) { min_level.store(static_cast<int>(level)); }

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

JsonLog::JsonLog(LogLevel level, absl::Time time)
    : enabled_(static_cast<int>(level) >= min_level.load(std::memory_order_relaxed)) {
  if (!enabled_) return;
  line_ =
      absl::StrCat("{\"time\":\"", absl::FormatTime(absl::RFC3339_full, time, absl::UTCTimeZone()),
                   "\",\"level\":\"", LevelName(level), "\"");
}

JsonLog& JsonLog::Field(absl::string_view key, absl::string_view value) {
  if (enabled_) absl::StrAppend(&line_, ",\"", key, "\":\"", JsonEscaped(value), "\"");
  return *this;
}

JsonLog& JsonLog::Field(absl::string_view key, int64_t value) {
  if (enabled_) absl::StrAppend(&line_, ",\"", key, "\":", value);
  return *this;
}

JsonLog& JsonLog::Field(absl::string_view key, double value) {
  if (enabled_) absl::StrAppendFormat(&line_, ",\"%s\":%.3f", key, value);
  return *this;
}

void JsonLog::Write() {
  if (!enabled_) return;
  line_ += "}\n";
  // One write(2) of the whole line (stderr is unbuffered; stdio would also be one call,
  // but this says so). A short write to a full pipe is retried; a failed one is dropped:
  // the log must never stop the server.
  absl::string_view rest = line_;
  for (int attempt = 0; attempt < 8 && !rest.empty(); ++attempt) {
    const ssize_t written = ::write(STDERR_FILENO, rest.data(), rest.size());
    if (written < 0 && errno != EINTR) return;
    if (written > 0) rest.remove_prefix(static_cast<size_t>(written));
  }
}

}  // namespace tc::services
