#!/usr/bin/env python3
"""Misbehaving servers for tests/integration/faults.sh.

    python3 fakes.py MODE [BACKEND_PORT]

Listens on 127.0.0.1 port 0, prints the port on stdout, and serves each
connection on its own thread the MODE way:

  silent   accepts, reads, never answers
  http     answers any input with "HTTP/1.1 400 Bad Request" and closes
  ssh      sends an SSH banner as soon as the connection is accepted
  html     answers any input with an HTML page and no status line (as
           Python's http.server answers an HTTP/0.9-looking request)
  smtp, imap, pop3, ftp
           greet as that plain-text protocol does as soon as the
           connection is accepted (a STARTTLS service)
  close    reads the ClientHello, then closes (FIN)
  reset    reads the ClientHello, then closes with SO_LINGER 0 (RST)
  stall    a proxy to 127.0.0.1:BACKEND_PORT: passes the client's bytes on,
           passes back only the first TLS record of the answer (the
           ServerHello), then holds both connections without a word
  garbage  answers 20 random bytes that are not TLS
  corrupt  a proxy to 127.0.0.1:BACKEND_PORT that flips one bit in the
           first encrypted record (content type 23) the backend sends, so
           the client's decryption of that record fails
  lose-alert-close, lose-alert-reset
           a proxy to 127.0.0.1:BACKEND_PORT that passes every record but
           the backend's first alert (a plain alert record, or a TLS 1.3
           encrypted record of 19 bytes: 2 + content type + 16-byte tag),
           then closes (FIN) or resets (RST) the client's connection at once
  alert-after-done
           a proxy to 127.0.0.1:BACKEND_PORT that passes the backend's
           records up to its ServerHelloDone, adds a fatal decode_error
           alert (as gnutls-serv sends it) and resets the client's
           connection at once: the client's next write fails while the
           alert waits, readable, in its socket

STARTTLS servers (tests/integration/starttls.sh), each with the demo
server certificate once TLS starts:
  starttls-ftp, starttls-xmpp, starttls-postgres, starttls-ldap
           speak the protocol's plaintext, agree to STARTTLS and complete
           the TLS handshake (xmpp: its stream header's from= echoes the
           client's to=)
  smtp-no-starttls   an EHLO reply without STARTTLS; answers QUIT with 221
  smtp-refuse        offers STARTTLS, answers it "454 4.7.0 TLS not available"
  smtp-bad-greeting  greets "554 5.3.2 No service here"
  smtp-mute          greets, then never says another word
  smtp-endless       greets, then answers EHLO with "250-" lines without end
  smtp-refuse-in-tls agrees to STARTTLS, completes the handshake (no tickets),
                     then answers the EHLO inside TLS "554 5.7.1 ... Access
                     denied" and QUIT with 221
  postgres-refuse    answers SSLRequest with N
  postgres-error     answers SSLRequest with an ErrorResponse (E...)
  ldap-refuse        answers the StartTLS request with resultCode 52
  xmpp-failure       lists <starttls/>, then answers it with <failure/>

Every wait is bounded: the process exits by itself after LIFETIME seconds
(60) whatever happens, so a test that dies cannot leave it behind.
"""
import os
import select
import socket
import struct
import sys
import threading
import time

LIFETIME = 60.0
START = time.monotonic()


def left():
    return max(0.0, LIFETIME - (time.monotonic() - START))


def recv_exact(s, n):
    """n bytes from s, or fewer if the peer closes or time runs out."""
    buf = b""
    while len(buf) < n and left() > 0:
        s.settimeout(min(1.0, left()) or 0.01)
        try:
            chunk = s.recv(n - len(buf))
        except socket.timeout:
            continue
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
    return buf


def read_record(s):
    """One TLS record (header and body), as far as the peer sends it."""
    head = recv_exact(s, 5)
    if len(head) < 5:
        return head
    return head + recv_exact(s, (head[3] << 8) | head[4])


def read_some(s):
    """Whatever the peer sends first (up to 64 KiB); b"" on close or time out."""
    while left() > 0:
        s.settimeout(min(1.0, left()) or 0.01)
        try:
            return s.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            return b""
    return b""


def hold(s):
    """Reads and ignores until the peer closes or time runs out."""
    while left() > 0:
        s.settimeout(min(1.0, left()) or 0.01)
        try:
            if not s.recv(65536):
                return
        except socket.timeout:
            continue
        except OSError:
            return


