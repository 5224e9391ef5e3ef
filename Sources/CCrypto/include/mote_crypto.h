// CCrypto: SHA-256, SHA-512 and the signature checks of signed updates (Ed25519, ECDSA P-256,
// RSA-PSS with SHA-256) from the board's own OpenSSL libcrypto. Exists because Mote writes no
// cryptographic primitive by hand and the Embedded build cannot import OpenSSL's headers; it
// stays while updates are verified on the board. Needs OpenSSL 3 (Debian 12, Raspberry Pi OS 12):
// libcrypto.so.3, loaded on first use (dlopen), not at start-up, so the node loop does not carry it.
// Fixed-width types only: imported by the bare Embedded target.
#ifndef MOTE_CRYPTO_H
#define MOTE_CRYPTO_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// NULL when libcrypto is loaded (this loads it, once), else why it cannot be, e.g.
// "libcrypto.so.3 cannot be loaded: <dlerror> (install libssl3)". Every function below loads it
// the same way and fails as documented when it cannot be.
const char *mote_crypto_unavailable(void);

// ---- Hashing, streamed: new, update any number of times, final (which also starts it over).
enum {
    MOTE_CRYPTO_SHA256 = 1,
    MOTE_CRYPTO_SHA512 = 2,
};
enum { MOTE_CRYPTO_SHA256_LENGTH = 32, MOTE_CRYPTO_SHA512_LENGTH = 64 };

typedef struct mote_crypto_hash mote_crypto_hash;

// A new hash of `algorithm`, or NULL for an unknown algorithm, when memory ran out or when
// libcrypto cannot be loaded (mote_crypto_unavailable says why).
mote_crypto_hash *mote_crypto_hash_new(int32_t algorithm);
// Adds `count` bytes. Returns 0, or -1 when libcrypto failed.
int32_t mote_crypto_hash_update(mote_crypto_hash *hash, const uint8_t *bytes, size_t count);
// Writes the digest (at most `size` bytes; 32 for SHA-256, 64 for SHA-512) and starts the hash
// over, empty. Returns the digest's length, or -1 when `size` is too small or libcrypto failed.
int32_t mote_crypto_hash_final(mote_crypto_hash *hash, uint8_t *digest, size_t size);
void mote_crypto_hash_free(mote_crypto_hash *hash);

// ---- Signature verification.
enum {
    // Ed25519 (RFC 8032, pure): a raw 32-byte public key, a 64-byte signature.
    MOTE_CRYPTO_ED25519 = 1,
    // ECDSA on P-256 over SHA-256: a PEM SubjectPublicKeyInfo key, a DER signature.
    MOTE_CRYPTO_ECDSA_P256_SHA256 = 2,
    // RSASSA-PSS with SHA-256 and MGF1-SHA-256: a PEM SubjectPublicKeyInfo key. Any salt length
    // the signature carries is accepted (OpenSSL's "auto"), as securesystemslib verifies; its
    // signers use the digest's length (32).
    MOTE_CRYPTO_RSA_PSS_SHA256 = 3,
};

// What mote_crypto_verify found.
enum {
    MOTE_CRYPTO_VALID = 0,
    // The key was read, and the signature is not one of `message` by it (wrong, cut, malformed).
    MOTE_CRYPTO_INVALID_SIGNATURE = 1,
    // The key cannot be read: not 32 bytes (Ed25519), or no PEM public key.
    MOTE_CRYPTO_BAD_KEY = 2,
    // The key was read but is of another kind: not EC or on another curve, not RSA.
    MOTE_CRYPTO_WRONG_KEY_TYPE = 3,
    MOTE_CRYPTO_UNKNOWN_SCHEME = 4,
    // libcrypto failed otherwise (out of memory).
    MOTE_CRYPTO_FAILED = 5,
    // libcrypto cannot be loaded: mote_crypto_unavailable says why.
    MOTE_CRYPTO_UNAVAILABLE = 6,
};

int32_t mote_crypto_verify(int32_t scheme, const uint8_t *key, size_t key_size,
                           const uint8_t *message, size_t message_size,
                           const uint8_t *signature, size_t signature_size);

#ifdef __cplusplus
}
#endif
#endif
