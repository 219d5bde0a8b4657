#include "services/reference_data/reference_data_service.h"

#include <algorithm>
#include <variant>

#include "absl/strings/str_cat.h"
#include "clearing/contract_calendar.h"
#include "clearing/reference_validation.h"
#include "core/business_date.h"
#include "core/identifiers.h"
#include "core/sha256.h"
#include "core/status_macros.h"
#include "services/common/proto_convert.h"
#include "store/access_store.h"

namespace tc::services {
namespace {

using clearing::Role;

constexpr absl::Duration kAdminTime = absl::Seconds(30);
constexpr absl::Duration kReadTime = absl::Seconds(10);
constexpr size_t kMinTokenLength = 16;
// A token given with its principal (a seed file's) lasts a year unless the request says.
constexpr int kDefaultTokenTtlDays = 365;
constexpr int kMaxTokenTtlDays = 3650;

absl::StatusOr<Role> RoleFromProto(pb::Role role) {
  switch (role) {
    case pb::ROLE_ADMIN:
      return Role::kAdmin;
    case pb::ROLE_EXCHANGE:
      return Role::kExchange;
    case pb::ROLE_MEMBER:
      return Role::kMember;
    case pb::ROLE_TREASURY:
      return Role::kTreasury;
    case pb::ROLE_REGULATOR:
      return Role::kRegulator;
    case pb::ROLE_INDEX_PROVIDER:
      return Role::kIndexProvider;
    case pb::ROLE_RISK:
      return Role::kRisk;
    default:
      return absl::InvalidArgumentError(absl::StrCat("principal.role ", role, " is not a role"));
  }
}

absl::Status ToStatus(const clearing::Rejection& rejection) {
  return absl::Status(rejection.code, rejection.message);
}

// Converts admin input, turning a conversion Rejection into a status.
template <typename Domain, typename Proto>
absl::StatusOr<Domain> Convert(const Proto& input) {
  auto converted = FromProto(input);
  if (auto* rejection = std::get_if<clearing::Rejection>(&converted)) return ToStatus(*rejection);
  return std::get<Domain>(std::move(converted));
}

// The values of `map` that `keep` accepts, ordered by `field` (deterministic listings).
template <typename Map, typename Keep, typename Field>
auto SortedBy(const Map& map, Keep keep, Field field) {
  using Value = typename Map::mapped_type;
  std::vector<const Value*> values;
  for (const auto& [key, value] : map) {
    if (keep(value)) values.push_back(&value);
  }
  std::sort(values.begin(), values.end(),
            [field](const Value* a, const Value* b) { return a->*field < b->*field; });
  return values;
}

constexpr auto kAll = [](const auto&) { return true; };

}  // namespace

grpc::Status ReferenceDataServiceImpl::Mutate(
    Context* context, absl::string_view action,
    absl::FunctionRef<absl::StatusOr<std::string>()> prepare,
    absl::FunctionRef<absl::StatusOr<bool>(pqxx::work&, const ReferenceState&, const Call&)>
        write) {
  return rpc_.Run(
      context, action, clearing::kAdminOnly, kAdminTime, [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(const std::string target, prepare());
        absl::Status status =
            pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
              std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
              TC_ASSIGN_OR_RETURN(const bool changed, write(tx, *state, call));
              if (changed) store::Audit(tx, call.actor(), std::string(action), target, {}, {});
              return absl::OkStatus();
            });
        cache_.Invalidate();
        return status;
      });
}

grpc::Status ReferenceDataServiceImpl::Read(
    Context* context, absl::string_view method, clearing::RoleSet roles,
    absl::FunctionRef<absl::Status(const Principal&, const ReferenceState&)> body) {
  return rpc_.Run(context, method, roles, kReadTime, [&](const Call& call) -> absl::Status {
    TC_ASSIGN_OR_RETURN(std::shared_ptr<const ReferenceState> state, cache_.Recent());
    return body(call.caller, *state);
  });
}

