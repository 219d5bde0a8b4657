#include "services/common/inflight_calls.h"

#include "core/check.h"

namespace tc::services {
namespace {

// Created when a call starts and destroyed when it ends.
class CountingInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit CountingInterceptor(InflightCalls& calls) : calls_(calls) { calls_.Enter(); }
  ~CountingInterceptor() override { calls_.Exit(); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    methods->Proceed();
  }

 private:
  InflightCalls& calls_;
};

class CountingFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CountingFactory(InflightCalls& calls) : calls_(calls) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo*) override {
    return new CountingInterceptor(calls_);
  }

 private:
  InflightCalls& calls_;
};

}  // namespace

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
InflightCalls::InterceptorFactories() {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<CountingFactory>(*this));
  return factories;
}

void InflightCalls::Enter() {
  absl::MutexLock lock(&mutex_);
  ++count_;
}

void InflightCalls::Exit() {
  absl::MutexLock lock(&mutex_);
  --count_;
  TC_CHECK(count_ >= 0);
}

bool InflightCalls::WaitUntilIdle(absl::Time deadline) {
  absl::MutexLock lock(&mutex_);
  auto idle = [this]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) { return count_ == 0; };
  return mutex_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

}  // namespace tc::services
