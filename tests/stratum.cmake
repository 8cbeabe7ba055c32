# Stratum: the protocol layer in C (no sockets), then `frugal mine` end to end against
# the Python test server (tests/stratum_server.py), one ctest test per scenario.
frugal_test_exe(test_stratum_proto test_stratum_proto.c)
frugal_add_test(stratum_proto test_stratum_proto LABELS quick)
find_package(Python3 COMPONENTS Interpreter REQUIRED)
foreach(scenario shares c19 restart lost failover stale rejected protocol syncing usage server)
  add_test(NAME mine_${scenario}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/stratum/test_mine.py
                   $<TARGET_FILE:frugal> ${scenario})
  set_tests_properties(mine_${scenario} PROPERTIES LABELS "quick;stratum" TIMEOUT 180)
endforeach()
