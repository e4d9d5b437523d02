/* SPDX-License-Identifier: GPL-2.0 */
/* What every part of both programs uses: their name in messages, errors, paths. */
#ifndef __OOMK_COMMON_H
#define __OOMK_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern const char *progname; /* "oomkiller" or "oomkiller-inspect": first in every message */
extern bool verbose; /* -v: libbpf's debug messages too */
extern bool json_output; /* --json: errors too are JSON */

/* "oomkiller: <what failed>: <why>" on stderr; under --json {"error": "..."} on stdout */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* libbpf's warnings always, its debug messages with -v, as libbpf-tools show them */
void libbpf_messages(void);

/* snprintf that refuses to cut: -ENAMETOOLONG rather than a wrong path, as xdp-tools' */
int try_snprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* __OOMK_COMMON_H */
