/**
 * HTTP syntax a request may carry (pure): RFC 9110 header names (tokens) and field values, and request
 * paths. Anything else — CR/LF above all — would reach the wire as something other than what was written.
 */

/** RFC 9110 §5.1 field-name = token. */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §5.5 field-value: visible characters, spaces and tabs; no CR, LF or other control bytes. */
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** An origin-form path: starts with '/', no spaces or control bytes (percent-encode them). */
export const REQUEST_PATH = /^\/[^\s\x00-\x1f\x7f]*$/;

export const HEADER_NAME_FIX = "use letters, digits and !#$%&'*+-.^_`|~ only (an RFC 9110 token)";
export const HEADER_VALUE_FIX = 'remove CR, LF and other control characters from the value';
export const REQUEST_PATH_FIX = "start it with '/' and percent-encode spaces and control characters (%20)";
