#include "store/reference_store.h"

#include "core/business_date.h"
#include "core/check.h"
#include "store/pg_array.h"
#include "store/pg_date.h"

namespace tc::store {
namespace {

using clearing::AccountClass;
using clearing::AccountStatus;
using clearing::FinalSettlementRule;
using clearing::InstrumentStatus;
using clearing::MemberStatus;
using clearing::Origin;

}  // namespace

int64_t ReadReferenceVersion(pqxx::transaction_base& tx) {
  return tx.exec1("SELECT version FROM reference_version")[0].as<int64_t>();
}

absl::StatusOr<clearing::ReferenceSnapshot> LoadReferenceSnapshot(pqxx::transaction_base& tx) {
  clearing::ReferenceSnapshot snapshot;
  snapshot.version = ReadReferenceVersion(tx);
  pqxx::result open = tx.exec("SELECT business_date FROM business_days WHERE status = 'OPEN'");
  if (!open.empty()) snapshot.open_business_date = DateFromField(open[0][0]);

  for (const pqxx::row& r :
       tx.exec("SELECT product_code, name, index_code, contract_multiplier, tick_size_micros,"
               " currency, listed_months, final_settlement_rule, last_trading_offset_days,"
               " settlement_type, max_trade_quantity, max_price_micros FROM products")) {
    clearing::Product p;
    p.product_code = r[0].as<std::string>();
    p.name = r[1].as<std::string>();
    p.index_code = r[2].as<std::string>();
    p.contract_multiplier = r[3].as<int64_t>();
    p.tick_size_micros = r[4].as<int64_t>();
    p.currency = r[5].as<std::string>();
    p.listed_months = r[6].as<int>();
    p.final_settlement_rule = r[7].as<std::string>() == "THIRD_WEDNESDAY"
                                  ? FinalSettlementRule::kThirdWednesday
                                  : FinalSettlementRule::kLastBusinessDay;
    p.last_trading_offset_days = r[8].as<int>();
    p.settlement_type = r[9].as<std::string>();
    p.max_trade_quantity = r[10].as<int64_t>();
    p.max_price_micros = r[11].as<int64_t>();
    snapshot.products[p.product_code] = std::move(p);
  }
  for (const pqxx::row& r :
       tx.exec("SELECT instrument_id, product_code, contract_month, last_trading_date,"
               " final_settlement_date, status FROM instruments")) {
    clearing::Instrument i{r[0].as<std::string>(),
                           r[1].as<std::string>(),
                           r[2].as<std::string>(),
                           DateFromField(r[3]),
                           DateFromField(r[4]),
                           r[5].as<std::string>() == "ACTIVE" ? InstrumentStatus::kActive
                                                              : InstrumentStatus::kExpired};
    snapshot.instruments[i.instrument_id] = std::move(i);
  }
  for (const pqxx::row& r : tx.exec("SELECT member_id, name, lei, status FROM members")) {
    clearing::Member m{
        r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
        r[3].as<std::string>() == "ACTIVE" ? MemberStatus::kActive : MemberStatus::kSuspended};
    snapshot.members[m.member_id] = std::move(m);
  }
  for (const pqxx::row& r : tx.exec("SELECT account_id, member_id, origin, account_class, status,"
                                    " coalesce(customer_name, '') FROM accounts")) {
    const std::string account_class = r[3].as<std::string>();
    clearing::Account a{
        r[0].as<std::string>(),
        r[1].as<std::string>(),
        r[2].as<std::string>() == "HOUSE" ? Origin::kHouse : Origin::kCustomer,
        account_class == "MEMBER"   ? AccountClass::kMember
        : account_class == "HEDGER" ? AccountClass::kHedger
                                    : AccountClass::kSpeculator,
        r[4].as<std::string>() == "ACTIVE" ? AccountStatus::kActive : AccountStatus::kSuspended,
        r[5].as<std::string>()};
    snapshot.accounts[a.account_id] = std::move(a);
  }
  // Open flags (migration 0008), earliest first: a member with several keeps the first,
  // the one it has owed longest.
  for (const pqxx::row& r :
       tx.exec("SELECT member_id, flag, instruction_id, reason FROM member_flags"
               " WHERE cured_at IS NULL ORDER BY raised_at, flag_id")) {
    snapshot.flagged_members.try_emplace(
        r[0].as<std::string>(),
        clearing::MemberFlagNote{r[1].as<std::string>(), r[2].as<std::string>(),
                                 r[3].as<std::string>()});
  }
  return snapshot;
}

absl::flat_hash_set<absl::CivilDay> LoadHolidays(pqxx::transaction_base& tx) {
  absl::flat_hash_set<absl::CivilDay> holidays;
  for (const pqxx::row& r : tx.exec("SELECT holiday FROM holidays"))
    holidays.insert(DateFromField(r[0]));
  return holidays;
}

bool UpsertProduct(pqxx::transaction_base& tx, const clearing::Product& p) {
  return tx.exec_params(
               "INSERT INTO products (product_code, name, index_code, contract_multiplier,"
               " tick_size_micros, currency, listed_months, final_settlement_rule,"
               " last_trading_offset_days, settlement_type, max_trade_quantity,"
               " max_price_micros)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
               " ON CONFLICT (product_code) DO UPDATE SET name = excluded.name,"
               " index_code = excluded.index_code, contract_multiplier = "
               "excluded.contract_multiplier,"
               " tick_size_micros = excluded.tick_size_micros, currency = excluded.currency,"
               " listed_months = excluded.listed_months,"
               " final_settlement_rule = excluded.final_settlement_rule,"
               " last_trading_offset_days = excluded.last_trading_offset_days,"
               " settlement_type = excluded.settlement_type,"
               " max_trade_quantity = excluded.max_trade_quantity,"
               " max_price_micros = excluded.max_price_micros"
               " WHERE (products.*) IS DISTINCT FROM (excluded.*)",
               p.product_code, p.name, p.index_code, p.contract_multiplier, p.tick_size_micros,
               p.currency, p.listed_months,
               p.final_settlement_rule == FinalSettlementRule::kThirdWednesday
                   ? "THIRD_WEDNESDAY"
                   : "LAST_BUSINESS_DAY",
               p.last_trading_offset_days, p.settlement_type, p.max_trade_quantity,
               p.max_price_micros)
             .affected_rows() > 0;
}

bool UpsertInstrument(pqxx::transaction_base& tx, const clearing::Instrument& i) {
  return tx.exec_params(
               "INSERT INTO instruments (instrument_id, product_code, contract_month, "
               "last_trading_date,"
               " final_settlement_date, status) VALUES ($1, $2, $3, $4::date, $5::date, $6)"
               " ON CONFLICT (instrument_id) DO UPDATE SET last_trading_date = "
               "excluded.last_trading_date,"
               " final_settlement_date = excluded.final_settlement_date, status = excluded.status"
               " WHERE (instruments.*) IS DISTINCT FROM (excluded.*)",
               i.instrument_id, i.product_code, i.contract_month, DateParam(i.last_trading_date),
               DateParam(i.final_settlement_date),
               i.status == InstrumentStatus::kActive ? "ACTIVE" : "EXPIRED")
             .affected_rows() > 0;
}

bool UpsertMember(pqxx::transaction_base& tx, const clearing::Member& m) {
  return tx.exec_params(
               "INSERT INTO members (member_id, name, lei, status) VALUES ($1, $2, $3, $4)"
               " ON CONFLICT (member_id) DO UPDATE SET name = excluded.name, lei = excluded.lei,"
               " status = excluded.status WHERE (members.*) IS DISTINCT FROM (excluded.*)",
               m.member_id, m.name, m.lei,
               m.status == MemberStatus::kActive ? "ACTIVE" : "SUSPENDED")
             .affected_rows() > 0;
}

bool UpsertAccount(pqxx::transaction_base& tx, const clearing::Account& a) {
  const char* account_class = a.account_class == AccountClass::kMember   ? "MEMBER"
                              : a.account_class == AccountClass::kHedger ? "HEDGER"
                                                                         : "SPECULATOR";
  return tx.exec_params(
               "INSERT INTO accounts (account_id, member_id, origin, account_class, status, "
               "customer_name)"
               " VALUES ($1, $2, $3, $4, $5, nullif($6, ''))"
               " ON CONFLICT (account_id) DO UPDATE SET member_id = excluded.member_id,"
               " origin = excluded.origin, account_class = excluded.account_class,"
               " status = excluded.status, customer_name = excluded.customer_name"
               " WHERE (accounts.*) IS DISTINCT FROM (excluded.*)",
               a.account_id, a.member_id, a.origin == Origin::kHouse ? "HOUSE" : "CUSTOMER",
               account_class, a.status == AccountStatus::kActive ? "ACTIVE" : "SUSPENDED",
               a.customer_name)
             .affected_rows() > 0;
}

bool UpsertPrincipal(pqxx::transaction_base& tx, const PrincipalRecord& p) {
  return tx.exec_params(
               "INSERT INTO principals (principal_id, role, member_id)"
               " VALUES ($1, $2, nullif($3, ''))"
               " ON CONFLICT (principal_id) DO UPDATE SET role = excluded.role,"
               " member_id = excluded.member_id"
               " WHERE (principals.*) IS DISTINCT FROM (excluded.*)",
               p.principal_id, std::string(RoleName(p.role)), p.member_id)
             .affected_rows() > 0;
}

bool UpsertHoliday(pqxx::transaction_base& tx, absl::CivilDay day, const std::string& name) {
  return tx.exec_params(
               "INSERT INTO holidays (holiday, name) VALUES ($1::date, $2)"
               " ON CONFLICT (holiday) DO UPDATE SET name = excluded.name"
               " WHERE (holidays.*) IS DISTINCT FROM (excluded.*)",
               DateParam(day), name)
             .affected_rows() > 0;
}

std::optional<OpenedDate> OpenFirstBusinessDate(pqxx::transaction_base& tx, absl::CivilDay day) {
  // Serialise concurrent first opens; later dates are opened by the end-of-day roll.
  tx.exec0("LOCK TABLE business_days IN SHARE ROW EXCLUSIVE MODE");
  pqxx::result any = tx.exec("SELECT 1 FROM business_days LIMIT 1");
  if (any.empty()) {
    tx.exec_params("INSERT INTO business_days (business_date, status) VALUES ($1::date, 'OPEN')",
                   DateParam(day));
    return OpenedDate{day, true};
  }
  pqxx::result open = tx.exec("SELECT business_date FROM business_days WHERE status = 'OPEN'");
  if (open.empty()) return std::nullopt;
  return OpenedDate{DateFromField(open[0][0]), false};
}

void Audit(pqxx::transaction_base& tx, const Actor& actor, const std::string& action,
           const std::string& target, const std::vector<std::string>& detail_keys,
           const std::vector<std::string>& detail_values) {
  TC_CHECK(detail_keys.size() == detail_values.size());
  tx.exec_params(
      "INSERT INTO audit_log (principal_id, request_id, action, target, detail)"
      " VALUES ($1, $2, $3, $4, jsonb_object($5::text[], $6::text[]))",
      actor.principal_id, actor.request_id, action, target, TextArray(detail_keys),
      TextArray(detail_values));
}

void AuditRefusal(pqxx::transaction_base& tx, const Actor& actor, const std::string& action,
                  const std::string& outcome, const std::string& message) {
  tx.exec_params(
      "INSERT INTO audit_log (principal_id, request_id, action, target, outcome, detail)"
      " VALUES ($1, $2, $3, '', $4, jsonb_build_object('message', $5::text))",
      actor.principal_id, actor.request_id, action, outcome, message);
}

}  // namespace tc::store