def answer_and_close(s, data):
    """Sends data, ends our side, drains (so close sends no RST), closes."""
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    except OSError:
        return
    end = time.monotonic() + 5.0
    while time.monotonic() < end and left() > 0:
        s.settimeout(0.5)
        try:
            if not s.recv(65536):
                break
        except socket.timeout:
            continue
        except OSError:
            break


def serve_silent(s):
    hold(s)


def serve_http(s):
    if read_some(s):
        answer_and_close(s, b"HTTP/1.1 400 Bad Request\r\n\r\n")


def serve_ssh(s):
    try:
        s.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
    except OSError:
        return
    hold(s)


def serve_html(s):
    if read_some(s):
        answer_and_close(s, b"<!DOCTYPE HTML>\n<html lang=\"en\">\n<head><title>Error response</title></head>\n"
                            b"<body><h1>Error response</h1><p>Error code: 400</p></body>\n</html>\n")


GREETINGS = {
    "smtp": b"220 mail.example ESMTP Postfix (Debian/GNU)\r\n",
    "imap": b"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready.\r\n",
    "pop3": b"+OK Dovecot ready.\r\n",
    "ftp": b"220 (vsFTPd 3.0.3)\r\n",
}


def greeter(banner):
    def serve(s):
        try:
            s.sendall(banner)
        except OSError:
            return
        hold(s)
    return serve


def serve_close(s):
    read_record(s)


def serve_reset(s):
    read_record(s)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def serve_garbage(s):
    if not read_some(s):
        return
    junk = bytearray(os.urandom(20))
    # not a TLS content type (20..24), nor by chance "HTTP"/"SSH-"
    junk[0] = 0x80 | (junk[0] & 0x7F)
    answer_and_close(s, bytes(junk))


def pump(src, dst):
    """Copies src to dst until either side closes or time runs out."""
    while left() > 0:
        src.settimeout(min(1.0, left()) or 0.01)
        try:
            data = src.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            return
        if not data:
            return
        try:
            dst.sendall(data)
        except OSError:
            return


def serve_stall(s, backend_port):
    try:
        b = socket.create_connection(("127.0.0.1", backend_port), timeout=min(5.0, left()) or 0.01)
    except OSError:
        return
    try:
        t = threading.Thread(target=pump, args=(s, b), daemon=True)
        t.start()
        first = read_record(b)
        if first:
            try:
                s.sendall(first)
            except OSError:
                pass
        # stall: keep reading the backend (so it is not blocked) but pass nothing on
        hold(b)
        t.join(left())
    finally:
        b.close()


def serve_corrupt(s, backend_port):
    try:
        b = socket.create_connection(("127.0.0.1", backend_port), timeout=min(5.0, left()) or 0.01)
    except OSError:
        return
    try:
        t = threading.Thread(target=pump, args=(s, b), daemon=True)
        t.start()
        flipped = False
        while left() > 0:
            rec = read_record(b)
            if len(rec) < 6:
                break
            if not flipped and rec[0] == 23:
                rec = rec[:-1] + bytes([rec[-1] ^ 0x01])
                flipped = True
            try:
                s.sendall(rec)
            except OSError:
                break
        t.join(min(5.0, left()))
    finally:
        b.close()


def backend_records(s, backend_port, each):
    """A proxy on one thread (so that closing the client's socket takes
    effect at once): the client's bytes go to the backend as they come; each
    whole record from the backend is handed to each(rec), which says whether
    to go on. Returns when each says stop, either side closes, or time runs out."""
    try:
        b = socket.create_connection(("127.0.0.1", backend_port), timeout=min(5.0, left()) or 0.01)
    except OSError:
        return
    buf = b""
    try:
        while left() > 0:
            ready, _, _ = select.select([s, b], [], [], min(1.0, left()))
            if s in ready:
                data = s.recv(65536)
                if not data:
                    return
                b.sendall(data)
            if b in ready:
                data = b.recv(65536)
                if not data:
                    return
                buf += data
                while len(buf) >= 5 and len(buf) >= 5 + ((buf[3] << 8) | buf[4]):
                    n = 5 + ((buf[3] << 8) | buf[4])
                    rec, buf = buf[:n], buf[n:]
                    if not each(rec):
                        return
    except OSError:
        return
    finally:
        b.close()


def end(s, reset):
    """Closes the client's connection: at once with RST (reset) or with FIN."""
    if reset:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def lose_alert(reset):
    def serve(s, backend_port):
        def each(rec):
            if rec[0] == 21 or (rec[0] == 23 and len(rec) == 5 + 19):
                return False                  # the alert: lost
            try:
                s.sendall(rec)
            except OSError:
                return False
            return True
        backend_records(s, backend_port, each)
        end(s, reset)
    return serve


