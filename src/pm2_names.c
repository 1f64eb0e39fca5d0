/*
 * pm2_names: the names PM2 and the rotators give log files (pm2.h's
 * pm2_log_name): live, cluster instance, rotated by pm2-logrotate or
 * logrotate, compressed.  Apart from the decoder (pm2.c) since the names
 * are looked at once per file, the lines once each.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pm2.h"
#include "xmalloc.h"

static bool
pm2_name_is_digits(const char *p, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

bool
pm2_log_is_date(const char *p, size_t n)
{
	if (n == 0 || !isdigit((unsigned char)p[0]) ||
	    !isdigit((unsigned char)p[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]) && strchr("-_.", p[i]) == NULL)
			return false;
	return true;
}

/* Splits "<app>-out[-N]" / "<app>-error[-N]"; BASE has LEN bytes. */
static int
pm2_name_base(const char *base, size_t len, struct pm2_log_name *name)
{
	static const struct {
		const char *suffix;
		enum pm2_stream stream;
	} streams[] = {
		{ "-out", PM2_STREAM_OUT },
		{ "-error", PM2_STREAM_ERROR },
	};
	size_t n = len;

	name->instance = -1;
	if (len == 3 && memcmp(base, "pm2", 3) == 0) {
		name->stream = PM2_STREAM_DAEMON;
		name->app = xstrdup("pm2");
		return 0;
	}
	/* An instance suffix: "-<digits>" after "-out" or "-error".  PM2's
	 * ids are small; 8 digits or more are a date that logrotate's
	 * dateext put there (pm2_name_ext_copy). */
	for (size_t i = len; i > 0; i--) {
		if (base[i - 1] == '-') {
			if (pm2_name_is_digits(base + i, len - i) &&
			    len - i < 8) {
				size_t j = i - 1;

				for (size_t k = 0; k < 2; k++) {
					size_t sl = strlen(streams[k].suffix);

					if (j > sl && memcmp(base + j - sl,
					    streams[k].suffix, sl) == 0) {
						name->instance =
						    atoi(base + i);
						n = j;
					}
				}
			}
			break;
		}
		if (!isdigit((unsigned char)base[i - 1]))
			break;
	}
	for (size_t k = 0; k < 2; k++) {
		size_t sl = strlen(streams[k].suffix);

		if (n > sl && memcmp(base + n - sl, streams[k].suffix, sl) == 0) {
			name->stream = streams[k].stream;
			name->app = xstrndup(base, n - sl);
			return 0;
		}
	}
	return -1;
}

bool
pm2_log_is_daemon(const char *path)
{
	struct pm2_log_name name;
	const char *slash = strrchr(path, '/');
	bool is_daemon = false;

	if (pm2_log_name_parse(slash != NULL ? slash + 1 : path, &name) == 0) {
		is_daemon = name.stream == PM2_STREAM_DAEMON;
		pm2_log_name_release(&name);
	}
	return is_daemon;
}

int
pm2_log_instance_of(const char *path)
{
	struct pm2_log_name name;
	const char *slash = strrchr(path, '/');
	int instance = -1;

	if (pm2_log_name_parse(slash != NULL ? slash + 1 : path, &name) == 0) {
		instance = name.instance;
		pm2_log_name_release(&name);
	}
	return instance;
}

/*
 * A copy that logrotate made with `extension .log` (logrotate(8): the
 * extension is kept after the rotation's suffix), BASE (LEN bytes) being
 * its name without that extension: NAME.N (numbered), or NAME followed by
 * dateext's dateformat, its own separator first ('-', '_' or '.').
 * The longest NAME that is a PM2 log's wins: app-out-0-2026-12-07 is
 * instance 0's copy of 2026-12-07.
 */
static int
pm2_name_ext_copy(const char *base, size_t len, struct pm2_log_name *name)
{
	for (size_t i = len; i > 1; i--) {
		const char *rest = base + i;
		size_t rlen = len - i;

		if (strchr("-_.", base[i - 1]) == NULL ||
		    !pm2_log_is_date(rest, rlen) ||
		    pm2_name_base(base, i - 1, name) != 0)
			continue;
		name->is_rotated = true;
		if (base[i - 1] == '.' && pm2_name_is_digits(rest, rlen)) {
			name->rotation_rank = 0;
			name->rotation_number = atol(rest);
		} else {
			name->rotation_rank = 1;
			name->rotation_date = xstrndup(rest, rlen);
		}
		return 0;
	}
	return -1;
}

