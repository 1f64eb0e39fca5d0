/*
 * test_match: pattern sets and classification (match.h).
 *
 * The default set (patterns/omni.yaml) is loaded from the source tree and
 * run on records from the PM2 samples (../shared/samples/pm2: 05c, 06, 08);
 * broken pattern files are written to a scratch directory to check that
 * each error points at the right file, line and column.  Field case: K08
 * (invalid UTF-8 never stops matching).
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ansi.h"
#include "match.h"
#include "stamp.h"
#include "testlib.h"

#define OMNI_YAML	OMNIWATCH_SRC_PATTERNS_DIR "/omni.yaml"

static char mt_dir[256];

static int
mt_setup(void **state)
{
	(void)state;
	return tl_tmpdir(mt_dir, sizeof(mt_dir), "test_match");
}

static int
mt_teardown(void **state)
{
	(void)state;
	return tl_rmtree(mt_dir) == 0 ? 0 : -1;
}

/* Writes TEXT to NAME in the scratch directory; returns the path. */
static char *
mt_file(const char *name, const char *text)
{
	static char path[4][512];
	static int k;
	FILE *fp;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", mt_dir, name);
	fp = fopen(path[k], "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	return path[k];
}

static struct match_set *
mt_load(const char *path)
{
	char *err = NULL;
	struct match_set *set = match_set_load(path, &err);

	if (set == NULL)
		fail_msg("%s: %s", path, err != NULL ? err : "(no message)");
	assert_null(err);
	return set;
}

/* Loads PATH, which must fail; returns the message (caller frees). */
static char *
mt_load_error(const char *path)
{
	char *err = NULL;
	struct match_set *set = match_set_load(path, &err);

	if (set != NULL) {
		match_set_free(set);
		fail_msg("%s loaded, expected an error", path);
	}
	assert_non_null(err);
	return err;
}

static struct record
mt_rec(const char *text, bool is_orphan, bool starts_object)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.text = text;
	r.len = strlen(text);
	r.ts_ms = STAMP_NONE;
	r.app = "omni-app";
	r.nlines = 1;
	for (const char *p = text; *p != '\0'; p++)
		if (*p == '\n')
			r.nlines++;
	r.is_orphan = is_orphan;
	r.starts_object = starts_object;
	return r;
}

/* Classifies TEXT and checks the outcome (and class, for failures). */
static void
mt_expect(struct match_set *set, const char *text, bool is_orphan,
    enum match_outcome want, size_t want_class)
{
	struct record r;
	enum match_outcome got;
	size_t cls = 999;
	size_t len = strlen(text);
	bool starts_object;

	while (len > 0 && text[len - 1] == ' ')
		len--;
	{
		const char *nl = strchr(text, '\n');
		size_t first = nl != NULL ? (size_t)(nl - text) : len;

		starts_object = first > 0 && (text[first - 1] == '{' ||
		    text[first - 1] == '[');
	}
	r = mt_rec(text, is_orphan, starts_object);
	got = match_set_classify(set, &r, &cls);
	if (got != want || (want == MATCH_FAILURE && cls != want_class))
		fail_msg("'%.60s...': outcome %d class %zu, expected %d "
		    "class %zu", text, (int)got, cls, (int)want, want_class);
}

/* ------------------------------------------------------------------ */
/* loading */

static void
test_load_omni(void **state)
{
	struct match_set *set = mt_load(OMNI_YAML);

	(void)state;
	assert_string_equal(set->name, "omni");
	assert_string_equal(set->description,
	    "Ticket forwarding to the Omni/Sociomile API");
	assert_string_equal(set->path, OMNI_YAML);
	assert_int_equal(set->nsuccess, 1);
	assert_int_equal(set->nfailure, 2);
	assert_string_equal(set->success[0].name, "success");
	assert_string_equal(set->failure[0].name, "route_not_found");
	assert_string_equal(set->failure[1].name, "other");
	assert_string_equal(set->failure[0].diagnosis,
	    "The partner API's router (Laravel Lumen) has no such route; the "
	    "endpoint is not deployed on that server.");
	assert_null(set->failure[1].diagnosis);
	assert_null(set->success[0].diagnosis);
	assert_string_equal(set->success[0].regex,
	    "\\[Omni\\] Ticket created successfully: \\{[\\s\\S]*?ticketId:"
	    "[\\s\\S]*?ticket_number:");
	assert_string_equal(set->failure[1].regex,
	    "\\[Omni\\] Failed to create ticket:");
	for (size_t i = 0; i < set->nfailure; i++)
		assert_non_null(set->failure[i].re);
	assert_non_null(set->md);
	/* Where the regexes are (1-based; the column of the regex text,
	 * inside its quotes). */
	assert_int_equal(set->success[0].line, 7);
	assert_int_equal(set->success[0].column, 6);
	assert_int_equal(set->failure[0].line, 10);
	assert_int_equal(set->failure[0].column, 13);
	assert_int_equal(set->failure[1].line, 13);
	assert_int_equal(set->failure[1].column, 13);
	/* No record rules of its own. */
	assert_null(set->record_start);
	assert_null(set->continuation);
	assert_null(set->rules.start);
	assert_null(set->rules.continuation);
	match_set_free(set);
	match_set_free(NULL);
}

static void
test_load_rules_and_defaults(void **state)
{
	struct match_set *set;
	char *path = mt_file("rules.yaml",
	    "name: java\n"
	    "success:\n"
	    "  - regex: 'OK \\d+'\n"
	    "failure:\n"
	    "  - regex: Exception\n"
	    "  - class: npe\n"
	    "    regex: NullPointerException\n"
	    "record_start: '^\\d{4}-'\n"
	    "continuation: '^\\s'\n");

	(void)state;
	set = mt_load(path);
	assert_string_equal(set->name, "java");
	assert_null(set->description);
	assert_int_equal(set->nsuccess, 1);
	assert_string_equal(set->success[0].name, "success");
	assert_int_equal(set->nfailure, 2);
	assert_string_equal(set->failure[0].name, "class1");
	assert_string_equal(set->failure[1].name, "npe");
	assert_non_null(set->record_start);
	assert_non_null(set->continuation);
	assert_ptr_equal(set->rules.start, set->record_start);
	assert_ptr_equal(set->rules.continuation, set->continuation);
	match_set_free(set);
}