def serve_alert_after_done(s, backend_port):
    alert = bytes([21, 3, 3, 0, 2, 2, 50])     # fatal decode_error, as gnutls-serv sends it

    def each(rec):
        done = rec[0] == 22 and len(rec) > 5 and rec[5] == 14     # ServerHelloDone
        try:
            s.sendall(rec + (alert if done else b""))
        except OSError:
            return False
        return not done
    backend_records(s, backend_port, each)
    end(s, True)


CERTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "certs")


def read_line(s, delim=b"\n", limit=4096):
    """Bytes up to and including delim (or what came before a close)."""
    buf = b""
    while len(buf) < limit and left() > 0:
        c = recv_exact(s, 1)
        if not c:
            break
        buf += c
        if c == delim:
            break
    return buf


def tls_then_hold(s):
    """Completes a TLS handshake as the server (the demo certificate), then waits for the close."""
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(CERTS, "server-rsa-chain.pem"), os.path.join(CERTS, "server-rsa.key"))
    s.settimeout(min(10.0, left()) or 0.01)
    try:
        t = ctx.wrap_socket(s, server_side=True)
        t.settimeout(2.0)
        t.recv(1)
    except (OSError, ssl.SSLError):
        return


def send(s, data):
    try:
        s.sendall(data)
        return True
    except OSError:
        return False


def serve_starttls_ftp(s):
    if not send(s, b"220 fake FTP server ready\r\n"):
        return
    while left() > 0:
        line = read_line(s).strip().upper()
        if not line:
            return
        if line == b"FEAT":
            send(s, b"211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n UTF8\r\n211 End\r\n")
        elif line == b"AUTH TLS":
            send(s, b"234 Proceed with negotiation.\r\n")
            return tls_then_hold(s)
        else:
            send(s, b"500 Unknown command.\r\n")


XMPP_NS = b"xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"


def xmpp_open(s):
    """Reads the client's header; answers with ours (from= its to=) and the features. The to= value."""
    head = b""
    while b"<stream:stream" not in head or not head.endswith(b">"):
        c = read_line(s, b">")
        if not c:
            return None
        head += c
    to = head.split(b"to='")[1].split(b"'")[0] if b"to='" in head else b""
    send(s, b"<?xml version='1.0'?><stream:stream " + XMPP_NS + b" id='c2s1' from='" + to +
         b"' version='1.0'>\n<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
         b"</starttls><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
         b"</mechanisms></stream:features>")
    return to


def serve_starttls_xmpp(s):
    if xmpp_open(s) is None or not read_line(s, b">"):
        return
    send(s, b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    tls_then_hold(s)


def serve_xmpp_failure(s):
    if xmpp_open(s) is None or not read_line(s, b">"):
        return
    send(s, b"<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>")
    hold(s)


def serve_starttls_postgres(s, answer=b"S"):
    if recv_exact(s, 8) != bytes([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]):
        return
    send(s, answer)
    if answer == b"S":
        tls_then_hold(s)
    else:
        hold(s)


LDAP_STARTTLS = bytes([0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16]) + b"1.3.6.1.4.1.1466.20037"


def ldap_response(code, message):
    body = bytes([0x0a, 0x01, code, 0x04, 0x00, 0x04, len(message)]) + message
    op = bytes([0x78, len(body)]) + body
    msg = bytes([0x02, 0x01, 0x01]) + op
    return bytes([0x30, len(msg)]) + msg


def serve_starttls_ldap(s, code=0, message=b""):
    if recv_exact(s, len(LDAP_STARTTLS)) != LDAP_STARTTLS:
        return
    send(s, ldap_response(code, message))
    if code == 0:
        tls_then_hold(s)
    else:
        hold(s)


def smtp(ehlo_lines, on_starttls):
    """An SMTP server: greets, answers EHLO with ehlo_lines, STARTTLS with on_starttls(s), QUIT with 221."""
    def serve(s):
        if not send(s, b"220 mail.example.test ESMTP fake\r\n"):
            return
        while left() > 0:
            line = read_line(s).strip().upper()
            if not line:
                return
            if line.startswith(b"EHLO"):
                send(s, b"".join(b"250" + (b" " if i == len(ehlo_lines) - 1 else b"-") + l + b"\r\n"
                                 for i, l in enumerate(ehlo_lines)))
            elif line == b"STARTTLS":
                if on_starttls(s):
                    return
            elif line == b"QUIT":
                send(s, b"221 2.0.0 Bye\r\n")
                return hold(s)
            else:
                send(s, b"502 5.5.2 Error: command not recognized\r\n")
    return serve


def starttls_then_refuse(s):
    """Agrees to STARTTLS, completes the TLS handshake, then refuses the EHLO that comes inside TLS."""
    import ssl
    if not send(s, b"220 2.0.0 Ready to start TLS\r\n"):
        return True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(CERTS, "server-rsa-chain.pem"), os.path.join(CERTS, "server-rsa.key"))
    ctx.num_tickets = 0
    s.settimeout(min(10.0, left()) or 0.01)
    try:
        t = ctx.wrap_socket(s, server_side=True)
        t.settimeout(2.0)
        if read_line(t).upper().startswith(b"EHLO"):
            t.sendall(b"554 5.7.1 <tlsladder>: Helo command rejected: Access denied\r\n")
        if read_line(t).upper().startswith(b"QUIT"):
            t.sendall(b"221 2.0.0 Bye\r\n")
        t.recv(1)
    except (OSError, ssl.SSLError):
        pass
    return True


