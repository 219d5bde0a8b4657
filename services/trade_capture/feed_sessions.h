// One live session per exchange feed, within this server. A logon claims its feed; a
// second logon while the first is live is refused (FAILED_PRECONDITION naming the live
// session) unless it asks to take over, which ends the first session (its stream closes
// with ABORTED after the batch under way) and then proceeds. A session whose client has
// gone away (cancelled call) is waited for, briefly, rather than refused.
//
// Across servers sharing one database the session epoch in the feeds table fences the
// same way (store::BeginFeedSession): a batch of an earlier session is refused there.
//
//   TC_ASSIGN_OR_RETURN(std::unique_ptr<FeedSessions::Lease> lease,
//                       sessions.Claim(feed_id, caller.principal_id, context, take_over,
//                                      deadline));
//   ... while (!lease->TakenOver() && stream->Read(&message)) ...
#ifndef TOKENCLEAR_SERVICES_FEED_SESSIONS_H_
#define TOKENCLEAR_SERVICES_FEED_SESSIONS_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/clock.h"

namespace tc::services {

class FeedSessions {
 public:
  // How long a logon waits for a live session that is ending (its client gone, or taken
  // over) to finish the batch it is committing.
  static constexpr absl::Duration kEndingSessionWait = absl::Seconds(30);
  // How long a logon waits for a live session to show that its client went away before
  // refusing: a reconnect can arrive before the server has seen the old stream's cancel.
  static constexpr absl::Duration kCancelGrace = absl::Seconds(2);

  // Held by a live session; releases the feed when destroyed.
  class Lease {
   public:
    Lease(FeedSessions& owner, std::string feed_id, int64_t session_id)
        : owner_(owner), feed_id_(std::move(feed_id)), session_id_(session_id) {}
    ~Lease() { owner_.Release(feed_id_, session_id_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    int64_t session_id() const { return session_id_; }
    // True once a later logon took the feed over: the session must stop.
    bool TakenOver() const { return owner_.IsTakenOver(feed_id_, session_id_); }

   private:
    FeedSessions& owner_;
    const std::string feed_id_;
    const int64_t session_id_;
  };

  explicit FeedSessions(const Clock& clock) : clock_(clock) {}

  absl::StatusOr<std::unique_ptr<Lease>> Claim(const std::string& feed_id,
                                               const std::string& principal_id,
                                               grpc::ServerContext* context, bool take_over,
                                               absl::Time deadline);

 private:
  struct Session {
    int64_t id = 0;
    std::string principal_id;
    absl::Time since;
    grpc::ServerContext* context = nullptr;
    bool taken_over = false;
  };

  void Release(const std::string& feed_id, int64_t session_id);
  bool IsTakenOver(const std::string& feed_id, int64_t session_id);
  // Waits (mutex held) until `feed_id` has no session with `session_id`, at most `timeout`.
  bool AwaitEnded(const std::string& feed_id, int64_t session_id, absl::Duration timeout)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const Clock& clock_;
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, Session> live_ ABSL_GUARDED_BY(mutex_);
  int64_t next_id_ ABSL_GUARDED_BY(mutex_) = 1;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_FEED_SESSIONS_H_
