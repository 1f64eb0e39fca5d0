/*
 * cmd_test: `omniwatch test`, for whoever writes a pattern set (after
 * fail2ban-regex): it runs files through the same pipeline as `scan` and
 * shows, per pattern set and class, how many records matched and the
 * first few of them with FILE:LINE; the records that look like the set's
 * (they carry a regex's literal head) but match nothing, which scan counts
 * as damaged, here called "missed"; and the time each regex took.
 * --print-matched and --print-missed list every such record, whole, as it
 * is classified, before the summary: unredacted, as the regexes see it,
 * asked for by name.
 *
 * Only excerpts of the first records are kept (TEST_SAMPLES_MAX per class),
 * made as scan makes its reports' (pipeline_excerpt: secrets redacted, cut
 * at PIPELINE_EXCERPT_MAX bytes), so memory does not grow with the input
 * and the summary shows no more of a record than scan's reports do.  Log text goes to a terminal: invalid UTF-8 becomes U+FFFD
 * and control characters become '?'.
 */
#include "autoconf.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd.h"
#include "config.h"
#include "log.h"
#include "logfile.h"
#include "match.h"
#include "pipeline.h"
#include "plural.h"
#include "source.h"
#include "stamp.h"
#include "utf8.h"
#include "xmalloc.h"

#define TEST_MAX_SETS		32
#define TEST_SAMPLES_DEFAULT	5
#define TEST_SAMPLES_MAX	100
#define TEST_BUFSIZE		(256 * 1024)

struct test_sample {
	char		*where;		/* FILE:LINE */
	char		*excerpt;	/* first line, cleaned */
};

/* Matched records of one failure class, success, or missed ones. */
struct test_slot {
	uint64_t	 n;
	struct test_sample samples[TEST_SAMPLES_MAX];
	size_t		 nsamples;
};

struct test {
	struct match_set **sets;
	size_t		 nsets;
	struct test_slot **slots;	/* [set][nfailure + 2], see below */
	size_t		 max_samples;
	bool		 print_matched;
	bool		 print_missed;
	const char	*path;		/* the file being read */
};

/* Slots of a set: its failure classes, then success, then missed. */
static size_t
test_slot_idx(const struct match_set *set, enum match_outcome o,
    size_t class_idx)
{
	if (o == MATCH_FAILURE)
		return class_idx;
	if (o == MATCH_SUCCESS)
		return set->nfailure;
	return set->nfailure + 1;
}

const struct cmd_opt cmd_test_opts[] = {
	{ "patterns", 'p', CMD_OPT_SHORT | CMD_OPT_REPEAT, "NAME|FILE",
	    "a pattern set, by name or file (default omni)" },
	{ "print-matched", 'M', 0, NULL, "print every matched record, whole" },
	{ "print-missed", 'D', 0, NULL, "print every missed record, whole" },
	{ "samples", 'n', CMD_OPT_SHORT, "N", "records shown per class "
	    "(default 5, at most 100)" },
	{ "max-line", 'L', 0, "BYTES", "cut longer lines at BYTES (default "
	    "1MiB)" },
	CMD_ROW_QUIET,
	{ NULL, 0, 0, NULL, NULL },
};

/* (P, LEN) fit for a terminal: valid UTF-8, no control characters. */
static char *
test_clean(const char *p, size_t len)
{
	size_t n;
	char *s = utf8_clean(p, len, &n);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			s[i] = '?';
		else if (s[i] == 0x7f)
			s[i] = '?';
	return s;
}

