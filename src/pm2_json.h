/*
 * pm2_json: the one JSON object PM2 writes per chunk of an app's output
 * under `log_type: json`, read without a general JSON parser.
 *
 * PM2 7.0.4 writes, in fork mode (lib/God/ForkMode.js,
 * transformLogToJson) and in cluster mode (lib/ProcessContainer.js, the
 * process.stdout/stderr.write wrappers) alike:
 *
 *   JSON.stringify({ message, timestamp, type, process_id, app_name }) + '\n'
 *
 * so the keys come in that order, without blanks, and every string is
 * escaped as ECMA-262's JSON.stringify does (QuoteJSONString): '"' and
 * '\' as \" and \\, BS FF LF CR TAB as \b \f \n \r \t, the other
 * controls below U+0020 as \u00xx, lone surrogates as \udxxx, and the
 * rest as is (UTF-8 in the file).  process_id is pm_id, an integer.
 *
 * pm2_json_decode() reads exactly that form, and declines anything else
 * (keys in another order, extra keys, blanks, a number that is not a
 * short integer, invalid UTF-8, a lone surrogate, a raw control byte):
 * the caller then gives the line to jansson, as it gave every line
 * before.  What it accepts, it decodes as jansson does
 * (tests/unit/test_pm2_json.c, tests/fuzz/fuzz_pm2json.c hold it to
 * jansson).
 */
#ifndef OMNIWATCH_PM2_JSON_H
#define OMNIWATCH_PM2_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* The decoded strings; each valid until the next decode or release. */
struct pm2_json_obj {
	const char	*message;
	size_t		 message_len;	/* bytes; may hold NUL (\u0000) */
	const char	*timestamp;
	size_t		 timestamp_len;
	const char	*app_name;
	size_t		 app_name_len;
};

/* A decoder: a buffer reused from line to line (embed it, zeroed). */
struct pm2_json {
	char		*buf;
	size_t		 cap;		/* bytes */
};

/*
 * Decodes the raw line (P, LEN bytes, without its LF).  Returns true and
 * fills OBJ when the line is exactly PM2's object; false (OBJ untouched)
 * when it is anything else.  The buffer grows to the longest line
 * decoded, at most LEN bytes.
 */
bool pm2_json_decode(struct pm2_json *j, const char *p, size_t len,
    struct pm2_json_obj *obj);

/* Frees the buffer; the decoder may be used again. */
void pm2_json_release(struct pm2_json *j);

#endif
