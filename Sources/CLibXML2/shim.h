// libxml2's HTML parser, from Debian's libxml2-dev (include path from pkg-config libxml-2.0).
// Debian builds libxml2 with ICU, whose headers clash with the ICU copy inside Swift's
// Foundation; newsd uses no libxml2 ICU API, so ICU is left out of what Swift sees. Only
// pointers to the structures that differ (xmlCharEncodingHandler) cross into Swift.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
