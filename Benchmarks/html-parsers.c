// HTML parsers side by side on the same pages (Benchmarks/html-parsers): libxml2's HTML parser in
// SAX mode (what newsd uses: callbacks, no tree) and gumbo (Debian's libgumbo, which always
// builds the whole tree), each counting the text bytes it sees, over every .html file of a folder.
//
//   cc -O2 Benchmarks/html-parsers.c $(pkg-config --cflags --libs libxml-2.0 gumbo) -o /tmp/html-parsers
//   /tmp/html-parsers FOLDER ROUNDS
#include <dirent.h>
#include <gumbo.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long text_bytes;

static void on_characters(void *context, const xmlChar *characters, int length) {
    (void)context; (void)characters;
    text_bytes += length;
}

static void libxml2_sax(const char *page, size_t size) {
    htmlSAXHandler handler;
    memset(&handler, 0, sizeof handler);
    handler.characters = on_characters;
    htmlParserCtxtPtr context = htmlCreatePushParserCtxt(&handler, NULL, NULL, 0, NULL, XML_CHAR_ENCODING_NONE);
    htmlCtxtUseOptions(context, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    htmlParseChunk(context, page, (int)size, 0);
    htmlParseChunk(context, NULL, 0, 1);
    htmlFreeParserCtxt(context);
}

static void count_gumbo_text(const GumboNode *node) {
    // An explicit stack: a deep page must not exhaust the C stack here either.
    const GumboNode **stack = malloc(sizeof *stack * 1024);
    size_t capacity = 1024, depth = 0;
    stack[depth++] = node;
    while (depth > 0) {
        const GumboNode *current = stack[--depth];
        if (current->type == GUMBO_NODE_TEXT || current->type == GUMBO_NODE_WHITESPACE) {
            text_bytes += (long)strlen(current->v.text.text);
        } else if (current->type == GUMBO_NODE_ELEMENT) {
            const GumboVector *children = &current->v.element.children;
            for (unsigned i = 0; i < children->length; i++) {
                if (depth == capacity) { capacity *= 2; stack = realloc(stack, sizeof *stack * capacity); }
                stack[depth++] = children->data[i];
            }
        }
    }
    free(stack);
}

static void gumbo(const char *page, size_t size) {
    GumboOutput *output = gumbo_parse_with_options(&kGumboDefaultOptions, page, size);
    count_gumbo_text(output->root);
    gumbo_destroy_output(&kGumboDefaultOptions, output);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s FOLDER ROUNDS\n", argv[0]); return 2; }
    int rounds = atoi(argv[2]);
    DIR *folder = opendir(argv[1]);
    if (!folder) { perror(argv[1]); return 1; }
    size_t count = 0, capacity = 1024, total = 0;
    char **pages = malloc(sizeof *pages * capacity);
    size_t *sizes = malloc(sizeof *sizes * capacity);
    struct dirent *entry;
    char path[4096];
    while ((entry = readdir(folder))) {
        size_t length = strlen(entry->d_name);
        if (length < 5 || strcmp(entry->d_name + length - 5, ".html") != 0) continue;
        snprintf(path, sizeof path, "%s/%s", argv[1], entry->d_name);
        FILE *file = fopen(path, "rb");
        if (!file) continue;
        fseek(file, 0, SEEK_END); long size = ftell(file); fseek(file, 0, SEEK_SET);
        if (count == capacity) { capacity *= 2; pages = realloc(pages, sizeof *pages * capacity); sizes = realloc(sizes, sizeof *sizes * capacity); }
        pages[count] = malloc((size_t)size + 1);
        sizes[count] = fread(pages[count], 1, (size_t)size, file);
        total += sizes[count];
        count++;
        fclose(file);
    }
    closedir(folder);
    xmlInitParser();
    printf("%zu pages, %.1f MiB; %d rounds each\n", count, total / 1048576.0, rounds);
    const char *names[] = {"libxml2 SAX", "gumbo tree"};
    void (*parsers[])(const char *, size_t) = {libxml2_sax, gumbo};
    for (int parser = 0; parser < 2; parser++) {
        for (int round = 0; round < rounds; round++) {
            struct timespec start, end;
            text_bytes = 0;
            clock_gettime(CLOCK_MONOTONIC, &start);
            for (size_t i = 0; i < count; i++) parsers[parser](pages[i], sizes[i]);
            clock_gettime(CLOCK_MONOTONIC, &end);
            double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
            printf("%-12s round %d: %6.3f s, %7.0f pages/s (%ld text bytes)\n", names[parser], round + 1, seconds, count / seconds, text_bytes);
        }
    }
    return 0;
}
