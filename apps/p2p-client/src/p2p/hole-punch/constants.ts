/** How long both sides keep dialing each other before settling for the relay. */
export const PUNCH_DEADLINE_MS = 8_000
/** One connect attempt; symmetric NATs drop our SYNs silently, so each try needs its own bound. */
export const PUNCH_ATTEMPT_TIMEOUT_MS = 1_000
/** Pause between attempts after a refusal (some routers answer an early SYN with RST). */
export const PUNCH_RETRY_MIN_MS = 50
export const PUNCH_RETRY_JITTER_MS = 100
/** How long the initiator waits for the other side's mapping. */
export const PUNCH_ANSWER_TIMEOUT_MS = 6_000
/** How long learning our public mapping from the signal server may take. */
export const OBSERVE_TIMEOUT_MS = 5_000
/** Local ports tried for punching: above the usual ephemeral range's start, below its end. */
export const PUNCH_PORT_MIN = 20_000
export const PUNCH_PORT_MAX = 60_000
/** Largest HTTP answer we read from the observed-address route. */
export const MAX_OBSERVE_RESPONSE_BYTES = 4096
