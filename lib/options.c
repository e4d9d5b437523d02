// SPDX-License-Identifier: GPL-2.0
/* The table of every option of oomkiller and oomkiller-inspect: see options.h. */
#include <string.h>
#include "common.h"
#include "options.h"
#include "pins.h"

#define STR_(x) #x
#define STR(x)	STR_(x)

/* where a row's value goes */
#define FIELD(member) \
	.off = offsetof(struct opts, member), .size = sizeof(((struct opts *)0)->member)

/* where a value of two members goes, first to last (OPT_THRESHOLD, OPT_PSI) */
#define FIELDS(first, last)                                                         \
	.off = offsetof(struct opts, first), .size = offsetof(struct opts, last) -  \
						     offsetof(struct opts, first) + \
						     sizeof(((struct opts *)0)->last)

/* A row: one option. The kinds below set what rows of a kind share. */
#define OPTION(...)         \
	{                   \
		__VA_ARGS__ \
	}

/* A policy option: install and run take it, config changes it live, the config file has it. */
#define POLICY(...) \
	OPTION(.cmds = CMD_POLICY, .group = GROUP_POLICY, .flags = OPTF_CONF, __VA_ARGS__)

/* A limit: a counter per process, --max-NAME; its column, and its counter's key in JSON. */
#define LIMIT(_name, _limit, _column, _counter, _type, _def, _help)                              \
	POLICY(.name = _name, .type = _type, .def = _def, .help = _help, FIELD(set.max[_limit]), \
	       .json = "max_" _column, .column = _column, .counter = _counter, .limit = _limit)

/* How the policy is loaded: install and run take it, the config file has it. */
#define LOAD(...) OPTION(.cmds = CMD_LOAD, .group = GROUP_LOAD, .flags = OPTF_CONF, __VA_ARGS__)

/* What the ticker does besides ticking: install and run take it, config changes it live. */
#define TICKER(...) \
	OPTION(.cmds = CMD_POLICY, .group = GROUP_TICKER, .flags = OPTF_CONF, __VA_ARGS__)

/* What the output shows, and how. */
#define OUTPUT(...) OPTION(.group = GROUP_OUTPUT, __VA_ARGS__)

/* Every command's. */
#define COMMON(...) OPTION(.cmds = CMD_ALL, .group = GROUP_COMMON, __VA_ARGS__)

static const struct choice actions[] = {
	{ "kill", OOMK_ACTION_KILL },
	{ "term", OOMK_ACTION_TERM },
	{},
};

static const struct choice meminfos[] = {
	{ "auto", CHOICE_AUTO },
	{ "fexit", OOMK_MEM_FEXIT },
	{ "kprobe", OOMK_MEM_KPROBE },
	{ "sysinfo", OOMK_MEM_SYSCALL },
	{},
};

static const struct choice hooks[] = {
	{ "auto", CHOICE_AUTO },
	{ "sys_exit", OOMK_HOOKS_SYS_EXIT },
	{ "fexit", OOMK_HOOKS_FEXIT },
	{},
};

static const struct choice units[] = {
	{ "process", OOMK_UNIT_PROCESS },
	{ "group", OOMK_UNIT_GROUP },
	{ "cgroup", OOMK_UNIT_CGROUP },
	{},
};

static const struct choice gates[] = {
	{ "ram", OOMK_GATE_RAM },
	{ "cgroup", OOMK_GATE_CGROUP },
	{ "psi", OOMK_GATE_PSI },
	{},
};

static const struct choice formats[] = {
	{ "text", FORMAT_TEXT },
	{ "json", FORMAT_JSON },
	{ "openmetrics", FORMAT_OPENMETRICS },
	{},
};

static const struct choice sorts[] = {
	{ "nearest", SORT_NEAREST },
	{ "pid", SORT_PID },
	{ "name", SORT_NAME },
	{ "state", SORT_STATE },
	{},
};

