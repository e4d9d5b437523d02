/* SPDX-License-Identifier: GPL-2.0 */
/* What kill.bpf.c, the only unit that signals, offers the others. */
#ifndef __KILL_BPF_H
#define __KILL_BPF_H

struct oomk_proc;

/*
 * p's verdict brought in line with its counters and the limits in force; 1 when it is over a
 * limit and not yet acted on. Marks it, signals nothing: for judging.
 */
int oomk_verdict(struct oomk_proc *p);

/*
 * p is current's process and over a limit, or may be: signal it now if the gate is open. From
 * any program, uprobes included.
 */
int oomk_cross_current(struct oomk_proc *p);

/* The same for the process tgid from any context, softirq included: tracing programs only. */
int oomk_cross_task(struct oomk_proc *p, __u32 tgid);

/* Acts on every candidate that a reading finds over a limit or past its grace: tracing only. */
int oomk_sweep(void);

#endif /* __KILL_BPF_H */
