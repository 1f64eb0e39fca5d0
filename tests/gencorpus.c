/*
 * gencorpus: writes a deterministic corpus of PM2 log files, and the counts
 * a correct `omniwatch scan` must report for it.
 *
 * The corpus imitates what PM2 7.0.4 writes (../shared/samples/pm2): one
 * out and one error file per app (per instance in cluster mode), in one of
 * five layouts (-m):
 *   fork     the application's bytes as written, no prefix;
 *   time     fork mode with --time: "2026-11-29T20:31:22: " before every
 *            line the daemon writes;
 *   cluster  log_date_format 'YYYY-MM-DD HH:mm:ss Z': "2026-11-29 20:32:47
 *            +00:00: " only before the first line of each console call, and
 *            an uncaught exception written raw at the end of error files;
 *   json     log_type json, fork mode: one object per pipe chunk;
 *   cluster-json  log_type json in cluster mode: one object per console
 *            call, and the uncaught exception raw, not JSON (samples/05d).
 * In fork mode the daemon reads the app's pipe in chunks of up to 64 KiB.
 * A chunk is usually one console call or a few; in a burst every read is a
 * full 64 KiB and ends at an arbitrary byte of the text (never inside a
 * UTF-8 character here, where PM2 would write U+FFFD).  With json a record
 * is then spread over two objects; with --time the daemon throws away what
 * follows the chunk's last LF, so the line there loses its head
 * (samples/02, 08) -- real damage, counted like any other text.
 * With -r, files are rotated as pm2-logrotate does (copy to
 * "<name>__YYYY-MM-DD_HH-mm-ss.log", truncate), between records.
 *
 * The text mixes ordinary lines, stack traces, util.inspect objects, failure
 * and success records of the `omni` pattern set in several shapes, and traps
 * (records that look like a class but are not, or that sit next to text a
 * matcher running past the record end would pick up).
 *
 * The truth is not taken from what a template meant to write.  Every line
 * goes through the rules omniwatch documents (src/record.h, src/match.h),
 * restated in the classifier section below, and those counts are written
 * to the truth file.  The omni regexes are literals joined by [\s\S]*?, so
 * a match is an ordered chain of substrings and needs no regex engine.
 * As a check on the templates themselves, each one also states the classes
 * it meant to produce, and the two tallies must agree or the program fails
 * (unless --time chunking threw text away, which changes classes).
 *
 * Usage: gencorpus [-s SEED] [-b BYTES | -n RECORDS] [-m MODE] [-a APPS]
 *            [-i INSTANCES] [-r ROTATE_BYTES] [-w TEMPLATE=WEIGHT,...]
 *            -o DIR [-t TRUTH.json]
 * -b stops once that many bytes are written (default 4M; k, M, G), -n once
 * that many records are started.  -w changes the mix (template names are in
 * gen_kinds below; "-w plain=2000" makes [Omni] records rare).  The truth
 * ("-" for stdout) holds, for the total, each app and each file: records,
 * failures, successes, damaged, route_not_found, other, and (total and
 * apps) the first and last stamp of a counted record, as omniwatch prints
 * it; plus bytes per file, cut_chunks and lost_bytes.
 *
 * Everything is fake: hosts are *.example.test, people and tickets invented.
 * The PRNG is splitmix64, so a seed gives the same bytes on every platform.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define GEN_OUT_BUFSIZE		(256 * 1024)	/* per file, flushed by fwrite */
#define GEN_CHUNK_MAX		65536	/* PM2 fork mode's pipe read size */
#define GEN_BURST_PER_MILLE	4	/* json, time: calls that start a burst */
#define GEN_BURST_MIN		300	/* calls in a burst */
#define GEN_BURST_SPAN		900
#define GEN_APPS_MAX		26
#define GEN_INSTANCES_MAX	8
#define GEN_DEFAULT_BYTES	(4ULL * 1024 * 1024)
/* 2026-11-29T00:00:00Z, the day the reference samples were recorded. */
#define GEN_START_MS		1795910400000LL

/* Heads and pieces of the omni pattern set (patterns/omni.yaml). */
#define GEN_SUCCESS_HEAD	"[Omni] Ticket created successfully: {"
#define GEN_ROUTE_HEAD		"[Omni] Failed to create ticket: {"
#define GEN_OTHER_HEAD		"[Omni] Failed to create ticket:"
#define GEN_OMNI_TAG		"[Omni] "
#define GEN_TAIL_MIN		8	/* match.h: a head tail to trust */
#define GEN_HEAD_MIN		4	/* ... next to an inner literal */
#define GEN_STAMP_NONE		INT64_MIN
#define GEN_ROUTES_FILE \
	"/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php"

enum gen_mode {
	GEN_MODE_FORK,
	GEN_MODE_TIME,
	GEN_MODE_CLUSTER,
	GEN_MODE_JSON,
	GEN_MODE_CJSON,
};

#define GEN_NMODES	5

static const char *const gen_mode_names[] = { "fork", "time", "cluster",
    "json", "cluster-json" };

/* Cluster workers write their own files, one per instance (pm_id). */
#define GEN_IS_CLUSTER(g) \
	((g)->mode == GEN_MODE_CLUSTER || (g)->mode == GEN_MODE_CJSON)

/* Record and class counts, for a file, an app or the whole corpus. */
struct gen_counts {
	uint64_t	records;
	uint64_t	successes;
	uint64_t	route;		/* failure class route_not_found */
	uint64_t	other;		/* failure class other */
	uint64_t	damaged;
	/* Stamps (ms) of the earliest and latest counted record. */
	int64_t		first;
	int64_t		last;
};

/* A growable byte buffer; used for text the generator itself builds. */
struct gen_buf {
	char	*ptr;
	size_t	 len;
	size_t	 cap;
};

/* One log file being written, with its record classifier state. */
struct gen_file {
	char		 name[128];	/* basename inside the output dir */
	FILE		*fp;
	char		*out;		/* GEN_OUT_BUFSIZE bytes */
	size_t		 out_len;
	uint64_t	 bytes;		/* written so far, buffered included */
	/* -r: where the live file began, and the rotated copies before it. */
	uint64_t	 part_bytes;
	struct gen_counts part_counts;
	int64_t		 rotated_sec;
	int		 app;
	int		 pm_id;
	bool		 is_err;
	struct gen_counts counts;	/* classified */
	/* The open record, as record.h builds it. */
	struct gen_buf	 rec;		/* lines joined by LF */
	bool		 rec_is_open;
	bool		 rec_has_tag;	/* rec contains "[Omni] " */
	bool		 rec_is_orphan;
	bool		 rec_follows_close;
	bool		 rec_closed;	/* by a lone '}' or ']' */
	bool		 rec_last_label;	/* its last line ends in ':' */
	bool		 rec_starts_object;
	int64_t		 rec_ts;
	bool		 is_after_close; /* last line was a lone '}' or ']' */
	bool		 is_after_open;	/* last record left an object open */
	/* json, time: text not yet written as a chunk; json: a line split
	 * between two objects. */
	struct gen_buf	 pending;
	int		 burst_left;	/* calls until the burst ends */
	struct gen_buf	 jline;
	int64_t		 jline_ts;
};

/* A rotated copy, as pm2-logrotate leaves it. */
struct gen_part {
	char		 name[160];
	int		 app;
	uint64_t	 bytes;
	struct gen_counts counts;
};

struct gen_app {
	char		 name[32];
	int		 nfiles;
	struct gen_file	*out[GEN_INSTANCES_MAX];
	struct gen_file	*err[GEN_INSTANCES_MAX];
	struct gen_counts want;		/* what the templates meant */
};

struct gen {
	enum gen_mode	 mode;
	uint64_t	 rng;
	uint64_t	 seed;
	uint64_t	 target_bytes;	/* 0: use target_records */
	uint64_t	 target_records;
	uint64_t	 rotate_bytes;	/* 0: never */
	int		 napps;
	int		 instances;
	const char	*dir;
	const char	*truth_path;

	struct gen_app	 apps[GEN_APPS_MAX];
	struct gen_file	*files;
	int		 nfiles;
	struct gen_part	*parts;
	size_t		 nparts;

	uint64_t	 total_bytes;
	uint64_t	 lost_bytes;	/* time: chunk heads PM2 threw away */
	uint64_t	 cut_chunks;	/* json, time: chunks that end mid-line */
	uint64_t	 records_started;
	uint64_t	 events;
	int64_t		 now_ms;
	uint64_t	 seq;		/* ticket and request numbers */

	struct gen_buf	 call;		/* text of the console call being built */
	/* Cached stamp text, rebuilt when the second changes. */
	int64_t		 stamp_sec;
	char		 stamp_ymd[40];	/* YYYY-MM-DD */
	char		 stamp_hms[40];	/* HH:MM:SS */
	unsigned	*weights;	/* of gen_kinds, -w may change them */
	unsigned	 weight_total;
};

static void gen_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
gen_fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("gencorpus: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- PRNG: splitmix64 (Steele, Lea, Flood 2014). ---- */

static uint64_t
gen_rand(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n); the modulo bias is far below what matters here. */
static uint64_t
gen_below(struct gen *g, uint64_t n)
{
	return gen_rand(g) % n;
}

static const char *
gen_pick(struct gen *g, const char *const *list, size_t n)
{
	return list[gen_below(g, n)];
}

#define GEN_PICK(g, list) gen_pick((g), (list), sizeof(list) / sizeof((list)[0]))

/* ---- Buffers. ---- */

static void
gen_buf_reserve(struct gen_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->len + more <= b->cap)
		return;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->ptr, cap);
	if (p == NULL)
		gen_fatal("out of memory (%zu bytes)", cap);
	b->ptr = p;
	b->cap = cap;
}

static void
gen_buf_mem(struct gen_buf *b, const char *p, size_t len)
{
	gen_buf_reserve(b, len);
	memcpy(b->ptr + b->len, p, len);
	b->len += len;
}

static void
gen_buf_str(struct gen_buf *b, const char *s)
{
	gen_buf_mem(b, s, strlen(s));
}

