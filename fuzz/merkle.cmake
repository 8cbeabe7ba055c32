# The Merkle proof parser (frugal_merkle_proof_parse and its text form).
list(APPEND FRUGAL_FUZZ_TARGETS merkle_proof)
