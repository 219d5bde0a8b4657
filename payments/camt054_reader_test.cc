// camt.054.001.08: a bank's notification with BOOK and PDNG entries, CRDT and DBIT, read
// into cents; refusals of a file that is not XML, of an element our subset does not
// declare, and of entries with bad values, every bad entry named by its position.
#include "payments/camt054_reader.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tc::payments {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// One Ntry; `amount`, `indicator` and `status` are spliced in as they are.
std::string Entry(absl::string_view amount, absl::string_view indicator, absl::string_view status,
                  absl::string_view end_to_end_id) {
  return absl::StrCat(R"(
      <Ntry>
        <Amt Ccy="USD">)",
                      amount, R"(</Amt>
        <CdtDbtInd>)",
                      indicator, R"(</CdtDbtInd>
        <Sts><Cd>)",
                      status, R"(</Cd></Sts>
        <BookgDt><Dt>2026-12-02</Dt></BookgDt>
        <ValDt><Dt>2026-12-02</Dt></ValDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd><SubFmlyCd>ESDD</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><InstrId>)",
                      end_to_end_id, "</InstrId><EndToEndId>", end_to_end_id,
                      R"(</EndToEndId></Refs>
          </TxDtls>
        </NtryDtls>
      </Ntry>)");
}

std::string Document(absl::string_view first_entries, absl::string_view second_entries) {
  return absl::StrCat(R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>BANK-20261202-1</MsgId><CreDtTm>2026-12-02T10:15:00Z</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>N-1</Id>
      <Acct><Id><Othr><Id>CCP-SETTLE-001</Id></Othr></Id></Acct>)",
                      first_entries, R"(
    </Ntfctn>
    <Ntfctn>
      <Id>N-2</Id>
      <Acct><Id><Othr><Id>CCP-SETTLE-002</Id></Othr></Id></Acct>)",
                      second_entries, R"(
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
)");
}

std::string Sample() {
  return Document(absl::StrCat(Entry("1234567.89", "CRDT", "BOOK", "COL-20261201-0002"),
                               Entry("0.05", "CRDT", "PDNG", "COL-20261201-0001")),
                  Entry("1.00", "DBIT", "BOOK", "PAY-20261201-0001"));
}

TEST(Camt054ReaderTest, ReadsBookedAndPendingCreditsAndDebitsInCents) {
  absl::StatusOr<std::vector<BankNotification>> entries = ReadCamt054(Sample());
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 3u);

  const BankNotification& big = (*entries)[0];
  EXPECT_EQ(big.notification_index, 0);
  EXPECT_EQ(big.entry_index, 0);
  EXPECT_EQ(big.notification_id, "N-1");
  EXPECT_EQ(big.account_id, "CCP-SETTLE-001");
  EXPECT_EQ(big.amount_cents, 123456789);
  EXPECT_EQ(big.currency, "USD");
  EXPECT_EQ(big.credit_debit, CreditDebit::kCredit);
  EXPECT_EQ(big.status, EntryStatus::kBooked);
  EXPECT_EQ(big.booking_date, absl::CivilDay(2026, 12, 2));
  EXPECT_EQ(big.value_date, absl::CivilDay(2026, 12, 2));
  EXPECT_THAT(big.end_to_end_ids, ElementsAre("COL-20261201-0002"));

  const BankNotification& pending = (*entries)[1];
  EXPECT_EQ(pending.entry_index, 1);
  EXPECT_EQ(pending.amount_cents, 5);
  EXPECT_EQ(pending.status, EntryStatus::kPending);
  EXPECT_THAT(pending.end_to_end_ids, ElementsAre("COL-20261201-0001"));

  const BankNotification& debit = (*entries)[2];
  EXPECT_EQ(debit.notification_index, 1);
  EXPECT_EQ(debit.entry_index, 0);
  EXPECT_EQ(debit.account_id, "CCP-SETTLE-002");
  EXPECT_EQ(debit.amount_cents, 100);
  EXPECT_EQ(debit.credit_debit, CreditDebit::kDebit);
  EXPECT_EQ(debit.status, EntryStatus::kBooked);
}

