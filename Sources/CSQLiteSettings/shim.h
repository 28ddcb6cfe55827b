// Process-wide SQLite settings, from Debian's libsqlite3-dev. `sqlite3_config` takes a variable
// argument list, which Swift cannot pass: each setting newsd makes is a function of its own.
#include <sqlite3.h>

// Stops SQLite counting the memory it allocates. The count sits behind one mutex for the whole
// process, taken on every allocation, so two connections at work on two cores (a search beside
// another, placement's reader beside its writer) wait on each other there. newsd reads none of
// the figures it keeps. Takes effect only before SQLite's first connection; returns SQLITE_OK
// then, SQLITE_MISUSE after.
static inline int newsd_sqlite_stop_counting_memory(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
