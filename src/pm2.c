/*
 * pm2: PM2's line decoration (the file names are pm2_names.c's).  See
 * pm2.h for the facts relied on.  The per-line work is a dispatch on the
 * first byte, so plain lines (most of them) cost a couple of comparisons.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ansi.h"
#include "pm2.h"
#include "pm2_json.h"
#include "stamp.h"
#include "xmalloc.h"

/*
 * PM2 7.0.4 fork mode reads the app's pipe in chunks of at most 64 KiB
 * (samples/pm2/04); a JSON message that ends without LF and is much shorter
 * than a chunk was not cut by a chunk edge (`pm2 logs --json` drops the LF).
 */
#define PM2_CHUNK_GUESS		(32 * 1024)
#define PM2_MAX_APPS		256
#define PM2_MAX_APP_LEN		128
/* Bytes of `pm2 logs --timestamp FORMAT`'s display time looked at. */
#define PM2_DISPLAY_TIME_MAX	128

const bool pm2_peek_first[256] = {
	['0'] = true, ['1'] = true, ['2'] = true, ['3'] = true, ['4'] = true,
	['5'] = true, ['6'] = true, ['7'] = true, ['8'] = true, ['9'] = true,
	['\033'] = true, ['P'] = true, ['{'] = true,
	/* The first letters of month and weekday names (stamp_may_be_named) */
	['A'] = true, ['D'] = true, ['F'] = true, ['J'] = true, ['M'] = true,
	['N'] = true, ['O'] = true, ['S'] = true, ['T'] = true, ['W'] = true,
	/* `pm2 logs --format` (pm2_format_prefix) */
	['t'] = true, ['a'] = true,
};

struct pm2_decoder {
	struct pm2_decoder_cb cb;
	char		*default_app;
	const char	*apps[PM2_MAX_APPS];	/* interned app names */
	size_t		 napps;
	/* The last stamp parsed, to skip strptime for lines of one second. */
	struct pm2_stamp last;
	/* JSON messages are a stream of their own, split by a second reader. */
	struct line_reader *json_lines;
	struct pm2_json	 json;		/* PM2's own form, without jansson */
	struct pm2_json	 json_inner;	/* a json app's line in --json's */
	/* A line behind a `pm2 logs` prefix with --highlight's codes out. */
	char		*unlit;
	size_t		 unlit_cap;
	uint64_t	 joined_messages;	/* split by pm2_json_split() */
	int64_t		 json_line_ts;	/* stamp of the piece's first object */
	const char	*json_line_app;
	uint64_t	 json_line_offset, json_line_number;
	/* The raw line being decoded (copied: the caller's is gone after). */
	uint64_t	 raw_offset, raw_end, raw_number;
	int64_t		 obj_ts;
	const char	*obj_app;
	/* The `pm2 logs` prefix the object came behind (pm2_line.key): a
	 * piece waiting for its end never runs on into another stream's. */
	char		 obj_key[PM2_KEY_MAX];
	size_t		 obj_key_len;
	uint64_t	 stamped_lines;
	uint64_t	 json_lines_seen;
};

/* Returns a stable copy of the app name P (LEN bytes). */
static const char *
pm2_intern_app(struct pm2_decoder *d, const char *p, size_t len)
{
	if (len > PM2_MAX_APP_LEN)
		len = PM2_MAX_APP_LEN;
	for (size_t i = 0; i < d->napps; i++)
		if (strncmp(d->apps[i], p, len) == 0 && d->apps[i][len] == '\0')
			return d->apps[i];
	if (d->napps == PM2_MAX_APPS)
		return d->default_app;
	d->apps[d->napps] = xstrndup(p, len);
	return d->apps[d->napps++];
}

static void
pm2_emit(struct pm2_decoder *d, const char *p, size_t len, int64_t ts,
    const char *app, const char *key, size_t key_len, uint64_t offset,
    uint64_t number, bool is_cut)
{
	struct pm2_line out;

	out.ptr = p;
	out.len = len;
	out.ts_ms = ts;
	out.app = app;
	out.key = key;
	out.key_len = key_len;
	out.offset = offset;
	out.end = d->raw_end;
	out.number = number;
	out.is_cut = is_cut;
	d->cb.line(d->cb.ctx, &out);
}

