# Poseidon2 and the paged Merkle tree.
add_library(frugal_merkle_testutil STATIC p2_ref.c)
target_link_libraries(frugal_merkle_testutil PUBLIC frugal_testutil)
frugal_test_exe(test_poseidon2 test_poseidon2.c)
target_link_libraries(test_poseidon2 PRIVATE frugal_merkle_testutil)
frugal_add_test(poseidon2 test_poseidon2 LABELS quick)
target_sources(frugal_merkle_testutil PRIVATE merkle_ref.c)
frugal_test_exe(test_merkle test_merkle.c)
target_link_libraries(test_merkle PRIVATE frugal_merkle_testutil)
frugal_add_test(merkle test_merkle LABELS quick)
frugal_test_exe(test_merkle_proof test_merkle_proof.c)
target_link_libraries(test_merkle_proof PRIVATE frugal_merkle_testutil)
frugal_add_test(merkle_proof test_merkle_proof LABELS quick)
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME merkle_cli
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_merkle_cli.py
                 $<TARGET_FILE:frugal> ${FRUGAL_VECTORS_DIR})
set_tests_properties(merkle_cli PROPERTIES LABELS quick TIMEOUT 600)
frugal_test_exe(test_merkle_regress test_merkle_regress.c)
frugal_add_test(merkle_regress test_merkle_regress ARGS ${CMAKE_CURRENT_SOURCE_DIR}/regress/merkle.txt
                LABELS quick)
