#include "margin/files/spn_reader.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"
#include "core/status_macros.h"
#include "formats/decimal_text.h"

namespace tc::margin {
namespace {

using formats::XmlElement;

constexpr int kMicroDigits = 6;

absl::Status ElementError(const XmlElement& element, absl::string_view field,
                          absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("line ", element.line, ": ", element.name, "/", field, " ", why));
}

// Text of a required child, trimmed.
absl::StatusOr<std::string> RequiredText(const XmlElement& element, absl::string_view field) {
  const XmlElement* child = element.FindChild(field);
  if (child == nullptr) return ElementError(element, field, "is missing");
  return std::string(child->TrimmedText());
}

std::string OptionalText(const XmlElement& element, absl::string_view field) {
  const XmlElement* child = element.FindChild(field);
  return child == nullptr ? std::string() : std::string(child->TrimmedText());
}

absl::StatusOr<int64_t> DecimalOf(const XmlElement& child, const XmlElement& parent,
                                  int scale_digits) {
  // xs:double text: exponents allowed, rounded once to the scale (docs/SPAN_FILES.md).
  absl::StatusOr<int64_t> value = formats::ParseXsdNumber(child.TrimmedText(), scale_digits);
  if (!value.ok()) {
    return ElementError(parent, child.name,
                        absl::StrCat("= '", child.TrimmedText().substr(0, 40),
                                     "' is not a decimal number in range"));
  }
  return *value;
}

absl::StatusOr<int64_t> RequiredDecimal(const XmlElement& element, absl::string_view field,
                                        int scale_digits) {
  const XmlElement* child = element.FindChild(field);
  if (child == nullptr) return ElementError(element, field, "is missing");
  return DecimalOf(*child, element, scale_digits);
}

absl::StatusOr<int64_t> OptionalDecimal(const XmlElement& element, absl::string_view field,
                                        int scale_digits, int64_t default_value) {
  const XmlElement* child = element.FindChild(field);
  if (child == nullptr) return default_value;
  return DecimalOf(*child, element, scale_digits);
}

absl::StatusOr<int> RequiredInt(const XmlElement& element, absl::string_view field) {
  TC_ASSIGN_OR_RETURN(std::string text, RequiredText(element, field));
  int value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return ElementError(element, field,
                        absl::StrCat("= '", text.substr(0, 40), "' is not an integer"));
  }
  return value;
}

// A period code "CCYYMM" with an optional suffix (day, W1..W5, ...): the CCYYMM part.
absl::StatusOr<int> PeriodOf(const XmlElement& element, absl::string_view field) {
  TC_ASSIGN_OR_RETURN(std::string text, RequiredText(element, field));
  int period = 0;
  if (text.size() < 6 || !absl::SimpleAtoi(absl::string_view(text).substr(0, 6), &period) ||
      !absl::ascii_isdigit(static_cast<unsigned char>(text[0]))) {
    return ElementError(
        element, field,
        absl::StrCat("= '", text.substr(0, 40), "' is not a period code CCYYMM[suffix]"));
  }
  return period;
}

absl::StatusOr<bool> BoolOf(const XmlElement& element, absl::string_view field) {
  TC_ASSIGN_OR_RETURN(std::string text, RequiredText(element, field));
  if (text == "1" || text == "true") return true;
  if (text == "0" || text == "false") return false;
  return ElementError(element, field,
                      absl::StrCat("= '", text.substr(0, 40), "' is not a boolean"));
}

absl::StatusOr<SpreadSide> SideOf(const XmlElement& leg) {
  TC_ASSIGN_OR_RETURN(std::string rs, RequiredText(leg, "rs"));
  if (rs == "A") return SpreadSide::kA;
  if (rs == "B") return SpreadSide::kB;
  return ElementError(leg, "rs", absl::StrCat("= '", rs.substr(0, 40), "' is not A or B"));
}

absl::StatusOr<OptionRight> RightOf(const XmlElement& opt) {
  const XmlElement* right = opt.FindChild("o");
  if (right == nullptr) return ElementError(opt, "o", "is missing");
  if (right->TrimmedText() == "C") return OptionRight::kCall;
  if (right->TrimmedText() == "P") return OptionRight::kPut;
  return ElementError(opt, "o",
                      absl::StrCat("= '", right->TrimmedText().substr(0, 40), "' is not C or P"));
}

// A performance-bond rate class (pbRateDef).
struct RateClass {
  bool is_maintenance = false;
  std::string account_type;
  std::string pbc;
};

// A product family with where it was found.
struct FamilyRef {
  const XmlElement* element = nullptr;
  std::string exchange;
};

