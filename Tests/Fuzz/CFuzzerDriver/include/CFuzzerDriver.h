#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry for programs with a main of their own (SwiftPM gives every executable one):
// runs the fuzzer with these arguments and this callback.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