/* A line found inside JSON messages. */
static void
pm2_json_line(void *ctx, const struct line *line)
{
	struct pm2_decoder *d = ctx;

	pm2_emit(d, line->ptr, line->len, d->json_line_ts, d->json_line_app,
	    d->obj_key, d->obj_key_len, d->json_line_offset,
	    d->json_line_number, line->is_cut);
	/* The next line starts in the object being decoded. */
	d->json_line_ts = d->obj_ts;
	d->json_line_app = d->obj_app;
	d->json_line_offset = d->raw_offset;
	d->json_line_number = d->raw_number;
}

/*
 * The inner line reader's fast path: the lines it offers start in the
 * object being decoded, so they would carry its time and app, and the
 * offset, end and number of its raw line (as pm2_json_line() sets them).
 */
static size_t
pm2_json_run(void *ctx, const char *p, size_t len, uint64_t off,
    uint64_t number, uint64_t *nlines)
{
	struct pm2_decoder *d = ctx;
	struct pm2_line proto;

	(void)off;
	(void)number;
	memset(&proto, 0, sizeof(proto));
	proto.ts_ms = d->obj_ts;
	proto.app = d->obj_app;
	proto.key = d->obj_key;
	proto.key_len = d->obj_key_len;
	proto.offset = d->raw_offset;
	proto.end = d->raw_end;
	proto.number = d->raw_number;
	return d->cb.run(d->cb.ctx, p, len, &proto, nlines);
}

/* Length of the SGR sequences ("\e[...m", colours: ansi.h's CSI with
 * the final byte 'm') at P. */
static size_t
pm2_skip_ansi(const char *p, size_t len)
{
	size_t i = 0, n;

	while ((n = ansi_csi_len(p + i, len - i)) > 0 && p[i + n - 1] == 'm')
		i += n;
	return i;
}

/*
 * The display time that `pm2 logs --timestamp [FORMAT]` shows before its
 * prefix, at P: ansis' dim(gray(dayjs().format(FORMAT) + ' ')), that is
 * "\e[2m\e[90m" TIME " \e[39m\e[22m" whatever FORMAT is (PM2 7.0.4
 * lib/API/Log.js, Log.stream; the default FORMAT, "YYYY-MM-DD-HH:mm:ss",
 * is in bin/pm2's `logs` command); without colours (NO_COLOR), a stamp
 * that stamp_skip() knows and a blank.  Its length, or 0.
 */
static size_t
pm2_cli_display_time(const char *p, size_t len)
{
	static const char open[] = "\033[2m\033[90m";
	static const char close[] = " \033[39m\033[22m";
	size_t n, i;
	int64_t shown;

	if (len > sizeof(open) - 1 && memcmp(p, open, sizeof(open) - 1) == 0) {
		/* A dayjs format prints no ESC: the first closer ends it. */
		for (i = sizeof(open) - 1; i < len && i < PM2_DISPLAY_TIME_MAX &&
		    p[i] != '\033'; i++)
			;
		if (i > sizeof(open) - 1 && len - i + 1 >= sizeof(close) - 1 &&
		    p[i - 1] == ' ' &&
		    memcmp(p + i - 1, close, sizeof(close) - 1) == 0)
			return i - 1 + sizeof(close) - 1;
		return 0;
	}
	n = stamp_skip(p, len, &shown);
	return n > 0 && n < len && p[n] == ' ' ? n + 1 : 0;
}

/*
 * `pm2 logs --format`'s prefix (PM2 7.0.4 lib/API/Log.js,
 * Log.formatStream): "timestamp=TIME " (the display time, in the fixed
 * format "YYYY-MM-DD-HH:mm:ssZZ" of bin/pm2's `logs`), then
 * "app=<app> id=<pm_id> type=out|error " for an app's lines or "app=pm2 "
 * for the daemon's, then "message=".  As pm2_cli_prefix(); the key is
 * "app=<app> id=<pm_id> type=...", so that out and err, which this form
 * tells apart, are streams of their own.
 */
