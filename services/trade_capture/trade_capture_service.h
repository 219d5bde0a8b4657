// gRPC TradeCaptureService: SubmitTrades (a batch, a result per event), StreamTrades (a
// sequenced feed that resumes without gap or duplicate after a reconnect, one live
// session per feed) and GetFeedStatus. Caller role: EXCHANGE. Acknowledgements are sent
// only after commit.
//
//   TradeCaptureServiceImpl service(rpc, ingestor);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_TRADE_CAPTURE_SERVICE_H_
#define TOKENCLEAR_SERVICES_TRADE_CAPTURE_SERVICE_H_

#include <atomic>

#include "services/common/rpc.h"
#include "services/trade_capture/feed_sessions.h"
#include "services/trade_capture/trade_ingestor.h"
#include "tokenclear/v1/trade_capture.grpc.pb.h"

namespace tc::services {

class TradeCaptureServiceImpl final : public tokenclear::v1::TradeCaptureService::Service {
 public:
  TradeCaptureServiceImpl(Rpc& rpc, TradeIngestor& ingestor, const Clock& clock)
      : rpc_(rpc), ingestor_(ingestor), clock_(clock), sessions_(clock) {}

  grpc::Status SubmitTrades(grpc::ServerContext* context,
                            const tokenclear::v1::SubmitTradesRequest* request,
                            tokenclear::v1::SubmitTradesResponse* response) override;

  grpc::Status StreamTrades(grpc::ServerContext* context,
                            grpc::ServerReaderWriter<tokenclear::v1::FeedReply,
                                                     tokenclear::v1::FeedMessage>* stream) override;

  grpc::Status GetFeedStatus(grpc::ServerContext* context,
                             const tokenclear::v1::GetFeedStatusRequest* request,
                             tokenclear::v1::FeedLogonAck* response) override;

  // Streams finish their current batch and end with UNAVAILABLE ("server shutting down")
  // so the exchange reconnects elsewhere or later and resumes from the held sequence.
  void BeginShutdown() { shutting_down_ = true; }

 private:
  // The batches of one logged-on feed session, until the client half-closes, the call
  // ends, the session is taken over or the server shuts down.
  absl::Status ServeFeed(
      const Call& call,
      grpc::ServerReaderWriter<tokenclear::v1::FeedReply, tokenclear::v1::FeedMessage>* stream,
      const std::string& feed_id, const FeedSessions::Lease& lease, int64_t session_epoch);
  // The ingestor's batch, timed (tokenclear_trade_batch_commit_seconds) and its events
  // counted by outcome (tokenclear_trades_total).
  absl::StatusOr<IngestResult> IngestCounted(
      const Call& call,
      const google::protobuf::RepeatedPtrField<tokenclear::v1::TradeEvent>& events,
      const FeedPosition* feed, absl::Time deadline);

  Rpc& rpc_;
  TradeIngestor& ingestor_;
  const Clock& clock_;
  FeedSessions sessions_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_TRADE_CAPTURE_SERVICE_H_
