# Poseidon2 and Merkle tree benchmarks (bench/run_merkle.sh runs them).
add_executable(bench_poseidon2 bench_poseidon2.c p2_plain.c)
target_include_directories(bench_poseidon2 PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(bench_poseidon2 PRIVATE frugal_static)
add_executable(bench_merkle bench_merkle.c)
target_include_directories(bench_merkle PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(bench_merkle PRIVATE frugal_static)
