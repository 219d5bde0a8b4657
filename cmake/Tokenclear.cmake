# Build helpers: one small target per component, tests named by kind, and a hard wall
# between the pure domain (core, clearing, margin, settlement) and transport/storage.
#
#   tc_library(NAME tc_core SRCS a.cc HDRS a.h DEPS absl::status DOMAIN)
#   tc_test(NAME money_test SRCS money_test.cc DEPS tc_core)          # pure, label "unit"
#   tc_test(NAME trade_store_pgtest SRCS ... DEPS tc_store)             # label "pg"

set(TC_FORBIDDEN_IN_DOMAIN gRPC::grpc++ gRPC::grpc gRPC::grpc++_reflection protobuf::libprotobuf
    PkgConfig::PQXX pqxx pq grpc++ grpc protobuf)
set(TC_FORBIDDEN_INCLUDE_REGEX "#[ \t]*include[ \t]*[<\"](grpc|grpcpp|pqxx|libpq|google/protobuf|tokenclear/v1)")

function(tc_library)
  cmake_parse_arguments(ARG "DOMAIN" "NAME" "SRCS;HDRS;DEPS" ${ARGN})
  if(ARG_SRCS)
    add_library(${ARG_NAME} STATIC ${ARG_SRCS} ${ARG_HDRS})
    target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS})
    target_include_directories(${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  else()
    add_library(${ARG_NAME} INTERFACE ${ARG_HDRS})
    target_link_libraries(${ARG_NAME} INTERFACE ${ARG_DEPS})
    target_include_directories(${ARG_NAME} INTERFACE ${PROJECT_SOURCE_DIR})
  endif()
  if(ARG_DOMAIN)
    set_property(GLOBAL APPEND PROPERTY TC_DOMAIN_TARGETS ${ARG_NAME})
    foreach(src IN LISTS ARG_SRCS ARG_HDRS)
      get_filename_component(abs "${src}" ABSOLUTE)
      set_property(GLOBAL APPEND PROPERTY TC_DOMAIN_SOURCES ${abs})
    endforeach()
  endif()
endfunction()

# Test kind comes from the suffix (userver convention): *_pgtest needs the PostgreSQL
# started by deploy/test.sh, *_e2etest runs real server binaries, the rest are pure.
function(tc_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
  if(ARG_NAME MATCHES "_pgtest$")
    set(label pg)
  elseif(ARG_NAME MATCHES "_e2etest$")
    set(label e2e)
  else()
    set(label unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS ${label} TIMEOUT ${ARG_TIMEOUT})
endfunction()

# Walks the link closure of a target.
function(_tc_link_closure target out_var)
  set(seen "")
  set(queue ${target})
  set(steps 0)
  while(queue)
    math(EXPR steps "${steps} + 1")
    if(steps GREATER 10000)
      message(FATAL_ERROR "link closure of ${target} does not terminate")
    endif()
    list(POP_FRONT queue item)
    if(item IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${item})
    if(TARGET ${item})
      get_target_property(type ${item} TYPE)
      set(deps "")
      if(NOT type STREQUAL "INTERFACE_LIBRARY")
        get_target_property(direct ${item} LINK_LIBRARIES)
        if(direct)
          list(APPEND deps ${direct})
        endif()
      endif()
      get_target_property(iface ${item} INTERFACE_LINK_LIBRARIES)
      if(iface)
        list(APPEND deps ${iface})
      endif()
      foreach(dep IN LISTS deps)
        string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" dep "${dep}")
        list(APPEND queue ${dep})
      endforeach()
    endif()
  endwhile()
  set(${out_var} ${seen} PARENT_SCOPE)
endfunction()

# Fails configuration when a domain target links, or a domain source includes, gRPC,
# protobuf or libpqxx. Domain sources are configure dependencies, so editing one
# re-runs this check on the next build.
function(tc_check_domain_boundaries)
  get_property(domain_targets GLOBAL PROPERTY TC_DOMAIN_TARGETS)
  foreach(target IN LISTS domain_targets)
    _tc_link_closure(${target} closure)
    foreach(item IN LISTS closure)
      if(item IN_LIST TC_FORBIDDEN_IN_DOMAIN)
        message(FATAL_ERROR "domain target ${target} links ${item}: domain code must stay pure")
      endif()
      if(TARGET ${item} AND NOT item STREQUAL target)
        get_property(is_domain GLOBAL PROPERTY TC_DOMAIN_TARGETS)
        if(item MATCHES "^tc_" AND NOT item IN_LIST is_domain)
          message(FATAL_ERROR "domain target ${target} links non-domain target ${item}")
        endif()
      endif()
    endforeach()
  endforeach()
  get_property(domain_sources GLOBAL PROPERTY TC_DOMAIN_SOURCES)
  foreach(src IN LISTS domain_sources)
    set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${src})
    file(STRINGS ${src} bad REGEX "${TC_FORBIDDEN_INCLUDE_REGEX}")
    if(bad)
      message(FATAL_ERROR "domain source ${src} includes transport or storage: ${bad}")
    endif()
  endforeach()
endfunction()

# Fuzz targets: SRCS define LLVMFuzzerTestOneInput (and may define LLVMFuzzerInitialize).
#
#   tc_fuzz(NAME spn_reader_fuzz SRCS spn_reader_fuzz.cc DEPS tc_margin)
#
# Binaries go to build/fuzz/NAME; fuzz/dicts/NAME.dict, when present, is the dictionary.
# The sanitizer build (TOKENCLEAR_SANITIZE) links libFuzzer and registers two tests:
#   NAME              label "fuzz": fuzzes for TOKENCLEAR_FUZZ_SECONDS from the seeds
#                     (build/fuzz/seeds/NAME, written by fuzz_seeds) into a corpus kept in
#                     the build folder (build/fuzz/corpus/NAME); a crash, leak, timeout
#                     or out-of-memory fails it and leaves the input in build/fuzz/artifacts/NAME/.
#   NAME_regressions  label "unit": replays every file of fuzz/regressions/NAME/ once (or,
#                     while there is none, the seeds).
# Other builds link fuzz/replay_main.cc instead of libFuzzer and register only the replay,
# so the regressions run in the normal build too.
set(TOKENCLEAR_FUZZ_SECONDS 60 CACHE STRING "Seconds each fuzz target runs in ctest")
set(TOKENCLEAR_FUZZ_INPUT_TIMEOUT 30 CACHE STRING "Seconds one fuzz input may take")
set(TOKENCLEAR_FUZZ_RSS_MB 2048 CACHE STRING "Memory limit of a fuzz target, MB")
function(tc_fuzz)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz)
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  add_dependencies(${ARG_NAME} fuzz_seeds_written)
  set(fuzz_dir ${PROJECT_BINARY_DIR}/fuzz)
  set(seeds ${fuzz_dir}/seeds/${ARG_NAME})
  file(MAKE_DIRECTORY ${seeds} ${fuzz_dir}/corpus/${ARG_NAME} ${fuzz_dir}/artifacts/${ARG_NAME})
  if(TOKENCLEAR_SANITIZE)
    target_link_options(${ARG_NAME} PRIVATE -fsanitize=fuzzer)
    set(options -max_total_time=${TOKENCLEAR_FUZZ_SECONDS} -timeout=${TOKENCLEAR_FUZZ_INPUT_TIMEOUT}
        -rss_limit_mb=${TOKENCLEAR_FUZZ_RSS_MB} -print_final_stats=1 -verbosity=0
        -artifact_prefix=${fuzz_dir}/artifacts/${ARG_NAME}/)
    if(EXISTS ${PROJECT_SOURCE_DIR}/fuzz/dicts/${ARG_NAME}.dict)
      list(APPEND options -dict=${PROJECT_SOURCE_DIR}/fuzz/dicts/${ARG_NAME}.dict)
    endif()
    # The first folder receives new inputs; the seeds and regressions are only read.
    set(inputs ${fuzz_dir}/corpus/${ARG_NAME} ${seeds})
    if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/fuzz/regressions/${ARG_NAME})
      list(APPEND inputs ${PROJECT_SOURCE_DIR}/fuzz/regressions/${ARG_NAME})
    endif()
    add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME} ${options} ${inputs})
    math(EXPR timeout "${TOKENCLEAR_FUZZ_SECONDS} + 300")
    set_tests_properties(${ARG_NAME} PROPERTIES LABELS fuzz TIMEOUT ${timeout})
  else()
    target_sources(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
  endif()
  file(GLOB regressions CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/fuzz/regressions/${ARG_NAME}/*)
  if(regressions)
    add_test(NAME ${ARG_NAME}_regressions COMMAND ${ARG_NAME} ${regressions})
  else()
    add_test(NAME ${ARG_NAME}_regressions COMMAND ${ARG_NAME} -runs=0 ${seeds})
  endif()
  set_tests_properties(${ARG_NAME}_regressions PROPERTIES LABELS unit TIMEOUT 300)
endfunction()