/* ------------------------------------------------------------------ */
/* pattern file errors */

static void
test_error_regex_plain(void **state)
{
	char *path = mt_file("plain.yaml",
	    "name: t\n"
	    "failure:\n"
	    "  - class: x\n"
	    "    regex: a)b\n");
	char *err = mt_load_error(path), want[1024];

	(void)state;
	snprintf(want, sizeof(want), "%s:4:13: pattern 't' failure class 'x': "
	    "unmatched closing parenthesis at offset 1", path);
	assert_string_equal(err, want);
	free(err);
}

static void
test_error_regex_single_quoted(void **state)
{
	/* '' is one quote in the regex but two columns in the file. */
	char *path = mt_file("single.yaml",
	    "name: t\n"
	    "failure:\n"
	    "  - class: x\n"
	    "    regex: 'it''s)x'\n");
	char *err = mt_load_error(path), want[1024];

	(void)state;
	snprintf(want, sizeof(want), "%s:4:18: pattern 't' failure class 'x': "
	    "unmatched closing parenthesis at offset 4", path);
	assert_string_equal(err, want);
	free(err);
}

static void
test_error_regex_double_quoted(void **state)
{
	/* "\\d)x" is the regex \d)x: the ')' is in column 16 of the file. */
	char *path = mt_file("double.yaml",
	    "name: t\n"
	    "failure:\n"
	    "  - class: x\n"
	    "    regex: \"\\\\d)x\"\n");
	char *err = mt_load_error(path), want[1024];

	(void)state;
	snprintf(want, sizeof(want), "%s:4:16: pattern 't' failure class 'x': "
	    "unmatched closing parenthesis at offset 2", path);
	assert_string_equal(err, want);
	free(err);
}

static void
test_error_regex_success(void **state)
{
	char *path = mt_file("success.yaml",
	    "name: t\n"
	    "success:\n"
	    "  - 'ok'\n"
	    "  - 'a)'\n");
	char *err = mt_load_error(path), want[1024];

	(void)state;
	snprintf(want, sizeof(want), "%s:4:7: pattern 't' success regex 2: "
	    "unmatched closing parenthesis at offset 1", path);
	assert_string_equal(err, want);
	free(err);
}

static void
test_error_regex_rule(void **state)
{
	char *path = mt_file("rule.yaml",
	    "name: t\n"
	    "failure:\n"
	    "  - class: x\n"
	    "    regex: ERROR\n"
	    "record_start: '^(2024'\n");
	char *err = mt_load_error(path), want[1024];

	(void)state;
	snprintf(want, sizeof(want), "%s:5:22: pattern 't' record_start: "
	    "missing closing parenthesis at offset 6", path);
	assert_string_equal(err, want);
	free(err);
}

static void
test_error_unknown_key(void **state)
{
	char *path, *err, want[1024];

	(void)state;
	path = mt_file("unknown-top.yaml",
	    "name: t\n"
	    "failures:\n"
	    "  - class: x\n"
	    "    regex: x\n");
	err = mt_load_error(path);
	snprintf(want, sizeof(want), "%s:2:1: unknown key 'failures'", path);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("'%s' does not start with '%s'", err, want);
	free(err);

	path = mt_file("unknown-class.yaml",
	    "name: t\n"
	    "failure:\n"
	    "  - class: x\n"
	    "    regexp: x\n");
	err = mt_load_error(path);
	snprintf(want, sizeof(want), "%s:4:5: unknown key 'regexp'", path);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("'%s' does not start with '%s'", err, want);
	free(err);
}

static void
test_error_missing_name(void **state)
{
	char *path = mt_file("noname.yaml",
	    "failure:\n"
	    "  - class: x\n"
	    "    regex: x\n");
	char *err = mt_load_error(path);

	(void)state;
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_int_equal(err[strlen(path)], ':');
	assert_non_null(strstr(err, "'name'"));
	free(err);
}

static void
test_error_other(void **state)
{
	char *path, *err, want[1024];

	(void)state;
	/* Not YAML. */
	path = mt_file("bad.yaml", "name: [unclosed\n");
	err = mt_load_error(path);
	snprintf(want, sizeof(want), "%s:", path);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
	assert_non_null(strstr(err, "invalid YAML"));
	free(err);

	/* Wrong type. */
	path = mt_file("type.yaml", "name: t\nfailure: x\n");
	err = mt_load_error(path);
	snprintf(want, sizeof(want), "%s:2:1: failure: expected a list", path);
	assert_string_equal(err, want);
	free(err);

	/* An entry without a regex. */
	path = mt_file("noregex.yaml", "name: t\nfailure:\n  - class: x\n");
	err = mt_load_error(path);
	snprintf(want, sizeof(want), "%s:3:5: failure entry 1 has no regex",
	    path);
	assert_string_equal(err, want);
	free(err);

	/* A quoted value is named at its quote, as the config's are, and a
	 * list where a string belongs at its first item (yaml_mark). */
	path = mt_file("quoted.yaml", "name: t\nsuccess:\n  - ''\n");
	err = mt_load_error(path);
	snprintf(want, sizeof(want), "%s:3:5: regex: expected a non-empty "
	    "string", path);
	assert_string_equal(err, want);
	free(err);
	path = mt_file("nested.yaml", "name: t\nfailure:\n  - [x]\n");
	err = mt_load_error(path);
	snprintf(want, sizeof(want), "%s:3:6: failure entry 1: expected a "
	    "mapping with class, regex and diagnosis", path);
	assert_string_equal(err, want);
	free(err);

	/* Nothing inside has a place: line 1, as the config says it. */
	path = mt_file("braces.yaml", "{}\n");
	err = mt_load_error(path);
	snprintf(want, sizeof(want), "%s:1:1: no 'name' key", path);
	assert_string_equal(err, want);
	free(err);

	/* Two failure classes of one name (reports count by name: text
	 * listed it twice, JSON summed them); a default name counts. */
	path = mt_file("dup.yaml", "name: x\nsuccess: [OKAY]\nfailure:\n"
	    "  - {class: a, regex: AAA}\n  - {class: b, regex: CCC}\n"
	    "  - {class: a, regex: BBB}\n");
	err = mt_load_error(path);
	snprintf(want, sizeof(want), "%s:6:13: failure entry 3: class 'a' is "
	    "also entry 1's; expected each class name once", path);
	assert_string_equal(err, want);
	free(err);
	path = mt_file("dup-default.yaml", "name: x\nfailure:\n"
	    "  - {regex: AAA}\n  - {class: class1, regex: BBB}\n");
	err = mt_load_error(path);
	snprintf(want, sizeof(want), "%s:4:13: failure entry 2: class "
	    "'class1' is also entry 1's; expected each class name once", path);
	assert_string_equal(err, want);
	free(err);

	/* Nothing to match. */
	path = mt_file("empty.yaml", "name: t\n");
	err = mt_load_error(path);
	assert_non_null(strstr(err, "no success or failure regex"));
	free(err);

	/* No such file. */
	snprintf(want, sizeof(want), "%s/does-not-exist.yaml", mt_dir);
	err = mt_load_error(want);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
	assert_non_null(strstr(err, "cannot read"));
	free(err);
}

