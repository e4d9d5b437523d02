/* SPDX-License-Identifier: GPL-2.0 */
/* What every part of both programs uses: their name in messages, errors, paths. */
#ifndef __OOMK_COMMON_H
#define __OOMK_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern const char *progname; /* "oomkiller" or "oomkiller-inspect": first in every message */
extern bool verbose; /* -v */

/* "oomkiller: <what failed>: <why>" on stderr */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* snprintf that refuses to cut: -ENAMETOOLONG rather than a wrong path, as xdp-tools' */
int try_snprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* __OOMK_COMMON_H */
