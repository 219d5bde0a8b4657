#include "services/trade_capture/trade_capture_service.h"

#include "absl/strings/str_cat.h"
#include "core/identifiers.h"
#include "core/status_macros.h"
#include "proto/request_parsing.h"

namespace tc::services {
namespace {

namespace pb = ::tokenclear::v1;

// Each batch (and each logon) must commit within this, whatever the stream's deadline.
constexpr absl::Duration kMaxBatchTime = absl::Seconds(60);
constexpr absl::Duration kReadTime = absl::Seconds(10);

absl::Time BatchDeadline(const Call& call, const Clock& clock) {
  return std::min(call.deadline, clock.Now() + kMaxBatchTime);
}

// A stream message that did not parse arrives empty with its error (proto/request_parsing.h).
absl::Status CheckParsed(const pb::FeedMessage& message) {
  std::optional<std::string> error = proto::ParseErrorOf(message);
  if (!error) return absl::OkStatus();
  return absl::InvalidArgumentError(*error);
}

}  // namespace

grpc::Status TradeCaptureServiceImpl::SubmitTrades(grpc::ServerContext* context,
                                                   const pb::SubmitTradesRequest* request,
                                                   pb::SubmitTradesResponse* response) {
  return rpc_.Run(context, "SubmitTrades", clearing::kExchangeOnly, kMaxBatchTime,
                  [&](const Call& call) -> absl::Status {
                    TC_ASSIGN_OR_RETURN(IngestResult result, IngestCounted(call, request->events(),
                                                                           nullptr, call.deadline));
                    response->set_business_date(result.business_date);
                    for (pb::TradeResult& r : result.results) {
                      *response->add_results() = std::move(r);
                    }
                    return absl::OkStatus();
                  });
}

grpc::Status TradeCaptureServiceImpl::StreamTrades(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<pb::FeedReply, pb::FeedMessage>* stream) {
  return rpc_.Run(
      context, "StreamTrades", clearing::kExchangeOnly, absl::InfiniteDuration(),
      [&](const Call& call) -> absl::Status {
        pb::FeedMessage message;
        if (!stream->Read(&message)) return absl::OkStatus();  // the client went away
        TC_RETURN_IF_ERROR(CheckParsed(message));
        if (message.kind_case() != pb::FeedMessage::kLogon) {
          return absl::InvalidArgumentError("the first message of a feed must be a logon");
        }
        const std::string feed_id = message.logon().feed_id();
        TC_RETURN_IF_ERROR(ValidateIdentifier("logon.feed_id", feed_id));
        TC_ASSIGN_OR_RETURN(
            std::unique_ptr<FeedSessions::Lease> lease,
            sessions_.Claim(feed_id, call.caller.principal_id, &call.context,
                            message.logon().take_over(), BatchDeadline(call, clock_)));
        TC_ASSIGN_OR_RETURN(
            FeedSessionStart start,
            ingestor_.BeginFeedSession(call.caller, feed_id, BatchDeadline(call, clock_)));
        pb::FeedReply logon_ack;
        logon_ack.mutable_logon_ack()->set_feed_id(feed_id);
        logon_ack.mutable_logon_ack()->set_last_sequence(start.last_sequence);
        if (!stream->Write(logon_ack)) return absl::OkStatus();
        return ServeFeed(call, stream, feed_id, *lease, start.session_epoch);
      });
}

absl::Status TradeCaptureServiceImpl::ServeFeed(
    const Call& call, grpc::ServerReaderWriter<pb::FeedReply, pb::FeedMessage>* stream,
    const std::string& feed_id, const FeedSessions::Lease& lease, int64_t session_epoch) {
  // One batch at a time: read, commit, acknowledge.
  pb::FeedMessage message;
  while (stream->Read(&message)) {
    if (lease.TakenOver()) break;
    TC_RETURN_IF_ERROR(CheckParsed(message));
    if (message.kind_case() != pb::FeedMessage::kBatch) {
      return absl::InvalidArgumentError("after the logon a feed sends only batches");
    }
    FeedPosition position{feed_id, message.batch().first_sequence(), session_epoch};
    TC_ASSIGN_OR_RETURN(IngestResult result, IngestCounted(call, message.batch().events(),
                                                           &position, BatchDeadline(call, clock_)));
    pb::FeedReply ack;
    pb::FeedBatchAck* batch_ack = ack.mutable_batch_ack();
    batch_ack->set_first_sequence(position.first_sequence);
    batch_ack->set_last_sequence(result.last_sequence);
    for (pb::TradeResult& r : result.results) *batch_ack->add_results() = std::move(r);
    if (!stream->Write(ack)) return absl::OkStatus();
    if (shutting_down_) {
      return absl::UnavailableError(absl::StrCat("server shutting down; resume feed '", feed_id,
                                                 "' after sequence ", result.last_sequence));
    }
  }
  if (lease.TakenOver()) {
    return absl::AbortedError(
        absl::StrCat("feed_id '", feed_id, "': this session was taken over by a later logon"));
  }
  return absl::OkStatus();
}

absl::StatusOr<IngestResult> TradeCaptureServiceImpl::IngestCounted(
    const Call& call, const google::protobuf::RepeatedPtrField<pb::TradeEvent>& events,
    const FeedPosition* feed, absl::Time deadline) {
  const absl::Time started = clock_.Now();
  absl::StatusOr<IngestResult> result =
      ingestor_.Ingest(call.caller, call.request_id, events, feed, deadline);
  if (!result.ok()) return result;
  rpc_.metrics().ObserveBatchCommit(clock_.Now() - started);
  TradeOutcomeCounts counts;
  for (const pb::TradeResult& r : result->results) {
    switch (r.outcome()) {
      case pb::TRADE_OUTCOME_ACCEPTED:
        ++counts.accepted;
        break;
      case pb::TRADE_OUTCOME_ALREADY_ACCEPTED:
        ++counts.duplicate;
        break;
      default:
        ++counts.rejected;
        break;
    }
  }
  rpc_.metrics().CountTrades(counts);
  return result;
}

grpc::Status TradeCaptureServiceImpl::GetFeedStatus(grpc::ServerContext* context,
                                                    const pb::GetFeedStatusRequest* request,
                                                    pb::FeedLogonAck* response) {
  return rpc_.Run(context, "GetFeedStatus", clearing::kExchangeOnly, kReadTime,
                  [&](const Call& call) -> absl::Status {
                    TC_ASSIGN_OR_RETURN(
                        int64_t held,
                        ingestor_.LastSequence(call.caller, request->feed_id(), call.deadline));
                    response->set_feed_id(request->feed_id());
                    response->set_last_sequence(held);
                    return absl::OkStatus();
                  });
}

}  // namespace tc::services