grpc::Status ReferenceDataServiceImpl::UpsertProduct(Context* context,
                                                     const pb::UpsertProductRequest* request,
                                                     pb::Product* response) {
  absl::StatusOr<clearing::Product> product;
  return Mutate(
      context, "UpsertProduct",
      [&]() -> absl::StatusOr<std::string> {
        product = Convert<clearing::Product>(request->product());
        TC_RETURN_IF_ERROR(product.status());
        if (auto r = clearing::ValidateProduct(*product, "product")) return ToStatus(*r);
        *response = ToProto(*product);
        return product->product_code;
      },
      [&](pqxx::work& tx, const ReferenceState&, const Call&) -> absl::StatusOr<bool> {
        return store::UpsertProduct(tx, *product);
      });
}

grpc::Status ReferenceDataServiceImpl::UpsertInstrument(Context* context,
                                                        const pb::UpsertInstrumentRequest* request,
                                                        pb::Instrument* response) {
  absl::StatusOr<clearing::Instrument> instrument;
  return Mutate(
      context, "UpsertInstrument",
      [&]() -> absl::StatusOr<std::string> {
        instrument = Convert<clearing::Instrument>(request->instrument());
        TC_RETURN_IF_ERROR(instrument.status());
        *response = ToProto(*instrument);
        return instrument->instrument_id;
      },
      [&](pqxx::work& tx, const ReferenceState& state, const Call&) -> absl::StatusOr<bool> {
        if (auto r = clearing::ValidateInstrument(*instrument, state.snapshot, "instrument")) {
          return ToStatus(*r);
        }
        return store::UpsertInstrument(tx, *instrument);
      });
}

grpc::Status ReferenceDataServiceImpl::ListContractMonths(
    Context* context, const pb::ListContractMonthsRequest* request,
    pb::ListContractMonthsResponse* response) {
  return Mutate(
      context, "ListContractMonths",
      [&]() -> absl::StatusOr<std::string> {
        return request->product_code().empty() ? "*" : request->product_code();
      },
      [&](pqxx::work& tx, const ReferenceState& state, const Call&) -> absl::StatusOr<bool> {
        const clearing::ReferenceSnapshot& snapshot = state.snapshot;
        if (!snapshot.open_business_date) {
          return absl::FailedPreconditionError("no business date is open to list from");
        }
        if (!request->product_code().empty() &&
            snapshot.FindProduct(request->product_code()) == nullptr) {
          return absl::NotFoundError(
              absl::StrCat("product_code '", request->product_code(), "' is not a known product"));
        }
        const clearing::BusinessCalendar calendar(state.holidays);
        auto wanted = [&](const clearing::Product& p) {
          return request->product_code().empty() || p.product_code == request->product_code();
        };
        for (const clearing::Product* product :
             SortedBy(snapshot.products, wanted, &clearing::Product::product_code)) {
          for (const clearing::Instrument& instrument :
               clearing::ContractMonthsToList(*product, *snapshot.open_business_date, calendar)) {
            if (snapshot.FindInstrument(instrument.instrument_id) != nullptr) continue;
            store::UpsertInstrument(tx, instrument);
            *response->add_listed() = ToProto(instrument);
          }
        }
        return response->listed_size() > 0;
      });
}

grpc::Status ReferenceDataServiceImpl::UpsertMember(Context* context,
                                                    const pb::UpsertMemberRequest* request,
                                                    pb::Member* response) {
  absl::StatusOr<clearing::Member> member;
  return Mutate(
      context, "UpsertMember",
      [&]() -> absl::StatusOr<std::string> {
        member = Convert<clearing::Member>(request->member());
        TC_RETURN_IF_ERROR(member.status());
        if (auto r = clearing::ValidateMember(*member, "member")) return ToStatus(*r);
        *response = ToProto(*member);
        return member->member_id;
      },
      [&](pqxx::work& tx, const ReferenceState&, const Call&) -> absl::StatusOr<bool> {
        return store::UpsertMember(tx, *member);
      });
}

