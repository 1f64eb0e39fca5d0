/*
 * plural: the noun that goes with a count in text output, so that no
 * message says "1 successes" or hedges with "(s)".  English only, like
 * the rest of the output.
 */
#ifndef OMNIWATCH_PLURAL_H
#define OMNIWATCH_PLURAL_H

#include <stdint.h>

/*
 * Returns ONE when N is 1, else MANY (both static strings, returned as
 * given): printf("%llu %s", n, plural(n, "success", "successes")).
 */
const char *plural(uint64_t n, const char *one, const char *many);

#endif
