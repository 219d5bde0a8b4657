# Writes a C++ source holding every migrations/*.sql file (script mode:
#   cmake -DMIGRATIONS_DIR=... -DOUTPUT=... -P embed_migrations.cmake).
file(GLOB files RELATIVE ${MIGRATIONS_DIR} ${MIGRATIONS_DIR}/*.sql)
list(SORT files)
set(body "")
foreach(name IN LISTS files)
  if(NOT name MATCHES "^([0-9][0-9][0-9][0-9])_[a-z0-9_]+\\.sql$")
    message(FATAL_ERROR "migration file ${name} must be named NNNN_lower_snake.sql")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  file(READ ${MIGRATIONS_DIR}/${name} sql)
  string(FIND "${sql}" ")tcsql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw-string delimiter")
  endif()
  string(APPEND body "      {${version}, \"${name}\", R\"tcsql(${sql})tcsql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from migrations/*.sql by store/embed_migrations.cmake.
#include \"store/migrations.h\"

namespace tc::store {

const std::vector<Migration>& EmbeddedMigrations() {
  static const std::vector<Migration>* migrations = new std::vector<Migration>{
${body}  };
  return *migrations;
}

}  // namespace tc::store
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