grpc::Status ReferenceDataServiceImpl::UpsertAccount(Context* context,
                                                     const pb::UpsertAccountRequest* request,
                                                     pb::Account* response) {
  absl::StatusOr<clearing::Account> account;
  return Mutate(
      context, "UpsertAccount",
      [&]() -> absl::StatusOr<std::string> {
        account = Convert<clearing::Account>(request->account());
        TC_RETURN_IF_ERROR(account.status());
        *response = ToProto(*account);
        return account->account_id;
      },
      [&](pqxx::work& tx, const ReferenceState& state, const Call&) -> absl::StatusOr<bool> {
        if (auto r = clearing::ValidateAccount(*account, state.snapshot, "account")) {
          return ToStatus(*r);
        }
        const clearing::Account* existing = state.snapshot.FindAccount(account->account_id);
        if (existing != nullptr &&
            (existing->origin != account->origin || existing->member_id != account->member_id)) {
          return absl::FailedPreconditionError(
              absl::StrCat("account.origin: account '", account->account_id,
                           "' cannot change its origin or member"));
        }
        return store::UpsertAccount(tx, *account);
      });
}

grpc::Status ReferenceDataServiceImpl::UpsertPrincipal(Context* context,
                                                       const pb::UpsertPrincipalRequest* request,
                                                       pb::Principal* response) {
  const pb::Principal& in = request->principal();
  std::optional<Role> role;
  return Mutate(
      context, "UpsertPrincipal",
      [&]() -> absl::StatusOr<std::string> {
        TC_RETURN_IF_ERROR(ValidateIdentifier("principal.principal_id", in.principal_id()));
        TC_ASSIGN_OR_RETURN(role, RoleFromProto(in.role()));
        if ((*role == Role::kMember) != !in.member_id().empty()) {
          return absl::InvalidArgumentError(
              "principal.member_id is required for ROLE_MEMBER and only for it");
        }
        if (!in.token().empty() && in.token().size() < kMinTokenLength) {
          return absl::InvalidArgumentError(
              absl::StrCat("principal.token must be at least ", kMinTokenLength, " characters"));
        }
        if (in.token_ttl_days() < 0 || in.token_ttl_days() > kMaxTokenTtlDays) {
          return absl::InvalidArgumentError(absl::StrCat("principal.token_ttl_days ",
                                                         in.token_ttl_days(), " is not in 0..",
                                                         kMaxTokenTtlDays));
        }
        *response = in;
        response->clear_token();
        return in.principal_id();
      },
      [&](pqxx::work& tx, const ReferenceState& state, const Call& call) -> absl::StatusOr<bool> {
        if (!in.member_id().empty() && state.snapshot.FindMember(in.member_id()) == nullptr) {
          return absl::NotFoundError(
              absl::StrCat("principal.member_id '", in.member_id(), "' is not a known member"));
        }
        bool changed = store::UpsertPrincipal(tx, {in.principal_id(), *role, in.member_id()});
        if (!in.token().empty()) {
          const int ttl_days =
              in.token_ttl_days() == 0 ? kDefaultTokenTtlDays : in.token_ttl_days();
          TC_ASSIGN_OR_RETURN(const bool issued,
                              store::EnsureSeedToken(tx, in.principal_id(), Sha256(in.token()),
                                                     call.caller.principal_id, call.now,
                                                     absl::Hours(24) * ttl_days));
          changed = changed || issued;
        }
        return changed;
      });
}

grpc::Status ReferenceDataServiceImpl::UpsertHoliday(Context* context,
                                                     const pb::UpsertHolidayRequest* request,
                                                     pb::Holiday* response) {
  absl::StatusOr<absl::CivilDay> day;
  return Mutate(
      context, "UpsertHoliday",
      [&]() -> absl::StatusOr<std::string> {
        day = ParseBusinessDate("holiday.date", request->holiday().date());
        TC_RETURN_IF_ERROR(day.status());
        if (request->holiday().name().empty() || request->holiday().name().size() > 200) {
          return absl::InvalidArgumentError("holiday.name is required (at most 200 bytes)");
        }
        *response = request->holiday();
        return request->holiday().date();
      },
      [&](pqxx::work& tx, const ReferenceState& state, const Call&) -> absl::StatusOr<bool> {
        if (state.snapshot.open_business_date == *day) {
          return absl::FailedPreconditionError(absl::StrCat(
              "holiday.date ", request->holiday().date(), " is the open business date"));
        }
        return store::UpsertHoliday(tx, *day, request->holiday().name());
      });
}