def serve_smtp_endless(s):
    if not send(s, b"220 mail.example.test ESMTP fake\r\n") or not read_line(s):
        return
    n = 0
    while left() > 0 and send(s, b"250-LINE%d\r\n" % n):
        n += 1


def serve_smtp_mute(s):
    if send(s, b"220 mail.example.test ESMTP fake\r\n"):
        hold(s)


def main():
    modes = {
        "silent": serve_silent,
        "http": serve_http,
        "ssh": serve_ssh,
        "close": serve_close,
        "reset": serve_reset,
        "garbage": serve_garbage,
        "html": serve_html,
        "starttls-ftp": serve_starttls_ftp,
        "starttls-xmpp": serve_starttls_xmpp,
        "starttls-postgres": serve_starttls_postgres,
        "starttls-ldap": serve_starttls_ldap,
        "smtp-no-starttls": smtp([b"mail.example.test", b"PIPELINING", b"SIZE 10240000", b"8BITMIME"],
                                 lambda s: False),
        "smtp-refuse": smtp([b"mail.example.test", b"PIPELINING", b"STARTTLS", b"8BITMIME"],
                            lambda s: not send(s, b"454 4.7.0 TLS not available due to local problem\r\n")),
        "smtp-refuse-in-tls": smtp([b"mail.example.test", b"PIPELINING", b"STARTTLS", b"8BITMIME"],
                                   starttls_then_refuse),
        "smtp-bad-greeting": lambda s: answer_and_close(s, b"554 5.3.2 No service here\r\n"),
        "smtp-mute": serve_smtp_mute,
        "smtp-endless": serve_smtp_endless,
        "postgres-refuse": lambda s: serve_starttls_postgres(s, b"N"),
        "postgres-error": lambda s: serve_starttls_postgres(s, b"EFATAL"),
        "ldap-refuse": lambda s: serve_starttls_ldap(s, 52, b"TLS is not configured"),
        "xmpp-failure": serve_xmpp_failure,
    }
    proxies = {
        "stall": serve_stall,
        "corrupt": serve_corrupt,
        "lose-alert-close": lose_alert(False),
        "lose-alert-reset": lose_alert(True),
        "alert-after-done": serve_alert_after_done,
    }
    for name, banner in GREETINGS.items():
        modes[name] = greeter(banner)
    mode = sys.argv[1] if len(sys.argv) >= 2 else ""
    if not ((mode in modes and len(sys.argv) == 2) or (mode in proxies and len(sys.argv) == 3)):
        sys.stderr.write("usage: fakes.py " + "|".join(modes) + " | " + "|".join(proxies) + " BACKEND_PORT\n")
        return 2
    if mode in proxies:
        backend, proxy = int(sys.argv[2]), proxies[mode]
        handler = lambda s: proxy(s, backend)
    else:
        handler = modes[mode]

    # the backstop: whatever a thread is doing, the process ends at LIFETIME
    killer = threading.Timer(LIFETIME, lambda: os._exit(0))
    killer.daemon = True
    killer.start()

    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    print(ls.getsockname()[1], flush=True)

    def run(conn):
        try:
            handler(conn)
        finally:
            conn.close()

    while left() > 0:
        ls.settimeout(min(1.0, left()) or 0.01)
        try:
            conn, _ = ls.accept()
        except socket.timeout:
            continue
        except OSError:
            break
        threading.Thread(target=run, args=(conn,), daemon=True).start()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
