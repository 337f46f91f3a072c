#!/usr/bin/env bash
# Regenerate the tlsladder demo PKI with GnuTLS certtool (package gnutls-bin).
#
# DEMO ONLY: every private key written here is public (it is committed to the
# repository). Use these files for the offline demo and the tests, never for
# anything real.
#
# Usage: certs/gen.sh   (from any directory; writes next to this script)
set -euo pipefail

OUT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

command -v certtool >/dev/null 2>&1 || {
    echo "gen.sh: certtool not found (install gnutls-bin)" >&2
    exit 1
}

ORG="tlsladder demo (DEMO ONLY)"
GOOD_FROM="2024-01-01 00:00:00 UTC"
GOOD_UNTIL="2049-12-31 23:59:59 UTC"
OLD_FROM="2020-01-01 00:00:00 UTC"
OLD_UNTIL="2021-01-01 00:00:00 UTC"
P12_PASSWORD="demo"

cd "$OUT"

# key NAME [rsa]  -> NAME.key (ECDSA P-256, or RSA 2048)
key() {
    local name="$1" type="${2:-ecdsa}"
    if [ "$type" = rsa ]; then
        certtool --generate-privkey --key-type rsa --bits 2048 \
            --no-text --outfile "$name.key" 2>/dev/null
    else
        certtool --generate-privkey --key-type ecdsa --curve secp256r1 \
            --no-text --outfile "$name.key" 2>/dev/null
    fi
}

# template NAME CN FROM UNTIL [extra template lines...] -> $TMP/NAME.tmpl
template() {
    local name="$1" cn="$2" from="$3" until="$4"
    shift 4
    {
        printf 'organization = "%s"\n' "$ORG"
        printf 'cn = "%s"\n' "$cn"
        printf 'activation_date = "%s"\n' "$from"
        printf 'expiration_date = "%s"\n' "$until"
        local line
        for line in "$@"; do
            printf '%s\n' "$line"
        done
    } >"$TMP/$name.tmpl"
}

# selfsign NAME  -> NAME.pem from NAME.key and $TMP/NAME.tmpl
selfsign() {
    local name="$1"
    certtool --generate-self-signed --load-privkey "$name.key" \
        --template "$TMP/$name.tmpl" --no-text --outfile "$name.pem" 2>/dev/null
}

# sign NAME ISSUER  -> NAME.pem signed by ISSUER.pem/ISSUER.key
sign() {
    local name="$1" issuer="$2"
    certtool --generate-certificate --load-privkey "$name.key" \
        --load-ca-certificate "$issuer.pem" --load-ca-privkey "$issuer.key" \
        --template "$TMP/$name.tmpl" --no-text --outfile "$name.pem" 2>/dev/null
}

# chain NAME  -> NAME-chain.pem = leaf + intermediate
chain() {
    cat "$1.pem" intermediate-ca.pem >"$1-chain.pem"
}

LOCALHOST_SANS=(
    'dns_name = "localhost"'
    'ip_address = "127.0.0.1"'
    'ip_address = "::1"'
)

# --- Root CA ---------------------------------------------------------------
key root-ca
template root-ca "tlsladder Demo Root CA" "$GOOD_FROM" "$GOOD_UNTIL" \
    ca cert_signing_key crl_signing_key
selfsign root-ca

# --- Intermediate CA (signed by root, pathlen 0) ---------------------------
key intermediate-ca
template intermediate-ca "tlsladder Demo Intermediate CA" "$GOOD_FROM" "$GOOD_UNTIL" \
    ca 'path_len = 0' cert_signing_key crl_signing_key
sign intermediate-ca root-ca

# --- Good servers ----------------------------------------------------------
key server-ecdsa
template server-ecdsa localhost "$GOOD_FROM" "$GOOD_UNTIL" \
    "${LOCALHOST_SANS[@]}" tls_www_server signing_key
sign server-ecdsa intermediate-ca
chain server-ecdsa

key server-rsa rsa
template server-rsa localhost "$GOOD_FROM" "$GOOD_UNTIL" \
    "${LOCALHOST_SANS[@]}" tls_www_server signing_key encryption_key
sign server-rsa intermediate-ca
chain server-rsa

# --- Good client (+ PKCS#12) ----------------------------------------------
key client
template client "Demo Client" "$GOOD_FROM" "$GOOD_UNTIL" \
    tls_www_client signing_key
sign client intermediate-ca
chain client

# AES-256 (PBES2) so OpenSSL 3 reads it without -legacy.
certtool --to-p12 --load-privkey client.key --load-certificate client-chain.pem \
    --p12-name "Demo Client" --password "$P12_PASSWORD" --pkcs-cipher aes-256 \
    --outder --outfile client.p12 2>/dev/null

# --- Other (unrelated) root and a client it signed -------------------------
key other-ca
template other-ca "tlsladder Demo Other CA" "$GOOD_FROM" "$GOOD_UNTIL" \
    ca cert_signing_key crl_signing_key
selfsign other-ca

