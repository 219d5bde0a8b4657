// ISO 20022 payment messages at a cycle's sizes (N = 100, 1,000, 10,000 instructions or
// entries): writing a pain.008 of N collects (WritePain008: checks, then libxml2's text
// writer), reading a camt.054 of N entries (ReadCamt054: schema validation, our tree, the
// entries checked), and matching N confirmations against N instructions
// (settlement::MatchConfirmations). Floors measured on the same bytes: SHA-256 (the
// server hashes every camt.054 it imports) and a copy of the document; libxml2's own parse
// of the camt.054 into its DOM, our ParseXml (libxml2 SAX into our tree) and the schema
// validation alone, which show where ReadCamt054's time goes; and the fingerprints
// MatchConfirmations computes, one SHA-256 per confirmation. Items are instructions,
// entries or confirmations: items_per_second is per item. Figures in docs/PERFORMANCE.md.
//
//   build/bench/payments_benchmark --benchmark_min_time=1
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "core/check.h"
#include "core/sha256.h"
#include "formats/xml_document.h"
#include "formats/xml_schema.h"
#include "payments/camt054_reader.h"
#include "payments/camt054_writer.h"
#include "payments/iso20022_schemas.h"
#include "payments/pain008_writer.h"
#include "payments/payment_instruction.h"
#include "settlement/payment_matching.h"

namespace tc {
namespace {

using payments::PaymentDirection;

constexpr char kCcpAccount[] = "CCP-SETTLE-001";
const absl::CivilDay kDay(2026, 12, 2);

std::string Id(int i) { return absl::StrCat("COL-20261202-", absl::Dec(i, absl::kZeroPad6)); }

// Amounts that vary in length: 1.00 to about 1,000,000.00.
int64_t Cents(int i) { return 100 + (static_cast<int64_t>(i) * 7919) % 100'000'000; }

payments::CcpParty Ccp() {
  return {.name = "Tokenclear CCP",
          .lei = "TOKENCLEARCCP0000159",
          .account_number = kCcpAccount,
          .bank_aba = "021000021"};
}

payments::MessageHeader Header() {
  return {.message_id = "TC-COL-20261202-1",
          .creation_time =
              absl::FromCivil(absl::CivilSecond(2026, 12, 1, 18, 30, 0), absl::UTCTimeZone()),
          .execution_date = kDay};
}

// N collects of two members (valid LEIs, accounts, ABAs and mandates), as a cycle exports.
std::vector<payments::PaymentInstruction> Collects(int n) {
  std::vector<payments::PaymentInstruction> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    const bool alpha = i % 2 == 0;
    payments::PaymentInstruction p;
    p.instruction_id = Id(i);
    p.direction = PaymentDirection::kCollect;
    p.member_id = alpha ? "ALPHA" : "BETA";
    p.member_name = alpha ? "Alpha Clearing LLC" : "Beta Futures & Co";
    p.member_lei = alpha ? "MEMBERALPHA000000183" : "MEMBERBETA0000000253";
    p.origin = i % 4 < 2 ? clearing::Origin::kHouse : clearing::Origin::kCustomer;
    p.amount_cents = Cents(i);
    p.currency = "USD";
    p.business_date = absl::CivilDay(2026, 12, 1);
    p.member_account_number = alpha ? "ALPHA-0001" : "BETA-0002";
    p.member_bank_aba = alpha ? "011000015" : "026009593";
    p.mandate_id = alpha ? "MNDT-ALPHA-1" : "MNDT-BETA-1";
    p.mandate_signature_date = absl::CivilDay(2026, 1, 15);
    p.remittance_text =
        absl::StrCat("VM 2026-12-01 ", payments::OriginText(p.origin), " ", p.member_id);
    out.push_back(std::move(p));
  }
  return out;
}

// The bank's answer to those collects: one notification, N booked credits naming one
// collect each, with the remittance text, as banksim writes it.
std::string Camt054(int n) {
  payments::Camt054Notification notification{
      .notification_id = kCcpAccount, .account_number = kCcpAccount, .entries = {}};
  notification.entries.reserve(n);
  for (int i = 0; i < n; ++i) {
    notification.entries.push_back({.amount_cents = Cents(i),
                                    .currency = "USD",
                                    .credit_debit = payments::CreditDebit::kCredit,
                                    .status = payments::EntryStatus::kBooked,
                                    .booking_date = kDay,
                                    .value_date = kDay,
                                    .end_to_end_ids = {Id(i)},
                                    .remittance_text = "VM 2026-12-01 HOUSE ALPHA"});
  }
  absl::StatusOr<std::string> xml = payments::WriteCamt054(
      "BANK-20261202-1",
      absl::FromCivil(absl::CivilSecond(2026, 12, 2, 17, 0, 0), absl::UTCTimeZone()),
      {notification});
  TC_CHECK(xml.ok()) << xml.status();
  return *xml;
}

void SetCounters(benchmark::State& state, int64_t items, size_t bytes) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * items);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
  state.counters["doc_KB"] = static_cast<double>(bytes) / 1024;
}

// ---- pain.008 written ----

void BM_WritePain008(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::vector<payments::PaymentInstruction> collects = Collects(n);
  const payments::MessageHeader header = Header();
  const payments::CcpParty ccp = Ccp();
  size_t bytes = 0;
  for (auto _ : state) {
    absl::StatusOr<std::string> xml = payments::WritePain008(header, ccp, collects);
    TC_CHECK(xml.ok()) << xml.status();
    bytes = xml->size();
    benchmark::DoNotOptimize(xml->data());
  }
  SetCounters(state, n, bytes);
}
BENCHMARK(BM_WritePain008)->Arg(100)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMicrosecond);

