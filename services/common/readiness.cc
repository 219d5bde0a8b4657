#include "services/common/readiness.h"

namespace tc::services {
namespace {

// A probe that takes longer than this counts as a failure: a database that slow cannot
// serve calls either.
constexpr absl::Duration kProbeTimeout = absl::Seconds(2);

}  // namespace

void Readiness::Start(absl::Duration interval) {
  Probe();
  thread_ = std::thread([this, interval] {
    while (!stop_.WaitForNotificationWithTimeout(interval)) Probe();
  });
}

void Readiness::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
  Set(false);
}

void Readiness::Probe() {
  const absl::Status status = pool_.Transact(
      {.deadline = clock_.Now() + kProbeTimeout, .max_attempts = 1}, [](pqxx::work& tx) {
        tx.exec1("SELECT 1");
        return absl::OkStatus();
      });
  if (!stop_.HasBeenNotified()) Set(status.ok());
}

void Readiness::Set(bool serving) {
  health_->SetServingStatus(serving);
  for (const std::string& name : service_names_) health_->SetServingStatus(name, serving);
}

}  // namespace tc::services