const struct opt options[] = {
	POLICY(.name = "mem-threshold", .type = OPT_THRESHOLD, .def = "1GB",
	       .help = "kill nothing below this much RAM used (the cgroup gate: used by the "
		       "candidate's cgroup); N%: of RAM, or of the cgroup's memory.max",
	       FIELDS(set.mem_threshold, set.mem_threshold_pct), .json = "mem_threshold"),
	POLICY(.name = "name", .type = OPT_NAMES, .metavar = "SUBSTR", .def = "oomp",
	       .help = "candidates' names contain SUBSTR, 1 to 15 bytes; up to " STR(
		       OOMK_PATTERNS) " times",
	       FIELD(set.name), .count = OOMK_PATTERNS, .json = "name"),
	POLICY(.name = "exclude", .type = OPT_NAMES, .metavar = "SUBSTR",
	       .help = "names containing SUBSTR are never candidates; up to " STR(OOMK_PATTERNS),
	       FIELD(set.exclude), .count = OOMK_PATTERNS, .json = "exclude"),
	POLICY(.name = "exe", .type = OPT_NAMES, .metavar = "SUBSTR",
	       .help = "or the path of the file they execute contains SUBSTR, 1 to 63 bytes; up "
		       "to " STR(OOMK_PATTERNS),
	       FIELD(set.exe), .count = OOMK_PATTERNS, .json = "exe"),
	POLICY(.name = "exclude-exe", .type = OPT_NAMES, .metavar = "SUBSTR",
	       .help = "executables' paths containing SUBSTR are never candidates; up "
		       "to " STR(OOMK_PATTERNS),
	       FIELD(set.exclude_exe), .count = OOMK_PATTERNS, .json = "exclude_exe"),
	POLICY(.name = "cmdline", .type = OPT_NAMES, .metavar = "SUBSTR",
	       .help = "or the command line they were exec'd with contains SUBSTR; up "
		       "to " STR(OOMK_PATTERNS),
	       FIELD(set.cmdline), .count = OOMK_PATTERNS, .json = "cmdline"),
	POLICY(.name = "exclude-cmdline", .type = OPT_NAMES, .metavar = "SUBSTR",
	       .help = "command lines containing SUBSTR are never candidates; up to " STR(
		       OOMK_PATTERNS),
	       FIELD(set.exclude_cmdline), .count = OOMK_PATTERNS, .json = "exclude_cmdline"),
	POLICY(.name = "cgroup", .type = OPT_NAMES, .metavar = "PATH",
	       .help = "only processes in cgroup PATH (under the cgroup mount) or below it are "
		       "candidates; up to " STR(OOMK_PATTERNS),
	       FIELD(set.cgroup_path), .count = OOMK_PATTERNS, .json = "cgroup"),
	LIMIT("max-fds", OOMK_FDS, "fds", "fds", OPT_COUNT, "100", "file descriptors open at once"),
	LIMIT("max-writes", OOMK_WRITES, "writes", "writes", OPT_COUNT, "100",
	      "write calls on anything but a socket"),
	LIMIT("max-read", OOMK_READ, "read", "read_bytes", OPT_SIZE, "10MB",
	      "bytes read from anything but a socket"),
	LIMIT("max-threads", OOMK_THREADS, "threads", "threads", OPT_COUNT, "100",
	      "threads created"),
	LIMIT("max-rand", OOMK_RAND, "rand", "rand", OPT_COUNT, "100", "calls of libc rand()"),
	LIMIT("max-tcp-packets", OOMK_TCP, "tcp", "tcp_segs", OPT_COUNT, "1000",
	      "TCP segments sent"),
	POLICY(.name = "tick", .type = OPT_MS, .def = "1000",
	       .help = "how often si_meminfo is read, and BPF sweeps", FIELD(set.tick_ms), .min = 1,
	       .max = 3600 * 1000, .json = "tick_ms"),
	POLICY(.name = "action", .type = OPT_CHOICE, .def = "kill",
	       .help = "SIGKILL at once, or SIGTERM then SIGKILL after --grace", FIELD(set.action),
	       .choices = actions, .json = "action"),
	POLICY(.name = "kill", .type = OPT_CHOICE, .def = "process",
	       .help = "what is killed: the offender, its process group, or its cgroup and those "
		       "below",
	       FIELD(set.unit), .choices = units, .json = "kill"),
	POLICY(.name = "gate", .type = OPT_FLAGS, .def = "ram",
	       .help = "what must all hold before anything is killed: RAM used, the candidate's "
		       "cgroup's memory (both against --mem-threshold), memory pressure (--psi)",
	       FIELD(set.gates), .choices = gates, .json = "gate"),
	POLICY(.name = "psi", .type = OPT_PSI, .def = "some:avg10>=10",
	       .help = "the psi gate opens at this avg10 of /proc/pressure/memory's some or full "
		       "line, in percent",
	       FIELDS(set.psi_full, set.psi_min), .json = "psi"),
	POLICY(.name = "grace", .type = OPT_MS, .def = "5000",
	       .help = "from SIGTERM to SIGKILL with --action=term", FIELD(set.grace_ms),
	       .max = 3600 * 1000, .json = "grace_ms"),
	POLICY(.name = "dry-run", .type = OPT_YESNO, .def = "no", .bare = "yes",
	       .help = "log every kill, signal nothing", FIELD(set.dry_run), .json = "dry_run"),
	/* not a key: a file does not name another */
	OPTION(.name = "config", .type = OPT_FILE, .cmds = CMD_POLICY, .group = GROUP_POLICY,
	       .help = "key = value lines, the options' names as keys (install and run: "
		       "/etc/oomkiller.conf, if it exists)",
	       FIELD(config)),
	LOAD(.name = "libc", .type = OPT_FILE, .metavar = "PATH",
	     .help = "a libc whose rand() is counted from the start (oomkiller's own); the ticker "
		     "adds every one candidates map",
	     FIELD(libc)),
	LOAD(.name = "max-procs", .type = OPT_COUNT, .def = STR(OOMK_MAX_PROCS),
	     .help = "candidates tracked at once", FIELD(max_procs), .min = 1,
	     .max = 1 << 22 /* pid_max is at most 2^22 */),
	LOAD(.name = "meminfo", .type = OPT_CHOICE, .metavar = "BACKEND", .def = "auto",
	     .help = "who reads si_meminfo: fexit, kprobe or sysinfo; auto: the first this kernel "
		     "allows",
	     FIELD(set.backend), .choices = meminfos, .json = "backend"),
	LOAD(.name = "hooks", .type = OPT_CHOICE, .metavar = "WHERE", .def = "auto",
	     .help = "where writes, reads and fds are counted: sys_exit, or fexit on the VFS where "
		     "the kernel allows it; auto: sys_exit",
	     FIELD(set.hooks), .choices = hooks, .json = "hooks"),
	TICKER(.name = "metrics-file", .type = OPT_TEXT, .metavar = "PATH",
	       .help = "write the metrics there every tick, as --format=openmetrics prints them "
		       "(an absolute path; node_exporter's textfile collector reads *.prom)",
	       FIELD(set.metrics_file), .json = "metrics_file"),
	TICKER(.name = "on-kill", .type = OPT_TEXT, .metavar = "CMD",
	       .help = "run CMD with /bin/sh -c after each kill, OOMKILLER_* variables saying "
		       "which",
	       FIELD(set.on_kill), .json = "on_kill"),
	TICKER(.name = "on-kill-timeout", .type = OPT_MS, .def = "10000",
	       .help = "how long an --on-kill command may run before it is killed",
	       FIELD(set.on_kill_timeout_ms), .min = 1, .max = 3600 * 1000,
	       .json = "on_kill_timeout_ms"),
	OUTPUT(.name = "json", .type = OPT_FLAG, .cmds = CMD_CONFIG | CMD_INSPECT,
	       .help = "print one JSON document (config: the settings; the inspector: state, "
		       "config, processes, kills); errors too",
	       FIELD(json)),
	OUTPUT(.name = "format", .type = OPT_CHOICE, .cmds = CMD_INSPECT, .def = "text",
	       .help = "text; json, as --json; openmetrics, the metrics in the Prometheus text "
		       "format",
	       FIELD(format), .choices = formats),
	OUTPUT(.name = "kills", .type = OPT_FLAG, .cmds = CMD_INSPECT, .help = "only the kill log",
	       FIELD(kills)),
	OUTPUT(.name = "sort", .type = OPT_CHOICE, .cmds = CMD_INSPECT, .flags = OPTF_LIMIT,
	       .metavar = "FIELD", .def = "nearest",
	       .help = "the rows: nearest to a limit first, by pid, name, state, or a limit's "
		       "column, largest first",
	       FIELD(sort), .choices = sorts),
	OUTPUT(.name = "watch", .type = OPT_SECONDS, .cmds = CMD_INSPECT, .metavar = "SEC",
	       .bare = "1", .help = "show again every SEC seconds until Ctrl-C", FIELD(watch),
	       .max = 3600),
	COMMON(.name = "pin-dir", .type = OPT_STRING, .metavar = "PATH", .def = OOMK_PIN_DIR,
	       .help = "where the pins live", FIELD(pin_dir)),
	COMMON(.name = "verbose", .short_name = 'v', .type = OPT_FLAG,
	       .help = "libbpf's debug messages too", FIELD(verbose)),
	COMMON(.name = "version", .short_name = 'V', .type = OPT_VERSION,
	       .help = "the version, the pin schema, what this kernel offers", FIELD(version)),
	COMMON(.name = "help", .short_name = 'h', .type = OPT_HELP, .help = "this help",
	       FIELD(help)),
};

const int nr_options = ARRAY_SIZE(options);

/* opts.given has a bit per row */
_Static_assert(ARRAY_SIZE(options) <= 64, "struct opts: given holds 64 rows");

const struct opt *opt_by_name(const char *name, unsigned int cmd)
{
	for (int i = 0; i < nr_options; i++)
		if ((options[i].cmds & cmd) && !strcmp(options[i].name, name))
			return &options[i];
	return NULL;
}

const struct opt *limit_opt(int limit)
{
	for (int i = 0; i < nr_options; i++)
		if (options[i].column && options[i].limit == limit)
			return &options[i];
	return NULL;
}
