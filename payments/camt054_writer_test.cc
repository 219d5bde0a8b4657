// camt.054.001.08 as the settlement-bank simulator writes it: a hand-checked golden file,
// validity against our subset schema, the written notifications read back by our reader
// (camt054_reader.h) field by field, the remittance text, and every refusal.
#include "payments/camt054_writer.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "formats/xml_document.h"
#include "formats/xml_schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "payments/camt054_reader.h"
#include "payments/iso20022_schemas.h"

namespace tc::payments {
namespace {

using ::testing::ElementsAre;

constexpr absl::CivilDay kBooked(2026, 12, 2);
constexpr absl::CivilDay kValue(2026, 12, 3);

absl::Time Created() {
  return absl::FromCivil(absl::CivilSecond(2026, 12, 2, 10, 15, 0), absl::UTCTimeZone());
}

Camt054Entry Entry(int64_t cents, CreditDebit credit_debit, EntryStatus status,
                   std::vector<std::string> ids, std::string remittance) {
  Camt054Entry entry;
  entry.amount_cents = cents;
  entry.currency = "USD";
  entry.credit_debit = credit_debit;
  entry.status = status;
  entry.booking_date = kBooked;
  entry.value_date = kValue;
  entry.end_to_end_ids = std::move(ids);
  entry.remittance_text = std::move(remittance);
  return entry;
}

// Two accounts: credits and a debit, booked and pending, an entry booking two
// instructions, one booking none, and an account where nothing moved.
std::vector<Camt054Notification> Notifications() {
  Camt054Notification first;
  first.notification_id = "CCP-SETTLE-001";
  first.account_number = "CCP-SETTLE-001";
  first.entries = {
      Entry(123456789, CreditDebit::kCredit, EntryStatus::kBooked, {"COL-20261201-0002"},
            "VM 2026-12-01 HOUSE BETA & CO"),
      Entry(5, CreditDebit::kCredit, EntryStatus::kPending, {"COL-20261201-0001"}, ""),
      Entry(100, CreditDebit::kDebit, EntryStatus::kBooked,
            {"PAY-20261201-0001", "PAY-20261201-0002"}, "VM 2026-12-01"),
      Entry(7, CreditDebit::kDebit, EntryStatus::kBooked, {}, "BANK FEE"),
  };
  first.entries[3].currency = "EUR";
  Camt054Notification second;
  second.notification_id = "CCP-SETTLE-002";
  second.account_number = "CCP-SETTLE-002";
  Camt054Notification third;
  third.notification_id = "CCP-SETTLE-003";
  third.account_number = "CCP-SETTLE-003";
  third.entries = {Entry(1, CreditDebit::kDebit, EntryStatus::kPending, {"PAY-X"}, "")};
  return {first, second, third};
}

// Checked by hand against docs/PAYMENTS_ISO20022.md and the schema's element order.
constexpr char kGolden[] = R"xml(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
	<BkToCstmrDbtCdtNtfctn>
		<GrpHdr>
			<MsgId>BANK-20261202-1</MsgId>
			<CreDtTm>2026-12-02T10:15:00Z</CreDtTm>
		</GrpHdr>
		<Ntfctn>
			<Id>CCP-SETTLE-001</Id>
			<CreDtTm>2026-12-02T10:15:00Z</CreDtTm>
			<Acct>
				<Id>
					<Othr>
						<Id>CCP-SETTLE-001</Id>
					</Othr>
				</Id>
			</Acct>
			<Ntry>
				<Amt Ccy="USD">1234567.89</Amt>
				<CdtDbtInd>CRDT</CdtDbtInd>
				<Sts>
					<Cd>BOOK</Cd>
				</Sts>
				<BookgDt>
					<Dt>2026-12-02</Dt>
				</BookgDt>
				<ValDt>
					<Dt>2026-12-03</Dt>
				</ValDt>
				<BkTxCd>
					<Domn>
						<Cd>PMNT</Cd>
						<Fmly>
							<Cd>IDDT</Cd>
							<SubFmlyCd>PMDD</SubFmlyCd>
						</Fmly>
					</Domn>
				</BkTxCd>
				<NtryDtls>
					<TxDtls>
						<Refs>
							<EndToEndId>COL-20261201-0002</EndToEndId>
						</Refs>
						<RmtInf>
							<Ustrd>VM 2026-12-01 HOUSE BETA &amp; CO</Ustrd>
						</RmtInf>
					</TxDtls>
				</NtryDtls>
			</Ntry>
			<Ntry>
				<Amt Ccy="USD">1.00</Amt>
				<CdtDbtInd>DBIT</CdtDbtInd>
				<Sts>
					<Cd>PDNG</Cd>
				</Sts>
				<BookgDt>
					<Dt>2026-12-02</Dt>
				</BookgDt>
				<ValDt>
					<Dt>2026-12-03</Dt>
				</ValDt>
				<BkTxCd>
					<Domn>
						<Cd>PMNT</Cd>
						<Fmly>
							<Cd>ICDT</Cd>
							<SubFmlyCd>DMCT</SubFmlyCd>
						</Fmly>
					</Domn>
				</BkTxCd>
				<NtryDtls>
					<TxDtls>
						<Refs>
							<EndToEndId>PAY-20261201-0001</EndToEndId>
						</Refs>
					</TxDtls>
				</NtryDtls>
			</Ntry>
		</Ntfctn>
	</BkToCstmrDbtCdtNtfctn>
</Document>
)xml";

TEST(Camt054WriterTest, WritesTheGoldenFile) {
  Camt054Notification n;
  n.notification_id = "CCP-SETTLE-001";
  n.account_number = "CCP-SETTLE-001";
  n.entries = {Entry(123456789, CreditDebit::kCredit, EntryStatus::kBooked, {"COL-20261201-0002"},
                     "VM 2026-12-01 HOUSE BETA & CO"),
               Entry(100, CreditDebit::kDebit, EntryStatus::kPending, {"PAY-20261201-0001"}, "")};
  absl::StatusOr<std::string> xml = WriteCamt054("BANK-20261202-1", Created(), {n});
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_EQ(*xml, kGolden);
}

TEST(Camt054WriterTest, OutputIsValidAgainstTheSubsetSchema) {
  absl::StatusOr<formats::XmlSchema> schema = formats::XmlSchema::FromText(Camt054Xsd());
  ASSERT_TRUE(schema.ok()) << schema.status();
  absl::StatusOr<std::string> xml = WriteCamt054("BANK-20261202-1", Created(), Notifications());
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_TRUE(schema->Validate(*xml).ok()) << schema->Validate(*xml);
}

TEST(Camt054WriterTest, OurReaderReadsBackEveryEntryFieldByField) {
  const std::vector<Camt054Notification> written = Notifications();
  absl::StatusOr<std::string> xml = WriteCamt054("BANK-20261202-1", Created(), written);
  ASSERT_TRUE(xml.ok()) << xml.status();
  absl::StatusOr<std::vector<BankNotification>> read = ReadCamt054(*xml);
  ASSERT_TRUE(read.ok()) << read.status();

  // The reader returns the entries in document order, each with its notification.
  size_t k = 0;
  for (size_t i = 0; i < written.size(); ++i) {
    for (size_t j = 0; j < written[i].entries.size(); ++j, ++k) {
      SCOPED_TRACE(absl::StrCat("notifications[", i, "].entries[", j, "]"));
      ASSERT_LT(k, read->size());
      const BankNotification& r = (*read)[k];
      const Camt054Entry& w = written[i].entries[j];
      EXPECT_EQ(r.notification_index, static_cast<int>(i));
      EXPECT_EQ(r.entry_index, static_cast<int>(j));
      EXPECT_EQ(r.notification_id, written[i].notification_id);
      EXPECT_EQ(r.account_id, written[i].account_number);
      EXPECT_EQ(r.amount_cents, w.amount_cents);
      EXPECT_EQ(r.currency, w.currency);
      EXPECT_EQ(r.credit_debit, w.credit_debit);
      EXPECT_EQ(r.status, w.status);
      EXPECT_EQ(r.booking_date, w.booking_date);
      EXPECT_EQ(r.value_date, w.value_date);
      EXPECT_EQ(r.end_to_end_ids, w.end_to_end_ids);
    }
  }
  EXPECT_EQ(k, read->size());
  EXPECT_EQ(k, 5u);
}

// The reader does not return remittance text; it is in each TxDtls of its entry.
TEST(Camt054WriterTest, WritesTheRemittanceTextInEachTransaction) {
  absl::StatusOr<std::string> xml = WriteCamt054("BANK-20261202-1", Created(), Notifications());
  ASSERT_TRUE(xml.ok()) << xml.status();
  absl::StatusOr<formats::XmlElement> root = formats::ParseXml(*xml);
  ASSERT_TRUE(root.ok()) << root.status();
  const formats::XmlElement& first = root->children[0].children[1];  // Ntfctn[0]
  std::vector<std::string> remittances;
  for (const formats::XmlElement& entry : first.children) {
    if (entry.name != "Ntry") continue;
    const formats::XmlElement* details = entry.FindChild("NtryDtls");
    if (details == nullptr) {
      remittances.push_back("(no NtryDtls)");
      continue;
    }
    for (const formats::XmlElement& tx : details->children) {
      const formats::XmlElement* rmt = tx.FindChild("RmtInf");
      remittances.push_back(rmt == nullptr ? "" : rmt->FindChild("Ustrd")->text);
    }
  }
  EXPECT_THAT(remittances, ElementsAre("VM 2026-12-01 HOUSE BETA & CO", "", "VM 2026-12-01",
                                       "VM 2026-12-01", "BANK FEE"));
}

TEST(Camt054WriterTest, SameInputsSameBytes) {
  EXPECT_EQ(*WriteCamt054("BANK-1", Created(), Notifications()),
            *WriteCamt054("BANK-1", Created(), Notifications()));
}

struct Refusal {
  const char* name;
  void (*spoil)(std::string&, absl::Time&, std::vector<Camt054Notification>&);
  const char* message;
};

class Camt054WriterRefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(Camt054WriterRefusalTest, RefusesNamingTheField) {
  std::string message_id = "BANK-20261202-1";
  absl::Time created = Created();
  std::vector<Camt054Notification> notifications = Notifications();
  GetParam().spoil(message_id, created, notifications);
  absl::StatusOr<std::string> xml = WriteCamt054(message_id, created, notifications);
  ASSERT_EQ(xml.status().code(), absl::StatusCode::kInvalidArgument) << xml.status();
  EXPECT_EQ(std::string(xml.status().message()), GetParam().message);
}

using NotificationList = std::vector<Camt054Notification>;

INSTANTIATE_TEST_SUITE_P(
    Refusals, Camt054WriterRefusalTest,
    ::testing::Values(
        Refusal{"message_id_too_long",
                [](std::string& id, absl::Time&, NotificationList&) { id = std::string(36, 'B'); },
                "message_id 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' is longer than 35 characters"},
        Refusal{"message_id_space",
                [](std::string& id, absl::Time&, NotificationList&) { id = "BANK 1"; },
                "message_id 'BANK 1' is malformed: 1-64 characters of [A-Za-z0-9._:-], "
                "starting alphanumeric"},
        Refusal{"infinite_time",
                [](std::string&, absl::Time& t, NotificationList&) { t = absl::InfiniteFuture(); },
                "creation_time is not a finite time"},
        Refusal{"no_notifications",
                [](std::string&, absl::Time&, NotificationList& n) { n.clear(); },
                "notifications is empty: a camt.054 holds at least one Ntfctn"},
        Refusal{"duplicate_notification_id",
                [](std::string&, absl::Time&, NotificationList& n) {
                  n[2].notification_id = n[0].notification_id;
                },
                "notifications[2].notification_id 'CCP-SETTLE-001' appears twice in the "
                "message"},
        Refusal{"bad_account",
                [](std::string&, absl::Time&, NotificationList& n) {
                  n[1].account_number = "CCP SETTLE";
                },
                "notifications[1].account_number 'CCP SETTLE' has a character other than a "
                "letter, digit or '-'"},
        Refusal{"zero_amount",
                [](std::string&, absl::Time&, NotificationList& n) {
                  n[0].entries[1].amount_cents = 0;
                },
                "notifications[0].entries[1].amount_cents 0 is not positive: credit_debit says "
                "which way money moves"},
        Refusal{"negative_amount",
                [](std::string&, absl::Time&, NotificationList& n) {
                  n[2].entries[0].amount_cents = -1;
                },
                "notifications[2].entries[0].amount_cents -1 is not positive: credit_debit says "
                "which way money moves"},
        Refusal{"currency",
                [](std::string&, absl::Time&, NotificationList& n) {
                  n[0].entries[2].currency = "JPY";
                },
                "notifications[0].entries[2].currency 'JPY' is not a settled ISO 4217 currency "
                "with 2 minor digits"},
        Refusal{"end_to_end_id",
                [](std::string&, absl::Time&, NotificationList& n) {
                  n[0].entries[2].end_to_end_ids[1] = std::string(36, '9');
                },
                "notifications[0].entries[2].end_to_end_ids[1] "
                "'999999999999999999999999999999999999' is longer than 35 characters"},
        Refusal{"remittance_control_character",
                [](std::string&, absl::Time&, NotificationList& n) {
                  n[0].entries[0].remittance_text = "VM\n2026";
                },
                "notifications[0].entries[0].remittance_text 'VM\n2026' contains a control "
                "character"}),
    [](const ::testing::TestParamInfo<Refusal>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tc::payments
