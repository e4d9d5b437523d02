// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_test_newfds KIND [COUNT [SLEEP_S]]: get COUNT (120) new descriptors through system
 * calls other than the usual open, dup, socket..., each of which installs one:
 *
 *   peerpidfd        getsockopt(SO_PEERPIDFD) on a connected unix socket: a pidfd each call
 *   fanotify         read() on a fanotify group: each event carries a descriptor of the file
 *                    opened; the COUNT events come from opening as many files first, one at
 *                    a time and closed at once, so nothing else installs many
 *   open_tree_attr   open_tree_attr(2) of "/" (system call 467)
 *   open-close       COUNT open(2) of /dev/null, then every one of them closed again
 *
 * then sleeps SLEEP_S. Exit 3 where the kernel lacks the call (ENOSYS, ENOPROTOOPT).
 */
#include "progs.h"
#include <sys/fanotify.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467
#endif

#define USAGE "peerpidfd|fanotify|open_tree_attr|open-close [COUNT [SLEEP_S]]"

static void __attribute__((noreturn)) missing(const char *what)
{
	if (errno != ENOSYS && errno != ENOPROTOOPT && errno != EINVAL)
		die(what);
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, strerror(errno));
	exit(3);
}

static void peerpidfd(long n)
{
	socklen_t len = sizeof(int);
	int sv[2], fd;
	long i;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair");
	for (i = 0; i < n; i++)
		if (getsockopt(sv[0], SOL_SOCKET, SO_PEERPIDFD, &fd, &len))
			missing("getsockopt SO_PEERPIDFD");
}

static void fanotify(long n)
{
	char dir[] = "/tmp/oomp_test_newfds.XXXXXX", path[64];
	struct fanotify_event_metadata ev;
	int group, fd;
	long i;

	group = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY | O_CLOEXEC);
	if (group < 0)
		missing("fanotify_init");
	if (!mkdtemp(dir))
		die("mkdtemp");
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%ld", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			die("create");
		close(fd);
	}
	if (fanotify_mark(group, FAN_MARK_ADD, FAN_OPEN | FAN_EVENT_ON_CHILD, AT_FDCWD, dir))
		die("fanotify_mark");
	/* one open per file: events on distinct files are not merged */
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%ld", dir, i);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("open");
		close(fd);
	}
	/* gone before the events are read, so nothing is left behind whatever happens next */
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%ld", dir, i);
		if (unlink(path))
			die("unlink");
	}
	if (rmdir(dir))
		die("rmdir");
	/* one event per read, so each read installs one descriptor */
	for (i = 0; i < n; i++) {
		if (read(group, &ev, sizeof(ev)) != sizeof(ev))
			die("read fanotify");
		if (ev.fd < 0)
			die("fanotify event without a descriptor");
	}
}

static void open_tree_attr(long n)
{
	long i;

	for (i = 0; i < n; i++)
		if (syscall(__NR_open_tree_attr, AT_FDCWD, "/", 0, NULL, 0) < 0)
			missing("open_tree_attr");
}

static void open_close(long n)
{
	int *fds = calloc(n, sizeof(*fds));
	long i;

	if (!fds)
		die("calloc");
	for (i = 0; i < n; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			die("open /dev/null");
	}
	for (i = 0; i < n; i++)
		if (close(fds[i]))
			die("close");
	free(fds);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*get)(long n);
	} kinds[] = {
		{ "peerpidfd", peerpidfd },
		{ "fanotify", fanotify },
		{ "open_tree_attr", open_tree_attr },
		{ "open-close", open_close },
	};
	long args[] = { 120, 0 }; /* COUNT, SLEEP_S */
	size_t k;

	for (k = 0; argc > 1 && k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcmp(argv[1], kinds[k].name))
			break;
	if (argc < 2 || k == sizeof(kinds) / sizeof(kinds[0]))
		usage(USAGE);
	parse_args(argc - 1, argv + 1, args, 0, 2, USAGE);
	kinds[k].get(args[0]);
	return finish(args[1]);
}