/*
 * A set the config names but nobody has is the config's mistake, said at
 * the config; a set file that does not load says its own place, once
 * (check, backtest and watch used to put the config's name before it).
 */
static void
test_sets_load_errors(void **state)
{
	char *names[2], *err = NULL, want[512];
	struct match_set **sets = NULL;

	(void)state;
	names[0] = mt_file("good.yaml", "name: good\nsuccess: [ok]\n");
	names[1] = "no-such-set";
	assert_int_equal(match_sets_load("/etc/omniwatch.yaml", names, 2, &sets,
	    &err), -1);
	assert_non_null(err);
	assert_int_equal(strncmp(err, "/etc/omniwatch.yaml: pattern_sets: ",
	    strlen("/etc/omniwatch.yaml: pattern_sets: ")), 0);
	free(err);
	names[1] = mt_file("broken.yaml", "name: b\nsuccess: ['a(']\n");
	assert_int_equal(match_sets_load("/etc/omniwatch.yaml", names, 2, &sets,
	    &err), -1);
	snprintf(want, sizeof(want), "%s:2:", names[1]);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
	free(err);
}

static void
test_find(void **state)
{
	char *err = NULL, *p, want[512], *saved = NULL;
	const char *env = getenv("OMNIWATCH_PATTERNS");

	(void)state;
	if (env != NULL)
		saved = strdup(env);
	p = match_set_find("./some/where.yaml", &err);
	assert_string_equal(p, "./some/where.yaml");
	free(p);
	p = match_set_find("x.yml", &err);
	assert_string_equal(p, "x.yml");
	free(p);

	mt_file("mine.yaml", "name: mine\nfailure:\n  - regex: x\n");
	snprintf(want, sizeof(want), "/nonexistent:%s", mt_dir);
	setenv("OMNIWATCH_PATTERNS", want, 1);
	p = match_set_find("mine", &err);
	snprintf(want, sizeof(want), "%s/mine.yaml", mt_dir);
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
	/* The source tree's patterns/ comes after $OMNIWATCH_PATTERNS. */
	p = match_set_find("omni", &err);
	assert_non_null(p);
	assert_non_null(strstr(p, "/omni.yaml"));
	free(p);
	p = match_set_find("no-such-set", &err);
	assert_null(p);
	assert_non_null(err);
	assert_non_null(strstr(err, "no-such-set"));
	free(err);
	if (saved != NULL)
		setenv("OMNIWATCH_PATTERNS", saved, 1);
	else
		unsetenv("OMNIWATCH_PATTERNS");
	free(saved);
}

/* ------------------------------------------------------------------ */
/* literal extraction */

struct mt_lit {
	const char	*regex;
	size_t		 n;
	const char	*lit[4];
	bool		 has_head;
};

static void
mt_check_literals(const struct mt_lit *e)
{
	struct match_class c;

	memset(&c, 0, sizeof(c));
	c.regex = (char *)e->regex;
	match_class_literals(&c);
	if (c.nliterals != e->n) {
		fail_msg("'%s': %zu literals (first '%s'), expected %zu",
		    e->regex, c.nliterals, c.nliterals > 0 ? c.literals[0] : "",
		    e->n);
	}
	for (size_t k = 0; k < e->n; k++) {
		if (strcmp(c.literals[k], e->lit[k]) != 0)
			fail_msg("'%s': literal %zu '%s', expected '%s'",
			    e->regex, k, c.literals[k], e->lit[k]);
		assert_int_equal(c.literal_lens[k], strlen(e->lit[k]));
	}
	if (c.has_head != e->has_head)
		fail_msg("'%s': has_head %d", e->regex, c.has_head);
	for (size_t k = 0; k < c.nliterals; k++)
		free(c.literals[k]);
}

static void
test_literals_omni(void **state)
{
	struct match_set *set = mt_load(OMNI_YAML);
	const struct match_class *c;

	(void)state;
	c = &set->failure[0];
	assert_int_equal(c->nliterals, 4);
	assert_string_equal(c->literals[0], "[Omni] Failed to create ticket: {");
	assert_string_equal(c->literals[1], "status: false");
	assert_string_equal(c->literals[2], "errors:");
	assert_string_equal(c->literals[3], "RoutesRequests.php");
	assert_true(c->has_head);
	assert_int_equal(c->filter, 0);
	c = &set->failure[1];
	assert_int_equal(c->nliterals, 1);
	assert_string_equal(c->literals[0], "[Omni] Failed to create ticket:");
	assert_true(c->has_head);
	c = &set->success[0];
	assert_int_equal(c->nliterals, 3);
	assert_string_equal(c->literals[0],
	    "[Omni] Ticket created successfully: {");
	assert_string_equal(c->literals[1], "ticketId:");
	assert_string_equal(c->literals[2], "ticket_number:");
	assert_true(c->has_head);
	match_set_free(set);
}

