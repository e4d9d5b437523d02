// SPDX-License-Identifier: GPL-2.0
/*
 * oomp_precise MODE [ARG]: crosses one limit for ever, recording in ARG what it got done, so
 * that the bench can count what completed after the operation that crossed it.
 *   writes FILE    1-byte appends to FILE: its size is the writes that landed
 *   threads FILE   threads created one at a time; each adds 1 to the counter in FILE
 *   rand FILE      rand() calls; each return adds 1 to the counter in FILE
 *   reads          64 KiB reads of /dev/zero (the kill log has the bytes of the last call)
 *   fds            opens of /dev/null
 *   tcp PORT       1-byte sends, each its own segment, to 127.0.0.1:PORT
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>

static char buf[1 << 16];
static unsigned long *done;

static void count_in(const char *path)
{
	int fd = open(path, O_RDWR);

	done = fd < 0 ? NULL : mmap(NULL, sizeof(*done), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!done || done == MAP_FAILED)
		exit(1);
}

static void *ran(void *arg)
{
	__atomic_add_fetch(done, 1, __ATOMIC_SEQ_CST);
	return arg;
}

static int tcp(int port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_port = htons(port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) ||
	    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		return 1;
	for (;;) {
		if (send(s, "", 1, 0) != 1)
			return 1;
		usleep(100);
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	pthread_t t;
	int fd;

	if (!strcmp(mode, "writes") && argc > 2) {
		fd = open(argv[2], O_WRONLY | O_APPEND);
		while (fd >= 0 && write(fd, "", 1) == 1)
			;
	} else if (!strcmp(mode, "threads") && argc > 2) {
		count_in(argv[2]);
		while (!pthread_create(&t, NULL, ran, NULL) && !pthread_join(t, NULL))
			;
	} else if (!strcmp(mode, "rand") && argc > 2) {
		count_in(argv[2]);
		for (;;)
			ran((void *)(long)rand());
	} else if (!strcmp(mode, "reads")) {
		fd = open("/dev/zero", O_RDONLY);
		while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
			;
	} else if (!strcmp(mode, "fds")) {
		while (open("/dev/null", O_RDONLY) >= 0)
			;
	} else if (!strcmp(mode, "tcp") && argc > 2) {
		return tcp(atoi(argv[2]));
	}
	return 2;
}
