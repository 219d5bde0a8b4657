// Who is calling, through the real server: TLS and mutual TLS with certificates made by
// deploy/certs.sh (the same script the run command uses), certificate identities mapped to
// principals as data, and bearer tokens issued, listed, expired (on the server's clock)
// and revoked through AccessService.
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_certificates.h"
#include "tests/test_clearing_house.h"
#include "tokenclear/v1/access.grpc.pb.h"

namespace tc::testing {
namespace {

using AccessStub = pb::AccessService::Stub;

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 23, 9, 0, 0), absl::UTCTimeZone());

class AuthenticationTest : public ::testing::Test {
 protected:
  AuthenticationTest()
      : authority_("main", {"cm01-ops", "treasury1", "stranger"}),
        other_authority_("other", {"cm01-ops"}),
        clock_(kStart),
        house_(Options()) {}

  TestHouseOptions Options() {
    TestHouseOptions options;
    options.tls = authority_.Server();
    options.server_ca_pem = authority_.Ca();
    options.clock = &clock_;
    return options;
  }

  // A channel to the server with TLS: the client certificate of `principal` from
  // `authority` when one is named, else none.
  std::shared_ptr<grpc::Channel> TlsChannel(const TestCertificates* authority = nullptr,
                                            const std::string& principal = "") {
    return (authority != nullptr ? *authority : authority_)
        .Channel(house_.target(), authority_.Ca(), principal);
  }

  // ListPositions of CM01-H over `channel`, with `token` when not empty.
  grpc::Status ListCm01(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                        pb::ListPositionsResponse* response = nullptr) {
    pb::ListPositionsResponse ignored;
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    pb::ListPositionsRequest request;
    request.set_account_id("CM01-H");
    return pb::PositionService::NewStub(channel)->ListPositions(
        &context, request, response != nullptr ? response : &ignored);
  }