static void
test_literals_rules(void **state)
{
	static const struct mt_lit cases[] = {
		{ "ERROR", 1, { "ERROR" }, true },
		/* A quantified last character is dropped. */
		{ "ERRORS?", 1, { "ERROR" }, true },
		{ "ERRORS*x", 2, { "ERROR", "x" }, true },
		{ "timeouts+", 1, { "timeout" }, true },
		{ "ERROR{2}", 1, { "ERRO" }, true },
		{ "ERROR{2,5} now", 2, { "ERRO", " now" }, true },
		{ "timeout \\d+ms", 2, { "timeout ", "ms" }, true },
		/* Anchors and classes end runs; no head after '^'. */
		{ "^ERROR$", 1, { "ERROR" }, false },
		{ "\\[x\\] [a-z]+ done", 2, { "[x] ", " done" }, true },
		{ "\\bfail(ed)? hard", 2, { "fail", " hard" }, false },
		{ "a{b", 1, { "a{b" }, false },
		/* Alternation, inline flags and \Q get none. */
		{ "ERROR|FATAL", 0, { NULL }, false },
		{ "(?i)error", 0, { NULL }, false },
		{ "\\Qa.b\\E", 0, { NULL }, false },
		{ "x(a|b)y", 0, { NULL }, false },
		/* A POSIX class inside a bracket is part of the bracket. */
		{ "[[:digit:]]ERROR", 1, { "ERROR" }, false },
		{ "[[:alpha:]_]+ ERROR", 1, { " ERROR" }, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		mt_check_literals(&cases[i]);
}

/* Whatever the literals, the filter must never hide a real match. */
static void
test_literals_never_hide_matches(void **state)
{
	static const struct {
		const char *regex;
		const char *text;
	} cases[] = {
		{ "ERRORS?", "ERROR" },
		{ "timeout \\d+ms", "timeout 300ms" },
		{ "ab{0}c", "ac" },
		{ "\\[Omni\\] Failed", "x [Omni] Failed" },
		{ "[\\]x]ERROR", "]ERROR" },
		{ "[[:digit:]]ERROR", "req=5ERROR" },
		{ "[[:space:]]ERROR$", "req=1 status=500 ERROR" },
	};
	char yaml[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct match_set *set;
		struct record r;
		size_t cls = 9;

		snprintf(yaml, sizeof(yaml), "name: t\nfailure:\n  - class: x\n"
		    "    regex: '%s'\n", cases[i].regex);
		set = mt_load(mt_file("lit.yaml", yaml));
		r = mt_rec(cases[i].text, false, false);
		if (match_set_classify(set, &r, &cls) != MATCH_FAILURE)
			fail_msg("'%s' does not match '%s'", cases[i].regex,
			    cases[i].text);
		assert_int_equal(cls, 0);
		match_set_free(set);
	}
}

/* ------------------------------------------------------------------ */
/* classification */

/* Records as the samples have them, with PM2's stamps stripped. */
#define REC_ROUTE_05C \
	"[Omni] Failed to create ticket: {\n" \
	"  status: false,\n" \
	"  message: '',\n" \
	"  errors: {\n" \
	"    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/" \
	"RoutesRequests.php',\n" \
	"    message: '',\n" \
	"    line: 229\n" \
	"  }\n" \
	"}"
#define REC_ROUTE_SHORT_05C \
	"[Omni] Failed to create ticket: {\n" \
	"  status: false,\n" \
	"  message: '',\n" \
	"  errors: { file: 'RoutesRequests.php', line: 229 }\n" \
	"}"
#define REC_SUCCESS_06 \
	"[Omni] Ticket created successfully: {\n" \
	"  ticketId: 1002,\n" \
	"  ticket_number: 'TCK-2025-001002',\n" \
	"  subject: 'Test ticket #2 created by the PM2 log-format lab (fake " \
	"data only)',\n" \
	"  requester: { email: 'customer@example.test', name: 'Pelanggan " \
	"Uji' },\n" \
	"  tags: [ 'pm2', 'lab', 'fake' ]\n" \
	"}"
#define REC_SUCCESS_ONE_LINE_06 \
	"[Omni] Ticket created successfully: { ticketId: 125, ticket_number: " \
	"'TCK-2025-000125' }"
#define REC_OTHER_08 \
	"[Omni] Failed to create ticket: seq=770 {\n" \
	"  status: false,\n" \
	"  message: '',\n" \
	"  errors: {\n" \
	"    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/" \
	"RoutesRequests.php',\n" \
	"    message: '',\n" \
	"    line: 229\n" \
	"  }\n" \
	"}"
#define REC_ORPHAN_769_08 \
	" create ticket: seq=769 {\n" \
	"  status: false,\n" \
	"  message: '',\n" \
	"  errors: {\n" \
	"    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/" \
	"RoutesRequests.php',\n" \
	"    message: '',\n" \
	"    line: 229\n" \
	"  }\n" \
	"}"
#define REC_LOST_HEAD_2907_08 \
	"ket: seq=2907 {\n" \
	"  status: false,\n" \
	"  message: '',\n" \
	"  errors: {\n" \
	"    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/" \
	"RoutesRequests.php',\n" \
	"    message: '',\n" \
	"    line: 229\n" \
	"  }\n" \
	"}"
/* 08, seq=1083: an inner line lost its head and split the record. */
#define REC_1083_HEAD_08 \
	"[Omni] Failed to create ticket: seq=1083 {\n" \
	"  status: false,\n" \
	"  message: '',\n" \
	"  errors: {"
#define REC_1083_TAIL_08 \
	"Requests.php',\n" \
	"    message: '',\n" \
	"    line: 229\n" \
	"  }\n" \
	"}"

static void
test_classify_samples(void **state)
{
	struct match_set *set = mt_load(OMNI_YAML);

	(void)state;
	mt_expect(set, REC_ROUTE_05C, false, MATCH_FAILURE, 0);
	mt_expect(set, REC_ROUTE_SHORT_05C, false, MATCH_FAILURE, 0);
	mt_expect(set, REC_SUCCESS_06, false, MATCH_SUCCESS, 0);
	mt_expect(set, REC_SUCCESS_ONE_LINE_06, false, MATCH_SUCCESS, 0);
	mt_expect(set, REC_OTHER_08, false, MATCH_FAILURE, 1);
	mt_expect(set, REC_1083_HEAD_08, false, MATCH_FAILURE, 1);
	mt_expect(set, "[Omni] Failed to create ticket: {\n  status: 500\n}",
	    false, MATCH_FAILURE, 1);
	/* Ordinary lines and other errors. */
	mt_expect(set, "[app] iteration 1 begin", false, MATCH_NONE, 0);
	mt_expect(set, "[Omni] Unexpected error: Error: Request failed with "
	    "status code 500 (iteration 1)\n    at main (/srv/pm2lab/app/"
	    "omni-test.js:62:17) {\n  code: 'ERR_BAD_RESPONSE'\n}", false,
	    MATCH_NONE, 0);
	mt_expect(set, "TypeError: Cannot read properties of undefined "
	    "(reading 'ticketId') (iteration 1)\n    at main (/srv/pm2lab/app/"
	    "omni-test.js:65:19)", false, MATCH_NONE, 0);
	mt_expect(set, "Error: [Omni] simulated uncaught exception (fake, end "
	    "of test)", false, MATCH_NONE, 0);
	mt_expect(set, "[http] POST /api/v1/tickets -> https://omni.example."
	    "test (iteration 1)", false, MATCH_NONE, 0);
	mt_expect(set, "", false, MATCH_NONE, 0);
	match_set_free(set);
}

static void
test_classify_damaged(void **state)
{
	struct match_set *set = mt_load(OMNI_YAML);

	(void)state;
	/* A success without its ticket_number: it lost text. */
	mt_expect(set, "[Omni] Ticket created successfully: { ticketId: 125 }",
	    false, MATCH_DAMAGED, 0);
	mt_expect(set, "[Omni] Ticket created successfully: {\n  ticketId: "
	    "1002,\n  subject: 'x'\n}", false, MATCH_DAMAGED, 0);
	/* 08, seq=769: head gone, after a closed record (an orphan). */
	mt_expect(set, REC_ORPHAN_769_08, true, MATCH_DAMAGED, 0);
	/* The same text is damaged by its head's tail alone, too. */
	mt_expect(set, REC_ORPHAN_769_08, false, MATCH_DAMAGED, 0);
	/* 08, seq=2907: "ket: {" is too short a tail by itself, but the
	 * object holds the body of one of ours. */
	mt_expect(set, REC_LOST_HEAD_2907_08, false, MATCH_DAMAGED, 0);
	/* A tail of a head at the start. */
	mt_expect(set, "ed to create ticket: {\n  status: false\n}", false,
	    MATCH_DAMAGED, 0);
	/* An orphan that holds an inner literal. */
	mt_expect(set, "  errors: {\n    file: 'RoutesRequests.php'\n  }\n}",
	    true, MATCH_DAMAGED, 0);
	/* 08, seq=1083's tail: no head, not an object, not an orphan. */
	mt_expect(set, REC_1083_TAIL_08, false, MATCH_NONE, 0);
	/*
	 * pm2_scan.sh's burst: a chunk edge cut a success's head so that
	 * what was left continued the plain line before it; the record it
	 * joined holds a damaged one of ours (each cut pm2 7.0.4 can make
	 * there that left a continuation: after "[Omni", "[Omni]",
	 * "[Omni] Ticket", "... created", "... successfully:" and the whole
	 * head).
	 */
	{
		static const char *const rests[] = {
			"] Ticket created successfully: {",
			" Ticket created successfully: {",
			" created successfully: {", " successfully: {", " {",
			"",
		};

		for (size_t i = 0; i < sizeof(rests) / sizeof(rests[0]);
		    i++) {
			char text[512];

			snprintf(text, sizeof(text), "[http] POST "
			    "/api/v1/tickets -> partner.example.test "
			    "(ticket #1)\n%s\n  ticketId: 50001,\n"
			    "  ticket_number: 'TCK-2026-000001'\n}", rests[i]);
			mt_expect(set, text, false, MATCH_DAMAGED, 0);
		}
	}
	/* A plain line's stack trace is not: its frames are no head's
	 * tail, and none is a short line before our body. */
	mt_expect(set, "[worker] partner call retried: Error: socket hang "
	    "up\n    at Socket.onClose (node:net:1:1) {\n  code: "
	    "'ECONNRESET',\n  status: false\n}", false, MATCH_NONE, 0);
	mt_expect(set, "[http] POST /api/v1/tickets\n\n  request done",
	    false, MATCH_NONE, 0);
	/* A record that merely mentions a word of ours is not damaged. */
	mt_expect(set, "ticket created for customer", false, MATCH_NONE, 0);
	mt_expect(set, "  at create (x.js:1:1)", true, MATCH_NONE, 0);
	match_set_free(set);
}

/*
 * match_set_is_quiet(), which the scan's fast path asks of every record
 * before classifying it, must never be true of a record that
 * match_set_classify_at() would count: checked on plain lines, on every
 * tail of the omni heads (which it must refuse, for their window hash),
 * and on random lines made of the heads' bytes.
 */
static void
mt_quiet_check(struct match_set *set, const char *text, size_t *nquiet)
{
	size_t len = strlen(text), first, cls = 0;
	const char *h;
	struct record r;
	bool opens;

	first = strchr(text, '\n') != NULL ?
	    (size_t)(strchr(text, '\n') - text) : len;
	while (first > 0 && text[first - 1] == ' ')
		first--;
	opens = first > 0 && (text[first - 1] == '{' || text[first - 1] == '[');
	r = mt_rec(text, false, opens);
	h = match_set_find_head(set, text, len);
	if (!match_set_is_quiet(set, &r, h != NULL ? (size_t)(h - text) :
	    MATCH_HEAD_ABSENT))
		return;
	(*nquiet)++;
	if (match_set_classify(set, &r, &cls) != MATCH_NONE)
		fail_msg("'%s' is quiet, but is counted", text);
}

static void
test_quiet_implies_none(void **state)
{
	static const char *const plain[] = {
		"[http] POST /api/v1/tickets -> https://queue.example.test",
		"Server listening on http://api-1.example.test:3000",
		"{\"level\":30,\"msg\":\"request completed\"}", "ab", "",
		"[db] pool total=10 idle=5 waiting=0", "ticket created",
		"config: {",	/* opens an object: classified, not quiet */
	};
	static const char *const heads[] = {
		"[Omni] Failed to create ticket: {",
		"[Omni] Ticket created successfully: {",
	};
	struct match_set *set = mt_load(OMNI_YAML);
	size_t nquiet = 0, before;
	uint32_t seed = 7;
	char line[128];

	(void)state;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		mt_quiet_check(set, plain[i], &nquiet);
	assert_int_equal(nquiet, sizeof(plain) / sizeof(plain[0]) - 1);
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		size_t hl = strlen(heads[i]);

		for (size_t k = 1; k < hl; k++) {
			before = nquiet;
			snprintf(line, sizeof(line), "%s x", heads[i] + k);
			mt_quiet_check(set, line, &nquiet);
			/* A tail long enough to be judged is never quiet. */
			if (hl - k >= MATCH_TAIL_MIN)
				assert_int_equal(nquiet, before);
			snprintf(line, sizeof(line), "\t%s", heads[i] + k);
			mt_quiet_check(set, line, &nquiet);
		}
	}
	for (int n = 0; n < 50000; n++) {
		const char *src = heads[n & 1];
		size_t hl = strlen(src), len;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % 40;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			line[i] = (seed >> 16) % 5 == 0 ? ' ' :
			    src[(seed >> 16) % hl];
		}
		line[len] = '\0';
		mt_quiet_check(set, line, &nquiet);
	}
	/* Coloured: a colour put into a head, or in front of one of its
	 * tails, is matched without it only where the head is there as
	 * written (match.h): quiet lines stay uncounted. */
	for (int n = 0; n < 20000; n++) {
		static const char *const sgr[] = { "\033[33m", "\033[39m",
		    "\033[1m", "\033", "\033[2K" };
		const char *src = heads[n & 1];
		size_t hl = strlen(src), k, at, len;
		const char *c;

		seed = seed * 1103515245u + 12345u;
		k = (seed >> 16) % hl;
		seed = seed * 1103515245u + 12345u;
		at = k + (seed >> 16) % (hl - k + 1);
		c = sgr[(seed >> 8) % 5];
		len = (size_t)snprintf(line, sizeof(line), "%.*s%s%s",
		    (int)(at - k), src + k, c, src + at);
		assert_true(len < sizeof(line));
		mt_quiet_check(set, line, &nquiet);
	}
	match_set_free(set);
}