static void
gen_buf_chr(struct gen_buf *b, char c)
{
	gen_buf_reserve(b, 1);
	b->ptr[b->len++] = c;
}

static void
gen_buf_rep(struct gen_buf *b, const char *unit, size_t times)
{
	size_t ulen = strlen(unit);

	gen_buf_reserve(b, ulen * times);
	while (times-- > 0) {
		memcpy(b->ptr + b->len, unit, ulen);
		b->len += ulen;
	}
}

/* Decimal, zero-padded to at least WIDTH digits. */
static void
gen_buf_num(struct gen_buf *b, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n < width && n < (int)sizeof(tmp))
		tmp[n++] = '0';
	gen_buf_reserve(b, (size_t)n);
	while (n > 0)
		b->ptr[b->len++] = tmp[--n];
}

static void
gen_buf_hex(struct gen_buf *b, uint64_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";

	gen_buf_reserve(b, (size_t)digits);
	while (digits-- > 0)
		b->ptr[b->len++] = hex[(v >> (4 * digits)) & 15];
}

static void
gen_buf_release(struct gen_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

/* ---- Time stamps. ---- */

/* Civil date from days since 1970-01-01 (H. Hinnant's algorithm). */
static void
gen_civil(int64_t days, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void
gen_stamp_update(struct gen *g)
{
	int64_t sec = g->now_ms / 1000, tod;
	int y, m, d;

	if (sec == g->stamp_sec)
		return;
	g->stamp_sec = sec;
	gen_civil(sec / 86400, &y, &m, &d);
	tod = sec % 86400;
	snprintf(g->stamp_ymd, sizeof(g->stamp_ymd), "%04d-%02d-%02d", y, m, d);
	snprintf(g->stamp_hms, sizeof(g->stamp_hms), "%02d:%02d:%02d",
	    (int)(tod / 3600), (int)(tod / 60 % 60), (int)(tod % 60));
}

/* ---- Output files. ---- */

static void
gen_file_flush(struct gen_file *f)
{
	if (f->out_len > 0 && fwrite(f->out, 1, f->out_len, f->fp) != f->out_len)
		gen_fatal("%s: write: %s", f->name, strerror(errno));
	f->out_len = 0;
}

static void
gen_file_put(struct gen *g, struct gen_file *f, const char *p, size_t len)
{
	f->bytes += len;
	g->total_bytes += len;
	while (len > 0) {
		size_t room = GEN_OUT_BUFSIZE - f->out_len;
		size_t n = len < room ? len : room;

		memcpy(f->out + f->out_len, p, n);
		f->out_len += n;
		p += n;
		len -= n;
		if (f->out_len == GEN_OUT_BUFSIZE)
			gen_file_flush(f);
	}
}

static void
gen_file_puts(struct gen *g, struct gen_file *f, const char *s)
{
	gen_file_put(g, f, s, strlen(s));
}

/* ---- The classifier: the spec's record and class rules. ---- */

/* memmem(3) is not in C99 or POSIX 2008: memchr for the first byte. */
static const char *
gen_find(const char *p, size_t len, const char *w, size_t wlen)
{
	const char *end = p + len;

	if (wlen == 0)
		return p;
	while ((size_t)(end - p) >= wlen) {
		p = memchr(p, w[0], (size_t)(end - p) - wlen + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, w, wlen) == 0)
			return p;
		p++;
	}
	return NULL;
}

/*
 * Ordered chain search: does P contain A, then later B, then later C, then
 * D (NULL ends the chain)?  Taking the earliest occurrence at each step is
 * enough, as it leaves the most text for the next one -- which is why a
 * lazy [\s\S]*? regex matches exactly when this returns 1.
 */
static int
gen_chain(const char *p, size_t len, const char *a, const char *b,
    const char *c, const char *d)
{
	const char *want[4] = { a, b, c, d };
	const char *at = p, *end = p + len;
	int i;

	for (i = 0; i < 4 && want[i] != NULL; i++) {
		size_t wlen = strlen(want[i]);
		const char *hit = gen_find(at, (size_t)(end - at), want[i], wlen);

		if (hit == NULL)
			return 0;
		at = hit + wlen;
	}
	return 1;
}

/* The literal heads of the omni regexes, and the inner literals of at
 * least GEN_TAIL_MIN bytes ("errors:" is shorter, so it does not count). */
static const char *const gen_heads[] = { GEN_SUCCESS_HEAD, GEN_ROUTE_HEAD,
    GEN_OTHER_HEAD };
static const char *const gen_inner[] = { "ticketId:", "ticket_number:",
    "status: false", "RoutesRequests.php" };

/*
 * Does the record begin (after blanks) with a proper tail, at least MIN
 * bytes long, of one of the heads?  What is left of a head after PM2's
 * fork mode dropped the text before a chunk edge (samples/pm2/08).
 */
static int
gen_head_tail(const char *p, size_t len, size_t min)
{
	size_t i, k;

	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	/* '[' opens most records and occurs in no head past its first byte. */
	if (len < min || *p == '[')
		return 0;
	for (i = 0; i < sizeof(gen_heads) / sizeof(gen_heads[0]); i++) {
		size_t hl = strlen(gen_heads[i]);

		for (k = 1; k + min <= hl; k++)
			if (hl - k <= len &&
			    memcmp(gen_heads[i] + k, p, hl - k) == 0)
				return 1;
	}
	return 0;
}

static int
gen_has_inner(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(gen_inner) / sizeof(gen_inner[0]); i++)
		if (gen_find(p, len, gen_inner[i], strlen(gen_inner[i])))
			return 1;
	return 0;
}

static size_t
gen_first_line_len(const char *p, size_t len)
{
	const char *nl = memchr(p, '\n', len);

	return nl != NULL ? (size_t)(nl - p) : len;
}

static void
gen_counts_stamp(struct gen_counts *c, int64_t ts)
{
	if (ts == GEN_STAMP_NONE)
		return;
	if (c->first == GEN_STAMP_NONE || ts < c->first)
		c->first = ts;
	if (c->last == GEN_STAMP_NONE || ts > c->last)
		c->last = ts;
}

/*
 * Did the record, none of ours, swallow one of ours that lost its head
 * (match.c's match_swallowed)?  After a first line that opens nothing
 * (it does not end in '{', '[' or ':'), its second line is a head's tail,
 * or a short line (" {", "") followed by the body of one of ours: what a
 * chunk edge left of a head after a plain line joined that line.
 */
static int
gen_swallowed(const char *p, size_t len)
{
	size_t first = gen_first_line_len(p, len), open = first;

	if (first >= len)
		return 0;
	while (open > 0 && (p[open - 1] == ' ' || p[open - 1] == '\r'))
		open--;
	if (open > 0 && (p[open - 1] == '{' || p[open - 1] == '[' ||
	    p[open - 1] == ':'))
		return 0;
	p += first + 1;
	len -= first + 1;
	return gen_head_tail(p, len, GEN_TAIL_MIN) ||
	    (gen_first_line_len(p, len) <= GEN_HEAD_MIN && gen_has_inner(p, len));
}

/*
 * Classifies the open record (match.h, match.c): a success regex match is
 * a success; else the first failure class that matches; else "damaged"
 * when the record holds a head, begins with a tail of one (GEN_TAIL_MIN),
 * or is an orphan or an object that holds an inner literal -- the object
 * only when it begins with a shorter tail (GEN_HEAD_MIN) such as "ket: {",
 * or follows a closed record and its first line is that short (": {").
 */
static void
gen_record_close(struct gen_file *f)
{
	const char *p = f->rec.ptr;
	size_t len = f->rec.len;
	uint64_t *bump = NULL;

	if (!f->rec_is_open)
		return;
	f->counts.records++;
	/* record.c: open when its first line ends in '{' or '[' and no lone
	 * '}' or ']' closed it (gen_record_line closes after one). */
	f->is_after_open = (f->rec_starts_object && !f->rec_closed) ||
	    f->rec_last_label;
	if (f->rec_has_tag && gen_chain(p, len, GEN_SUCCESS_HEAD, "ticketId:",
	    "ticket_number:", NULL))
		bump = &f->counts.successes;
	else if (f->rec_has_tag && gen_chain(p, len, GEN_ROUTE_HEAD,
	    "status: false", "errors:", "RoutesRequests.php"))
		bump = &f->counts.route;
	else if (f->rec_has_tag && gen_chain(p, len, GEN_OTHER_HEAD, NULL, NULL,
	    NULL))
		bump = &f->counts.other;
	else if (f->rec_has_tag && gen_chain(p, len, GEN_SUCCESS_HEAD, NULL,
	    NULL, NULL))
		bump = &f->counts.damaged;
	else if (gen_head_tail(p, len, GEN_TAIL_MIN))
		bump = &f->counts.damaged;
	else if ((f->rec_is_orphan || f->rec_starts_object) &&
	    gen_has_inner(p, len) && (f->rec_is_orphan ||
	    gen_head_tail(p, len, GEN_HEAD_MIN) || (f->rec_follows_close &&
	    gen_first_line_len(p, len) <= GEN_HEAD_MIN)))
		bump = &f->counts.damaged;
	else if (gen_swallowed(p, len))
		bump = &f->counts.damaged;
	if (bump != NULL) {
		(*bump)++;
		gen_counts_stamp(&f->counts, f->rec_ts);
	}
	f->rec_is_open = false;
	f->rec_has_tag = false;
	f->rec.len = 0;
}

/* Length without trailing blanks and CR, as record.c looks at line ends. */
static size_t
gen_trim_end(const char *p, size_t len)
{
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r'))
		len--;
	return len;
}

/*
 * One message line (PM2's stamp already off, no LF), stamped TS.  The
 * record rules of record.h: a line continues the record when it is empty
 * or starts with whitespace, '}', ']' or ')'; a lone '}' or ']' ends the
 * record, and a continuation line right after it starts an orphan record.
 */
