// SPDX-License-Identifier: GPL-2.0
/* The pin directory: bpffs under it, its lock, what it holds, and taking it apart. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
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
		return -1;
	}
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700")) {
		p_err("mounting bpffs on %s: %s", BPFFS, strerror(errno));
		return -1;
	}
	return 0;
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
		return -1;
	}
	fd = open(pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			p_err("opening %s: %s", pin_dir, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX)) {
		p_err("locking %s: %s", pin_dir, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int pin_dir_state(const char *pin_dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	int entries = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/settings", pin_dir);
	if (!access(path, F_OK))
		return PINS_INSTALLED;
	dir = opendir(pin_dir);
	if (!dir)
		return PINS_NONE;
	while ((e = readdir(dir)))
		entries += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dir);
	return entries ? PINS_PARTIAL : PINS_NONE;
}

/* Reads the pinned settings, refusing a layout other than this build's. */
int pinned_settings(const char *pin_dir, struct oomk_settings *set)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), zero = 0;
	char path[PATH_MAX];
	int fd, err;

	snprintf(path, sizeof(path), "%s/settings", pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		p_err("opening %s: %s", path, strerror(errno));
		return -1;
	}
	err = bpf_obj_get_info_by_fd(fd, &info, &len) || info.value_size != sizeof(*set) ||
	      bpf_map_lookup_elem(fd, &zero, set) || set->schema != OOMK_SCHEMA;
	close(fd);
	if (err)
		p_err("%s: not the layout of this oomkiller (schema %d): install and uninstall "
		      "with the same build",
		      path, OOMK_SCHEMA);
	return err ? -1 : 0;
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
