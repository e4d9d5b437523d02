# SPDX-License-Identifier: GPL-2.0
# What ci/kernels/run and ci/kernels/run-arm64 share, sourced by them from the tree's top:
# Debian packages, kernel packages, the initramfs, booting a VM, reading its result, the totals.
# DIR is the cache (.output/kernels), TMP this run's scratch directory, removed on exit.

# the worst case of the matrix in CI is one VM_TIMEOUT per kernel (a run takes 7.5-8 minutes)
VM_TIMEOUT=${VM_TIMEOUT:-900}
DIR=$PWD/.output/kernels
TMP=$(mktemp -d)
passed=0 failed=0 skipped=0 summary=() finished=
# A run cut short (an error, ^C) still ends with a closing line, and counts as failed.
trap '[ -n "$finished" ] || echo "$passed passed, $((failed + 1)) failed$(skips)"
	rm -rf "$TMP"' EXIT
# qemu exits 0 on ^C: stop here rather than boot the next kernel
trap 'exit 130' INT TERM
mkdir -p "$DIR"

# Installs the Debian packages that are missing (as make deps does).
need_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return
	echo "  APT      ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

# The newest Debian linux-image package of a series (6.1, 6.12) for an architecture (amd64,
# arm64): the generic flavour, not cloud or rt, not -dbg or -unsigned.
kernel_package() {
	local arch=$1 series=$2 pkg
	pick() {
		apt-cache pkgnames "linux-image-$series" \
			| grep -E "^linux-image-${series//./\\.}[.-][0-9][^ ]*-$arch\$" \
			| grep -v -E -- '-(cloud|rt)-' | sort -V | tail -n 1
	}
	pkg=$(pick)
	# apt's lists may be missing (a new machine) or older than the series
	[ -n "$pkg" ] || { apt-get update -qq && pkg=$(pick); }
	[ -n "$pkg" ] || { echo "no Debian $arch kernel package for $series" >&2; return 1; }
	echo "$pkg"
}

# Downloads and extracts a kernel package into $DIR/VERSION (boot/, lib/modules/VERSION with
# modules.dep), once: modules.dep, written last, marks a complete extraction.
fetch_kernel() {
	local pkg=$1 arch=$2 ver=${1#linux-image-}
	[ -e "$DIR/$ver/lib/modules/$ver/modules.dep" ] && return
	echo "  APT      $pkg"
	(cd "$TMP" && apt-get download -q=2 -o APT::Sandbox::User=root "$pkg:$arch")
	rm -rf "${DIR:?}/$ver"
	dpkg-deb -x "$TMP/${pkg}"_*.deb "$DIR/$ver"
	rm "$TMP/${pkg}"_*.deb
	depmod -b "$DIR/$ver" "$ver"
}

# mkinitramfs ROOT OUT KDIR VERSION BUSYBOX [MODULE...]: adds to ROOT (where the caller put
# /suite and whatever it needs) a static busybox, ci/kernels/init as /init unless the caller put
# its own there, and the MODULEs
# with their dependencies, decompressed (busybox insmod reads no .ko.xz) and listed in load
# order in /etc/modules; writes ROOT as a gzip'd cpio to OUT.
mkinitramfs() {
	local root=$1 out=$2 kdir=$3 ver=$4 busybox=$5 ko
	shift 5
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,lib/modules}
	cp "$busybox" "$root/bin/busybox"
	ln -sf busybox "$root/bin/sh"
	[ -e "$root/init" ] || cp ci/kernels/init "$root/init"
	: >"$root/etc/modules"
	[ $# = 0 ] || modprobe -d "$kdir" -S "$ver" -a --show-depends "$@" \
		| awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r ko; do
		case $ko in
		*.xz) xz -dc "$ko" >"$root/lib/modules/$(basename "$ko" .xz)" ;;
		*) cp "$ko" "$root/lib/modules/" ;;
		esac
		basename "$ko" .xz >>"$root/etc/modules"
	done
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

# boot NAME QEMU [ARG...]: runs a VM with its serial console on stdout, streamed and kept in
# $DIR/NAME.log, killed after VM_TIMEOUT seconds; then adds NAME's line to summary and its
# counts to the totals. Failures: every test the runner failed, plus one for a guest that did
# not end with the runner's closing line (timed out, died), plus one for a kernel Oops, BUG or
# panic in the log.
boot() {
	local name=$1 log=$DIR/$1.log start=$SECONDS rc end p=0 f=0 s=0 skipnote='' notes=''
	# the log without the tty's \r and the firmware's escape sequences
	local clean='s/\r$//; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g'
	shift
	# --foreground: qemu stays in our process group, so ^C reaches it too
	if timeout --foreground -k 10 "$VM_TIMEOUT" "$@" -nographic -nodefaults -no-reboot \
		-serial stdio -monitor none </dev/null 2>&1 | sed -u "$clean" | tee "$log"; then
		rc=0
	else
		rc=${PIPESTATUS[0]}
	fi
	end=$(grep -a '^=== suite end' "$log" | tail -n 1) || true
	# the guest's clock: how long the boot took, then the suite
	if [[ $end =~ ^===\ suite\ end\ after\ ([0-9.]+)\ s\ \(boot\ ([0-9.]+)\ s\) ]]; then
		notes+="; boot ${BASH_REMATCH[2]} s, suite ${BASH_REMATCH[1]} s"
	fi
	if [[ $end =~ :\ ([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
		p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[4]:-0}
	elif [ "$rc" = 124 ]; then
		f=1 notes+="; timed out after $VM_TIMEOUT s"
	else
		f=1 notes+="; no closing line, qemu exit $rc"
	fi
	if grep -a -q -E 'Oops|BUG:|Kernel panic' "$log"; then
		f=$((f + 1)) notes+="; kernel Oops/BUG/panic in $log"
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	[ "$s" = 0 ] || skipnote=", $s skipped"
	summary+=("kernel $name: $p passed, $f failed$skipnote ($((SECONDS - start)) s$notes)")
}

# the closing line's tail: the skipped tests, when the runners skipped any
skips() { [ "$skipped" = 0 ] || echo ", $skipped skipped"; }

# The line of each kernel, then the totals' closing line; fails when anything failed.
totals() {
	printf '%s\n' "${summary[@]}"
	finished=1
	echo "$passed passed, $failed failed$(skips)"
	[ "$failed" = 0 ]
}
