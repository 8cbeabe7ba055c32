# Stratum: the protocol layer in C (no sockets), then `frugal mine` end to end against
# the Python test server (tests/stratum_server.py), one ctest test per scenario.
frugal_test_exe(test_stratum_proto test_stratum_proto.c)
frugal_add_test(stratum_proto test_stratum_proto LABELS quick)
