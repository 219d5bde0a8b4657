#include "clearing/batch_plan.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clearing/payload_hash.h"
#include "clearing/trade_validation.h"
#include "core/business_date.h"
#include "core/identifiers.h"

namespace tc::clearing {
namespace {

constexpr size_t kMaxReasonLength = 256;

Rejection MakeRejection(absl::StatusCode code, std::string field, std::string message) {
  return Rejection{code, std::move(field), std::move(message)};
}

// Applies events in order over the stored state plus what the batch itself adds.
class Planner {
 public:
  Planner(const ReferenceSnapshot& snapshot, const StoredTrades& stored)
      : snapshot_(snapshot), stored_(stored) {}

  EventResult Apply(const TradeEvent& event) {
    EventResult result{std::string(IdempotencyKey(event)), Outcome::kRejected, std::nullopt};
    const Sha256Digest hash = PayloadHash(event);
    std::optional<Rejection> rejection;
    bool replay = false;
    if (const auto* e = std::get_if<NewTrade>(&event)) {
      rejection = ApplyNew(e->trade, hash, &replay);
    } else if (const auto* e = std::get_if<CancelTrade>(&event)) {
      rejection = ApplyCancel(*e, hash, &replay);
    } else {
      rejection = ApplyCorrection(std::get<CorrectTrade>(event), hash, &replay);
    }
    if (rejection) {
      result.rejection = std::move(rejection);
    } else {
      result.outcome = replay ? Outcome::kAlreadyAccepted : Outcome::kAccepted;
    }
    return result;
  }

  BatchPlan Finish(std::vector<EventResult> results) {
    BatchPlan plan;
    plan.results = std::move(results);
    plan.new_trades = std::move(new_trades_);
    plan.cancellations = std::move(cancellations_);
    plan.position_changes = AggregateChanges(changes_);
    for (const PositionChange& change : changes_) {
      plan.touched_positions.emplace_back(change.account_id, change.instrument_id);
    }
    std::sort(plan.touched_positions.begin(), plan.touched_positions.end());
    plan.touched_positions.erase(
        std::unique(plan.touched_positions.begin(), plan.touched_positions.end()),
        plan.touched_positions.end());
    return plan;
  }

 private:
  const StoredTrade* FindTrade(const std::string& trade_id) const {
    if (auto it = batch_trades_.find(trade_id); it != batch_trades_.end()) return &it->second;
    if (auto it = stored_.find(trade_id); it != stored_.end()) return &it->second;
    return nullptr;
  }

  const StoredCancellation* FindCancellation(const std::string& trade_id) const {
    if (auto it = batch_cancellations_.find(trade_id); it != batch_cancellations_.end()) {
      return &it->second;
    }
    const StoredTrade* trade = FindTrade(trade_id);
    return trade != nullptr && trade->cancellation ? &*trade->cancellation : nullptr;
  }

  // A key already stored is a replay when the content matches, a conflict otherwise.
  std::optional<Rejection> CheckReplay(const StoredTrade& existing, const Sha256Digest& hash,
                                       const std::string& field, bool* replay) const {
    if (existing.payload_hash == hash) {
      *replay = true;
      return std::nullopt;
    }
    return MakeRejection(absl::StatusCode::kAlreadyExists, field,
                         absl::StrCat(field, " '", existing.trade.trade_id,
                                      "' was already accepted with different content"));
  }

  std::optional<Rejection> ApplyNew(const Trade& trade, const Sha256Digest& hash, bool* replay) {
    if (auto r = CheckTradeFields(trade, "trade")) return r;
    if (const StoredTrade* existing = FindTrade(trade.trade_id)) {
      return CheckReplay(*existing, hash, "trade.trade_id", replay);
    }
    if (auto r = CheckTradeAgainstReference(trade, snapshot_, "trade")) return r;
    AddTrade(trade, hash);
    return std::nullopt;
  }

  std::optional<Rejection> ApplyCancel(const CancelTrade& cancel, const Sha256Digest& hash,
                                       bool* replay) {
    const std::string field = "cancel.trade_id";
    if (absl::Status s = ValidateIdentifier(field, cancel.trade_id); !s.ok()) {
      return MakeRejection(s.code(), field, std::string(s.message()));
    }
    if (cancel.reason.size() > kMaxReasonLength) {
      return MakeRejection(absl::StatusCode::kInvalidArgument, "cancel.reason",
                           absl::StrCat("cancel.reason is ", cancel.reason.size(),
                                        " bytes; the maximum is ", kMaxReasonLength));
    }
    const StoredTrade* original = FindTrade(cancel.trade_id);
    if (original == nullptr) {
      return MakeRejection(absl::StatusCode::kNotFound, field,
                           absl::StrCat(field, " '", cancel.trade_id, "' is not a known trade"));
    }
    if (const StoredCancellation* done = FindCancellation(cancel.trade_id)) {
      if (done->is_correction) {
        return MakeRejection(absl::StatusCode::kFailedPrecondition, field,
                             absl::StrCat(field, " '", cancel.trade_id,
                                          "' was already corrected by '", done->replaced_by, "'"));
      }
      if (done->payload_hash == hash) {
        *replay = true;
        return std::nullopt;
      }
      return MakeRejection(absl::StatusCode::kAlreadyExists, field,
                           absl::StrCat(field, " '", cancel.trade_id,
                                        "' was already cancelled with different content"));
    }
    if (auto r = CheckAmendable(*original, field)) return r;
    Cancel(*original, CancellationRow{cancel.trade_id, false, "", cancel.reason, hash});
    return std::nullopt;
  }

