/*
 * pm2_daemon: see pm2_daemon.h.  The parser matches a line against the
 * few message shapes PM2 writes, from the end where an app name could
 * hold the same text ("App [a] online:1] online" is app "a] online",
 * pm_id 1): a name is anything PM2 accepts, the id and the tail are not.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "line.h"
#include "log.h"
#include "pm2_daemon.h"
#include "stamp.h"
#include "xmalloc.h"

#define PM2_DAEMON_APPS_MAX	4096	/* instances remembered */

const char *const pm2_event_names[PM2_EVENT_N] = {
	"restarts", "unplanned_exits", "planned_stops", "errored",
};

int
pm2_event_parse(const char *s, enum pm2_event *ev)
{
	for (int i = 0; i < PM2_EVENT_N; i++)
		if (strcmp(s, pm2_event_names[i]) == 0) {
			*ev = (enum pm2_event)i;
			return 0;
		}
	return -1;
}

static const char *const pm2_state_names[] = {
	"", "launching", "online", "stopping", "stopped", "errored", "lost",
};

const char *
pm2_state_name(enum pm2_state s)
{
	return pm2_state_names[s];
}

enum pm2_state
pm2_state_parse(const char *s)
{
	for (size_t i = 1; i < sizeof(pm2_state_names) /
	    sizeof(pm2_state_names[0]); i++)
		if (strcmp(s, pm2_state_names[i]) == 0)
			return (enum pm2_state)i;
	return PM2_STATE_UNKNOWN;
}

/* ---------------------------------------------------------------------
 * The parser.
 */

static bool
pm2_daemon_starts(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && memcmp(p, lit, n) == 0;
}

static bool
pm2_daemon_ends(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && memcmp(p + len - n, lit, n) == 0;
}

/* The last occurrence of LIT in (P, LEN), or NULL. */
static const char *
pm2_daemon_rfind(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	for (size_t i = len >= n ? len - n + 1 : 0; i > 0; i--)
		if (memcmp(p + i - 1, lit, n) == 0)
			return p + i - 1;
	return NULL;
}

/* Reads ID ("3", "_old_3") of (P, LEN) into OUT: true, or false. */
static bool
pm2_daemon_id(const char *p, size_t len, struct pm2_daemon_line *out)
{
	int id = 0;

	out->is_old = pm2_daemon_starts(p, len, "_old_");
	if (out->is_old) {
		p += 5;
		len -= 5;
	}
	if (len == 0 || len > 9)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)p[i]))
			return false;
		id = id * 10 + (p[i] - '0');
	}
	out->id = id;
	return true;
}

/* "NAME:ID" (P, LEN): the name is everything before the last ':'. */
static bool
pm2_daemon_name_id(const char *p, size_t len, const char *sep,
    struct pm2_daemon_line *out)
{
	const char *s = pm2_daemon_rfind(p, len, sep);

	if (s == NULL || s == p)
		return false;
	out->app = p;
	out->app_len = (size_t)(s - p);
	s += strlen(sep);
	return pm2_daemon_id(s, (size_t)(p + len - s), out);
}

/* "App [NAME:ID]TAIL" lines: TAIL says which. */
static enum pm2_daemon_kind
pm2_daemon_app_line(const char *p, size_t len, struct pm2_daemon_line *out)
{
	static const struct {
		const char *mark;	/* follows "NAME:ID" */
		bool is_end;		/* the line ends with it */
		enum pm2_daemon_kind kind;
	} tails[] = {
		{ "] online", true, PM2_DAEMON_ONLINE },
		{ "] starting in -fork mode-", true, PM2_DAEMON_STARTING },
		{ "] starting in -cluster mode-", true, PM2_DAEMON_STARTING },
		{ "] exited with code [", false, PM2_DAEMON_EXITED },
		{ "] stale exit event ignored (pid ", false,
		    PM2_DAEMON_STALE_EXIT },
	};

	p += 5;		/* "App [" */
	len -= 5;
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		const char *m;

		if (tails[i].is_end) {
			if (!pm2_daemon_ends(p, len, tails[i].mark))
				continue;
			m = p + len - strlen(tails[i].mark);
		} else if ((m = pm2_daemon_rfind(p, len, tails[i].mark)) ==
		    NULL)
			continue;
		if (!pm2_daemon_name_id(p, (size_t)(m - p), ":", out))
			return PM2_DAEMON_NONE;
		if (tails[i].kind == PM2_DAEMON_STARTING)
			out->mode = i == 1 ? PM2_MODE_FORK : PM2_MODE_CLUSTER;
		return tails[i].kind;
	}
	return PM2_DAEMON_NONE;
}

