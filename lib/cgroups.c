// SPDX-License-Identifier: GPL-2.0
/* The policy's cgroup hierarchy: its mount, and a cgroup's path from its id. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include "cgroups.h"

/* A cgroup2 mount whose cgroup.controllers lists memory. */
static bool memory_on_v2(const char *dir)
{
	char path[4096], line[1024], *save, *w;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f))
		for (w = strtok_r(line, " \n", &save); w && !found;
		     w = strtok_r(NULL, " \n", &save))
			found = !strcmp(w, "memory");
	fclose(f);
	return found;
}

int cgroup_mount(char *root, size_t len, bool *v1)
{
	FILE *f = setmntent("/proc/self/mounts", "re");
	char v2[4096] = "", mem_v1[4096] = "";
	struct mntent *m;

	while (f && (m = getmntent(f))) {
		/* v2 wins where it has the memory controller: the default of today's systems */
		if (!strcmp(m->mnt_type, "cgroup2") && memory_on_v2(m->mnt_dir)) {
			snprintf(v2, sizeof(v2), "%s", m->mnt_dir);
			mem_v1[0] = '\0';
			break;
		}
		if (!strcmp(m->mnt_type, "cgroup2") && !v2[0])
			snprintf(v2, sizeof(v2), "%s", m->mnt_dir);
		if (!strcmp(m->mnt_type, "cgroup") && hasmntopt(m, "memory") && !mem_v1[0])
			snprintf(mem_v1, sizeof(mem_v1), "%s", m->mnt_dir);
	}
	if (f)
		endmntent(f);
	*v1 = mem_v1[0];
	snprintf(root, len, "%s", *v1 ? mem_v1 : v2);
	return root[0] ? 0 : -ENOENT;
}

/* nftw() takes no argument for its callback: the search in progress */
static __u64 wanted;
static char *found;
static size_t found_len;
static size_t root_len;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type != FTW_D || st->st_ino != wanted)
		return 0;
	snprintf(found, found_len, "%s", path[root_len] ? path + root_len : "/");
	return 1;
}

const char *cgroup_path(const char *root, __u64 id, char *buf, size_t len)
{
	wanted = id;
	found = buf;
	found_len = len;
	root_len = strlen(root);
	return nftw(root, visit, 16, FTW_PHYS | FTW_MOUNT) == 1 ? buf : NULL;
}
