// IndexService through the real server, channel and PostgreSQL: observations accepted,
// resent (a no-op), resent with other content (ALREADY_EXISTS), refused when out of range
// or for an unknown index; a fixing computed by partition-median-mean/v1 equal to the
// value worked out by hand, stored with its method, medians and observations, written
// to index_values, and returned unchanged (nothing written) when asked again; a jump and
// a stale index flagged and blocking the fixing until a treasurer approves; the freeze;
// the settings' defaults and an update; and the roles.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/index_store.h"
#include "tests/test_clearing_house.h"
#include "tokenclear/v1/index.grpc.pb.h"

namespace tc::testing {
namespace {

using ::testing::HasSubstr;

const absl::CivilDay kFixingDay(2026, 11, 23);

absl::Time At(absl::CivilDay day, int hour, int minute, int second = 0) {
  return absl::FromCivil(
      absl::CivilSecond(day.year(), day.month(), day.day(), hour, minute, second),
      absl::UTCTimeZone());
}

pb::IndexObservation Observation(const std::string& id, absl::Time at, int64_t value_micros,
                                 const std::string& index_code = "TOKFRONT") {
  pb::IndexObservation o;
  o.set_observation_id(id);
  o.set_index_code(index_code);
  o.set_value_micros(value_micros);
  o.mutable_observed_at()->set_seconds(absl::ToUnixSeconds(at));
  o.set_provider("testprovider");
  o.set_methodology_version("v1");
  return o;
}

// The hand-worked day: one observation at 15:29:30 before the window, then one every
// 30 s from 15:30:00 to 15:59:30. Partition p (5 minutes each, six of them) holds ten
// values base_p + 10 k, k = 0..9, base_p = 3.000000 + p x 0.010000. The median of ten is
// the mean of the 5th and 6th: base_p + 45. The fixing is the mean of the six medians:
// (3000045 + 3010045 + ... + 3050045) / 6 = 3025045.
constexpr int64_t kHandFixing = 3'025'045;

std::vector<pb::IndexObservation> HandDay(absl::CivilDay day, const std::string& prefix) {
  std::vector<pb::IndexObservation> out;
  out.push_back(Observation(absl::StrCat(prefix, "-pre"), At(day, 15, 29, 30), 3'000'000));
  for (int i = 0; i < 60; ++i) {
    const int p = i / 10, k = i % 10;
    out.push_back(Observation(absl::StrCat(prefix, "-", i), At(day, 15, 30) + absl::Seconds(30 * i),
                              3'000'000 + p * 10'000 + 10 * k));
  }
  return out;
}

class IndexServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", house_.server().port()),
                                   grpc::InsecureChannelCredentials());
    index_ = pb::IndexService::NewStub(channel_);
  }

  template <typename Method, typename Request, typename Response>
  grpc::Status Call(Method method, const std::string& token, const Request& request,
                    Response* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    return (index_.get()->*method)(&context, request, response);
  }

  pb::SubmitIndexObservationsResponse Submit(const std::vector<pb::IndexObservation>& obs) {
    pb::SubmitIndexObservationsRequest request;
    for (const pb::IndexObservation& o : obs) *request.add_observations() = o;
    pb::SubmitIndexObservationsResponse response;
    const grpc::Status status = Call(&pb::IndexService::Stub::SubmitIndexObservations,
                                     kIndexProviderToken, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Fix(absl::CivilDay day, pb::IndexFixing* fixing,
                   const std::string& token = kTreasuryToken) {
    pb::ComputeFixingRequest request;
    request.set_index_code("TOKFRONT");
    request.set_business_date(absl::FormatCivilTime(day));
    return Call(&pb::IndexService::Stub::ComputeFixing, token, request, fixing);
  }

  grpc::Status Approve(int64_t flag_id, const std::string& reason, pb::IndexFlag* flag,
                       const std::string& token = kTreasuryToken) {
    pb::ApproveIndexFlagRequest request;
    request.set_flag_id(flag_id);
    request.set_reason(reason);
    return Call(&pb::IndexService::Stub::ApproveIndexFlag, token, request, flag);
  }

  int64_t Count(const std::string& sql) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    return tx.exec1(sql)[0].as<int64_t>();
  }

  template <typename F>
  auto InStore(F f) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    return f(tx);
  }

