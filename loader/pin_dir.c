// SPDX-License-Identifier: GPL-2.0
/* The pin directory as the installer keeps it: bpffs under it, its lock, writing, removing. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
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
	char parent[PATH_MAX], *slash;
	struct statfs fs;
	int err;

	err = try_snprintf(parent, sizeof(parent), "%s", pin_dir);
	if (err) {
		p_err("%s: %s", pin_dir, strerror(-err));
		return err;
	}
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
		err = -errno;
		p_err("mounting bpffs on %s: %s", BPFFS, strerror(-err));
		return err;
	}
	return 0;
}

/*
 * Opens pin_dir (creating it when asked) and holds an exclusive flock on it until the fd is
 * closed, or -errno. -ENOENT, unreported, when it does not exist and create is false.
 */
int pin_dir_lock(const char *pin_dir, bool create)
{
	int fd, err = create ? ensure_bpffs(pin_dir) : 0;

	if (err)
		return err;
	if (create && mkdir(pin_dir, 0700) && errno != EEXIST) {
		err = -errno;
		p_err("creating %s: %s", pin_dir, strerror(-err));
		return err;
	}
	fd = open(pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err != -ENOENT)
			p_err("opening %s: %s", pin_dir, strerror(-err));
		return err;
	}
	if (flock(fd, LOCK_EX)) {
		err = -errno;
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

/*
 * Runs the iterator pinned as link (reading it runs it): what it printed into out, as much as
 * fits in len (out may be NULL). Bytes printed, or -errno.
 */
ssize_t read_iter(const char *pin_dir, const char *link, char *out, size_t len)
{
	char path[PATH_MAX], buf[4096];
	ssize_t n, total = 0;
	int fd, err;

	err = try_snprintf(path, sizeof(path), "%s/%s", pin_dir, link);
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (out && (size_t)total < len)
			memcpy(out + total, buf, (size_t)n < len - total ? (size_t)n : len - total);
		total += n;
	}
	err = n < 0 ? -errno : 0;
	close(fd);
	return err ?: total;
}

/*
 * Has BPF judge every process by the settings: the command lines read first (the judging
 * cannot), then the judging, each by reading its pinned iterator.
 */
int judge_all(const char *pin_dir)
{
	ssize_t err = read_iter(pin_dir, PIN_READ_ARGS, NULL, 0);

	if (err >= 0)
		err = read_iter(pin_dir, PIN_JUDGE_ALL, NULL, 0);
	return err < 0 ? err : 0;
}

/* One map update, then every process judged again: the change is whole when it is seen. */
int write_pinned_settings(const char *pin_dir, const struct oomk_settings *set)
{
	int fd = pinned_map(pin_dir, PIN_SETTINGS), err;
	__u32 zero = 0;

	if (fd < 0)
		return fd;
	err = bpf_map_update_elem(fd, &zero, set, BPF_EXIST) ? -errno : judge_all(pin_dir);
	close(fd);
	return err;
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
		if (try_snprintf(path, sizeof(path), "%s/%s", dir, e->d_name)) {
			err = -ENAMETOOLONG;
			continue;
		}
		if (e->d_type == DT_DIR) {
			err = remove_tree(path, !strcmp(e->d_name, PIN_LINKS)) ?: err;
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
