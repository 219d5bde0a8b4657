#include "services/trade_capture_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/grpc_status.h"

namespace tc::services {
namespace {

namespace pb = ::tokenclear::v1;

constexpr absl::Duration kMaxBatchTime = absl::Seconds(60);

}  // namespace

absl::Time RequestDeadline(const grpc::ServerContext& context, absl::Duration cap) {
  const absl::Time capped = absl::Now() + cap;
  const absl::Time client = absl::FromChrono(context.deadline());
  return std::min(client, capped);
}

grpc::Status TradeCaptureServiceImpl::SubmitTrades(grpc::ServerContext* context,
                                                   const pb::SubmitTradesRequest* request,
                                                   pb::SubmitTradesResponse* response) {
  absl::StatusOr<Principal> caller = auth_.Authorize(*context, {store::Role::kExchange});
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<IngestResult> result = ingestor_.Ingest(*caller, request->events(), nullptr,
                                                         RequestDeadline(*context, kMaxBatchTime));
  if (!result.ok()) return ToGrpcStatus(result.status());
  response->set_business_date(result->business_date);
  for (pb::TradeResult& r : result->results) *response->add_results() = std::move(r);
  return grpc::Status::OK;
}

grpc::Status TradeCaptureServiceImpl::StreamTrades(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<pb::FeedReply, pb::FeedMessage>* stream) {
  absl::StatusOr<Principal> caller = auth_.Authorize(*context, {store::Role::kExchange});
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  pb::FeedMessage message;
  if (!stream->Read(&message)) return grpc::Status::OK;  // the client went away
  if (message.kind_case() != pb::FeedMessage::kLogon) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "the first message of a feed must be a logon");
  }
  const std::string feed_id = message.logon().feed_id();
  absl::StatusOr<int64_t> held = ingestor_.LastSequence(*caller, feed_id);
  if (!held.ok()) return ToGrpcStatus(held.status());
  pb::FeedReply logon_ack;
  logon_ack.mutable_logon_ack()->set_feed_id(feed_id);
  logon_ack.mutable_logon_ack()->set_last_sequence(*held);
  if (!stream->Write(logon_ack)) return grpc::Status::OK;

  // One batch at a time: read, commit, acknowledge. The loop ends when the client
  // half-closes, the call is cancelled or the server shuts down.
  while (stream->Read(&message)) {
    if (message.kind_case() != pb::FeedMessage::kBatch) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "after the logon a feed sends only batches");
    }
    FeedPosition position{feed_id, message.batch().first_sequence()};
    absl::StatusOr<IngestResult> result = ingestor_.Ingest(
        *caller, message.batch().events(), &position, RequestDeadline(*context, kMaxBatchTime));
    if (!result.ok()) return ToGrpcStatus(result.status());
    pb::FeedReply ack;
    pb::FeedBatchAck* batch_ack = ack.mutable_batch_ack();
    batch_ack->set_first_sequence(position.first_sequence);
    batch_ack->set_last_sequence(result->last_sequence);
    for (pb::TradeResult& r : result->results) *batch_ack->add_results() = std::move(r);
    if (!stream->Write(ack)) return grpc::Status::OK;
    if (shutting_down_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          absl::StrCat("server shutting down; resume feed '", feed_id,
                                       "' after sequence ", result->last_sequence));
    }
  }
  return grpc::Status::OK;
}

grpc::Status TradeCaptureServiceImpl::GetFeedStatus(grpc::ServerContext* context,
                                                    const pb::GetFeedStatusRequest* request,
                                                    pb::FeedLogonAck* response) {
  absl::StatusOr<Principal> caller = auth_.Authorize(*context, {store::Role::kExchange});
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<int64_t> held = ingestor_.LastSequence(*caller, request->feed_id());
  if (!held.ok()) return ToGrpcStatus(held.status());
  response->set_feed_id(request->feed_id());
  response->set_last_sequence(*held);
  return grpc::Status::OK;
}

}  // namespace tc::services
