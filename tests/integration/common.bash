# Helpers shared by the shell tests (tests/integration/*.sh, tests/ui/tmux.sh).
# Sourced, not run: each script sets bin (and certs, for the server launchers)
# and then
#     . "$(dirname "${BASH_SOURCE[0]}")/common.bash"
# It makes $tmp (removed at exit, with every server still running) and the
# counters behind ok/bad; the script ends with "finish NAME".

pass=0
fail=0
tmp=$(mktemp -d)
fakes="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/fakes.py"
pids=()         # every server or helper started here that may still run
srv=""          # pid of the server launch_server started last
port=""         # its port

# ---------------------------------------------------------------- results
ok() { pass=$((pass + 1)); echo "ok   $*"; }
# bad runs the command named in $on_fail, if any, after its line (tmux.sh
# shows the screen).
bad() {
	fail=$((fail + 1))
	echo "FAIL $*"
	[ -z "${on_fail:-}" ] || "$on_fail"
}
# has FILE PATTERN DESCRIPTION
has() { if grep -qE -- "$2" "$1"; then ok "$3"; else bad "$3: no /$2/ in:"; cat "$1"; fi; }
# hasnt FILE PATTERN DESCRIPTION
hasnt() { if grep -qE -- "$2" "$1"; then bad "$3: /$2/ found in:"; cat "$1"; else ok "$3"; fi; }
# expect_rc WANT DESCRIPTION -- command...   (stdout in $tmp/out, stderr in
# $tmp/err; a failure shows the files named in $expect_rc_shows, both by default)
expect_rc() {
	local want="$1" what="$2" f
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$what (exit $rc)"; else
		bad "$what: exit $rc, wanted $want"
		for f in ${expect_rc_shows:-out err}; do cat "$tmp/$f"; done
	fi
}
# finish NAME: the last line, and the script's exit status
finish() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# ---------------------------------------------------------------- processes
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

# wait_exit PID SECONDS: waits at most SECONDS for PID to end, killing it
# after that; sets $rc (124 when it had to be killed). PID is then forgotten
# (out of $pids, and $srv if it was that), so the exit trap never kills a
# reused pid.
wait_exit() {
	local pid="$1" i p keep=()
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null
		sleep 0.2
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rc=124
	else
		wait "$pid" 2>/dev/null
		rc=$?
	fi
	for p in "${pids[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	pids=("${keep[@]}")
	[ "$srv" != "$pid" ] || srv=""
}
# stop_server [PID]: ends PID (by default $srv, the last one started)
stop_server() {
	local pid="${1:-$srv}"
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait_exit "$pid" 5
}
cleanup() {
	local p
	for p in "${pids[@]}"; do stop_server "$p"; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# free_port: a port nothing listens on now (the kernel's pick, so not another test's)
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
# listening PID PORT: PID itself holds a listening TCP socket on PORT (any
# address). Read from /proc, so it neither needs ss nor makes a connection
# (which would use up a "serve --once").
listening() {
	local pid="$1" hex ino fds
	hex=$(printf ':%04X' "$2")
	fds=$(ls -l "/proc/$pid/fd" 2>/dev/null) || return 1
	while read -r ino; do
		grep -q "socket:\[$ino\]\$" <<<"$fds" && return 0
	done < <(awk -v h="$hex" '$4 == "0A" && substr($2, length($2) - 4) == h { print $10 }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null)
	return 1
}
# v4_held_by_other PID PORT: a socket not PID's holds PORT over IPv4 (a
# listener, or any connection whose local port it is: another test's client
# on that ephemeral port). gnutls-serv binds 0.0.0.0 and :: and goes on with
# :: alone when its IPv4 bind fails: clients going to 127.0.0.1 would then
# reach the other listener, or be refused.
v4_held_by_other() {
	local pid="$1" hex ino inos fds
	hex=$(printf ':%04X' "$2")
	# the sockets first, then PID's descriptors: a socket PID makes in
	# between is then among them
	inos=$(awk -v h="$hex" 'substr($2, length($2) - 4) == h { print $10 }' /proc/net/tcp 2>/dev/null)
	fds=$(ls -l "/proc/$pid/fd" 2>/dev/null) || return 1
	for ino in $inos; do
		grep -q "socket:\[$ino\]\$" <<<"$fds" || return 0
	done
	return 1
}
# launch_server NAME PROBE FUNC [ARGS...]: runs "FUNC PORT ARGS..." in the
# background (FUNC must exec the server, so that its pid is the server's;
# output in $tmp/NAME.log) on a random free port (10000 up to the kernel's
# ephemeral range) until the server listens
# there (at most 5 s per port, 5 ports). PROBE=yes also connects with
# /dev/tcp (not for serve --once). Sets $srv and $port; says nothing.
launch_server() {
	local name="$1" probe="$2" fn="$3" i p eph
	shift 3
	srv=""
	port=""
	# below the kernel's ephemeral ports: a client socket bound there by
	# another test is invisible to the probe yet makes the bind fail
	eph=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	[[ "$eph" =~ ^[0-9]+$ ]] && [ "$eph" -gt 12000 ] || eph=32768
	for _ in 1 2 3 4 5; do
		p=$((10000 + RANDOM % (eph - 10000)))
		if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then continue; fi   # taken
		"$fn" "$p" "$@" >"$tmp/$name.log" 2>&1 </dev/null &
		srv=$!
		pids+=("$srv")
		for ((i = 0; i < 100; i++)); do
			kill -0 "$srv" 2>/dev/null || break
			if v4_held_by_other "$srv" "$p"; then
				break       # another port
			fi
			if listening "$srv" "$p"; then
				if [ "$probe" != yes ] || (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
					port=$p
					return 0
				fi
			fi
			sleep 0.05
		done
		stop_server
	done
	return 1
}
# start_server NAME PROBE FUNC [ARGS...]: launch_server, or "NAME did not
# start" and its log.
start_server() {
	launch_server "$@" && return 0
	bad "$1 did not start"
	cat "$tmp/$1.log"
	return 1
}
# start_helper WHAT NAME COMMAND...: runs COMMAND in the background, a helper
# that prints the port it listens on as its first line (in $tmp/NAME.port, its
# stderr in $tmp/NAME.err); sets hpid and hport once the port is there (at
# most 10 s, while it lives), or says "WHAT did not start" (hport empty).
start_helper() {
	local what="$1" name="$2" i
	shift 2
	hport=""
	# the child truncates the file only once it runs: an old port must not be read first
	rm -f "$tmp/$name.port"
	"$@" >"$tmp/$name.port" 2>"$tmp/$name.err" </dev/null &
	hpid=$!
	pids+=("$hpid")
	for ((i = 0; i < 200; i++)); do
		hport=$(head -n 1 "$tmp/$name.port" 2>/dev/null)
		[[ "$hport" =~ ^[0-9]+$ ]] && return 0
		kill -0 "$hpid" 2>/dev/null || break
		sleep 0.05
	done
	hport=""
	bad "$what did not start"
	cat "$tmp/$name.err"
	stop_server "$hpid"
	return 1
}

# ---------------------------------------------------------------- servers
# start_fake MODE [BACKEND_PORT]: a misbehaving server from fakes.py; sets fport
# and fpid (each fake its own port file, so a port from an earlier fake is
# never read)
nfake=0
start_fake() {
	local r
	nfake=$((nfake + 1))
	start_helper "fakes.py $*" "fake$nfake" python3 "$fakes" "$@"
	r=$?
	fpid=$hpid
	fport=$hport
	return $r
}
# The launchers below are for start_server: each takes the port first and
# execs the server (with the demo certificates in $certs).
# gnutls_serv PORT ARGS...
gnutls_serv() {
	local p="$1"
	shift
	exec gnutls-serv -p "$p" "$@"
}
# run_s_server PORT VERSION(1.2|1.3) [EXTRA ARGS]: openssl s_server -www,
# asking for a client certificate (-Verify 1).
run_s_server() {
	local p="$1" v="$2"
	shift 2
	exec openssl s_server -accept "127.0.0.1:$p" -"tls1_${v#1.}" -www \
		-cert "$certs/server-ecdsa.pem" -cert_chain "$certs/intermediate-ca.pem" -key "$certs/server-ecdsa.key" \
		-CAfile "$certs/root-ca.pem" -Verify 1 "$@"
}
# exec_nginx DIR SERVER: writes DIR/nginx.conf around the server block
# SERVER (in the foreground, every file in DIR, its error.log there too) and
# execs nginx.
exec_nginx() {
	local dir="$1"
	mkdir -p "$dir"
	cat >"$dir/nginx.conf" <<-EOF
		daemon off;
		master_process off;
		worker_processes 1;
		pid $dir/nginx.pid;
		error_log $dir/error.log info;
		events { worker_connections 64; }
		http {
		    access_log $dir/access.log;
		    client_body_temp_path $dir/body;
		    proxy_temp_path $dir/proxy;
		    fastcgi_temp_path $dir/fastcgi;
		    uwsgi_temp_path $dir/uwsgi;
		    scgi_temp_path $dir/scgi;
		    $2
		}
	EOF
	exec nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf"
}
# run_nginx PORT PROTOCOL VERIFY(on|off) [IPV6(yes|no)]: nginx with TLS in
# $tmp/nginx-PROTOCOL-VERIFY/, on 127.0.0.1 (and ::1 with IPV6=yes).
run_nginx() {
	local p="$1" six=""
	[ "${4:-no}" = yes ] && six="listen [::1]:$p ssl;"
	exec_nginx "$tmp/nginx-$2-$3" "server {
		        listen 127.0.0.1:$p ssl;
		        $six
		        ssl_certificate $certs/server-ecdsa-chain.pem;
		        ssl_certificate_key $certs/server-ecdsa.key;
		        ssl_protocols $2;
		        ssl_verify_client $3;
		        ssl_client_certificate $certs/root-ca.pem;
		        ssl_verify_depth 3;
		        location / { default_type text/plain; return 200 \"tlsladder test\n\"; }
		    }"
}

# run_apache PORT PROTOCOL(TLSv1.2|TLSv1.3) [LOCATION_DIRECTIVES]: Apache
# (mod_ssl) in the foreground as one process (-X), in $tmp/apache-PORT/, on
# 127.0.0.1. The handshake asks for no client certificate; the location /
# requires one (SSLVerifyClient require per location, as sites do for one
# directory), so Apache asks for it after the handshake: by TLS 1.3
# post-handshake authentication, or by a TLS 1.2 renegotiation. Its
# error.log is $tmp/apache-PORT/error.log.
run_apache() {
	local p="$1" proto="$2" dir="$tmp/apache-$1" m
	local loc="${3:-SSLVerifyClient require
		SSLVerifyDepth 3}"
	mkdir -p "$dir"
	{
		for m in mpm_prefork authz_core mime dir ssl socache_shmcb; do
			echo "LoadModule ${m}_module /usr/lib/apache2/modules/mod_$m.so"
		done
		cat <<-EOF
			ServerRoot $dir
			ServerName localhost
			DefaultRuntimeDir $dir
			PidFile $dir/apache.pid
			ErrorLog $dir/error.log
			LogLevel info ssl:info
			Mutex file:$dir default
			Listen 127.0.0.1:$p
			TypesConfig /etc/mime.types
			DirectoryIndex index.html
			SSLSessionCache shmcb:$dir/ssl_scache(512000)
			<VirtualHost 127.0.0.1:$p>
			    DocumentRoot /usr/share/apache2/default-site
			    SSLEngine on
			    SSLProtocol -all +$proto
			    SSLCertificateFile $certs/server-ecdsa-chain.pem
			    SSLCertificateKeyFile $certs/server-ecdsa.key
			    SSLCACertificateFile $certs/root-ca.pem
			    <Directory /usr/share/apache2/default-site>
			        Require all granted
			    </Directory>
			    <Location />
			        $loc
			    </Location>
			</VirtualHost>
		EOF
		if [ "$(id -u)" = 0 ]; then echo "User www-data"; echo "Group www-data"; fi
	} >"$dir/apache2.conf"
	exec /usr/sbin/apache2 -X -d "$dir" -f "$dir/apache2.conf"
}

# run_postfix PORT [MAIN.CF LINES]: Postfix's master in the foreground (its
# own config, queue and data directories under $tmp; logging to stdout),
# smtpd on 127.0.0.1:PORT offering STARTTLS with the demo server certificate.
# Needs root (master drops to the postfix user).
run_postfix() {
	local p="$1" dir="$tmp/postfix-$1"
	chmod 711 "$tmp"            # the postfix user's processes reach their queue through it
	mkdir -p "$dir/conf" "$dir/queue/pid" "$dir/queue/private" "$dir/queue/public" "$dir/data"
	chown postfix: "$dir/queue" "$dir/queue/private" "$dir/queue/public" "$dir/data"
	chmod 700 "$dir/queue/private"
	cat >"$dir/conf/main.cf" <<-EOF
		compatibility_level = 3.6
		queue_directory = $dir/queue
		data_directory = $dir/data
		mail_owner = postfix
		myhostname = mail.example.test
		inet_interfaces = 127.0.0.1
		inet_protocols = ipv4
		mydestination =
		local_recipient_maps =
		smtpd_banner = \$myhostname ESMTP
		maillog_file_prefixes = /dev/stdout
		maillog_file = /dev/stdout
		smtpd_tls_security_level = may
		smtpd_tls_cert_file = $certs/server-rsa-chain.pem
		smtpd_tls_key_file = $certs/server-rsa.key
		${2:-}
	EOF
	cat >"$dir/conf/master.cf" <<-EOF
		127.0.0.1:$p inet n - n - - smtpd
		postlog unix-dgram n - n - 1 postlogd
		anvil unix - - n - 1 anvil
		tlsmgr unix - - n 1000? 1 tlsmgr
	EOF
	MAIL_CONFIG="$dir/conf" exec /usr/lib/postfix/sbin/master -s
}
# run_dovecot PORT [CONF LINES]: Dovecot in the foreground (config, base_dir
# and state under $tmp) with STARTTLS on IMAP at PORT, POP3 at PORT+1,
# ManageSieve at PORT+2 and LMTP at PORT+3 (the demo server certificate); a
# static passdb (no mail is read). Needs the dovecot and dovenull users.
# Start it with PROBE=no: a probe connection makes a login process that holds
# the listening socket too, which launch_server takes for another server.
run_dovecot() {
	local p="$1" dir="$tmp/dovecot-$1"
	chmod 711 "$tmp"            # dovecot's unprivileged processes reach base_dir through it
	mkdir -p "$dir/run" "$dir/state"
	cat >"$dir/dovecot.conf" <<-EOF
		base_dir = $dir/run
		state_dir = $dir/state
		log_path = /dev/stderr
		protocols = imap pop3 sieve lmtp
		listen = 127.0.0.1
		ssl = yes
		ssl_cert = <$certs/server-rsa-chain.pem
		ssl_key = <$certs/server-rsa.key
		default_internal_user = dovecot
		default_login_user = dovenull
		mail_location = mbox:$dir/mail:INBOX=$dir/inbox
		passdb {
		  driver = static
		  args = password=demo
		}
		userdb {
		  driver = static
		  args = uid=dovecot gid=dovecot home=$dir/home
		}
		service imap-login {
		  inet_listener imap {
		    port = $p
		  }
		  inet_listener imaps {
		    port = 0
		  }
		}
		service pop3-login {
		  inet_listener pop3 {
		    port = $((p + 1))
		  }
		  inet_listener pop3s {
		    port = 0
		  }
		}
		service managesieve-login {
		  inet_listener sieve {
		    port = $((p + 2))
		  }
		}
		service lmtp {
		  inet_listener lmtp {
		    address = 127.0.0.1
		    port = $((p + 3))
		  }
		}
		${2:-}
	EOF
	exec dovecot -F -c "$dir/dovecot.conf"
}

# ---------------------------------------------------------------- capture
# (tests/integration/oracle.sh: a loopback capture read back by tshark)
# dumpcap_path: where dumpcap is (Debian's wireshark-common puts it in /usr/bin)
dumpcap_path() {
	local d
	for d in "$(command -v dumpcap 2>/dev/null)" /usr/bin/dumpcap /usr/sbin/dumpcap; do
		[ -n "$d" ] && [ -x "$d" ] && { echo "$d"; return 0; }
	done
	return 1
}
# can_capture: dumpcap may capture on lo here (it needs root or CAP_NET_RAW);
# if not, $capture_why says why.
can_capture() {
	local d
	capture_why=""
	if ! d=$(dumpcap_path); then
		capture_why="dumpcap is not installed (Debian package wireshark-common, pulled in by tshark)"
		return 1
	fi
	# listing lo's link types opens it, as a capture does
	if ! "$d" -L -i lo >"$tmp/dumpcap-probe" 2>&1 </dev/null; then
		capture_why="dumpcap cannot capture on lo (it needs root or CAP_NET_RAW): $(grep -v '^$' "$tmp/dumpcap-probe" | head -n 1 | sed 's/\.$//')"
		return 1
	fi
	return 0
}
# start_capture PORT FILE: dumpcap on lo, TCP port PORT, into FILE (pcapng);
# sets cpid. Returns once FILE exists (at most 5 s) and 0.3 s more, as the
# first packets after that can still be missed; 1 (and says why) if dumpcap
# did not start.
start_capture() {
	local i
	"$(dumpcap_path)" -q -i lo -f "tcp port $1" -w "$2" >"$2.log" 2>&1 </dev/null &
	cpid=$!
	pids+=("$cpid")
	for ((i = 0; i < 100; i++)); do
		[ -e "$2" ] && { sleep 0.3; return 0; }
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.05
	done
	bad "dumpcap did not start on port $1"
	cat "$2.log"
	stop_server "$cpid"
	return 1
}
# stop_capture: ends the dumpcap start_capture started (by its pid). Wait
# first until the file holds what is wanted: dumpcap writes packets in
# batches, and the last ones are lost when it is ended too early.
stop_capture() {
	stop_server "$cpid"
	cpid=""
}
