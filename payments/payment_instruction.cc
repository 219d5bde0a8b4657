#include "payments/payment_instruction.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/identifiers.h"

namespace tc::payments {
namespace {

// Kept short on purpose: a currency is added when the CCP settles in it, and only with
// two minor digits, since every amount here is cents.
constexpr std::array<absl::string_view, 6> kTwoDigitCurrencies = {"USD", "EUR", "GBP",
                                                                  "CHF", "CAD", "AUD"};

absl::Status Invalid(absl::string_view field, absl::string_view value, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, " '", ShortenForMessage(value), "' ", why));
}

}  // namespace

absl::Status ValidateIsoId(absl::string_view field, absl::string_view value) {
  if (value.size() > kMaxIsoIdLength) {
    return Invalid(field, value, absl::StrCat("is longer than ", kMaxIsoIdLength, " characters"));
  }
  return ValidateIdentifier(field, value);
}

absl::Status ValidateIsoText(absl::string_view field, absl::string_view value, bool required) {
  if (value.empty()) {
    return required ? absl::InvalidArgumentError(absl::StrCat(field, " is empty"))
                    : absl::OkStatus();
  }
  if (value.size() > kMaxIsoTextLength) {
    return Invalid(field, value, absl::StrCat("is longer than ", kMaxIsoTextLength, " bytes"));
  }
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Invalid(field, value, "contains a control character");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAbaRoutingNumber(absl::string_view field, absl::string_view value) {
  if (value.size() != 9) return Invalid(field, value, "is not 9 digits");
  static constexpr std::array<int, 9> kWeights = {3, 7, 1, 3, 7, 1, 3, 7, 1};
  int sum = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(value[i]))) {
      return Invalid(field, value, "is not 9 digits");
    }
    sum += kWeights[i] * (value[i] - '0');
  }
  if (sum % 10 != 0) return Invalid(field, value, "fails the ABA check digit");
  return absl::OkStatus();
}

absl::Status ValidateLei(absl::string_view field, absl::string_view value) {
  if (value.size() != 20) return Invalid(field, value, "is not 20 characters");
  int remainder = 0;  // MOD 97 of the number where A=10 ... Z=35, digit by digit
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (absl::ascii_isdigit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (absl::ascii_isupper(c) && i < 18) {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    } else {
      return Invalid(field, value, "is not 18 upper-case letters or digits and 2 digits");
    }
  }
  if (remainder != 1) return Invalid(field, value, "fails the ISO 17442 check digits");
  return absl::OkStatus();
}

absl::Status ValidateAccountNumber(absl::string_view field, absl::string_view value) {
  if (value.empty() || value.size() > kMaxAccountNumberLength) {
    return Invalid(field, value,
                   absl::StrCat("is not 1 to ", kMaxAccountNumberLength, " characters"));
  }
  for (char c : value) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return Invalid(field, value, "has a character other than a letter, digit or '-'");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateCurrency(absl::string_view field, absl::string_view value) {
  for (absl::string_view known : kTwoDigitCurrencies) {
    if (value == known) return absl::OkStatus();
  }
  return Invalid(field, value, "is not a settled ISO 4217 currency with 2 minor digits");
}

absl::string_view OriginText(clearing::Origin origin) {
  return origin == clearing::Origin::kHouse ? "HOUSE" : "CUSTOMER";
}

}  // namespace tc::payments
