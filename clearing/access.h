// Who may see and do what: the roles an API principal can hold, the named role sets each
// RPC admits, and the scope rules that keep a clearing member inside its own accounts.
// Pure rules over a principal and the reference snapshot; every gRPC handler asks here
// (through the one call helper), so a new role or scope is added in this file only.
//
// The rule that matters most: a member principal sees only its own member's accounts, and
// the answer for another member's account is the same as for one that does not exist
// (PERMISSION_DENIED with the same wording), so that account ids cannot be probed.
//
//   TC_RETURN_IF_ERROR(RequireRole(caller, kPositionReaders));
//   TC_ASSIGN_OR_RETURN(std::string member, VisibleMember(caller, request.member_id()));
//   TC_RETURN_IF_ERROR(CheckAccountVisible(caller, snapshot, request.account_id()));
#ifndef TOKENCLEAR_CLEARING_ACCESS_H_
#define TOKENCLEAR_CLEARING_ACCESS_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clearing/reference_data.h"

namespace tc::clearing {

enum class Role { kAdmin, kExchange, kMember, kTreasury, kRegulator, kIndexProvider, kRisk };

absl::string_view RoleName(Role role);  // "ADMIN", "EXCHANGE", ...
std::optional<Role> RoleFromName(absl::string_view name);

// An authenticated API caller.
struct Principal {
  std::string principal_id;
  Role role = Role::kMember;
  std::string member_id;  // kMember only: the clearing member it acts for
};

// A set of roles, as a bit mask (constexpr, so the named sets below are compile-time).
class RoleSet {
 public:
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role role : roles) bits_ |= Bit(role);
  }
  constexpr bool Contains(Role role) const { return (bits_ & Bit(role)) != 0; }

 private:
  static constexpr uint32_t Bit(Role role) { return uint32_t{1} << static_cast<int>(role); }
  uint32_t bits_ = 0;
};

// The access matrix (README, "Services"). Reference data and published market data
// (products, contract months, members and accounts (a member sees only its own), open
// interest, risk parameter sets, what-if) are readable by every role: the exchange routes
// trades to accounts and admin maintains them; a member's positions, trades and margins by the
// member itself, treasury and the regulator, never by admin or the exchange.
inline constexpr RoleSet kAnyRole = {Role::kAdmin,    Role::kExchange,  Role::kMember,
                                     Role::kTreasury, Role::kRegulator, Role::kIndexProvider,
                                     Role::kRisk};
inline constexpr RoleSet kAdminOnly = {Role::kAdmin};
inline constexpr RoleSet kExchangeOnly = {Role::kExchange};
inline constexpr RoleSet kTreasuryOnly = {Role::kTreasury};
inline constexpr RoleSet kPositionReaders = {Role::kMember, Role::kTreasury, Role::kRegulator};
inline constexpr RoleSet kIndexProviderOnly = {Role::kIndexProvider};
// The risk department: index history, calibration and four-eyes approval of parameter sets.
inline constexpr RoleSet kRiskOnly = {Role::kRisk};
// The audit log: who did what, including refusals.
inline constexpr RoleSet kAuditReaders = {Role::kTreasury, Role::kRegulator};
// The ledger, the end-of-day run and index guards: the house's books, not market data.
inline constexpr RoleSet kSettlementReaders = {Role::kTreasury, Role::kRegulator};

// PERMISSION_DENIED unless the principal holds a role of `roles`.
absl::Status RequireRole(const Principal& principal, RoleSet roles);

// The member whose data a caller may see: its own for members, `requested` (possibly
// empty = all) for every other role. PERMISSION_DENIED for a member asking for another.
absl::StatusOr<std::string> VisibleMember(const Principal& principal, absl::string_view requested);

// For a member: PERMISSION_DENIED when `account_id` is not one of its own accounts,
// whether it belongs to another member or does not exist (the same answer for both).
// Other roles may see every account; OK even for an unknown id (callers say NOT_FOUND).
absl::Status CheckAccountVisible(const Principal& principal, const ReferenceSnapshot& snapshot,
                                 absl::string_view account_id);

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_ACCESS_H_
