// Dates between C++ and PostgreSQL: rows carry absl::CivilDay, SQL takes and gives the ISO
// text of a date column (YYYY-MM-DD, the server's ISO DateStyle). The one conversion both
// ways for every store.
//
//   tx.exec_params("... WHERE business_date = $1::date", DateParam(day));
//   absl::CivilDay day = DateFromField(row[0]);   // from a date column or `col::text`
#ifndef TOKENCLEAR_STORE_PG_DATE_H_
#define TOKENCLEAR_STORE_PG_DATE_H_

#include <pqxx/pqxx>
#include <string>

#include "absl/time/civil_time.h"
#include "core/business_date.h"
#include "core/check.h"

namespace tc::store {

inline std::string DateParam(absl::CivilDay day) { return FormatBusinessDate(day); }

// The field comes from one of our date columns, so it always parses; no range check (a
// stored date is not re-validated as input, and must not abort the server).
inline absl::CivilDay DateFromField(const pqxx::field& field) {
  absl::CivilDay day;
  TC_CHECK(absl::ParseCivilTime(field.c_str(), &day)) << field.name() << ": " << field.c_str();
  return day;
}

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_PG_DATE_H_
