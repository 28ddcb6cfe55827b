// glibc functions that Swift's Glibc module leaves out because they are declared only under
// _GNU_SOURCE. Declared here as glibc defines them (memfd_create(2), pipe2(2)).
#ifndef NEWSD_CLINUX_H
#define NEWSD_CLINUX_H
extern int memfd_create(const char *name, unsigned int flags);
extern int pipe2(int pipefd[2], int flags);
#define NEWSD_MFD_CLOEXEC 0x0001U
// pidfd_open(2) (glibc 2.36): a descriptor that becomes readable when the process ends, so a
// child can be waited for with a time limit by poll(2).
extern int pidfd_open(int pid, unsigned int flags);
// gettid(2) (glibc 2.30): the calling thread's id, for setpriority(2) on one thread.
extern int gettid(void);
// pthread_setname_np(3) (glibc 2.12): names a thread (at most 15 bytes) for top -H and ps -L.
#include <pthread.h>
extern int pthread_setname_np(pthread_t thread, const char *name);
// getsockopt(SO_PEERCRED)'s `struct ucred` (socket(7)), likewise declared only under _GNU_SOURCE.
struct newsd_ucred {
    int pid;
    unsigned int uid;
    unsigned int gid;
};
// posix_spawn_file_actions_addclosefrom_np(3) (glibc 2.34): the child closes every descriptor
// from a number on, whatever the flags they were opened with.
#include <spawn.h>
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
#endif
