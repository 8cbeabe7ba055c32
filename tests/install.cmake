# make install as a user sees it (not under the sanitizers: the installed library would
# need them at link time too).
if(NOT FRUGAL_SANITIZE)
  find_package(Python3 COMPONENTS Interpreter REQUIRED)
  add_test(NAME test_install
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/install/test_install.py
                   ${CMAKE_COMMAND} ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}/README.md)
  set_tests_properties(test_install PROPERTIES LABELS quick TIMEOUT 300)
endif()
