/** Pairing constants on the client side; each says why it has its value. */

/** Domain separation for every hash, key and signature of pairing version 1, so nothing is reused across protocols. */
export const PAIRING_DOMAIN = 'p2pft-pair/1'
/** Prefix of the text each device signs with its identity key, binding its PeerId to this pairing. */
export const PAIRING_SIGNATURE_PREFIX = 'p2pft-pair/1 identity '
/** Label of the HMAC whose output is the pair tag (a presence tag both devices share). */
export const PAIR_TAG_LABEL = 'p2pft pair tag v1'
/** How long the joiner waits for the mailbox and the other device at each step; the opener waits for the mailbox's own expiry. */
export const PAIRING_STEP_TIMEOUT_MS = 30_000
/** How long to wait for the mailbox connection to open. */
export const PAIRING_CONNECT_TIMEOUT_MS = 10_000
/** The device trust store in the data dir (0600): paired, auto-accepted and blocked devices. */
export const DEVICE_TRUST_FILE_NAME = 'devices.json'
/** The "always accept" list of earlier versions, migrated into DEVICE_TRUST_FILE_NAME once and removed. */
export const LEGACY_TRUSTED_DEVICES_FILE_NAME = 'trusted-devices.json'
/** Devices in the trust store at most: far more than anyone pairs, and bounds the file and the tags sent to the server. */
export const MAX_TRUSTED_DEVICES = 256
/** Words in a fingerprint (8 bits each): 40 bits make making a look-alike identity cost months of computing, yet it still reads in one breath. */
export const FINGERPRINT_WORD_COUNT = 5
