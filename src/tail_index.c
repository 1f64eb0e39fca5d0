/*
 * tail_index: the followed files by path, in a hash table.  Every inotify
 * event names a file; with a hundred followed files, finding it by
 * comparing paths one after another (they share their directory, so each
 * comparison runs to the name) cost as much as reading the file did.
 * Several files may share a path (a rotated one still draining, and the
 * new one at its name): a chain holds all of them.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "fnv.h"
#include "tail_int.h"
#include "xmalloc.h"

#define TAIL_INDEX_MIN	64	/* buckets at first; always a power of 2 */

/* FNV-1a (fnv.h), folded to the 32 bits a file keeps. */
static uint32_t
tail_index_hash(const char *path)
{
	uint64_t h = fnv1a64(FNV1A64_INIT, path, strlen(path));

	return (uint32_t)(h ^ (h >> 32));
}

static void
tail_index_link(struct tail *t, struct tail_file *f)
{
	struct tail_file **b = &t->index[f->path_hash & (t->nindex - 1)];

	f->index_next = *b;
	*b = f;
}

/* Twice the buckets once there are more files than buckets. */
static void
tail_index_grow(struct tail *t)
{
	size_t n = t->nindex == 0 ? TAIL_INDEX_MIN : t->nindex * 2;

	free(t->index);
	t->index = xcalloc(n, sizeof(*t->index));
	t->nindex = n;
	for (struct tail_file *f = t->files; f != NULL; f = f->next)
		tail_index_link(t, f);
}

/* Adds F, already in t->files, to the index. */
void
tail_index_add(struct tail *t, struct tail_file *f)
{
	f->path_hash = tail_index_hash(f->path);
	if (t->nindexed + 1 > t->nindex)
		tail_index_grow(t);	/* links F too: it is in the list */
	else
		tail_index_link(t, f);
	t->nindexed++;
}

void
tail_index_remove(struct tail *t, struct tail_file *f)
{
	struct tail_file **pp;

	if (t->nindex == 0)
		return;
	for (pp = &t->index[f->path_hash & (t->nindex - 1)]; *pp != NULL;
	    pp = &(*pp)->index_next)
		if (*pp == f) {
			*pp = f->index_next;
			t->nindexed--;
			return;
		}
}

void
tail_index_free(struct tail *t)
{
	free(t->index);
	t->index = NULL;
	t->nindex = t->nindexed = 0;
}

struct tail_file *
tail_find_path(struct tail *t, const char *path)
{
	uint32_t h;

	if (t->nindex == 0)
		return NULL;
	h = tail_index_hash(path);
	for (struct tail_file *f = t->index[h & (t->nindex - 1)]; f != NULL;
	    f = f->index_next)
		if (f->path_hash == h && !f->is_rotated &&
		    strcmp(f->path, path) == 0)
			return f;
	return NULL;
}