// Floor: a copy of the written document's bytes.
void BM_CopyPain008Bytes(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  absl::StatusOr<std::string> xml = payments::WritePain008(Header(), Ccp(), Collects(n));
  TC_CHECK(xml.ok()) << xml.status();
  std::string copy(xml->size(), '\0');
  for (auto _ : state) {
    std::memcpy(copy.data(), xml->data(), xml->size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, n, xml->size());
}
BENCHMARK(BM_CopyPain008Bytes)->Arg(100)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMicrosecond);

// ---- camt.054 read ----

void BM_ReadCamt054(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string xml = Camt054(n);
  for (auto _ : state) {
    absl::StatusOr<std::vector<payments::BankNotification>> entries = payments::ReadCamt054(xml);
    TC_CHECK(entries.ok() && static_cast<int>(entries->size()) == n) << entries.status();
    benchmark::DoNotOptimize(entries->data());
  }
  SetCounters(state, n, xml.size());
}
BENCHMARK(BM_ReadCamt054)->Arg(100)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMicrosecond);

// Part of ReadCamt054: the schema validation alone (libxml2 parses the document into its
// DOM and validates it against the embedded subset schema).
void BM_ValidateCamt054Schema(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string xml = Camt054(n);
  absl::StatusOr<formats::XmlSchema> schema = formats::XmlSchema::FromText(payments::Camt054Xsd());
  TC_CHECK(schema.ok()) << schema.status();
  for (auto _ : state) {
    absl::Status valid = schema->Validate(xml);
    TC_CHECK(valid.ok()) << valid;
  }
  SetCounters(state, n, xml.size());
}
BENCHMARK(BM_ValidateCamt054Schema)
    ->Arg(100)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Unit(benchmark::kMicrosecond);

// Part of ReadCamt054: our tree (formats::ParseXml, libxml2's SAX2 parser).
void BM_ParseXmlCamt054(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string xml = Camt054(n);
  for (auto _ : state) {
    absl::StatusOr<formats::XmlElement> root = formats::ParseXml(xml);
    TC_CHECK(root.ok()) << root.status();
    benchmark::DoNotOptimize(root->children.data());
  }
  SetCounters(state, n, xml.size());
}
BENCHMARK(BM_ParseXmlCamt054)->Arg(100)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMicrosecond);

// Floor: libxml2 alone parsing the same document into its own DOM, no schema, no tree of
// ours, nothing read.
void BM_Libxml2ParseCamt054(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string xml = Camt054(n);
  xmlInitParser();
  for (auto _ : state) {
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    TC_CHECK(doc != nullptr);
    xmlFreeDoc(doc);
  }
  SetCounters(state, n, xml.size());
}
BENCHMARK(BM_Libxml2ParseCamt054)->Arg(100)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMicrosecond);

// Floor: SHA-256 of the same bytes (ImportCamt054 hashes every file to recognise a resend).
void BM_Sha256Camt054(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string xml = Camt054(n);
  for (auto _ : state) benchmark::DoNotOptimize(Sha256(xml));
  SetCounters(state, n, xml.size());
}
BENCHMARK(BM_Sha256Camt054)->Arg(100)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMicrosecond);

// ---- confirmations matched ----

struct MatchingInput {
  std::vector<settlement::Confirmation> confirmations;
  absl::flat_hash_map<std::string, settlement::InstructionToMatch> instructions;
};

// N booked credits, each confirming one of N unconfirmed collects (every match succeeds:
// the full path, fingerprint included).
MatchingInput Matching(int n) {
  MatchingInput in;
  in.confirmations.reserve(n);
  in.instructions.reserve(n);
  for (int i = 0; i < n; ++i) {
    settlement::InstructionToMatch sent;
    sent.instruction_id = Id(i);
    sent.direction = PaymentDirection::kCollect;
    sent.amount_cents = Cents(i);
    sent.currency = "USD";
    sent.ccp_account_number = kCcpAccount;
    in.instructions.emplace(sent.instruction_id, sent);
    in.confirmations.push_back(
        {.end_to_end_ids = {Id(i)},
         .amount_cents = Cents(i),
         .currency = "USD",
         .account_id = kCcpAccount,
         .credit_debit = payments::CreditDebit::kCredit,
         .status = payments::EntryStatus::kBooked,
         .reference = absl::StrCat("camt.054 BENCH Ntfctn[0].Ntry[", i, "]")});
  }
  return in;
}

void BM_MatchConfirmations(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const MatchingInput in = Matching(n);
  for (auto _ : state) {
    std::vector<settlement::MatchResult> results =
        settlement::MatchConfirmations(in.confirmations, in.instructions);
    TC_CHECK(static_cast<int>(results.size()) == n &&
             results.back().outcome == settlement::MatchOutcome::kConfirms);
    benchmark::DoNotOptimize(results.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * n);
}
BENCHMARK(BM_MatchConfirmations)->Arg(100)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMicrosecond);

// Floor: the fingerprint MatchConfirmations computes for each booked confirmation
// (a SHA-256 over the canonical fields), alone.
void BM_ConfirmationFingerprints(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const MatchingInput in = Matching(n);
  for (auto _ : state) {
    for (const settlement::Confirmation& c : in.confirmations) {
      benchmark::DoNotOptimize(settlement::ConfirmationFingerprint(c));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * n);
}
BENCHMARK(BM_ConfirmationFingerprints)
    ->Arg(100)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tc

BENCHMARK_MAIN();