void
pm2_daemon_parse(const char *p, size_t len, struct pm2_daemon_line *out)
{
	int64_t ms;
	size_t n;
	bool is_error;

	memset(out, 0, sizeof(*out));
	out->id = -1;
	out->ts_ms = STAMP_NONE;
	n = stamp_parse_pm2_prefix(p, len, &ms);
	if (n > 0) {
		out->ts_ms = ms;
		p += n;
		len -= n;
	}
	if (pm2_daemon_starts(p, len, "PM2 log: ")) {
		p += 9;
		len -= 9;
		is_error = false;
	} else if (pm2_daemon_starts(p, len, "PM2 error: ")) {
		p += 11;
		len -= 11;
		is_error = true;
	} else
		return;
	if (is_error) {
		/* "app=NAME id=ID does not have a pid" */
		if (pm2_daemon_starts(p, len, "app=") &&
		    pm2_daemon_ends(p, len, " does not have a pid") &&
		    pm2_daemon_name_id(p + 4, len - 4 - 20, " id=", out))
			out->kind = PM2_DAEMON_NO_PID;
		return;
	}
	if (pm2_daemon_starts(p, len, "App [")) {
		out->kind = pm2_daemon_app_line(p, len, out);
	} else if (pm2_daemon_starts(p, len, "Stopping app:")) {
		if (pm2_daemon_name_id(p + 13, len - 13, " id:", out))
			out->kind = PM2_DAEMON_STOPPING;
	} else if (pm2_daemon_starts(p, len, "Script ") &&
	    pm2_daemon_rfind(p, len, " had too many unstable restarts (") !=
	    NULL) {
		out->kind = PM2_DAEMON_ERRORED;
	} else if (pm2_daemon_starts(p, len, "--- New PM2 Daemon started")) {
		out->kind = PM2_DAEMON_STARTED;
	} else if ((len == 24 && memcmp(p, "PM2 successfully stopped", 24) ==
	    0) || (len == 17 && memcmp(p, "Exited peacefully", 17) == 0)) {
		out->kind = PM2_DAEMON_STOPPED;
	}
	if (out->kind == PM2_DAEMON_NONE) {
		out->app = NULL;
		out->app_len = 0;
		out->id = -1;
		out->is_old = false;
	}
}

/* ---------------------------------------------------------------------
 * The tracker.
 */

struct pm2_tracker {
	struct pm2_tracker_cb cb;
	struct pm2_instance *inst;
	size_t		 ninst;
	size_t		 last;		/* lookup cache */
	/* The instance of the exit line just read, for an "errored" line
	 * that follows it; SIZE_MAX when the last line was no exit. */
	size_t		 last_exit;
	bool		 warned_full;
};

struct pm2_tracker *
pm2_tracker_new(const struct pm2_tracker_cb *cb)
{
	struct pm2_tracker *t = xcalloc(1, sizeof(*t));

	t->cb = *cb;
	t->last_exit = SIZE_MAX;
	return t;
}

/* The instance APP (LEN bytes), ID; SIZE_MAX when there is no room. */
static size_t
pm2_tracker_find(struct pm2_tracker *t, const char *app, size_t len, int id)
{
	struct pm2_instance *i;
	size_t k;

	if (t->last < t->ninst && t->inst[t->last].id == id &&
	    strlen(t->inst[t->last].app) == len &&
	    memcmp(t->inst[t->last].app, app, len) == 0)
		return t->last;
	for (k = 0; k < t->ninst; k++)
		if (t->inst[k].id == id && strlen(t->inst[k].app) == len &&
		    memcmp(t->inst[k].app, app, len) == 0)
			break;
	if (k == t->ninst) {
		if (t->ninst == PM2_DAEMON_APPS_MAX)
			return SIZE_MAX;
		t->inst = xreallocarray(t->inst, t->ninst + 1,
		    sizeof(*t->inst));
		i = &t->inst[t->ninst++];
		memset(i, 0, sizeof(*i));
		i->app = xstrndup(app, len);
		i->id = id;
		i->since_ms = STAMP_NONE;
	}
	t->last = k;
	return k;
}

void
pm2_tracker_seed(struct pm2_tracker *t, const struct pm2_instance *i)
{
	size_t k = pm2_tracker_find(t, i->app, strlen(i->app), i->id);

	if (k == SIZE_MAX)
		return;
	t->inst[k].mode = i->mode;
	t->inst[k].state = i->state;
	t->inst[k].since_ms = i->since_ms;
	t->inst[k].has_started = i->has_started;
}

