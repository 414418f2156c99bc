# Fails unless the shared library at LIBRARY exports exactly cpep_* symbols, all eight API
# functions among them (CONTRACT §6 "Exports: only cpep_*").
#   cmake -DNM=<nm> -DLIBRARY=<lib.so> [-DEXPECT_LEAKS=regex,regex] -P check_exports.cmake
# With EXPECT_LEAKS (comma-separated regular expressions) the script checks itself instead: it passes
# only if each expression matches a reported leak and no API function is missing (used on a
# fixture library that leaks on purpose).
cmake_policy(VERSION 3.25)
if(NOT NM OR NOT LIBRARY)
  message(FATAL_ERROR "usage: cmake -DNM=<nm> -DLIBRARY=<lib.so> -P check_exports.cmake")
endif()

execute_process(
  COMMAND "${NM}" -D --defined-only "${LIBRARY}"
  RESULT_VARIABLE nm_result
  OUTPUT_VARIABLE nm_output
  ERROR_VARIABLE nm_error)
if(NOT nm_result EQUAL 0)
  message(FATAL_ERROR "${NM} -D --defined-only ${LIBRARY} failed (${nm_result}): ${nm_error}")
endif()

set(api_functions
  cpep_abi_version cpep_version cpep_error_last cpep_open cpep_close
  cpep_create_external_partner cpep_request cpep_buf_dispose)

# Lines look like "000000000000a1b0 T cpep_open" (binutils >= 2.35 may append "@VERSION" or
# "@@VERSION"). Type "A" marks absolute symbols such as version-definition nodes (e.g. "CPEP_1"),
# which are not code or data; every other type (T/t, D/d, B/b, R/r, W/V, u for GNU-unique
# template statics, i for ifuncs, ...) is something a loader can bind to, so it counts.
string(REPLACE "\n" ";" lines "${nm_output}")
set(leaks "")
set(exported "")
set(count 0)
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  if(NOT line MATCHES "^([0-9a-fA-F]*) +([A-Za-z?]) +([^ ]+)$")
    list(APPEND leaks "<unparsed: ${line}>")
    continue()
  endif()
  set(type "${CMAKE_MATCH_2}")
  set(name "${CMAKE_MATCH_3}")
  string(REGEX REPLACE "@.*$" "" name "${name}")
  if(type STREQUAL "A")
    continue()
  endif()
  math(EXPR count "${count} + 1")
  if(name MATCHES "^cpep_")
    list(APPEND exported "${name}")
    if(name IN_LIST api_functions AND NOT type MATCHES "^[Ti]$")
      list(APPEND leaks "<${name} is exported as type ${type}, not as a function>")
    endif()
  else()
    list(APPEND leaks "${name}")
  endif()
endforeach()

set(missing "")
foreach(fn IN LISTS api_functions)
  if(NOT fn IN_LIST exported)
    list(APPEND missing "${fn}")
  endif()
endforeach()

if(DEFINED EXPECT_LEAKS)
  string(REPLACE "," ";" patterns "${EXPECT_LEAKS}")
  set(unnoticed "")
  foreach(pattern IN LISTS patterns)
    set(found FALSE)
    foreach(leak IN LISTS leaks)
      if(leak MATCHES "${pattern}")
        set(found TRUE)
      endif()
    endforeach()
    if(NOT found)
      list(APPEND unnoticed "${pattern}")
    endif()
  endforeach()
  if(unnoticed OR missing)
    message(FATAL_ERROR "checker self-test: leaks matching [${unnoticed}] went unnoticed, missing [${missing}]; "
                        "reported leaks: [${leaks}]")
  endif()
  list(LENGTH leaks leak_count)
  message(STATUS "checker self-test: ${leak_count} leaks reported, the expected ones among them")
  return()
endif()

if(missing)
  message(SEND_ERROR "${LIBRARY} does not export: ${missing}")
endif()
if(leaks)
  list(LENGTH leaks leak_count)
  list(JOIN leaks "\n  " leak_lines)
  message(SEND_ERROR "${LIBRARY} exports ${leak_count} symbol(s) outside cpep_*:\n  ${leak_lines}")
endif()
if(missing OR leaks)
  message(FATAL_ERROR "export check failed")
endif()
message(STATUS "${LIBRARY}: ${count} exported symbols, all cpep_*, all 8 API functions present")
