// SPDX-License-Identifier: GPL-2.0
/* The pin directory: bpffs under it, its lock, what it holds, and taking it apart. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include "loader.h"

#define BPFFS "/sys/fs/bpf"

/* bpffs is not mounted at boot on every system: mount it, but only at its usual place. */
static int ensure_bpffs(const char *pin_dir)
{
	char parent[PATH_MAX];
	struct statfs fs;
	char *slash;

	snprintf(parent, sizeof(parent), "%s", pin_dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	if (!statfs(parent, &fs) && fs.f_type == BPF_FS_MAGIC)
		return 0;
	if (strcmp(parent, BPFFS)) {
		p_err("%s: not on a bpf filesystem", parent);
		return -ENOTDIR;
	}
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700")) {
		p_err("mounting bpffs on %s: %s", BPFFS, strerror(errno));
		return -errno;
	}
	return 0;
}

/* snprintf, refusing to cut: -ENAMETOOLONG rather than a wrong path. */
int try_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 ? -EINVAL : (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * Opens pin_dir (creating it when asked) and holds an exclusive flock on it until the fd is
 * closed. -ENOENT, unreported, when it does not exist and create is false.
 */
int pin_dir_lock(const char *pin_dir, bool create)
{
	int fd;

	if (create && (ensure_bpffs(pin_dir) || (mkdir(pin_dir, 0700) && errno != EEXIST))) {
		p_err("creating %s: %s", pin_dir, strerror(errno));
		return -errno;
	}
	fd = open(pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			p_err("opening %s: %s", pin_dir, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX)) {
		int err = -errno;

		p_err("locking %s: %s", pin_dir, strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}

/*
 * PINS_INSTALLED once install wrote its last setting (or pins of another schema, refused
 * later), PINS_PARTIAL for what an installer stopped midway left, else PINS_NONE.
 */
int pin_dir_state(const char *pin_dir)
{
	struct oomk_settings set;
	struct dirent *e;
	int entries = 0, err;
	DIR *dir;

	err = pinned_settings(pin_dir, &set);
	if (err == -EPROTO || (!err && set.installed))
		return PINS_INSTALLED;
	dir = opendir(pin_dir);
	if (!dir)
		return PINS_NONE;
	while ((e = readdir(dir)))
		entries += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dir);
	return entries ? PINS_PARTIAL : PINS_NONE;
}

/* An fd of the map pinned as pin_dir/name, or -errno. */
int pinned_map(const char *pin_dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, name);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

/* Reads the pinned settings: -EPROTO for a layout other than this build's (OOMK_SCHEMA). */
int pinned_settings(const char *pin_dir, struct oomk_settings *set)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), zero = 0;
	int fd = pinned_map(pin_dir, "settings"), err;

	if (fd < 0)
		return fd;
	err = bpf_obj_get_info_by_fd(fd, &info, &len) || bpf_map_lookup_elem(fd, &zero, set) ?
		      -errno :
		      0;
	if (!err && (info.value_size != sizeof(*set) || set->schema != OOMK_SCHEMA))
		err = -EPROTO;
	close(fd);
	return err;
}

/* Says why the pins could not be read, for an error from pinned_map() or pinned_settings(). */
void pin_err(const char *pin_dir, int err)
{
	switch (-err) {
	case ENOENT:
		p_err("not installed: nothing pinned at %s", pin_dir);
		break;
	case EACCES:
	case EPERM:
		p_err("needs root (CAP_BPF) to read %s", pin_dir);
		break;
	case EPROTO:
		p_err("%s holds maps of another layout than this build's (schema %d): "
		      "uninstall and install with one build",
		      pin_dir, OOMK_SCHEMA);
		break;
	default:
		p_err("reading %s: %s", pin_dir, strerror(-err));
	}
}

/* One map update, then every process judged again: the change is whole when it is seen. */
int write_pinned_settings(const char *pin_dir, const struct oomk_settings *set)
{
	int fd = pinned_map(pin_dir, "settings"), err;
	__u32 zero = 0;

	if (fd < 0)
		return fd;
	err = bpf_map_update_elem(fd, &zero, set, BPF_EXIST) ? -errno : judge_all(pin_dir);
	close(fd);
	return err;
}

/* Has BPF judge every process by the settings: reading the pinned iterator runs it. */
int judge_all(const char *pin_dir)
{
	char path[PATH_MAX], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/links/oomk_judge_all", pin_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Removes everything under dir; a pinned link is detached first, whoever else holds it. */
static int remove_tree(const char *dir, bool links)
{
	char path[PATH_MAX];
	struct dirent *e;
	int fd, err = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR) {
			err = remove_tree(path, !strcmp(e->d_name, "links")) ?: err;
			continue;
		}
		if (links && (fd = bpf_obj_get(path)) >= 0) {
			bpf_link_detach(fd);
			close(fd);
		}
		if (unlink(path))
			err = -errno;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT)
		err = -errno;
	return err;
}

int pin_dir_remove(const char *pin_dir)
{
	int err = remove_tree(pin_dir, false);

	if (err)
		p_err("removing %s: %s", pin_dir, strerror(-err));
	return err;
}

/* A pidfd of process pid, or -errno. */
int pidfd_of(int pid)
{
	int fd = pid > 0 ? syscall(SYS_pidfd_open, pid, 0) : -1;

	return fd < 0 ? -errno : fd;
}

/*
 * Puts OOMK_OWN_* bits on process pid: task storage reached through a pidfd, which dies with
 * the process and which no other process can take over, as it could a pid.
 */
int mark_own(const char *pin_dir, int pid, __u32 bits)
{
	int map = pinned_map(pin_dir, "own"), pidfd = pidfd_of(pid), err;

	err = map < 0 ? map : pidfd < 0 ? pidfd : 0;
	if (!err && bpf_map_update_elem(map, &pidfd, &bits, BPF_ANY))
		err = -errno;
	if (map >= 0)
		close(map);
	if (pidfd >= 0)
		close(pidfd);
	return err;
}

/* The OOMK_OWN_* bits on the process of pidfd: 0 for any other, or one that exited. */
static __u32 marks_of(const char *pin_dir, int pidfd)
{
	struct pollfd exited = { .fd = pidfd, .events = POLLIN };
	int map = pinned_map(pin_dir, "own");
	__u32 bits = 0;

	/* a zombie still has its task storage; a pidfd polls readable once it exited */
	if (map >= 0 && pidfd >= 0 && !poll(&exited, 1, 0) &&
	    bpf_map_lookup_elem(map, &pidfd, &bits))
		bits = 0;
	if (map >= 0)
		close(map);
	return bits;
}

bool ticker_running(const char *pin_dir, int pid)
{
	int pidfd = pidfd_of(pid);
	bool running = marks_of(pin_dir, pidfd) & OOMK_OWN_TICKER;

	if (pidfd >= 0)
		close(pidfd);
	return running;
}

/* Sends sig to the ticker pid: through a pidfd checked first, never to a process that took its pid. */
int signal_ticker(const char *pin_dir, int pid, int sig)
{
	int pidfd = pidfd_of(pid), err;

	if (pidfd < 0)
		return pidfd;
	err = !(marks_of(pin_dir, pidfd) & OOMK_OWN_TICKER)	  ? -ESRCH :
	      syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) ? -errno :
								    0;
	close(pidfd);
	return err;
}
