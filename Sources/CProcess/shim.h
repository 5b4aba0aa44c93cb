#include <sys/prctl.h>
#include <sys/resource.h>
// prctl(2) is variadic, which Swift cannot call: one fixed-argument wrapper per use.
static inline int cprocess_set_dumpable(int on) { return prctl(PR_SET_DUMPABLE, on, 0, 0, 0); }
static inline int cprocess_get_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }
