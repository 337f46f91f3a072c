#!/bin/bash
# html.sh BINARY: the --html page, opened in a real headless browser.
#
# For demo scenarios (successes and failures, one and two connections, one in
# the wire view), the page of a run and the text ladder of the same run
# (--text -v --html) are compared through the DOM chromium builds
# (--dump-dom): the same rows in the same order (step numbers and labels),
# each row's field tree equal to the lines -v prints under it, an
# explanation for every message, the named fields and explanation of one
# message, and no element that loads anything or carries a handler
# (tests/integration/htmldom.py). Then: the page's Content-Security-Policy
# (its script's hash, and that script ran), a server certificate whose
# subject carries markup and a script (escaped: no script of its own runs),
# a theme's colours, serve's page per connection, and a page that cannot be
# written (exit 5).
#
# Needs chromium (Debian package chromium; scripts/lib.sh installs it);
# without it the browser part is skipped and says so.
set -u
bin="$1"
src="${TLSLADDER_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$(dirname "$0")/common.bash"
dom_check="$(dirname "$0")/htmldom.py"
skip() { echo "skip $*"; }

# dump NAME: the DOM chromium builds from $tmp/NAME.html, in $tmp/NAME.dom (at most 60 s)
dump() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$tmp/chromium" \
		--dump-dom "file://$tmp/$1.html" >"$tmp/$1.dom" 2>"$tmp/$1.chromium.err"
}

# page SCENARIO [STEP NEEDLE...]: runs the scenario with --text -v --html (and the options in
# $extra; the page is then NAME-wire), opens the page, compares
extra=()
page() {
	local sc="$1${extra[0]+-wire}" scenario="$1"
	shift
	"$bin" demo "$scenario" --text -v "${extra[@]}" --html "$tmp/$sc.html" >"$tmp/$sc.txt" 2>"$tmp/$sc.err" </dev/null
	if [ ! -s "$tmp/$sc.html" ]; then
		bad "$sc: no page written"
		cat "$tmp/$sc.err"
		return
	fi
	if ! dump "$sc"; then
		bad "$sc: chromium could not open the page"
		tail -5 "$tmp/$sc.chromium.err"
		return
	fi
	if python3 "$dom_check" "$tmp/$sc.txt" "$tmp/$sc.dom" "$@" >"$tmp/$sc.check"; then
		ok "$sc: the browser's ladder is the text ladder ($(cat "$tmp/$sc.check")), fields and explanations in"
	else
		bad "$sc: the browser's ladder differs from the text ladder:"
		cat "$tmp/$sc.check"
	fi
}

