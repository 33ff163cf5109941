/**
 * How much server text an error considers and keeps. A broken or hostile server decides the size of
 * what it sends; these bounds decide what decoding it may cost and what an error may carry into
 * logs.
 */

/** Raw server text (a body, a `_server_messages` string, one field) is cut to this before decoding. */
export const MAX_RAW_TEXT_LENGTH = 256 * 1024;

/** An error keeps at most this many messages… */
export const MAX_MESSAGES = 50;

/** …each at most this long, as are `errorDescription` and `errorUri`. */
export const MAX_MESSAGE_LENGTH = 2000;

/** Entries of a message list looked at before giving up on finding more with text. */
export const MAX_ENTRIES_READ = 4 * MAX_MESSAGES;

/** The longest server-provided text put in an error's message. */
export const MAX_DETAIL_LENGTH = 300;

/** The longest OAuth `error` code kept (real ones are a few words). */
export const MAX_ERROR_CODE_LENGTH = 200;

/** The longest text kept from a foreign cause's message. */
export const MAX_CAUSE_MESSAGE_LENGTH = 1000;
