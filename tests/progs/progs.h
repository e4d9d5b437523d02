// SPDX-License-Identifier: GPL-2.0
/*
 * Shared code of the oomkiller test workloads: argument parsing, the error exit and the
 * workload loops that both the limit-crossing programs and oomp_test_rw_below run.
 *
 * Every program prints nothing on success, "<prog>: <what failed>: <strerror>" and exit 1 on
 * a failed call, and a usage line and exit 2 on bad arguments.
 */
#ifndef OOMKILLER_TESTS_PROGS_H
#define OOMKILLER_TESTS_PROGS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* program_invocation_short_name */
#endif

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MIB	   (1024 * 1024)
#define READ_CHUNK (64 * 1024)

static inline void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, strerror(errno));
	exit(1);
}

static inline void __attribute__((noreturn)) usage(const char *args)
{
	fprintf(stderr, "usage: %s%s%s\n", program_invocation_short_name, *args ? " " : "", args);
	exit(2);
}

/*
 * Parse between @min and @max arguments as integers in [0, INT_MAX] into @vals, which holds
 * the defaults for those left out. @args is the argument synopsis for the usage line.
 */
static inline void parse_args(int argc, char **argv, long *vals, int min, int max, const char *args)
{
	int i;

	if (argc - 1 < min || argc - 1 > max)
		usage(args);
	for (i = 1; i < argc; i++) {
		char *end;

		/* isdigit() rejects the signs and blanks that strtol() would accept */
		if (!isdigit((unsigned char)argv[i][0]))
			usage(args);
		errno = 0;
		vals[i - 1] = strtol(argv[i], &end, 10);
		if (errno || *end || vals[i - 1] > INT_MAX)
			usage(args);
	}
}

/* The "idle violator": having crossed a limit, sit still so no further event can trigger. */
static inline int finish(long sleep_s)
{
	if (sleep_s > 0)
		sleep(sleep_s);
	return 0;
}

/* Die unless a transfer moved data: a 0 return would make the caller's loop spin forever. */
static inline size_t check_io(ssize_t n, const char *what)
{
	if (n == 0)
		errno = EIO;
	if (n <= 0)
		die(what);
	return n;
}

/* Open /dev/null @n times and leak the fds on purpose: the fd table size is what counts. */
static inline void open_fds(long n)
{
	long i;

	for (i = 0; i < n; i++)
		if (open("/dev/null", O_RDONLY | O_CLOEXEC) < 0)
			die("open /dev/null");
}

/* @n successful one-byte write(2) calls to /dev/null. */
static inline void write_devnull(long n)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	long i;

	if (fd < 0)
		die("open /dev/null");
	for (i = 0; i < n; i++)
		check_io(write(fd, "x", 1), "write /dev/null");
	close(fd);
}

/* Read @bytes from /dev/zero in READ_CHUNK pieces at most with @rd, a read(2)-like function. */
static inline void read_zero(long long bytes, ssize_t (*rd)(int fd, void *buf, size_t len),
			     const char *what)
{
	static char buf[READ_CHUNK];
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open /dev/zero");
	while (bytes > 0)
		bytes -= check_io(rd(fd, buf, bytes < READ_CHUNK ? bytes : READ_CHUNK), what);
	close(fd);
}

static inline void *idle_thread(void *arg)
{
	return arg;
}

/* Create @n threads one at a time, joining each first, so the count is cumulative only. */
static inline void run_threads(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		pthread_t thread;

		errno = pthread_create(&thread, NULL, idle_thread, NULL);
		if (errno)
			die("pthread_create");
		errno = pthread_join(thread, NULL);
		if (errno)
			die("pthread_join");
	}
}

/* @n calls of libc rand(); the volatile sum keeps every call and its result. */
static inline void call_rand(long n)
{
	volatile unsigned int sum = 0;
	long i;

	for (i = 0; i < n; i++)
		sum += rand();
}

#endif /* OOMKILLER_TESTS_PROGS_H */
