// CCrypto: see include/mote_crypto.h.
#include "mote_crypto.h"

#include <limits.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

struct mote_crypto_hash {
    EVP_MD_CTX *context;
    const EVP_MD *md;
};

mote_crypto_hash *mote_crypto_hash_new(int32_t algorithm) {
    const EVP_MD *md;
    switch (algorithm) {
    case MOTE_CRYPTO_SHA256: md = EVP_sha256(); break;
    case MOTE_CRYPTO_SHA512: md = EVP_sha512(); break;
    default: return NULL;
    }
    mote_crypto_hash *hash = OPENSSL_zalloc(sizeof *hash);
    if (hash == NULL) return NULL;
    hash->md = md;
    hash->context = EVP_MD_CTX_new();
    if (hash->context == NULL || EVP_DigestInit_ex(hash->context, md, NULL) != 1) {
        mote_crypto_hash_free(hash);
        ERR_clear_error();
        return NULL;
    }
    return hash;
}

int32_t mote_crypto_hash_update(mote_crypto_hash *hash, const uint8_t *bytes, size_t count) {
    if (count == 0) return 0;
    if (EVP_DigestUpdate(hash->context, bytes, count) != 1) { ERR_clear_error(); return -1; }
    return 0;
}

int32_t mote_crypto_hash_final(mote_crypto_hash *hash, uint8_t *digest, size_t size) {
    int length = EVP_MD_get_size(hash->md);
    if (length <= 0 || size < (size_t)length) return -1;
    unsigned int written = 0;
    if (EVP_DigestFinal_ex(hash->context, digest, &written) != 1
        || EVP_DigestInit_ex(hash->context, hash->md, NULL) != 1) {
        ERR_clear_error();
        return -1;
    }
    return (int32_t)written;
}

void mote_crypto_hash_free(mote_crypto_hash *hash) {
    if (hash == NULL) return;
    EVP_MD_CTX_free(hash->context);
    OPENSSL_free(hash);
}

// A public key from PEM text (SubjectPublicKeyInfo, "-----BEGIN PUBLIC KEY-----"), or NULL.
static EVP_PKEY *pem_public_key(const uint8_t *key, size_t key_size) {
    if (key_size == 0 || key_size > INT_MAX) return NULL;
    BIO *bio = BIO_new_mem_buf(key, (int)key_size);
    if (bio == NULL) return NULL;
    EVP_PKEY *pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return pkey;
}

// The key for `scheme`, or NULL with the reason in `*status`.
static EVP_PKEY *public_key(int32_t scheme, const uint8_t *key, size_t key_size, int32_t *status) {
    EVP_PKEY *pkey = NULL;
    *status = MOTE_CRYPTO_BAD_KEY;
    switch (scheme) {
    case MOTE_CRYPTO_ED25519:
        if (key_size != 32) return NULL;
        pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, key, key_size);
        if (pkey == NULL) *status = MOTE_CRYPTO_FAILED;
        return pkey;
    case MOTE_CRYPTO_ECDSA_P256_SHA256: {
        pkey = pem_public_key(key, key_size);
        if (pkey == NULL) return NULL;
        char group[32] = {0};
        size_t group_length = 0;
        if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC
            || EVP_PKEY_get_group_name(pkey, group, sizeof group, &group_length) != 1
            || strcmp(group, "prime256v1") != 0) {
            EVP_PKEY_free(pkey);
            *status = MOTE_CRYPTO_WRONG_KEY_TYPE;
            return NULL;
        }
        return pkey;
    }
    case MOTE_CRYPTO_RSA_PSS_SHA256:
        pkey = pem_public_key(key, key_size);
        if (pkey == NULL) return NULL;
        if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
            EVP_PKEY_free(pkey);
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

    int32_t status;
    EVP_PKEY *pkey = public_key(scheme, key, key_size, &status);
    if (pkey == NULL) { ERR_clear_error(); return status; }

    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) { EVP_PKEY_free(pkey); ERR_clear_error(); return MOTE_CRYPTO_FAILED; }
    status = MOTE_CRYPTO_FAILED;
    EVP_PKEY_CTX *pctx = NULL;
    // Ed25519 hashes the message itself (no digest is named); the others hash with SHA-256.
    const EVP_MD *md = scheme == MOTE_CRYPTO_ED25519 ? NULL : EVP_sha256();
    if (EVP_DigestVerifyInit(context, &pctx, md, NULL, pkey) != 1) goto done;
    if (scheme == MOTE_CRYPTO_RSA_PSS_SHA256
        && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)) goto done;
    // 1: valid; 0 or below: not a signature of this message by this key (a malformed DER
    // signature or one of the wrong length comes back as an error, and fails the same way).
    status = EVP_DigestVerify(context, signature, signature_size, message, message_size) == 1
        ? MOTE_CRYPTO_VALID : MOTE_CRYPTO_INVALID_SIGNATURE;
done:
    EVP_MD_CTX_free(context);
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return status;
}
