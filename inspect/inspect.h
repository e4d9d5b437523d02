/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of oomkiller-inspect offer each other, over the library. */
#ifndef __INSPECT_H
#define __INSPECT_H

#include <stdio.h>
#include "common.h"
#include "format.h"
#include "json.h"
#include "pins.h"
#include "probe.h"
#include "snapshot.h"

/* --sort: the nearest limit first, or one column, largest first (pid and name ascending) */
enum { SORT_NEAREST, SORT_PID, SORT_NAME, SORT_STATE, SORT_LIMIT }; /* SORT_LIMIT + OOMK_* */

/* table.c */
void sort_procs(struct snapshot *s, int sort);
void print_header(FILE *f, const char *pin_dir, const struct snapshot *s);
void print_procs(FILE *f, const struct snapshot *s);
void print_kills(FILE *f, const struct snapshot *s);
const char *state_word(const struct oomk_proc *p);
const char *state_name(const struct oomk_proc *p, char *buf, size_t len);

/* json.c */
void print_json(FILE *f, const struct snapshot *s);

#endif /* __INSPECT_H */
