add_executable(bench_pack bench_pack.c)
target_include_directories(bench_pack PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(bench_pack PRIVATE frugal_static)