static size_t
pm2_format_prefix(const char *p, size_t len, const char **app,
    size_t *app_len, const char **key, size_t *key_len)
{
	static const char msg[] = "message=";
	size_t i = 0, name, end, k;

	if (len > 10 && memcmp(p, "timestamp=", 10) == 0) {
		const char *sp = memchr(p, ' ', len < PM2_DISPLAY_TIME_MAX ?
		    len : PM2_DISPLAY_TIME_MAX);

		if (sp == NULL)
			return 0;
		i = (size_t)(sp - p) + 1;
	}
	if (len - i < 4 || memcmp(p + i, "app=", 4) != 0)
		return 0;
	name = i + 4;
	if (len - name >= 4 + sizeof(msg) - 1 &&
	    memcmp(p + name, "pm2 ", 4) == 0 &&
	    memcmp(p + name + 4, msg, sizeof(msg) - 1) == 0) {
		*app = "PM2";
		*app_len = 3;
		*key = p + i;
		*key_len = 7;
		return name + 4 + sizeof(msg) - 1;
	}
	/* The name runs to " id=<digits> ", within a short distance. */
	for (end = name; end + 5 < len && end < name + PM2_MAX_APP_LEN; end++)
		if (memcmp(p + end, " id=", 4) == 0 &&
		    isdigit((unsigned char)p[end + 4]))
			break;
	if (end + 5 >= len || end >= name + PM2_MAX_APP_LEN)
		return 0;
	for (k = end + 4; k < len && isdigit((unsigned char)p[k]); k++)
		;
	if (k < len && p[k] == ' ' && len - k > 9 &&
	    memcmp(p + k + 1, "type=", 5) == 0) {
		const char *sp = memchr(p + k + 6, ' ', len - k - 6);

		if (sp == NULL)
			return 0;
		k = (size_t)(sp - p);
	}
	if (k >= len || p[k] != ' ' || len - k - 1 < sizeof(msg) - 1 ||
	    memcmp(p + k + 1, msg, sizeof(msg) - 1) != 0)
		return 0;
	*app = p + name;
	*app_len = end - name;
	*key = p + i;
	*key_len = k - i < PM2_KEY_MAX ? k - i : PM2_KEY_MAX;
	return k + 1 + sizeof(msg) - 1;
}

/*
 * `pm2 logs` prefix: [display time][ansi]<pm_id>|<app> | [ansi], or
 * "PM2 ... | " for the daemon's own lines.  Returns the prefix length, the
 * app and the key of the stream ("[colour]<pm_id>|<app>", pm2_line.key;
 * at most PM2_KEY_MAX bytes), all within (P, LEN), or 0; or those of
 * pm2_format_prefix().  The display time dates nothing: it is when
 * `pm2 logs` printed the line, after PM2's bus carried it, and in its
 * default format ("YYYY-MM-DD-HH:mm:ss") stamp_skip() does not read it;
 * the stamp of the line itself, when the app has one, does.
 */
static size_t
pm2_cli_prefix(const char *p, size_t len, const char **app, size_t *app_len,
    const char **key, size_t *key_len)
{
	size_t i, j, k, name, bar, n;
	const char *hl;
	bool found = false;

	if (len > 4 && (p[0] == 't' || p[0] == 'a'))
		return pm2_format_prefix(p, len, app, app_len, key, key_len);
	/* The key starts with the prefix's colour: `pm2 logs` shows an app's
	 * out in green and its err in red (lib/API/Log.js, chalk.green and
	 * chalk.red), two streams it may show out of order. */
	k = i = pm2_cli_display_time(p, len);
	i += pm2_skip_ansi(p + i, len - i);
	j = i;
	while (j < len && isdigit((unsigned char)p[j]))
		j++;
	if (j > i && j < len && p[j] == '|')
		name = j + 1;
	else if (len - i >= 4 && memcmp(p + i, "PM2 ", 4) == 0)
		name = i;
	else
		return 0;
	/* The name runs to " | ", within a short distance. */
	for (bar = name; bar + 2 < len && bar < name + PM2_MAX_APP_LEN; bar++)
		if (p[bar] == ' ' && p[bar + 1] == '|' && p[bar + 2] == ' ') {
			found = true;
			break;
		}
	if (!found)
		return 0;
	for (n = bar; n > name && p[n - 1] == ' '; n--)
		;
	*app = p + name;
	*app_len = n - name;
	*key = p + k;
	*key_len = n - k < PM2_KEY_MAX ? n - k : PM2_KEY_MAX;
	bar += 3;
	/* The colour's end, and not --highlight's code after it when the
	 * text starts with the value (pm2_unlight). */
	n = pm2_skip_ansi(p + bar, len - bar);
	hl = n > 0 ? memmem(p + bar, n, "\033[100m", 6) : NULL;
	return hl != NULL ? (size_t)(hl - p) : bar + n;
}