static void
gen_record_line(struct gen *g, struct gen_file *f, const char *p, size_t len,
    int64_t ts)
{
	bool is_cont;
	size_t tlen;

	/* line.h: a CR right before the LF is not part of the line. */
	if (len > 0 && p[len - 1] == '\r')
		len--;
	is_cont = len == 0 || p[0] == ' ' || p[0] == '\t' || p[0] == '}' ||
	    p[0] == ']' || p[0] == ')';
	if (f->rec_is_open && !is_cont)
		gen_record_close(f);
	tlen = gen_trim_end(p, len);
	if (!f->rec_is_open) {
		f->rec_is_open = true;
		g->records_started++;
		f->rec_ts = ts;
		f->rec_is_orphan = is_cont &&
		    (f->is_after_close || f->counts.records == 0);
		f->rec_follows_close = !f->is_after_open;
		f->rec_closed = false;
		f->rec_starts_object = tlen > 0 &&
		    (p[tlen - 1] == '{' || p[tlen - 1] == '[');
	} else
		gen_buf_chr(&f->rec, '\n');
	gen_buf_mem(&f->rec, p, len);
	f->rec_last_label = tlen > 0 && p[tlen - 1] == ':';
	if (!f->rec_has_tag && gen_find(p, len, GEN_OMNI_TAG, 7) != NULL)
		f->rec_has_tag = true;
	f->is_after_close = false;
	if (tlen == 1 && (p[0] == '}' || p[0] == ']')) {
		f->rec_closed = true;
		gen_record_close(f);
		f->is_after_close = true;
	}
}

/* ---- Writing one console call in the chosen PM2 layout. ---- */

static void
gen_json_escape(struct gen *g, struct gen_file *f, const char *p, size_t len)
{
	const char *run = p, *end = p + len;
	char esc[8];

	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		const char *rep = NULL;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"':	rep = "\\\""; break;
		case '\\':	rep = "\\\\"; break;
		case '\n':	rep = "\\n"; break;
		case '\r':	rep = "\\r"; break;
		case '\t':	rep = "\\t"; break;
		case '\b':	rep = "\\b"; break;
		case '\f':	rep = "\\f"; break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			rep = esc;
		}
		gen_file_put(g, f, run, (size_t)(p - run));
		gen_file_puts(g, f, rep);
		run = p + 1;
	}
	gen_file_put(g, f, run, (size_t)(end - run));
}

/*
 * Feeds the text of one JSON object to the classifier.  A line's stamp is
 * that of the object it begins in; a line cut by a chunk edge waits in
 * f->jline for the rest.
 */
static void
gen_json_lines(struct gen *g, struct gen_file *f, const char *p, size_t len,
    int64_t ts)
{
	const char *end = p + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (f->jline.len == 0)
			f->jline_ts = ts;
		if (nl == NULL) {
			gen_buf_mem(&f->jline, p, (size_t)(end - p));
			break;
		}
		if (f->jline.len > 0) {
			gen_buf_mem(&f->jline, p, (size_t)(nl - p));
			gen_record_line(g, f, f->jline.ptr, f->jline.len,
			    f->jline_ts);
			f->jline.len = 0;
		} else
			gen_record_line(g, f, p, (size_t)(nl - p), ts);
		p = nl + 1;
	}
}

/* One log_type json line holding the first LEN bytes of f->pending. */
static void
gen_json_message(struct gen *g, struct gen_file *f, size_t len)
{
	struct gen_buf tail = { 0 };
	char ms[8];

	if (len == 0)
		return;
	if (f->pending.ptr[len - 1] != '\n')
		g->cut_chunks++;
	gen_stamp_update(g);
	gen_file_puts(g, f, "{\"message\":\"");
	gen_json_escape(g, f, f->pending.ptr, len);
	snprintf(ms, sizeof(ms), ".%03d", (int)(g->now_ms % 1000));
	gen_buf_str(&tail, "\",\"timestamp\":\"");
	gen_buf_str(&tail, g->stamp_ymd);
	gen_buf_chr(&tail, 'T');
	gen_buf_str(&tail, g->stamp_hms);
	gen_buf_str(&tail, ms);
	gen_buf_str(&tail, "Z\",\"type\":\"");
	gen_buf_str(&tail, f->is_err ? "err" : "out");
	gen_buf_str(&tail, "\",\"process_id\":");
	gen_buf_num(&tail, (uint64_t)f->pm_id, 1);
	gen_buf_str(&tail, ",\"app_name\":\"");
	gen_buf_str(&tail, g->apps[f->app].name);
	gen_buf_str(&tail, "\"}\n");
	gen_file_put(g, f, tail.ptr, tail.len);
	gen_buf_release(&tail);
	gen_json_lines(g, f, f->pending.ptr, len, g->now_ms);
	memmove(f->pending.ptr, f->pending.ptr + len, f->pending.len - len);
	f->pending.len -= len;
}

/* Moves CUT back to a UTF-8 character boundary (JSON must stay valid). */
static size_t
gen_char_boundary(const char *p, size_t cut)
{
	while (cut > 0 && ((unsigned char)p[cut] & 0xc0) == 0x80)
		cut--;
	return cut;
}

/*
 * fork mode with --time: the daemon splits each chunk on LF, stamps every
 * piece but the last and throws the last away (samples/pm2/02).  A chunk
 * that ends in LF loses nothing; one cut inside a line loses that line's
 * head, and the next chunk starts with its tail on a line of its own.  A
 * chunk with no LF at all is kept whole and given one.
 */
static void
gen_time_chunk(struct gen *g, struct gen_file *f, size_t len)
{
	const char *p = f->pending.ptr, *end = p + len, *last = NULL, *q;
	char stamp[48];
	size_t stamp_len;
	int64_t ts;

	if (len == 0)
		return;
	gen_stamp_update(g);
	ts = g->now_ms - g->now_ms % 1000;
	stamp_len = (size_t)snprintf(stamp, sizeof(stamp), "%sT%s: ",
	    g->stamp_ymd, g->stamp_hms);
	for (q = p; q < end; q++)
		if (*q == '\n')
			last = q;
	if (last == NULL) {
		gen_file_put(g, f, stamp, stamp_len);
		gen_file_put(g, f, p, len);
		gen_file_put(g, f, "\n", 1);
		gen_record_line(g, f, p, len, ts);
	}
	if (last != NULL && last + 1 < end) {
		g->lost_bytes += (uint64_t)(end - (last + 1));
		g->cut_chunks++;
	}
	while (last != NULL && p <= last) {
		const char *nl = memchr(p, '\n', (size_t)(last + 1 - p));

		gen_file_put(g, f, stamp, stamp_len);
		gen_file_put(g, f, p, (size_t)(nl + 1 - p));
		gen_record_line(g, f, p, (size_t)(nl - p), ts);
		p = nl + 1;
	}
	memmove(f->pending.ptr, f->pending.ptr + len, f->pending.len - len);
	f->pending.len -= len;
}

/* Writes the first LEN bytes of f->pending as one chunk of the pipe. */
static void
gen_chunk(struct gen *g, struct gen_file *f, size_t len)
{
	if (g->mode == GEN_MODE_JSON)
		gen_json_message(g, f, len);
	else
		gen_time_chunk(g, f, len);
}

/*
 * PM2 fork mode reads the app's pipe in chunks of up to 64 KiB, and the
 * json and --time layouts show where a chunk ended.  Usually a chunk is one
 * console call, or a few made close together.  In a burst the pipe holds
 * more than a chunk, every read returns a full 64 KiB, and its edge falls
 * anywhere in the text.  A call's text is appended to f->pending and cut
 * here.
 */
static void
gen_chunk_call(struct gen *g, struct gen_file *f, bool is_last)
{
	uint64_t r;

	while (f->pending.len > GEN_CHUNK_MAX ||
	    (f->burst_left > 0 && f->pending.len == GEN_CHUNK_MAX))
		gen_chunk(g, f, gen_char_boundary(f->pending.ptr, GEN_CHUNK_MAX));
	if (is_last) {
		gen_chunk(g, f, f->pending.len);
		return;
	}
	if (f->burst_left > 0) {
		if (--f->burst_left == 0)
			gen_chunk(g, f, f->pending.len);
		return;
	}
	r = gen_below(g, 1000);
	if (r < GEN_BURST_PER_MILLE)
		f->burst_left = GEN_BURST_MIN + (int)gen_below(g, GEN_BURST_SPAN);
	else if (r < 800)
		gen_chunk(g, f, f->pending.len);
	/* else held back: the next call joins this chunk */
}

static void
gen_counts_sub(struct gen_counts *c, const struct gen_counts *minus)
{
	c->records -= minus->records;
	c->successes -= minus->successes;
	c->route -= minus->route;
	c->other -= minus->other;
	c->damaged -= minus->damaged;
}

/*
 * pm2-logrotate: copy the live file to "<name>__YYYY-MM-DD_HH-mm-ss.log",
 * truncate it, go on writing.  Done here only between records, so the
 * counts of each file stand alone whether or not a reader joins them.
 */
static void
gen_rotate(struct gen *g, struct gen_file *f)
{
	char from[4096], to[4096];
	struct gen_part *part;
	int64_t sec = g->now_ms / 1000;
	size_t stem = strlen(f->name) - strlen(".log");
	int y, m, d;
	int64_t tod;

	gen_record_close(f);
	f->is_after_close = false;
	f->is_after_open = false;	/* the next file is read afresh */
	gen_file_flush(f);
	if (fclose(f->fp) != 0)
		gen_fatal("%s: close: %s", f->name, strerror(errno));
	/* Two rotations in one second would share a name: keep them apart. */
	if (sec <= f->rotated_sec)
		sec = f->rotated_sec + 1;
	f->rotated_sec = sec;
	gen_civil(sec / 86400, &y, &m, &d);
	tod = sec % 86400;
	part = realloc(g->parts, (g->nparts + 1) * sizeof(*g->parts));
	if (part == NULL)
		gen_fatal("out of memory");
	g->parts = part;
	part = &g->parts[g->nparts++];
	snprintf(part->name, sizeof(part->name),
	    "%.*s__%04d-%02d-%02d_%02d-%02d-%02d.log", (int)stem, f->name,
	    y, m, d, (int)(tod / 3600), (int)(tod / 60 % 60), (int)(tod % 60));
	part->app = f->app;
	part->bytes = f->bytes - f->part_bytes;
	part->counts = f->counts;
	gen_counts_sub(&part->counts, &f->part_counts);
	f->part_bytes = f->bytes;
	f->part_counts = f->counts;

	snprintf(from, sizeof(from), "%s/%s", g->dir, f->name);
	snprintf(to, sizeof(to), "%s/%s", g->dir, part->name);
	if (rename(from, to) == -1)
		gen_fatal("%s: rename: %s", from, strerror(errno));
	f->fp = fopen(from, "wb");
	if (f->fp == NULL)
		gen_fatal("%s: %s", from, strerror(errno));
}

