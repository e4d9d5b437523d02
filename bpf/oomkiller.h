/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the BPF programs and userspace, so that the struct bpftool prints from a pinned map
 * is the one the tools read. Fixed-width types only; includers bring __u32/__u64.
 */
#ifndef __OOMKILLER_H
#define __OOMKILLER_H

/* Bump whenever a pinned map's layout changes: tools refuse pins of another schema. */
#define OOMK_SCHEMA    6

#define OOMK_COMM_LEN  16
#define OOMK_MAX_PROCS 16384
#define OOMK_KILL_LOG  256 /* kills the log keeps; older ones are overwritten */
#define OOMK_PATTERNS  4 /* --name, --exe, --cmdline, their --exclude-*, --cgroup: each */
#define OOMK_MATCH_LEN 64 /* an --exe, --cmdline or --cgroup pattern, with its NUL */
#define OOMK_TEXT_LEN  256 /* the exe path or command line BPF reads; --on-kill, --metrics-file */
#define OOMK_LIBCS     32 /* C libraries whose rand() can be probed at once */
#define OOMK_PATH_LEN  128

/* The limits, in the order of every table and option list: indexes of count[] and max[]. */
enum {
	OOMK_FDS, /* descriptors open now */
	OOMK_WRITES, /* the others count from when the process was judged a candidate */
	OOMK_READ,
	OOMK_THREADS,
	OOMK_RAND,
	OOMK_TCP,
	OOMK_NR_LIMITS,
};

/* oomk_proc.state */
enum {
	OOMK_OK,
	OOMK_OVER, /* over a limit in force, not yet signalled: the gate was closed, or a signal
		    * was refused; its next event or the next sweep acts on it */
	OOMK_KILLED, /* SIGKILL sent */
	OOMK_TERMED, /* SIGTERM sent (--action=term): SIGKILL follows after --grace */
	OOMK_SPARED, /* would have been signalled, but this is a dry run */
};

/* oomk_settings.action: what a candidate gets first */
enum {
	OOMK_ACTION_KILL,
	OOMK_ACTION_TERM,
};

/* oomk_settings.backend: who reports si_meminfo to the memory gate */
enum {
	OOMK_MEM_SYSCALL, /* sys_exit of the ticker's sysinfo(2) */
	OOMK_MEM_FEXIT, /* fexit/si_meminfo: every caller counts */
	OOMK_MEM_KPROBE, /* kprobe and kretprobe on si_meminfo: every caller counts */
};

/* oomk_settings.hooks: where writes, reads and descriptors are counted */
enum {
	OOMK_HOOKS_SYS_EXIT, /* tp_btf/sys_exit: every system call of every process pays */
	OOMK_HOOKS_FEXIT, /* fexit on vfs_write, vfs_read, fd_install...: only those calls pay */
};

/* oomk_proc.why: what made it a candidate */
#define OOMK_WHY_NAME	 (1 << 0)
#define OOMK_WHY_EXE	 (1 << 1)
#define OOMK_WHY_CMDLINE (1 << 2)
/* and, in oomk_mark.why, what excludes a process */
#define OOMK_NOT_EXE	 (1 << 3)
#define OOMK_NOT_CMDLINE (1 << 4)

/* oomk_settings.unit: what is killed */
enum {
	OOMK_UNIT_PROCESS,
	OOMK_UNIT_GROUP, /* every process of the offender's process group */
	OOMK_UNIT_CGROUP, /* every process of the offender's cgroup and those below it */
};

/* oomk_settings.gates: all of these must hold before anything is killed */
#define OOMK_GATE_RAM	 (1 << 0) /* si_meminfo's used RAM over the threshold */
#define OOMK_GATE_CGROUP (1 << 1) /* the candidate's own cgroup's memory over the threshold */
#define OOMK_GATE_PSI	 (1 << 2) /* memory pressure, avg10, over --psi */

/* oomk_settings.features: what this kernel let BPF do, as install probed it */
#define OOMK_FEAT_SIGNAL_TASK (1 << 0) /* signal a task that is not current (else the ticker) */
#define OOMK_FEAT_TASK_ITER   (1 << 1) /* find a live thread of a process (bpf_iter_task) */
#define OOMK_FEAT_RDONLY_CAST (1 << 2) /* direct loads through a file (bpf_rdonly_cast) */
#define OOMK_FEAT_PSI_KERNEL  (1 << 3) /* BPF reads the kernel's psi_system (else the ticker) */

