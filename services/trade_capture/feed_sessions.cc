#include "services/trade_capture/feed_sessions.h"

#include "absl/strings/str_cat.h"

namespace tc::services {

bool FeedSessions::AwaitEnded(const std::string& feed_id, int64_t session_id,
                              absl::Duration timeout) {
  auto ended = [&]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) {
    auto it = live_.find(feed_id);
    return it == live_.end() || it->second.id != session_id;
  };
  // Waiting is elapsed time (a relative timeout), so a test's fixed clock cannot make it
  // spin or end early.
  return mutex_.AwaitWithTimeout(absl::Condition(&ended), timeout);
}

absl::StatusOr<std::unique_ptr<FeedSessions::Lease>> FeedSessions::Claim(
    const std::string& feed_id, const std::string& principal_id, grpc::ServerContext* context,
    bool take_over, absl::Time deadline) {
  absl::MutexLock lock(&mutex_);
  auto live = live_.find(feed_id);
  if (live != live_.end()) {
    const int64_t live_id = live->second.id;
    if (!take_over) {
      // Give a cancelled-but-not-yet-noticed stream a moment to show it: bounded steps.
      constexpr absl::Duration kStep = absl::Milliseconds(50);
      const int steps = static_cast<int>(kCancelGrace / kStep);
      for (int i = 0; i < steps && !AwaitEnded(feed_id, live_id, kStep); ++i) {
        if (live_[feed_id].context->IsCancelled()) break;
      }
    }
    live = live_.find(feed_id);
    if (live != live_.end() && live->second.id == live_id) {
      Session& session = live->second;
      if (!take_over && !session.context->IsCancelled()) {
        return absl::FailedPreconditionError(
            absl::StrCat("feed_id '", feed_id, "' has a live session (session ", session.id,
                         " of '", session.principal_id, "', logged on at ",
                         absl::FormatTime(absl::RFC3339_sec, session.since, absl::UTCTimeZone()),
                         "); log on with take_over to end it"));
      }
      session.taken_over = take_over;
      session.context->TryCancel();
      if (!AwaitEnded(feed_id, live_id, std::min(deadline - clock_.Now(), kEndingSessionWait))) {
        return absl::UnavailableError(absl::StrCat("feed_id '", feed_id, "': session ", live_id,
                                                   " is still finishing its batch; log on again"));
      }
    }
  }
  const int64_t id = next_id_++;
  live_[feed_id] = Session{id, principal_id, clock_.Now(), context, false};
  return std::make_unique<Lease>(*this, feed_id, id);
}

void FeedSessions::Release(const std::string& feed_id, int64_t session_id) {
  absl::MutexLock lock(&mutex_);
  auto it = live_.find(feed_id);
  if (it != live_.end() && it->second.id == session_id) live_.erase(it);
}

bool FeedSessions::IsTakenOver(const std::string& feed_id, int64_t session_id) {
  absl::MutexLock lock(&mutex_);
  auto it = live_.find(feed_id);
  return it != live_.end() && it->second.id == session_id && it->second.taken_over;
}

}  // namespace tc::services
