#ifndef PASSERELLE_CSODIUM_SHIM_H
#define PASSERELLE_CSODIUM_SHIM_H
#include <sodium.h>

/* argon2id cost: OWASP's recommended minimum for argon2id (19 MiB, 2 passes, 1 lane). libsodium's
   « interactive » cost (64 MiB) made 32 sign-ins at once take 2.5 s on 2 cores and hold 64 MiB each. */
static inline unsigned long long passerelle_pwhash_opslimit(void) { return 2ULL; }
static inline size_t passerelle_pwhash_memlimit(void) { return (size_t)19 * 1024 * 1024; }
/* 1 when a hash was made with other costs (older hashes): it is then replaced at the next sign-in. */
static inline int passerelle_pwhash_needs_rehash(const char *hash) {
    return crypto_pwhash_str_needs_rehash(hash, passerelle_pwhash_opslimit(), passerelle_pwhash_memlimit()) != 0;
}
static inline size_t passerelle_pwhash_strbytes(void) { return crypto_pwhash_STRBYTES; }
#endif
