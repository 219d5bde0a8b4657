// Writes RiskParameters as a CME SPAN XML risk-parameter file (.spn, fileFormat 4.00)
// that validates against CME's spanrisk.xsd, so members can load our parameters into any
// SPAN-compatible engine and replicate their margin. ReadSpn(WriteSpn(p)) gives
// parameters that compute identical margins (numbers as formats/decimal_text.h
// FormatDecimal writes them). Layout and units: docs/SPAN_FILES.md.
//
//   std::string xml = WriteSpn(params, {.exchange_complex = "TCX"});
//   absl::StatusOr<SpnFile> back = ReadSpn(xml);
#ifndef TOKENCLEAR_MARGIN_FILES_SPN_WRITER_H_
#define TOKENCLEAR_MARGIN_FILES_SPN_WRITER_H_

#include <cstdint>
#include <string>

#include "margin/risk_parameters.h"

namespace tc::margin {

struct SpnWriteOptions {
  std::string exchange_complex = "TCX";  // clearingOrg/ec
  std::string exchange = "TCX";          // exchange/exch
  std::string created{};                 // spanFile/created; omitted when empty
};

// Writes every combined commodity, contract and spread of `params`. Contract ids travel
// as an alias of aType kSpnContractIdAlias (spn_reader.h); `params` should have passed
// ValidateRiskParameters.
std::string WriteSpn(const RiskParameters& params, const SpnWriteOptions& options = {});

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_FILES_SPN_WRITER_H_