/* K08: invalid UTF-8 never stops matching. */
static void
test_classify_invalid_utf8_k08(void **state)
{
	static const char *k08[] = {
		"req=1 ERROR user=J\xc3\xa9r\xc3\xb4me",
		"req=2 ERROR user=\xc3",
		"req=3 ERROR body=\xff\xfe\x80",
		"req=4 ERROR note=\xef\xbf\xbd",
		"req=5 ERROR plain",
		"\xff\xfe req=6 \xc0\xaf ERROR",
		"\xed\xa0\x80 ERROR",		/* a UTF-16 surrogate */
	};
	struct match_set *set = mt_load(mt_file("k08.yaml",
	    "name: k\nfailure:\n  - class: error\n    regex: ERROR\n"));
	struct match_set *omni = mt_load(OMNI_YAML);

	(void)state;
	for (size_t i = 0; i < sizeof(k08) / sizeof(k08[0]); i++)
		mt_expect(set, k08[i], false, MATCH_FAILURE, 0);
	/* Invalid bytes around the default set's records. */
	mt_expect(omni, "\xff[Omni] Failed to create ticket: {\n  status: "
	    "false,\n  errors: {\n    file: 'RoutesRequests.php'\n  }\n}\xfe",
	    false, MATCH_FAILURE, 0);
	mt_expect(omni, "[Omni] Failed to create ticket: \xc3", false,
	    MATCH_FAILURE, 1);
	match_set_free(set);
	match_set_free(omni);
}

