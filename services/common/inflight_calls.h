// Counts the server's in-flight calls, so that a graceful stop can wait for exactly the
// work that is under way. (gRPC 1.51's Server::Shutdown(deadline) also waits for clients
// to close idle connections, which they do not, so on its own every drain would last to
// its deadline.) The count comes from a server interceptor that lives as long as its
// call, so every service and method is covered without touching the handlers.
//
//   InflightCalls inflight;
//   builder.experimental().SetInterceptorCreators(inflight.InterceptorFactories());
//   ...
//   inflight.WaitUntilIdle(absl::Now() + absl::Seconds(10));
//   server->Shutdown(absl::ToChronoTime(absl::Now()));
#ifndef TOKENCLEAR_SERVICES_INFLIGHT_CALLS_H_
#define TOKENCLEAR_SERVICES_INFLIGHT_CALLS_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tc::services {

class InflightCalls {
 public:
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
  InterceptorFactories();

  // True when no call was in flight before `deadline`.
  bool WaitUntilIdle(absl::Time deadline);

  void Enter();
  void Exit();

 private:
  absl::Mutex mutex_;
  int count_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_INFLIGHT_CALLS_H_
