// libFuzzer target: what a settlement bank sends us, and our own pain files read back. The
// same bytes go to both readers:
//  - ReadCamt054 (payments/camt054_reader.h). A refusal is INVALID_ARGUMENT
//    "camt.054.001.08 refused..." in valid UTF-8 (it reaches the treasurer through a gRPC
//    status). A file that reads gives every entry or none: one BankNotification per Ntry
//    of the document, in document order, with positions in range, an amount > 0, one of
//    our two-digit currencies (three letters), a booking date when BOOK, and the
//    end-to-end ids of every NtryDtls/TxDtls/Refs/EndToEndId of the entry, in order (an
//    entry may have none: the documented outcome is a NO_REFERENCE break below). The
//    entries, as CashService::ImportCamt054 turns them into confirmations, are matched by
//    settlement::MatchConfirmations against a fixed set of instructions (SentInstructions):
//    one result per confirmation, valid outcomes and reasons (a reason only on a break), a
//    PDNG entry only ever pending, a confirmation only when every id names an instruction
//    of the entry's direction, currency and account whose amounts add up to the entry's;
//    matched again with what it confirmed marked confirmed, every confirmation is a
//    duplicate (ALREADY_CONFIRMED), never a second posting.
//  - ReadPainMessage (payments/pain_reader.h). A refusal is INVALID_ARGUMENT in valid
//    UTF-8; a message that reads has its totals equal to its instructions, and written
//    again by the matching writer (WritePain001 or WritePain008, with a member id, which
//    the message does not carry) reads back equal, field for field; writing that again
//    gives the same bytes.
// Untrusted input is handled, never asserted: a failed check aborts with what failed,
// which libFuzzer reports as a crash with its input. Seeds: camt.054 files written by
// WriteCamt054 and pain files by WritePain001/WritePain008 (fuzz/seeds_main.cc).
// Dictionary: fuzz/dicts/camt054_fuzz.dict. Half the mutations are XML-aware (an element
// duplicated, deleted, replaced, or a leaf's text set to an edge value: below), the
// others libFuzzer's. Run: bench/fuzz.sh camt054_fuzz SECONDS.
//
// Registered in fuzz/CMakeLists.txt: it links tc_treasury_cash (settlement), which
// payments/ must never depend on.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "formats/xml_document.h"
#include "payments/camt054_reader.h"
#include "payments/pain001_writer.h"
#include "payments/pain008_writer.h"
#include "payments/pain_reader.h"
#include "payments/payment_instruction.h"
#include "settlement/payment_matching.h"

// libFuzzer's own mutation; absent (null) in the replay build (fuzz/replay_main.cc).
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size)
    __attribute__((weak));

