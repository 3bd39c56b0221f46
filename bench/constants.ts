/** Defaults and targets of the benchmark (issue 6). */

export const KIB = 1024
export const MIB = 1024 * KIB
export const GIB = 1024 * MIB
/** Throughput and memory are reported in decimal megabytes, like `dd` and most tools. */
export const MB = 1_000_000

/** Big enough that process start-up and discovery are a small share of the time. */
export const DEFAULT_SIZE_BYTES = GIB
/** Five runs give a median that one noisy run cannot move. */
export const DEFAULT_RUNS = 5
/** The many-small-files workload. */
export const DEFAULT_SMALL_FILES = 10_000
export const DEFAULT_SMALL_FILE_SIZE_BYTES = 4 * KIB
/** Read buffer of the raw and TLS pipe senders: the "1 MiB buffers" the target names. */
export const PIPE_READ_BUFFER_BYTES = MIB

/** A run slower than this is treated as hung: far below anything we would accept. */
export const MIN_EXPECTED_BYTES_PER_SECOND = 2 * MB
/** Floor of every run's time limit, for start-up, discovery and small sizes. */
export const MIN_RUN_TIMEOUT_MS = 60_000

/** Targets of issue 6, each a ratio or rate measured in the same run. */
export const TARGET_OURS_TO_RAW = 0.8
export const TARGET_OURS_TO_SCP = 1.5
export const TARGET_RELAYED_TO_DIRECT = 0.4
export const TARGET_SMALL_FILES_PER_SECOND = 2_000
export const TARGET_PEAK_RSS_BYTES = 150 * MB
