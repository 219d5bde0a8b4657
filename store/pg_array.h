// PostgreSQL array literals for bulk parameters ("{\"a\",\"b\"}"), so one statement can
// take a whole batch through unnest() without building SQL from values. Every text
// element is quoted and escaped: unquoted, the identifier NULL would read as a null.
//
//   tx.exec_params("SELECT ... WHERE trade_id = ANY($1::text[])", TextArray(ids));
#ifndef TOKENCLEAR_STORE_PG_ARRAY_H_
#define TOKENCLEAR_STORE_PG_ARRAY_H_

#include <cstdint>
#include <string>
#include <vector>

namespace tc::store {

std::string TextArray(const std::vector<std::string>& values);
std::string BigintArray(const std::vector<int64_t>& values);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_PG_ARRAY_H_
