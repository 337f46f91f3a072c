#!/usr/bin/env bash
# scripts/run and scripts/test (scripts/lib.sh) as a user meets them on a
# fresh machine:
#  - while another apt run holds the package lists' lock or dpkg's lock,
#    they wait for it (bounded), saying what they wait for, instead of
#    failing with apt's error; real apt-get, on a scratch apt directory
#    (APT_CONFIG), as root only;
#  - each script builds in trees of its own with the options it wants, set
#    every time: scripts/test's TLSLADDER_WERROR=ON never reaches
#    scripts/run's build/. Real cmake configures a copy of the source tree;
#    the compiling, ctest, valgrind and the fuzzer are stand-ins here.
set -u
src="${TLSLADDER_SRC:?}"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

# ---------------------------------------------------------------- apt's locks
# hold FILE SECONDS: another process holds apt's lock FILE (fcntl, as apt
# does) for SECONDS; returns once it is held; its pid in $holder
hold() {
	local i
	rm -f "$tmp/held"
	python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))' "$1" "$tmp/held" "$2" &
	holder=$!
	pids+=("$holder")
	for ((i = 0; i < 100; i++)); do [ -e "$tmp/held" ] && return 0; sleep 0.05; done
	bad "the lock on $1 was not taken"
}
# ensure WAIT: scripts/lib.sh's ensure_packages for a package that does not
# exist, with APT_LOCK_WAIT=WAIT; output in $tmp/out, exit code in $rc,
# seconds taken in $took
ensure() {
	local t0=$SECONDS
	(. "$src/scripts/lib.sh" && APT_LOCK_WAIT="$1" ensure_packages tlsladder-no-such-package) >"$tmp/out" 2>&1
	rc=$?
	took=$((SECONDS - t0))
}
if [ "$(id -u)" -ne 0 ] || ! have python3; then
	echo "skip apt's locks: needs root and python3"
