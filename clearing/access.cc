#include "clearing/access.h"

#include "absl/strings/str_cat.h"

namespace tc::clearing {
namespace {

constexpr std::pair<Role, absl::string_view> kRoleNames[] = {
    {Role::kAdmin, "ADMIN"},         {Role::kExchange, "EXCHANGE"},
    {Role::kMember, "MEMBER"},       {Role::kTreasury, "TREASURY"},
    {Role::kRegulator, "REGULATOR"}, {Role::kIndexProvider, "INDEX_PROVIDER"},
    {Role::kRisk, "RISK"},
};

}  // namespace

absl::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "UNKNOWN";
}

std::optional<Role> RoleFromName(absl::string_view name) {
  for (const auto& [role, n] : kRoleNames) {
    if (n == name) return role;
  }
  return std::nullopt;
}

absl::Status RequireRole(const Principal& principal, RoleSet roles) {
  if (roles.Contains(principal.role)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("principal '", principal.principal_id,
                                                  "' with role ", RoleName(principal.role),
                                                  " may not call this method"));
}

absl::StatusOr<std::string> VisibleMember(const Principal& principal, absl::string_view requested) {
  if (principal.role != Role::kMember) return std::string(requested);
  if (!requested.empty() && requested != principal.member_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("member_id '", requested, "': member principals see only their own member '",
                     principal.member_id, "'"));
  }
  return principal.member_id;
}

absl::Status CheckAccountVisible(const Principal& principal, const ReferenceSnapshot& snapshot,
                                 absl::string_view account_id) {
  if (principal.role != Role::kMember) return absl::OkStatus();
  const Account* account = snapshot.FindAccount(account_id);
  if (account == nullptr || account->member_id != principal.member_id) {
    return absl::PermissionDeniedError(absl::StrCat(
        "account_id '", account_id, "' is not an account of member '", principal.member_id, "'"));
  }
  return absl::OkStatus();
}

}  // namespace tc::clearing