namespace {

namespace payments = tc::payments;
namespace settlement = tc::settlement;

void Require(bool ok, absl::string_view what, const absl::Status& status = absl::OkStatus()) {
  if (ok) return;
  std::fprintf(stderr, "FUZZ CHECK FAILED: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               status.ToString().c_str());
  std::abort();
}

bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const unsigned char next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// A refusal: INVALID_ARGUMENT whose message starts with `prefix` and is valid UTF-8.
void RequireCleanRefusal(const absl::Status& status, absl::string_view reader,
                         absl::string_view prefix) {
  Require(status.code() == absl::StatusCode::kInvalidArgument,
          absl::StrCat(reader, " refused with a status other than INVALID_ARGUMENT"), status);
  Require(absl::StartsWith(status.message(), prefix),
          absl::StrCat(reader, "'s refusal does not start with '", prefix, "'"), status);
  Require(IsValidUtf8(status.message()),
          absl::StrCat(reader, "'s refusal is not valid UTF-8 (it travels in a gRPC status)"));
}

// ---- camt.054 ----

absl::string_view LocalName(absl::string_view name) {
  const size_t colon = name.find(':');
  return colon == absl::string_view::npos ? name : name.substr(colon + 1);
}

std::vector<const tc::formats::XmlElement*> Children(const tc::formats::XmlElement& parent,
                                                     absl::string_view name) {
  std::vector<const tc::formats::XmlElement*> out;
  for (const tc::formats::XmlElement& child : parent.children) {
    if (LocalName(child.name) == name) out.push_back(&child);
  }
  return out;
}

// What the document holds, read here independently of the reader: per Ntfctn, its Ntry
// elements, and per Ntry the trimmed text of every NtryDtls/TxDtls/Refs/EndToEndId.
struct DocumentShape {
  std::vector<std::vector<std::vector<std::string>>> end_to_end_ids;  // [ntfctn][ntry][k]
};

DocumentShape ShapeOf(absl::string_view xml) {
  absl::StatusOr<tc::formats::XmlElement> root = tc::formats::ParseXml(xml);
  Require(root.ok(), "ReadCamt054 accepted a document that ParseXml refuses", root.status());
  const std::vector<const tc::formats::XmlElement*> bodies =
      Children(*root, "BkToCstmrDbtCdtNtfctn");
  Require(bodies.size() == 1, "ReadCamt054 accepted a document without one BkToCstmrDbtCdtNtfctn");
  DocumentShape shape;
  for (const tc::formats::XmlElement* notification : Children(*bodies[0], "Ntfctn")) {
    auto& entries = shape.end_to_end_ids.emplace_back();
    for (const tc::formats::XmlElement* entry : Children(*notification, "Ntry")) {
      auto& ids = entries.emplace_back();
      for (const tc::formats::XmlElement* details : Children(*entry, "NtryDtls")) {
        for (const tc::formats::XmlElement* tx : Children(*details, "TxDtls")) {
          for (const tc::formats::XmlElement* refs : Children(*tx, "Refs")) {
            for (const tc::formats::XmlElement* id : Children(*refs, "EndToEndId")) {
              ids.emplace_back(id->TrimmedText());
            }
          }
        }
      }
    }
  }
  return shape;
}

constexpr char kCcpAccount[] = "CCP-SETTLE-001";

settlement::InstructionToMatch Sent(std::string id, payments::PaymentDirection direction,
                                    int64_t cents, std::string currency) {
  settlement::InstructionToMatch i;
  i.instruction_id = std::move(id);
  i.direction = direction;
  i.amount_cents = cents;
  i.currency = std::move(currency);
  i.ccp_account_number = kCcpAccount;
  return i;
}

// The instructions the seeds' confirmations name (fuzz/seeds_main.cc, PaymentFiles): four
// collects and two pays in USD, a collect in EUR, all through the CCP's account
// CCP-SETTLE-001; PAY-2 is already confirmed by a DBIT BOOK of 75.00 USD naming it alone.
const absl::flat_hash_map<std::string, settlement::InstructionToMatch>& SentInstructions() {
  static const auto* const sent = [] {
    using payments::PaymentDirection;
    auto* map = new absl::flat_hash_map<std::string, settlement::InstructionToMatch>();
    for (settlement::InstructionToMatch i : {
             Sent("COL-1", PaymentDirection::kCollect, 10000, "USD"),
             Sent("COL-2", PaymentDirection::kCollect, 5000, "USD"),
             Sent("COL-3", PaymentDirection::kCollect, 2500, "USD"),
             Sent("COL-4", PaymentDirection::kCollect, 1, "USD"),
             Sent("PAY-1", PaymentDirection::kPay, 2500, "USD"),
             Sent("PAY-2", PaymentDirection::kPay, 7500, "USD"),
             Sent("EUR-1", PaymentDirection::kCollect, 990000, "EUR"),
         }) {
      map->emplace(i.instruction_id, std::move(i));
    }
    settlement::Confirmation earlier;
    earlier.end_to_end_ids = {"PAY-2"};
    earlier.amount_cents = 7500;
    earlier.currency = "USD";
    earlier.account_id = kCcpAccount;
    earlier.credit_debit = payments::CreditDebit::kDebit;
    settlement::InstructionToMatch& pay2 = map->at("PAY-2");
    pay2.confirmed = true;
    pay2.confirmation_fingerprint = settlement::ConfirmationFingerprint(earlier);
    return map;
  }();
  return *sent;
}

bool IsOutcome(settlement::MatchOutcome o) {
  using settlement::MatchOutcome;
  switch (o) {
    case MatchOutcome::kConfirms:
    case MatchOutcome::kAlreadyConfirmed:
    case MatchOutcome::kPending:
    case MatchOutcome::kBreak:
    case MatchOutcome::kConflict:
      return settlement::MatchOutcomeName(o) != "UNKNOWN";
  }
  return false;
}

bool IsReason(settlement::BreakReason r) {
  using settlement::BreakReason;
  switch (r) {
    case BreakReason::kNone:
    case BreakReason::kUnknownInstruction:
    case BreakReason::kDirectionMismatch:
    case BreakReason::kAmountMismatch:
    case BreakReason::kCurrencyMismatch:
    case BreakReason::kAccountMismatch:
    case BreakReason::kNoReference:
      return settlement::BreakReasonName(r) != "UNKNOWN";
  }
  return false;
}

// A confirmation only when every id names an instruction with the entry's direction,
// currency and account, and their amounts add up to the entry's.
void RequireConfirmable(
    const settlement::Confirmation& c,
    const absl::flat_hash_map<std::string, settlement::InstructionToMatch>& sent) {
  const payments::PaymentDirection direction = c.credit_debit == payments::CreditDebit::kCredit
                                                   ? payments::PaymentDirection::kCollect
                                                   : payments::PaymentDirection::kPay;
  Require(c.status == payments::EntryStatus::kBooked, "a PDNG entry confirmed");
  Require(!c.end_to_end_ids.empty(), "an entry without end-to-end id confirmed");
  __int128 sum = 0;
  for (const std::string& id : c.end_to_end_ids) {
    auto it = sent.find(id);
    Require(it != sent.end(), absl::StrCat("confirmed unknown instruction '", id, "'"));
    Require(!it->second.confirmed, absl::StrCat("confirmed '", id, "' a second time"));
    Require(it->second.direction == direction && it->second.currency == c.currency &&
                it->second.ccp_account_number == c.account_id,
            absl::StrCat("confirmed '", id, "' with another direction, currency or account"));
    sum += it->second.amount_cents;
  }
  Require(sum == c.amount_cents, "confirmed an amount other than the instructions' sum");
}

void MatchEntries(const std::vector<payments::BankNotification>& entries) {
  // As CashService::ImportCamt054 builds them.
  std::vector<settlement::Confirmation> confirmations;
  for (const payments::BankNotification& e : entries) {
    confirmations.push_back({e.end_to_end_ids, e.amount_cents, e.currency, e.account_id,
                             e.credit_debit, e.status,
                             absl::StrCat("camt.054 FUZZ Ntfctn[", e.notification_index, "].Ntry[",
                                          e.entry_index, "]")});
  }
  const auto& sent = SentInstructions();
  const std::vector<settlement::MatchResult> results =
      settlement::MatchConfirmations(confirmations, sent);
  Require(results.size() == confirmations.size(), "not one match result per confirmation");

  // What the caller would store: the instructions confirmed, with the confirming fingerprint.
  absl::flat_hash_map<std::string, settlement::InstructionToMatch> after = sent;
  for (size_t i = 0; i < results.size(); ++i) {
    const settlement::MatchResult& r = results[i];
    const settlement::Confirmation& c = confirmations[i];
    Require(IsOutcome(r.outcome), "match outcome out of the enum");
    Require(IsReason(r.reason), "break reason out of the enum");
    Require((r.outcome == settlement::MatchOutcome::kBreak) ==
                (r.reason != settlement::BreakReason::kNone),
            absl::StrCat("outcome ", settlement::MatchOutcomeName(r.outcome), " with reason ",
                         settlement::BreakReasonName(r.reason)));
    Require(r.instruction_ids == c.end_to_end_ids, "result ids differ from the entry's");
    Require((c.status == payments::EntryStatus::kPending) ==
                (r.outcome == settlement::MatchOutcome::kPending),
            "a PDNG entry not pending, or a BOOK entry pending");
    if (c.status == payments::EntryStatus::kBooked && c.end_to_end_ids.empty()) {
      Require(r.outcome == settlement::MatchOutcome::kBreak &&
                  r.reason == settlement::BreakReason::kNoReference,
              "a BOOK entry without end-to-end id is not a NO_REFERENCE break");
    }
    if (r.outcome == settlement::MatchOutcome::kConfirms) {
      Require(r.detail.empty(), "a confirmation with a detail");
      // Checked against what was sent plus what earlier results of the call confirmed.
      RequireConfirmable(c, after);
      const std::string fingerprint = settlement::ConfirmationFingerprint(c);
      for (const std::string& id : c.end_to_end_ids) {
        after.at(id).confirmed = true;
        after.at(id).confirmation_fingerprint = fingerprint;
      }
    } else {
      Require(!r.detail.empty(), "an outcome other than CONFIRMS without a detail");
    }
  }
  // The same file again, after the postings: duplicates, nothing confirms twice.
  const std::vector<settlement::MatchResult> again =
      settlement::MatchConfirmations(confirmations, after);
  Require(again.size() == results.size(), "not one match result per confirmation (again)");
  for (size_t i = 0; i < again.size(); ++i) {
    Require(again[i].outcome != settlement::MatchOutcome::kConfirms,
            "a confirmation confirmed again after its posting");
    if (results[i].outcome == settlement::MatchOutcome::kConfirms) {
      Require(
          again[i].outcome == settlement::MatchOutcome::kAlreadyConfirmed,
          absl::StrCat("a confirmation matched again is ",
                       settlement::MatchOutcomeName(again[i].outcome), ", not ALREADY_CONFIRMED"));
    }
  }
}

void CheckCamt054(absl::string_view xml) {
  absl::StatusOr<std::vector<payments::BankNotification>> entries = payments::ReadCamt054(xml);
  if (!entries.ok()) {
    RequireCleanRefusal(entries.status(), "ReadCamt054", "camt.054.001.08 refused");
    return;
  }
  const DocumentShape shape = ShapeOf(xml);
  size_t ntry_count = 0;
  for (const auto& n : shape.end_to_end_ids) ntry_count += n.size();
  Require(entries->size() == ntry_count,
          absl::StrCat("ReadCamt054 returned ", entries->size(), " entries of a document with ",
                       ntry_count, " Ntry"));
  std::optional<std::pair<int, int>> previous;
  for (const payments::BankNotification& e : *entries) {
    Require(e.notification_index >= 0 &&
                static_cast<size_t>(e.notification_index) < shape.end_to_end_ids.size(),
            "notification_index out of range");
    const auto& notification = shape.end_to_end_ids[e.notification_index];
    Require(e.entry_index >= 0 && static_cast<size_t>(e.entry_index) < notification.size(),
            "entry_index out of range");
    const std::pair<int, int> at(e.notification_index, e.entry_index);
    Require(!previous || *previous < at, "entries not in document order");
    previous = at;
    Require(e.amount_cents > 0, "an entry's amount is not positive");
    Require(payments::ValidateCurrency("currency", e.currency).ok() && e.currency.size() == 3,
            absl::StrCat("an entry's currency '", e.currency, "' is not one of ours"));
    Require(e.credit_debit == payments::CreditDebit::kCredit ||
                e.credit_debit == payments::CreditDebit::kDebit,
            "CdtDbtInd out of the enum");
    Require(
        e.status == payments::EntryStatus::kBooked || e.status == payments::EntryStatus::kPending,
        "status out of the enum");
    Require(e.status != payments::EntryStatus::kBooked || e.booking_date.has_value(),
            "a BOOK entry without a booking date");
    Require(e.end_to_end_ids == notification[e.entry_index],
            absl::StrCat("Ntfctn[", e.notification_index, "].Ntry[", e.entry_index,
                         "]: ", e.end_to_end_ids.size(), " end-to-end ids read of the ",
                         notification[e.entry_index].size(), " in the document"));
  }
  MatchEntries(*entries);
}

// ---- pain.001 / pain.008 ----

// Field by field; the first difference is named.
void RequireEqual(const payments::PainMessage& a, const payments::PainMessage& b) {
  auto same = [](bool equal, absl::string_view field) {
    Require(equal, absl::StrCat("pain message written and read back differs in ", field));
  };
  same(a.namespace_uri == b.namespace_uri, "namespace_uri");
  same(a.header.message_id == b.header.message_id, "header.message_id");
  same(a.header.creation_time == b.header.creation_time,
       absl::StrCat("header.creation_time (", absl::FormatTime(a.header.creation_time), " vs ",
                    absl::FormatTime(b.header.creation_time), ")"));
  same(a.header.execution_date == b.header.execution_date, "header.execution_date");
  same(a.ccp.name == b.ccp.name, "ccp.name");
  same(a.ccp.lei == b.ccp.lei, "ccp.lei");
  same(a.ccp.account_number == b.ccp.account_number, "ccp.account_number");
  same(a.ccp.bank_aba == b.ccp.bank_aba, "ccp.bank_aba");
  same(a.control_sum_cents == b.control_sum_cents, "control_sum_cents");
  same(a.number_of_transactions == b.number_of_transactions, "number_of_transactions");
  same(a.instructions.size() == b.instructions.size(), "instructions.size()");
  for (size_t i = 0; i < a.instructions.size(); ++i) {
    const payments::PaymentInstruction& p = a.instructions[i];
    const payments::PaymentInstruction& q = b.instructions[i];
    const std::string at = absl::StrCat("instructions[", i, "].");
    same(p.instruction_id == q.instruction_id, at + "instruction_id");
    same(p.direction == q.direction, at + "direction");
    same(p.member_id == q.member_id, at + "member_id");
    same(p.member_name == q.member_name, at + "member_name");
    same(p.member_lei == q.member_lei, at + "member_lei");
    same(p.origin == q.origin, at + "origin");
    same(p.amount_cents == q.amount_cents, at + "amount_cents");
    same(p.currency == q.currency, at + "currency");
    same(p.business_date == q.business_date, at + "business_date");
    same(p.member_account_number == q.member_account_number, at + "member_account_number");
    same(p.member_bank_aba == q.member_bank_aba, at + "member_bank_aba");
    same(p.mandate_id == q.mandate_id, at + "mandate_id");
    same(p.mandate_signature_date == q.mandate_signature_date, at + "mandate_signature_date");
    same(p.remittance_text == q.remittance_text, at + "remittance_text");
  }
}

absl::StatusOr<std::string> Write(const payments::PainMessage& m) {
  // What the message does not carry: the member id (the writers require one).
  std::vector<payments::PaymentInstruction> instructions = m.instructions;
  for (payments::PaymentInstruction& p : instructions) p.member_id = "FUZZ";
  return m.namespace_uri == payments::kPain001Namespace
             ? payments::WritePain001(m.header, m.ccp, instructions)
             : payments::WritePain008(m.header, m.ccp, instructions);
}

void CheckPain(absl::string_view xml) {
  absl::StatusOr<payments::PainMessage> read = payments::ReadPainMessage(xml);
  if (!read.ok()) {
    RequireCleanRefusal(read.status(), "ReadPainMessage", "");
    return;
  }
  const bool pays = read->namespace_uri == payments::kPain001Namespace;
  Require(pays || read->namespace_uri == payments::kPain008Namespace,
          "ReadPainMessage returned another namespace");
  Require(read->number_of_transactions == static_cast<int64_t>(read->instructions.size()),
          "NbOfTxs differs from the instructions read");
  int64_t sum = 0;
  for (const payments::PaymentInstruction& p : read->instructions) {
    Require(p.direction ==
                (pays ? payments::PaymentDirection::kPay : payments::PaymentDirection::kCollect),
            "an instruction's direction differs from its message's");
    Require(p.amount_cents > 0, "an instruction's amount is not positive");
    Require(!__builtin_add_overflow(sum, p.amount_cents, &sum), "the amounts overflow");
  }
  Require(read->control_sum_cents == sum, "CtrlSum differs from the instructions' sum");

  absl::StatusOr<std::string> written = Write(*read);
  Require(written.ok(), "the writer refuses a message the reader accepted", written.status());
  absl::StatusOr<payments::PainMessage> back = payments::ReadPainMessage(*written);
  Require(back.ok(), "the reader refuses what the writer wrote from it", back.status());
  for (payments::PaymentInstruction& p : back->instructions) p.member_id.clear();
  RequireEqual(*read, *back);
  absl::StatusOr<std::string> rewritten = Write(*back);
  Require(rewritten.ok() && *rewritten == *written,
          "the message read back is not written to the same bytes", rewritten.status());
}

// ---- an XML-aware mutator ----
// libFuzzer's byte mutations rarely change a document's shape and keep it valid against
// the schema, so half the mutations are of whole elements instead: one is duplicated in
// place (a second NtryDtls, TxDtls, Ntry or Ntfctn), deleted, replaced by a copy of
// another, or, when it is a leaf, given one of the values below as its text. The other
// half are libFuzzer's own mutations (with the dictionary).

// Ids the instructions use, codes, amounts, dates and times at the edges of what the
// readers accept, and escaped text.
// clang-format off
constexpr absl::string_view kLeafValues[] = {
    "", " ", "COL-1", " COL-2 ", "PAY-1", "PAY-2", "EUR-1", "COL-1 ", "CCP-SETTLE-001",
    "CRDT", "DBIT", "BOOK", "PDNG", "USD", "EUR", "0", "0.01", "0.001", "-0.01", "+1.00",
    "100", "9223372036854775807", "92233720368547758.07", "2026-12-02", "2026-02-30",
    "99999-12-31", "2026-12-02T17:00:00.5Z", "2026-12-02T17:00:00+14:00",
    "2026-12-02T17:00:00-00:00", "2026-12-02T17:00:00", "1", "2", "TRF", "DD", "SHAR", "USABA",
    "021000021", "MEMBERALPHA000000183", "a&amp;b", "&#xE9;t&#xE9;", "<![CDATA[COL-1]]>"};
// clang-format on

struct ElementSpan {
  size_t begin = 0;  // '<' of the start tag
  size_t end = 0;    // after the '>' of the end tag (or of an empty-element tag)
  size_t content_begin = 0;
  size_t content_end = 0;
};

bool IsNameEnd(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>';
}

// The element whose start tag begins at `at`, by scanning for its end tag (same-named
// elements nested inside counted); nullopt when the text there is not one.
std::optional<ElementSpan> ElementAt(absl::string_view xml, size_t at) {
  size_t i = at + 1;
  while (i < xml.size() && !IsNameEnd(xml[i])) ++i;
  if (i == at + 1 || i >= xml.size()) return std::nullopt;
  const absl::string_view name = xml.substr(at + 1, i - at - 1);
  const size_t open_end = xml.find('>', i);
  if (open_end == absl::string_view::npos) return std::nullopt;
  if (xml[open_end - 1] == '/') return ElementSpan{at, open_end + 1, open_end, open_end};
  int depth = 1;
  size_t pos = open_end + 1;
  while (true) {
    const size_t next = xml.find('<', pos);
    if (next == absl::string_view::npos) return std::nullopt;
    const absl::string_view rest = xml.substr(next + 1);
    const bool closes = rest.size() > name.size() + 1 && rest[0] == '/' &&
                        rest.substr(1, name.size()) == name && IsNameEnd(rest[name.size() + 1]);
    const bool opens = rest.size() > name.size() && rest.substr(0, name.size()) == name &&
                       IsNameEnd(rest[name.size()]);
    if (closes && --depth == 0) {
      const size_t close_end = xml.find('>', next);
      if (close_end == absl::string_view::npos) return std::nullopt;
      return ElementSpan{at, close_end + 1, open_end + 1, next};
    }
    if (opens) {
      const size_t tag_end = xml.find('>', next);
      if (tag_end == absl::string_view::npos) return std::nullopt;
      if (xml[tag_end - 1] != '/') ++depth;
    }
    pos = next + 1;
  }
}

std::optional<std::string> MutateElements(absl::string_view xml, uint32_t seed) {
  uint64_t state = seed;
  auto next = [&state](size_t bound) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return static_cast<size_t>(state >> 33) % bound;
  };
  std::vector<size_t> starts;
  for (size_t i = 0; i + 1 < xml.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(xml[i + 1]);
    if (xml[i] == '<' && (absl::ascii_isalpha(c) || c == '_' || c >= 0x80)) starts.push_back(i);
  }
  if (starts.empty()) return std::nullopt;
  const std::optional<ElementSpan> a = ElementAt(xml, starts[next(starts.size())]);
  if (!a) return std::nullopt;
  const absl::string_view element = xml.substr(a->begin, a->end - a->begin);
  std::string out(xml);
  switch (next(4)) {
    case 0:  // duplicated in place
      out.insert(a->end, std::string(element));
      break;
    case 1:  // deleted
      out.erase(a->begin, a->end - a->begin);
      break;
    case 2: {  // replaced by a copy of another element
      const std::optional<ElementSpan> b = ElementAt(xml, starts[next(starts.size())]);
      if (!b) return std::nullopt;
      out.replace(a->begin, a->end - a->begin,
                  std::string(xml.substr(b->begin, b->end - b->begin)));
      break;
    }
    default: {  // a leaf's text replaced
      const absl::string_view content =
          xml.substr(a->content_begin, a->content_end - a->content_begin);
      if (absl::StrContains(content, '<')) return std::nullopt;
      out.replace(a->content_begin, a->content_end - a->content_begin,
                  std::string(kLeafValues[next(std::size(kLeafValues))]));
      break;
    }
  }
  return out;
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  if (seed % 2 == 0 || LLVMFuzzerMutate == nullptr) {
    std::optional<std::string> mutated =
        MutateElements(absl::string_view(reinterpret_cast<const char*>(data), size), seed / 2);
    if (mutated && mutated->size() <= max_size) {
      std::copy(mutated->begin(), mutated->end(), data);
      return mutated->size();
    }
  }
  return LLVMFuzzerMutate == nullptr ? size : LLVMFuzzerMutate(data, size, max_size);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  CheckCamt054(text);
  CheckPain(text);
  return 0;
}
