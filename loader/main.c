// SPDX-License-Identifier: GPL-2.0
/* oomkiller: an OOM killer whose policy runs in the kernel as BPF programs. */
#include <stdio.h>
#include <string.h>
#include "loader.h"

static void help_policy(FILE *f)
{
	fprintf(f,
		"Policy (a process is a candidate when its name contains a --name and no --exclude;\n"
		"it is killed at the event that makes it reach a limit, once used RAM reaches\n"
		"--mem-threshold):\n"
		"  --mem-threshold=SIZE    kill nothing below this much RAM used (1GB)\n"
		"  --name=SUBSTR           candidates' names contain SUBSTR, 1 to 15 bytes (oomp);\n"
		"                          up to 4 times\n"
		"  --exclude=SUBSTR        names containing SUBSTR are never candidates; up to 4\n"
		"  --max-fds=N             file descriptors open at once (100)\n"
		"  --max-writes=N          write calls on anything but a socket (100)\n"
		"  --max-read=SIZE         bytes read from anything but a socket (10MB)\n"
		"  --max-threads=N         threads created (100)\n"
		"  --max-rand=N            calls of libc rand() (100)\n"
		"  --max-tcp-packets=N     TCP segments sent (1000)\n"
		"  --tick=MS               how often si_meminfo is read (1000)\n"
		"  --action=kill|term      SIGKILL at once, or SIGTERM then SIGKILL after --grace (kill)\n"
		"  --grace=MS              from SIGTERM to SIGKILL with --action=term (5000)\n"
		"  --dry-run[=yes|no]      log every kill, signal nothing (no)\n"
		"  --config=FILE           key = value lines, the options' names as keys\n"
		"                          (" OOMK_CONFIG " for install and run, if it exists)\n"
		"SIZE is bytes, or a number with KB, MB, GB (powers of 1000) or K, M, G, KiB, MiB,\n"
		"GiB (powers of 1024). A limit of 0 is off.\n");
}

static void help_load(FILE *f)
{
	fprintf(f,
		"  --libc=PATH             a libc whose rand() is counted from the start (oomkiller's\n"
		"                          own); the ticker adds every one candidates map\n"
		"  --max-procs=N           candidates tracked at once (16384)\n"
		"  --meminfo=BACKEND       who reads si_meminfo: fexit, kprobe or sysinfo (auto: the\n"
		"                          first this kernel allows)\n"
		"  --hooks=WHERE           where writes, reads and fds are counted: sys_exit\n"
		"                          (auto), or fexit on the VFS where the kernel allows it\n");
}

static void help_common(FILE *f)
{
	fprintf(f, "  --pin-dir=PATH          where the pins live (" OOMK_PIN_DIR ")\n"
		   "  -v, --verbose           show libbpf's messages\n");
}

static void help_install(FILE *f)
{
	fprintf(f, "Usage: oomkiller install [OPTIONS]\n"
		   "Load and attach the policy, pin it under --pin-dir, start the ticker, exit.\n"
		   "Enforcement goes on until 'oomkiller uninstall'.\n\n");
	help_policy(f);
	help_load(f);
	help_common(f);
}

static void help_run(FILE *f)
{
	fprintf(f, "Usage: oomkiller [run] [OPTIONS]\n"
		   "Install, then tick in the foreground; uninstall on Ctrl-C or SIGTERM.\n\n");
	help_policy(f);
	help_load(f);
	help_common(f);
}

static void help_uninstall(FILE *f)
{
	fprintf(f, "Usage: oomkiller uninstall [OPTIONS]\n"
		   "Stop the ticker, detach every program and remove the pins.\n\n");
	help_common(f);
}

static void help_config(FILE *f)
{
	fprintf(f, "Usage: oomkiller config [OPTIONS]\n"
		   "Change the installed policy at once, keeping every counter; with no policy\n"
		   "option, print it.\n\n");
	help_policy(f);
	fprintf(f, "  --json                  print the settings as JSON\n");
	help_common(f);
}

static void help_status(FILE *f)
{
	fprintf(f, "Usage: oomkiller status [OPTIONS]\n"
		   "Say whether the install is whole: programs attached, ticker running, readings\n"
		   "fresh. Exit 0 healthy, 1 not installed, 3 degraded.\n\n");
	help_common(f);
}

static int run_install(int argc, char **argv, bool foreground, void (*help)(FILE *))
{
	struct install_opts o;
	int err = parse_install_opts(argc, argv, &o, help);

	if (err)
		return err < 0 ? 0 : err;
	return install(&o, foreground);
}

static int do_install(int argc, char **argv)
{
	return run_install(argc, argv, false, help_install);
}

static int do_run(int argc, char **argv)
{
	return run_install(argc, argv, true, help_run);
}

/* A command that takes only the common options. */
static int run_on_pin_dir(int argc, char **argv, int (*func)(const char *), void (*help)(FILE *))
{
	const char *pin_dir;
	int err = parse_pin_dir_opts(argc, argv, &pin_dir, help);

	if (err)
		return err < 0 ? 0 : err;
	return func(pin_dir);
}

static int do_uninstall(int argc, char **argv)
{
	return run_on_pin_dir(argc, argv, uninstall, help_uninstall);
}

static int do_config(int argc, char **argv)
{
	return config(argc, argv, help_config);
}

static int do_status(int argc, char **argv)
{
	return run_on_pin_dir(argc, argv, status, help_status);
}

static int do_help(int argc, char **argv);

static const struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
	void (*help)(FILE *f);
} cmds[] = {
	{ "install", do_install, help_install },
	{ "uninstall", do_uninstall, help_uninstall },
	{ "run", do_run, help_run },
	{ "status", do_status, help_status },
	{ "config", do_config, help_config },
	{ "help", do_help, NULL },
	{},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: oomkiller [COMMAND] [OPTIONS]\n"
		   "  install     load, attach and pin the policy, start the ticker, exit\n"
		   "  uninstall   stop the ticker, detach everything, remove the pins\n"
		   "  run         install, tick in the foreground, uninstall on exit (default)\n"
		   "  status      is the install whole and alive (exit 0), or degraded (exit 3)\n"
		   "  config      show the installed policy, or change it live\n"
		   "  help [COMMAND]\n"
		   "'oomkiller help COMMAND' lists a command's options.\n");
}

static const struct cmd *find_cmd(const char *name)
{
	for (const struct cmd *c = cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int do_help(int argc, char **argv)
{
	const struct cmd *c = argc > 1 ? find_cmd(argv[1]) : NULL;

	if (argc > 1 && (!c || !c->help)) {
		fprintf(stderr, "oomkiller: help %s: no such command\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	if (c)
		c->help(stdout);
	else
		usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *c;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return do_help(1, argv);
	/* plain 'oomkiller [OPTIONS]' runs in the foreground, as earlyoom does */
	if (argc < 2 || argv[1][0] == '-')
		return do_run(argc, argv);
	c = find_cmd(argv[1]);
	if (!c) {
		fprintf(stderr, "oomkiller: %s: unknown command\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	return c->func(argc - 1, argv + 1);
}
