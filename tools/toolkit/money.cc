// Money formatting for the tools (see money.h).
#include "tools/toolkit/money.h"

#include "core/fixed_point.h"

namespace tc::tools {

std::string FormatUsdMicros(int64_t micros) { return FormatFixed(micros, kMicroScale); }

}  // namespace tc::tools
