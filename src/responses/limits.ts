/**
 * How much server text decoding considers and keeps. A broken or hostile server decides the size of
 * what it sends; these bounds decide what decoding it may cost and what a decoded answer may carry
 * into an error and on into logs.
 */

/** Raw server text (a body, a `_server_messages` string, one field) is cut to this before decoding. */
export const MAX_RAW_TEXT_LENGTH = 256 * 1024;

/** At most this many messages are kept from an answer… */
export const MAX_MESSAGES = 50;

/** …each at most this long, as are an error's `errorDescription` and `errorUri`. */
export const MAX_MESSAGE_LENGTH = 2000;

/** Entries of a message list looked at before giving up on finding more with text. */
export const MAX_ENTRIES_READ = 4 * MAX_MESSAGES;