/*
 * `pm2 logs --highlight VALUE` shows a line with the first VALUE in it
 * (String.prototype.replace: once a line) as ansis' bgBlackBright(VALUE),
 * "\e[100m" VALUE "\e[49m" (PM2 7.0.4 lib/API/Log.js, Log.stream and
 * Log.formatStream).  The message (P, *LEN) behind a `pm2 logs` prefix
 * without those two codes, in the decoder's buffer (valid until the next
 * raw line), with *LEN its length; P itself when it has none.
 */
static const char *
pm2_unlight(struct pm2_decoder *d, const char *p, size_t *len)
{
	static const char on[] = "\033[100m", off[] = "\033[49m";
	const size_t non = sizeof(on) - 1, noff = sizeof(off) - 1;
	const char *a, *b, *end = p + *len;
	char *q;

	if (*len < non + noff || (a = memchr(p, '\033', *len)) == NULL ||
	    (a = memmem(a, (size_t)(end - a), on, non)) == NULL ||
	    (b = memmem(a + non, (size_t)(end - a - non), off, noff)) == NULL)
		return p;
	if (d->unlit_cap < *len) {
		d->unlit_cap = *len;
		d->unlit = xreallocarray(d->unlit, 1, d->unlit_cap);
	}
	q = d->unlit;
	memcpy(q, p, (size_t)(a - p));
	q += a - p;
	memcpy(q, a + non, (size_t)(b - a - non));
	q += b - a - non;
	memcpy(q, b + noff, (size_t)(end - b - noff));
	q += end - b - noff;
	*len = (size_t)(q - d->unlit);
	return d->unlit;
}

/*
 * Feeds the message (P, LEN), which has no LF, to the lines inside JSON
 * messages.  `pm2 logs --json` removes every line end from the messages
 * it prints (PM2 7.0.4 lib/API/Log.js, Log.jsonStream:
 * `packet.data.replace(/(\r\n|\n|\r)/gm,'')`), so a fork-mode chunk of
 * several records is one run of text.  Where one record's object or
 * array closes ("}" or "]" back at depth 0) and a character follows that
 * cannot go on a line (not a blank, not punctuation), a line ended there:
 * the records of util.inspect()'d objects are told apart.  Others (a line
 * of text run into the next) cannot be, and are counted as one; the
 * caller warns (pm2_decoder_joined_messages).
 */
static void
pm2_json_feed_joined(struct pm2_decoder *d, const char *p, size_t len)
{
	size_t start = 0, depth = 0;
	bool split = false;

	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && depth > 0 && --depth == 0 &&
		    i + 1 < len && strchr(" \t,;:.)}]'\"`", p[i + 1]) == NULL) {
			line_reader_feed(d->json_lines, p + start, i + 1 - start);
			line_reader_feed(d->json_lines, "\n", 1);
			start = i + 1;
			split = true;
		}
	}
	line_reader_feed(d->json_lines, p + start, len - start);
	if (split)
		d->joined_messages++;
}

/*
 * The object's parts (pm2_json.h) to the decoder: the message goes on to
 * the lines inside JSON messages, with the object's time and app (APP
 * when it names none).
 */
