// jemalloc (Debian's libjemalloc-dev): newsd's allocator. Linking it replaces glibc's malloc for
// the whole process; its controls (mallctl) are reached through HeapTrimmer.
#include <jemalloc/jemalloc.h>
