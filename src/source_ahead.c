/*
 * source_ahead: a gzip source inflated in a thread of its own, so that
 * inflating one file and scanning it run on two CPUs at once.
 *
 * The thread calls source_read_here, as the caller's thread would, into
 * SOURCE_AHEAD_BUFS buffers of SOURCE_AHEAD_BUFSIZE bytes that go round a
 * small bounded queue: memory stays the same whatever the file's size.
 * Each buffer carries the offsets the source had when it was filled, and
 * the last one how the read ended, so the caller sees the same bytes, the
 * same offsets once a buffer is used up, and the same end (SOURCE_EOF, or
 * SOURCE_ERROR with the same message) as without the thread.
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "source_int.h"
#include "xmalloc.h"

#define SOURCE_AHEAD_BUFS	3
#define SOURCE_AHEAD_BUFSIZE	(512 * 1024)

struct source_ahead_buf {
	char		*data;
	size_t		 len;
	size_t		 pos;		/* bytes the caller took */
	uint64_t	 raw_start, raw_end;
	uint64_t	 out_start;
	enum source_result end;		/* SOURCE_OK but for the last one */
};

struct source_ahead {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct source_ahead_buf bufs[SOURCE_AHEAD_BUFS];
	size_t		 head;		/* the buffer the caller reads */
	size_t		 count;		/* buffers filled, from head on */
	bool		 is_stopping;	/* source_free: the thread ends */
	bool		 is_lent;	/* the head buffer is lent out whole */
	/* The caller's view, as source.c's fields are without the thread. */
	uint64_t	 raw_offset;
	uint64_t	 out_offset;
	enum source_result last;
	bool		 is_done;
	char		*error;
};

/* Fills B from SRC until it is full or the read ends. */
static void
source_ahead_fill(struct source *src, struct source_ahead_buf *b)
{
	enum source_result r = SOURCE_OK;
	size_t n;

	b->len = 0;
	b->pos = 0;
	b->raw_start = src->raw_offset;
	b->out_start = src->out_offset;
	while (b->len < SOURCE_AHEAD_BUFSIZE) {
		r = source_read_here(src, b->data + b->len,
		    SOURCE_AHEAD_BUFSIZE - b->len, &n);
		b->len += n;
		if (r != SOURCE_OK)
			break;
	}
	b->raw_end = src->raw_offset;
	b->end = r;
}

static void *
source_ahead_run(void *arg)
{
	struct source *src = arg;
	struct source_ahead *a = src->ahead;
	enum source_result end = SOURCE_OK;

	while (end == SOURCE_OK) {
		struct source_ahead_buf *b;

		pthread_mutex_lock(&a->lock);
		while (a->count == SOURCE_AHEAD_BUFS && !a->is_stopping)
			pthread_cond_wait(&a->cond, &a->lock);
		if (a->is_stopping) {
			pthread_mutex_unlock(&a->lock);
			break;
		}
		b = &a->bufs[(a->head + a->count) % SOURCE_AHEAD_BUFS];
		pthread_mutex_unlock(&a->lock);

		source_ahead_fill(src, b);
		end = b->end;

		pthread_mutex_lock(&a->lock);
		a->count++;
		pthread_cond_broadcast(&a->cond);
		pthread_mutex_unlock(&a->lock);
	}
	return NULL;
}

int
source_read_ahead(struct source *src)
{
	struct source_ahead *a;

	if (!src->is_gz || src->is_done || src->ahead != NULL)
		return 0;
	a = xcalloc(1, sizeof(*a));
	for (size_t i = 0; i < SOURCE_AHEAD_BUFS; i++)
		a->bufs[i].data = xmalloc(SOURCE_AHEAD_BUFSIZE);
	a->raw_offset = src->raw_offset;
	a->out_offset = src->out_offset;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	src->ahead = a;
	if (pthread_create(&a->thread, NULL, source_ahead_run, src) != 0) {
		src->ahead = NULL;
		pthread_cond_destroy(&a->cond);
		pthread_mutex_destroy(&a->lock);
		for (size_t i = 0; i < SOURCE_AHEAD_BUFS; i++)
			free(a->bufs[i].data);
		free(a);
		return -1;
	}
	return 0;
}

/* Gives the used-up head buffer back to the thread. */
static void
source_ahead_release(struct source_ahead *a)
{
	pthread_mutex_lock(&a->lock);
	a->head = (a->head + 1) % SOURCE_AHEAD_BUFS;
	a->count--;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

enum source_result
source_ahead_take(struct source *src, char *buf, size_t cap, size_t *n,
    const char **lent)
{
	struct source_ahead *a = src->ahead;
	struct source_ahead_buf *b;
	size_t take;

	*n = 0;
	/* The bytes lent last time are the caller's no more. */
	if (a->is_lent) {
		a->is_lent = false;
		source_ahead_release(a);
	}
	if (a->is_done)
		return a->last;
	pthread_mutex_lock(&a->lock);
	while (a->count == 0)
		pthread_cond_wait(&a->cond, &a->lock);
	b = &a->bufs[a->head];
	pthread_mutex_unlock(&a->lock);

	take = b->len - b->pos < cap ? b->len - b->pos : cap;
	if (lent != NULL)
		*lent = b->data + b->pos;
	else
		memcpy(buf, b->data + b->pos, take);
	b->pos += take;
	*n = take;
	a->out_offset = b->out_start + b->pos;
	if (b->pos < b->len)
		return SOURCE_OK;
	/* The buffer is used up: its offsets are the source's. */
	a->raw_offset = b->raw_end;
	if (b->end != SOURCE_OK) {
		a->is_done = true;
		a->last = b->end;
		/* The thread has ended: its error is safe to read. */
		if (b->end == SOURCE_ERROR && src->error != NULL)
			a->error = xstrdup(src->error);
		if (take == 0)
			return a->last;
		return SOURCE_OK;
	}
	if (lent != NULL)
		a->is_lent = true;
	else
		source_ahead_release(a);
	if (take == 0)
		return source_ahead_take(src, buf, cap, n, lent);
	return SOURCE_OK;
}

uint64_t
source_ahead_raw_offset(const struct source *src)
{
	return src->ahead->raw_offset;
}

uint64_t
source_ahead_out_offset(const struct source *src)
{
	return src->ahead->out_offset;
}

const char *
source_ahead_error(const struct source *src)
{
	return src->ahead->error;
}

void
source_ahead_free(struct source *src)
{
	struct source_ahead *a = src->ahead;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	a->is_stopping = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	for (size_t i = 0; i < SOURCE_AHEAD_BUFS; i++)
		free(a->bufs[i].data);
	free(a->error);
	free(a);
	src->ahead = NULL;
}