/*
 * K08 and match.h ("invalid UTF-8 in a log never stops matching"): an
 * invalid byte inside the part of a record that [\s\S]*? spans must not
 * turn route_not_found into "other", or a success into "damaged".
 */
static void
test_classify_invalid_utf8_inside_record(void **state)
{
	struct match_set *omni = mt_load(OMNI_YAML);

	(void)state;
	mt_expect(omni, "[Omni] Failed to create ticket: {\n  status: false,\n"
	    "  message: 'Gagal \xe9',\n  errors: {\n    file: "
	    "'RoutesRequests.php'\n  }\n}", false, MATCH_FAILURE, 0);
	mt_expect(omni, "[Omni] Ticket created successfully: {\n  ticketId: "
	    "1002,\n  subject: '\xff',\n  ticket_number: 'TCK-2025-001002'\n}",
	    false, MATCH_SUCCESS, 0);
	match_set_free(omni);
}

/* A match never crosses a record; the first failure class wins. */
static void
test_classify_order(void **state)
{
	struct match_set *set = mt_load(mt_file("order.yaml",
	    "name: o\n"
	    "success:\n"
	    "  - 'status=200'\n"
	    "failure:\n"
	    "  - class: timeout\n"
	    "    regex: 'ERROR.*timeout'\n"
	    "  - class: any\n"
	    "    regex: ERROR\n"));

	(void)state;
	mt_expect(set, "req=1 ERROR upstream timeout", false, MATCH_FAILURE, 0);
	mt_expect(set, "req=2 ERROR db down", false, MATCH_FAILURE, 1);
	/* Success beats failure. */
	mt_expect(set, "req=3 status=200 ERROR retried", false, MATCH_SUCCESS,
	    0);
	/* '.' does not cross a line inside a record. */
	mt_expect(set, "req=4 ERROR\n  timeout", false, MATCH_FAILURE, 1);
	mt_expect(set, "req=5 OK", false, MATCH_NONE, 0);
	/* Heads without a common prefix, on records shorter than a head:
	 * an empty one made the head search run past its end. */
	mt_expect(set, "", false, MATCH_NONE, 0);
	mt_expect(set, "E", false, MATCH_NONE, 0);
	mt_expect(set, "ERROR", false, MATCH_FAILURE, 1);
	match_set_free(set);
}

/*
 * Chains of literals (match_class_chain) are decided without PCRE2: the
 * seed's two regexes and a plain literal are chains; anything with a
 * class, group, quantifier, anchor or letter escape is not.  On every
 * text the chain's answer is PCRE2's: the same set with its chains turned
 * off classifies alike, invalid UTF-8 and literals out of order included.
 */
