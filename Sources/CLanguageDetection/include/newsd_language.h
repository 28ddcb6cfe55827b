// A C face for the Compact Language Detector 2 (Debian's libcld2-dev), whose API is C++.
#ifndef NEWSD_LANGUAGE_H
#define NEWSD_LANGUAGE_H
#ifdef __cplusplus
extern "C" {
#endif

/// Detects the language of `length` bytes of valid UTF-8 plain text. Writes its ISO 639-1 code
/// (or CLD2's code for languages without one), NUL-terminated, into `code` and returns 1 when
/// CLD2 calls the answer reliable; returns 0 (and writes nothing) otherwise.
int newsd_detect_language(const char *text, int length, char *code, int capacity);

#ifdef __cplusplus
}
#endif
#endif
