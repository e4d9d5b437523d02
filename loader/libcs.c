// SPDX-License-Identifier: GPL-2.0
/*
 * The C libraries whose rand() is counted: the one install finds, and every other one that a
 * candidate maps (a new version after an upgrade, a container's own, musl, a copy loaded
 * through LD_LIBRARY_PATH), which the ticker probes within a tick. Attaching is loading, not
 * policy: every uprobe runs the one program install pinned, progs/oomk_rand.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <bpf/bpf.h>
#include "loader.h"

/* The file offset of the function sym in the ELF file fd, as a uprobe takes it, or -errno. */
static long func_offset(int fd, const char *sym)
{
	GElf_Addr addr = 0;
	Elf_Scn *scn = NULL;
	long off = -ENOENT;
	GElf_Shdr sh;
	GElf_Phdr ph;
	GElf_Sym s;
	size_t n;
	Elf *elf;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf)
		return -ENOEXEC;
	while (!addr && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *data = elf_getdata(scn, NULL);

		if (!gelf_getshdr(scn, &sh) || !data || !sh.sh_entsize ||
		    (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_SYMTAB))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize && !addr; i++) {
			const char *name;

			if (!gelf_getsym(data, i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC)
				continue;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (s.st_value && name && !strcmp(name, sym))
				addr = s.st_value;
		}
	}
	for (size_t i = 0; addr && !elf_getphdrnum(elf, &n) && i < n; i++) {
		if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD && (ph.p_flags & PF_X) &&
		    addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_memsz)
			off = addr - ph.p_vaddr + ph.p_offset;
	}
	elf_end(elf);
	return off;
}

/* A uprobe at offset in path running prog_fd, as a link fd that holds its perf event. */
static int uprobe_link(int prog_fd, const char *path, long offset)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.config1 = (__u64)(uintptr_t)path,
		.config2 = offset,
	};
	FILE *f = fopen("/sys/bus/event_source/devices/uprobe/type", "re");
	int pfd, link;

	if (!f || fscanf(f, "%u", &attr.type) != 1) {
		if (f)
			fclose(f);
		return -ENOTSUP;
	}
	fclose(f);
	/* every process (pid -1) needs one cpu: uprobes are per file, not per cpu */
	pfd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return -errno;
	link = bpf_link_create(prog_fd, pfd, BPF_PERF_EVENT, NULL);
	link = link < 0 ? -errno : link;
	close(pfd);
	return link;
}

/* A line of /proc/PID/maps: where a file is mapped, and the file as the kernel knows it. */
struct mapping {
	unsigned long start;
	char perms[5];
	unsigned int major, minor;
	unsigned long long ino;
	char path[PATH_MAX];
};

static bool read_mapping(FILE *f, struct mapping *m)
{
	char line[PATH_MAX + 128];

	if (!fgets(line, sizeof(line), f))
		return false;
	m->path[0] = '\0';
	if (sscanf(line, "%lx-%*x %4s %*x %x:%x %llu %4095[^\n]", &m->start, m->perms, &m->major,
		   &m->minor, &m->ino, m->path) < 5)
		m->ino = 0;
	return true;
}

/* Names that glibc, musl and uClibc give their C library. */
static bool is_libc(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return !strncmp(base, "libc.so", 7) ||
	       (!strncmp(base, "libc-", 5) && strstr(base, ".so")) || !strncmp(base, "ld-musl-", 8);
}

static int libc_slot(int map, __u32 dev, __u64 ino, int *free_slot)
{
	struct oomk_libc l;

	*free_slot = -1;
	for (__u32 i = 0; i < OOMK_LIBCS; i++) {
		if (bpf_map_lookup_elem(map, &i, &l))
			return -errno;
		if (l.ino == ino && l.dev == dev)
			return i;
		if (!l.ino && *free_slot < 0)
			*free_slot = i;
	}
	return -ENOENT;
}

/*
 * Probes rand() in the file opened through open_path, which is dev:ino as /proc/PID/maps names
 * it, and records it as path. 0 if done, or done before; -ENOENT when it has no rand().
 */
static int attach(const char *pin_dir, const char *open_path, const char *path, __u32 dev,
		  __u64 ino)
{
	struct oomk_libc libc = { .ino = ino, .dev = dev };
	int map, prog = -1, fd = -1, link = -1, slot, err;
	char pin[PATH_MAX];
	long off;

	map = pinned_map(pin_dir, PIN_LIBCS);
	if (map < 0)
		return map;
	err = libc_slot(map, dev, ino, &slot);
	if (err != -ENOENT)
		goto cleanup; /* known already, or the map unreadable */
	err = -ENOSPC;
	if (slot < 0)
		goto cleanup;
	fd = open(open_path, O_RDONLY | O_CLOEXEC);
	off = fd < 0 ? -errno : func_offset(fd, "rand");
	err = off < 0 ? off : try_snprintf(pin, sizeof(pin), "%s/" PIN_RAND_LINK, pin_dir, slot);
	if (err)
		goto cleanup;
	prog = pinned_map(pin_dir, PIN_RAND_PROG);
	link = prog < 0 ? prog : uprobe_link(prog, open_path, off);
	err = link < 0 ? link : 0;
	if (err)
		goto cleanup;
	snprintf(libc.path, sizeof(libc.path), "%s", path);
	if (bpf_obj_pin(link, pin) || bpf_map_update_elem(map, &slot, &libc, BPF_ANY))
		err = -errno;
cleanup:
	if (link >= 0)
		close(link);
	if (prog >= 0)
		close(prog);
	if (fd >= 0)
		close(fd);
	close(map);
	return err < 0 ? err : 0;
}

/*
 * Probes every C library that process pid maps, opened through its root: a container's own
 * library is the one it runs. How many it maps, or the last error.
 */
int libcs_of(const char *pin_dir, int pid)
{
	char maps[64], root[PATH_MAX];
	struct mapping m;
	int err = 0, nr = 0, e;
	FILE *f;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
	f = fopen(maps, "re");
	if (!f)
		return -errno;
	while (read_mapping(f, &m)) {
		if (!m.ino || m.perms[2] != 'x' || m.path[0] != '/' || !is_libc(m.path))
			continue;
		if (try_snprintf(root, sizeof(root), "/proc/%d/root%s", pid, m.path))
			continue;
		e = attach(pin_dir, root, m.path, makedev(m.major, m.minor), m.ino);
		err = e && e != -ENOENT ? e : err;
		nr++;
	}
	fclose(f);
	return err ?: nr;
}

/* The file at path mapped here for a moment, to learn it as /proc/PID/maps would name it. */
int libc_attach(const char *pin_dir, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = -ENOENT;
	void *at = fd < 0 ? MAP_FAILED : mmap(NULL, 1, PROT_READ, MAP_PRIVATE, fd, 0);
	struct mapping m;
	FILE *f;

	if (at == MAP_FAILED) {
		err = -errno;
		goto cleanup;
	}
	f = fopen("/proc/self/maps", "re");
	while (f && read_mapping(f, &m))
		if (m.start == (unsigned long)at)
			err = attach(pin_dir, path, path, makedev(m.major, m.minor), m.ino);
	if (f)
		fclose(f);
	munmap(at, 1);
cleanup:
	if (fd >= 0)
		close(fd);
	return err;
}