key client-other-ca
template client-other-ca "Demo Client (other CA)" "$GOOD_FROM" "$GOOD_UNTIL" \
    tls_www_client signing_key
sign client-other-ca other-ca

# --- Expired leaves ---------------------------------------------------------
key client-expired
template client-expired "Demo Client (expired)" "$OLD_FROM" "$OLD_UNTIL" \
    tls_www_client signing_key
sign client-expired intermediate-ca
chain client-expired

key server-expired
template server-expired localhost "$OLD_FROM" "$OLD_UNTIL" \
    "${LOCALHOST_SANS[@]}" tls_www_server signing_key
sign server-expired intermediate-ca
chain server-expired

# --- Client certificate without clientAuth (serverAuth only) ---------------
key client-no-clientauth
template client-no-clientauth "Demo Client (no clientAuth)" "$GOOD_FROM" "$GOOD_UNTIL" \
    tls_www_server signing_key
sign client-no-clientauth intermediate-ca
chain client-no-clientauth

# --- Server certificate for the wrong name ---------------------------------
key server-wrong-name
template server-wrong-name wrong.example "$GOOD_FROM" "$GOOD_UNTIL" \
    'dns_name = "wrong.example"' tls_www_server signing_key
sign server-wrong-name intermediate-ca
chain server-wrong-name

# --- Server certificate for a wildcard name (serve picks it by SNI) ---------
key server-wildcard
template server-wildcard "*.vhost.example" "$GOOD_FROM" "$GOOD_UNTIL" \
    'dns_name = "*.vhost.example"' tls_www_server signing_key
sign server-wildcard intermediate-ca
chain server-wildcard

# --- Self-signed server (not a CA) -----------------------------------------
key server-selfsigned
template server-selfsigned localhost "$GOOD_FROM" "$GOOD_UNTIL" \
    "${LOCALHOST_SANS[@]}" tls_www_server signing_key
selfsign server-selfsigned


# --- Revoked client and the CRLs --------------------------------------------
# A client certificate the intermediate has revoked, the intermediate's CRL that
# lists it, and the root's CRL (listing nothing) for servers that check every CA
# of the chain (nginx ssl_crl). Next update 2049-12-31: the CRLs never go stale
# in the tests.
crl() {
    local issuer="$1" out="$2" number="$3"
    shift 3
    {
        printf 'crl_number = %s\n' "$number"
        printf 'crl_this_update_date = "%s"\n' "$GOOD_FROM"
        printf 'crl_next_update_date = "%s"\n' "$GOOD_UNTIL"
        printf 'crl_revocation_date = "2024-06-01 00:00:00 UTC"\n'
    } >"$TMP/$out.tmpl"
    local load=()
    [ $# -gt 0 ] && load=(--load-certificate "$1")
    certtool --generate-crl --load-ca-privkey "$issuer.key" --load-ca-certificate "$issuer.pem" \
        "${load[@]}" --template "$TMP/$out.tmpl" --no-text --outfile "$out" 2>/dev/null
}

key client-revoked
template client-revoked "Demo Client (revoked)" "$GOOD_FROM" "$GOOD_UNTIL" \
    tls_www_client signing_key
sign client-revoked intermediate-ca
chain client-revoked
crl intermediate-ca intermediate-ca.crl 1 client-revoked.pem
crl root-ca root-ca.crl 1
cat intermediate-ca.crl root-ca.crl >demo-crls.pem

# --- Clients that servers at OpenSSL's security level 2 refuse ------------
# (added after the files above; they were made by running this section alone)
# RSA 1024: under the 2048 bits security level 2 asks for.
certtool --generate-privkey --key-type rsa --bits 1024 \
    --no-text --outfile client-weak-key.key 2>/dev/null
template client-weak-key "Demo Client (RSA 1024)" "$GOOD_FROM" "$GOOD_UNTIL" \
    tls_www_client signing_key
sign client-weak-key intermediate-ca
chain client-weak-key

# Signed by the intermediate with SHA-1 (ecdsa-with-SHA1).
key client-sha1
template client-sha1 "Demo Client (SHA-1 signature)" "$GOOD_FROM" "$GOOD_UNTIL" \
    tls_www_client signing_key
certtool --generate-certificate --load-privkey client-sha1.key --hash SHA1 \
    --load-ca-certificate intermediate-ca.pem --load-ca-privkey intermediate-ca.key \
    --template "$TMP/client-sha1.tmpl" --no-text --outfile client-sha1.pem 2>/dev/null
chain client-sha1

# An Ed25519 key: a key type many servers do not accept.
certtool --generate-privkey --key-type ed25519 \
    --no-text --outfile client-ed25519.key 2>/dev/null
template client-ed25519 "Demo Client (Ed25519)" "$GOOD_FROM" "$GOOD_UNTIL" \
    tls_www_client signing_key
sign client-ed25519 intermediate-ca
chain client-ed25519

chmod 644 ./*.pem ./*.key ./*.crl client.p12
echo "gen.sh: demo PKI written to $OUT"