/* Value of the pinned hash map "procs", keyed by tgid: one candidate process. */
struct oomk_proc {
	char comm[OOMK_COMM_LEN];
	__u64 start_ns; /* group leader's start_time: tells a reused pid apart */
	__u64 count[OOMK_NR_LIMITS]; /* by OOMK_* limit */
	__u32 state;
	__u32 limit; /* OOMK_* limit it is over, valid unless state is OOMK_OK */
	__u64 value; /* the counter's value when it was found over */
	__u64 max; /* the limit it reached */
	__u64 term_ns; /* CLOCK_BOOTTIME when it was acted on: the grace counts from it */
	__u64 cgroup; /* id of its cgroup (the policy's hierarchy): its inode in cgroupfs */
	__u64 memcg; /* kernel address of its memory cgroup's css, for the sweep to read */
	__u64 cg_used; /* that cgroup's memory use in bytes, last read */
	__u64 cg_max; /* and its limit (memory.max), ~0 if none */
	__u64 pgrp; /* kernel address of its process group's struct pid, when last judged */
	__u32 why; /* OOMK_WHY_* */
	__u32 signalled; /* members of its unit the ticker was given to signal */
	__u32 queued; /* a signal BPF decided but could not send from where it was: the ticker
		       * sends it (kernels without bpf_send_signal_task) */
	__u32 queued_how; /* OOMK_BY_*, for the kill log */
	__u32 queued_unit; /* OOMK_UNIT_* of what was queued */
	__u32 queued_gates; /* OOMK_GATE_* open when it was queued */
};

/* Value of the pinned task storage "marks", on a candidate's group leader. */
struct oomk_mark {
	__u64 start_ns; /* its start_time: through a pidfd, the ticker checks it is the one */
	__u32 mark; /* OOMK_MARK_*, 0 for a process marked only for what excludes it */
	__u32 why; /* OOMK_WHY_EXE, _CMDLINE, OOMK_NOT_*: from its exec, kept through renames */
};

/* oomk_mark.mark */
enum {
	OOMK_MARK_TRACKED = 1,
	OOMK_MARK_UNTRACKED, /* procs was full: counted once in oomk_state.untracked */
};

/* oomk_kill.how */
enum {
	OOMK_BY_EVENT, /* at the event that crossed the limit */
	OOMK_BY_SWEEP, /* by the first reading to find the gate open */
	OOMK_BY_GRACE, /* SIGKILL once the grace after a SIGTERM is over */
	OOMK_NR_BY,
};

/* Value of the pinned array "kills": entry number seq is at index seq % OOMK_KILL_LOG. */
struct oomk_kill {
	__u64 seq; /* 1 for the first entry since install; 0: slot never written */
	__u64 time_ns; /* CLOCK_BOOTTIME */
	__u32 pid;
	__u32 limit;
	__u64 value;
	__u64 max;
	__u64 used; /* RAM used at the last reading */
	__u64 mem_threshold;
	char comm[OOMK_COMM_LEN];
	__u32 how;
	__u32 signal; /* 9 or 15; 0 in a dry run: nothing sent */
	__u32 unit; /* OOMK_UNIT_* */
	__u32 signalled; /* processes the signal went to: 1, or the group's or cgroup's */
	__u32 gates; /* OOMK_GATE_* open then */
	__u32 pad;
};