else
	a="$tmp/apt"
	mkdir -p "$a/state" "$a/lists/partial" "$a/dpkg/updates" "$a/cache/archives/partial" "$a/sources.list.d" "$a/conf.d"
	: >"$a/dpkg/status"
	: >"$a/sources.list"
	: >"$a/apt.conf.main"
	# apt's state, cache, logs, sources and configuration, all in $a: no network, nothing of the machine's touched
	cat >"$a/apt.conf" <<-EOF
		Dir::State "$a/state"; Dir::State::Lists "$a/lists"; Dir::State::status "$a/dpkg/status";
		Dir::Cache "$a/cache"; Dir::Log "$a/log";
		Dir::Etc::sourcelist "$a/sources.list"; Dir::Etc::sourceparts "$a/sources.list.d";
		Dir::Etc::parts "$a/conf.d"; Dir::Etc::main "$a/apt.conf.main";
	EOF
	export APT_CONFIG="$a/apt.conf"

	# another apt run updating the package lists for 3 s
	hold "$a/lists/lock" 3
	ensure 20
	has "$tmp/out" "^==> waiting \(at most 20 s\) for another apt run to finish updating the package lists: $a/lists/lock is held by process $holder \(python3\)\$" \
		"apt-get update waits for the package lists' lock, naming it and its holder"
	has "$tmp/out" '^E: Unable to locate package tlsladder-no-such-package$' "then updates and installs (apt looked the package up)"
	if [ "$took" -ge 2 ] && [ "$took" -le 10 ]; then ok "it waited ${took} s for a lock held 3 s"; else bad "it took $took s for a lock held 3 s"; fi
	if [ "$rc" -ne 0 ]; then ok "a package that does not exist fails (exit $rc)"; else bad "exit 0 for a package that does not exist"; fi
	wait_exit "$holder" 10

	# another apt or dpkg run holding dpkg's frontend lock for 3 s
	hold "$a/dpkg/lock-frontend" 3
	ensure 20
	has "$tmp/out" "^==> waiting \(at most 20 s\) for another apt or dpkg run to finish: $a/dpkg/lock-frontend is held by process $holder \(python3\)\$" \
		"apt-get install waits for dpkg's lock, naming it and its holder"
	has "$tmp/out" '^E: Unable to locate package tlsladder-no-such-package$' "then installs (apt looked the package up)"
	hasnt "$tmp/out" 'Waiting for cache lock|gave up' "apt's own waiting lines are not shown, and it did not give up"
	if [ "$took" -ge 2 ] && [ "$took" -le 10 ]; then ok "it waited ${took} s for a lock held 3 s"; else bad "it took $took s for a lock held 3 s"; fi
	wait_exit "$holder" 10

	# the waits are bounded
	hold "$a/lists/lock" 8
	ensure 1
	has "$tmp/out" "^==> gave up after 1 s: another apt run still updates the package lists \($a/lists/lock is held by process $holder \(python3\)\); run this again when it has finished\$" \
		"apt-get update gives up after APT_LOCK_WAIT, saying why"
	hasnt "$tmp/out" 'Unable to locate' "nothing is installed after giving up"
	if [ "$rc" -ne 0 ] && [ "$took" -le 4 ]; then ok "gave up in $took s, exit $rc"; else bad "exit $rc after $took s"; fi
	stop_server "$holder"
	hold "$a/dpkg/lock-frontend" 8
	ensure 1
	has "$tmp/out" "^E: Unable to acquire the dpkg frontend lock \($a/dpkg/lock-frontend\), is another process using it\?\$" "apt says which lock it could not take"
	has "$tmp/out" '^==> gave up after 1 s: another apt or dpkg run still holds its lock; run this again when it has finished$' \
		"apt-get install gives up after APT_LOCK_WAIT, saying why"
	if [ "$rc" -ne 0 ] && [ "$took" -le 4 ]; then ok "gave up in $took s, exit $rc"; else bad "exit $rc after $took s"; fi
	stop_server "$holder"
	unset APT_CONFIG
fi

# ---------------------------------------------------------------- build trees
top="$tmp/top"
fake="$tmp/fake"
mkdir -p "$top/tests/fuzz" "$fake"
for f in CMakeLists.txt include src certs themes docs README.md LICENSE; do ln -s "$src/$f" "$top/$f"; done
cp -r "$src/scripts" "$top/scripts"
: >"$top/tests/CMakeLists.txt"
printf 'echo "fuzz stand-in ok: 1"\n' >"$top/tests/fuzz/run"
printf 'echo "valgrind_serve stand-in $*" >>"%s/calls"\n' "$tmp" >"$top/tests/valgrind_serve.sh"
real_cmake=$(command -v cmake)
# cmake configures for real; "cmake --build DIR" leaves a stand-in program in DIR
printf '#!/bin/sh\necho "tlsladder stand-in $*"\n[ "$1" != demo ] || echo "  tls13  a scenario"\n' >"$tmp/standin"
cat >"$fake/cmake" <<-EOF
	#!/bin/sh
	if [ "\$1" = --build ]; then
		install -m 755 "$tmp/standin" "\$2/tlsladder"
		echo "build \$2" >>"$tmp/calls"
		exit 0
	fi
	exec "$real_cmake" "\$@"
EOF
cat >"$fake/ctest" <<-EOF
	#!/bin/sh
	echo "ctest \$*" >>"$tmp/calls"
	echo "100% tests passed, 0 tests failed out of 1"
