// gRPC TradeCaptureService: SubmitTrades (a batch, a result per event), StreamTrades (a
// sequenced feed that resumes without gap or duplicate after a reconnect) and
// GetFeedStatus. Caller role: EXCHANGE. Acknowledgements are sent only after commit.
//
//   TradeCaptureServiceImpl service(auth, ingestor);
//   builder.RegisterService(&service);
#ifndef TOKENCLEAR_SERVICES_TRADE_CAPTURE_SERVICE_H_
#define TOKENCLEAR_SERVICES_TRADE_CAPTURE_SERVICE_H_

#include <atomic>

#include "services/auth.h"
#include "services/trade_ingestor.h"
#include "tokenclear/v1/trade_capture.grpc.pb.h"

namespace tc::services {

class TradeCaptureServiceImpl final : public tokenclear::v1::TradeCaptureService::Service {
 public:
  TradeCaptureServiceImpl(Authenticator& auth, TradeIngestor& ingestor)
      : auth_(auth), ingestor_(ingestor) {}

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
  Authenticator& auth_;
  TradeIngestor& ingestor_;
  std::atomic<bool> shutting_down_{false};
};

// The time a request may take: the client's deadline, capped by `cap`.
absl::Time RequestDeadline(const grpc::ServerContext& context, absl::Duration cap);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_TRADE_CAPTURE_SERVICE_H_
