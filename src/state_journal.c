/*
 * state_journal: see state_journal.h.  Rows are found again through an
 * open-addressing table of op indexes keyed by the row's primary key
 * (FNV-1a over its fields), so that folding a change is O(1).
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "fnv.h"
#include "stamp.h"
#include "state_journal.h"
#include "xmalloc.h"

/* The row an op changes; ops without one (the spool) are never found. */
static uint64_t
state_journal_hash(const struct state_op *op)
{
	uint64_t h = FNV1A64_INIT ^ (uint64_t)op->kind;

	switch (op->kind) {
	case STATE_OP_COUNT:
		h = fnv1a64(h, &op->u.count.minute_ms,
		    sizeof(op->u.count.minute_ms));
		h = fnv1a64(h, &op->instance, sizeof(op->instance));
		h = fnv1a64_str(h, op->u.count.pattern_set);
		h = fnv1a64_str(h, op->u.count.app);
		h = fnv1a64_str(h, op->u.count.stream);
		h = fnv1a64_str(h, op->u.count.outcome);
		return fnv1a64_str(h, op->u.count.class);
	case STATE_OP_FILE_SAVE:
		h = fnv1a64(h, &op->u.file.dev,
		    sizeof(op->u.file.dev));
		return fnv1a64(h, &op->u.file.ino,
		    sizeof(op->u.file.ino));
	case STATE_OP_ALERT_SAVE:
		return fnv1a64_str(h, op->u.alert.name);
	default:
		return h;
	}
}

static bool
state_journal_same_row(const struct state_op *a, const struct state_op *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case STATE_OP_COUNT:
		return a->u.count.minute_ms == b->u.count.minute_ms &&
		    a->instance == b->instance &&
		    strcmp(a->u.count.pattern_set, b->u.count.pattern_set) == 0 &&
		    strcmp(a->u.count.app, b->u.count.app) == 0 &&
		    strcmp(a->u.count.stream, b->u.count.stream) == 0 &&
		    strcmp(a->u.count.outcome, b->u.count.outcome) == 0 &&
		    strcmp(a->u.count.class, b->u.count.class) == 0;
	case STATE_OP_FILE_SAVE:
		return a->u.file.dev == b->u.file.dev &&
		    a->u.file.ino == b->u.file.ino;
	case STATE_OP_ALERT_SAVE:
		return strcmp(a->u.alert.name, b->u.alert.name) == 0;
	default:
		return false;
	}
}

static void
state_journal_rehash(struct state_journal *j)
{
	size_t n = j->nslots == 0 ? 64 : j->nslots * 2;

	free(j->slots);
	j->slots = xcalloc(n, sizeof(*j->slots));
	j->nslots = n;
	j->nused = 0;
	for (size_t i = 0; i < j->nops; i++) {
		const struct state_op *op = &j->ops[i];
		size_t s;

		if (op->kind != STATE_OP_COUNT &&
		    op->kind != STATE_OP_FILE_SAVE &&
		    op->kind != STATE_OP_ALERT_SAVE)
			continue;
		s = (size_t)state_journal_hash(op) & (n - 1);
		while (j->slots[s] != 0) {
			/* The later op of a row is the one to fold into. */
			if (state_journal_same_row(&j->ops[j->slots[s] - 1],
			    op))
				break;
			s = (s + 1) & (n - 1);
		}
		if (j->slots[s] == 0)
			j->nused++;
		j->slots[s] = i + 1;
	}
}

/* The slot of OP's row (holding the latest op of it), or a free one. */
static size_t *
state_journal_slot(struct state_journal *j, const struct state_op *op)
{
	size_t s;

	if (2 * (j->nused + 1) > j->nslots)
		state_journal_rehash(j);
	s = (size_t)state_journal_hash(op) & (j->nslots - 1);
	while (j->slots[s] != 0 &&
	    !state_journal_same_row(&j->ops[j->slots[s] - 1], op))
		s = (s + 1) & (j->nslots - 1);
	return &j->slots[s];
}

static struct state_op *
state_journal_append(struct state_journal *j, const struct state_op *op)
{
	if (j->nops == j->cap) {
		j->cap = j->cap == 0 ? 64 : j->cap * 2;
		j->ops = xreallocarray(j->ops, j->cap, sizeof(*j->ops));
	}
	j->ops[j->nops] = *op;
	return &j->ops[j->nops++];
}

/* Appends OP, or returns the op of its row to fold into (not sealed). */
static struct state_op *
state_journal_row(struct state_journal *j, const struct state_op *op,
    bool *is_new)
{
	size_t *slot = state_journal_slot(j, op);

	if (*slot != 0 && !j->ops[*slot - 1].is_sealed) {
		*is_new = false;
		return &j->ops[*slot - 1];
	}
	if (*slot == 0)
		j->nused++;
	*is_new = true;
	state_journal_append(j, op);
	*slot = j->nops;
	return &j->ops[j->nops - 1];
}

static int64_t
state_journal_min(int64_t a, int64_t b)
{
	if (a == STAMP_NONE)
		return b;
	if (b == STAMP_NONE)
		return a;
	return a < b ? a : b;
}

static int64_t
state_journal_max(int64_t a, int64_t b)
{
	if (a == STAMP_NONE)
		return b;
	if (b == STAMP_NONE)
		return a;
	return a > b ? a : b;
}

