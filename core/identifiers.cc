#include "core/identifiers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace tc {
namespace {

bool IsIdentifierChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
         c == '-';
}

}  // namespace

absl::string_view ShortenForMessage(absl::string_view value) {
  constexpr size_t kMaxBytes = 80;
  if (value.size() <= kMaxBytes) return value;
  // Cut before a character, never inside one: messages travel in proto3 strings, which
  // must be valid UTF-8 (a cut UTF-8 sequence makes the whole response unreadable).
  size_t cut = kMaxBytes;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return value.substr(0, cut);
}

absl::Status ValidateIdentifier(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  bool well_formed = value.size() <= kMaxIdentifierLength &&
                     absl::ascii_isalnum(static_cast<unsigned char>(value.front()));
  for (size_t i = 0; well_formed && i < value.size(); ++i) {
    well_formed = IsIdentifierChar(value[i]);
  }
  if (well_formed) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, " '", absl::CHexEscape(ShortenForMessage(value)),
                   "' is malformed: 1-64 characters of [A-Za-z0-9._:-], starting alphanumeric"));
}

}  // namespace tc