// The standard allows several NtryDtls in an entry (a bank may give one per batch): the ids
// of every one are read, in order. Reading only the first let a booking of 100.00 for
// COL-1 and COL-4 confirm COL-1 alone (found by camt054_fuzz; the input is
// fuzz/regressions/camt054_fuzz/ntrydtls_second_dropped_confirms_part_of_a_booking.xml).
TEST(Camt054ReaderTest, ReadsTheEndToEndIdsOfEveryNtryDtls) {
  const std::string two_batches = absl::StrReplaceAll(
      Entry("100.00", "CRDT", "BOOK", "COL-1"),
      {{"</NtryDtls>",
        "</NtryDtls><NtryDtls><TxDtls><Refs><EndToEndId>COL-4</EndToEndId></Refs></TxDtls>"
        "<TxDtls><Refs><EndToEndId>COL-5</EndToEndId></Refs></TxDtls></NtryDtls>"}});
  absl::StatusOr<std::vector<BankNotification>> entries = ReadCamt054(Document(two_batches, ""));
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_THAT((*entries)[0].end_to_end_ids, ElementsAre("COL-1", "COL-4", "COL-5"));
}

TEST(Camt054ReaderTest, NamesEveryBadEntryAndReturnsNothing) {
  const std::string xml = Document(
      absl::StrCat(Entry("1.00", "CRDT", "BOOK", "A"), Entry("2.00", "CRDT", "BOOK", "B"),
                   Entry("3.00", "CRDT", "BOOK", "C"), Entry("12.345", "CRDT", "BOOK", "D")),
      Entry("4.00", "XXX", "BOOK", "E"));
  absl::StatusOr<std::vector<BankNotification>> entries = ReadCamt054(xml);
  ASSERT_EQ(entries.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(entries.status().message()), HasSubstr("2 bad entries"));
  EXPECT_THAT(std::string(entries.status().message()),
              HasSubstr("Ntfctn[0].Ntry[3] (line 47): Amt '12.345' has more than 2 decimals"));
  EXPECT_THAT(std::string(entries.status().message()),
              HasSubstr("Ntfctn[1].Ntry[0] (line 64): CdtDbtInd 'XXX' is neither CRDT nor DBIT"));
}

TEST(Camt054ReaderTest, RefusesBadAmounts) {
  struct Case {
    const char* amount;
    const char* message;
  };
  for (const Case& c : {
           Case{"12.345", "Amt '12.345' has more than 2 decimals"},
           Case{"-1.00", "Amt '-1.00' is negative (CdtDbtInd gives the direction)"},
           Case{"0.00", "Amt '0.00' is not positive"},
           Case{"1,00", "Amt '1,00' is not a decimal amount"},
           Case{"99999999999999999999", "Amt '99999999999999999999' is not a decimal amount"},
       }) {
    absl::StatusOr<std::vector<BankNotification>> entries =
        ReadCamt054(Document(Entry(c.amount, "CRDT", "BOOK", "A"), ""));
    ASSERT_EQ(entries.status().code(), absl::StatusCode::kInvalidArgument) << c.amount;
    EXPECT_THAT(std::string(entries.status().message()), HasSubstr(c.message)) << c.amount;
    EXPECT_THAT(std::string(entries.status().message()), HasSubstr("Ntfctn[0].Ntry[0]"))
        << c.amount;
  }
}

