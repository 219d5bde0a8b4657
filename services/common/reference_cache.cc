#include "services/common/reference_cache.h"

#include "core/check.h"

namespace tc::services {
namespace {

std::shared_ptr<const ReferenceState> Load(pqxx::transaction_base& tx) {
  auto state = std::make_shared<ReferenceState>();
  absl::StatusOr<clearing::ReferenceSnapshot> snapshot = store::LoadReferenceSnapshot(tx);
  TC_CHECK(snapshot.ok()) << snapshot.status().message();
  state->snapshot = std::move(*snapshot);
  for (auto& [token_sha256, grant] : store::LoadTokenGrants(tx)) {
    state->tokens_by_sha256.emplace(token_sha256, std::move(grant));
  }
  for (auto& [identity, principal] : store::LoadCertificateIdentities(tx)) {
    state->principals_by_certificate.emplace(identity, std::move(principal));
  }
  state->holidays = store::LoadHolidays(tx);
  return state;
}

}  // namespace

std::shared_ptr<const ReferenceState> ReferenceCache::Current(pqxx::transaction_base& tx) {
  const int64_t version = store::ReadReferenceVersion(tx);
  {
    absl::MutexLock lock(&mutex_);
    if (state_ != nullptr && state_->snapshot.version == version) {
      checked_at_ = clock_.Now();
      return state_;
    }
  }
  // Loading runs outside the lock; two threads may both load, and the newer one wins.
  std::shared_ptr<const ReferenceState> loaded = Load(tx);
  absl::MutexLock lock(&mutex_);
  if (state_ == nullptr || state_->snapshot.version <= loaded->snapshot.version) {
    state_ = loaded;
    checked_at_ = clock_.Now();
  }
  return loaded;
}

absl::StatusOr<std::shared_ptr<const ReferenceState>> ReferenceCache::Recent(
    absl::Duration max_staleness) {
  {
    absl::MutexLock lock(&mutex_);
    if (state_ != nullptr && clock_.Now() - checked_at_ <= max_staleness) return state_;
  }
  std::shared_ptr<const ReferenceState> state;
  absl::Status status =
      pool_.Transact({.deadline = clock_.Now() + absl::Seconds(5)}, [&](pqxx::work& tx) {
        state = Current(tx);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return state;
}

void ReferenceCache::Invalidate() {
  absl::MutexLock lock(&mutex_);
  checked_at_ = absl::InfinitePast();
}

}  // namespace tc::services
