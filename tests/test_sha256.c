/*
 * Tests of sha256.h against published values: the FIPS 180-4 examples (NIST "SHA-256
 * example" documents: "abc", the 448-bit two-block message) and the test vectors of
 * FIPS 180-2 appendix B / NIST CSRC (the empty string, the 896-bit message, one million
 * 'a'). Lengths around the padding boundary (55, 56, 57, 63, 64, 65, ... bytes) and a
 * 200,003-byte file (four 64 KiB reads, the last one partial) are checked against
 * digests computed on the machine this test was written on with coreutils `sha256sum`
 * (and Python's hashlib), over the same deterministic byte pattern the test generates.
 * ctest runs it twice: as the processor chooses (the SHA extensions where it has them),
 * and as sha256_portable with CK_SHA256_PORTABLE=1.
 */
#include "churnkit/sha256.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"

static void hex_of(char out[65], const uint8_t d[32])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_digest(const void *data, size_t len, const char *want)
{
    uint8_t d[32];
    char hex[65];
    ck_sha256(data, len, d);
    hex_of(hex, d);
    CHECK_EQ_STR(hex, want);
}

/* The test pattern: byte i is (31 i + 7) mod 251, so no block repeats the one before. */
static uint8_t *pattern(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    CHECK(p != NULL);
    for (size_t i = 0; p && i < n; i++)
        p[i] = (uint8_t)((i * 31 + 7) % 251);
    return p;
}

static void test_sha256__fips_vectors(void)
{
    check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CHECK_EQ_INT(strlen(m448) * 8, 448);
    check_digest(m448, strlen(m448),
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    CHECK_EQ_INT(strlen(m896) * 8, 896);
    check_digest(m896, strlen(m896),
                 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    char *million = malloc(1000000);
    CHECK(million != NULL);
    if (million != NULL) {
        memset(million, 'a', 1000000);
        check_digest(million, 1000000,
                     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        free(million);
    }
}

/* Padding needs a second block once fewer than 9 bytes are left in the last one. */
static void test_sha256__padding_boundaries(void)
{
    static const struct {
        size_t len;
        const char *hex;
    } cases[] = {
        { 55, "e40272620990d5f772101e014a0fe168d9ab13215739a04bdcb4b9cadc303c75" },
        { 56, "5b3154594d65c2a11e797576e2b4ece47f48373d8acfc0ae2cc3b87ca7adaedc" },
        { 57, "bd73274967a968a1d4353b4096741c1c880d2356d44c63f0e7916c8efe59bccc" },
        { 63, "2caeed71c024d190f2f9633bdac2b8f283b1cb86dfe7709023ab70f11f747a1b" },
        { 64, "3483dc12a3fea6618642162f88124ea56e797597a97483d5ba597a42d98aaf6b" },
        { 65, "3a513663aae909c328f43e2d74265dc5ec35495c99dfde7b8f9dd37f297dfa40" },
        { 119, "c06b1fcfb8d206bb4fe8e8cde10de7af236f619ff29c720de0083f7377491fd9" },
        { 120, "f425d2567f5c636c99335e5e8bb04669475b3b8b6f7523bbabbd11115cef8550" },
        { 128, "43a42610c7b657d1ce21bf0255e86be7ea01aa9dddf0701f596e99a4c6f61001" },
    };
    uint8_t *p = pattern(128);
    for (size_t i = 0; p && i < sizeof cases / sizeof *cases; i++)
        check_digest(p, cases[i].len, cases[i].hex);
    free(p);
}

static void test_sha256__file_matches_sha256sum(void)
{
    const size_t n = 200003;
    char path[512];
    snprintf(path, sizeof path, "%s/sha256_sample.bin", CK_TEST_TMP);
    uint8_t *p = pattern(n);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL && p != NULL);
    if (f == NULL || p == NULL) {
        free(p);
        return;
    }
    CHECK_EQ_INT(fwrite(p, 1, n, f), n);
    CHECK_EQ_INT(fclose(f), 0);

    ck_error err = { 0 };
    char hex[65];
    CHECK_OK(ck_sha256_file(hex, path, &err));
    /* `sha256sum` of the same 200,003 bytes */
    CHECK_EQ_STR(hex, "b290c2cd22ab835ef82f2f7673c4b04c6c3fde2835231afd6fc873a57ab057cf");
    /* the one-shot digest of the same bytes agrees with the streamed one */
    check_digest(p, n, "b290c2cd22ab835ef82f2f7673c4b04c6c3fde2835231afd6fc873a57ab057cf");
    free(p);

    snprintf(path, sizeof path, "%s/sha256_empty.bin", CK_TEST_TMP);
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f != NULL)
        CHECK_EQ_INT(fclose(f), 0);
    CHECK_OK(ck_sha256_file(hex, path, &err));
    CHECK_EQ_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_sha256__missing_file_names_it(void)
{
    char path[512], hex[65];
    snprintf(path, sizeof path, "%s/sha256_no-such-file", CK_TEST_TMP);
    ck_error err = { 0 };
    CHECK_EQ_INT(ck_sha256_file(hex, path, &err), CK_EIO);
    CHECK_EQ_INT(err.code, CK_EIO);
    CHECK_EQ_STR(err.file, path);
    CHECK_EQ_STR(err.msg, strerror(ENOENT));
}

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_sha256__fips_vectors);
    RUN(test_sha256__padding_boundaries);
    RUN(test_sha256__file_matches_sha256sum);
    RUN(test_sha256__missing_file_names_it);
    return check_summary();
}