static void
test_chain(void **state)
{
	static const char yaml[] =
	    "name: chains\n"
	    "success:\n"
	    "  - '\\[Omni\\] Ticket created successfully: \\{[\\s\\S]*?ticketId:[\\s\\S]*?ticket_number:'\n"
	    "failure:\n"
	    "  - class: route\n"
	    "    regex: '\\[Omni\\] Failed to create ticket: \\{[\\s\\S]*?status: false[\\s\\S]*?errors:[\\s\\S]*?RoutesRequests\\.php'\n"
	    "  - class: greedy\n"
	    "    regex: '\\[Omni\\] Failed[\\S\\s]*x\\.y'\n"
	    "  - class: quantified\n"
	    "    regex: '\\[Omni\\] Failed to+ create'\n"
	    "  - class: grouped\n"
	    "    regex: '\\[Omni\\] (?<what>Failed) to'\n"
	    "  - class: dotted\n"
	    "    regex: '\\[Omni\\] Failed.*timeout'\n"
	    "  - class: escaped\n"
	    "    regex: '\\[Omni\\] Failed\\d'\n"
	    "  - class: plain\n"
	    "    regex: '\\[Omni\\] Failed to create ticket:'\n";
	static const char *const texts[] = {
		"[Omni] Ticket created successfully: {\n  ticketId: 1,\n  ticket_number: 'T-1'\n}",
		"[Omni] Ticket created successfully: {\n  ticket_number: 'T-1',\n  ticketId: 1\n}",
		"[Omni] Ticket created successfully: {\n  ticketId: 1\n}",
		"x [Omni] Ticket created successfully: [Omni] Ticket created successfully: { ticketId: ticket_number:",
		"[Omni] Failed to create ticket: {\n  status: false,\n  errors: {\n    file: 'RoutesRequests.php'\n  }\n}",
		"[Omni] Failed to create ticket: {\n  errors: 'RoutesRequests.php',\n  status: false\n}",
		"[Omni] Failed to create ticket: {\n  status: false,\n  errors: {\n    file: '\xff\xfeRoutesRequests.php'\n  }\n}",
		"[Omni] Failed to create ticket: {\xc3\n  status: false,\xe2\x82\n  errors: RoutesRequests\xf0.php\n}",
		"[Omni] Failed to create ticket: {status: falseerrors:RoutesRequests.php",
		"[Omni] Failed to create ticket: {status: falserrors:RoutesRequests.php",
		"[Omni] Failed x.y",
		"[Omni] Failed to create ticket: nothing else",
		"[Omni] Failed\xc3\xa9 to create ticket:",
		"nothing of ours",
	};
	char *path = mt_file("chains.yaml", yaml);
	struct match_set *on = mt_load(path), *off = mt_load(path);
	static const bool chain[] = { true, true, false, false, false, false,
	    true };

	(void)state;
	assert_true(on->success[0].is_chain);
	assert_int_equal(on->nfailure, 7);
	for (size_t i = 0; i < on->nfailure; i++)
		if (on->failure[i].is_chain != chain[i])
			fail_msg("class %s: is_chain %d", on->failure[i].name,
			    on->failure[i].is_chain);
	off->success[0].is_chain = false;
	for (size_t i = 0; i < off->nfailure; i++)
		off->failure[i].is_chain = false;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct record r = mt_rec(texts[i], false, false);
		size_t ca = 99, cb = 99;
		enum match_outcome a = match_set_classify(on, &r, &ca);
		enum match_outcome b = match_set_classify(off, &r, &cb);

		if (a != b || (a == MATCH_FAILURE && ca != cb))
			fail_msg("text %zu: chain says %d/%zu, PCRE2 %d/%zu", i,
			    (int)a, ca, (int)b, cb);
	}
	/* And the answers are the right ones, not merely equal. */
	{
		struct record r = mt_rec(texts[5], false, false);
		size_t c = 99;

		assert_int_equal(match_set_classify(on, &r, &c),
		    MATCH_FAILURE);
		assert_string_equal(on->failure[c].name, "quantified");
		r = mt_rec(texts[8], false, false);
		assert_int_equal(match_set_classify(on, &r, &c),
		    MATCH_FAILURE);
		assert_string_equal(on->failure[c].name, "route");
		r = mt_rec(texts[3], false, false);
		assert_int_equal(match_set_classify(on, &r, &c),
		    MATCH_SUCCESS);
	}
	match_set_free(on);
	match_set_free(off);
}

/* ------------------------------------------------------------------ */
/* colours (tester10 item 12: FORCE_COLOR=1 apps) */

/* ansi_strip() of TEXT must give WANT. */
static void
mt_strip(const char *text, const char *want)
{
	size_t len = strlen(text), n;
	char out[256];

	n = ansi_strip(text, len, out);
	if (n != strlen(want) || memcmp(out, want, n) != 0)
		fail_msg("ansi_strip('%s'): '%.*s', expected '%s'", text,
		    (int)n, out, want);
}

static void
test_ansi_strip(void **state)
{
	(void)state;
	mt_strip("plain", "plain");
	mt_strip("", "");
	/* util.inspect: numbers and booleans yellow, strings green, null
	 * bold; chalk's 24-bit colours, with ';' or ':'. */
	mt_strip("status: \033[33mfalse\033[39m,", "status: false,");
	mt_strip("\033[32m'Not Found'\033[39m", "'Not Found'");
	mt_strip("pid: \033[1mnull\033[22m", "pid: null");
	mt_strip("\033[38;2;255;0;0mred\033[0m", "red");
	mt_strip("\033[38:2::255:0:0mred\033[m", "red");
	/* Other CSI sequences: erase in line, cursor moves. */
	mt_strip("\033[2K\033[1Gdone \033[2A", "done ");
	/* Kept: a lone ESC, a sequence cut by the end or by a line end,
	 * OSC and charset escapes, C1's 0x9B. */
	mt_strip("a\033", "a\033");
	mt_strip("a\033[33", "a\033[33");
	mt_strip("a\033[33\nb", "a\033[33\nb");
	mt_strip("\033]8;;http://x\033\\link", "\033]8;;http://x\033\\link");
	mt_strip("\033(B\033[m", "\033(B");
	mt_strip("\xc2\x9b" "33m", "\xc2\x9b" "33m");
	assert_int_equal(ansi_csi_len("\033[33m", 5), 5);
	assert_int_equal(ansi_csi_len("\033[33", 4), 0);
	assert_int_equal(ansi_csi_len("\033x", 2), 0);
}

