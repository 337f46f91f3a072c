#!/usr/bin/env bash
# The Debian package: cpack -G DEB builds it from this build tree (into a
# scratch directory, not the build tree), its control fields and contents are
# what they should be, the program extracted from it (dpkg -x) finds its demo
# certificates and themes in the package's own tree, and dpkg installs it into
# a scratch root (dpkg --root, as root only), checking its Depends against the
# versions installed on this machine, and removes it again.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
builddir=$(dirname "$bin")

# ---------------------------------------------------------------- build it
cmake_cmd=$(sed -n 's/^CMAKE_COMMAND:INTERNAL=//p' "$builddir/CMakeCache.txt")
cpack="$(dirname "${cmake_cmd:-/usr/bin/cmake}")/cpack"
[ -x "$cpack" ] || cpack=cpack
version=$("$bin" --version | sed -n '1s/^tlsladder \([^ ]*\).*/\1/p')
arch=$(dpkg --print-architecture)
touch "$tmp/before"
if "$cpack" -G DEB --config "$builddir/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1; then
	ok "cpack -G DEB"
else
	bad "cpack -G DEB failed:"
	cat "$tmp/cpack.log"
fi
deb="$tmp/pkg/tlsladder_${version}-1_${arch}.deb"
if [ -f "$deb" ]; then ok "the package is tlsladder_${version}-1_${arch}.deb"
else bad "no $deb; made: $(ls "$tmp/pkg" 2>&1)"; finish package; exit; fi
left=$(find "$builddir" -maxdepth 1 -newer "$tmp/before" \( -name '*.deb' -o -name _CPack_Packages \))
if [ -z "$left" ]; then ok "nothing of the packaging is left in the build tree"
else bad "packaging left in the build tree: $left"; fi

# ---------------------------------------------------------------- control fields
# field NAME PATTERN
field() {
	local v
	v=$(dpkg-deb -f "$deb" "$1")
	if grep -qE -- "$2" <<<"$v"; then ok "$1: $v"; else bad "$1 is '$v', wanted /$2/"; fi
}
field Package '^tlsladder$'
field Version "^${version//./\\.}-1\$"
field Architecture "^$arch\$"
field Maintainer '^[^<>]+ <[^<>@ ]+@[^<>@ ]+>$'
field Section '^net$'
field Description '^TLS handshake shown as a client/server ladder diagram$'
dpkg-deb -f "$deb" Description >"$tmp/description"
has "$tmp/description" '^ tlsladder performs a real TLS handshake' "the long description follows the summary"
# Depends names the package of every shared library the program needs.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in $(objdump -p "$bin" | awk '$1 == "NEEDED" { print $2 }'); do
	owner=$(dpkg -S "$lib" 2>/dev/null | grep -E "/$lib\$" | head -n 1 | sed -E 's/[:,].*//')
	if [ -z "$owner" ]; then bad "no installed package holds $lib"
	elif grep -qE "(^|, )$owner( |,|\$)" <<<"$depends"; then ok "Depends names $owner (for $lib)"
	else bad "Depends ($depends) does not name $owner, the package of $lib"; fi
done

# ---------------------------------------------------------------- contents
dpkg-deb -c "$deb" >"$tmp/contents"
# what the package should hold, from the source tree
{
	echo usr/bin/tlsladder
	echo usr/share/man/man1/tlsladder.1
	for f in "$src"/themes/*.theme; do echo "usr/share/tlsladder/themes/${f##*/}"; done
	for f in "$src"/docs/quiz/*.quiz; do echo "usr/share/tlsladder/quiz/${f##*/}"; done
	for f in "$src"/certs/*.pem "$src"/certs/*.key "$src"/certs/*.p12 "$src"/certs/README.md; do
		echo "usr/share/tlsladder/certs/${f##*/}"
	done
	echo usr/share/doc/tlsladder/README.md
	echo usr/share/doc/tlsladder/LICENSE
	(cd "$src/docs" && find . -type f \( -name '*.md' -o -name '*.json' \)) | sed 's|^\./|usr/share/doc/tlsladder/|'
} | sort >"$tmp/want"
awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' "$tmp/contents" | sort >"$tmp/have"
missing=$(comm -23 "$tmp/want" "$tmp/have")
extra=$(comm -13 "$tmp/want" "$tmp/have")
if [ -z "$missing" ]; then ok "the package holds all $(wc -l <"$tmp/want") files: program, man page, themes, demo certificates, docs"
else bad "missing from the package: $missing"; fi
if [ -z "$extra" ]; then ok "the package holds nothing else"; else bad "not expected in the package: $extra"; fi
for f in themes/default.theme certs/root-ca.pem certs/client.p12 quiz/tls13.quiz; do
	grep -qx "usr/share/tlsladder/$f" "$tmp/have" && ok "$f is packaged" || bad "$f is not packaged"
done
has "$tmp/contents" '^-rwxr-xr-x root/root .* \./usr/bin/tlsladder$' "the program is executable, owned by root"
notroot=$(awk '$2 != "root/root" { print $6 }' "$tmp/contents")
if [ -z "$notroot" ]; then ok "every file is owned by root/root"; else bad "not owned by root/root: $notroot"; fi
rm -f "$tmp/want" "$tmp/have"

# ---------------------------------------------------------------- run it from dpkg -x
root="$tmp/root"
if dpkg -x "$deb" "$root"; then ok "dpkg -x"; else bad "dpkg -x failed"; fi
has "$root/usr/share/man/man1/tlsladder.1" "^\\.TH TLSLADDER 1 .*\"tlsladder ${version//./\\.}\"" \
	"the packaged man page is the one of this version"
