// zlib's deflate and inflate, from Debian's zlib1g-dev: article text is stored compressed.
#include <zlib.h>