static void
pm2_tracker_event(struct pm2_tracker *t, size_t k, enum pm2_event ev,
    int64_t ts)
{
	if (t->cb.event != NULL)
		t->cb.event(t->cb.ctx, &t->inst[k], ev, ts);
}

static void
pm2_tracker_state(struct pm2_tracker *t, size_t k, enum pm2_state s,
    int64_t ts)
{
	struct pm2_instance *i = &t->inst[k];

	if (i->state == s)
		return;
	i->state = s;
	i->since_ms = ts;
	if (t->cb.state != NULL)
		t->cb.state(t->cb.ctx, i);
}

/*
 * A daemon started or stopped: what ran under the old one is gone.  A
 * clean stop logs its apps' stops first (lib/God.js killAll); what is
 * still running when a new daemon starts went with a daemon that died
 * (SIGKILL, a crash: nothing logged), and is lost until started again.
 */
static void
pm2_tracker_daemon(struct pm2_tracker *t, bool is_start, int64_t ts)
{
	for (size_t k = 0; k < t->ninst; k++) {
		enum pm2_state s = t->inst[k].state;

		t->inst[k].has_started = false;
		if (is_start && (s == PM2_STATE_ONLINE ||
		    s == PM2_STATE_LAUNCHING))
			pm2_tracker_state(t, k, PM2_STATE_LOST, ts);
		else if (s != PM2_STATE_ERRORED && s != PM2_STATE_UNKNOWN &&
		    s != PM2_STATE_LOST)
			pm2_tracker_state(t, k, PM2_STATE_STOPPED, ts);
	}
}

void
pm2_tracker_line(struct pm2_tracker *t, const struct pm2_daemon_line *l)
{
	size_t k = SIZE_MAX, exit_k = t->last_exit;
	struct pm2_instance *i;

	/* PM2 writes nothing between an exit line and its "errored" line
	 * (one synchronous call); lines of other kinds are skipped alike
	 * whether a caller hands them on or not. */
	if (l->kind == PM2_DAEMON_NONE)
		return;
	t->last_exit = SIZE_MAX;
	if (l->kind == PM2_DAEMON_STARTED || l->kind == PM2_DAEMON_STOPPED) {
		pm2_tracker_daemon(t, l->kind == PM2_DAEMON_STARTED, l->ts_ms);
		return;
	}
	if (l->kind == PM2_DAEMON_ERRORED) {
		if (exit_k == SIZE_MAX)
			return;		/* its exit line is in an older log */
		pm2_tracker_event(t, exit_k, PM2_EVENT_ERRORED, l->ts_ms);
		pm2_tracker_state(t, exit_k, PM2_STATE_ERRORED, l->ts_ms);
		return;
	}
	if (l->app == NULL)
		return;
	k = pm2_tracker_find(t, l->app, l->app_len, l->id);
	if (k == SIZE_MAX) {
		if (!t->warned_full)
			log_warnx("pm2.log: more than %d app instances; the "
			    "others are not tracked", PM2_DAEMON_APPS_MAX);
		t->warned_full = true;
		return;
	}
	i = &t->inst[k];
	if (l->is_old) {
		/* The worker a reload replaces: its stop was asked for, and
		 * its exit says nothing of the new worker under the id. */
		if (l->kind == PM2_DAEMON_STOPPING)
			pm2_tracker_event(t, k, PM2_EVENT_PLANNED_STOP,
			    l->ts_ms);
		return;
	}
	switch (l->kind) {
	case PM2_DAEMON_STARTING:
		if (i->mode != l->mode) {
			i->mode = l->mode;
			if (t->cb.state != NULL)
				t->cb.state(t->cb.ctx, i);
		}
		if (i->has_started)
			pm2_tracker_event(t, k, PM2_EVENT_RESTART, l->ts_ms);
		i->has_started = true;
		pm2_tracker_state(t, k, PM2_STATE_LAUNCHING, l->ts_ms);
		break;
	case PM2_DAEMON_ONLINE:
		i->has_started = true;
		pm2_tracker_state(t, k, PM2_STATE_ONLINE, l->ts_ms);
		break;
	case PM2_DAEMON_EXITED:
		if (i->state != PM2_STATE_STOPPING)
			pm2_tracker_event(t, k, PM2_EVENT_UNPLANNED_EXIT,
			    l->ts_ms);
		pm2_tracker_state(t, k, PM2_STATE_STOPPED, l->ts_ms);
		t->last_exit = k;
		break;
	case PM2_DAEMON_STOPPING:
		pm2_tracker_event(t, k, PM2_EVENT_PLANNED_STOP, l->ts_ms);
		pm2_tracker_state(t, k, PM2_STATE_STOPPING, l->ts_ms);
		break;
	case PM2_DAEMON_NO_PID:
		pm2_tracker_state(t, k, PM2_STATE_STOPPED, l->ts_ms);
		break;
	default:
		break;
	}
}