# Away from the build tree, without TLSLADDER_DATADIR: the data is found next
# to the program's own directory (../share/tlsladder).
(cd / && env -u TLSLADDER_DATADIR "$root/usr/bin/tlsladder" demo tls13 --text -v) >"$tmp/out" 2>&1 </dev/null
rc=$?
if [ "$rc" -eq 0 ]; then ok "the extracted program runs demo tls13 (exit 0)"; else bad "demo tls13: exit $rc"; cat "$tmp/out"; fi
has "$tmp/out" '^  server certificate: trusted: 2 sent, path of 3 to tlsladder Demo Root CA' "the demo's server certificate is trusted"
has "$tmp/out" "^ +trust store: CA file $root/usr/bin/\\.\\./share/tlsladder/certs/root-ca\\.pem\$" \
	"the demo certificates are the package's"
# The themes, in the interactive ladder (tmux): a missing theme would be named
# on the status line.
if have tmux; then
	sock="tlsladder-package-$$"
	T() { LANG=C.UTF-8 LC_ALL=C.UTF-8 tmux -u -L "$sock" "$@"; }
	trap 'T kill-server 2>/dev/null; cleanup' EXIT
	# screen_after THEME: the screen once the demo is done (bounded: 15 s)
	screen_after() {
		local i
		T kill-server 2>/dev/null
		T new-session -d -s ui -x 120 -y 30 \
			"cd / && env -u TLSLADDER_DATADIR $(printf '%q' "$root/usr/bin/tlsladder") --theme $1 demo; sleep 60"
		for ((i = 0; i < 300; i++)); do
			T capture-pane -p -t ui >"$tmp/screen" 2>/dev/null
			grep -qE 'step [0-9]+/[0-9]+ +DONE' "$tmp/screen" && break
			sleep 0.05
		done
		T kill-server 2>/dev/null
	}
	for theme in $(cd "$src/themes" && ls -- *.theme | sed 's/\.theme$//'); do
		screen_after "$theme"
		has "$tmp/screen" 'step [0-9]+/[0-9]+ +DONE' "--theme $theme: the interactive demo runs"
		hasnt "$tmp/screen" 'no theme called' "--theme $theme is found in the package"
	done
	# the same check sees a theme that is not there
	screen_after nosuch
	has "$tmp/screen" 'no theme called "nosuch"' "a theme missing from the package is named on screen"
else
	echo "skip the themes in the interactive ladder: no tmux"
fi

# ---------------------------------------------------------------- dpkg -i into a scratch root
# dpkg --root: the scratch root's own database, holding as installed only the
# packages Depends names, at the versions installed here; dpkg checks the
# Depends against them. No maintainer scripts are run (the package has none).
if [ "$(id -u)" -ne 0 ]; then
	echo "skip dpkg --root -i: needs root"
	finish package
	exit
fi
# scratch_root DIR [PACKAGE...]: an empty root whose dpkg database holds PACKAGE...
scratch_root() {
	local dir="$1" p
	shift
	mkdir -p "$dir/var/lib/dpkg/info" "$dir/var/lib/dpkg/updates" "$dir/var/lib/dpkg/triggers"
	: >"$dir/var/lib/dpkg/status"
	for p in "$@"; do
		dpkg-query -W -f='Package: ${Package}\nStatus: ${Status}\nArchitecture: ${Architecture}\nMulti-Arch: ${Multi-Arch}\nVersion: ${Version}\n\n' "$p" \
			>>"$dir/var/lib/dpkg/status"
		: >"$dir/var/lib/dpkg/info/$(dpkg-query -W -f='${binary:Package}' "$p").list"
	done
}
scratch_root "$tmp/droot" $(sed -E 's/\([^)]*\)//g; s/[,|]/ /g' <<<"$depends")
if dpkg --root="$tmp/droot" -i "$deb" >"$tmp/dpkg.log" 2>&1; then ok "dpkg --root -i installs it"
else bad "dpkg --root -i failed:"; cat "$tmp/dpkg.log"; fi
dpkg --root="$tmp/droot" -s tlsladder >"$tmp/out" 2>&1
has "$tmp/out" '^Status: install ok installed$' "dpkg -s: install ok installed"
dpkg --root="$tmp/droot" -L tlsladder >"$tmp/out" 2>&1
has "$tmp/out" '^/usr/share/tlsladder/certs/root-ca\.pem$' "dpkg -L lists the demo certificates"
(cd / && env -u TLSLADDER_DATADIR "$tmp/droot/usr/bin/tlsladder" demo tls12-rsa --text) >"$tmp/out" 2>&1 </dev/null
has "$tmp/out" '^diagnosis: ok: ' "the installed program runs demo tls12-rsa"
if dpkg --root="$tmp/droot" -r tlsladder >"$tmp/dpkg.log" 2>&1; then ok "dpkg --root -r removes it"
else bad "dpkg --root -r failed:"; cat "$tmp/dpkg.log"; fi
left=$(find "$tmp/droot" -path "$tmp/droot/var" -prune -o -type f -print)
if [ -z "$left" ]; then ok "no file is left after removal"; else bad "left after removal: $left"; fi
# Without the libraries it depends on, dpkg refuses to configure it.
scratch_root "$tmp/bare"
dpkg --root="$tmp/bare" -i "$deb" >"$tmp/dpkg.log" 2>&1
rc=$?
if [ "$rc" -eq 1 ]; then ok "into a root without its libraries: dpkg -i fails (exit 1)"; else bad "dpkg -i into a bare root: exit $rc"; fi
has "$tmp/dpkg.log" '^ tlsladder depends on libc6' "dpkg names the missing dependency"

finish package
