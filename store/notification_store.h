// A member's notifications (migrations/0010_notifications.sql): margin calls, the end of
// day done, failure-to-pay flags raised and cured. They are written by database triggers
// in the transaction of the event itself, with ids in commit order, so a reader that
// resumes after the last id it saw misses none and sees none twice. Read-only here.
//
//   std::vector<NotificationRow> next =
//       LoadNotifications(tx, "CM01", /*after_id=*/last_seen, /*limit=*/100);
#ifndef TOKENCLEAR_STORE_NOTIFICATION_STORE_H_
#define TOKENCLEAR_STORE_NOTIFICATION_STORE_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace tc::store {

enum class NotificationKind { kMarginCall, kIntradayCall, kEodDone, kFlagRaised, kFlagCured };

absl::string_view NotificationKindName(NotificationKind kind);  // "MARGIN_CALL", ...
std::optional<NotificationKind> NotificationKindFromName(absl::string_view name);

struct NotificationRow {
  int64_t notification_id = 0;
  std::string member_id;
  NotificationKind kind = NotificationKind::kEodDone;
  absl::CivilDay business_date;
  std::string subject;
  std::string detail;
  absl::Time created_at;
};

// The member's notifications with an id above `after_id`, in id order, at most `limit`.
std::vector<NotificationRow> LoadNotifications(pqxx::transaction_base& tx,
                                               const std::string& member_id, int64_t after_id,
                                               int limit);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_NOTIFICATION_STORE_H_
