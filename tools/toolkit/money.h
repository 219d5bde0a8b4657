// Money as the tools print it: micro-USD (int64, `*_micros`) as USD with exactly six
// decimals, exact to the micro-dollar (core/fixed_point.h's FormatFixed; never floating
// point). Prices in micro-USD per 1M tokens print the same way.
//
//   FormatUsdMicros(127235000000);  // "127235.000000"
//   FormatUsdMicros(-500000);       // "-0.500000"
#ifndef TOKENCLEAR_TOOLS_TOOLKIT_MONEY_H_
#define TOKENCLEAR_TOOLS_TOOLKIT_MONEY_H_

#include <cstdint>
#include <string>

namespace tc::tools {

std::string FormatUsdMicros(int64_t micros);

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_TOOLKIT_MONEY_H_