/* Prints the whole record, each line after "  | ". */
static void
test_print_record(const struct record *rec)
{
	const char *p = rec->text, *end = rec->text + rec->len;

	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = test_clean(p, n);

		printf("  | %s\n", line);
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static void
test_outcome(void *ctx, const struct pipeline_outcome *o)
{
	struct test *t = ctx;
	const struct match_set *set = t->sets[o->set_idx];
	const struct record *rec = o->record;
	struct test_slot *slot = &t->slots[o->set_idx][test_slot_idx(set,
	    o->outcome, o->class_idx)];

	slot->n++;
	if (slot->nsamples < t->max_samples) {
		struct test_sample *s = &slot->samples[slot->nsamples++];
		char excerpt[PIPELINE_EXCERPT_MAX + 1];
		size_t n = pipeline_excerpt(rec, excerpt);

		s->where = xasprintf("%s:%llu", t->path,
		    (unsigned long long)rec->line_number);
		s->excerpt = test_clean(excerpt, n);
	}
	if (o->outcome == MATCH_DAMAGED ? t->print_missed : t->print_matched) {
		if (o->outcome == MATCH_DAMAGED)
			printf("missed %s %s:%llu\n", set->name, t->path,
			    (unsigned long long)rec->line_number);
		else
			printf("matched %s/%s %s:%llu\n", set->name,
			    o->outcome == MATCH_SUCCESS ? "success" :
			    set->failure[o->class_idx].name, t->path,
			    (unsigned long long)rec->line_number);
		test_print_record(rec);
	}
}

static double
test_elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * Reads PATH through the pipeline.  Returns 0, 1 when PATH is not named
 * like a log and was skipped (said), -1 when it was read in part (said),
 * or -2 when it could not be opened at all (said).
 */
static int
test_file(struct test *t, const char *path,
    const struct pipeline_options *opts, char *buf)
{
	struct pipeline_sink sink = { test_outcome, t, NULL };
	struct pipeline *p;
	struct source *src;
	struct timespec t0;
	enum source_result r;
	char err[512];
	size_t n;
	int rc = 0;

	if (strcmp(path, "-") != 0 && !logfile_is_log(path)) {
		log_warnx("%s: %s", path, LOGFILE_SKIPPED);
		return 1;
	}
	src = source_open(path, err, sizeof(err));
	if (src == NULL) {
		log_error("%s", err);
		return -2;
	}
	if (source_is_misnamed(src))
		log_warnx("%s: %s", path, SOURCE_MISNAMED);
	t->path = path;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	p = pipeline_new(t->sets, t->nsets, &sink, "-", path, opts);
	while ((r = source_read(src, buf, TEST_BUFSIZE, &n)) == SOURCE_OK)
		pipeline_feed(p, buf, n);
	pipeline_finish(p, r == SOURCE_EOF);
	if (r == SOURCE_ERROR) {
		log_error("%s: %s", path, source_error(src));
		rc = -1;
	}
	printf("read %s: %llu %s%s, %llu %s in %.3f s\n", path,
	    (unsigned long long)source_raw_offset(src),
	    plural(source_raw_offset(src), "byte", "bytes"),
	    source_is_gz(src) ? " (gzip)" : "",
	    (unsigned long long)pipeline_stats(p)->records,
	    plural(pipeline_stats(p)->records, "record", "records"),
	    test_elapsed(&t0));
	pipeline_free(p);
	source_free(src);
	return rc;
}

static void
test_print_samples(const struct test_slot *slot)
{
	for (size_t i = 0; i < slot->nsamples; i++)
		printf("    %s: %s\n", slot->samples[i].where,
		    slot->samples[i].excerpt);
	if (slot->n > slot->nsamples && slot->nsamples > 0)
		printf("    ... %llu more\n",
		    (unsigned long long)(slot->n - slot->nsamples));
}

static void
test_print_timing(const char *name, const struct match_class *c)
{
	const struct match_timing *tm = &c->timing;

	printf("    %-24s %10.3f ms  %8.3f us/try  tried %llu, regex ran "
	    "%llu, matched %llu\n", name, (double)tm->ns / 1e6,
	    tm->tried > 0 ? (double)tm->ns / 1e3 / (double)tm->tried : 0.0,
	    (unsigned long long)tm->tried, (unsigned long long)tm->searched,
	    (unsigned long long)tm->matched);
}

static void
test_report(const struct test *t)
{
	for (size_t i = 0; i < t->nsets; i++) {
		const struct match_set *set = t->sets[i];
		const struct test_slot *slots = t->slots[i];
		uint64_t matched = 0;

		for (size_t c = 0; c <= set->nfailure; c++)
			matched += slots[c].n;
		printf("pattern set %s", set->name);
		if (set->description != NULL)
			printf(" (%s)", set->description);
		printf(": %llu matched, %llu missed\n",
		    (unsigned long long)matched,
		    (unsigned long long)slots[set->nfailure + 1].n);
		printf("  success: %llu matched\n",
		    (unsigned long long)slots[set->nfailure].n);
		test_print_samples(&slots[set->nfailure]);
		for (size_t c = 0; c < set->nfailure; c++) {
			printf("  %s: %llu matched\n", set->failure[c].name,
			    (unsigned long long)slots[c].n);
			test_print_samples(&slots[c]);
		}
		printf("  missed: %llu (a regex's literal head, or its tail, "
		    "but no match; scan counts them as damaged)\n",
		    (unsigned long long)slots[set->nfailure + 1].n);
		test_print_samples(&slots[set->nfailure + 1]);
		printf("  regex time (%s):\n", set->is_jit ? "PCRE2 JIT" :
		    "PCRE2 interpreter");
		for (size_t c = 0; c < set->nsuccess; c++) {
			char name[32];

			snprintf(name, sizeof(name), "success %zu", c + 1);
			test_print_timing(name, &set->success[c]);
		}
		for (size_t c = 0; c < set->nfailure; c++)
			test_print_timing(set->failure[c].name,
			    &set->failure[c]);
	}
}

static void
test_free(struct test *t)
{
	for (size_t i = 0; i < t->nsets; i++) {
		if (t->slots == NULL)
			break;
		for (size_t c = 0; c < t->sets[i]->nfailure + 2; c++)
			for (size_t k = 0; k < t->slots[i][c].nsamples; k++) {
				free(t->slots[i][c].samples[k].where);
				free(t->slots[i][c].samples[k].excerpt);
			}
		free(t->slots[i]);
	}
	free(t->slots);
	for (size_t i = 0; i < t->nsets; i++)
		match_set_free(t->sets[i]);
}

int
cmd_test(int argc, char **argv)
{
	struct cmd_opt_parser op;
	const char *names[TEST_MAX_SETS];
	struct match_set *sets[TEST_MAX_SETS];
	size_t nnames = 0;
	struct pipeline_options opts;
	struct test t;
	char *err, *buf, *end;
	long v;
	int ch, rc = CMD_EXIT_OK, nread = 0;

	memset(&t, 0, sizeof(t));
	memset(&opts, 0, sizeof(opts));
	opts.since = STAMP_NONE;
	opts.until = STAMP_NONE;
	t.max_samples = TEST_SAMPLES_DEFAULT;
	t.sets = sets;
	cmd_opt_init(&op, cmd_test_opts);
	while ((ch = cmd_opt_parse(&op, argc, argv)) != -1) {
		switch (ch) {
		case 'p':
			if (nnames == TEST_MAX_SETS) {
				fprintf(stderr, "omniwatch test: at most %d "
				    "pattern sets\n", TEST_MAX_SETS);
				return CMD_EXIT_USAGE;
			}
			names[nnames++] = optarg;
			break;
		case 'M':
			t.print_matched = true;
			break;
		case 'D':
			t.print_missed = true;
			break;
		case 'n':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    v < 0 || v > TEST_SAMPLES_MAX) {
				fprintf(stderr, "omniwatch test: --samples "
				    "'%s': expected a number from 0 to %d\n",
				    optarg, TEST_SAMPLES_MAX);
				return CMD_EXIT_USAGE;
			}
			t.max_samples = (size_t)v;
			break;
		case 'L':
			if (config_parse_size(optarg, &opts.max_line) != 0) {
				fprintf(stderr, "omniwatch test: --max-line "
				    "'%s': expected a size in bytes (e.g. "
				    "65536, 64KiB, 1MiB)\n", optarg);
				return CMD_EXIT_USAGE;
			}
			break;
		case 'q':
			log_set_level(LOG_LEVEL_ERROR);
			break;
		case 'h':
			return cmd_help("test", stdout);
		default:
			return cmd_usage("test");
		}
	}
	if (optind == argc) {
		fprintf(stderr, "omniwatch test: no input; give a log file, or "
		    "- for standard input\n");
		return cmd_usage("test");
	}
	if (nnames == 0)
		names[nnames++] = "omni";
	for (size_t i = 0; i < nnames; i++) {
		char *path = match_set_find(names[i], &err);

		if (path != NULL) {
			sets[t.nsets] = match_set_load(path, &err);
			free(path);
		}
		if (path == NULL || sets[t.nsets] == NULL) {
			fprintf(stderr, "omniwatch test: %s\n", err);
			free(err);
			test_free(&t);
			return CMD_EXIT_USAGE;
		}
		sets[t.nsets]->is_timed = true;
		t.nsets++;
	}
	/* As fail2ban-regex, test reads files: a directory is a usage error
	 * (scan reads the PM2 logs in one), found before anything is read
	 * but after the pattern sets, whose errors come first. */
	for (int i = optind; i < argc; i++) {
		struct stat sb;

		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &sb) == 0 &&
		    S_ISDIR(sb.st_mode)) {
			fprintf(stderr, "omniwatch test: %s: is a directory; "
			    "give the logs in it (omniwatch test %s/*.log), or "
			    "count them all with omniwatch scan %s\n", argv[i],
			    argv[i], argv[i]);
			test_free(&t);
			return cmd_usage("test");
		}
	}
	t.slots = xcalloc(t.nsets, sizeof(*t.slots));
	for (size_t i = 0; i < t.nsets; i++)
		t.slots[i] = xcalloc(sets[i]->nfailure + 2, sizeof(**t.slots));

	buf = xmalloc(TEST_BUFSIZE);
	for (int i = optind; i < argc; i++) {
		int r = test_file(&t, argv[i], &opts, buf);

		if (r < 0)
			rc = CMD_EXIT_INPUT;
		if (r == 0 || r == -1)
			nread++;
	}
	free(buf);
	/* A summary of nothing would read as "no record matched". */
	if (nread == 0) {
		fprintf(stderr, "omniwatch test: no log read\n");
		test_free(&t);
		return CMD_EXIT_INPUT;
	}
	printf("\n");
	test_report(&t);
	if (fflush(stdout) != 0)
		rc = CMD_EXIT_INPUT;
	test_free(&t);
	return rc;
}
