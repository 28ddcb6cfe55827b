// Declarations only: the function comes from libFuzzer's runtime (-sanitize=fuzzer).
#include "CFuzzerDriver.h"
