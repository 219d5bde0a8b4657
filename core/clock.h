// The clock seam: every read of the current time goes through a Clock, so that a test (or
// a replay of a business day) can run at a chosen time and reproduce its results byte for
// byte. Production passes Clock::Real(); tests pass a FixedClock they move by hand.
//
//   const Clock& clock = Clock::Real();
//   absl::Time now = clock.Now();
//   FixedClock fixed(absl::FromUnixSeconds(1'795'430'000));
//   fixed.Advance(absl::Seconds(5));
#ifndef TOKENCLEAR_CORE_CLOCK_H_
#define TOKENCLEAR_CORE_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tc {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // The system's wall clock (absl::Now), shared and thread-safe.
  static const Clock& Real();
};

// A clock that stands still until told to move. Thread-safe.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(absl::Time now) : now_(now) {}

  absl::Time Now() const override {
    absl::MutexLock lock(&mutex_);
    return now_;
  }
  void Set(absl::Time now) {
    absl::MutexLock lock(&mutex_);
    now_ = now;
  }
  void Advance(absl::Duration by) {
    absl::MutexLock lock(&mutex_);
    now_ += by;
  }

 private:
  mutable absl::Mutex mutex_;
  absl::Time now_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace tc

#endif  // TOKENCLEAR_CORE_CLOCK_H_
