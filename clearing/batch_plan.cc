#include "clearing/batch_plan.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
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
  Planner(const ReferenceSnapshot& snapshot, const StoredTrades& stored, const NetPositions& nets)
      : snapshot_(snapshot), stored_(stored), nets_(nets) {}

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
    if (!snapshot_.flagged_members.empty()) {
      const std::array<PositionChange, 2> changes = Novate(trade, snapshot_);
      if (auto r = CheckFlaggedSides(trade, changes, "trade", false)) return r;
    }
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
    if (!snapshot_.flagged_members.empty()) {
      const std::array<PositionChange, 2> undone = Novate(original->trade, snapshot_);
      const std::array<PositionChange, 2> added = Novate(replacement, snapshot_);
      const std::array<PositionChange, 4> changes = {Reversed(undone[0]), Reversed(undone[1]),
                                                     added[0], added[1]};
      if (auto r = CheckFlaggedSides(replacement, changes, "correction.replacement", true)) {
        return r;
      }
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

  // The failure-to-pay rule (clearing/risk_reducing.h) for each side of `trade` on an
  // account of a flagged member, given all the position changes of its event (a
  // correction's include the original's reversal). A correction may also leave the
  // side's position unchanged.
  std::optional<Rejection> CheckFlaggedSides(const Trade& trade,
                                             absl::Span<const PositionChange> changes,
                                             absl::string_view prefix, bool correction) const {
    for (const auto& [account_id, side] :
         {std::pair{&trade.buyer_account_id, "buyer_account_id"},
          std::pair{&trade.seller_account_id, "seller_account_id"}}) {
      const Account* account = snapshot_.FindAccount(*account_id);
      const MemberFlagNote* note =
          account == nullptr ? nullptr : snapshot_.FindFlag(account->member_id);
      if (note == nullptr) continue;
      // Quantities are bounded per trade (max_trade_quantity <= 1e9) and positions by what
      // trade capture has ever written, far from the int64 range.
      const int64_t before = NetOf(*account_id, trade.instrument_id);
      int64_t after = before;
      for (const PositionChange& change : changes) {
        if (change.account_id == *account_id && change.instrument_id == trade.instrument_id) {
          after += change.NetDelta();
        }
      }
      if (ReducesPosition(before, after) || (correction && after == before)) continue;
      return NotReducingRejection(FlaggedSide{absl::StrCat(prefix, ".", side), account->member_id,
                                              *note, correction ? "correction" : "trade",
                                              *account_id, trade.instrument_id, before, after});
    }
    return std::nullopt;
  }

  int64_t NetOf(const std::string& account_id, const std::string& instrument_id) const {
    auto it = nets_.find(std::make_pair(account_id, instrument_id));
    return it == nets_.end() ? 0 : it->second;
  }

  // Keeps the running net of flagged members' positions, so that a later event of the
  // batch is judged on the position the earlier ones leave.
  void Record(const PositionChange& change) {
    if (!snapshot_.flagged_members.empty()) {
      const Account* account = snapshot_.FindAccount(change.account_id);
      if (account != nullptr && snapshot_.FindFlag(account->member_id) != nullptr) {
        nets_[std::make_pair(change.account_id, change.instrument_id)] += change.NetDelta();
      }
    }
    changes_.push_back(change);
  }

  void AddTrade(const Trade& trade, const Sha256Digest& hash) {
    StoredTrade added{trade, hash, *snapshot_.open_business_date, std::nullopt};
    for (const PositionChange& change : Novate(trade, snapshot_)) Record(change);
    new_trades_.push_back(NewTradeRow{trade, hash});
    batch_trades_.emplace(trade.trade_id, std::move(added));
  }

  void Cancel(const StoredTrade& original, CancellationRow row) {
    for (const PositionChange& change : Novate(original.trade, snapshot_)) {
      Record(Reversed(change));
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
  NetPositions nets_;  // of flagged members' positions, as the events so far leave them
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

std::vector<std::pair<std::string, std::string>> PositionsToCheck(
    const std::vector<TradeEvent>& events, const ReferenceSnapshot& snapshot,
    const StoredTrades& stored) {
  std::vector<std::pair<std::string, std::string>> keys;
  if (snapshot.flagged_members.empty()) return keys;
  bool flagged_side = false;
  // Unknown accounts and instruments are left out: their events are rejected before the
  // rule, and they name no position that could be stored.
  auto add = [&](const Trade& trade, bool is_new) {
    if (snapshot.FindInstrument(trade.instrument_id) == nullptr) return;
    for (const std::string* account_id : {&trade.buyer_account_id, &trade.seller_account_id}) {
      const Account* account = snapshot.FindAccount(*account_id);
      if (account == nullptr) continue;
      if (is_new && snapshot.FindFlag(account->member_id) != nullptr) flagged_side = true;
      keys.emplace_back(*account_id, trade.instrument_id);
    }
  };
  auto add_stored = [&](const std::string& trade_id) {
    if (auto it = stored.find(trade_id); it != stored.end()) add(it->second.trade, false);
  };
  for (const TradeEvent& event : events) {
    if (const auto* e = std::get_if<NewTrade>(&event)) {
      add(e->trade, true);
    } else if (const auto* e = std::get_if<CancelTrade>(&event)) {
      add_stored(e->trade_id);  // a trade of this batch is added as a new trade
    } else {
      const auto& correction = std::get<CorrectTrade>(event);
      add(correction.replacement, true);
      add_stored(correction.original_trade_id);
    }
  }
  if (!flagged_side) return {};
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

BatchPlan PlanBatch(const std::vector<TradeEvent>& events, const ReferenceSnapshot& snapshot,
                    const StoredTrades& stored, const NetPositions& nets) {
  Planner planner(snapshot, stored, nets);
  std::vector<EventResult> results;
  results.reserve(events.size());
  for (const TradeEvent& event : events) results.push_back(planner.Apply(event));
  return planner.Finish(std::move(results));
}

}  // namespace tc::clearing
