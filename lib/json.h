/* SPDX-License-Identifier: GPL-2.0 */
/* JSON output, shared by 'oomkiller config --json' and oomkiller-inspect --json. */
#ifndef __OOMK_JSON_H
#define __OOMK_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "oomkiller.h"

/* "key": value and a separator; a NULL key prints the value alone */
void json_str(FILE *f, const char *key, const char *s, size_t len, const char *sep);
void json_num(FILE *f, const char *key, __u64 v, const char *sep);
void json_bool(FILE *f, const char *key, bool v, const char *sep);
void json_settings(FILE *f, const struct oomk_settings *set);

#endif /* __OOMK_JSON_H */
