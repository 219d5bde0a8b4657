// Timestamps between C++ and PostgreSQL, exact to the microsecond both ways: they go in
// as UTC text with six decimals and come out as epoch microseconds (extract(epoch ...) is
// numeric, so nothing passes through a double).
//
//   tx.exec_params("INSERT ... VALUES ($1::timestamptz)", TimeParam(clock.Now()));
//   tx.exec(absl::StrCat("SELECT ", EpochMicros("created_at"), " FROM ..."));
//   absl::Time created = TimeFromField(row[0]);
#ifndef TOKENCLEAR_STORE_PG_TIME_H_
#define TOKENCLEAR_STORE_PG_TIME_H_

#include <pqxx/pqxx>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tc::store {

inline std::string TimeParam(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", time, absl::UTCTimeZone());
}

// The SQL expression of `column` (a timestamptz) as epoch microseconds.
inline std::string EpochMicros(absl::string_view column) {
  return absl::StrCat("(extract(epoch FROM ", column, ") * 1000000)::bigint");
}

inline absl::Time TimeFromField(const pqxx::field& field) {
  return absl::FromUnixMicros(field.as<int64_t>());
}

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_PG_TIME_H_