/* May F be rotated before g->call is written? */
static int
gen_may_rotate(const struct gen *g, const struct gen_file *f)
{
	char c = g->call.ptr[0];

	if (g->rotate_bytes == 0 || f->bytes - f->part_bytes < g->rotate_bytes)
		return 0;
	if (c == ' ' || c == '\t' || c == '}' || c == ']' || c == ')')
		return 0;
	/* json, time: no chunk held back, no line left open */
	return (g->mode != GEN_MODE_JSON && g->mode != GEN_MODE_TIME) ||
	    (f->pending.len == 0 && f->burst_left == 0 && f->jline.len == 0);
}

/*
 * Writes g->call (one console call: lines ending in LF) to F and feeds its
 * lines to the classifier, then empties g->call.  IS_RAW: no stamp, as
 * PM2's cluster wrapper writes an uncaught exception straight to the file.
 */
static void
gen_emit(struct gen *g, struct gen_file *f, bool is_raw)
{
	const char *p = g->call.ptr, *end = g->call.ptr + g->call.len;
	char stamp[40];
	size_t stamp_len = 0;
	int64_t ts = GEN_STAMP_NONE, sec_ms;

	if (g->call.len == 0 || end[-1] != '\n')
		gen_fatal("template bug: call text must end in LF");
	if (gen_may_rotate(g, f))
		gen_rotate(g, f);
	g->now_ms += (int64_t)gen_below(g, 40);
	gen_stamp_update(g);
	sec_ms = g->now_ms - g->now_ms % 1000;
	if (g->mode == GEN_MODE_CLUSTER && !is_raw)
		stamp_len = (size_t)snprintf(stamp, sizeof(stamp),
		    "%s %s +00:00: ", g->stamp_ymd, g->stamp_hms);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)(nl - p);

		if (g->mode == GEN_MODE_CLUSTER)
			ts = stamp_len > 0 && p == g->call.ptr ? sec_ms :
			    GEN_STAMP_NONE;
		/* json and --time lines are classified as their chunks are
		 * written. */
		if (g->mode == GEN_MODE_FORK || g->mode == GEN_MODE_CLUSTER ||
		    (g->mode == GEN_MODE_CJSON && is_raw))
			gen_record_line(g, f, p, n, ts);
		p = nl + 1;
	}
	switch (g->mode) {
	case GEN_MODE_FORK:
		gen_file_put(g, f, g->call.ptr, g->call.len);
		break;
	case GEN_MODE_CLUSTER:
		/* The worker stamps the start of each write only. */
		gen_file_put(g, f, stamp, stamp_len);
		gen_file_put(g, f, g->call.ptr, g->call.len);
		break;
	case GEN_MODE_TIME:
	case GEN_MODE_JSON:
		gen_buf_mem(&f->pending, g->call.ptr, g->call.len);
		gen_chunk_call(g, f, false);
		break;
	case GEN_MODE_CJSON:
		/* The worker writes one object per call; a crash raw. */
		if (is_raw) {
			gen_file_put(g, f, g->call.ptr, g->call.len);
			break;
		}
		gen_buf_mem(&f->pending, g->call.ptr, g->call.len);
		gen_json_message(g, f, f->pending.len);
		break;
	}
	g->call.len = 0;
}

/* ---- Templates: each writes one or more console calls. ---- */

static const char *const gen_hosts[] = { "api-1.example.test",
    "api-2.example.test", "omni.example.test", "web-3.example.test",
    "queue.example.test" };
static const char *const gen_words[] = { "printer", "invoice", "refund",
    "password", "delivery", "login", "upgrade", "billing", "export",
    "warranty", "shipment", "account", "report", "network", "license" };
static const char *const gen_channels[] = { "email", "whatsapp", "web",
    "phone", "chat" };
static const char *const gen_names[] = { "Pelanggan Uji", "Ana Contoh",
    "Budi Fiktif", "Test Customer", "Dewi Sampel" };
static const char *const gen_methods[] = { "GET", "POST", "PUT", "DELETE" };

#define B	(&g->call)

static void
gen_ticket_number(struct gen_buf *b, uint64_t id)
{
	gen_buf_str(b, "TCK-2026-");
	gen_buf_num(b, id, 6);
}

static void
gen_subject(struct gen *g, struct gen_buf *b, uint64_t n)
{
	gen_buf_str(b, "Test ticket #");
	gen_buf_num(b, n, 1);
	gen_buf_str(b, " about the ");
	gen_buf_str(b, GEN_PICK(g, gen_words));
	gen_buf_str(b, " (fake data only)");
}

static void
gen_t_plain(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	uint64_t n = ++g->seq;
	int i, words;

	switch (gen_below(g, 12)) {
	case 0:
		gen_buf_str(B, "[app] iteration ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, gen_below(g, 2) ? " begin\n" : " end\n");
		break;
	case 1:
		gen_buf_str(B, "[http] POST /api/v1/tickets -> https://");
		gen_buf_str(B, GEN_PICK(g, gen_hosts));
		gen_buf_str(B, " (request ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ")\n");
		break;
	case 2:
		gen_buf_str(B, "[http] ");
		gen_buf_str(B, GEN_PICK(g, gen_methods));
		gen_buf_str(B, " /api/v1/tickets/");
		gen_ticket_number(B, n);
		gen_buf_str(B, gen_below(g, 8) ? " 200 - " : " 404 - ");
		gen_buf_num(B, gen_below(g, 900), 1);
		gen_buf_str(B, " ms\n");
		break;
	case 3:
		gen_buf_str(B, "[worker] processed job job-");
		gen_buf_hex(B, gen_rand(g), 8);
		gen_buf_str(B, " in ");
		gen_buf_num(B, gen_below(g, 5000), 1);
		gen_buf_str(B, " ms (queue=tickets, attempt ");
		gen_buf_num(B, 1 + gen_below(g, 3), 1);
		gen_buf_str(B, ")\n");
		break;
	case 4:
		gen_buf_str(B, "[cache] hit ratio 0.");
		gen_buf_num(B, gen_below(g, 100), 2);
		gen_buf_str(B, " keys=");
		gen_buf_num(B, gen_below(g, 100000), 1);
		gen_buf_str(B, " evictions=");
		gen_buf_num(B, gen_below(g, 50), 1);
		gen_buf_chr(B, '\n');
		break;
	case 5:
		gen_buf_str(B, "Server listening on http://");
		gen_buf_str(B, GEN_PICK(g, gen_hosts));
		gen_buf_str(B, ":3000\n");
		break;
	case 6:
		gen_buf_str(B, "[db] pool total=10 idle=");
		gen_buf_num(B, gen_below(g, 11), 1);
		gen_buf_str(B, " waiting=0\n");
		break;
	case 7:
		gen_buf_str(B, "[auth] token refreshed for user u-");
		gen_buf_num(B, gen_below(g, 10000), 4);
		gen_buf_str(B, "@example.test\n");
		break;
	case 8:
		gen_buf_str(B, "[app] ordinary line after brief failure (iteration ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ")\n");
		break;
	case 9:
		gen_buf_str(B, "[health] GET /healthz 200 1ms uptime=");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, "s rss=");
		gen_buf_num(B, 60 + gen_below(g, 80), 1);
		gen_buf_str(B, "MB\n");
		break;
	case 10:
		gen_buf_str(B, "[trace] span=");
		gen_buf_hex(B, gen_rand(g), 16);
		gen_buf_str(B, " name=ticket.create attrs=");
		words = 3 + (int)gen_below(g, 20);
		for (i = 0; i < words; i++) {
			gen_buf_str(B, i ? "," : "");
			gen_buf_str(B, GEN_PICK(g, gen_words));
		}
		gen_buf_chr(B, '\n');
		break;
	default:
		/* pino writes JSON lines; no "message" key, so not PM2 JSON. */
		gen_buf_str(B, "{\"level\":30,\"time\":");
		gen_buf_num(B, (uint64_t)g->now_ms, 1);
		gen_buf_str(B, ",\"pid\":4242,\"hostname\":\"");
		gen_buf_str(B, GEN_PICK(g, gen_hosts));
		gen_buf_str(B, "\",\"req\":{\"method\":\"GET\",\"url\":\"/api/v1/tickets?page=");
		gen_buf_num(B, gen_below(g, 40), 1);
		gen_buf_str(B, "\"},\"msg\":\"request completed\"}\n");
		break;
	}
	gen_emit(g, out, false);
}

static void
gen_t_warn(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	switch (gen_below(g, 3)) {
	case 0:
		/* Starts with '(': a record start, only ')' continues. */
		gen_buf_str(B, "(node:4242) Warning: Possible EventEmitter memory leak "
		    "detected. 11 close listeners added to [Socket]. Use "
		    "emitter.setMaxListeners() to increase limit\n");
		gen_emit(g, err, false);
		gen_buf_str(B, "(Use `node --trace-warnings ...` to show where the "
		    "warning was created)\n");
		break;
	case 1:
		gen_buf_str(B, "[warn] slow query ");
		gen_buf_num(B, 1000 + gen_below(g, 9000), 1);
		gen_buf_str(B, " ms: SELECT * FROM tickets WHERE channel = '");
		gen_buf_str(B, GEN_PICK(g, gen_channels));
		gen_buf_str(B, "'\n");
		break;
	default:
		gen_buf_str(B, "[warn] retrying upstream https://");
		gen_buf_str(B, GEN_PICK(g, gen_hosts));
		gen_buf_str(B, " after 502 (attempt ");
		gen_buf_num(B, 1 + gen_below(g, 5), 1);
		gen_buf_str(B, " of 5)\n");
		break;
	}
	gen_emit(g, err, false);
}