grpc::Status ReferenceDataServiceImpl::OpenFirstBusinessDate(
    Context* context, const pb::OpenFirstBusinessDateRequest* request, pb::BusinessDate* response) {
  absl::StatusOr<absl::CivilDay> day;
  return Mutate(
      context, "OpenFirstBusinessDate",
      [&]() -> absl::StatusOr<std::string> {
        day = ParseBusinessDate("business_date", request->business_date());
        TC_RETURN_IF_ERROR(day.status());
        return request->business_date();
      },
      [&](pqxx::work& tx, const ReferenceState& state, const Call&) -> absl::StatusOr<bool> {
        if (!clearing::BusinessCalendar(state.holidays).IsBusinessDay(*day)) {
          return absl::InvalidArgumentError(
              absl::StrCat("business_date ", request->business_date(), " is not a business day"));
        }
        std::optional<store::OpenedDate> open = store::OpenFirstBusinessDate(tx, *day);
        if (!open) {
          return absl::FailedPreconditionError(
              "business dates exist but none is open: the end-of-day roll opens the next one");
        }
        response->set_business_date(FormatBusinessDate(open->business_date));
        return open->opened_now;
      });
}

grpc::Status ReferenceDataServiceImpl::ListProducts(Context* context,
                                                    const pb::ListProductsRequest*,
                                                    pb::ListProductsResponse* response) {
  return Read(context, "ListProducts", clearing::kAnyRole,
              [&](const Principal&, const ReferenceState& state) {
                for (const auto* p :
                     SortedBy(state.snapshot.products, kAll, &clearing::Product::product_code)) {
                  *response->add_products() = ToProto(*p);
                }
                return absl::OkStatus();
              });
}

grpc::Status ReferenceDataServiceImpl::ListInstruments(Context* context,
                                                       const pb::ListInstrumentsRequest* request,
                                                       pb::ListInstrumentsResponse* response) {
  return Read(
      context, "ListInstruments", clearing::kAnyRole,
      [&](const Principal&, const ReferenceState& state) {
        auto wanted = [&](const clearing::Instrument& i) {
          return request->product_code().empty() || i.product_code == request->product_code();
        };
        for (const auto* i :
             SortedBy(state.snapshot.instruments, wanted, &clearing::Instrument::instrument_id)) {
          *response->add_instruments() = ToProto(*i);
        }
        return absl::OkStatus();
      });
}

grpc::Status ReferenceDataServiceImpl::ListMembers(Context* context, const pb::ListMembersRequest*,
                                                   pb::ListMembersResponse* response) {
  return Read(context, "ListMembers", clearing::kAnyRole,
              [&](const Principal& caller, const ReferenceState& state) {
                auto visible = [&](const clearing::Member& m) {
                  return caller.role != Role::kMember || m.member_id == caller.member_id;
                };
                for (const auto* m :
                     SortedBy(state.snapshot.members, visible, &clearing::Member::member_id)) {
                  *response->add_members() = ToProto(*m);
                }
                return absl::OkStatus();
              });
}

grpc::Status ReferenceDataServiceImpl::ListAccounts(Context* context,
                                                    const pb::ListAccountsRequest* request,
                                                    pb::ListAccountsResponse* response) {
  return Read(context, "ListAccounts", clearing::kAnyRole,
              [&](const Principal& caller, const ReferenceState& state) -> absl::Status {
                absl::StatusOr<std::string> member =
                    clearing::VisibleMember(caller, request->member_id());
                if (!member.ok()) return member.status();
                auto visible = [&](const clearing::Account& a) {
                  return member->empty() || a.member_id == *member;
                };
                for (const auto* a :
                     SortedBy(state.snapshot.accounts, visible, &clearing::Account::account_id)) {
                  *response->add_accounts() = ToProto(*a);
                }
                return absl::OkStatus();
              });
}

grpc::Status ReferenceDataServiceImpl::GetBusinessDate(Context* context,
                                                       const pb::GetBusinessDateRequest*,
                                                       pb::BusinessDate* response) {
  return Read(context, "GetBusinessDate", clearing::kAnyRole,
              [&](const Principal&, const ReferenceState& state) -> absl::Status {
                if (!state.snapshot.open_business_date) {
                  return absl::FailedPreconditionError("no business date is open");
                }
                response->set_business_date(FormatBusinessDate(*state.snapshot.open_business_date));
                return absl::OkStatus();
              });
}

}  // namespace tc::services
