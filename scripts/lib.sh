# Shared by scripts/run and scripts/test: install what is missing (waiting
# for another apt run to finish), configure, build.
# Sourced, not run. Sets TOP (the repository root).

TOP="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages needed to build and run (dpkg-dev: dpkg-shlibdeps, for cpack -G DEB).
BUILD_PACKAGES=(build-essential cmake pkg-config libgnutls28-dev libncurses-dev libcmocka-dev libjansson-dev dpkg-dev)
# ... and to run the whole test suite.
TEST_PACKAGES=(gnutls-bin openssl tmux valgrind python3 clang libclang-rt-14-dev nginx curl tshark strace python3-jsonschema chromium apache2 faketime postfix dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-managesieved)

say() { printf '==> %s\n' "$*" >&2; }

# How long apt-get waits for another apt or dpkg run to release its lock (on a
# fresh machine the daily package-list update and unattended upgrades often
# run at first boot); then it gives up.
APT_LOCK_WAIT=${APT_LOCK_WAIT:-300}
# apt-get, as run here (ensure_packages puts sudo in front when not root).
APT_GET=(env DEBIAN_FRONTEND=noninteractive apt-get)

# The lock and its holder, from apt's "Could not get lock L. It is held by
# process N (NAME)" in file $1.
lock_holder() {
	local pre='^(E: )?Could not get lock '
	if grep -q 'It is held by' "$1"; then
		sed -nE "s/${pre}([^ ]+)\\. It is held by (process [0-9]+ \\([^)]*\\)).*/\\2 is held by \\3/p; T; q" "$1"
	else
		sed -nE "s/${pre}([^ ]+).*/\\2 is taken/p; T; q" "$1"
	fi
}

# apt-get update, waiting while another apt run holds the package lists'
# lock. DPkg::Lock::Timeout covers dpkg's locks only: apt 2.6 (Debian 12)
# fails at once on /var/lib/apt/lists/lock, so this retries every 2 s, for
# at most APT_LOCK_WAIT seconds.
apt_get_update() {
	local err start now said=""
	err=$(mktemp)
	start=$(date +%s)
	while ! "${APT_GET[@]}" -qq -o DPkg::Lock::Timeout="$APT_LOCK_WAIT" update 2>"$err"; do
		now=$(date +%s)
		if ! grep -q 'Could not get lock' "$err"; then
			cat "$err" >&2
			rm -f "$err"
			return 1
		fi
		if [ "$((now - start))" -ge "$APT_LOCK_WAIT" ]; then
			say "gave up after $APT_LOCK_WAIT s: another apt run still updates the package lists ($(lock_holder "$err")); run this again when it has finished"
			rm -f "$err"
			return 1
		fi
		if [ -z "$said" ]; then
			say "waiting (at most $APT_LOCK_WAIT s) for another apt run to finish updating the package lists: $(lock_holder "$err")"
			said=1
		fi
		sleep "$(((APT_LOCK_WAIT - (now - start)) < 2 ? APT_LOCK_WAIT - (now - start) : 2))"
	done
	rm -f "$err"
}

# apt-get install "$@", quietly. apt-get itself waits at most APT_LOCK_WAIT
# seconds for another apt or dpkg run to release its lock
# (DPkg::Lock::Timeout); while it waits, this says so once, naming the lock
# and its holder. apt's output is shown when it fails.
apt_get_install() {
	local - log rc=0
	set -o pipefail
	log=$(mktemp)
	"${APT_GET[@]}" -q -o DPkg::Lock::Timeout="$APT_LOCK_WAIT" install -y --no-install-recommends "$@" 2>&1 |
		tee "$log" | while IFS= read -r line; do
			if [[ $line == *"Waiting for cache lock: "* && ! -e $log.said ]]; then
				printf '%s\n' "${line#*Waiting for cache lock: }" >"$log.said"
				say "waiting (at most $APT_LOCK_WAIT s) for another apt or dpkg run to finish: $(lock_holder "$log.said")"
			fi
		done || rc=$?
	if [ "$rc" -ne 0 ]; then
		grep -v 'Waiting for cache lock: ' "$log" | tail -n 20 >&2
		if grep -qE '^E: (Unable to acquire the dpkg frontend lock|Could not get lock)' "$log"; then
			say "gave up after $APT_LOCK_WAIT s: another apt or dpkg run still holds its lock; run this again when it has finished"
		fi
	fi
	rm -f "$log" "$log.said"
	return "$rc"
}

# Installs the Debian packages named in "$@" that are not installed yet.
ensure_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing missing Debian packages: ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1; then
			APT_GET=(sudo "${APT_GET[@]}")
		else
			echo "scripts: please install as root: apt-get install ${missing[*]}" >&2
			return 1
		fi
	fi
	apt_get_update && apt_get_install "${missing[@]}" && stop_system_mail
}

# Installing postfix or dovecot may start the system's own instance (on ports
# 25, 143, ...): the tests start their own, so the system's is stopped again.
stop_system_mail() {
	local run=()
	[ "$(id -u)" -eq 0 ] || run=(sudo)
	if [ -x /usr/sbin/postfix ] && "${run[@]}" /usr/sbin/postfix status >/dev/null 2>&1; then
		say "stopping the system's postfix that the install started"
		"${run[@]}" /usr/sbin/postfix stop >/dev/null 2>&1
	fi
	if [ -x /usr/sbin/dovecot ] && "${run[@]}" /usr/sbin/doveadm stop >/dev/null 2>&1; then
		say "stopped the system's dovecot that the install started"
	fi
	return 0
}

# build_into DIR WERROR SANITIZE: configures and builds into DIR (under TOP)
# with TLSLADDER_WERROR and TLSLADDER_SANITIZE set to ON or OFF as given,
# every time, so no option stays in DIR's CMake cache from an earlier run.
# Each script has trees of its own: scripts/run build/, scripts/test
# build-test/ and build-asan/.
build_into() {
	local dir="$1"
	say "building into $dir/ (TLSLADDER_WERROR=$2, TLSLADDER_SANITIZE=$3)"
	cmake -S "$TOP" -B "$TOP/$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DTLSLADDER_WERROR="$2" -DTLSLADDER_SANITIZE="$3" >/dev/null &&
		{ cmake --build "$TOP/$dir" -j "$(nproc)" >/dev/null || cmake --build "$TOP/$dir" -j 1; }
}
