// SPDX-License-Identifier: GPL-2.0
/*
 * The programs an install attached (settings.progs: a bit each, in the skeleton's order) and
 * their links: which are gone, and attaching them again from their pins.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "oomkiller.skel.h"
#include "loader.h"

/* The link pinned as links/name still holds its program. */
static bool attached(const char *pin_dir, const char *name)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	bool ret;
	int fd;

	if (try_snprintf(path, sizeof(path), "%s/%s", PIN_LINKS, name))
		return false;
	fd = pinned_map(pin_dir, path);
	if (fd < 0)
		return false;
	ret = !bpf_obj_get_info_by_fd(fd, &info, &len) && info.prog_id;
	close(fd);
	return ret;
}

/*
 * Attaches the program pinned as progs/name again, as its section says, and pins the link:
 * tracing programs (tp_btf, fexit, iter) only; a kprobe's link needs a perf event.
 */
static int relink(const char *pin_dir, const struct bpf_program *prog)
{
	const char *name = bpf_program__name(prog);
	char path[PATH_MAX];
	int fd, link, err;

	if (bpf_program__type(prog) != BPF_PROG_TYPE_TRACING)
		return -EOPNOTSUPP;
	err = try_snprintf(path, sizeof(path), "%s/%s", PIN_PROGS, name);
	fd = err ? err : pinned_map(pin_dir, path);
	if (fd < 0)
		return fd;
	link = bpf_link_create(fd, 0, bpf_program__expected_attach_type(prog), NULL);
	err = link < 0 ? -errno :
			 try_snprintf(path, sizeof(path), "%s/%s/%s", pin_dir, PIN_LINKS, name);
	if (!err && bpf_obj_pin(link, path))
		err = -errno;
	if (link >= 0)
		close(link);
	close(fd);
	return err;
}

/*
 * The attached programs whose link is gone, as "a, b" in buf (empty: none), and the number
 * attached in *nr; with fix, attached again. The uprobe has a link per libc, counted apart.
 * -errno if this build cannot tell, or could not fix one.
 */
int missing_links(const char *pin_dir, __u64 progs, bool fix, char *buf, size_t len, int *nr)
{
	struct oomkiller_bpf *skel = oomkiller_bpf__open();
	struct bpf_program *prog;
	int i = 0, err = 0;
	size_t n = 0;

	buf[0] = '\0';
	*nr = 0;
	if (!skel)
		return -errno;
	bpf_object__for_each_program(prog, skel->obj) {
		const char *name = bpf_program__name(prog);

		if (!(progs & (1ULL << i++)) || !strcmp(bpf_program__section_name(prog), "uprobe"))
			continue;
		if (attached(pin_dir, name) || (fix && !(err = relink(pin_dir, prog))))
			(*nr)++;
		else if (n < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", name);
	}
	oomkiller_bpf__destroy(skel);
	return err;
}
