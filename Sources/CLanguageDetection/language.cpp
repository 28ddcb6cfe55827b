#include "newsd_language.h"
#include <cstdio>  // compact_lang_det.h uses FILE without including it
#include <cld2/public/compact_lang_det.h>
#include <cld2/internal/lang_script.h>
#include <cstring>

extern "C" int newsd_detect_language(const char *text, int length, char *code, int capacity) {
    if (text == nullptr || length <= 0 || code == nullptr || capacity < 2) return 0;
    bool reliable = false;
    CLD2::Language language = CLD2::DetectLanguage(text, length, true, &reliable);
    if (!reliable || language == CLD2::UNKNOWN_LANGUAGE) return 0;
    const char *name = CLD2::LanguageCode(language);
    if (name == nullptr) return 0;
    size_t size = std::strlen(name);
    if (size + 1 > static_cast<size_t>(capacity)) return 0;
    std::memcpy(code, name, size + 1);
    return 1;
}