static void
pm2_json_take(struct pm2_decoder *d, const struct line *line,
    const struct pm2_json_obj *o, const char *app)
{
	int64_t ms;

	d->json_lines_seen++;
	d->obj_ts = STAMP_NONE;
	if (o->timestamp != NULL &&
	    stamp_parse(o->timestamp, o->timestamp_len, &ms) > 0)
		d->obj_ts = ms;
	d->obj_app = o->app_name != NULL ? pm2_intern_app(d, o->app_name,
	    o->app_name_len) : app;
	if (!line_reader_in_line(d->json_lines)) {
		d->json_line_ts = d->obj_ts;
		d->json_line_app = d->obj_app;
		d->json_line_offset = line->offset;
		d->json_line_number = line->number;
	}
	/* Most messages end in their LF: no need to look for one. */
	if (o->message_len > 0 && o->message_len < PM2_CHUNK_GUESS &&
	    o->message[o->message_len - 1] != '\n' &&
	    memchr(o->message, '\n', o->message_len) == NULL)
		pm2_json_feed_joined(d, o->message, o->message_len);
	else
		line_reader_feed(d->json_lines, o->message, o->message_len);
	if (o->message_len > 0 && o->message[o->message_len - 1] != '\n' &&
	    o->message_len < PM2_CHUNK_GUESS)
		line_reader_feed(d->json_lines, "\n", 1);
}

/* Ends a JSON message piece left open (before a raw line, or at EOF). */
static void
pm2_json_flush(struct pm2_decoder *d)
{
	line_reader_finish(d->json_lines, true);
}

/*
 * Reads the {"message": ...} object (P, LEN) into *O, or returns false
 * when it is not one.  PM2's own form is read by pm2_json_decode() into J;
 * anything else by jansson, which takes any object with a string
 * "message": then *ROOT holds what *O points into (json_decref it after),
 * else it is NULL.
 */
static bool pm2_json_read_any(const char *, size_t, struct pm2_json_obj *,
    json_t **);

static inline bool
pm2_json_read(struct pm2_json *j, const char *p, size_t len,
    struct pm2_json_obj *o, json_t **root)
{
	*root = NULL;
	if (pm2_json_decode(j, p, len, o))
		return true;
	return pm2_json_read_any(p, len, o, root);
}

/* pm2_json_read() of an object not in PM2's own form, by jansson. */
static bool
pm2_json_read_any(const char *p, size_t len, struct pm2_json_obj *o,
    json_t **root)
{
	json_t *msg, *v;
	json_error_t jerr;

	*root = json_loadb(p, len, JSON_ALLOW_NUL, &jerr);
	if (*root == NULL)
		return false;
	msg = json_object_get(*root, "message");
	if (!json_is_object(*root) || !json_is_string(msg)) {
		json_decref(*root);
		*root = NULL;
		return false;
	}
	memset(o, 0, sizeof(*o));
	o->message = json_string_value(msg);
	o->message_len = json_string_length(msg);
	v = json_object_get(*root, "timestamp");
	if (json_is_string(v)) {
		o->timestamp = json_string_value(v);
		o->timestamp_len = json_string_length(v);
	}
	v = json_object_get(*root, "app_name");
	if (json_is_string(v)) {
		o->app_name = json_string_value(v);
		o->app_name_len = json_string_length(v);
	}
	return true;
}

/*
 * Decodes the {"message": ...} object (P, LEN) of the raw LINE; returns
 * false when it is not one.  APP: see pm2_json_take().  `pm2 logs --json`
 * prints a log_type json app's line as the message of its own object
 * (PM2 7.0.4 lib/API/Log.js, Log.jsonStream; the bus carries the line
 * lib/God/ForkMode.js wrote, its LF removed but the escaped "\n" of its
 * message kept): that inner object is read instead, its lines and app as
 * in the app's file.
 */
static bool
pm2_json(struct pm2_decoder *d, const struct line *line, const char *p,
    size_t len, const char *app)
{
	struct pm2_json_obj o, inner;
	json_t *root, *inner_root;

	if (!pm2_json_read(&d->json, p, len, &o, &root))
		return false;
	if (pm2_is_json(o.message, o.message_len) &&
	    pm2_json_read(&d->json_inner, o.message, o.message_len, &inner,
	    &inner_root)) {
		if (inner.app_name == NULL) {
			inner.app_name = o.app_name;
			inner.app_name_len = o.app_name_len;
		}
		pm2_json_take(d, line, &inner, app);
		json_decref(inner_root);
	} else
		pm2_json_take(d, line, &o, app);
	json_decref(root);
	return true;
}


