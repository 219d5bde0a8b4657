// Conversions between the margin domain (margin::RiskParameters, calibration statistics,
// margin::MarginBreakdown) and tokenclear.v1 margin messages. Parameter sets are stored
// as serialized pb::RiskParameterSet, so FromProto also reads them back from PostgreSQL.
//
//   pb::RiskParameters wire = ToProto(result.parameters);
//   absl::StatusOr<margin::RiskParameters> params = FromProto(wire);
//   pb::MarginBreakdown out = ToProto(breakdown);
#ifndef TOKENCLEAR_SERVICES_MARGIN_SERVICE_CONVERT_H_
#define TOKENCLEAR_SERVICES_MARGIN_SERVICE_CONVERT_H_

#include "absl/status/statusor.h"
#include "clearing/reference_data.h"
#include "margin/calibration.h"
#include "margin/margin_breakdown.h"
#include "margin/risk_parameters.h"
#include "tokenclear/v1/margin.pb.h"

namespace tc::services {

namespace pb = ::tokenclear::v1;

pb::RiskParameters ToProto(const margin::RiskParameters& params);
// InvalidArgument for a malformed business date or an out-of-range enum value.
absl::StatusOr<margin::RiskParameters> FromProto(const pb::RiskParameters& params);

pb::ProductCalibration ToProto(const margin::ProductStatistics& stats);
pb::PairCalibration ToProto(const margin::PairStatistics& stats);
pb::CalendarSpreadCalibration ToProto(const margin::CalendarSpreadStatistics& stats);
pb::MarginBreakdown ToProto(const margin::MarginBreakdown& breakdown);

margin::AccountClass ToMarginClass(clearing::AccountClass account_class);
// InvalidArgument naming `field` for ACCOUNT_CLASS_UNSPECIFIED or an unknown value.
absl::StatusOr<margin::AccountClass> ToMarginClass(pb::AccountClass account_class,
                                                   absl::string_view field);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_MARGIN_SERVICE_CONVERT_H_
