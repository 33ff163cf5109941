/**
 * How much text an error puts in its own fields, beyond the decoding bounds of
 * `responses/limits`: what ends up in an error's message and codes ends up in logs.
 */

/** The longest server-provided text put in an error's message. */
export const MAX_DETAIL_LENGTH = 300;

/** The longest OAuth `error` code kept (real ones are a few words). */
export const MAX_ERROR_CODE_LENGTH = 200;

/** The longest text kept from a foreign cause's message. */
export const MAX_CAUSE_MESSAGE_LENGTH = 1000;