/* What Node 20's util.inspect({...}, {colors: true}) writes for the
 * objects of samples/pm2, as console.error does under FORCE_COLOR=1. */
#define MT_RNF_COLOURED "[Omni] Failed to create ticket: {\n" \
	"  status: \033[33mfalse\033[39m,\n" \
	"  errors: {\n" \
	"    message: \033[32m'Not Found'\033[39m,\n" \
	"    file: \033[32m'/var/www/vendor/laravel/lumen-framework/src/" \
	"Concerns/RoutesRequests.php'\033[39m,\n" \
	"    line: \033[33m229\033[39m\n" \
	"  },\n" \
	"  pid: \033[1mnull\033[22m\n" \
	"}"
#define MT_OK_COLOURED "[Omni] Ticket created successfully: {\n" \
	"  ticketId: \033[33m1002\033[39m,\n" \
	"  ticket_number: \033[32m'T-2'\033[39m,\n" \
	"  data: { a: \033[33m1\033[39m, b: [ \033[33m1\033[39m ] }\n" \
	"}"

static void
mt_capture(void *ctx, const char *name, const char *p, size_t len)
{
	char *out = ctx;

	snprintf(out, 64, "%s=%.*s", name, (int)len, p);
}

static void
test_classify_colours(void **state)
{
	struct match_set *set = mt_load(OMNI_YAML), *own;
	struct record r;
	const struct record *shown;
	size_t cls = 999;
	char cap[64] = "";

	(void)state;
	/* The route_not_found regex reads "status: false": without the
	 * colours, it is that class, not the catch-all "other". */
	mt_expect(set, MT_RNF_COLOURED, false, MATCH_FAILURE, 0);
	mt_expect(set, MT_OK_COLOURED, false, MATCH_SUCCESS, 0);
	/* Reports get it without colours, at the record's place. */
	r = mt_rec(MT_RNF_COLOURED, false, true);
	r.offset = 4096;
	r.line_number = 77;
	assert_int_equal(match_set_classify(set, &r, &cls), MATCH_FAILURE);
	shown = match_set_shown(set);
	assert_ptr_not_equal(shown, &r);
	assert_null(memchr(shown->text, '\033', shown->len));
	assert_non_null(memmem(shown->text, shown->len,
	    "status: false,\n", 15));
	assert_int_equal(shown->offset, 4096);
	assert_int_equal(shown->line_number, 77);
	assert_int_equal(shown->nlines, r.nlines);
	/* Without an ESC, the record itself. */
	r = mt_rec("[Omni] Failed to create ticket: x", false, false);
	assert_int_equal(match_set_classify(set, &r, &cls), MATCH_FAILURE);
	assert_int_equal(cls, 1);
	assert_ptr_equal(match_set_shown(set), &r);
	/* A damaged record, too, is shown without them. */
	r = mt_rec("[Omni] Failed to create ticket: {\n  status: \033[33mfalse"
	    "\033[39m,", false, true);
	(void)match_set_classify(set, &r, &cls);
	assert_null(memchr(match_set_shown(set)->text, '\033',
	    match_set_shown(set)->len));
	/* A head coloured inside itself is not supported (match.h): it is
	 * not read as the head, so not as route_not_found. */
	r = mt_rec("[\033[1mOmni\033[22m] Failed to create ticket: {\n"
	    "  status: false,\n  errors: 'RoutesRequests.php'\n}", false, true);
	cls = 999;
	if (match_set_classify(set, &r, &cls) == MATCH_FAILURE)
		assert_int_not_equal(cls, 0);
	match_set_free(set);

	/* A regex, not a chain: its named group is taken from the copy;
	 * and a pattern written for the escapes still matches them.  The
	 * literal a regex starts with must be there as written (match.h):
	 * "ticket_number: '" would not be. */
	own = mt_load(mt_file("colours.yaml", "name: colours\n"
	    "success:\n"
	    "  - 'ticket_number:\\s*''(?<num>T-\\d+)'''\n"
	    "failure:\n"
	    "  - class: yellow\n"
	    "    regex: 'status: \\x1b\\[33mfalse'\n"
	    "  - class: plain\n"
	    "    regex: 'status: (?:false|true)'\n"));
	r = mt_rec(MT_OK_COLOURED, false, true);
	assert_int_equal(match_set_classify(own, &r, &cls), MATCH_SUCCESS);
	match_set_captures(own, mt_capture, cap);
	assert_string_equal(cap, "num=T-2");
	r = mt_rec(MT_RNF_COLOURED, false, true);
	assert_int_equal(match_set_classify(own, &r, &cls), MATCH_FAILURE);
	assert_int_equal(cls, 0);
	r = mt_rec("status: \033[32mtrue\033[39m", false, false);
	assert_int_equal(match_set_classify(own, &r, &cls), MATCH_FAILURE);
	assert_int_equal(cls, 1);
	match_set_free(own);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_omni),
		cmocka_unit_test(test_quiet_implies_none),
		cmocka_unit_test(test_load_rules_and_defaults),
		cmocka_unit_test(test_error_regex_plain),
		cmocka_unit_test(test_error_regex_single_quoted),
		cmocka_unit_test(test_error_regex_double_quoted),
		cmocka_unit_test(test_error_regex_success),
		cmocka_unit_test(test_error_regex_rule),
		cmocka_unit_test(test_error_unknown_key),
		cmocka_unit_test(test_error_missing_name),
		cmocka_unit_test(test_error_other),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_sets_load_errors),
		cmocka_unit_test(test_literals_omni),
		cmocka_unit_test(test_literals_rules),
		cmocka_unit_test(test_literals_never_hide_matches),
		cmocka_unit_test(test_classify_samples),
		cmocka_unit_test(test_classify_damaged),
		cmocka_unit_test(test_classify_invalid_utf8_k08),
		cmocka_unit_test(test_classify_invalid_utf8_inside_record),
		cmocka_unit_test(test_classify_order),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_ansi_strip),
		cmocka_unit_test(test_classify_colours),
	};

	return cmocka_run_group_tests(tests, mt_setup, mt_teardown);
}