class SpnAssembler {
 public:
  absl::StatusOr<SpnFile> Read(const XmlElement& root) {
    if (root.name != "spanFile") {
      return absl::InvalidArgumentError(absl::StrCat("line ", root.line, ": root element is <",
                                                     ShortenForMessage(root.name),
                                                     ">, not <spanFile>"));
    }
    const XmlElement* point_in_time = root.FindChild("pointInTime");
    if (point_in_time == nullptr) return ElementError(root, "pointInTime", "is missing");
    NoteRepeats(root, "pointInTime");
    NoteRepeats(*point_in_time, "clearingOrg");
    TC_RETURN_IF_ERROR(ReadPointInTime(*point_in_time));
    return std::move(out_);
  }

 private:
  RiskParameters& params() { return out_.parameters; }

  void Unsupported(const XmlElement& element, absl::string_view what) {
    out_.unsupported.push_back(absl::StrCat("line ", element.line, ": ", what));
  }

  // Only the first `name` child is read; later ones are listed.
  void NoteRepeats(const XmlElement& parent, absl::string_view name) {
    bool first = true;
    for (const XmlElement& child : parent.children) {
      if (child.name != name) continue;
      if (!first) Unsupported(child, absl::StrCat("another ", name, " (only the first is read)"));
      first = false;
    }
  }

  absl::Status ReadPointInTime(const XmlElement& pit) {
    TC_ASSIGN_OR_RETURN(std::string date, RequiredText(pit, "date"));
    int year = 0, month = 0, day = 0;
    if (date.size() != 8 || !absl::SimpleAtoi(date.substr(0, 4), &year) ||
        !absl::SimpleAtoi(date.substr(4, 2), &month) ||
        !absl::SimpleAtoi(date.substr(6, 2), &day) || month < 1 || month > 12 || day < 1 ||
        day > 31) {
      return ElementError(pit, "date",
                          absl::StrCat("= '", date.substr(0, 40), "' is not CCYYMMDD"));
    }
    params().business_date = absl::CivilDay(year, month, day);
    const XmlElement* org = pit.FindChild("clearingOrg");
    if (org == nullptr) return ElementError(pit, "clearingOrg", "is missing");
    TC_ASSIGN_OR_RETURN(std::string ec, RequiredText(*org, "ec"));
    std::string qualifier = OptionalText(pit, "setlQualifier");
    params().version_id = absl::StrCat(ec, "-", date, qualifier.empty() ? "" : "-", qualifier);
    return ReadClearingOrg(*org);
  }

  absl::Status ReadClearingOrg(const XmlElement& org) {
    std::vector<FamilyRef> families;
    std::vector<const XmlElement*> cc_defs;
    for (const XmlElement& child : org.children) {
      if (child.name == "pbRateDef") {
        TC_RETURN_IF_ERROR(ReadRateClass(child));
      } else if (child.name == "pointDef") {
        if (!default_extreme_) TC_RETURN_IF_ERROR(ReadPointDef(child, default_extreme_));
      } else if (child.name == "exchange") {
        TC_RETURN_IF_ERROR(CollectExchange(child, families, cc_defs));
      } else if (IsFamily(child.name)) {
        families.push_back({&child, OptionalText(org, "ec")});
      } else if (child.name == "ccDef") {
        cc_defs.push_back(&child);
      } else if (child.name == "curConv") {
        Unsupported(child, "currency conversion (curConv)");
      } else if (!IsKnownOrgField(child.name)) {
        ++out_.skipped_elements;
      }
    }
    for (const XmlElement* cc_def : cc_defs) TC_RETURN_IF_ERROR(ReadCcDef(*cc_def));
    for (const FamilyRef& family : families) TC_RETURN_IF_ERROR(ReadFamily(family));
    for (const XmlElement& child : org.children) {
      if (child.name == "superSpreads" || child.name == "interSpreads") {
        TC_RETURN_IF_ERROR(ReadInterSpreads(child, child.name == "superSpreads"));
      } else if (child.name == "interClearSpreads" || child.name == "superInterClearSpreads") {
        Unsupported(child, absl::StrCat(child.name, " (cross-clearing-org spreads)"));
      }
    }
    FinishInterRates();
    return absl::OkStatus();
  }

  static bool IsFamily(absl::string_view name) {
    return name == "futPf" || name == "oofPf" || name == "oopPf" || name == "ooePf" ||
           name == "phyPf";
  }

  static bool IsKnownOrgField(absl::string_view name) {
    static const auto* const kFields =
        new absl::flat_hash_set<std::string>{"ec",
                                             "name",
                                             "isContractScale",
                                             "isNetMargin",
                                             "finalizeMeth",
                                             "oopDeltaMeth",
                                             "capAnov",
                                             "minIntExDeltaPct",
                                             "lookAheadYears",
                                             "lookAheadDays",
                                             "daysPerYear",
                                             "custUseLov",
                                             "useLovPct",
                                             "limitSubAccountOffset",
                                             "capRiskArray",
                                             "superSpreads",
                                             "interSpreads",
                                             "interClearSpreads",
                                             "superInterClearSpreads"};
    return kFields->contains(name);
  }

