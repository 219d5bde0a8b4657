// clearctl's access nouns (docs/ACCESS.md): principals, bearer tokens and client
// certificate identities (AccessService, admin), and the audit log (AuditService,
// treasury and the regulator). A token's secret is printed once, when issued.
//
//   clearctl --token=$ADMIN principal add cm01-ops ROLE_MEMBER --member=CM01
//   clearctl --token=$ADMIN token issue cm01-ops cm01-ops-2026-12 --ttl_days=30
//   clearctl --token=$ADMIN token list --principal=cm01-ops
//   clearctl --token=$ADMIN token revoke cm01-ops-2026-12
//   clearctl --token=$ADMIN cert map tokenclear:principal:cm01-ops cm01-ops
//   clearctl --token=$TREASURY audit list --principal=cm01-ops --outcome=PERMISSION_DENIED
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/status_macros.h"
#include "tokenclear/v1/access.grpc.pb.h"
#include "tools/clearctl/command.h"
#include "tools/clearctl/flags.h"

namespace tc::clearctl {
namespace {

using tools::TextTable;
using AccessStub = pb::AccessService::Stub;
using AuditStub = pb::AuditService::Stub;

std::string FormatTimestamp(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(ts.seconds()),
                          absl::UTCTimeZone());
}

// "2026-11-30" (midnight UTC) or RFC 3339 ("2026-11-30T17:00:00Z"); nothing when empty.
absl::Status SetTime(absl::string_view flag, const std::string& text,
                     google::protobuf::Timestamp* out) {
  if (text.empty()) return absl::OkStatus();
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &time, &error) &&
      !absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, "=", text, " is neither YYYY-MM-DD nor RFC 3339"));
  }
  out->set_seconds(absl::ToUnixSeconds(time));
  return absl::OkStatus();
}

void AddTokenRow(TextTable& table, const pb::ApiToken& t) {
  table.AddRow({t.token_id(), t.principal_id(), t.state(), FormatTimestamp(t.issued_at()),
                FormatTimestamp(t.expires_at()), t.revoked_by().empty() ? "-" : t.revoked_by(),
                t.label().empty() ? "-" : t.label()});
}

TextTable TokenTable() {
  return TextTable({"TOKEN_ID", "PRINCIPAL", "STATE", "ISSUED", "EXPIRES", "REVOKED_BY", "LABEL"});
}

absl::Status AddPrincipal(const Clients& clients, const Args& args) {
  pb::UpsertPrincipalRequest request;
  pb::Principal* principal = request.mutable_principal();
  principal->set_principal_id(args[0]);
  pb::Role role;
  if (!pb::Role_Parse(args[1], &role) || role == pb::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("ROLE ", args[1], " is not one of ROLE_ADMIN, ROLE_EXCHANGE, ROLE_MEMBER, ",
                     "ROLE_TREASURY, ROLE_REGULATOR, ROLE_INDEX_PROVIDER, ROLE_RISK"));
  }
  principal->set_role(role);
  principal->set_member_id(absl::GetFlag(FLAGS_member));
  pb::Principal response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*clients.reference, &ReferenceStub::UpsertPrincipal, request, &response));
  TextTable table({"PRINCIPAL", "ROLE", "MEMBER"});
  table.AddRow({response.principal_id(), pb::Role_Name(response.role()),
                response.member_id().empty() ? "-" : response.member_id()});
  return Print(response, table);
}

absl::Status IssueToken(const Clients& clients, const Args& args) {
  pb::IssueTokenRequest request;
  request.set_principal_id(args[0]);
  request.set_token_id(args[1]);
  request.set_ttl_days(absl::GetFlag(FLAGS_ttl_days));
  request.set_label(absl::GetFlag(FLAGS_label));
  pb::IssueTokenResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*pb::AccessService::NewStub(clients.api.channel()),
                                      &AccessStub::IssueToken, request, &response));
  TextTable table = TokenTable();
  AddTokenRow(table, response.token());
  TC_RETURN_IF_ERROR(Print(response, table));
  if (!absl::GetFlag(FLAGS_json)) {
    std::printf("secret (shown once; keep it, only its SHA-256 is stored): %s\n",
                response.secret().c_str());
  }
  return absl::OkStatus();
}

absl::Status ListTokens(const Clients& clients, const Args&) {
  pb::ListTokensRequest request;
  request.set_principal_id(absl::GetFlag(FLAGS_principal));
  pb::ListTokensResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*pb::AccessService::NewStub(clients.api.channel()),
                                      &AccessStub::ListTokens, request, &response));
  TextTable table = TokenTable();
  for (const pb::ApiToken& t : response.tokens()) AddTokenRow(table, t);
  return Print(response, table);
}