  TestClearingHouse house_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::IndexService::Stub> index_;
};

TEST_F(IndexServiceTest, ObservationsAreIdempotentAndValidated) {
  const absl::Time t = At(kFixingDay, 15, 30);
  pb::SubmitIndexObservationsResponse first = Submit(
      {Observation("OBS-1", t, 3'000'000), Observation("OBS-2", t + absl::Seconds(30), 3'001'000)});
  ASSERT_EQ(first.results_size(), 2);
  EXPECT_EQ(first.results(0).outcome(), pb::OBSERVATION_OUTCOME_ACCEPTED);
  EXPECT_EQ(first.results(1).outcome(), pb::OBSERVATION_OUTCOME_ACCEPTED);
  EXPECT_EQ(first.results(1).flag_id(), 0);

  // The same ID and content again: a no-op.
  pb::SubmitIndexObservationsResponse again = Submit({Observation("OBS-1", t, 3'000'000)});
  EXPECT_EQ(again.results(0).outcome(), pb::OBSERVATION_OUTCOME_ALREADY_ACCEPTED);

  // The same ID with other content, out-of-range values, an unknown index, no time, a
  // time finer than a microsecond: rejected one by one, nothing written.
  pb::IndexObservation no_time = Observation("OBS-9", t, 3'000'000);
  no_time.clear_observed_at();
  pb::IndexObservation nanos = Observation("OBS-10", t, 3'000'000);
  nanos.mutable_observed_at()->set_nanos(1);
  pb::IndexObservation bad_provider = Observation("OBS-11", t, 3'000'000);
  bad_provider.set_provider("");
  pb::SubmitIndexObservationsResponse bad =
      Submit({Observation("OBS-1", t, 3'000'001), Observation("OBS-3", t, 0),
              Observation("OBS-4", t, 1'000'000'000'001),
              Observation("OBS-5", t, 3'000'000, "NOPE"), no_time, nanos, bad_provider});
  ASSERT_EQ(bad.results_size(), 7);
  for (const pb::ObservationResult& r : bad.results()) {
    EXPECT_EQ(r.outcome(), pb::OBSERVATION_OUTCOME_REJECTED) << r.observation_id();
  }
  EXPECT_EQ(bad.results(0).code(), grpc::ALREADY_EXISTS);
  EXPECT_THAT(bad.results(0).message(), HasSubstr("'OBS-1'"));
  EXPECT_EQ(bad.results(1).code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(bad.results(1).message(), "observations[1].value_micros 0 is outside 1..1000000000000");
  EXPECT_EQ(bad.results(2).code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(bad.results(2).message(), HasSubstr("1000000000001"));
  EXPECT_EQ(bad.results(3).code(), grpc::NOT_FOUND);
  EXPECT_EQ(bad.results(3).message(),
            "observations[3].index_code 'NOPE' is not the index of any product");
  EXPECT_EQ(bad.results(4).code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(bad.results(4).message(), HasSubstr("observations[4].observed_at"));
  EXPECT_EQ(bad.results(5).code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(bad.results(5).message(), HasSubstr("observations[5].observed_at nanos 1"));
  EXPECT_EQ(bad.results(6).code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(bad.results(6).message(), HasSubstr("observations[6].provider"));
  EXPECT_EQ(Count("SELECT count(*) FROM index_observations"), 2);
  EXPECT_EQ(Count("SELECT value_micros FROM index_observations WHERE observation_id = 'OBS-1'"),
            3'000'000);

  // An empty batch is refused as a whole.
  pb::SubmitIndexObservationsResponse response;
  EXPECT_EQ(Call(&pb::IndexService::Stub::SubmitIndexObservations, kIndexProviderToken,
                 pb::SubmitIndexObservationsRequest(), &response)
                .error_code(),
            grpc::INVALID_ARGUMENT);
}

TEST_F(IndexServiceTest, RolesAreChecked) {
  pb::SubmitIndexObservationsRequest submit;
  *submit.add_observations() = Observation("OBS-1", At(kFixingDay, 15, 30), 3'000'000);
  pb::SubmitIndexObservationsResponse submitted;
  for (const char* token : {kTreasuryToken, kExchangeToken, kAdminToken, kCm01Token}) {
    EXPECT_EQ(Call(&pb::IndexService::Stub::SubmitIndexObservations, token, submit, &submitted)
                  .error_code(),
              grpc::PERMISSION_DENIED)
        << token;
  }
  pb::IndexFixing fixing;
  EXPECT_EQ(Fix(kFixingDay, &fixing, kIndexProviderToken).error_code(), grpc::PERMISSION_DENIED);
  EXPECT_EQ(Fix(kFixingDay, &fixing, kRegulatorToken).error_code(), grpc::PERMISSION_DENIED);
  pb::IndexFlag flag;
  EXPECT_EQ(Approve(1, "fine", &flag, kIndexProviderToken).error_code(), grpc::PERMISSION_DENIED);
  pb::ListIndexFlagsResponse flags;
  EXPECT_EQ(
      Call(&pb::IndexService::Stub::ListIndexFlags, kCm01Token, pb::ListIndexFlagsRequest(), &flags)
          .error_code(),
      grpc::PERMISSION_DENIED);
  EXPECT_TRUE(Call(&pb::IndexService::Stub::ListIndexFlags, kRegulatorToken,
                   pb::ListIndexFlagsRequest(), &flags)
                  .ok());
  // A fixing is market data: any role reads it (here: none yet).
  pb::GetFixingRequest get;
  get.set_index_code("TOKFRONT");
  get.set_business_date("2026-11-23");
  EXPECT_EQ(Call(&pb::IndexService::Stub::GetFixing, kCm01Token, get, &fixing).error_code(),
            grpc::NOT_FOUND);
}

TEST_F(IndexServiceTest, FixingIsComputedStoredAndNotRecomputed) {
  std::vector<pb::IndexObservation> day = HandDay(kFixingDay, "D23");
  // After the window (its end is exclusive): stored, not used.
  day.push_back(Observation("D23-post", At(kFixingDay, 16, 0), 3'100'000));
  const pb::SubmitIndexObservationsResponse submitted = Submit(day);
  for (const pb::ObservationResult& r : submitted.results()) {
    ASSERT_EQ(r.outcome(), pb::OBSERVATION_OUTCOME_ACCEPTED) << r.message();
    ASSERT_EQ(r.flag_id(), 0) << r.observation_id();
  }

  pb::IndexFixing fixing;
  grpc::Status status = Fix(kFixingDay, &fixing);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(fixing.value_micros(), kHandFixing);
  EXPECT_EQ(fixing.method_version(), "partition-median-mean/v1");
  EXPECT_EQ(fixing.business_date(), "2026-11-23");
  EXPECT_EQ(fixing.window_start().seconds(), absl::ToUnixSeconds(At(kFixingDay, 15, 30)));
  EXPECT_EQ(fixing.window_end().seconds(), absl::ToUnixSeconds(At(kFixingDay, 16, 0)));
  EXPECT_EQ(fixing.partitions(), 6);
  EXPECT_EQ(fixing.min_partitions_filled(), 4);
  ASSERT_EQ(fixing.medians_size(), 6);
  for (int p = 0; p < 6; ++p) {
    EXPECT_EQ(fixing.medians(p).partition(), p);
    EXPECT_EQ(fixing.medians(p).observation_count(), 10);
    EXPECT_EQ(fixing.medians(p).median_micros(), 3'000'045 + p * 10'000);
  }
  ASSERT_EQ(fixing.observations_size(), 60);
  EXPECT_EQ(fixing.observation_count(), 60);
  EXPECT_EQ(fixing.observations(0).observation_id(), "D23-0");
  EXPECT_EQ(fixing.observations(59).observation_id(), "D23-59");
  EXPECT_EQ(fixing.observations_sha256().size(), 64u);
  EXPECT_EQ(fixing.computed_by(), "treasury1");

  // Stored: the fixing, its medians, its observations, the index history.
  EXPECT_EQ(Count("SELECT count(*) FROM index_fixing_medians"), 6);
  EXPECT_EQ(Count("SELECT count(*) FROM index_fixing_observations"), 60);
  EXPECT_EQ(Count("SELECT value_micros FROM index_values WHERE index_code = 'TOKFRONT'"
                  " AND business_date = '2026-11-23'"),
            kHandFixing);
  EXPECT_EQ(
      InStore([](pqxx::work& tx) { return store::LoadFixingValue(tx, "TOKFRONT", kFixingDay); }),
      std::optional<int64_t>(kHandFixing));
  EXPECT_EQ(InStore([](pqxx::work& tx) {
              return store::LoadFixingValue(tx, "TOKFRONT", absl::CivilDay(2026, 11, 24));
            }),
            std::nullopt);

  // Asked again (by another treasurer): the stored fixing, nothing written.
  const int64_t audit_rows = Count("SELECT count(*) FROM audit_log");
  pb::IndexFixing again;
  ASSERT_TRUE(Fix(kFixingDay, &again, kTreasury2Token).ok());
  EXPECT_EQ(again.SerializeAsString(), fixing.SerializeAsString());
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log"), audit_rows);
  EXPECT_EQ(Count("SELECT count(*) FROM index_fixings"), 1);

  // Published: any role reads it, in full or in a listing.
  pb::GetFixingRequest get;
  get.set_index_code("TOKFRONT");
  get.set_business_date("2026-11-23");
  pb::IndexFixing read;
  ASSERT_TRUE(Call(&pb::IndexService::Stub::GetFixing, kCm01Token, get, &read).ok());
  EXPECT_EQ(read.SerializeAsString(), fixing.SerializeAsString());
  pb::ListFixingsRequest list;
  list.set_from_date("2026-11-01");
  pb::ListFixingsResponse listed;
  ASSERT_TRUE(Call(&pb::IndexService::Stub::ListFixings, kExchangeToken, list, &listed).ok());
  ASSERT_EQ(listed.fixings_size(), 1);
  EXPECT_EQ(listed.fixings(0).value_micros(), kHandFixing);
  EXPECT_EQ(listed.fixings(0).observations_size(), 0);

  // The rows are append-only.
  EXPECT_THROW(InStore([](pqxx::work& tx) {
                 return tx.exec("UPDATE index_fixings SET value_micros = 1").affected_rows();
               }),
               pqxx::sql_error);
}

TEST_F(IndexServiceTest, FixingNeverOverwritesTheIndexHistory) {
  const absl::CivilDay day(2026, 11, 20);
  InStore([](pqxx::work& tx) {
    tx.exec(
        "INSERT INTO index_values (index_code, business_date, value_micros, loaded_by)"
        " VALUES ('TOKFRONT', '2026-11-20', 2990000, 'treasury1')");
    tx.commit();
    return 0;
  });
  Submit(HandDay(day, "D20"));
  pb::IndexFixing fixing;
  const grpc::Status status = Fix(day, &fixing);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("2990000"));
  EXPECT_THAT(status.error_message(), HasSubstr(absl::StrCat(kHandFixing)));
  EXPECT_EQ(Count("SELECT count(*) FROM index_fixings"), 0);
}

TEST_F(IndexServiceTest, JumpBlocksTheFixingUntilApproved) {
  std::vector<pb::IndexObservation> day = HandDay(kFixingDay, "J");
  // The last observation of the window jumps 25% (default max 2000 bps).
  day.back().set_value_micros(3'050'090 * 125 / 100);
  pb::SubmitIndexObservationsResponse submitted = Submit(day);
  const int64_t flag_id = submitted.results(60).flag_id();
  ASSERT_GT(flag_id, 0);
  EXPECT_EQ(submitted.results(60).outcome(), pb::OBSERVATION_OUTCOME_ACCEPTED);

  pb::IndexFixing fixing;
  grpc::Status status = Fix(kFixingDay, &fixing);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr(absl::StrCat("flag ", flag_id, " (JUMP J-59")));
  EXPECT_THAT(status.error_message(), HasSubstr("2500 bps from the previous observation"));
  EXPECT_EQ(Count("SELECT count(*) FROM index_fixings"), 0);

  pb::ListIndexFlagsRequest list;
  list.set_pending_only(true);
  pb::ListIndexFlagsResponse flags;
  ASSERT_TRUE(Call(&pb::IndexService::Stub::ListIndexFlags, kRegulatorToken, list, &flags).ok());
  ASSERT_EQ(flags.flags_size(), 1);
  EXPECT_EQ(flags.flags(0).kind(), pb::INDEX_FLAG_KIND_JUMP);
  EXPECT_EQ(flags.flags(0).observation_id(), "J-59");
  EXPECT_EQ(flags.flags(0).business_date(), "2026-11-23");

  pb::IndexFlag flag;
  EXPECT_EQ(Approve(flag_id, "  ", &flag).error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(Approve(flag_id + 100, "checked", &flag).error_code(), grpc::NOT_FOUND);
  status = Approve(flag_id, "provider confirmed the repricing", &flag);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(flag.approved());
  EXPECT_EQ(flag.approved_by(), "treasury1");
  EXPECT_EQ(Approve(flag_id, "again", &flag).error_code(), grpc::FAILED_PRECONDITION);

  status = Fix(kFixingDay, &fixing);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(fixing.medians(5).median_micros(), 3'050'045);  // ten values, the jump the largest
  ASSERT_TRUE(Call(&pb::IndexService::Stub::ListIndexFlags, kTreasuryToken, list, &flags).ok());
  EXPECT_EQ(flags.flags_size(), 0);
}

TEST_F(IndexServiceTest, StaleIndexIsFlaggedAtFixingTime) {
  // Stale after 5 minutes; the provider goes quiet at 15:50.
  pb::SetIndexSettingsRequest set;
  set.set_index_code("TOKFRONT");
  set.set_stale_after_seconds(300);
  pb::IndexSettings settings;
  ASSERT_TRUE(Call(&pb::IndexService::Stub::SetIndexSettings, kTreasuryToken, set, &settings).ok());
  std::vector<pb::IndexObservation> day = HandDay(kFixingDay, "S");
  day.resize(1 + 41);  // up to 15:50:00
  Submit(day);

  pb::IndexFixing fixing;
  grpc::Status status = Fix(kFixingDay, &fixing);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(),
              HasSubstr("(STALE: no observation from 2026-11-23T15:50:00Z to "
                        "2026-11-23T16:00:00Z (600 s, more than stale_after_seconds 300))"));
  // Asked again: the same flag, not a second one.
  EXPECT_EQ(Fix(kFixingDay, &fixing).error_code(), grpc::FAILED_PRECONDITION);
  pb::ListIndexFlagsResponse flags;
  ASSERT_TRUE(Call(&pb::IndexService::Stub::ListIndexFlags, kTreasuryToken,
                   pb::ListIndexFlagsRequest(), &flags)
                  .ok());
  ASSERT_EQ(flags.flags_size(), 1);
  EXPECT_EQ(flags.flags(0).kind(), pb::INDEX_FLAG_KIND_STALE);
  EXPECT_EQ(flags.flags(0).raised_by(), "treasury1");

  pb::IndexFlag flag;
  ASSERT_TRUE(
      Approve(flags.flags(0).flag_id(), "provider outage, values checked", &flag, kTreasury2Token)
          .ok());
  status = Fix(kFixingDay, &fixing);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(fixing.medians_size(), 5);  // 15:50:00 alone opens the fifth partition
}

TEST_F(IndexServiceTest, FrozenIndexIsNotFixed) {
  Submit(HandDay(kFixingDay, "F"));
  pb::FreezeIndexRequest freeze;
  freeze.set_index_code("TOKFRONT");
  pb::IndexFreezeState state;
  EXPECT_EQ(Call(&pb::IndexService::Stub::FreezeIndex, kTreasuryToken, freeze, &state).error_code(),
            grpc::INVALID_ARGUMENT);  // no reason
  freeze.set_reason("provider methodology disputed");
  EXPECT_EQ(Call(&pb::IndexService::Stub::FreezeIndex, kCm01Token, freeze, &state).error_code(),
            grpc::PERMISSION_DENIED);
  pb::FreezeIndexRequest unknown = freeze;
  unknown.set_index_code("NOPE");
  EXPECT_EQ(
      Call(&pb::IndexService::Stub::FreezeIndex, kTreasuryToken, unknown, &state).error_code(),
      grpc::NOT_FOUND);
  ASSERT_TRUE(Call(&pb::IndexService::Stub::FreezeIndex, kTreasuryToken, freeze, &state).ok());
  EXPECT_TRUE(state.frozen());
  EXPECT_TRUE(InStore([](pqxx::work& tx) { return store::IsIndexFrozen(tx, "TOKFRONT"); }));
  EXPECT_FALSE(InStore([](pqxx::work& tx) { return store::IsIndexFrozen(tx, "TOKOPEN"); }));
  // Freezing a frozen index changes nothing.
  ASSERT_TRUE(Call(&pb::IndexService::Stub::FreezeIndex, kTreasuryToken, freeze, &state).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM index_freezes"), 1);

  pb::IndexFixing fixing;
  grpc::Status status = Fix(kFixingDay, &fixing);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("index TOKFRONT is frozen"));
  EXPECT_THAT(status.error_message(), HasSubstr("provider methodology disputed"));
  EXPECT_EQ(Count("SELECT count(*) FROM index_fixings"), 0);

  pb::UnfreezeIndexRequest unfreeze;
  unfreeze.set_index_code("TOKFRONT");
  unfreeze.set_reason("dispute settled");
  ASSERT_TRUE(Call(&pb::IndexService::Stub::UnfreezeIndex, kTreasury2Token, unfreeze, &state).ok());
  EXPECT_FALSE(state.frozen());
  EXPECT_FALSE(InStore([](pqxx::work& tx) { return store::IsIndexFrozen(tx, "TOKFRONT"); }));
  status = Fix(kFixingDay, &fixing);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(fixing.value_micros(), kHandFixing);
}

TEST_F(IndexServiceTest, SettingsHaveDefaultsAndCanBeSet) {
  pb::GetIndexSettingsRequest get;
  get.set_index_code("TOKFRONT");
  pb::IndexSettings settings;
  ASSERT_TRUE(Call(&pb::IndexService::Stub::GetIndexSettings, kCm01Token, get, &settings).ok());
  EXPECT_TRUE(settings.is_default());
  EXPECT_EQ(settings.window_start_minutes(), 930);
  EXPECT_EQ(settings.window_minutes(), 30);
  EXPECT_EQ(settings.partitions(), 6);
  EXPECT_EQ(settings.min_partitions_filled(), 4);
  EXPECT_EQ(settings.stale_after_seconds(), 900);
  EXPECT_EQ(settings.max_jump_bps(), 2000);
  get.set_index_code("NOPE");
  EXPECT_EQ(
      Call(&pb::IndexService::Stub::GetIndexSettings, kCm01Token, get, &settings).error_code(),
      grpc::NOT_FOUND);

  pb::SetIndexSettingsRequest set;
  set.set_index_code("TOKFRONT");
  set.set_partitions(12);
  set.set_min_partitions_filled(13);
  grpc::Status status =
      Call(&pb::IndexService::Stub::SetIndexSettings, kTreasuryToken, set, &settings);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "settings.min_partitions_filled = 13 is not in 1..partitions (12)");
  EXPECT_EQ(
      Call(&pb::IndexService::Stub::SetIndexSettings, kRegulatorToken, set, &settings).error_code(),
      grpc::PERMISSION_DENIED);
  set.set_min_partitions_filled(9);
  set.set_window_start_minutes(900);
  ASSERT_TRUE(Call(&pb::IndexService::Stub::SetIndexSettings, kTreasuryToken, set, &settings).ok());
  EXPECT_FALSE(settings.is_default());
  EXPECT_EQ(settings.partitions(), 12);
  EXPECT_EQ(settings.window_minutes(), 30);  // kept

  const store::IndexSettings stored =
      InStore([](pqxx::work& tx) { return store::LoadIndexSettings(tx, "TOKFRONT"); });
  EXPECT_EQ(stored.window_start_minutes, 900);
  EXPECT_EQ(stored.partitions, 12);
  EXPECT_EQ(stored.min_partitions_filled, 9);
  EXPECT_EQ(stored.max_jump_bps, 2000);
  const store::IndexSettings other =
      InStore([](pqxx::work& tx) { return store::LoadIndexSettings(tx, "TOKOPEN"); });
  EXPECT_EQ(other.index_code, "TOKOPEN");
  EXPECT_EQ(other.window_start_minutes, 930);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'SetIndexSettings'"
                  " AND outcome = 'OK'"),
            1);
}

}  // namespace
}  // namespace tc::testing
