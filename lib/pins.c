// SPDX-License-Identifier: GPL-2.0
/* Reading the pins: a pinned map by name, the settings, and why they could not be read. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "common.h"
#include "pins.h"

/* An fd of the object pinned as pin_dir/name, or -errno. */
int pinned_map(const char *pin_dir, const char *name)
{
	char path[PATH_MAX];
	int fd, err;

	err = try_snprintf(path, sizeof(path), "%s/%s", pin_dir, name);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

/*
 * Reads the pinned settings: -EPROTO for a layout other than this build's (OOMK_SCHEMA),
 * -ENODATA when the installer has not written them yet (or stopped before it did).
 */
int pinned_settings(const char *pin_dir, struct oomk_settings *set)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), zero = 0;
	int fd = pinned_map(pin_dir, PIN_SETTINGS), err;

	if (fd < 0)
		return fd;
	err = bpf_obj_get_info_by_fd(fd, &info, &len) || bpf_map_lookup_elem(fd, &zero, set) ?
		      -errno :
		      0;
	if (!err && info.value_size == sizeof(*set) && !set->schema)
		err = -ENODATA;
	else if (!err && (info.value_size != sizeof(*set) || set->schema != OOMK_SCHEMA))
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
	case ENODATA:
		p_err("not installed: %s holds an install under way, or one its installer left "
		      "midway",
		      pin_dir);
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
