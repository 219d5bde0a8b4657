// libFuzzer target: the .spn (CME SPAN XML) reader on arbitrary bytes. A refusal must be
// a clean InvalidArgument naming a line; a file that reads is compiled and margined
// (margin/margin_fuzzing.h). Seeds: files written by WriteSpn (fuzz/seeds_main.cc);
// dictionary: fuzz/dicts/spn_reader_fuzz.dict. Run: bench/fuzz.sh spn_reader_fuzz SECONDS.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "margin/files/spn_reader.h"
#include "margin/margin_fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tc::margin;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<SpnFile> file = ReadSpn(text);
  if (!file.ok()) {
    fuzzing::RequireCleanRefusal(file.status(), "ReadSpn");
    return 0;
  }
  fuzzing::MarginSmallBooks(file->parameters);
  return 0;
}