  template <typename Request, typename Response>
  grpc::Status Admin(grpc::Status (AccessStub::*method)(grpc::ClientContext*, const Request&,
                                                        Response*),
                     const Request& request, Response* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, kAdminToken);
    return (pb::AccessService::NewStub(house_.channel()).get()->*method)(&context, request,
                                                                         response);
  }

  void Map(const std::string& identity, const std::string& principal) {
    pb::MapCertificateRequest request;
    request.mutable_identity()->set_identity(identity);
    request.mutable_identity()->set_principal_id(principal);
    pb::CertificateIdentity out;
    ASSERT_TRUE(Admin(&AccessStub::MapCertificate, request, &out).ok());
  }

  pb::IssueTokenResponse Issue(const std::string& token_id, const std::string& principal,
                               int ttl_days) {
    pb::IssueTokenRequest request;
    request.set_token_id(token_id);
    request.set_principal_id(principal);
    request.set_ttl_days(ttl_days);
    request.set_label("test");
    pb::IssueTokenResponse out;
    const grpc::Status status = Admin(&AccessStub::IssueToken, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  TestCertificates authority_;
  TestCertificates other_authority_;
  FixedClock clock_;
  TestClearingHouse house_;
};

TEST_F(AuthenticationTest, APlaintextClientCannotTalkToTheTlsServer) {
  const grpc::Status status = ListCm01(
      grpc::CreateChannel(house_.target(), grpc::InsecureChannelCredentials()), kCm01Token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(AuthenticationTest, ABearerTokenWorksOverTlsWithoutAClientCertificate) {
  pb::ListPositionsResponse response;
  const grpc::Status status = ListCm01(TlsChannel(), kCm01Token, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  const grpc::Status none = ListCm01(TlsChannel(), "");
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(none.error_message(), "no credentials")) << none.error_message();
}

TEST_F(AuthenticationTest, AMappedClientCertificateIsItsPrincipalWithItsScope) {
  Map("tokenclear:principal:cm01-ops", "cm01-ops");
  const std::shared_ptr<grpc::Channel> cm01 = TlsChannel(&authority_, "cm01-ops");
  EXPECT_TRUE(ListCm01(cm01, "").ok());
  // The principal is a member: another member's account is refused as a missing one is.
  for (const char* account : {"CM02-H", "NO-SUCH-ACCOUNT"}) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    pb::ListPositionsRequest request;
    request.set_account_id(account);
    pb::ListPositionsResponse response;
    const grpc::Status status =
        pb::PositionService::NewStub(cm01)->ListPositions(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << account;
    EXPECT_EQ(status.error_message(),
              absl::StrCat("account_id '", account, "' is not an account of member 'CM01'"))
        << account;
  }
  // A certificate and a token of the same principal are fine; of two principals, refused.
  EXPECT_TRUE(ListCm01(cm01, kCm01Token).ok());
  const grpc::Status two = ListCm01(cm01, kTreasuryToken);
  EXPECT_EQ(two.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(two.error_message(), "names principal 'cm01-ops'"))
      << two.error_message();
}

TEST_F(AuthenticationTest, TheCommonNameMapsWhenNoSanIsMapped) {
  Map("treasury1", "treasury1");
  EXPECT_TRUE(ListCm01(TlsChannel(&authority_, "treasury1"), "").ok());
}

TEST_F(AuthenticationTest, AnUnmappedCertificateIsUnauthenticatedEvenWithAToken) {
  const grpc::Status status = ListCm01(TlsChannel(&authority_, "stranger"), kCm01Token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "'stranger' is not mapped"))
      << status.error_message();
  // Unmapping takes a mapped certificate away.
  Map("tokenclear:principal:cm01-ops", "cm01-ops");
  EXPECT_TRUE(ListCm01(TlsChannel(&authority_, "cm01-ops"), "").ok());
  pb::UnmapCertificateRequest unmap;
  unmap.set_identity("tokenclear:principal:cm01-ops");
  pb::UnmapCertificateResponse removed;
  ASSERT_TRUE(Admin(&AccessStub::UnmapCertificate, unmap, &removed).ok());
  EXPECT_TRUE(removed.removed());
  EXPECT_EQ(ListCm01(TlsChannel(&authority_, "cm01-ops"), "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthenticationTest, ACertificateFromAnotherCaFailsTheHandshake) {
  Map("tokenclear:principal:cm01-ops", "cm01-ops");
  // Same principal, same names, but signed by a CA the server does not trust: no call is
  // made at all (the TLS handshake fails), whatever token comes with it.
  const grpc::Status status = ListCm01(TlsChannel(&other_authority_, "cm01-ops"), kCm01Token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(AuthenticationTest, IssuedTokensWorkUntilTheyExpireOrAreRevoked) {
  const pb::IssueTokenResponse issued = Issue("cm01-ops-dec", "cm01-ops", 30);
  EXPECT_TRUE(absl::StartsWith(issued.secret(), "tct_")) << issued.secret();
  EXPECT_EQ(issued.token().state(), "LIVE");
  EXPECT_EQ(issued.token().expires_at().seconds(),
            absl::ToUnixSeconds(kStart + absl::Hours(24 * 30)));
  EXPECT_TRUE(ListCm01(TlsChannel(), issued.secret()).ok());

  // Listed without its secret; issuing the same id again is refused (shown once).
  pb::ListTokensRequest list;
  list.set_principal_id("cm01-ops");
  pb::ListTokensResponse tokens;
  ASSERT_TRUE(Admin(&AccessStub::ListTokens, list, &tokens).ok());
  ASSERT_EQ(tokens.tokens_size(), 2);  // the seeded one and this one
  EXPECT_EQ(tokens.tokens(0).token_id(), "cm01-ops-dec");
  EXPECT_FALSE(absl::StrContains(tokens.DebugString(), issued.secret()));
  pb::IssueTokenRequest again;
  again.set_token_id("cm01-ops-dec");
  again.set_principal_id("cm01-ops");
  again.set_ttl_days(30);
  pb::IssueTokenResponse refused;
  EXPECT_EQ(Admin(&AccessStub::IssueToken, again, &refused).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(refused.secret().empty());

  // Expiry is the server's clock: a second before, fine; at expiry, refused.
  clock_.Set(kStart + absl::Hours(24 * 30) - absl::Seconds(1));
  EXPECT_TRUE(ListCm01(TlsChannel(), issued.secret()).ok());
  clock_.Set(kStart + absl::Hours(24 * 30));
  const grpc::Status expired = ListCm01(TlsChannel(), issued.secret());
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(expired.error_message(), "expired at 2026-12-23T09:00:00Z"))
      << expired.error_message();
  clock_.Set(kStart);

  // Revoked: refused at once, for good; revoking again changes nothing.
  pb::RevokeTokenRequest revoke;
  revoke.set_token_id("cm01-ops-dec");
  pb::ApiToken revoked;
  ASSERT_TRUE(Admin(&AccessStub::RevokeToken, revoke, &revoked).ok());
  EXPECT_EQ(revoked.state(), "REVOKED");
  EXPECT_EQ(revoked.revoked_by(), "bootstrap-admin");
  const grpc::Status refused_after = ListCm01(TlsChannel(), issued.secret());
  EXPECT_EQ(refused_after.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(refused_after.error_message(), "unknown or revoked token");
  pb::ApiToken twice;
  ASSERT_TRUE(Admin(&AccessStub::RevokeToken, revoke, &twice).ok());
  EXPECT_EQ(twice.revoked_at().seconds(), revoked.revoked_at().seconds());
  // The seeded token of the same principal still works.
  EXPECT_TRUE(ListCm01(TlsChannel(), kCm01Token).ok());
}

TEST_F(AuthenticationTest, TokenRequestsAreValidatedNamingTheField) {
  struct Case {
    std::string token_id, principal;
    int ttl_days;
    grpc::StatusCode code;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"t1", "cm01-ops", 0, grpc::StatusCode::INVALID_ARGUMENT,
            "ttl_days 0 is not in 1..3650"},
           {"t1", "cm01-ops", 3651, grpc::StatusCode::INVALID_ARGUMENT, "ttl_days 3651"},
           {"bad id", "cm01-ops", 1, grpc::StatusCode::INVALID_ARGUMENT, "token_id"},
           {"t1", "nobody", 1, grpc::StatusCode::NOT_FOUND, "principal_id 'nobody'"}}) {
    pb::IssueTokenRequest request;
    request.set_token_id(c.token_id);
    request.set_principal_id(c.principal);
    request.set_ttl_days(c.ttl_days);
    pb::IssueTokenResponse out;
    const grpc::Status status = Admin(&AccessStub::IssueToken, request, &out);
    EXPECT_EQ(status.error_code(), c.code) << c.message;
    EXPECT_TRUE(absl::StrContains(status.error_message(), c.message)) << status.error_message();
  }
  pb::ListTokensRequest list;
  pb::ListTokensResponse tokens;
  ASSERT_TRUE(Admin(&AccessStub::ListTokens, list, &tokens).ok());
  for (const pb::ApiToken& t : tokens.tokens()) EXPECT_NE(t.token_id(), "t1");
}

}  // namespace
}  // namespace tc::testing
