// zstd and its dictionary builder, from Debian's libzstd-dev: article text is stored compressed
// with a dictionary trained on the archive's own articles.
#include <zstd.h>
#include <zdict.h>