  absl::Status CollectExchange(const XmlElement& exchange, std::vector<FamilyRef>& families,
                               std::vector<const XmlElement*>& cc_defs) {
    TC_ASSIGN_OR_RETURN(std::string exch, RequiredText(exchange, "exch"));
    for (const XmlElement& child : exchange.children) {
      if (IsFamily(child.name)) {
        families.push_back({&child, exch});
      } else if (child.name == "ccDef") {
        cc_defs.push_back(&child);
      } else if (child.name != "exch" && child.name != "name") {
        ++out_.skipped_elements;
      }
    }
    return absl::OkStatus();
  }

  absl::Status ReadRateClass(const XmlElement& def) {
    TC_ASSIGN_OR_RETURN(int r, RequiredInt(def, "r"));
    TC_ASSIGN_OR_RETURN(bool is_maintenance, BoolOf(def, "isM"));
    RateClass rate_class{.is_maintenance = is_maintenance,
                         .account_type = OptionalText(def, "acctType"),
                         .pbc = OptionalText(def, "pbc")};
    if (!rate_classes_.emplace(r, rate_class).second) {
      return ElementError(def, "r", absl::StrCat("= ", r, " is defined twice"));
    }
    if (is_maintenance && rate_class.pbc != "RESRV" && !maintenance_rate_) maintenance_rate_ = r;
    return absl::OkStatus();
  }

  // The extreme move (k, f) of a pointDef: scan point 15's price move and weight.
  struct ExtremeMove {
    int64_t multiplier_ppm = 0;
    int64_t covered_fraction_ppm = 0;
  };

  absl::Status ReadPointDef(const XmlElement& def, std::optional<ExtremeMove>& out) {
    for (const XmlElement& point : def.children) {
      if (point.name != "scanPointDef") continue;
      TC_ASSIGN_OR_RETURN(int number, RequiredInt(point, "point"));
      if (number != 15) continue;
      const XmlElement* price = point.FindChild("priceScanDef");
      if (price == nullptr) return ElementError(point, "priceScanDef", "is missing");
      TC_ASSIGN_OR_RETURN(int64_t mult_ppm, RequiredDecimal(*price, "mult", kMicroDigits));
      TC_ASSIGN_OR_RETURN(int64_t numerator_ppm,
                          OptionalDecimal(*price, "numerator", kMicroDigits, kPpmPerUnit));
      TC_ASSIGN_OR_RETURN(int64_t denominator_ppm,
                          OptionalDecimal(*price, "denominator", kMicroDigits, kPpmPerUnit));
      std::optional<int64_t> k_ppm =
          denominator_ppm == 0
              ? std::nullopt
              : CheckedRoundedDiv(static_cast<__int128>(mult_ppm) * numerator_ppm, denominator_ppm);
      if (!k_ppm) return ElementError(*price, "denominator", "makes the price move undefined");
      TC_ASSIGN_OR_RETURN(int64_t weight_ppm, RequiredDecimal(point, "weight", kMicroDigits));
      out = ExtremeMove{.multiplier_ppm = *k_ppm < 0 ? -*k_ppm : *k_ppm,
                        .covered_fraction_ppm = weight_ppm};
      return absl::OkStatus();
    }
    return absl::OkStatus();
  }

  // The children named `name` that carry the maintenance rate class (their `r`), or,
  // when none does, those with the first `r` seen.
  absl::StatusOr<std::vector<const XmlElement*>> ForMaintenance(const XmlElement& parent,
                                                                absl::string_view name) {
    std::vector<std::pair<int, const XmlElement*>> all;
    bool any_maintenance = false;
    for (const XmlElement& child : parent.children) {
      if (child.name != name) continue;
      TC_ASSIGN_OR_RETURN(int r, RequiredInt(child, "r"));
      any_maintenance = any_maintenance || (maintenance_rate_ && r == *maintenance_rate_);
      all.emplace_back(r, &child);
    }
    std::vector<const XmlElement*> selected;
    if (all.empty()) return selected;
    const int wanted = any_maintenance ? *maintenance_rate_ : all.front().first;
    for (const auto& [r, child] : all) {
      if (r == wanted) selected.push_back(child);
    }
    return selected;
  }

  absl::StatusOr<const XmlElement*> OneForMaintenance(const XmlElement& parent,
                                                      absl::string_view name) {
    TC_ASSIGN_OR_RETURN(std::vector<const XmlElement*> selected, ForMaintenance(parent, name));
    return selected.empty() ? nullptr : selected.front();
  }

