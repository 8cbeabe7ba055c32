frugal_test_exe(test_pack test_pack.c)
frugal_add_test(pack test_pack LABELS quick)