TEST(Camt054ReaderTest, RefusesBadCodesCurrencyAndDates) {
  std::string xml = Document(Entry("1.00", "CRDT", "INFO", "A"), "");
  EXPECT_THAT(std::string(ReadCamt054(xml).status().message()),
              HasSubstr("Sts/Cd 'INFO' is neither BOOK nor PDNG"));

  xml = absl::StrReplaceAll(Sample(), {{R"(Ccy="USD">0.05)", R"(Ccy="JPY">0.05)"}});
  EXPECT_THAT(std::string(ReadCamt054(xml).status().message()),
              HasSubstr("Ntfctn[0].Ntry[1] (line 21): Ccy 'JPY' is not a settled ISO 4217 "
                        "currency with 2 minor digits"));

  xml = absl::StrReplaceAll(Sample(), {{"<BookgDt><Dt>2026-12-02</Dt></BookgDt>",
                                        "<BookgDt><Dt>2026-02-30</Dt></BookgDt>"}});
  EXPECT_THAT(std::string(ReadCamt054(xml).status().message()),
              HasSubstr("3 bad entries: Ntfctn[0].Ntry[0] (line 8): BookgDt/Dt '2026-02-30' is "
                        "not a date YYYY-MM-DD"));

  xml = absl::StrReplaceAll(Sample(), {{"<BookgDt><Dt>2026-12-02</Dt></BookgDt>", ""}});
  EXPECT_THAT(std::string(ReadCamt054(xml).status().message()),
              HasSubstr("Ntfctn[0].Ntry[0] (line 8): BOOK entry without BookgDt/Dt"));
}

TEST(Camt054ReaderTest, RefusesWhatIsNotOurCamt054) {
  absl::StatusOr<std::vector<BankNotification>> not_xml = ReadCamt054("Amt,Ccy\n1.00,USD\n");
  EXPECT_EQ(not_xml.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(not_xml.status().message()),
              HasSubstr("camt.054.001.08 refused: line 1"));

  EXPECT_EQ(ReadCamt054("").status().code(), absl::StatusCode::kInvalidArgument);

  // An element the subset does not declare (and the standard does not allow there).
  std::string unexpected = absl::StrReplaceAll(
      Sample(),
      {{"<CdtDbtInd>DBIT</CdtDbtInd>", "<CdtDbtInd>DBIT</CdtDbtInd><Surprise>1</Surprise>"}});
  absl::StatusOr<std::vector<BankNotification>> refused = ReadCamt054(unexpected);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("Surprise"));

  // Another message's namespace.
  std::string other = absl::StrReplaceAll(Sample(), {{"camt.054.001.08", "camt.053.001.08"}});
  EXPECT_EQ(ReadCamt054(other).status().code(), absl::StatusCode::kInvalidArgument);

  // A DTD (entity expansion) is refused before anything is read.
  std::string dtd = absl::StrReplaceAll(
      Sample(), {{"<Document", "<!DOCTYPE Document [<!ENTITY a \"aaaa\">]>\n<Document"}});
  EXPECT_EQ(ReadCamt054(dtd).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Camt054ReaderTest, AcceptsAPrefixedNamespace) {
  std::string prefixed = absl::StrReplaceAll(
      Sample(), {{"<Document xmlns=", "<c:Document xmlns:c="}, {"</Document>", "</c:Document>"}});
  // Only the root is prefixed: its children are then in no namespace, which the schema
  // refuses. A fully prefixed document is what banks send.
  EXPECT_FALSE(ReadCamt054(prefixed).ok());
  std::string all = Sample();
  all = absl::StrReplaceAll(all, {{"<Document xmlns=", "<c:Document xmlns:c="}});
  std::string out;
  for (size_t i = 0; i < all.size(); ++i) {
    out.push_back(all[i]);
    if (all[i] == '<' && i + 1 < all.size() && all[i + 1] != '?' && all[i + 1] != 'c') {
      if (all[i + 1] == '/') {
        out.push_back('/');
        ++i;
      }
      out.append("c:");
    }
  }
  absl::StatusOr<std::vector<BankNotification>> entries = ReadCamt054(out);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_EQ(entries->size(), 3u);
}

}  // namespace
}  // namespace tc::payments