  std::optional<Rejection> ApplyCorrection(const CorrectTrade& correction, const Sha256Digest& hash,
                                           bool* replay) {
    const std::string field = "correction.original_trade_id";
    if (absl::Status s = ValidateIdentifier(field, correction.original_trade_id); !s.ok()) {
      return MakeRejection(s.code(), field, std::string(s.message()));
    }
    const Trade& replacement = correction.replacement;
    if (auto r = CheckTradeFields(replacement, "correction.replacement")) return r;
    // Checked before the replay lookup: the replacement's ID is the original's, which is
    // stored, and would otherwise read as "already accepted with different content".
    if (replacement.trade_id == correction.original_trade_id) {
      return MakeRejection(absl::StatusCode::kInvalidArgument, "correction.replacement.trade_id",
                           absl::StrCat("correction.replacement.trade_id '", replacement.trade_id,
                                        "' must differ from original_trade_id: a replacement is "
                                        "a new trade with a new ID"));
    }
    if (const StoredTrade* existing = FindTrade(replacement.trade_id)) {
      return CheckReplay(*existing, hash, "correction.replacement.trade_id", replay);
    }
    const StoredTrade* original = FindTrade(correction.original_trade_id);
    if (original == nullptr) {
      return MakeRejection(
          absl::StatusCode::kNotFound, field,
          absl::StrCat(field, " '", correction.original_trade_id, "' is not a known trade"));
    }
    if (FindCancellation(correction.original_trade_id) != nullptr) {
      return MakeRejection(absl::StatusCode::kFailedPrecondition, field,
                           absl::StrCat(field, " '", correction.original_trade_id,
                                        "' was already cancelled or corrected"));
    }
    if (auto r = CheckAmendable(*original, field)) return r;
    if (auto r = CheckTradeAgainstReference(replacement, snapshot_, "correction.replacement")) {
      return r;
    }
    Cancel(*original,
           CancellationRow{correction.original_trade_id, true, replacement.trade_id, "", hash});
    AddTrade(replacement, hash);
    return std::nullopt;
  }

  // Only trades of the open business date may be busted or replaced; earlier days are
  // settled and change only through position adjustments.
  std::optional<Rejection> CheckAmendable(const StoredTrade& original,
                                          const std::string& field) const {
    if (!snapshot_.open_business_date || original.business_date != *snapshot_.open_business_date) {
      return MakeRejection(
          absl::StatusCode::kFailedPrecondition, field,
          absl::StrCat(field, " '", original.trade.trade_id, "' belongs to business date ",
                       FormatBusinessDate(original.business_date),
                       ", which is closed; only trades of the open date can be amended"));
    }
    for (const std::string* account :
         {&original.trade.buyer_account_id, &original.trade.seller_account_id}) {
      if (snapshot_.FindAccount(*account) == nullptr) {
        return MakeRejection(absl::StatusCode::kUnavailable, field,
                             absl::StrCat(field, " '", original.trade.trade_id,
                                          "': reference data is being reloaded; retry"));
      }
    }
    return std::nullopt;
  }

  void AddTrade(const Trade& trade, const Sha256Digest& hash) {
    StoredTrade added{trade, hash, *snapshot_.open_business_date, std::nullopt};
    for (const PositionChange& change : Novate(trade, snapshot_)) changes_.push_back(change);
    new_trades_.push_back(NewTradeRow{trade, hash});
    batch_trades_.emplace(trade.trade_id, std::move(added));
  }

  void Cancel(const StoredTrade& original, CancellationRow row) {
    for (const PositionChange& change : Novate(original.trade, snapshot_)) {
      changes_.push_back(Reversed(change));
    }
    batch_cancellations_.emplace(
        row.trade_id, StoredCancellation{row.is_correction, row.replaced_by, row.payload_hash});
    cancellations_.push_back(std::move(row));
  }

  const ReferenceSnapshot& snapshot_;
  const StoredTrades& stored_;
  StoredTrades batch_trades_;
  absl::flat_hash_map<std::string, StoredCancellation> batch_cancellations_;
  std::vector<NewTradeRow> new_trades_;
  std::vector<CancellationRow> cancellations_;
  std::vector<PositionChange> changes_;
};

}  // namespace

std::vector<std::string> KeysToLookUp(const std::vector<TradeEvent>& events) {
  std::vector<std::string> keys;
  keys.reserve(events.size());
  for (const TradeEvent& event : events) {
    keys.emplace_back(IdempotencyKey(event));
    if (const auto* correction = std::get_if<CorrectTrade>(&event)) {
      keys.push_back(correction->original_trade_id);
    }
  }
  return keys;
}

BatchPlan PlanBatch(const std::vector<TradeEvent>& events, const ReferenceSnapshot& snapshot,
                    const StoredTrades& stored) {
  Planner planner(snapshot, stored);
  std::vector<EventResult> results;
  results.reserve(events.size());
  for (const TradeEvent& event : events) results.push_back(planner.Apply(event));
  return planner.Finish(std::move(results));
}

}  // namespace tc::clearing
