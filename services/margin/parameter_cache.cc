#include "services/margin/parameter_cache.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "services/margin/margin_service_convert.h"

namespace tc::services {
namespace pb = ::tokenclear::v1;

absl::Status StoredStateStatus(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  return absl::FailedPreconditionError(status.message());
}

pb::ParameterSetStatus StatusToProto(store::ParameterSetStatus status) {
  switch (status) {
    case store::ParameterSetStatus::kDraft:
      return pb::PARAMETER_SET_STATUS_DRAFT;
    case store::ParameterSetStatus::kApproved:
      return pb::PARAMETER_SET_STATUS_APPROVED;
    case store::ParameterSetStatus::kSuperseded:
      return pb::PARAMETER_SET_STATUS_SUPERSEDED;
  }
  return pb::PARAMETER_SET_STATUS_SUPERSEDED;
}

absl::StatusOr<pb::RiskParameterSet> ParseStoredSet(const store::ParameterSetRow& row) {
  pb::RiskParameterSet set;
  if (!set.ParseFromString(row.parameters)) {
    return absl::DataLossError(absl::StrCat("parameter set ", row.version, " does not parse"));
  }
  set.set_status(StatusToProto(row.status));
  set.set_approved_by(row.approved_by);
  return set;
}

std::shared_ptr<const margin::CompiledParameters> ParameterCache::Find(const std::string& version) {
  absl::MutexLock lock(&mutex_);
  auto it = compiled_.find(version);
  return it == compiled_.end() ? nullptr : it->second;
}

absl::StatusOr<std::shared_ptr<const margin::CompiledParameters>> ParameterCache::Compiled(
    const store::ParameterSetRow& row) {
  if (std::shared_ptr<const margin::CompiledParameters> warm = Find(row.version)) return warm;
  TC_ASSIGN_OR_RETURN(pb::RiskParameterSet set, ParseStoredSet(row));
  TC_ASSIGN_OR_RETURN(margin::RiskParameters params, FromProto(set.parameters()));
  absl::StatusOr<margin::CompiledParameters> compiled = margin::CompileParameters(params);
  if (!compiled.ok()) return StoredStateStatus(compiled.status());
  auto shared = std::make_shared<const margin::CompiledParameters>(*std::move(compiled));
  absl::MutexLock lock(&mutex_);
  return compiled_.try_emplace(row.version, std::move(shared)).first->second;
}

std::optional<std::string> ParameterCache::RecentApproved(absl::CivilDay date) {
  absl::MutexLock lock(&mutex_);
  if (approved_ && approved_->date == date && clock_.Now() - approved_->learned_at <= staleness_) {
    return approved_->version;
  }
  return std::nullopt;
}

void ParameterCache::RememberApproved(absl::CivilDay date, const std::string& version) {
  absl::MutexLock lock(&mutex_);
  approved_ = Approved{date, version, clock_.Now()};
}

void ParameterCache::ForgetApproved() {
  absl::MutexLock lock(&mutex_);
  approved_.reset();
}

}  // namespace tc::services
