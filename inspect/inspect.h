/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of oomkiller-inspect offer each other, over the library. */
#ifndef __INSPECT_H
#define __INSPECT_H

#include <stdio.h>
#include "common.h"
#include "format.h"
#include "json_writer.h"
#include "metrics.h"
#include "options.h"
#include "pins.h"
#include "probe.h"
#include "settings.h"
#include "snapshot.h"

/* table.c */
void sort_procs(struct snapshot *s, int sort);
void print_header(FILE *f, const char *pin_dir, const struct snapshot *s);
void print_procs(FILE *f, const struct snapshot *s);
void print_kills(FILE *f, const struct snapshot *s);
const char *state_word(const struct oomk_proc *p);
const char *state_name(const struct oomk_proc *p, char *buf, size_t len);
const char *cgroup_name(__u64 id, char *buf, size_t len);

/* json.c */
void print_json(FILE *f, const struct snapshot *s);

#endif /* __INSPECT_H */
