#include "store/notification_store.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "store/pg_date.h"
#include "store/pg_time.h"

namespace tc::store {
namespace {

constexpr std::array<std::pair<NotificationKind, absl::string_view>, 5> kKinds = {{
    {NotificationKind::kMarginCall, "MARGIN_CALL"},
    {NotificationKind::kIntradayCall, "INTRADAY_CALL"},
    {NotificationKind::kEodDone, "EOD_DONE"},
    {NotificationKind::kFlagRaised, "FLAG_RAISED"},
    {NotificationKind::kFlagCured, "FLAG_CURED"},
}};

}  // namespace

absl::string_view NotificationKindName(NotificationKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "UNKNOWN";
}

std::optional<NotificationKind> NotificationKindFromName(absl::string_view name) {
  for (const auto& [k, n] : kKinds) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::vector<NotificationRow> LoadNotifications(pqxx::transaction_base& tx,
                                               const std::string& member_id, int64_t after_id,
                                               int limit) {
  std::vector<NotificationRow> rows;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat("SELECT notification_id, member_id, kind, business_date::text, subject,"
                        " detail, ",
                        EpochMicros("created_at"),
                        " FROM notifications WHERE member_id = $1 AND notification_id > $2"
                        " ORDER BY notification_id LIMIT $3"),
           member_id, after_id, limit)) {
    NotificationRow row;
    row.notification_id = r[0].as<int64_t>();
    row.member_id = r[1].as<std::string>();
    // The column's CHECK admits only the kinds above; anything else is a programmer error
    // in the migration, shown as the first kind rather than a crash.
    row.kind =
        NotificationKindFromName(r[2].as<std::string>()).value_or(NotificationKind::kEodDone);
    row.business_date = DateFromField(r[3]);
    row.subject = r[4].as<std::string>();
    row.detail = r[5].as<std::string>();
    row.created_at = TimeFromField(r[6]);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace tc::store
