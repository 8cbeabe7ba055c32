# grin-miner plugins: the ABI round trip through dlopen (test_plugin.c) and the
# exported symbols of every plugin built (exactly grin-miner's five).
frugal_test_exe(test_plugin test_plugin.c)
target_include_directories(test_plugin PRIVATE ${PROJECT_SOURCE_DIR}/plugin)
target_compile_definitions(test_plugin PRIVATE
  FRUGAL_PLUGIN_DIR="$<TARGET_FILE_DIR:frugal_cuckatoo_15>")
target_link_libraries(test_plugin PRIVATE ${CMAKE_DL_LIBS} Threads::Threads)
add_dependencies(test_plugin frugal_cuckatoo_15 frugal_cuckatoo_19 frugal_cuckatoo_22)
frugal_add_test(plugin_abi test_plugin LABELS quick TIMEOUT 300)
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME plugin_exports
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/plugin/check_exports.py
                 $<TARGET_FILE_DIR:frugal_cuckatoo_15>)
set_tests_properties(plugin_exports PROPERTIES LABELS quick TIMEOUT 60)
