frugal_test_exe(test_common test_common.c)
frugal_add_test(common test_common LABELS quick)
frugal_test_exe(test_hash test_hash.c)
frugal_add_test(hash test_hash LABELS quick)
