/*
 * metrics: see metrics.h.  The page is rendered afresh for each scrape and
 * each textfile write: the record counters kept here, then whatever the
 * render callback adds (tail, alerts, receivers).
 */
#include "autoconf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fnv.h"
#include "log.h"
#include "metrics.h"
#include "metrics_int.h"
#include "stamp.h"
#include "utf8.h"
#include "xmalloc.h"

struct metrics_buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
	bool		 is_full;	/* hit METRICS_PAGE_MAX: rest dropped */
};

/* ---------------------------------------------------------------------
 * The page.
 */

static void
metrics_put(struct metrics_buf *b, const char *p, size_t len)
{
	if (b->is_full)
		return;
	if (b->len + len + 1 > METRICS_PAGE_MAX) {
		b->is_full = true;
		return;
	}
	if (b->len + len + 1 > b->cap) {
		while (b->len + len + 1 > b->cap)
			b->cap = b->cap == 0 ? 4096 : b->cap * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void
metrics_puts(struct metrics_buf *b, const char *s)
{
	metrics_put(b, s, strlen(s));
}

void
metrics_family(struct metrics_buf *b, const char *name, const char *type,
    const char *help)
{
	metrics_puts(b, "# HELP ");
	metrics_puts(b, name);
	metrics_puts(b, " ");
	metrics_puts(b, help);
	metrics_puts(b, "\n# TYPE ");
	metrics_puts(b, name);
	metrics_puts(b, " ");
	metrics_puts(b, type);
	metrics_puts(b, "\n");
}

/* A label value: valid UTF-8, with \, " and LF escaped. */
static void
metrics_label_value(struct metrics_buf *b, const char *v)
{
	size_t len;
	char *clean = utf8_clean(v, strlen(v), &len);

	for (size_t i = 0; i < len; i++) {
		if (clean[i] == '\\')
			metrics_puts(b, "\\\\");
		else if (clean[i] == '"')
			metrics_puts(b, "\\\"");
		else if (clean[i] == '\n')
			metrics_puts(b, "\\n");
		else
			metrics_put(b, &clean[i], 1);
	}
	free(clean);
}

/*
 * VALUE as the exposition format writes a number, into BUF (64 bytes):
 * whole numbers as integers (counters read better, and exactly); others
 * with the fewest digits that read back as the same double, as the Go
 * client does (strconv.FormatFloat(v, 'g', -1, 64)): 0.004, never
 * %.17g's 0.0040000000000000001; NaN, +Inf and -Inf as the format
 * spells them.  Returns BUF.
 */
static const char *
metrics_number(double value, char *buf)
{
	if (isnan(value))
		return strcpy(buf, "NaN");
	if (isinf(value))
		return strcpy(buf, value > 0 ? "+Inf" : "-Inf");
	if (value == (double)(int64_t)value && value < 9e15 && value > -9e15) {
		snprintf(buf, 64, "%lld", (long long)value);
		return buf;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, 64, "%.*g", prec, value);
		if (strtod(buf, NULL) == value)
			break;
	}
	return buf;
}

void
metrics_sample(struct metrics_buf *b, const char *name, double value,
    size_t nlabels, const char *const *labels)
{
	char num[64];

	metrics_puts(b, name);
	for (size_t i = 0; i < nlabels; i++) {
		metrics_puts(b, i == 0 ? "{" : ",");
		metrics_puts(b, labels[2 * i]);
		metrics_puts(b, "=\"");
		metrics_label_value(b, labels[2 * i + 1]);
		metrics_puts(b, "\"");
	}
	if (nlabels > 0)
		metrics_puts(b, "}");
	metrics_puts(b, " ");
	metrics_puts(b, metrics_number(value, num));
	metrics_puts(b, "\n");
}

char *
metrics_render(struct metrics *m, size_t *len)
{
	struct metrics_buf b = { NULL, 0, 0, false };

	metrics_put(&b, "", 0);
	metrics_family(&b, "omniwatch_records_total", "counter", "Records "
	    "counted since start, by pattern set, app, outcome (success, "
	    "failure, damaged), failure class and, in cluster mode, PM2 "
	    "instance (pm_id).");
	for (size_t i = 0; i < m->ncounts; i++) {
		const struct metrics_count *c = &m->counts[i];
		char id[16];
		const char *l[] = { "pattern_set", c->set, "app", c->app,
		    "outcome", c->outcome, "class", c->class, "instance", id };

		snprintf(id, sizeof(id), "%d", c->instance);
		metrics_sample(&b, "omniwatch_records_total", (double)c->n,
		    c->instance >= 0 ? 5 : 4, l);
	}
	metrics_family(&b, "omniwatch_last_success_timestamp_seconds", "gauge",
	    "When the last success of a pattern set was logged (its stamp, "
	    "else when it was read).");
	for (size_t i = 0; i < m->nlasts; i++) {
		const char *l[] = { "pattern_set", m->lasts[i].set };

		metrics_sample(&b, "omniwatch_last_success_timestamp_seconds",
		    (double)m->lasts[i].ms / 1000.0, 1, l);
	}
	if (m->cb.render != NULL)
		m->cb.render(m->cb.ctx, &b);
	if (b.is_full)
		log_warnx("metrics: the page is over %d bytes; the rest is "
		    "left out", METRICS_PAGE_MAX);
	*len = b.len;
	return b.p;
}

/* ---------------------------------------------------------------------
 * Counters.
 */

/* Is C the counter of these labels? */
static bool
metrics_count_is(const struct metrics_count *c, const char *set,
    const char *app, int instance, const char *outcome, const char *class)
{
	return c->instance == instance && strcmp(c->set, set) == 0 &&
	    strcmp(c->app, app) == 0 && strcmp(c->outcome, outcome) == 0 &&
	    strcmp(c->class, class) == 0;
}

/* FNV-1a (fnv.h) over the labels, each with its NUL. */
static size_t
metrics_count_hash(const char *set, const char *app, int instance,
    const char *outcome, const char *class)
{
	const char *parts[] = { set, app, outcome, class };
	uint64_t h = FNV1A64_INIT ^ (uint32_t)instance;

	for (size_t i = 0; i < 4; i++)
		h = fnv1a64_str(h, parts[i]);
	return (size_t)h;
}

/* The slot of the counter of these labels (hashed to H): its own, or the
 * free one it would take. */
static size_t *
metrics_slot(struct metrics *m, size_t h, const char *set, const char *app,
    int instance, const char *outcome, const char *class)
{
	size_t mask = m->nslots - 1;

	for (size_t j = h & mask; ; j = (j + 1) & mask) {
		size_t *s = &m->slots[j];

		if (*s == 0 || metrics_count_is(&m->counts[*s - 1], set, app,
		    instance, outcome, class))
			return s;
	}
}

/* Twice the slots (64 at first), every counter placed again. */
static void
metrics_slots_grow(struct metrics *m)
{
	m->nslots = m->nslots == 0 ? 64 : m->nslots * 2;
	m->slots = xreallocarray(m->slots, m->nslots, sizeof(*m->slots));
	memset(m->slots, 0, m->nslots * sizeof(*m->slots));
	for (size_t i = 0; i < m->ncounts; i++) {
		const struct metrics_count *c = &m->counts[i];

		*metrics_slot(m, metrics_count_hash(c->set, c->app,
		    c->instance, c->outcome, c->class), c->set, c->app,
		    c->instance, c->outcome, c->class) = i + 1;
	}
}

void
metrics_record(struct metrics *m, const char *set, const char *app,
    int instance, const char *outcome, const char *class)
{
	struct metrics_count *c;
	size_t i = m->last_hit, h, *slot;

	if (i < m->ncounts) {
		c = &m->counts[i];
		if (metrics_count_is(c, set, app, instance, outcome, class)) {
			c->n++;
			return;
		}
	}
	if (2 * (m->ncounts + 1) > m->nslots)
		metrics_slots_grow(m);
	h = metrics_count_hash(set, app, instance, outcome, class);
	slot = metrics_slot(m, h, set, app, instance, outcome, class);
	if (*slot == 0) {
		m->counts = xreallocarray(m->counts, m->ncounts + 1,
		    sizeof(*m->counts));
		c = &m->counts[m->ncounts++];
		c->set = xstrdup(set);
		c->app = xstrdup(app);
		c->outcome = xstrdup(outcome);
		c->class = xstrdup(class);
		c->instance = instance;
		c->n = 0;
		*slot = m->ncounts;
	}
	i = *slot - 1;
	m->counts[i].n++;
	m->last_hit = i;
}

void
metrics_last_success(struct metrics *m, const char *set, int64_t ms)
{
	size_t i;

	for (i = 0; i < m->nlasts; i++)
		if (strcmp(m->lasts[i].set, set) == 0)
			break;
	if (i == m->nlasts) {
		m->lasts = xreallocarray(m->lasts, m->nlasts + 1,
		    sizeof(*m->lasts));
		m->lasts[m->nlasts].set = xstrdup(set);
		m->lasts[m->nlasts++].ms = ms;
		return;
	}
	if (ms > m->lasts[i].ms)
		m->lasts[i].ms = ms;
}

/* ---------------------------------------------------------------------
 * The listener (metrics_listen.c).
 */

int
metrics_fd(const struct metrics *m)
{
	return m->fd;
}

void
metrics_event(struct metrics *m)
{
	metrics_listen_run(m);
}

/* ---------------------------------------------------------------------
 * The textfile.
 */

int
metrics_write_textfile(struct metrics *m)
{
	const char *path = m->cfg->metrics_textfile;
	char *tmp, *page;
	size_t len;
	FILE *fp;
	int rc = -1;

	if (path == NULL)
		return 0;
	/* Beside the target, so that rename(2) replaces it atomically:
	 * node_exporter never reads half a file. */
	tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	page = metrics_render(m, &len);
	fp = fopen(tmp, "w");
	if (fp != NULL && fwrite(page, 1, len, fp) == len && fflush(fp) == 0 &&
	    fsync(fileno(fp)) == 0 && fclose(fp) == 0) {
		fp = NULL;
		if (rename(tmp, path) == 0)
			rc = 0;
	}
	if (rc != 0) {
		if (!m->warned_textfile)
			log_warn("metrics: cannot write %s", path);
		m->warned_textfile = true;
		if (fp != NULL)
			fclose(fp);
		unlink(tmp);
	} else
		m->warned_textfile = false;
	free(page);
	free(tmp);
	return rc;
}

void
metrics_tick(struct metrics *m, int64_t now_ms)
{
	metrics_listen_tick(m);
	if (m->next_textfile_ms != 0 && now_ms >= m->next_textfile_ms) {
		metrics_write_textfile(m);
		m->next_textfile_ms = now_ms + m->cfg->metrics_textfile_ms;
	}
}

int64_t
metrics_deadline(const struct metrics *m, int64_t now_ms)
{
	int64_t next = m->next_textfile_ms != 0 ? m->next_textfile_ms :
	    INT64_MAX;
	int64_t mhd = metrics_listen_deadline(m, now_ms);

	return mhd < next ? mhd : next;
}

/* ---------------------------------------------------------------------
 * Setting up.
 */

struct metrics *
metrics_new(const struct config *cfg, int epfd, const struct metrics_cb *cb,
    char **err)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	*err = NULL;
	m->cfg = cfg;
	m->epfd = epfd;
	m->cb = *cb;
	m->fd = -1;
	if (cfg->metrics_listen != NULL && metrics_listen_start(m, err) != 0) {
		metrics_free(m);
		return NULL;
	}
	if (cfg->metrics_textfile != NULL) {
		/* The first file once the start's backlog is counted. */
		m->next_textfile_ms = stamp_now_ms() + 1000;
	}
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	metrics_listen_stop(m);
	for (size_t i = 0; i < m->ncounts; i++) {
		free(m->counts[i].set);
		free(m->counts[i].app);
		free(m->counts[i].outcome);
		free(m->counts[i].class);
	}
	free(m->counts);
	free(m->slots);
	for (size_t i = 0; i < m->nlasts; i++)
		free(m->lasts[i].set);
	free(m->lasts);
	free(m);
}