/* "[Omni]" inside ordinary text, never with a whole head: class none. */
static void
gen_t_mention(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	uint64_t n = ++g->seq;

	switch (gen_below(g, 5)) {
	case 0:
		gen_buf_str(B, "[sync] pulled ");
		gen_buf_num(B, gen_below(g, 50), 1);
		gen_buf_str(B, " tickets from [Omni] since cursor ");
		gen_buf_num(B, n, 1);
		gen_buf_chr(B, '\n');
		break;
	case 1:
		gen_buf_str(B, "[webhook] received [Omni] Ticket created event for ");
		gen_ticket_number(B, n);
		gen_buf_chr(B, '\n');
		break;
	case 2:
		gen_buf_str(B, "[metrics] counter \"[Omni] Failed to create ticket\" = ");
		gen_buf_num(B, n % 1000, 1);
		gen_buf_chr(B, '\n');
		break;
	case 3:
		gen_buf_str(B, "[retry] [Omni] Failed to create a session, retrying in ");
		gen_buf_num(B, 1 + gen_below(g, 30), 1);
		gen_buf_str(B, "s\n");
		break;
	default:
		gen_buf_str(B, "[audit] operator opened the [Omni] Ticket created "
		    "successfully dashboard (view ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ")\n");
		break;
	}
	gen_emit(g, gen_below(g, 2) ? out : err, 0);
}

