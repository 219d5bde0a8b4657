// absl::Status <-> grpc::Status. The codes are the same canonical set.
//
//   return ToGrpcStatus(ingestor.Ingest(...).status());
#ifndef TOKENCLEAR_SERVICES_GRPC_STATUS_H_
#define TOKENCLEAR_SERVICES_GRPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace tc::services {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_GRPC_STATUS_H_
