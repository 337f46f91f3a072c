/*
 * test_names.c - unit tests for the TLS name tables (src/core/names.c).
 *
 * Table-driven: each case names the lookup function, the wire value and the
 * expected string (NULL for "unknown").  Separate tests cover GREASE
 * detection, the constructed TLS 1.2 signature names and the rule that every
 * named alert also has a plain-language meaning.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tlsladder/names.h"

typedef const char *(*name_fn)(unsigned);

struct name_case {
    const char *fn_name;
    name_fn fn;
    unsigned id;
    const char *expected;
};

#define CASE(fn, id, expected) {#fn, fn, (id), (expected)}

static const struct name_case cases[] = {
    /* handshake types */
    CASE(names_handshake, 0, "HelloRequest"),
    CASE(names_handshake, 1, "ClientHello"),
    CASE(names_handshake, 2, "ServerHello"),
    CASE(names_handshake, 4, "NewSessionTicket"),
    CASE(names_handshake, 5, "EndOfEarlyData"),
    CASE(names_handshake, 8, "EncryptedExtensions"),
    CASE(names_handshake, 11, "Certificate"),
    CASE(names_handshake, 12, "ServerKeyExchange"),
    CASE(names_handshake, 13, "CertificateRequest"),
    CASE(names_handshake, 14, "ServerHelloDone"),
    CASE(names_handshake, 15, "CertificateVerify"),
    CASE(names_handshake, 16, "ClientKeyExchange"),
    CASE(names_handshake, 20, "Finished"),
    CASE(names_handshake, 21, "CertificateURL"),
    CASE(names_handshake, 22, "CertificateStatus"),
    CASE(names_handshake, 24, "KeyUpdate"),
    CASE(names_handshake, 254, "MessageHash"),
    CASE(names_handshake, 7, NULL),
    CASE(names_handshake, 19, NULL),
    CASE(names_handshake, 255, NULL),
    CASE(names_handshake, 0x10001, NULL),

    /* content types */
    CASE(names_content_type, 20, "change_cipher_spec"),
    CASE(names_content_type, 21, "alert"),
    CASE(names_content_type, 22, "handshake"),
    CASE(names_content_type, 23, "application_data"),
    CASE(names_content_type, 24, "heartbeat"),
    CASE(names_content_type, 0, NULL),
    CASE(names_content_type, 19, NULL),
    CASE(names_content_type, 99, NULL),

    /* alerts */
    CASE(names_alert, 0, "close_notify"),
    CASE(names_alert, 10, "unexpected_message"),
    CASE(names_alert, 20, "bad_record_mac"),
    CASE(names_alert, 21, "decryption_failed"),
    CASE(names_alert, 22, "record_overflow"),
    CASE(names_alert, 30, "decompression_failure"),
    CASE(names_alert, 40, "handshake_failure"),
    CASE(names_alert, 41, "no_certificate"),
    CASE(names_alert, 42, "bad_certificate"),
    CASE(names_alert, 43, "unsupported_certificate"),
    CASE(names_alert, 44, "certificate_revoked"),
    CASE(names_alert, 45, "certificate_expired"),
    CASE(names_alert, 46, "certificate_unknown"),
    CASE(names_alert, 47, "illegal_parameter"),
    CASE(names_alert, 48, "unknown_ca"),
    CASE(names_alert, 49, "access_denied"),
    CASE(names_alert, 50, "decode_error"),
    CASE(names_alert, 51, "decrypt_error"),
    CASE(names_alert, 60, "export_restriction"),
    CASE(names_alert, 70, "protocol_version"),
    CASE(names_alert, 71, "insufficient_security"),
    CASE(names_alert, 80, "internal_error"),
    CASE(names_alert, 86, "inappropriate_fallback"),
    CASE(names_alert, 90, "user_canceled"),
    CASE(names_alert, 100, "no_renegotiation"),
    CASE(names_alert, 109, "missing_extension"),
    CASE(names_alert, 110, "unsupported_extension"),
    CASE(names_alert, 111, "certificate_unobtainable"),
    CASE(names_alert, 112, "unrecognized_name"),
    CASE(names_alert, 113, "bad_certificate_status_response"),
    CASE(names_alert, 114, "bad_certificate_hash_value"),
    CASE(names_alert, 115, "unknown_psk_identity"),
    CASE(names_alert, 116, "certificate_required"),
    CASE(names_alert, 120, "no_application_protocol"),
    CASE(names_alert, 1, NULL),
    CASE(names_alert, 85, NULL),
    CASE(names_alert, 255, NULL),

    /* alert meanings: spot checks of known and unknown */
    CASE(names_alert_meaning, 99, NULL),
    CASE(names_alert_meaning, 255, NULL),

    /* alert levels */
    CASE(names_alert_level, 1, "warning"),
    CASE(names_alert_level, 2, "fatal"),
    CASE(names_alert_level, 0, NULL),
    CASE(names_alert_level, 3, NULL),

    /* versions */
    CASE(names_version, 0x0300, "SSL 3.0"),
    CASE(names_version, 0x0301, "TLS 1.0"),
    CASE(names_version, 0x0302, "TLS 1.1"),
    CASE(names_version, 0x0303, "TLS 1.2"),
    CASE(names_version, 0x0304, "TLS 1.3"),
    CASE(names_version, 0xfeff, "DTLS 1.0"),
    CASE(names_version, 0xfefd, "DTLS 1.2"),
    CASE(names_version, 0xfefc, "DTLS 1.3"),
    CASE(names_version, 0x3a3a, "GREASE"),
    CASE(names_version, 0x0305, NULL),
    CASE(names_version, 0xfefe, NULL),
    CASE(names_version, 0x7f1c, NULL),

    /* cipher suites */
    CASE(names_cipher_suite, 0x1301, "TLS_AES_128_GCM_SHA256"),
    CASE(names_cipher_suite, 0x1302, "TLS_AES_256_GCM_SHA384"),
    CASE(names_cipher_suite, 0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
    CASE(names_cipher_suite, 0x1304, "TLS_AES_128_CCM_SHA256"),
    CASE(names_cipher_suite, 0x1305, "TLS_AES_128_CCM_8_SHA256"),
    CASE(names_cipher_suite, 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    CASE(names_cipher_suite, 0x0005, "TLS_RSA_WITH_RC4_128_SHA"),
    CASE(names_cipher_suite, 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    CASE(names_cipher_suite, 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    CASE(names_cipher_suite, 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    CASE(names_cipher_suite, 0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"),
    CASE(names_cipher_suite, 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    CASE(names_cipher_suite, 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    CASE(names_cipher_suite, 0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"),
    CASE(names_cipher_suite, 0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"),
    CASE(names_cipher_suite, 0x00be,
         "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    CASE(names_cipher_suite, 0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256"),
    CASE(names_cipher_suite, 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
    CASE(names_cipher_suite, 0x5600, "TLS_FALLBACK_SCSV"),
    CASE(names_cipher_suite, 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    CASE(names_cipher_suite, 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    CASE(names_cipher_suite, 0xc01d, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA"),
    CASE(names_cipher_suite, 0xc023,
         "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    CASE(names_cipher_suite, 0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    CASE(names_cipher_suite, 0xc02b,
         "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    CASE(names_cipher_suite, 0xc02c,
         "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    CASE(names_cipher_suite, 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    CASE(names_cipher_suite, 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    CASE(names_cipher_suite, 0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA"),
    CASE(names_cipher_suite, 0xc03c, "TLS_RSA_WITH_ARIA_128_CBC_SHA256"),
    CASE(names_cipher_suite, 0xc05c,
         "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256"),
    CASE(names_cipher_suite, 0xc07a, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    CASE(names_cipher_suite, 0xc09c, "TLS_RSA_WITH_AES_128_CCM"),
    CASE(names_cipher_suite, 0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8"),
    CASE(names_cipher_suite, 0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"),
    CASE(names_cipher_suite, 0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8"),
    CASE(names_cipher_suite, 0xcca8,
         "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    CASE(names_cipher_suite, 0xcca9,
         "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
    CASE(names_cipher_suite, 0xccaa,
         "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    CASE(names_cipher_suite, 0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256"),
    CASE(names_cipher_suite, 0x0000, "TLS_NULL_WITH_NULL_NULL"),
    CASE(names_cipher_suite, 0x0a0a, "GREASE"),
    CASE(names_cipher_suite, 0xfafa, "GREASE"),
    CASE(names_cipher_suite, 0x001c, NULL),
    CASE(names_cipher_suite, 0x0047, NULL),
    CASE(names_cipher_suite, 0x1400, NULL),
    CASE(names_cipher_suite, 0xd004, NULL),
    CASE(names_cipher_suite, 0xffff, NULL),
    CASE(names_cipher_suite, 0x10000, NULL),

    /* groups */
    CASE(names_group, 0x0017, "secp256r1"),
    CASE(names_group, 0x0018, "secp384r1"),
    CASE(names_group, 0x0019, "secp521r1"),
    CASE(names_group, 0x001d, "x25519"),
    CASE(names_group, 0x001e, "x448"),
    CASE(names_group, 0x001a, "brainpoolP256r1"),
    CASE(names_group, 0x001f, "brainpoolP256r1tls13"),
    CASE(names_group, 0x0021, "brainpoolP512r1tls13"),
    CASE(names_group, 0x0001, "sect163k1"),
    CASE(names_group, 0x0016, "secp256k1"),
    CASE(names_group, 0x0100, "ffdhe2048"),
    CASE(names_group, 0x0104, "ffdhe8192"),
    CASE(names_group, 0x11ec, "X25519MLKEM768"),
    CASE(names_group, 0x11eb, "SecP256r1MLKEM768"),
    CASE(names_group, 0x6399, "X25519Kyber768Draft00"),
    CASE(names_group, 0x2a2a, "GREASE"),
    CASE(names_group, 0x0000, NULL),
    CASE(names_group, 0x0105, NULL),
    CASE(names_group, 0x1234, NULL),

    /* signature schemes: registered */
    CASE(names_sigscheme, 0x0401, "rsa_pkcs1_sha256"),
    CASE(names_sigscheme, 0x0501, "rsa_pkcs1_sha384"),
    CASE(names_sigscheme, 0x0601, "rsa_pkcs1_sha512"),
    CASE(names_sigscheme, 0x0201, "rsa_pkcs1_sha1"),
    CASE(names_sigscheme, 0x0403, "ecdsa_secp256r1_sha256"),
    CASE(names_sigscheme, 0x0503, "ecdsa_secp384r1_sha384"),
    CASE(names_sigscheme, 0x0603, "ecdsa_secp521r1_sha512"),
    CASE(names_sigscheme, 0x0203, "ecdsa_sha1"),
    CASE(names_sigscheme, 0x0804, "rsa_pss_rsae_sha256"),
    CASE(names_sigscheme, 0x0806, "rsa_pss_rsae_sha512"),
    CASE(names_sigscheme, 0x0807, "ed25519"),
    CASE(names_sigscheme, 0x0808, "ed448"),
    CASE(names_sigscheme, 0x0809, "rsa_pss_pss_sha256"),
    CASE(names_sigscheme, 0x080b, "rsa_pss_pss_sha512"),
    CASE(names_sigscheme, 0x081a, "ecdsa_brainpoolP256r1tls13_sha256"),
    CASE(names_sigscheme, 0x081c, "ecdsa_brainpoolP512r1tls13_sha512"),
    CASE(names_sigscheme, 0x0420, "rsa_pkcs1_sha256_legacy"),
    CASE(names_sigscheme, 0x0620, "rsa_pkcs1_sha512_legacy"),
    /* signature schemes: constructed TLS 1.2 hash/signature pairs */
    CASE(names_sigscheme, 0x0202, "dsa_sha1"),
    CASE(names_sigscheme, 0x0402, "dsa_sha256"),
    CASE(names_sigscheme, 0x0101, "rsa_md5"),
    CASE(names_sigscheme, 0x0103, "ecdsa_md5"),
    CASE(names_sigscheme, 0x0301, "rsa_sha224"),
    CASE(names_sigscheme, 0x0303, "ecdsa_sha224"),
    CASE(names_sigscheme, 0x0602, "dsa_sha512"),
    CASE(names_sigscheme, 0x4a4a, "GREASE"),
    CASE(names_sigscheme, 0x0104, NULL),
    CASE(names_sigscheme, 0x0701, NULL),
    CASE(names_sigscheme, 0x0000, NULL),
    CASE(names_sigscheme, 0x080c, NULL),

    /* extensions */
    CASE(names_extension, 0, "server_name"),
    CASE(names_extension, 1, "max_fragment_length"),
    CASE(names_extension, 5, "status_request"),
    CASE(names_extension, 10, "supported_groups"),
    CASE(names_extension, 11, "ec_point_formats"),
    CASE(names_extension, 13, "signature_algorithms"),
    CASE(names_extension, 16, "application_layer_protocol_negotiation"),
    CASE(names_extension, 18, "signed_certificate_timestamp"),
    CASE(names_extension, 21, "padding"),
    CASE(names_extension, 22, "encrypt_then_mac"),
    CASE(names_extension, 23, "extended_master_secret"),
    CASE(names_extension, 27, "compress_certificate"),
    CASE(names_extension, 28, "record_size_limit"),
    CASE(names_extension, 35, "session_ticket"),
    CASE(names_extension, 41, "pre_shared_key"),
    CASE(names_extension, 42, "early_data"),
    CASE(names_extension, 43, "supported_versions"),
    CASE(names_extension, 44, "cookie"),
    CASE(names_extension, 45, "psk_key_exchange_modes"),
    CASE(names_extension, 47, "certificate_authorities"),
    CASE(names_extension, 48, "oid_filters"),
    CASE(names_extension, 49, "post_handshake_auth"),
    CASE(names_extension, 50, "signature_algorithms_cert"),
    CASE(names_extension, 51, "key_share"),
    CASE(names_extension, 57, "quic_transport_parameters"),
    CASE(names_extension, 0xff01, "renegotiation_info"),
    CASE(names_extension, 0xfe0d, "encrypted_client_hello"),
    CASE(names_extension, 17513, "application_settings"),
    CASE(names_extension, 0xdada, "GREASE"),
    CASE(names_extension, 40, NULL),
    CASE(names_extension, 46, NULL),
    CASE(names_extension, 0xfffe, NULL),
};

/* Compare two possibly-NULL strings, reporting which case failed. */
static void check_case(const struct name_case *c)
{
    const char *got = c->fn(c->id);

    if (c->expected == NULL) {
        if (got != NULL)
            fail_msg("%s(0x%04x): expected NULL, got \"%s\"", c->fn_name,
                     c->id, got);
        return;
    }
    if (got == NULL)
        fail_msg("%s(0x%04x): expected \"%s\", got NULL", c->fn_name, c->id,
                 c->expected);
    if (strcmp(got, c->expected) != 0)
        fail_msg("%s(0x%04x): expected \"%s\", got \"%s\"", c->fn_name,
                 c->id, c->expected, got);
}

/* Run every row of the case table. */
static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_case(&cases[i]);
}

/* Exactly the 16 values 0x?a?a with equal bytes are GREASE. */
static void test_grease(void **state)
{
    unsigned count = 0;

    (void)state;
    for (unsigned v = 0; v <= 0xffffu; v++) {
        bool expect = (v & 0x0f0fu) == 0x0a0au && (v >> 8) == (v & 0xffu);

        assert_int_equal(names_is_grease(v), expect);
        if (names_is_grease(v))
            count++;
    }
    assert_int_equal(count, 16);
    assert_true(names_is_grease(0x0a0a));
    assert_true(names_is_grease(0xfafa));
    assert_false(names_is_grease(0x0a1a));
    assert_false(names_is_grease(0x1a0a));
    assert_false(names_is_grease(0x0b0b));
    assert_false(names_is_grease(0x10a0a));

    /* Every GREASE value maps to "GREASE" in each 16-bit namespace. */
    for (unsigned hi = 0; hi < 16; hi++) {
        unsigned g = (hi << 12) | 0x0a00u | (hi << 4) | 0x0au;

        assert_true(names_is_grease(g));
        assert_string_equal(names_version(g), "GREASE");
        assert_string_equal(names_cipher_suite(g), "GREASE");
        assert_string_equal(names_group(g), "GREASE");
        assert_string_equal(names_sigscheme(g), "GREASE");
        assert_string_equal(names_extension(g), "GREASE");
    }
}

/* Every TLS 1.2 (hash 1..6, signature 1..3) pair has a name, and pairs that
 * are not registered schemes are spelled "<sig>_<hash>". */
static void test_sigscheme_tls12_pairs(void **state)
{
    static const char *const hashes[] = {"md5",    "sha1",   "sha224",
                                         "sha256", "sha384", "sha512"};
    static const char *const sigs[] = {"rsa", "dsa", "ecdsa"};

    (void)state;
    for (unsigned h = 1; h <= 6; h++) {
        for (unsigned s = 1; s <= 3; s++) {
            unsigned id = (h << 8) | s;
            const char *name = names_sigscheme(id);
            char expect[32];

            assert_non_null(name);
            snprintf(expect, sizeof expect, "%s_%s", sigs[s - 1],
                     hashes[h - 1]);
            /* Registered RSA PKCS#1 and ECDSA schemes keep IANA names. */
            if (s == 1 && h >= 2)
                continue;
            if (s == 3 && h == 2)
                continue;
            if (s == 3 && h >= 4)
                continue;
            assert_string_equal(name, expect);
        }
    }
}

/* Every alert with a name has a meaning, and vice versa. */
static void test_alert_meanings(void **state)
{
    unsigned named = 0;

    (void)state;
    for (unsigned d = 0; d < 256; d++) {
        const char *name = names_alert(d);
        const char *meaning = names_alert_meaning(d);

        if (name == NULL) {
            assert_null(meaning);
            continue;
        }
        named++;
        assert_non_null(meaning);
        assert_true(strlen(meaning) > 20);
        assert_int_equal(meaning[strlen(meaning) - 1], '.');
    }
    assert_true(named >= 35);
}

/* Known ids stay found across the whole 16-bit range (catches an unsorted
 * table, which would make the binary search miss entries) and ids above
 * 0xffff are never known. */
static void test_ranges(void **state)
{
    (void)state;
    assert_null(names_cipher_suite(0x1c02f));
    assert_null(names_extension(0x10000));
    assert_null(names_group(0x10017));
    assert_null(names_sigscheme(0x10401));
    assert_null(names_version(0x10303));
    assert_null(names_alert(0x100));
    assert_null(names_handshake(0x101));

    unsigned suites = 0;
    for (unsigned v = 0; v <= 0xffffu; v++) {
        if (names_cipher_suite(v) != NULL && !names_is_grease(v))
            suites++;
    }
    assert_true(suites >= 300);
}

/* Which keys can sign with which schemes, in TLS 1.3 and TLS 1.2. */
static void test_sigscheme_fits_key(void **state)
{
    static const struct {
        unsigned scheme;
        enum tl_key_kind key;
        bool tls13, fits;
    } rows[] = {
        {0x0804, TL_KEY_RSA, true, true},      {0x0401, TL_KEY_RSA, true, false},
        {0x0401, TL_KEY_RSA, false, true},     {0x0201, TL_KEY_RSA, false, true},
        {0x0809, TL_KEY_RSA, true, false},     {0x0809, TL_KEY_RSA_PSS, true, true},
        {0x0804, TL_KEY_RSA_PSS, false, false},
        {0x0403, TL_KEY_EC_P256, true, true},  {0x0503, TL_KEY_EC_P256, true, false},
        {0x0503, TL_KEY_EC_P256, false, true}, {0x0203, TL_KEY_EC_P384, false, true},
        {0x0503, TL_KEY_EC_P384, true, true},  {0x0603, TL_KEY_EC_P521, true, true},
        {0x0403, TL_KEY_EC_OTHER, true, false}, {0x0403, TL_KEY_EC_OTHER, false, true},
        {0x0807, TL_KEY_ED25519, true, true},  {0x0804, TL_KEY_ED25519, true, false},
        {0x0403, TL_KEY_ED25519, false, false}, {0x0808, TL_KEY_ED448, true, true},
        {0x0807, TL_KEY_ED448, true, false},   {0x0402, TL_KEY_DSA, false, true},
        {0x0402, TL_KEY_DSA, true, false},     {0x0804, TL_KEY_DSA, false, false},
        {0x1234, TL_KEY_UNKNOWN, true, true},
    };

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (names_sigscheme_fits_key(rows[i].scheme, rows[i].key, rows[i].tls13) != rows[i].fits)
            fail_msg("0x%04x, key %d, TLS 1.%d: expected %s", rows[i].scheme, (int)rows[i].key, rows[i].tls13 ? 3 : 2,
                     rows[i].fits ? "fits" : "does not fit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_grease),
        cmocka_unit_test(test_sigscheme_tls12_pairs),
        cmocka_unit_test(test_alert_meanings),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_sigscheme_fits_key),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
