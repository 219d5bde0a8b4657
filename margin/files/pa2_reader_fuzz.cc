// libFuzzer target: the .pa2 (CME expanded positional) reader on arbitrary bytes. A
// refusal must be a clean InvalidArgument naming a line (or the missing header); a file
// that reads is compiled and margined (margin/margin_fuzzing.h). Seeds: SyntheticPa2
// files (fuzz/seeds_main.cc). Run: bench/fuzz.sh pa2_reader_fuzz SECONDS.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "margin/files/pa2_reader.h"
#include "margin/margin_fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tc::margin;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Pa2File> file = ReadPa2(text);
  if (!file.ok()) {
    fuzzing::RequireCleanRefusal(file.status(), "ReadPa2");
    return 0;
  }
  fuzzing::MarginSmallBooks(file->parameters);
  return 0;
}