/*
 * The stamp PM2 wrote at the start of (P, LEN), if any, after the stamp
 * LAST: its length in bytes with the colon and blank after it (0: none),
 * and its time in *TS.  A new one becomes *LAST, where it fits.  Stated
 * once for pm2_decoder_line() and the fast path's pm2_restamp().
 */
static size_t
pm2_stamp_read(struct pm2_stamp *last, const char *p, size_t len,
    int64_t *ts)
{
	size_t n;

	/* The shortest stamp is a time alone, "H:mm:ss:" */
	if (len < 8 || (!isdigit((unsigned char)p[0]) &&
	    !stamp_may_be_named(p, len)))
		return 0;
	/* Most stamped lines repeat the previous line's stamp. */
	if (last->len > 0 && pm2_stamp_is_prefix(last, p, len)) {
		*ts = last->ms;
		return last->len;
	}
	n = stamp_parse_pm2_prefix(p, len, ts);
	if (n > 0 && n <= sizeof(last->text)) {
		memcpy(last->text, p, n);
		last->len = n;
		last->ms = *ts;
	}
	return n;
}

enum pm2_peek
pm2_restamp(struct pm2_stamp *last, const char *p, size_t len,
    const char **msg, size_t *msg_len)
{
	const char *a, *key;
	size_t alen, klen, n;
	int64_t ts;

	*msg = p;
	*msg_len = len;
	if (len == 0 || (!isdigit((unsigned char)p[0]) &&
	    !stamp_may_be_named(p, len)) ||
	    pm2_cli_prefix(p, len, &a, &alen, &key, &klen) > 0)
		return PM2_PEEK_DECODE;
	if ((n = pm2_stamp_read(last, p, len, &ts)) == 0)
		return PM2_PEEK_AS_IS;
	/* Too long a stamp to be kept as the last one: the decoder's way. */
	if (last->len != n || last->ms != ts ||
	    !pm2_stamp_is_prefix(last, p, len))
		return PM2_PEEK_DECODE;
	*msg = p + n;
	*msg_len = len - n;
	return PM2_PEEK_STAMPED;
}

/*
 * The JSON object (P, LEN) of the raw LINE, behind the `pm2 logs` prefix
 * KEY (KEY_LEN 0: none) that named APP: decoded, or false when it is no
 * JSON message after all (then nothing changed).
 */
static bool
pm2_decode_json(struct pm2_decoder *d, const struct line *line,
    const char *p, size_t len, const char *app, const char *key,
    size_t key_len)
{
	uint64_t o = d->raw_offset, e = d->raw_end, nb = d->raw_number;

	/* A piece waiting from another stream's object ends there, as it
	 * would before a raw line: it is not this object's beginning. */
	if (line_reader_in_line(d->json_lines) &&
	    (key_len != d->obj_key_len || (key_len > 0 &&
	    memcmp(key, d->obj_key, key_len) != 0)))
		pm2_json_flush(d);
	/* The lines of this object are of its stream (nothing of another
	 * waits now, whether or not it proves to be JSON). */
	if (key_len > 0)
		memcpy(d->obj_key, key, key_len);
	d->obj_key_len = key_len;
	/* A piece waiting from earlier objects ends in this one. */
	d->raw_offset = line->offset;
	d->raw_end = line->end;
	d->raw_number = line->number;
	if (pm2_json(d, line, p, len, app))
		return true;
	d->raw_offset = o;
	d->raw_end = e;
	d->raw_number = nb;
	return false;
}