static void
gen_t_odd(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	uint64_t n = ++g->seq;

	switch (gen_below(g, 7)) {
	case 0:
		gen_buf_str(B, "[i18n] Tiket berhasil dibuat untuk pelanggan "
		    "D\xc3\xa9sir\xc3\xa9" "e Uji \xe2\x80\x94 terima kasih! "
		    "\xe2\x9c\x85 \xf0\x9f\x8e\xab (iterasi ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ")\n");
		break;
	case 1:
		gen_buf_str(B, "\x1b[32m[ansi] explicit ANSI green text written by "
		    "the app (iteration ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ")\x1b[0m\n");
		break;
	case 2:
		gen_buf_str(B, "[crlf] this line ends with CR LF (iteration ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ")\r\n");
		break;
	case 3:
		/* One call, three records: none of its lines is indented. */
		gen_buf_str(B, "[multi] one console.log call\nwith an embedded "
		    "newline\nthree lines\n");
		break;
	case 4:
		/* console.log(): an empty line continues the record */
		gen_buf_str(B, "[app] ready after ");
		gen_buf_num(B, gen_below(g, 900), 1);
		gen_buf_str(B, " ms\n");
		gen_emit(g, out, false);
		gen_buf_chr(B, '\n');
		break;
	case 5:
		/* an empty line inside a call, and one after a closed object,
		 * which is a record of its own */
		gen_buf_str(B, "[banner] omni-app v1.4.");
		gen_buf_num(B, n % 10, 1);
		gen_buf_str(B, "\n\n  env: production\n  node: v20.20.2\n");
		gen_emit(g, out, false);
		gen_buf_str(B, "{ uptime: ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ", memory: {\n  rss: 84312064,\n  heapUsed: 31250432\n} }\n");
		gen_emit(g, out, false);
		gen_buf_str(B, "{\n  ready: true\n}\n");
		gen_emit(g, out, false);
		gen_buf_chr(B, '\n');
		break;
	default:
		gen_buf_str(B, "[cfg] loaded config:\n\tport=3000\n\thost=");
		gen_buf_str(B, GEN_PICK(g, gen_hosts));
		gen_buf_str(B, "\n\tchannel=");
		gen_buf_str(B, GEN_PICK(g, gen_channels));
		gen_buf_chr(B, '\n');
		break;
	}
	gen_emit(g, out, false);
}

static void
gen_t_inspect(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	uint64_t n = ++g->seq;
	int i, items;

	switch (gen_below(g, 4)) {
	case 0:
		gen_buf_str(B, "[queue] job payload: {\n  id: 'job-");
		gen_buf_hex(B, gen_rand(g), 6);
		gen_buf_str(B, "',\n  attempts: ");
		gen_buf_num(B, gen_below(g, 4), 1);
		gen_buf_str(B, ",\n  data: { ticketId: ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ", channel: '");
		gen_buf_str(B, GEN_PICK(g, gen_channels));
		gen_buf_str(B, "', priority: 'high' },\n  createdAt: 2026-11-29T10:00:00.000Z\n}\n");
		break;
	case 1:
		/* console.log(array): the first line "[" starts a record. */
		gen_buf_str(B, "[\n");
		items = 2 + (int)gen_below(g, 6);
		for (i = 0; i < items; i++) {
			gen_buf_str(B, "  '");
			gen_buf_str(B, GEN_PICK(g, gen_hosts));
			gen_buf_str(B, i + 1 < items ? "',\n" : "'\n");
		}
		gen_buf_str(B, "]\n");
		break;
	case 2:
		gen_buf_str(B, "Map(2) {\n  'tickets' => ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ",\n  'pending' => [ 'TCK-1', 'TCK-2' ]\n}\n");
		break;
	default:
		gen_buf_str(B, "[sql] SELECT id, ticket_number FROM tickets WHERE id IN (\n  ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ", ");
		gen_buf_num(B, n + 1, 1);
		gen_buf_str(B, ", ");
		gen_buf_num(B, n + 2, 1);
		gen_buf_str(B, "\n)\n");
		break;
	}
	gen_emit(g, out, false);
}

static void
gen_t_stack(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	uint64_t n = ++g->seq;

	switch (gen_below(g, 3)) {
	case 0:
		gen_buf_str(B, "Error: connect ECONNREFUSED 10.0.0.");
		gen_buf_num(B, gen_below(g, 250), 1);
		gen_buf_str(B, ":6379\n"
		    "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {\n"
		    "  errno: -111,\n  code: 'ECONNREFUSED',\n  syscall: 'connect',\n"
		    "  address: '10.0.0.12',\n  port: 6379\n}\n");
		gen_emit(g, err, false);
		break;
	case 1:
		gen_buf_str(B, "TypeError: Cannot read properties of undefined "
		    "(reading 'ticketId') (iteration ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ")\n    at main (/srv/app/omni-test.js:65:19)\n"
		    "    at process.processTicksAndRejections "
		    "(node:internal/process/task_queues:95:5)\n");
		gen_emit(g, err, false);
		break;
	default:
		/* Mentions "[Omni]" but no head: class none. */
		gen_buf_str(B, "[Omni] Unexpected error: Error: Request failed with "
		    "status code 500 (iteration ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, ")\n    at main (/srv/app/omni-test.js:62:17) {\n"
		    "  code: 'ERR_BAD_RESPONSE'\n}\n");
		gen_emit(g, err, false);
		break;
	}
}

/* ---- Route-404 failures, in the shapes util.inspect gives them. ---- */

static void
gen_route_body(struct gen *g, uint64_t n, int shape)
{
	switch (shape) {
	case 0:	/* the object from the issue */
		gen_buf_str(B, " {\n  status: false,\n  message: '',\n  errors: {\n"
		    "    file: '" GEN_ROUTES_FILE "',\n    message: '',\n"
		    "    line: 229\n  }\n}\n");
		break;
	case 1:	/* deeper: [Object], a request, a double-quoted string */
		gen_buf_str(B, " {\n  status: false,\n  message: '',\n  errors: {\n"
		    "    file: '" GEN_ROUTES_FILE "',\n    message: '',\n"
		    "    line: 229,\n    trace: [ [Object], [Object] ]\n  },\n"
		    "  request: {\n    url: 'https://omni.example.test/api/v1/tickets',\n"
		    "    method: 'POST',\n    headers: {\n"
		    "      Authorization: 'Bearer REDACTED-TEST-TOKEN',\n"
		    "      'Content-Type': 'application/json'\n    },\n"
		    "    body: {\n      subject: '");
		gen_subject(g, B, n);
		gen_buf_str(B, "',\n      channel: '");
		gen_buf_str(B, GEN_PICK(g, gen_channels));
		gen_buf_str(B, "',\n      customer: [Object]\n    }\n  },\n"
		    "  note: \"it's a test: quote ' inside string switches "
		    "util.inspect to double quotes\"\n}\n");
		break;
	case 2:	/* short: the inner object fits on one line */
		gen_buf_str(B, " {\n  status: false,\n  message: '',\n"
		    "  errors: { file: 'RoutesRequests.php', line: 229 }\n}\n");
		break;
	case 3:	/* all on the head line */
		gen_buf_str(B, " { status: false, errors: { file: 'RoutesRequests.php' } }\n");
		break;
	case 4:	/* errors as an array */
		gen_buf_str(B, " {\n  status: false,\n  message: 'Not Found',\n"
		    "  errors: [\n    {\n      file: '" GEN_ROUTES_FILE "',\n"
		    "      line: 229\n    }\n  ]\n}\n");
		break;
	case 5:	/* extra keys first, escaped backslashes */
		gen_buf_str(B, " {\n  code: 404,\n  status: false,\n"
		    "  message: 'Route not found',\n  errors: {\n"
		    "    exception: 'Symfony\\\\Component\\\\HttpKernel\\\\"
		    "Exception\\\\NotFoundHttpException',\n"
		    "    file: '" GEN_ROUTES_FILE "',\n    line: 229,\n"
		    "    trace: [Array]\n  },\n  requestId: 'req-");
		gen_buf_hex(B, gen_rand(g), 12);
		gen_buf_str(B, "'\n}\n");
		break;
	default:	/* nested previous exception */
		gen_buf_str(B, " {\n  status: false,\n  message: '',\n  errors: {\n"
		    "    file: '" GEN_ROUTES_FILE "',\n    line: 229,\n"
		    "    previous: {\n      file: '/srv/api/app/Http/Kernel.php',\n"
		    "      line: ");
		gen_buf_num(B, 10 + gen_below(g, 200), 1);
		gen_buf_str(B, "\n    }\n  },\n  attempt: ");
		gen_buf_num(B, 1 + gen_below(g, 3), 1);
		gen_buf_str(B, "\n}\n");
		break;
	}
}

static void
gen_t_route(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	gen_buf_str(B, GEN_OTHER_HEAD);
	gen_route_body(g, ++g->seq, (int)gen_below(g, 7));
	gen_emit(g, err, false);
	a->want.route++;
}

/* ---- Failures of class other. ---- */

static void
gen_t_other(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	uint64_t n = ++g->seq;

	switch (gen_below(g, 5)) {
	case 0:
		gen_buf_str(B, GEN_OTHER_HEAD " {\n  status: false,\n"
		    "  message: 'The given data was invalid.',\n  errors: {\n"
		    "    'customer.email': [ 'The customer.email must be a valid "
		    "email address.' ]\n  }\n}\n");
		break;
	case 1:
		gen_buf_str(B, GEN_OTHER_HEAD " Request failed with status code ");
		gen_buf_str(B, gen_below(g, 2) ? "500\n" : "503\n");
		break;
	case 2:
		gen_buf_str(B, GEN_OTHER_HEAD " { status: false, message: "
		    "'Unauthenticated.' }\n");
		break;
	case 3:
		gen_buf_str(B, GEN_OTHER_HEAD " undefined\n");
		break;
	default:
		gen_buf_str(B, GEN_OTHER_HEAD " {\n  status: false,\n  message: "
		    "'Duplicate ticket for request ");
		gen_buf_num(B, n, 1);
		gen_buf_str(B, "',\n  errors: { ticket: [ 'already exists' ] }\n}\n");
		break;
	}
	gen_emit(g, err, false);
	a->want.other++;
}

/*
 * Failures that hold the words of a route-404 but not in the order the
 * regex asks for, or not within the record: all of class other.
 */
static void
gen_t_other_trap(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	uint64_t n = ++g->seq;

	switch (gen_below(g, 6)) {
	case 0:
		/* Not a route failure; the NEXT record names RoutesRequests. */
		gen_buf_str(B, GEN_OTHER_HEAD " {\n  status: false,\n  message: '',\n"
		    "  errors: {\n    file: '/srv/api/app/Services/TicketService.php',\n"
		    "    line: 88\n  }\n}\n");
		gen_emit(g, err, false);
		gen_buf_str(B, "[router] 404 for POST /api/v1/tickets handled by "
		    GEN_ROUTES_FILE ":229\n");
		break;
	case 1:
		/* errors: comes before status: false */
		gen_buf_str(B, GEN_OTHER_HEAD " {\n  errors: {\n    file: '"
		    GEN_ROUTES_FILE "',\n    line: 229\n  },\n  status: false,\n"
		    "  message: ''\n}\n");
		break;
	case 2:
		/* An Error, not an object: no "{" right after the head. */
		gen_buf_str(B, GEN_OTHER_HEAD " AxiosError: Request failed with "
		    "status code 404\n"
		    "    at settle (/srv/app/node_modules/axios/lib/core/settle.js:19:12)\n"
		    "    at IncomingMessage.handleStreamEnd "
		    "(/srv/app/node_modules/axios/lib/adapters/http.js:599:11) {\n"
		    "  code: 'ERR_BAD_REQUEST',\n  status: 404,\n  response: {\n"
		    "    data: { status: false, message: '', errors: { file: '"
		    GEN_ROUTES_FILE "', line: 229 } }\n  }\n}\n");
		break;
	case 3:
		/* burst.js: a label between the head and the object */
		gen_buf_str(B, GEN_OTHER_HEAD " seq=");
		gen_buf_num(B, n, 1);
		gen_route_body(g, n, 0);
		break;
	case 4:
		/* status is not false */
		gen_buf_str(B, GEN_OTHER_HEAD " {\n  status: 'error',\n"
		    "  message: 'Upstream timeout',\n  errors: { file: '"
		    GEN_ROUTES_FILE "' }\n}\n");
		break;
	default:
		/* RoutesRequests.php only before "errors:" */
		gen_buf_str(B, GEN_OTHER_HEAD " {\n  status: false,\n  message: 'see "
		    GEN_ROUTES_FILE "',\n  errors: null\n}\n");
		break;
	}
	gen_emit(g, err, false);
	a->want.other++;
}

/*
 * What fork mode with --time leaves after a 64 KiB chunk edge: the head of
 * a record is cut (samples/pm2/08).  Indented, the rest follows the "}" of
 * the record before it and is an orphan; not indented, it begins with a
 * tail of the head.  Either way omniwatch calls it damaged (match.h).
 */
static void
gen_t_headless(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	gen_buf_str(B, GEN_OTHER_HEAD);
	gen_route_body(g, ++g->seq, 0);
	gen_emit(g, err, false);
	a->want.route++;
	switch (gen_below(g, 4)) {
	case 0:
		gen_buf_str(B, " create ticket:");
		gen_route_body(g, g->seq, 2);
		break;
	case 1:
		gen_buf_str(B, "to create ticket:");
		gen_route_body(g, g->seq, 0);
		break;
	case 2:
		/* only "ket: {" is left: too short alone, but an object
		 * holding "status: false" */
		gen_buf_str(B, "ket:");
		gen_route_body(g, g->seq, 2);
		break;
	default:
		gen_buf_str(B, "cessfully: {\n  ticketId: ");
		gen_buf_num(B, g->seq, 1);
		gen_buf_str(B, ",\n  ticket_number: '");
		gen_ticket_number(B, g->seq);
		gen_buf_str(B, "'\n}\n");
		gen_emit(g, out, false);
		a->want.damaged++;
		return;
	}
	gen_emit(g, err, false);
	a->want.damaged++;
}

/*
 * Lines that lost their record: an orphan after a closed object.  With an
 * inner literal of the omni regexes it is damaged; without, nothing.  And
 * an object after a short head tail, but with no literal: nothing.  A
 * brace after a plain line is damaged; after a label line ("row:") it is
 * an object of its own.
 */
static void
gen_t_orphan(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	gen_buf_str(B, "Error: connect ETIMEDOUT 10.0.0.7:443\n"
	    "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {\n"
	    "  code: 'ETIMEDOUT'\n}\n");
	gen_emit(g, err, false);
	switch (gen_below(g, 7)) {
	case 0:
		gen_buf_str(B, "  status: false,\n  message: '',\n"
		    "  errors: { file: 'RoutesRequests.php', line: 229 }\n}\n");
		a->want.damaged++;
		break;
	case 1:
		gen_buf_str(B, "    at process.processTicksAndRejections "
		    "(node:internal/process/task_queues:95:5)\n");
		break;
	case 2:
		gen_buf_str(B, "ket: {\n  retry: true,\n  delayMs: 500\n}\n");
		break;
	case 3:
		/* all but the brace lost, right after a closed record */
		gen_buf_str(B, "{\n  ticketId: ");
		gen_buf_num(B, ++g->seq, 1);
		gen_buf_str(B, ",\n  ticket_number: '");
		gen_ticket_number(B, g->seq);
		gen_buf_str(B, "'\n}\n");
		a->want.damaged++;
		break;
	case 4:
		gen_buf_str(B, ": {\n  status: false,\n  errors: { file: "
		    "'RoutesRequests.php' }\n}\n");
		a->want.damaged++;
		break;
	case 5:
		/* all but the brace lost, right after a plain line: what
		 * PM2's fork mode leaves when a burst drops the head */
		gen_buf_str(B, "[http] POST /api/v1/tickets -> "
		    "partner.example.test (ticket #");
		gen_buf_num(B, ++g->seq, 1);
		gen_buf_str(B, ")\n{\n  ticketId: ");
		gen_buf_num(B, g->seq, 1);
		gen_buf_str(B, ",\n  ticket_number: '");
		gen_ticket_number(B, g->seq);
		gen_buf_str(B, "'\n}\n");
		a->want.damaged++;
		break;
	default:
		/* the same brace after a label line: an object of its own */
		gen_buf_str(B, "[db] row as stored:\n");
		gen_emit(g, err, false);
		gen_buf_str(B, "{\n  ticketId: ");
		gen_buf_num(B, ++g->seq, 1);
		gen_buf_str(B, ",\n  status: 'open'\n}\n");
		break;
	}
	gen_emit(g, err, false);
}

/* ---- Successes. ---- */

static void
gen_success_line(struct gen *g, uint64_t id)
{
	gen_buf_str(B, GEN_SUCCESS_HEAD " ticketId: ");
	gen_buf_num(B, id, 1);
	gen_buf_str(B, ", ticket_number: '");
	gen_ticket_number(B, id);
	gen_buf_str(B, "' }\n");
}

static void
gen_t_success(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	uint64_t id = ++g->seq;

	switch (gen_below(g, 4)) {
	case 0:
		gen_success_line(g, id);
		break;
	case 1:
		gen_buf_str(B, GEN_SUCCESS_HEAD "\n  ticketId: ");
		gen_buf_num(B, id, 1);
		gen_buf_str(B, ",\n  ticket_number: '");
		gen_ticket_number(B, id);
		gen_buf_str(B, "',\n  subject: '");
		gen_subject(g, B, id);
		gen_buf_str(B, "',\n  requester: { email: 'customer@example.test', "
		    "name: '");
		gen_buf_str(B, GEN_PICK(g, gen_names));
		gen_buf_str(B, "' },\n  tags: [ 'pm2', 'lab', 'fake' ]\n}\n");
		break;
	case 2:
		gen_buf_str(B, GEN_SUCCESS_HEAD "\n  data: {\n    ticketId: ");
		gen_buf_num(B, id, 1);
		gen_buf_str(B, ",\n    ticket_number: '");
		gen_ticket_number(B, id);
		gen_buf_str(B, "',\n    status: 'open'\n  },\n  meta: { requestId: 'req-");
		gen_buf_hex(B, gen_rand(g), 6);
		gen_buf_str(B, "', durationMs: ");
		gen_buf_num(B, gen_below(g, 2000), 1);
		gen_buf_str(B, " }\n}\n");
		break;
	default:
		gen_buf_str(B, GEN_SUCCESS_HEAD "\n  ticketId: ");
		gen_buf_num(B, id, 1);
		gen_buf_str(B, ",\n  ticket_number: \"");
		gen_ticket_number(B, id);
		gen_buf_str(B, "\",\n  subject: \"Customer's ");
		gen_buf_str(B, GEN_PICK(g, gen_words));
		gen_buf_str(B, " stopped working\"\n}\n");
		break;
	}
	gen_emit(g, out, false);
	a->want.successes++;
}

/*
 * A success head without a complete match: damaged.  The records after it
 * hold the missing "ticket_number:", which a matcher that runs past the end
 * of the record would wrongly take.
 */
static void
gen_t_damaged(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	uint64_t id = ++g->seq;

	switch (gen_below(g, 4)) {
	case 0:
		gen_buf_str(B, GEN_SUCCESS_HEAD "\n  ticketId: ");
		gen_buf_num(B, id, 1);
		gen_buf_str(B, ",\n  subject: '");
		gen_subject(g, B, id);
		gen_buf_str(B, "',\n  status: 'queued'\n}\n");
		gen_emit(g, out, false);
		gen_success_line(g, ++g->seq);
		a->want.successes++;
		break;
	case 1:
		/* ticket_number before ticketId: the regex wants the order */
		gen_buf_str(B, GEN_SUCCESS_HEAD " ticket_number: '");
		gen_ticket_number(B, id);
		gen_buf_str(B, "', ticketId: ");
		gen_buf_num(B, id, 1);
		gen_buf_str(B, " }\n");
		break;
	case 2:
		gen_buf_str(B, GEN_SUCCESS_HEAD " ticketId: ");
		gen_buf_num(B, id, 1);
		gen_buf_str(B, " }\n");
		gen_emit(g, out, false);
		gen_buf_str(B, "[audit] ticket_number: '");
		gen_ticket_number(B, id);
		gen_buf_str(B, "' assigned later by the sync job\n");
		break;
	default:
		/* cut short: the closing lines never came */
		gen_buf_str(B, GEN_SUCCESS_HEAD "\n  ticketId: ");
		gen_buf_num(B, id, 1);
		gen_buf_str(B, ",\n");
		gen_emit(g, out, false);
		gen_buf_str(B, "[http] POST /api/v1/tickets -> 201 ticket_number=");
		gen_ticket_number(B, id);
		gen_buf_chr(B, '\n');
		break;
	}
	gen_emit(g, out, false);
	a->want.damaged++;
}

/* A success head text without the "{": not a head, class none. */
static void
gen_t_not_head(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	gen_buf_str(B, "[Omni] Ticket created successfully: ");
	gen_ticket_number(B, ++g->seq);
	gen_buf_chr(B, '\n');
	gen_emit(g, out, false);
}

/* A 100 KB ASCII line and a 120 KB line of U+20AC, as omni-test.js. */
static void
gen_t_big(struct gen *g, struct gen_app *a, struct gen_file *out,
    struct gen_file *err)
{
	gen_buf_str(B, "[app] line just before the big line\n");
	gen_emit(g, out, false);
	gen_buf_str(B, "[bigline] START ");
	gen_buf_rep(B, "A", 100 * 1024);
	gen_buf_str(B, " END-OF-BIGLINE\n");
	gen_emit(g, out, false);
	gen_buf_str(B, "[bigutf8] START+ ");
	gen_buf_rep(B, "\xe2\x82\xac", 40000);
	gen_buf_str(B, " END-OF-BIGUTF8\n");
	gen_emit(g, out, false);
	gen_buf_str(B, "[app] line just after the big lines\n");
	gen_emit(g, out, false);
}

#undef B

typedef void gen_template_fn(struct gen *, struct gen_app *, struct gen_file *,
    struct gen_file *);

/* The default mix, as weights out of their sum (-w changes it). */
static const struct gen_kind {
	const char	*name;
	gen_template_fn	*fn;
	unsigned	 weight;
} gen_kinds[] = {
	{ "plain",	gen_t_plain,		40 },
	{ "warn",	gen_t_warn,		4 },
	{ "mention",	gen_t_mention,		3 },
	{ "odd",	gen_t_odd,		5 },
	{ "inspect",	gen_t_inspect,		7 },
	{ "stack",	gen_t_stack,		6 },
	{ "route",	gen_t_route,		10 },
	{ "other",	gen_t_other,		4 },
	{ "other_trap",	gen_t_other_trap,	4 },
	{ "headless",	gen_t_headless,		1 },
	{ "orphan",	gen_t_orphan,		1 },
	{ "success",	gen_t_success,		11 },
	{ "damaged",	gen_t_damaged,		2 },
	{ "not_head",	gen_t_not_head,		1 },
};

#define GEN_NKINDS	(sizeof(gen_kinds) / sizeof(gen_kinds[0]))
#define GEN_BIG_EVENT	200	/* first big line pair, then 1 in GEN_BIG_ODDS */
#define GEN_BIG_ODDS	200000

static void
gen_event(struct gen *g)
{
	struct gen_app *a = &g->apps[gen_below(g, (uint64_t)g->napps)];
	int inst = (int)gen_below(g, (uint64_t)a->nfiles);
	unsigned r;
	size_t i;

	g->events++;
	if (g->events == GEN_BIG_EVENT || gen_below(g, GEN_BIG_ODDS) == 0) {
		gen_t_big(g, a, a->out[inst], a->err[inst]);
		return;
	}
	r = (unsigned)gen_below(g, g->weight_total);
	for (i = 0; r >= g->weights[i]; i++)
		r -= g->weights[i];
	gen_kinds[i].fn(g, a, a->out[inst], a->err[inst]);
}

/* ---- Setup, finish and the truth file. ---- */

static const char *const gen_app_names[] = { "omni-app", "billing-api",
    "ticket-worker", "notify", "web-gw", "cron-jobs" };

static void
gen_open(struct gen *g)
{
	int a, i, n = 0, pm_id = 0;

	if (mkdir(g->dir, 0777) == -1 && errno != EEXIST)
		gen_fatal("%s: mkdir: %s", g->dir, strerror(errno));
	g->nfiles = g->napps * g->instances * 2;
	g->files = calloc((size_t)g->nfiles, sizeof(*g->files));
	if (g->files == NULL)
		gen_fatal("out of memory");
	for (a = 0; a < g->napps; a++) {
		struct gen_app *app = &g->apps[a];

		if (a < (int)(sizeof(gen_app_names) / sizeof(gen_app_names[0])))
			snprintf(app->name, sizeof(app->name), "%s",
			    gen_app_names[a]);
		else
			snprintf(app->name, sizeof(app->name), "svc-%c",
			    'a' + a);
		app->nfiles = g->instances;
		for (i = 0; i < g->instances; i++, pm_id++) {
			int is_err;

			for (is_err = 0; is_err < 2; is_err++) {
				struct gen_file *f = &g->files[n++];
				char path[4096];

				f->app = a;
				f->pm_id = pm_id;
				f->counts.first = f->counts.last =
				    GEN_STAMP_NONE;
				f->is_err = is_err != 0;
				if (GEN_IS_CLUSTER(g))
					snprintf(f->name, sizeof(f->name),
					    "%s-%s-%d.log", app->name,
					    is_err ? "error" : "out", pm_id);
				else
					snprintf(f->name, sizeof(f->name),
					    "%s-%s.log", app->name,
					    is_err ? "error" : "out");
				snprintf(path, sizeof(path), "%s/%s", g->dir,
				    f->name);
				f->fp = fopen(path, "wb");
				if (f->fp == NULL)
					gen_fatal("%s: %s", path, strerror(errno));
				f->out = malloc(GEN_OUT_BUFSIZE);
				if (f->out == NULL)
					gen_fatal("out of memory");
				if (is_err)
					app->err[i] = f;
				else
					app->out[i] = f;
			}
		}
	}
}

/* An app that dies prints its uncaught exception last. */
static void
gen_close(struct gen *g)
{
	int i;

	for (i = 0; i < g->nfiles; i++) {
		struct gen_file *f = &g->files[i];
		char path[4096];

		if (f->is_err) {
			gen_buf_str(&g->call, "Error: [Omni] simulated uncaught "
			    "exception (fake, end of test)\n"
			    "    at Timeout._onTimeout (/srv/app/omni-test.js:81:30)\n"
			    "    at listOnTimeout (node:internal/timers:581:17)\n"
			    "    at process.processTimers (node:internal/timers:519:7)\n");
			gen_emit(g, f, GEN_IS_CLUSTER(g));
		}
		if (g->mode == GEN_MODE_JSON || g->mode == GEN_MODE_TIME)
			gen_chunk_call(g, f, true);
		gen_record_close(f);
		gen_file_flush(f);
		snprintf(path, sizeof(path), "%s/%s", g->dir, f->name);
		if (fclose(f->fp) != 0)
			gen_fatal("%s: close: %s", path, strerror(errno));
		f->fp = NULL;
	}
}

static void
gen_counts_add(struct gen_counts *to, const struct gen_counts *c)
{
	gen_counts_stamp(to, c->first);
	gen_counts_stamp(to, c->last);
	to->records += c->records;
	to->successes += c->successes;
	to->route += c->route;
	to->other += c->other;
	to->damaged += c->damaged;
}

/* omniwatch's format: "2026-11-29T20:31:22Z", ".mmm" only when not 0. */
static void
gen_print_stamp(FILE *fp, int64_t ms)
{
	int y, m, d;
	int64_t sec, tod;

	if (ms == GEN_STAMP_NONE) {
		fputs("null", fp);
		return;
	}
	sec = ms / 1000;
	tod = sec % 86400;
	gen_civil(sec / 86400, &y, &m, &d);
	fprintf(fp, "\"%04d-%02d-%02dT%02d:%02d:%02d", y, m, d,
	    (int)(tod / 3600), (int)(tod / 60 % 60), (int)(tod % 60));
	if (ms % 1000 != 0)
		fprintf(fp, ".%03d", (int)(ms % 1000));
	fputs("Z\"", fp);
}

static void
gen_counts_print(FILE *fp, const struct gen_counts *c)
{
	fprintf(fp, "{\"records\": %llu, \"failures\": %llu, \"successes\": %llu, "
	    "\"damaged\": %llu, \"route_not_found\": %llu, \"other\": %llu, "
	    "\"first\": ",
	    (unsigned long long)c->records,
	    (unsigned long long)(c->route + c->other),
	    (unsigned long long)c->successes, (unsigned long long)c->damaged,
	    (unsigned long long)c->route, (unsigned long long)c->other);
	gen_print_stamp(fp, c->first);
	fputs(", \"last\": ", fp);
	gen_print_stamp(fp, c->last);
	fputc('}', fp);
}

/*
 * Fails when the classifier and the templates' intent disagree; not
 * checked when --time chunking threw text away, which changes classes.
 */
static void
gen_check(struct gen *g, struct gen_counts *per_app)
{
	int a;

	if (g->lost_bytes > 0)
		return;
	for (a = 0; a < g->napps; a++) {
		const struct gen_counts *got = &per_app[a];
		const struct gen_counts *want = &g->apps[a].want;

		if (got->successes != want->successes ||
		    got->route != want->route || got->other != want->other ||
		    got->damaged != want->damaged)
			gen_fatal("template bug in app %s: classified "
			    "S=%llu R=%llu O=%llu D=%llu, meant "
			    "S=%llu R=%llu O=%llu D=%llu", g->apps[a].name,
			    (unsigned long long)got->successes,
			    (unsigned long long)got->route,
			    (unsigned long long)got->other,
			    (unsigned long long)got->damaged,
			    (unsigned long long)want->successes,
			    (unsigned long long)want->route,
			    (unsigned long long)want->other,
			    (unsigned long long)want->damaged);
	}
}

/* One entry of "files"; first/last are per app and total only. */
static void
gen_file_print(FILE *fp, const struct gen *g, int comma, const char *name,
    int app, uint64_t bytes, const struct gen_counts *c)
{
	struct gen_counts n = *c;

	n.first = n.last = GEN_STAMP_NONE;
	fprintf(fp, "%s\n    {\"path\": \"%s\", \"app\": \"%s\", "
	    "\"bytes\": %llu, \"counts\": ", comma ? "," : "", name,
	    g->apps[app].name, (unsigned long long)bytes);
	gen_counts_print(fp, &n);
	fputc('}', fp);
}

static void
gen_truth(struct gen *g)
{
	struct gen_counts per_app[GEN_APPS_MAX], total;
	FILE *fp;
	int a, i;
	size_t k;

	memset(per_app, 0, sizeof(per_app));
	memset(&total, 0, sizeof(total));
	total.first = total.last = GEN_STAMP_NONE;
	for (a = 0; a < GEN_APPS_MAX; a++)
		per_app[a].first = per_app[a].last = GEN_STAMP_NONE;
	for (i = 0; i < g->nfiles; i++) {
		gen_counts_add(&per_app[g->files[i].app], &g->files[i].counts);
		gen_counts_add(&total, &g->files[i].counts);
	}
	gen_check(g, per_app);
	if (g->truth_path == NULL)
		return;
	fp = strcmp(g->truth_path, "-") == 0 ? stdout : fopen(g->truth_path, "w");
	if (fp == NULL)
		gen_fatal("%s: %s", g->truth_path, strerror(errno));
	fprintf(fp, "{\n  \"generator\": \"gencorpus\",\n  \"seed\": %llu,\n"
	    "  \"mode\": \"%s\",\n  \"bytes\": %llu,\n"
	    "  \"cut_chunks\": %llu,\n  \"lost_bytes\": %llu,\n  \"total\": ",
	    (unsigned long long)g->seed, gen_mode_names[g->mode],
	    (unsigned long long)g->total_bytes,
	    (unsigned long long)g->cut_chunks,
	    (unsigned long long)g->lost_bytes);
	gen_counts_print(fp, &total);
	fputs(",\n  \"apps\": {", fp);
	for (a = 0; a < g->napps; a++) {
		fprintf(fp, "%s\n    \"%s\": ", a ? "," : "", g->apps[a].name);
		gen_counts_print(fp, &per_app[a]);
	}
	fputs("\n  },\n  \"files\": [", fp);
	for (k = 0; k < g->nparts; k++)
		gen_file_print(fp, g, k > 0, g->parts[k].name, g->parts[k].app,
		    g->parts[k].bytes, &g->parts[k].counts);
	for (i = 0; i < g->nfiles; i++) {
		const struct gen_file *f = &g->files[i];
		struct gen_counts live = f->counts;

		gen_counts_sub(&live, &f->part_counts);
		gen_file_print(fp, g, i > 0 || g->nparts > 0, f->name, f->app,
		    f->bytes - f->part_bytes, &live);
	}
	fputs("\n  ]\n}\n", fp);
	if (fp != stdout ? fclose(fp) != 0 : fflush(fp) != 0)
		gen_fatal("%s: write: %s", g->truth_path, strerror(errno));
}

static void gen_usage(void) __attribute__((noreturn));

static void
gen_usage(void)
{
	fputs("usage: gencorpus [-s SEED] [-b BYTES[k|M|G] | -n RECORDS]\n"
	    "                 [-m fork|time|cluster|json|cluster-json] [-a APPS]\n"
	    "                 [-i INSTANCES] [-r ROTATE_BYTES]\n"
	    "                 [-w TEMPLATE=WEIGHT,...]"
	    " -o DIR [-t TRUTH.json|-]\n", stderr);
	exit(2);
}

/* -w NAME=N[,NAME=N]...: new weights for some templates. */
static void
gen_parse_weights(unsigned *weights, const char *arg)
{
	const char *p = arg;
	size_t i, n;

	while (*p != '\0') {
		char *end;
		unsigned long w;

		n = strcspn(p, "=");
		for (i = 0; i < GEN_NKINDS; i++)
			if (strlen(gen_kinds[i].name) == n &&
			    strncmp(gen_kinds[i].name, p, n) == 0)
				break;
		if (i == GEN_NKINDS || p[n] != '=')
			gen_fatal("-w: no template '%.*s' (see gen_kinds in "
			    "gencorpus.c)", (int)n, p);
		errno = 0;
		w = strtoul(p + n + 1, &end, 10);
		if (errno != 0 || end == p + n + 1 || w > 1000000 ||
		    (*end != ',' && *end != '\0'))
			gen_fatal("-w: bad weight in '%s'", arg);
		weights[i] = (unsigned)w;
		p = *end == ',' ? end + 1 : end;
	}
}

static uint64_t
gen_parse_size(const char *arg)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || end == arg)
		gen_fatal("bad size '%s'", arg);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end != '\0')
		gen_fatal("bad size '%s' (a number, optionally k, M or G)", arg);
	return v;
}

