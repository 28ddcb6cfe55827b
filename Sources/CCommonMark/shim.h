// The CommonMark reference implementation, from Debian's libcmark-dev.
#include <cmark.h>