void
pm2_decoder_line(struct pm2_decoder *d, const struct line *line)
{
	const char *p, *app = d->default_app, *key = NULL;
	size_t len, n, key_len = 0;
	int64_t ts = STAMP_NONE;

	/*
	 * Most stamped lines repeat the previous line's stamp prefix, and
	 * such a line has no `pm2 logs` prefix: that prefix is digits and a
	 * '|', or a display time and a blank, where a file stamp has "DDDD-"
	 * and ends in ": " (PM2 writes the blank).
	 */
	switch (pm2_peek(&d->last, line->ptr, line->len, &p, &len)) {
	case PM2_PEEK_AS_IS:
		goto plain;
	case PM2_PEEK_STAMPED:
		ts = d->last.ms;
		d->stamped_lines++;
		goto plain;
	case PM2_PEEK_DECODE:
		break;
	}
	/* A `pm2 logs` prefix starts with a digit, ESC or "PM2 ", never
	 * with the '{' every line of PM2's JSON starts with. */
	if (len > 0 && p[0] != '{') {
		const char *a = NULL;
		size_t alen = 0;

		n = pm2_cli_prefix(p, len, &a, &alen, &key, &key_len);
		if (n > 0) {
			app = pm2_intern_app(d, a, alen);
			p += n;
			len -= n;
			p = pm2_unlight(d, p, &len);
		}
	}
	/* What follows a `pm2 logs` prefix is what the file holds, JSON
	 * included: read the same way as without it. */
	if (pm2_is_json(p, len) &&
	    pm2_decode_json(d, line, p, len, app, key, key_len))
		return;
	if ((n = pm2_stamp_read(&d->last, p, len, &ts)) > 0) {
		d->stamped_lines++;
		p += n;
		len -= n;
	}
plain:
	/* A JSON piece still waiting ends with the last JSON line. */
	if (line_reader_in_line(d->json_lines))
		pm2_json_flush(d);
	d->raw_offset = line->offset;
	d->raw_end = line->end;
	d->raw_number = line->number;
	pm2_emit(d, p, len, ts, app, key, key_len, line->offset, line->number,
	    line->is_cut);
}

struct pm2_decoder *
pm2_decoder_new(const char *default_app, size_t max_line,
    const struct pm2_decoder_cb *cb)
{
	struct pm2_decoder *d = xcalloc(1, sizeof(*d));
	struct line_reader_cb lcb = { pm2_json_line, NULL, d,
	    cb->run != NULL ? pm2_json_run : NULL, cb->run_first };

	d->cb = *cb;
	d->default_app = xstrdup(default_app);
	d->json_lines = line_reader_new(max_line, &lcb);
	d->json_line_ts = STAMP_NONE;
	return d;
}

void
pm2_decoder_finish(struct pm2_decoder *d)
{
	if (!line_reader_in_line(d->json_lines))
		return;
	pm2_json_flush(d);
}

uint64_t
pm2_decoder_safe_offset(const struct pm2_decoder *d, uint64_t otherwise)
{
	return line_reader_in_line(d->json_lines) ? d->json_line_offset :
	    otherwise;
}

bool
pm2_decoder_is_plain(const struct pm2_decoder *d)
{
	return !line_reader_in_line(d->json_lines);
}

const char *
pm2_decoder_app(const struct pm2_decoder *d)
{
	return d->default_app;
}

void
pm2_decoder_plain_seen(struct pm2_decoder *d, uint64_t offset, uint64_t end,
    uint64_t number, uint64_t stamped, const struct pm2_stamp *last)
{
	if (last != NULL)
		d->last = *last;
	d->raw_offset = offset;
	d->raw_end = end;
	d->raw_number = number;
	d->stamped_lines += stamped;
}

const struct pm2_stamp *
pm2_decoder_last_stamp(const struct pm2_decoder *d)
{
	return &d->last;
}

void
pm2_decoder_reset(struct pm2_decoder *d)
{
	line_reader_reset(d->json_lines, 0);
}

uint64_t
pm2_decoder_stamped_lines(const struct pm2_decoder *d)
{
	return d->stamped_lines;
}

uint64_t
pm2_decoder_joined_messages(const struct pm2_decoder *d)
{
	return d->joined_messages;
}

uint64_t
pm2_decoder_json_lines(const struct pm2_decoder *d)
{
	return d->json_lines_seen;
}

void
pm2_decoder_free(struct pm2_decoder *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->napps; i++)
		free((char *)d->apps[i]);
	line_reader_free(d->json_lines);
	pm2_json_release(&d->json);
	pm2_json_release(&d->json_inner);
	free(d->unlit);
	free(d->default_app);
	free(d);
}
