#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
// prctl(2) is variadic, which Swift cannot call: one fixed-argument wrapper per use.
static inline int cprocess_set_dumpable(int on) { return prctl(PR_SET_DUMPABLE, on, 0, 0, 0); }
static inline int cprocess_get_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

// glibc 2.34's posix_spawn_file_actions_addclosefrom_np(3) is declared only under
// _GNU_SOURCE, which Swift's Glibc module is not built with: the hook program
// (AUTHCTL_HOOK) starts with nothing open but its stdin, stdout and stderr.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions,
                                                    int from);
static inline int cprocess_spawn_closefrom(posix_spawn_file_actions_t *actions, int from) {
  return posix_spawn_file_actions_addclosefrom_np(actions, from);
}
