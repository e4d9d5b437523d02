/* SPDX-License-Identifier: GPL-2.0 */
/* The pin directory as both programs read it: what is pinned there, under which names. */
#ifndef __OOMK_PINS_H
#define __OOMK_PINS_H

#include <stdbool.h>
#include <linux/types.h>
#include "oomkiller.h"

#define OOMK_PIN_DIR "/sys/fs/bpf/oomkiller"

/* The maps, pinned by libbpf under their names in bpf/maps.bpf.h; see bpffs/README. */
#define PIN_PROCS    "procs"
#define PIN_SETTINGS "settings"
#define PIN_STATE    "state"
#define PIN_KILLS    "kills"
#define PIN_LIBCS    "libcs"
#define PIN_MARKS    "marks"
#define PIN_OWN	     "own"
#define PIN_PSI	     "psi" /* memory pressure, written by the ticker where BPF cannot read it */
#define PIN_VICTIM   "victim" /* whose unit oomk_members lists */
/* progs/NAME and links/NAME: each program and its link, NAME as in the skeleton */
#define PIN_PROGS     "progs"
#define PIN_LINKS     "links"
#define PIN_JUDGE_ALL PIN_LINKS "/oomk_judge_all" /* reading it judges every process */
#define PIN_READ_ARGS PIN_LINKS "/oomk_read_args" /* command lines, for the judging after it */
#define PIN_MEMBERS   PIN_LINKS "/oomk_members" /* the pids of victim's unit, a line each */
#define PIN_RAND_PROG PIN_PROGS "/oomk_rand"
#define PIN_RAND_LINK PIN_LINKS "/oomk_rand_%d" /* one per slot of libcs */

/* pins.c */
int pinned_map(const char *pin_dir, const char *name);
int pinned_settings(const char *pin_dir, struct oomk_settings *set);
void pin_err(const char *pin_dir, int err);

/* marks.c: oomkiller's own processes, marked by install */
int pidfd_of(int pid);
__u32 marks_of(const char *pin_dir, int pidfd);
bool ticker_running(const char *pin_dir, int pid);

#endif /* __OOMK_PINS_H */