absl::Status RevokeToken(const Clients& clients, const Args& args) {
  pb::RevokeTokenRequest request;
  request.set_token_id(args[0]);
  pb::ApiToken response;
  TC_RETURN_IF_ERROR(clients.api.Call(*pb::AccessService::NewStub(clients.api.channel()),
                                      &AccessStub::RevokeToken, request, &response));
  TextTable table = TokenTable();
  AddTokenRow(table, response);
  return Print(response, table);
}

absl::Status MapCertificate(const Clients& clients, const Args& args) {
  pb::MapCertificateRequest request;
  request.mutable_identity()->set_identity(args[0]);
  request.mutable_identity()->set_principal_id(args[1]);
  pb::CertificateIdentity response;
  TC_RETURN_IF_ERROR(clients.api.Call(*pb::AccessService::NewStub(clients.api.channel()),
                                      &AccessStub::MapCertificate, request, &response));
  TextTable table({"IDENTITY", "PRINCIPAL"});
  table.AddRow({response.identity(), response.principal_id()});
  return Print(response, table);
}

absl::Status UnmapCertificate(const Clients& clients, const Args& args) {
  pb::UnmapCertificateRequest request;
  request.set_identity(args[0]);
  pb::UnmapCertificateResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*pb::AccessService::NewStub(clients.api.channel()),
                                      &AccessStub::UnmapCertificate, request, &response));
  TextTable table({"IDENTITY", "REMOVED"});
  table.AddRow({args[0], response.removed() ? "yes" : "no (was not mapped)"});
  return Print(response, table);
}

absl::Status ListCertificates(const Clients& clients, const Args&) {
  pb::ListCertificateIdentitiesResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*pb::AccessService::NewStub(clients.api.channel()),
                                      &AccessStub::ListCertificateIdentities, {}, &response));
  TextTable table({"IDENTITY", "PRINCIPAL"});
  for (const pb::CertificateIdentity& c : response.identities()) {
    table.AddRow({c.identity(), c.principal_id()});
  }
  return Print(response, table);
}

absl::Status ListAudit(const Clients& clients, const Args&) {
  pb::ListAuditEventsRequest request;
  TC_RETURN_IF_ERROR(SetTime("from", absl::GetFlag(FLAGS_from), request.mutable_from()));
  TC_RETURN_IF_ERROR(SetTime("to", absl::GetFlag(FLAGS_to), request.mutable_to()));
  if (absl::GetFlag(FLAGS_from).empty()) request.clear_from();
  if (absl::GetFlag(FLAGS_to).empty()) request.clear_to();
  request.set_principal_id(absl::GetFlag(FLAGS_principal));
  request.set_action(absl::GetFlag(FLAGS_action));
  request.set_outcome(absl::GetFlag(FLAGS_outcome));
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  request.set_page_size(absl::GetFlag(FLAGS_limit));
  if (absl::GetFlag(FLAGS_after) > 0)
    request.set_page_token(absl::StrCat(absl::GetFlag(FLAGS_after)));
  pb::ListAuditEventsResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*pb::AuditService::NewStub(clients.api.channel()),
                                      &AuditStub::ListAuditEvents, request, &response));
  TextTable table({"ID", "AT", "PRINCIPAL", "REQUEST", "ACTION", "TARGET", "OUTCOME", "DETAIL"});
  for (const pb::AuditEvent& e : response.events()) {
    table.AddRow({absl::StrCat(e.audit_id()), FormatTimestamp(e.at()), e.principal_id(),
                  e.request_id().empty() ? "-" : e.request_id(), e.action(),
                  e.target().empty() ? "-" : e.target(), e.outcome(), e.detail_json()});
  }
  TC_RETURN_IF_ERROR(Print(response, table));
  if (!absl::GetFlag(FLAGS_json) && !response.next_page_token().empty()) {
    std::printf("(more: --after=%s)\n", response.next_page_token().c_str());
  }
  return absl::OkStatus();
}

constexpr Command kCommands[] = {
    {"principal add", "principal add PRINCIPAL ROLE_X [--member=M]", 2, AddPrincipal},
    {"token issue", "token issue PRINCIPAL TOKEN_ID [--ttl_days=N] [--label=TEXT]", 2, IssueToken},
    {"token list", "token list [--principal=P]", 0, ListTokens},
    {"token revoke", "token revoke TOKEN_ID", 1, RevokeToken},
    {"cert map", "cert map IDENTITY PRINCIPAL  (a certificate SAN or CN)", 2, MapCertificate},
    {"cert unmap", "cert unmap IDENTITY", 1, UnmapCertificate},
    {"cert list", "cert list", 0, ListCertificates},
    {"audit list",
     "audit list [--from=T] [--to=T] [--principal=P] [--action=A] [--outcome=CODE] "
     "[--request_id=ID] [--limit=N] [--after=ID]",
     0, ListAudit},
};

}  // namespace

absl::Span<const Command> AccessCommands() { return kCommands; }

}  // namespace tc::clearctl