int
pm2_log_name_parse(const char *basename, struct pm2_log_name *name)
{
	size_t len = strlen(basename);
	const char *p;

	memset(name, 0, sizeof(*name));
	if (len > 3 && strcmp(basename + len - 3, ".gz") == 0)
		len -= 3;
	name->rotation_rank = 2;

	/* pm2-logrotate: NAME__YYYY-MM-DD_HH-mm-ss.log */
	p = strstr(basename, "__");
	if (p != NULL && (size_t)(p - basename) < len &&
	    len - (size_t)(p - basename) > 6 &&
	    memcmp(basename + len - 4, ".log", 4) == 0) {
		size_t dlen = len - 4 - (size_t)(p + 2 - basename);

		name->is_rotated = true;
		name->rotation_rank = 1;
		name->rotation_date = xstrndup(p + 2, dlen);
		if (pm2_name_base(basename, (size_t)(p - basename), name) == 0)
			return 0;
		goto fail;
	}
	/* Live file: NAME.log; or a copy that kept the extension. */
	if (len > 4 && memcmp(basename + len - 4, ".log", 4) == 0) {
		if (pm2_name_base(basename, len - 4, name) == 0 ||
		    pm2_name_ext_copy(basename, len - 4, name) == 0)
			return 0;
		goto fail;
	}
	/* logrotate: NAME.log.N, or NAME.log followed by dateext's
	 * dateformat (its own separator first: '-', '.' or '_'). */
	p = NULL;
	for (const char *q = strstr(basename, ".log"); q != NULL;
	    q = strstr(q + 1, ".log"))
		if ((size_t)(q - basename) + 4 < len)
			p = q;
	if (p == NULL)
		return -1;
	{
		const char *rest = p + 4;
		size_t rlen = len - (size_t)(rest - basename);

		if (rlen < 2 || strchr(".-_", rest[0]) == NULL ||
		    !pm2_log_is_date(rest + 1, rlen - 1))
			return -1;
		name->is_rotated = true;
		if (rest[0] == '.' && pm2_name_is_digits(rest + 1, rlen - 1)) {
			name->rotation_rank = 0;
			name->rotation_number = atol(rest + 1);
		} else {
			name->rotation_rank = 1;
			name->rotation_date = xstrndup(rest + 1, rlen - 1);
		}
		if (pm2_name_base(basename, (size_t)(p - basename), name) == 0)
			return 0;
	}
fail:
	pm2_log_name_release(name);
	return -1;
}

void
pm2_log_name_release(struct pm2_log_name *name)
{
	free(name->app);
	free(name->rotation_date);
	name->app = NULL;
	name->rotation_date = NULL;
}

int
pm2_log_name_cmp(const struct pm2_log_name *a, const struct pm2_log_name *b)
{
	int c = strcmp(a->app, b->app);

	if (c != 0)
		return c;
	if (a->stream != b->stream)
		return (int)a->stream - (int)b->stream;
	if (a->instance != b->instance)
		return a->instance < b->instance ? -1 : 1;
	if (a->rotation_rank != b->rotation_rank)
		return a->rotation_rank - b->rotation_rank;
	if (a->rotation_rank == 0 && a->rotation_number != b->rotation_number)
		return a->rotation_number > b->rotation_number ? -1 : 1;
	if (a->rotation_rank == 1)
		return strcmp(a->rotation_date, b->rotation_date);
	return 0;
}

bool
pm2_log_name_is_app_live(const char *basename)
{
	struct pm2_log_name name;
	bool live;

	if (pm2_log_name_parse(basename, &name) != 0)
		return false;
	live = !name.is_rotated && name.stream != PM2_STREAM_DAEMON;
	pm2_log_name_release(&name);
	return live;
}