const struct pm2_instance *
pm2_tracker_instances(const struct pm2_tracker *t, size_t *n)
{
	*n = t->ninst;
	return t->inst;
}

void
pm2_tracker_free(struct pm2_tracker *t)
{
	if (t == NULL)
		return;
	for (size_t k = 0; k < t->ninst; k++)
		free(t->inst[k].app);
	free(t->inst);
	free(t);
}

/* ---------------------------------------------------------------------
 * The reader.
 */

struct pm2_daemon_reader {
	struct line_reader *lines;
	void		(*cb)(void *ctx, const struct pm2_daemon_line *l);
	void		*ctx;
	uint64_t	 nlines;
	/* An exit line kept back (its app copied). */
	bool		 has_kept;
	struct pm2_daemon_line kept;
	char		*kept_app;
};

static void
pm2_daemon_reader_emit_kept(struct pm2_daemon_reader *r)
{
	if (!r->has_kept)
		return;
	r->has_kept = false;
	r->kept.app = r->kept_app;
	r->cb(r->ctx, &r->kept);
	free(r->kept_app);
	r->kept_app = NULL;
}

static void
pm2_daemon_reader_line(void *ctx, const struct line *line)
{
	struct pm2_daemon_reader *r = ctx;
	struct pm2_daemon_line l;

	r->nlines++;
	pm2_daemon_parse(line->ptr, line->len, &l);
	l.offset = line->offset;
	l.end = line->end;
	if (l.kind == PM2_DAEMON_STALE_EXIT && r->has_kept && !l.is_old &&
	    r->kept.id == l.id && r->kept.app_len == l.app_len &&
	    memcmp(r->kept_app, l.app, l.app_len) == 0) {
		/* lib/God.js: the exit was of a replaced generation. */
		r->has_kept = false;
		free(r->kept_app);
		r->kept_app = NULL;
		return;
	}
	pm2_daemon_reader_emit_kept(r);
	if (l.kind == PM2_DAEMON_EXITED) {
		r->kept = l;
		r->kept_app = xstrndup(l.app, l.app_len);
		r->has_kept = true;
		return;
	}
	r->cb(r->ctx, &l);
}

struct pm2_daemon_reader *
pm2_daemon_reader_new(size_t max_line,
    void (*line)(void *ctx, const struct pm2_daemon_line *l), void *ctx)
{
	struct pm2_daemon_reader *r = xcalloc(1, sizeof(*r));
	struct line_reader_cb lcb;

	memset(&lcb, 0, sizeof(lcb));
	lcb.line = pm2_daemon_reader_line;
	lcb.ctx = r;
	r->cb = line;
	r->ctx = ctx;
	r->lines = line_reader_new(max_line, &lcb);
	return r;
}

void
pm2_daemon_reader_feed(struct pm2_daemon_reader *r, const char *buf,
    size_t len)
{
	line_reader_feed(r->lines, buf, len);
}

void
pm2_daemon_reader_flush(struct pm2_daemon_reader *r)
{
	pm2_daemon_reader_emit_kept(r);
}

void
pm2_daemon_reader_finish(struct pm2_daemon_reader *r, bool emit_partial)
{
	line_reader_finish(r->lines, emit_partial);
	pm2_daemon_reader_emit_kept(r);
}

void
pm2_daemon_reader_reset(struct pm2_daemon_reader *r, uint64_t offset)
{
	r->has_kept = false;
	free(r->kept_app);
	r->kept_app = NULL;
	line_reader_reset(r->lines, offset);
}

uint64_t
pm2_daemon_reader_safe_offset(const struct pm2_daemon_reader *r)
{
	return r->has_kept ? r->kept.offset :
	    line_reader_done_offset(r->lines);
}

bool
pm2_daemon_reader_is_pending(const struct pm2_daemon_reader *r)
{
	return r->has_kept || line_reader_in_line(r->lines);
}

uint64_t
pm2_daemon_reader_lines(const struct pm2_daemon_reader *r)
{
	return r->nlines;
}

void
pm2_daemon_reader_free(struct pm2_daemon_reader *r)
{
	if (r == NULL)
		return;
	line_reader_free(r->lines);
	free(r->kept_app);
	free(r);
}
