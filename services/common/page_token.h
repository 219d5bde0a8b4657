// Page tokens of listings paged by a row id (the journal, the audit log): the token is the
// last id of the previous page, in decimal, and the next page starts after it. Anything
// else is INVALID_ARGUMENT naming page_token.
//
//   TC_ASSIGN_OR_RETURN(int64_t after_id, ParseIdPageToken(request->page_token()));
//   if (more) response->set_next_page_token(IdPageToken(rows.back().id));
#ifndef TOKENCLEAR_SERVICES_PAGE_TOKEN_H_
#define TOKENCLEAR_SERVICES_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace tc::services {

// 0 for an empty token (the first page).
absl::StatusOr<int64_t> ParseIdPageToken(const std::string& token);
std::string IdPageToken(int64_t last_id);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_PAGE_TOKEN_H_
