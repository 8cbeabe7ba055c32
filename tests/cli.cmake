find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME cli_contract
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_cli.py
                 $<TARGET_FILE:frugal> ${FRUGAL_VECTORS_DIR})
set_tests_properties(cli_contract PROPERTIES LABELS quick TIMEOUT 600)
