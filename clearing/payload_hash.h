// The payload hash of a trade event: SHA-256 of a canonical text form that covers every
// field the event carries, and its kind. Two submissions under one key are "the same"
// exactly when their hashes are equal, so a retry is recognised as a replay and a reused
// key with other content is refused.
//
//   Sha256Digest hash = PayloadHash(event);
#ifndef TOKENCLEAR_CLEARING_PAYLOAD_HASH_H_
#define TOKENCLEAR_CLEARING_PAYLOAD_HASH_H_

#include <string>

#include "clearing/trade_event.h"
#include "core/sha256.h"

namespace tc::clearing {

// Canonical form: '|'-separated fields (identifiers cannot contain '|'), free text last
// and length-prefixed so it cannot be confused with a separator.
std::string CanonicalForm(const TradeEvent& event);

Sha256Digest PayloadHash(const TradeEvent& event);

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_PAYLOAD_HASH_H_