/* Value of the pinned array "settings": written by userspace only. */
struct oomk_settings {
	__u32 schema;
	__u32 action; /* OOMK_ACTION_* */
	char name[OOMK_PATTERNS][OOMK_COMM_LEN]; /* candidates' names contain one of these */
	char exclude[OOMK_PATTERNS][OOMK_COMM_LEN]; /* and none of these */
	char exe[OOMK_PATTERNS][OOMK_MATCH_LEN]; /* or its executable's path contains one */
	char exclude_exe[OOMK_PATTERNS][OOMK_MATCH_LEN];
	char cmdline[OOMK_PATTERNS][OOMK_MATCH_LEN]; /* or its command line contains one */
	char exclude_cmdline[OOMK_PATTERNS][OOMK_MATCH_LEN];
	char cgroup_path[OOMK_PATTERNS][OOMK_MATCH_LEN]; /* --cgroup, as given */
	__u64 cgroup[OOMK_PATTERNS]; /* their ids: only processes below one are candidates */
	__u64 mem_threshold; /* bytes used, totalram - freeram (or the cgroup's memory.current) */
	__u32 mem_threshold_pct; /* if not 0, the threshold in percent of RAM or memory.max */
	__u32 unit; /* OOMK_UNIT_* */
	__u64 max[OOMK_NR_LIMITS]; /* by OOMK_* limit; 0 disables one */
	__u64 grace_ms; /* from SIGTERM to SIGKILL, with OOMK_ACTION_TERM */
	__u64 progs; /* bit per skeleton program that install attached */
	__s32 own_fd[2]; /* the installer's descriptors of its two binaries, while it judges */
	__u32 active; /* bit per OOMK_* limit whose probe is attached */
	__u32 backend; /* OOMK_MEM_* */
	__u32 hooks; /* OOMK_HOOKS_* */
	__u32 features; /* OOMK_FEAT_* */
	__u32 ticker_pid; /* for the tools: the pid in the installer's pid namespace */
	__u32 tick_ms;
	__u32 dry_run; /* 1: count and log, signal nothing */
	__u32 installed; /* 1 once install finished: a half-pinned install has 0 */
	__u32 gates; /* OOMK_GATE_* */
	__u32 psi_full; /* --psi=full:...: the full line, else some */
	__u32 psi_min; /* avg10 that opens the PSI gate, in hundredths of a percent */
	__u32 cgroup_v1; /* the policy's cgroups are the v1 memory hierarchy's, not v2's */
	__u32 page_size;
	/* the ticker's, read every tick so that 'config' changes them live; BPF never reads them */
	__u32 on_kill_timeout_ms;
	char on_kill[OOMK_TEXT_LEN]; /* /bin/sh -c this for each kill; "": none */
	char metrics_file[OOMK_TEXT_LEN]; /* written every tick; "": none */
};

/* Value of the pinned array "state": written by BPF only. */
struct oomk_state {
	__u64 total; /* bytes of RAM, last reading */
	__u64 used; /* bytes used, last reading */
	__u64 reading_ns; /* CLOCK_BOOTTIME of the last reading */
	__u64 readings;
	__u64 kills; /* entries written to "kills": signals sent, and dry-run ones */
	__u64 kills_by[OOMK_NR_LIMITS][OOMK_NR_BY]; /* the same, by limit and OOMK_BY_* */
	__u64 untracked; /* candidates alive now that procs had no room for */
	__u64 untracked_total; /* candidates left untracked since install */
	__u64 own_ino[2]; /* oomkiller's binaries as BPF sees them: never candidates */
	__u32 own_dev[2];
	__u64 psi_avg10; /* memory pressure, avg10 of the --psi line, in hundredths of a percent */
	__u32 gate; /* OOMK_GATE_RAM and _PSI that are open (the cgroup gate is per process) */
	__u32 pad;
};

/* Value of the task storage "own", on oomkiller's processes: bits of what each one is. */
#define OOMK_OWN_TICKER	   (1 << 0) /* its sysinfo(2) is the memory reading */
#define OOMK_OWN_INSTALLER (1 << 1) /* its judging learns oomkiller's binaries */

/* Value of the pinned array "psi": memory pressure as the ticker read it, where BPF cannot. */
struct oomk_psi {
	__u64 avg10[2]; /* some, full: hundredths of a percent */
};

/* Value of the pinned array "libcs": the C libraries whose rand() the ticker probes. */
struct oomk_libc {
	__u64 ino; /* 0: slot free */
	__u32 dev; /* as the kernel keeps it in s_dev: MKDEV(major, minor) */
	__u32 pad;
	char path[OOMK_PATH_LEN]; /* where a candidate mapped it first */
};

#endif /* __OOMKILLER_H */
