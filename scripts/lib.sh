# Shared by scripts/run and scripts/test: install what is missing, configure, build.
# Sourced, not run. Sets TOP (the repository root).

TOP="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages needed to build and run.
BUILD_PACKAGES=(build-essential cmake pkg-config libgnutls28-dev libncurses-dev libcmocka-dev libjansson-dev)
# ... and to run the whole test suite.
TEST_PACKAGES=(gnutls-bin openssl tmux valgrind python3 clang libclang-rt-14-dev nginx curl tshark python3-jsonschema)

say() { printf '==> %s\n' "$*" >&2; }

# Installs the Debian packages named in "$@" that are not installed yet.
ensure_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing missing Debian packages: ${missing[*]}"
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1; then
			sudo=(sudo)
		else
			echo "scripts: please install as root: apt-get install ${missing[*]}" >&2
			return 1
		fi
	fi
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures and builds into $1 (a directory under TOP); extra args go to cmake.
build_into() {
	local dir="$1"
	shift
	cmake -S "$TOP" -B "$TOP/$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
	cmake --build "$TOP/$dir" -j "$(nproc)" >/dev/null || cmake --build "$TOP/$dir" -j 1
}
