# ctest script: fails when the cpep_core archive refers to SQLite, or when the target lists
# SQLite or SQLiteCpp among its link libraries.
if(NOT NM OR NOT ARCHIVE OR NOT LINK_LIBRARIES_FILE)
  message(FATAL_ERROR "usage: cmake -DNM=... -DARCHIVE=... -DLINK_LIBRARIES_FILE=... -P check_core_links.cmake")
endif()
if(NOT EXISTS "${ARCHIVE}")
  message(FATAL_ERROR "cpep_core archive not found: ${ARCHIVE}")
endif()

execute_process(COMMAND "${NM}" -C "${ARCHIVE}"
  OUTPUT_VARIABLE symbols ERROR_VARIABLE nm_errors RESULT_VARIABLE nm_result)
if(NOT nm_result EQUAL 0)
  message(FATAL_ERROR "nm failed on ${ARCHIVE}: ${nm_errors}")
endif()
# A sanity check that nm really listed the archive: the core's own symbols must be there.
if(NOT symbols MATCHES "cpep::")
  message(FATAL_ERROR "nm output of ${ARCHIVE} lists no cpep:: symbol; cannot trust the check")
endif()
string(REGEX MATCHALL "[^\n]*(sqlite3_|SQLite::)[^\n]*" offending "${symbols}")
if(offending)
  list(JOIN offending "\n  " lines)
  message(FATAL_ERROR "cpep_core refers to SQLite:\n  ${lines}")
endif()

file(READ "${LINK_LIBRARIES_FILE}" link_libraries)
string(TOLOWER "${link_libraries}" link_libraries_lower)
if(link_libraries_lower MATCHES "sqlite")
  message(FATAL_ERROR "cpep_core links SQLite: ${link_libraries}")
endif()
message(STATUS "cpep_core: no SQLite symbols, link libraries: ${link_libraries}")