  // ---- ccDef ----

  absl::Status ReadCcDef(const XmlElement& def) {
    CombinedCommodity cc;
    TC_ASSIGN_OR_RETURN(cc.code, RequiredText(def, "cc"));
    TC_ASSIGN_OR_RETURN(cc.currency, RequiredText(def, "currency"));
    if (cc_index_.contains(cc.code)) return ElementError(def, "cc", "is defined twice");
    TC_ASSIGN_OR_RETURN(cc.wfpr_method, WfprOf(def));
    TC_ASSIGN_OR_RETURN(cc.som_method, SomMethodOf(def));
    std::optional<ExtremeMove> extreme;
    for (const XmlElement& child : def.children) {
      if (child.name == "pfLink") {
        TC_RETURN_IF_ERROR(ReadPfLink(child, cc.code));
      } else if (child.name == "pointDef") {
        TC_RETURN_IF_ERROR(ReadPointDef(child, extreme));
      } else if (child.name == "adjRate") {
        TC_RETURN_IF_ERROR(ReadAdjRate(child, cc.initial_to_maintenance));
      } else if (child.name == "scanTiers" || child.name == "intraTiers" ||
                 child.name == "interTiers") {
        TC_RETURN_IF_ERROR(ReadTiers(child, child.name == "scanTiers"    ? cc.scan_tiers
                                            : child.name == "intraTiers" ? cc.intra_tiers
                                                                         : cc.inter_tiers));
      } else if (child.name == "somTiers") {
        TC_RETURN_IF_ERROR(ReadSomTiers(child, cc));
      } else if (child.name == "dSpread") {
        TC_RETURN_IF_ERROR(ReadIntraSpread(child, cc));
      } else if (child.name == "rateTiers" || child.name == "liqRate" ||
                 child.name == "basisRates" || child.name == "concAdjRate") {
        Unsupported(child, absl::StrCat("ccDef ", cc.code, " ", child.name));
      } else if (child.name == "capAnov" && child.TrimmedText() != "0" &&
                 child.TrimmedText() != "false") {
        Unsupported(child, absl::StrCat("ccDef ", cc.code, " capAnov"));
      }
    }
    TC_RETURN_IF_ERROR(ReadSpotRates(def, cc));
    if (extreme) cc_extreme_[cc.code] = *extreme;
    cc_index_[cc.code] = params().combined_commodities.size();
    params().combined_commodities.push_back(std::move(cc));
    return absl::OkStatus();
  }

