// CCrypto: see include/mote_crypto.h.
#define _GNU_SOURCE  // secure_getenv
#include "mote_crypto.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Only for the types, constants and prototypes: libcrypto itself is loaded on first use, so the
// node loop, which never hashes or verifies, does not carry it (and its start-up) in memory.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

// The board's OpenSSL 3 (Debian 12, Raspberry Pi OS 12) and the package that ships it.
#define MOTE_CRYPTO_LIBRARY "libcrypto.so.3"
#define MOTE_CRYPTO_PACKAGE "libssl3"
// Test-only: names another library to load instead (e.g. one that does not exist, for the
// error a board without libcrypto gets). Ignored in a setuid or setgid process.
#define MOTE_CRYPTO_LIBRARY_VARIABLE "MOTE_TEST_LIBCRYPTO"

// Every libcrypto function the shim calls, resolved once, with the prototype its header gives.
#define MOTE_CRYPTO_FUNCTIONS(F) \
    F(ERR_clear_error) \
    F(EVP_sha256) F(EVP_sha512) F(EVP_MD_get_size) \
    F(EVP_MD_CTX_new) F(EVP_MD_CTX_free) \
    F(EVP_DigestInit_ex) F(EVP_DigestUpdate) F(EVP_DigestFinal_ex) \
    F(BIO_new_mem_buf) F(BIO_free) F(PEM_read_bio_PUBKEY) \
    F(EVP_PKEY_new_raw_public_key) F(EVP_PKEY_free) F(EVP_PKEY_get_base_id) F(EVP_PKEY_get_group_name) \
    F(EVP_DigestVerifyInit) F(EVP_DigestVerify) \
    F(EVP_PKEY_CTX_set_rsa_padding) F(EVP_PKEY_CTX_set_rsa_mgf1_md) F(EVP_PKEY_CTX_set_rsa_pss_saltlen)

static struct {
#define MOTE_FIELD(name) __typeof__(&name) name;
    MOTE_CRYPTO_FUNCTIONS(MOTE_FIELD)
#undef MOTE_FIELD
} lib;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *load_error = "libcrypto was not loaded";  // NULL once every function resolved
static char load_message[320];

static void load(void) {
    const char *name = secure_getenv(MOTE_CRYPTO_LIBRARY_VARIABLE);
    if (name == NULL || name[0] == 0) name = MOTE_CRYPTO_LIBRARY;
    void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(load_message, sizeof load_message, "%s cannot be loaded: %s (install %s)", name,
                 why != NULL ? why : "no reason given", MOTE_CRYPTO_PACKAGE);
        load_error = load_message;
        return;
    }
