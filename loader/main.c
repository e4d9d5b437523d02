// SPDX-License-Identifier: GPL-2.0
/* oomkiller: an OOM killer whose policy runs in the kernel as BPF programs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "loader.h"

static int do_install(struct opts *o)
{
	return load_config(o, CMD_INSTALL) ?: install(o, ticker_spawn);
}

/*
 * Under systemd, stderr may be the journal itself ($JOURNAL_STREAM names it, systemd.exec(5)),
 * which has the syslog line already: a copy there would log each kill twice.
 */
static bool stderr_is_journal(void)
{
	const char *stream = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return stream && sscanf(stream, "%llu:%llu", &dev, &ino) == 2 &&
	       !fstat(STDERR_FILENO, &st) && st.st_dev == dev && st.st_ino == ino;
}

/* install with this process as the ticker, tick until SIGINT or SIGTERM, uninstall */
static int do_run(struct opts *o)
{
	struct oomk_settings set;
	int err = load_config(o, CMD_RUN) ?: install(o, ticker_self);

	if (err)
		return err;
	/* an install that was there, repaired, keeps the ticker it has */
	if (!pinned_settings(o->pin_dir, &set) && set.ticker_pid != (__u32)getpid()) {
		p_err("already installed at %s, its ticker %u running: run 'oomkiller uninstall' "
		      "first",
		      o->pin_dir, set.ticker_pid);
		return 1;
	}
	if (ticker_loop(o->pin_dir, stderr_is_journal() ? NULL : stderr))
		return uninstall(o->pin_dir);
	/* not stopped by a signal: someone else uninstalled, or ticks now */
	printf("oomkiller: %s is no longer this process's to tick: left as it is\n", o->pin_dir);
	return 0;
}

static int do_uninstall(struct opts *o)
{
	return uninstall(o->pin_dir);
}

static int do_status(struct opts *o)
{
	return status(o->pin_dir);
}

static const struct command cmds[] = {
	{ "install", CMD_INSTALL, "oomkiller install [OPTIONS]",
	  "load, attach and pin the policy, start the ticker, exit",
	  "Load and attach the policy, pin it under --pin-dir, start the ticker, exit. "
	  "Enforcement goes on until 'oomkiller uninstall'.",
	  do_install },
	{ "uninstall", CMD_UNINSTALL, "oomkiller uninstall [OPTIONS]",
	  "stop the ticker, detach everything, remove the pins",
	  "Stop the ticker, detach every program and remove the pins.", do_uninstall },
	{ "run", CMD_RUN, "oomkiller [run] [OPTIONS]",
	  "install, tick in the foreground, uninstall on exit (the default)",
	  "Install, then tick in the foreground; uninstall on Ctrl-C or SIGTERM.", do_run },
	{ "status", CMD_STATUS, "oomkiller status [OPTIONS]",
	  "is the install whole and alive (exit 0), or degraded (exit 3)",
	  "Say whether the install is whole: programs attached, ticker running, readings "
	  "fresh. Exit 0 healthy, 1 not installed, 3 degraded.",
	  do_status },
	{ "config", CMD_CONFIG, "oomkiller config [OPTIONS]",
	  "show the installed policy, or change it live",
	  "Change the installed policy at once, keeping every counter; with no policy option, "
	  "print it, as a config file would give it.",
	  config },
	{},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: oomkiller [COMMAND] [OPTIONS]\n");
	for (const struct command *c = cmds; c->name; c++)
		fprintf(f, "  %-14s %s\n", c->name, c->summary);
	fprintf(f, "  %-14s %s\n", "help [COMMAND]", "this list, or a command's options");
	fprintf(f, "'oomkiller help COMMAND' lists a command's options; --version says what this "
		   "kernel offers.\n");
}

static const struct command *find_cmd(const char *name)
{
	for (const struct command *c = cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* 'oomkiller help [COMMAND]', 'oomkiller --help' */
static int help(const char *name)
{
	const struct command *c = name ? find_cmd(name) : NULL;

	if (name && !c) {
		p_err("help %s: no such command", name);
		fputc('\n', stderr);
		usage(stderr);
		return 2;
	}
	if (c)
		opts_usage(stdout, c);
	else
		usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c = find_cmd("run");
	struct opts o;
	int ret;

	libbpf_messages();
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return help(NULL);
	if (argc > 1 && !strcmp(argv[1], "help"))
		return help(argc > 2 ? argv[2] : NULL);
	/* plain 'oomkiller [OPTIONS]' runs in the foreground, as earlyoom does */
	if (argc > 1 && argv[1][0] != '-') {
		c = find_cmd(argv[1]);
		if (!c) {
			p_err("%s: unknown command", argv[1]);
			fputc('\n', stderr);
			usage(stderr);
			return 2;
		}
		argc--;
		argv++;
	}
	ret = opts_parse(&o, c, argc, argv);
	if (!ret)
		ret = c->func(&o);
	opts_free(&o);
	return ret == OPTS_EXIT ? 0 : ret;
}