  absl::Status ReadSpotRates(const XmlElement& def, CombinedCommodity& cc) {
    TC_ASSIGN_OR_RETURN(std::vector<const XmlElement*> spots, ForMaintenance(def, "spotRate"));
    for (const XmlElement* spot : spots) {
      SpotMonth month;
      TC_ASSIGN_OR_RETURN(month.period, PeriodOf(*spot, "pe"));
      TC_ASSIGN_OR_RETURN(month.charge_per_consumed_delta_micros,
                          RequiredDecimal(*spot, "sprd", kMicroDigits));
      TC_ASSIGN_OR_RETURN(month.charge_per_remaining_delta_micros,
                          RequiredDecimal(*spot, "outr", kMicroDigits));
      cc.spot_months.push_back(month);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<WfprMethod> WfprOf(const XmlElement& def) {
    const std::string text = OptionalText(def, "wfprMeth");
    if (text.empty() || text == "1" || text == "NORMAL") return WfprMethod::kNormal;
    if (text == "2") return WfprMethod::kCappedAtScanRange;
    if (text == "3") return WfprMethod::kScanRange;
    return ElementError(def, "wfprMeth", absl::StrCat("= '", text.substr(0, 40), "' is unknown"));
  }

  absl::StatusOr<SomMethod> SomMethodOf(const XmlElement& def) {
    const XmlElement* child = def.FindChild("somMeth");
    if (child == nullptr) return SomMethod::kGreaterOfCallsPuts;
    const absl::string_view text = child->TrimmedText();
    if (text == "1" || text == "MAX" || text == "NET") return SomMethod::kGreaterOfCallsPuts;
    if (text.empty() || text == "2" || text == "GROSS") return SomMethod::kSumOfCallsPuts;
    return ElementError(def, "somMeth", absl::StrCat("= '", text.substr(0, 40), "' is unknown"));
  }

  absl::Status ReadPfLink(const XmlElement& link, const std::string& cc) {
    TC_ASSIGN_OR_RETURN(std::string exch, RequiredText(link, "exch"));
    TC_ASSIGN_OR_RETURN(int pf_id, RequiredInt(link, "pfId"));
    pf_links_[absl::StrCat(exch, "#", pf_id)] = cc;
    const std::string code = OptionalText(link, "pfCode");
    if (!code.empty()) pf_code_links_[absl::StrCat(exch, ":", code)] = cc;
    return absl::OkStatus();
  }

  absl::Status ReadAdjRate(const XmlElement& adj, InitialToMaintenanceRatios& ratios) {
    TC_ASSIGN_OR_RETURN(int r, RequiredInt(adj, "r"));
    TC_ASSIGN_OR_RETURN(int base, RequiredInt(adj, "baseR"));
    TC_ASSIGN_OR_RETURN(int64_t ratio_ppm, RequiredDecimal(adj, "val", kMicroDigits));
    auto rate_class = rate_classes_.find(r);
    if (rate_class == rate_classes_.end()) {
      return ElementError(adj, "r", absl::StrCat("= ", r, " has no pbRateDef"));
    }
    const bool from_maintenance = !maintenance_rate_ || base == *maintenance_rate_;
    if (rate_class->second.is_maintenance || !from_maintenance) {
      Unsupported(adj, absl::StrCat("adjRate r=", r, " baseR=", base,
                                    " (only initial from the core maintenance rate)"));
      return absl::OkStatus();
    }
    const std::string& type = rate_class->second.account_type;
    if (type == "M") {
      ratios.member_ppm = ratio_ppm;
    } else if (type == "H") {
      ratios.hedger_ppm = ratio_ppm;
    } else if (type == "S") {
      ratios.speculator_ppm = ratio_ppm;
    } else {
      Unsupported(adj, absl::StrCat("adjRate for account type '", type, "'"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Tier> TierOf(const XmlElement& tier) {
    Tier out;
    TC_ASSIGN_OR_RETURN(out.tier_number, RequiredInt(tier, "tn"));
    TC_ASSIGN_OR_RETURN(out.start_period, PeriodOf(tier, "sPe"));
    TC_ASSIGN_OR_RETURN(out.end_period, PeriodOf(tier, "ePe"));
    return out;
  }

  absl::Status ReadTiers(const XmlElement& tiers, std::vector<Tier>& out) {
    for (const XmlElement& tier : tiers.children) {
      if (tier.name != "tier") continue;
      TC_ASSIGN_OR_RETURN(Tier read, TierOf(tier));
      out.push_back(read);
    }
    return absl::OkStatus();
  }

  // A SOM tier without periods is the commodity-wide rate.
  absl::Status ReadSomTiers(const XmlElement& tiers, CombinedCommodity& cc) {
    for (const XmlElement& tier : tiers.children) {
      if (tier.name != "tier") continue;
      TC_ASSIGN_OR_RETURN(const XmlElement* rate, OneForMaintenance(tier, "rate"));
      if (rate == nullptr) return ElementError(tier, "rate", "is missing");
      TC_ASSIGN_OR_RETURN(int64_t rate_micros, RequiredDecimal(*rate, "val", kMicroDigits));
      if (tier.FindChild("sPe") == nullptr && tier.FindChild("ePe") == nullptr) {
        cc.som_rate_per_short_option_micros = rate_micros;
        continue;
      }
      TC_ASSIGN_OR_RETURN(Tier read, TierOf(tier));
      cc.som_tiers.push_back({.tier = read, .rate_per_short_option_micros = rate_micros});
    }
    return absl::OkStatus();
  }

  // The legs of an intra or inter dSpread; `out_kind` reports tLeg or pLeg (not mixed).
  template <typename Leg, typename MakeLeg>
  absl::Status ReadLegs(const XmlElement& spread, bool allow_period_legs,
                        std::optional<IntraSpreadKind>& out_kind, std::vector<Leg>& legs,
                        MakeLeg make_leg) {
    for (const XmlElement& leg : spread.children) {
      if (leg.name != "tLeg" && leg.name != "pLeg") continue;
      const IntraSpreadKind kind =
          leg.name == "tLeg" ? IntraSpreadKind::kTierToTier : IntraSpreadKind::kSeriesToSeries;
      if (kind == IntraSpreadKind::kSeriesToSeries && !allow_period_legs) {
        return ElementError(leg, "pe", "period legs are only read in intra spreads");
      }
      if (out_kind && *out_kind != kind) {
        return ElementError(spread, leg.name, "mixes tLeg and pLeg legs");
      }
      out_kind = kind;
      TC_ASSIGN_OR_RETURN(std::string cc, RequiredText(leg, "cc"));
      TC_ASSIGN_OR_RETURN(int64_t ratio_udelta, RequiredDecimal(leg, "i", kMicroDigits));
      TC_ASSIGN_OR_RETURN(SpreadSide side, SideOf(leg));
      TC_ASSIGN_OR_RETURN(Leg made, make_leg(leg, kind, cc));
      made.delta_per_spread_udelta = ratio_udelta;
      made.side = side;
      legs.push_back(std::move(made));
    }
    return absl::OkStatus();
  }

  absl::Status ReadIntraSpread(const XmlElement& spread, CombinedCommodity& cc) {
    IntraSpread out;
    TC_ASSIGN_OR_RETURN(out.priority, RequiredInt(spread, "spread"));
    TC_ASSIGN_OR_RETURN(std::string method, RequiredText(spread, "chargeMeth"));
    if (method != "F" || spread.FindChild("dSpread") != nullptr ||
        OptionalText(spread, "spreadType") == "DELTAVOL") {
      Unsupported(spread, absl::StrCat("ccDef ", cc.code, " intra spread ", out.priority,
                                       " (only flat, non-nested spreads)"));
      return absl::OkStatus();
    }
    TC_ASSIGN_OR_RETURN(const XmlElement* rate, OneForMaintenance(spread, "rate"));
    if (rate == nullptr) return ElementError(spread, "rate", "is missing");
    TC_ASSIGN_OR_RETURN(out.charge_per_spread_micros, RequiredDecimal(*rate, "val", kMicroDigits));
    std::optional<IntraSpreadKind> kind;
    bool foreign_leg = false;
    auto make_leg = [&](const XmlElement& leg, IntraSpreadKind leg_kind,
                        const std::string& leg_cc) -> absl::StatusOr<IntraSpreadLeg> {
      foreign_leg = foreign_leg || leg_cc != cc.code;
      IntraSpreadLeg made;
      if (leg_kind == IntraSpreadKind::kTierToTier) {
        TC_ASSIGN_OR_RETURN(made.tier_number, RequiredInt(leg, "tn"));
      } else {
        TC_ASSIGN_OR_RETURN(made.period, PeriodOf(leg, "pe"));
      }
      return made;
    };
    TC_RETURN_IF_ERROR(ReadLegs(spread, /*allow_period_legs=*/true, kind, out.legs, make_leg));
    if (foreign_leg) {
      Unsupported(spread, absl::StrCat("ccDef ", cc.code, " intra spread ", out.priority,
                                       " has a leg in another commodity"));
      return absl::OkStatus();
    }
    out.kind = kind.value_or(IntraSpreadKind::kTierToTier);
    cc.intra_spreads.push_back(std::move(out));
    return absl::OkStatus();
  }

  // ---- inter spreads ----

  absl::Status ReadInterSpreads(const XmlElement& spreads, bool is_super) {
    for (const XmlElement& spread : spreads.children) {
      if (spread.name == "sSpread") {
        Unsupported(spread, "scanning-based inter spread (sSpread)");
        continue;
      }
      if (spread.name != "dSpread") continue;
      TC_RETURN_IF_ERROR(ReadInterSpread(spread, is_super));
    }
    return absl::OkStatus();
  }

  absl::Status ReadInterSpread(const XmlElement& spread, bool is_super) {
    InterSpread out{.is_super_spread = is_super};
    TC_ASSIGN_OR_RETURN(out.priority, RequiredInt(spread, "spread"));
    TC_ASSIGN_OR_RETURN(std::string method, RequiredText(spread, "chargeMeth"));
    if (method != "W" || spread.FindChild("dSpread") != nullptr) {
      Unsupported(spread, absl::StrCat("inter spread ", out.priority, " charge method ", method,
                                       " (only WFPR-based, non-nested spreads)"));
      return absl::OkStatus();
    }
    TC_ASSIGN_OR_RETURN(const XmlElement* rate, OneForMaintenance(spread, "rate"));
    if (rate == nullptr) return ElementError(spread, "rate", "is missing");
    TC_ASSIGN_OR_RETURN(int64_t raw_rate, RequiredDecimal(*rate, "val", kMicroDigits));
    std::optional<IntraSpreadKind> kind;
    auto make_leg = [&](const XmlElement& leg, IntraSpreadKind,
                        const std::string& leg_cc) -> absl::StatusOr<InterSpreadLeg> {
      InterSpreadLeg made{.combined_commodity = leg_cc};
      TC_ASSIGN_OR_RETURN(made.tier_number, RequiredInt(leg, "tn"));
      return made;
    };
    TC_RETURN_IF_ERROR(ReadLegs(spread, /*allow_period_legs=*/false, kind, out.legs, make_leg));
    max_abs_inter_rate_ = std::max(max_abs_inter_rate_, raw_rate < 0 ? -raw_rate : raw_rate);
    raw_inter_rates_.push_back(raw_rate);
    params().inter_spreads.push_back(std::move(out));
    return absl::OkStatus();
  }

  // The unit rule (docs/SPAN_FILES.md): rates are percent when any |val| in the file
  // exceeds 1, else fractions of 1.
  void FinishInterRates() {
    const bool percent = max_abs_inter_rate_ > kPpmPerUnit;
    for (size_t i = 0; i < raw_inter_rates_.size(); ++i) {
      params().inter_spreads[i].credit_rate_ppm =
          percent ? RoundedDiv(raw_inter_rates_[i], 100) : raw_inter_rates_[i];
    }
  }

  // ---- product families ----

  absl::StatusOr<std::optional<std::string>> CommodityOf(const FamilyRef& family) {
    const XmlElement& pf = *family.element;
    TC_ASSIGN_OR_RETURN(int pf_id, RequiredInt(pf, "pfId"));
    auto by_id = pf_links_.find(absl::StrCat(family.exchange, "#", pf_id));
    if (by_id != pf_links_.end()) return std::optional<std::string>(by_id->second);
    const std::string code = OptionalText(pf, "pfCode");
    auto by_code = pf_code_links_.find(absl::StrCat(family.exchange, ":", code));
    if (by_code != pf_code_links_.end()) return std::optional<std::string>(by_code->second);
    if (cc_index_.contains(code)) return std::optional<std::string>(code);
    return std::optional<std::string>();
  }

  absl::Status ReadFamily(const FamilyRef& family) {
    const XmlElement& pf = *family.element;
    if (pf.name == "phyPf") {
      ++out_.skipped_elements;
      return absl::OkStatus();
    }
    TC_ASSIGN_OR_RETURN(std::optional<std::string> cc, CommodityOf(family));
    if (!cc) {
      Unsupported(pf, absl::StrCat(pf.name, " ", ShortenForMessage(OptionalText(pf, "pfCode")),
                                   " is linked to no ccDef (skipped)"));
      return absl::OkStatus();
    }
    TC_ASSIGN_OR_RETURN(std::string pf_code, RequiredText(pf, "pfCode"));
    const std::string prefix = absl::StrCat(family.exchange, ":", pf_code, ":");
    TC_ASSIGN_OR_RETURN(int64_t pf_cvf_ppm, OptionalDecimal(pf, "cvf", kMicroDigits, kPpmPerUnit));
    Contract base{.combined_commodity = *cc, .contract_value_factor_ppm = pf_cvf_ppm};
    if (pf.name == "futPf") return ReadFutures(pf, prefix, base);
    base.is_option = true;
    base.option_style =
        OptionalText(pf, "valueMeth") == "FUT" ? OptionStyle::kFuturesStyle : OptionStyle::kPremium;
    const std::string type = pf.name == "oofPf" ? "OOF" : pf.name == "oopPf" ? "OOP" : "OOE";
    return ReadOptions(pf, absl::StrCat(prefix, type, ":"), base);
  }

  absl::Status ReadFutures(const XmlElement& pf, const std::string& prefix, const Contract& base) {
    CombinedCommodity& cc = params().combined_commodities[cc_index_[base.combined_commodity]];
    for (const XmlElement& fut : pf.children) {
      if (fut.name != "fut") continue;
      Contract contract = base;
      TC_ASSIGN_OR_RETURN(contract.period, PeriodOf(fut, "pe"));
      TC_ASSIGN_OR_RETURN(std::string pe, RequiredText(fut, "pe"));
      TC_ASSIGN_OR_RETURN(const XmlElement* scan, OneForMaintenance(fut, "scanRate"));
      if (scan != nullptr) {
        TC_ASSIGN_OR_RETURN(int64_t psr_micros,
                            OptionalDecimal(*scan, "priceScan", kMicroDigits, 0));
        cc.futures_price_scan_range_micros =
            std::max(cc.futures_price_scan_range_micros, psr_micros);
      }
      TC_RETURN_IF_ERROR(
          FinishContract(fut, absl::StrCat(prefix, "FUT:", pe), std::move(contract)));
    }
    return absl::OkStatus();
  }

  absl::Status ReadOptions(const XmlElement& pf, const std::string& prefix, const Contract& base) {
    for (const XmlElement& series : pf.children) {
      if (series.name != "series") continue;
      Contract series_base = base;
      TC_ASSIGN_OR_RETURN(series_base.period, PeriodOf(series, "pe"));
      TC_ASSIGN_OR_RETURN(std::string pe, RequiredText(series, "pe"));
      TC_ASSIGN_OR_RETURN(
          series_base.contract_value_factor_ppm,
          OptionalDecimal(series, "cvf", kMicroDigits, base.contract_value_factor_ppm));
      TC_ASSIGN_OR_RETURN(series_base.delta_scaling_ppm,
                          OptionalDecimal(series, "sc", kMicroDigits, kPpmPerUnit));
      for (const XmlElement& opt : series.children) {
        if (opt.name != "opt") continue;
        Contract contract = series_base;
        TC_ASSIGN_OR_RETURN(contract.right, RightOf(opt));
        const absl::string_view right = contract.right == OptionRight::kCall ? "C" : "P";
        TC_ASSIGN_OR_RETURN(std::string strike, RequiredText(opt, "k"));
        TC_ASSIGN_OR_RETURN(contract.price_micros, RequiredDecimal(opt, "p", kMicroDigits));
        TC_RETURN_IF_ERROR(FinishContract(opt, absl::StrCat(prefix, pe, ":", right, ":", strike),
                                          std::move(contract)));
      }
    }
    return absl::OkStatus();
  }

  // Fields shared by fut and opt: id, price, cvf, sc, the risk array and extreme move.
  absl::Status FinishContract(const XmlElement& element, std::string default_id,
                              Contract contract) {
    contract.contract_id = std::move(default_id);
    for (const XmlElement& alias : element.children) {
      if (alias.name == "alias" && OptionalText(alias, "aType") == kSpnContractIdAlias) {
        TC_ASSIGN_OR_RETURN(contract.contract_id, RequiredText(alias, "aVal"));
      }
    }
    TC_ASSIGN_OR_RETURN(contract.price_micros,
                        OptionalDecimal(element, "p", kMicroDigits, contract.price_micros));
    TC_ASSIGN_OR_RETURN(
        contract.contract_value_factor_ppm,
        OptionalDecimal(element, "cvf", kMicroDigits, contract.contract_value_factor_ppm));
    TC_ASSIGN_OR_RETURN(contract.delta_scaling_ppm,
                        OptionalDecimal(element, "sc", kMicroDigits, contract.delta_scaling_ppm));
    TC_ASSIGN_OR_RETURN(const XmlElement* ra, OneForMaintenance(element, "ra"));
    if (ra == nullptr) {
      Unsupported(element, absl::StrCat("contract ", ShortenForMessage(contract.contract_id),
                                        " has no ra (skipped)"));
      return absl::OkStatus();
    }
    for (const XmlElement& value : ra->children) {
      if (value.name != "a") continue;
      if (contract.risk_array_micros.size() >= kScenarioCount) {
        return ElementError(*ra, "a", absl::StrCat("has more than ", kScenarioCount, " values"));
      }
      TC_ASSIGN_OR_RETURN(int64_t micros, DecimalOf(value, *ra, kMicroDigits));
      contract.risk_array_micros.push_back(micros);
    }
    if (contract.risk_array_micros.size() != kScenarioCount) {
      return ElementError(*ra, "a",
                          absl::StrCat("has ", contract.risk_array_micros.size(),
                                       " values, expected ", kScenarioCount));
    }
    TC_ASSIGN_OR_RETURN(contract.composite_delta_udelta, RequiredDecimal(*ra, "d", kMicroDigits));
    auto extreme = cc_extreme_.find(contract.combined_commodity);
    const std::optional<ExtremeMove> move = extreme != cc_extreme_.end()
                                                ? std::optional<ExtremeMove>(extreme->second)
                                                : default_extreme_;
    if (move) {
      contract.extreme_move_multiplier_ppm = move->multiplier_ppm;
      contract.extreme_covered_fraction_ppm = move->covered_fraction_ppm;
    }
    if (!contract_ids_.insert(contract.contract_id).second) {
      return ElementError(
          element, "cId",
          absl::StrCat("contract ", ShortenForMessage(contract.contract_id), " is repeated"));
    }
    params().contracts.push_back(std::move(contract));
    return absl::OkStatus();
  }

  SpnFile out_;
  std::optional<int> maintenance_rate_;
  absl::flat_hash_map<int, RateClass> rate_classes_;
  std::optional<ExtremeMove> default_extreme_;
  absl::flat_hash_map<std::string, ExtremeMove> cc_extreme_;
  absl::flat_hash_map<std::string, size_t> cc_index_;
  absl::flat_hash_map<std::string, std::string> pf_links_;       // "EXCH#pfId" -> cc
  absl::flat_hash_map<std::string, std::string> pf_code_links_;  // "EXCH:pfCode" -> cc
  absl::flat_hash_set<std::string> contract_ids_;
  std::vector<int64_t> raw_inter_rates_;  // rate/val x 1e6, by inter spread
  int64_t max_abs_inter_rate_ = 0;
};

}  // namespace

absl::StatusOr<SpnFile> ReadSpn(absl::string_view xml, const formats::XmlLimits& limits) {
  TC_ASSIGN_OR_RETURN(formats::XmlElement root, formats::ParseXml(xml, limits));
  return SpnAssembler().Read(root);
}

}  // namespace tc::margin