void
state_journal_count(struct state_journal *j, const struct state_count *c,
    int instance)
{
	struct state_op op = { .kind = STATE_OP_COUNT };
	struct state_op *row;
	bool is_new;

	op.instance = instance;
	op.u.count = *c;
	row = state_journal_row(j, &op, &is_new);
	if (is_new) {
		struct state_count *n = &row->u.count;

		n->pattern_set = xstrdup(c->pattern_set);
		n->app = xstrdup(c->app);
		n->stream = xstrdup(c->stream);
		n->outcome = xstrdup(c->outcome);
		n->class = xstrdup(c->class);
		return;
	}
	row->u.count.count += c->count;
	row->u.count.first_ms = state_journal_min(row->u.count.first_ms,
	    c->first_ms);
	row->u.count.last_ms = state_journal_max(row->u.count.last_ms,
	    c->last_ms);
}

void
state_journal_file_save(struct state_journal *j, const struct state_file *f)
{
	struct state_op op = { .kind = STATE_OP_FILE_SAVE };
	struct state_op *row;
	bool is_new;

	op.u.file = *f;
	row = state_journal_row(j, &op, &is_new);
	if (!is_new)
		free(row->u.file.path);
	row->u.file = *f;
	row->u.file.path = xstrdup(f->path != NULL ? f->path : "");
}

/* Seals the latest op of KEY's row, so that what follows is replayed after
 * the forget, not folded in before it. */
static void
state_journal_seal(struct state_journal *j, const struct state_op *key)
{
	size_t *slot;

	if (j->nslots == 0)
		return;
	slot = state_journal_slot(j, key);
	if (*slot != 0)
		j->ops[*slot - 1].is_sealed = true;
}

void
state_journal_file_forget(struct state_journal *j, uint64_t dev, uint64_t ino)
{
	struct state_op op = { .kind = STATE_OP_FILE_SAVE };

	op.u.file.dev = dev;
	op.u.file.ino = ino;
	state_journal_seal(j, &op);
	op.kind = STATE_OP_FILE_FORGET;
	op.u.file.path = NULL;
	state_journal_append(j, &op);
}

static void
state_journal_alert_copy(struct state_alert *dst, const struct state_alert *a)
{
	char *sample = xmalloc(a->sample_len + 1);

	*dst = *a;
	dst->name = xstrdup(a->name);
	dst->status = xstrdup(a->status);
	dst->id = xstrdup(a->id);
	if (a->sample_len > 0)
		memcpy(sample, a->sample, a->sample_len);
	sample[a->sample_len] = '\0';
	dst->sample = sample;
}

static void
state_journal_alert_release(struct state_alert *a)
{
	free((char *)a->name);
	free((char *)a->status);
	free((char *)a->id);
	free((char *)a->sample);
}

void
state_journal_alert_save(struct state_journal *j, const struct state_alert *a)
{
	struct state_op op = { .kind = STATE_OP_ALERT_SAVE };
	struct state_op *row;
	bool is_new;

	op.u.alert = *a;
	row = state_journal_row(j, &op, &is_new);
	if (!is_new)
		state_journal_alert_release(&row->u.alert);
	state_journal_alert_copy(&row->u.alert, a);
}

void
state_journal_alert_forget(struct state_journal *j, const char *name)
{
	struct state_op op = { .kind = STATE_OP_ALERT_SAVE };

	op.u.alert.name = name;
	state_journal_seal(j, &op);
	op.kind = STATE_OP_ALERT_FORGET;
	op.u.alert.name = xstrdup(name);
	state_journal_append(j, &op);
}

void
state_journal_spool_add(struct state_journal *j, const struct state_notice *n)
{
	struct state_op op = { .kind = STATE_OP_SPOOL_ADD };
	struct state_notice *c = &op.u.notice;
	char *body = xmalloc(n->len + 1);

	*c = *n;
	c->receiver = xstrdup(n->receiver);
	c->alert = xstrdup(n->alert);
	c->alert_id = xstrdup(n->alert_id);
	c->status = xstrdup(n->status);
	if (n->len > 0)
		memcpy(body, n->body, n->len);
	body[n->len] = '\0';
	c->body = body;
	state_journal_append(j, &op);
}

void
state_journal_spool_remove(struct state_journal *j, int64_t seq)
{
	struct state_op op = { .kind = STATE_OP_SPOOL_REMOVE };

	op.u.notice.seq = seq;
	state_journal_append(j, &op);
}

void
state_journal_custom(struct state_journal *j, const struct state_custom *c)
{
	struct state_op op = { .kind = STATE_OP_CUSTOM };

	op.u.custom = *c;
	state_journal_append(j, &op);
}

void
state_journal_clear(struct state_journal *j)
{
	for (size_t i = 0; i < j->nops; i++) {
		struct state_op *op = &j->ops[i];

		switch (op->kind) {
		case STATE_OP_COUNT:
			free((char *)op->u.count.pattern_set);
			free((char *)op->u.count.app);
			free((char *)op->u.count.stream);
			free((char *)op->u.count.outcome);
			free((char *)op->u.count.class);
			break;
		case STATE_OP_FILE_SAVE:
			free(op->u.file.path);
			break;
		case STATE_OP_ALERT_SAVE:
			state_journal_alert_release(&op->u.alert);
			break;
		case STATE_OP_ALERT_FORGET:
			free((char *)op->u.alert.name);
			break;
		case STATE_OP_SPOOL_ADD:
			free((char *)op->u.notice.receiver);
			free((char *)op->u.notice.alert);
			free((char *)op->u.notice.alert_id);
			free((char *)op->u.notice.status);
			free((char *)op->u.notice.body);
			break;
		case STATE_OP_CUSTOM:
			op->u.custom.release(op->u.custom.payload);
			break;
		default:
			break;
		}
	}
	free(j->ops);
	free(j->slots);
	memset(j, 0, sizeof(*j));
}
