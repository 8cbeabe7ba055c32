# Stratum lines: framing, parsing, writer round trips, the share check.
list(APPEND FRUGAL_FUZZ_TARGETS stratum)
