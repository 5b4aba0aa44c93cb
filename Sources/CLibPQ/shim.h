// libpq, PostgreSQL's C client library (https://www.postgresql.org/docs/current/libpq.html).
// Only Sources/AuthKit/PostgreSQL/ imports it, and only in a build with the PostgreSQL trait.
#include <libpq-fe.h>
