// Reads a CME SPAN XML risk-parameter file (.spn, span.md 3.2; fileFormat 4.00) into
// RiskParameters. Read: pointInTime/date, clearingOrg (pbRateDef, pointDef), product
// families (futPf/fut, oofPf/oopPf/ooePf series/opt) with their ra arrays and composite
// deltas, ccDef (tiers, intra dSpread with tLeg/pLeg, spotRate, somTiers/somMeth,
// wfprMeth, adjRate initial-to-maintenance ratios, pointDef), interSpreads and
// superSpreads. Product families may sit under clearingOrg/exchange (CME) or directly
// under clearingOrg (NSE). Unknown elements are skipped; features the engine does not
// implement are skipped and listed in `unsupported`. A malformed element is an
// InvalidArgument naming its line, element and field. Units and decision rules:
// docs/SPAN_FILES.md.
//
//   absl::StatusOr<SpnFile> file = ReadSpn(contents);
//   absl::StatusOr<CompiledParameters> compiled = CompileParameters(file->parameters);
//
// Contract ids: the contract's alias of aType "tokenclearId" when present (files written
// by WriteSpn), else "EXCH:PFCODE:FUT:PE" for futures and
// "EXCH:PFCODE:TYPE:PE:RIGHT:STRIKE" for options (TYPE OOF, OOP or OOE).
#ifndef TOKENCLEAR_MARGIN_FILES_SPN_READER_H_
#define TOKENCLEAR_MARGIN_FILES_SPN_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "formats/xml_document.h"
#include "margin/risk_parameters.h"

namespace tc::margin {

// The alias type under which WriteSpn records tokenclear contract ids.
inline constexpr absl::string_view kSpnContractIdAlias = "tokenclearId";

struct SpnFile {
  RiskParameters parameters{};
  int skipped_elements = 0;                // children of clearingOrg/exchange not read
  std::vector<std::string> unsupported{};  // "line N: ..." for each feature skipped
};

absl::StatusOr<SpnFile> ReadSpn(absl::string_view xml, const formats::XmlLimits& limits = {});

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_FILES_SPN_READER_H_