int
main(int argc, char **argv)
{
	struct gen g;
	int ch, i;

	memset(&g, 0, sizeof(g));
	g.seed = 1;
	g.napps = 2;
	g.instances = 0;
	g.stamp_sec = -1;
	g.target_bytes = GEN_DEFAULT_BYTES;
	g.weights = calloc(GEN_NKINDS, sizeof(*g.weights));
	if (g.weights == NULL)
		gen_fatal("out of memory");
	for (i = 0; i < (int)GEN_NKINDS; i++)
		g.weights[i] = gen_kinds[i].weight;
	while ((ch = getopt(argc, argv, "a:b:hi:m:n:o:r:s:t:w:")) != -1) {
		switch (ch) {
		case 'a':
			g.napps = atoi(optarg);
			if (g.napps < 1 || g.napps > GEN_APPS_MAX)
				gen_fatal("-a: 1 to %d apps", GEN_APPS_MAX);
			break;
		case 'b':
			g.target_bytes = gen_parse_size(optarg);
			g.target_records = 0;
			break;
		case 'i':
			g.instances = atoi(optarg);
			if (g.instances < 1 || g.instances > GEN_INSTANCES_MAX)
				gen_fatal("-i: 1 to %d instances",
				    GEN_INSTANCES_MAX);
			break;
		case 'm':
			for (i = 0; i < GEN_NMODES; i++)
				if (strcmp(optarg, gen_mode_names[i]) == 0)
					break;
			if (i == GEN_NMODES)
				gen_fatal("-m: fork, time, cluster, json or "
				    "cluster-json");
			g.mode = (enum gen_mode)i;
			break;
		case 'n':
			g.target_records = gen_parse_size(optarg);
			g.target_bytes = 0;
			break;
		case 'o':
			g.dir = optarg;
			break;
		case 'r':
			g.rotate_bytes = gen_parse_size(optarg);
			break;
		case 's':
			g.seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			g.truth_path = optarg;
			break;
		case 'w':
			gen_parse_weights(g.weights, optarg);
			break;
		default:
			gen_usage();
		}
	}
	if (g.dir == NULL || optind != argc)
		gen_usage();
	if (g.instances == 0)
		g.instances = GEN_IS_CLUSTER(&g) ? 2 : 1;
	else if (g.instances > 1 && !GEN_IS_CLUSTER(&g))
		gen_fatal("-i: instances need -m cluster");
	g.rng = g.seed;
	for (i = 0; i < (int)GEN_NKINDS; i++)
		g.weight_total += g.weights[i];
	if (g.weight_total == 0)
		gen_fatal("-w: all weights are 0");
	g.now_ms = GEN_START_MS;

	gen_open(&g);
	if (g.target_bytes > 0)
		while (g.total_bytes < g.target_bytes)
			gen_event(&g);
	else
		while (g.records_started < g.target_records)
			gen_event(&g);
	gen_close(&g);
	gen_truth(&g);

	for (i = 0; i < g.nfiles; i++) {
		gen_buf_release(&g.files[i].rec);
		gen_buf_release(&g.files[i].pending);
		gen_buf_release(&g.files[i].jline);
		free(g.files[i].out);
	}
	free(g.files);
	free(g.parts);
	free(g.weights);
	gen_buf_release(&g.call);
	return 0;
}