EOF
printf '#!/bin/sh\necho "valgrind $*" >>"%s/calls"\n' "$tmp" >"$fake/valgrind"
printf '#!/bin/sh\nprintf "install ok installed"\n' >"$fake/dpkg-query"
chmod +x "$fake"/*
# cache DIR OPTION: the option's value in DIR's CMake cache
cache() { sed -n "s/^$2:BOOL=//p" "$top/$1/CMakeCache.txt" 2>/dev/null; }
# the compile flags of DIR's core library
flags() { cat "$top/$1/CMakeFiles/tl_core.dir/flags.make" 2>/dev/null; }
runs() { env -u CI PATH="$fake:$PATH" "$@" </dev/null; }

# build/ as an earlier scripts/test left it: warnings as errors
"$real_cmake" -S "$top" -B "$top/build" -DTLSLADDER_WERROR=ON >/dev/null 2>&1
[ "$(cache build TLSLADDER_WERROR)" = ON ] && ok "build/ starts with TLSLADDER_WERROR=ON" || bad "could not configure build/"
runs "$top/scripts/run" --version >"$tmp/out" 2>&1
has "$tmp/out" '^==> building into build/ \(TLSLADDER_WERROR=OFF, TLSLADDER_SANITIZE=OFF\)$' "scripts/run says which tree and options"
has "$tmp/out" '^tlsladder stand-in --version$' "scripts/run runs build/tlsladder with its arguments"
[ "$(cache build TLSLADDER_WERROR)" = OFF ] && ok "scripts/run: build/ has TLSLADDER_WERROR=OFF" ||
	bad "scripts/run: build/ has TLSLADDER_WERROR=$(cache build TLSLADDER_WERROR)"
flags build | grep -q -- '-Werror' && bad "scripts/run compiles with -Werror" || ok "scripts/run compiles without -Werror"

touch -d '2000-01-01' "$top/build/CMakeCache.txt"
touch "$tmp/mark"
: >"$tmp/calls"
runs "$top/scripts/test" >"$tmp/out" 2>&1
has "$tmp/out" '^==> building into build-test/ \(TLSLADDER_WERROR=ON, TLSLADDER_SANITIZE=OFF\)$' "scripts/test builds build-test/ with warnings as errors"
has "$tmp/out" '^==> building into build-asan/ \(TLSLADDER_WERROR=ON, TLSLADDER_SANITIZE=ON\)$' "scripts/test builds build-asan/ with the sanitizers"
[ "$(cache build-test TLSLADDER_WERROR)/$(cache build-test TLSLADDER_SANITIZE)" = ON/OFF ] && ok "build-test/: WERROR=ON SANITIZE=OFF" || bad "build-test/'s cache"
[ "$(cache build-asan TLSLADDER_WERROR)/$(cache build-asan TLSLADDER_SANITIZE)" = ON/ON ] && ok "build-asan/: WERROR=ON SANITIZE=ON" || bad "build-asan/'s cache"
flags build-test | grep -q -- '-Werror' && ok "build-test/ compiles with -Werror" || bad "build-test/ compiles without -Werror"
has "$tmp/calls" "^ctest --test-dir $top/build-test " "ctest runs on build-test/"
has "$tmp/calls" "^ctest --test-dir $top/build-asan " "ctest runs on build-asan/"
has "$tmp/calls" "^valgrind .* $top/build-test/tlsladder demo tls13 " "valgrind runs build-test/'s program"
has "$tmp/calls" "^valgrind_serve stand-in $top/build-test/tlsladder\$" "valgrind_serve.sh runs build-test/'s program"
hasnt "$tmp/calls" "$top/build( |/|\$)" "scripts/test does not touch build/"
if [ -z "$(find "$top/build/CMakeCache.txt" -newer "$tmp/mark")" ] && [ "$(cache build TLSLADDER_WERROR)" = OFF ]; then
	ok "build/'s cache is as scripts/run left it"
else bad "scripts/test changed build/'s cache"; fi
runs "$top/scripts/run" >/dev/null 2>&1
[ "$(cache build TLSLADDER_WERROR)" = OFF ] && ok "scripts/run after scripts/test: build/ has TLSLADDER_WERROR=OFF" || bad "build/ has WERROR=ON after scripts/test"

finish scripts