if have chromium; then
	page tls13 2 "cipher suite: TLS_AES_256_GCM_SHA384 (0x1302)" \
		2 "The server picked TLS_AES_256_GCM_SHA384 from the 4 suites the client offered"
	page tls12-ecdhe
	page hrr
	page resumption
	page mtls-wrong-ca
	page server-untrusted
	page version-mismatch
	extra=(--wire)
	page tls12-rsa 1 "content type: handshake (22)"
	extra=()
	has "$tmp/tls13.dom" "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" \
		"the page forbids any load from the network, and any script but its own"
	hash=$(python3 -c 'import base64, hashlib, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
print(base64.b64encode(hashlib.sha256(re.search(r"<script>(.*?)</script>", page, re.S).group(1).encode()).digest()).decode())' "$tmp/tls13.html")
	has "$tmp/tls13.html" "script-src 'sha256-$hash'" "the policy's hash is the hash of the page's script"
	has "$tmp/tls13.dom" '<body data-ready="1"' "the browser ran the page's script"
	hasnt "$tmp/tls13.dom" "(src|href|action)=\"?(https?:|//)|url\(|@import" "no element or style names an address to load"
else
	skip "html: chromium is not installed (Debian package chromium): the page is not opened in a browser"
fi

# A server certificate whose subject carries markup: on the page it is text.
subj="/CN=<\\/details><script>document.title='PWNED'<\\/script>/O=x\" onmouseover=\"document.title='PWNED2'\" y='"
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/hostile.key" \
	-out "$tmp/hostile.pem" -days 2 -subj "$subj" >/dev/null 2>&1; then
	run_serve_hostile() {
		local p="$1"
		exec "$bin" serve "$p" --once --text --cert "$tmp/hostile.pem" --key "$tmp/hostile.key"
	}
	if start_server hostile-serve no run_serve_hostile; then
		"$bin" --text -v --timeout 5 --html "$tmp/hostile.html" localhost -p "$port" >"$tmp/hostile.txt" 2>"$tmp/hostile.err" </dev/null
		wait_exit "$srv" 10
		# (GnuTLS writes the name with RFC 4514 backslashes, which the sanitizer shows doubled)
		has "$tmp/hostile.html" '&lt;script\\\\&gt;document\.title=&#39;PWNED&#39;\\\\&lt;/script' \
			"the hostile subject is escaped on the page"
		hasnt "$tmp/hostile.html" "<script>document|\" onmouseover" "no markup of the subject reaches the page"
		if have chromium && dump hostile; then
			[ "$(grep -o '<script' "$tmp/hostile.dom" | wc -l)" = 1 ] && ok "the browser sees one script, the page's own" \
				|| bad "the browser sees more than the page's script"
			hasnt "$tmp/hostile.dom" "<title>PWNED" "the subject's script did not run"
			if python3 "$dom_check" "$tmp/hostile.txt" "$tmp/hostile.dom" >"$tmp/hostile.check"; then
				ok "hostile subject: the browser's ladder is the text ladder ($(cat "$tmp/hostile.check"))"
			else
				bad "hostile subject: the browser's ladder differs from the text ladder:"
				cat "$tmp/hostile.check"
			fi
		fi
	fi
else
	skip "html: openssl could not make the hostile certificate"
fi

# The theme's roles are the page's colours; light terminals get a white page.
expect_rc 0 "demo --html --theme light" -- "$bin" demo --text --theme light --html "$tmp/light.html"
has "$tmp/light.html" '^:root\{--fg:#000000;--bg:#ffffff\}$' "light: a white page"
has "$tmp/light.html" '^\.r-arrow-encrypted\{color:#005f00;font-weight:bold\}$' "light: encrypted arrows in colour 22, bold"
expect_rc 0 "demo --html" -- "$bin" demo --text --html "$tmp/dark.html"
has "$tmp/dark.html" '^:root\{--fg:#d0d0d0;--bg:#161616\}$' "default: a dark page"
has "$tmp/dark.html" '^\.r-header\{color:#000000;background:#00cdcd;font-weight:bold\}$' "default: the header black on cyan, bold"

# serve: each connection writes its own page as it ends.
run_serve_html() {
	local p="$1"
	shift
	exec "$bin" serve "$p" --once --text -v --html "$tmp/conn.html" "$@"
}
if start_server serve no run_serve_html; then
	"$bin" --text --timeout 5 --cafile "$src/certs/root-ca.pem" localhost -p "$port" >"$tmp/client.out" 2>&1 </dev/null
	wait_exit "$srv" 10
	if [ -s "$tmp/conn-1.html" ]; then
		ok "serve: connection 1's page is conn-1.html"
		has "$tmp/conn-1.html" '<h1 class="r-header">tlsladder serve: connection 1 \(exit code 0\)</h1>' "serve: the page names its connection"
		if have chromium; then
			cp "$tmp/conn-1.html" "$tmp/serve.html"
			if dump serve && python3 "$dom_check" "$tmp/serve.log" "$tmp/serve.dom" >"$tmp/serve.check"; then
				ok "serve: the browser's ladder is serve's text ladder ($(cat "$tmp/serve.check"))"
			else
				bad "serve: the browser's ladder differs from serve's text ladder:"
				cat "$tmp/serve.check" "$tmp/serve.log"
			fi
		fi
	else
		bad "serve: no conn-1.html"
		ls "$tmp"
		cat "$tmp/serve.log"
	fi
fi

# A page that cannot be written: said, and exit 5.
expect_rc 5 "--html into a missing directory" -- "$bin" demo --text --html "$tmp/missing/page.html"
has "$tmp/err" "^tlsladder: cannot write the HTML page $tmp/missing/page.html: No such file or directory$" \
	"the page that could not be written is named"

finish html
