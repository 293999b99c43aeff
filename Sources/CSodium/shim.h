#ifndef PASSERELLE_CSODIUM_SHIM_H
#define PASSERELLE_CSODIUM_SHIM_H
#include <sodium.h>

/* Macros that Swift cannot import as constants. */
static inline unsigned long long passerelle_pwhash_opslimit(void) { return crypto_pwhash_OPSLIMIT_INTERACTIVE; }
static inline size_t passerelle_pwhash_memlimit(void) { return crypto_pwhash_MEMLIMIT_INTERACTIVE; }
static inline size_t passerelle_pwhash_strbytes(void) { return crypto_pwhash_STRBYTES; }
#endif