#define MOTE_RESOLVE(symbol) \
    if ((*(void **)&lib.symbol = dlsym(handle, #symbol)) == NULL) { \
        snprintf(load_message, sizeof load_message, "%s has no %s: not OpenSSL 3 (install %s)", name, #symbol, MOTE_CRYPTO_PACKAGE); \
        load_error = load_message; \
        return; \
    }
    MOTE_CRYPTO_FUNCTIONS(MOTE_RESOLVE)
#undef MOTE_RESOLVE
    // Kept loaded for the life of the process: never dlclosed.
    load_error = NULL;
}

const char *mote_crypto_unavailable(void) {
    pthread_once(&load_once, load);
    return load_error;
}

struct mote_crypto_hash {
    EVP_MD_CTX *context;
    const EVP_MD *md;
};

mote_crypto_hash *mote_crypto_hash_new(int32_t algorithm) {
    if (algorithm != MOTE_CRYPTO_SHA256 && algorithm != MOTE_CRYPTO_SHA512) return NULL;
    if (mote_crypto_unavailable() != NULL) return NULL;
    const EVP_MD *md = algorithm == MOTE_CRYPTO_SHA256 ? lib.EVP_sha256() : lib.EVP_sha512();
    mote_crypto_hash *hash = calloc(1, sizeof *hash);
    if (hash == NULL) return NULL;
    hash->md = md;
    hash->context = lib.EVP_MD_CTX_new();
    if (hash->context == NULL || lib.EVP_DigestInit_ex(hash->context, md, NULL) != 1) {
        mote_crypto_hash_free(hash);
        lib.ERR_clear_error();
        return NULL;
    }
    return hash;
}

int32_t mote_crypto_hash_update(mote_crypto_hash *hash, const uint8_t *bytes, size_t count) {
    if (count == 0) return 0;
    if (lib.EVP_DigestUpdate(hash->context, bytes, count) != 1) { lib.ERR_clear_error(); return -1; }
    return 0;
}

int32_t mote_crypto_hash_final(mote_crypto_hash *hash, uint8_t *digest, size_t size) {
    int length = lib.EVP_MD_get_size(hash->md);
    if (length <= 0 || size < (size_t)length) return -1;
    unsigned int written = 0;
    if (lib.EVP_DigestFinal_ex(hash->context, digest, &written) != 1
        || lib.EVP_DigestInit_ex(hash->context, hash->md, NULL) != 1) {
        lib.ERR_clear_error();
        return -1;
    }
    return (int32_t)written;
}

void mote_crypto_hash_free(mote_crypto_hash *hash) {
    if (hash == NULL) return;
    lib.EVP_MD_CTX_free(hash->context);
    free(hash);
}

// A public key from PEM text (SubjectPublicKeyInfo, "-----BEGIN PUBLIC KEY-----"), or NULL.
static EVP_PKEY *pem_public_key(const uint8_t *key, size_t key_size) {
    if (key_size == 0 || key_size > INT_MAX) return NULL;
    BIO *bio = lib.BIO_new_mem_buf(key, (int)key_size);
    if (bio == NULL) return NULL;
    EVP_PKEY *pkey = lib.PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    lib.BIO_free(bio);
    return pkey;
}

// The key for `scheme`, or NULL with the reason in `*status`.
static EVP_PKEY *public_key(int32_t scheme, const uint8_t *key, size_t key_size, int32_t *status) {
    EVP_PKEY *pkey = NULL;
    *status = MOTE_CRYPTO_BAD_KEY;
    switch (scheme) {
    case MOTE_CRYPTO_ED25519:
        if (key_size != 32) return NULL;
        pkey = lib.EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, key, key_size);
        if (pkey == NULL) *status = MOTE_CRYPTO_FAILED;
        return pkey;
    case MOTE_CRYPTO_ECDSA_P256_SHA256: {
        pkey = pem_public_key(key, key_size);
        if (pkey == NULL) return NULL;
        char group[32] = {0};
        size_t group_length = 0;
        if (lib.EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC
            || lib.EVP_PKEY_get_group_name(pkey, group, sizeof group, &group_length) != 1
            || strcmp(group, "prime256v1") != 0) {
            lib.EVP_PKEY_free(pkey);
            *status = MOTE_CRYPTO_WRONG_KEY_TYPE;
            return NULL;
        }
        return pkey;
    }
    case MOTE_CRYPTO_RSA_PSS_SHA256:
        pkey = pem_public_key(key, key_size);
        if (pkey == NULL) return NULL;
        if (lib.EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
            lib.EVP_PKEY_free(pkey);
            *status = MOTE_CRYPTO_WRONG_KEY_TYPE;
            return NULL;
        }
        return pkey;
    default:
        *status = MOTE_CRYPTO_UNKNOWN_SCHEME;
        return NULL;
    }
}

int32_t mote_crypto_verify(int32_t scheme, const uint8_t *key, size_t key_size,
                           const uint8_t *message, size_t message_size,
                           const uint8_t *signature, size_t signature_size) {
    static const uint8_t empty[1] = {0};
    if (key == NULL) key = empty;
    if (message == NULL) message = empty;
    if (signature == NULL) signature = empty;

    if (mote_crypto_unavailable() != NULL) return MOTE_CRYPTO_UNAVAILABLE;

    int32_t status;
    EVP_PKEY *pkey = public_key(scheme, key, key_size, &status);
    if (pkey == NULL) { lib.ERR_clear_error(); return status; }

    EVP_MD_CTX *context = lib.EVP_MD_CTX_new();
    if (context == NULL) { lib.EVP_PKEY_free(pkey); lib.ERR_clear_error(); return MOTE_CRYPTO_FAILED; }
    status = MOTE_CRYPTO_FAILED;
    EVP_PKEY_CTX *pctx = NULL;
    // Ed25519 hashes the message itself (no digest is named); the others hash with SHA-256.
    const EVP_MD *md = scheme == MOTE_CRYPTO_ED25519 ? NULL : lib.EVP_sha256();
    if (lib.EVP_DigestVerifyInit(context, &pctx, md, NULL, pkey) != 1) goto done;
    if (scheme == MOTE_CRYPTO_RSA_PSS_SHA256
        && (lib.EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1
            || lib.EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, lib.EVP_sha256()) != 1
            || lib.EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)) goto done;
    // 1: valid; 0 or below: not a signature of this message by this key (a malformed DER
    // signature or one of the wrong length comes back as an error, and fails the same way).
    status = lib.EVP_DigestVerify(context, signature, signature_size, message, message_size) == 1
        ? MOTE_CRYPTO_VALID : MOTE_CRYPTO_INVALID_SIGNATURE;
done:
    lib.EVP_MD_CTX_free(context);
    lib.EVP_PKEY_free(pkey);
    lib.ERR_clear_error();
    return status;
}
