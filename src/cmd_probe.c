/*
 * cmd_probe: `omniwatch probe URL` (or `-c CONFIG NAME`, one of the
 * config's probes: its url or url_file, method, data, headers and
 * timeout), one probe of a partner's endpoint
 * (probe.h), as a monitoring plugin: one line (or one JSON object), exit
 * 0 when the verdict is ok, 2 for every other verdict, 3 for usage
 * errors (the Nagios plugin guidelines' OK, CRITICAL and UNKNOWN).  The
 * requests run on an http_client in a small epoll loop of this command's
 * own, the same code watch's probes run on.
 */
#include "autoconf.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "config.h"
#include "http_client.h"
#include "http_header.h"
#include "log.h"
#include "loop.h"
#include "probe.h"
#include "probe_url_file.h"
#include "redact.h"
#include "utf8_json.h"
#include "stamp.h"
#include "xmalloc.h"

#define PROBE_EXIT_OK		0
#define PROBE_EXIT_CRITICAL	2
#define PROBE_EXIT_UNKNOWN	3
#define PROBE_HEADERS_MAX	32

const struct cmd_opt cmd_probe_opts[] = {
	{ "json", 'j', 0, NULL, "print one JSON object" },
	{ "method", 'm', 0, "METHOD", "GET (default), HEAD, OPTIONS, or POST "
	    "with --data" },
	{ "timeout", 't', 0, "DURATION", "the limit of each request (default "
	    "10s)" },
	{ "header", 'H', CMD_OPT_SHORT | CMD_OPT_REPEAT, "'NAME: VALUE'",
	    "a header for every request; never printed" },
	{ "data", 'd', 0, "BODY", "the body of a POST (--method POST)" },
	{ "url-file", 'u', 0, "FILE", "read the URL from FILE's first line" },
	{ "config", 'c', CMD_OPT_SHORT, "FILE", "also redact what its redact: "
	    "regexes match; with a NAME for URL, run its probe of that name" },
	{ NULL, 0, 0, NULL, NULL },
};

/* A usage error: the usage line, and UNKNOWN (3), as plugins exit. */
static int
probe_usage(void)
{
	(void)cmd_usage("probe");
	return PROBE_EXIT_UNKNOWN;
}

/*
 * --header S into HEADERS[*N].  Returns 0, or -1 with the message printed:
 * it names the header when S has a name, never the value (a token).
 */
static int
probe_header(const char *s, struct config_header *headers, size_t *n)
{
	const char *why;
	char *name;

	if (*n == PROBE_HEADERS_MAX) {
		fprintf(stderr, "omniwatch probe: --header: at most %d\n",
		    PROBE_HEADERS_MAX);
		return -1;
	}
	if (http_header_parse(s, &headers[*n], &name, &why) == 0) {
		(*n)++;
		return 0;
	}
	if (name != NULL)
		fprintf(stderr, "omniwatch probe: --header '%s': the value "
		    "%s\n", name, why);
	else
		fprintf(stderr, "omniwatch probe: --header: %s\n", why);
	free(name);
	return -1;
}

/* Runs P to its end in a loop of its own.  Returns 0 or -1. */
static int
probe_run(struct probe *p, struct http_client *hc, int epfd)
{
	if (probe_start(p, stamp_now_ms()) != 0 && probe_last(p) == NULL)
		return -1;
	while (probe_is_running(p)) {
		struct epoll_event evs[8];
		int64_t now = stamp_now_ms(), d;
		int n, timeout;

		d = http_client_deadline(hc);
		timeout = d == INT64_MAX ? 1000 : d <= now ? 0 :
		    d - now > 1000 ? 1000 : (int)(d - now);
		n = epoll_wait(epfd, evs, 8, timeout);
		if (n < 0 && errno != EINTR) {
			log_error("epoll_wait: %s", strerror(errno));
			return -1;
		}
		now = stamp_now_ms();
		for (int i = 0; i < n; i++)
			http_client_event(hc, loop_fd(evs[i].data.u64),
			    evs[i].events, now);
		http_client_tick(hc, now);
	}
	return 0;
}

static void
probe_print(const struct probe_result *r, const char *method, bool is_json)
{
	if (is_json) {
		json_t *o = json_object();
		char at[STAMP_BUFLEN];
		char *s;

		stamp_format(r->at_ms, at);
		json_object_set_new(o, "verdict",
		    json_string(probe_verdict_name(r->verdict)));
		json_object_set_new(o, "url", utf8_json_string(r->url,
		    strlen(r->url)));
		json_object_set_new(o, "method", json_string(method));
		json_object_set_new(o, "status", r->status != 0 ?
		    json_integer(r->status) : json_null());
		json_object_set_new(o, "base_status", r->base_status != 0 ?
		    json_integer(r->base_status) : json_null());
		json_object_set_new(o, "duration_ms",
		    json_integer(r->duration_ms));
		json_object_set_new(o, "evidence", utf8_json_string(
		    r->evidence, strlen(r->evidence)));
		json_object_set_new(o, "at", json_string(at));
		s = json_dumps(o, JSON_INDENT(2));
		printf("%s\n", s);
		free(s);
		json_decref(o);
		return;
	}
	printf("PROBE %s - %s: %s | status=%ld base_status=%ld "
	    "duration=%.3fs\n", r->verdict == PROBE_OK ? "OK" : "CRITICAL",
	    probe_verdict_name(r->verdict), r->evidence, r->status,
	    r->base_status, (double)r->duration_ms / 1000.0);
	printf("url: %s\n", r->url);
}

/* CONFIG_PATH's config, or NULL (the error printed). */
static struct config *
probe_config(const char *config_path)
{
	struct config *cfg;
	char *err = NULL;

	cfg = config_load(config_path, &err);
	if (cfg == NULL) {
		log_error("%s", err);
		free(err);
	}
	return cfg;
}

/* The probe of CFG named NAME, or NULL with a usage message naming the
 * probes it has. */
static const struct config_probe *
probe_by_name(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nprobes; i++)
		if (strcmp(cfg->probes[i].name, name) == 0)
			return &cfg->probes[i];
	fprintf(stderr, "omniwatch probe: '%s' is not a URL, and %s has no "
	    "probe of that name", name, cfg->path);
	if (cfg->nprobes == 0)
		fprintf(stderr, "; it configures no probes");
	for (size_t i = 0; i < cfg->nprobes; i++)
		fprintf(stderr, "%s'%s'", i == 0 ? "; it configures " : ", ",
		    cfg->probes[i].name);
	fprintf(stderr, "\n");
	return NULL;
}

/*
 * SPEC from the configured probe C where the command line left it unset
 * (--method, --data, --timeout win); C's headers go before the command
 * line's, into HEADERS (room for PROBE_HEADERS_MAX; *N of them set).  The
 * URL is C's url, or its url_file read now, into *URL.  Returns 0, or -1
 * with the message printed.
 */
static int
probe_from_config(const struct config_probe *c, struct probe_spec *spec,
    struct config_header *headers, size_t *n, char **url)
{
	char *err = NULL;

	if (*n + c->nheaders > PROBE_HEADERS_MAX) {
		fprintf(stderr, "omniwatch probe: %s: more than %d headers with "
		    "--header's\n", c->name, PROBE_HEADERS_MAX);
		return -1;
	}
	memmove(headers + c->nheaders, headers, *n * sizeof(*headers));
	for (size_t i = 0; i < c->nheaders; i++) {
		headers[i].name = xstrdup(c->headers[i].name);
		headers[i].value = xstrdup(c->headers[i].value);
	}
	*n += c->nheaders;
	if (c->url_file != NULL) {
		*url = probe_url_file_read(c->url_file, &err);
		if (*url == NULL) {
			fprintf(stderr, "omniwatch probe: probes.%s: %s\n",
			    c->name, err);
			free(err);
			return -1;
		}
	} else
		*url = xstrdup(c->url);
	spec->name = c->name;
	if (spec->method == NULL)
		spec->method = c->method;
	if (spec->data == NULL)
		spec->data = c->data;
	if (spec->timeout_ms == 0)
		spec->timeout_ms = c->timeout_ms;
	return 0;
}

int
cmd_probe(int argc, char **argv)
{
	struct cmd_opt_parser op;
	struct config_header headers[PROBE_HEADERS_MAX];
	struct probe_spec spec;
	const char *url_file = NULL, *config_path = NULL;
	const struct config_probe *named = NULL;
	struct config *cfg = NULL;
	struct http_client *hc = NULL;
	struct probe *p = NULL;
	char *url = NULL, *err = NULL;
	bool is_json = false;
	int ch, rc = PROBE_EXIT_UNKNOWN, epfd = -1;
	size_t nheaders = 0;

	memset(&spec, 0, sizeof(spec));
	cmd_opt_init(&op, cmd_probe_opts);
	while ((ch = cmd_opt_parse(&op, argc, argv)) != -1) {
		switch (ch) {
		case 'j':
			is_json = true;
			break;
		case 'm':
			spec.method = optarg;
			break;
		case 't':
			if (stamp_parse_duration(optarg, &spec.timeout_ms) != 0 ||
			    spec.timeout_ms <= 0) {
				fprintf(stderr, "omniwatch probe: --timeout "
				    "'%s': expected a duration such as 10s or "
				    "500ms\n", optarg);
				goto usage;
			}
			break;
		case 'H':
			if (probe_header(optarg, headers, &nheaders) != 0)
				goto usage;
			break;
		case 'd':
			spec.data = optarg;
			break;
		case 'u':
			url_file = optarg;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'h':
			rc = cmd_help("probe", stdout);
			goto done;
		default:
			goto usage;
		}
	}
	if (optind + 1 < argc || (url_file != NULL && optind < argc)) {
		cmd_unexpected("probe", argv[url_file != NULL ? optind :
		    optind + 1], "give one URL, --url-file FILE, or -c CONFIG "
		    "and a probe's name");
		goto usage;
	}
	if ((url_file == NULL) == (optind + 1 != argc)) {
		fprintf(stderr, "omniwatch probe: give one URL, --url-file "
		    "FILE, or -c CONFIG and a probe's name\n");
		goto usage;
	}
	if (config_path != NULL) {
		cfg = probe_config(config_path);
		if (cfg == NULL)
			goto done;
	}
	/* -c CONFIG NAME: what is no URL names one of its probes. */
	if (cfg != NULL && url_file == NULL &&
	    strstr(argv[optind], "://") == NULL) {
		named = probe_by_name(cfg, argv[optind]);
		if (named == NULL ||
		    probe_from_config(named, &spec, headers, &nheaders,
		    &url) != 0)
			goto usage;
	} else if (url_file != NULL) {
		url = probe_url_file_read(url_file, &err);
		if (url == NULL) {
			fprintf(stderr, "omniwatch probe: %s\n", err);
			goto usage;
		}
	} else
		url = xstrdup(argv[optind]);
	spec.url = url;
	spec.headers = headers;
	spec.nheaders = nheaders;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0) {
		log_error("epoll_create1: %s", strerror(errno));
		goto done;
	}
	hc = http_client_new(epfd, &err);
	if (hc == NULL) {
		log_error("%s", err);
		goto done;
	}
	/* With -c, the URL shown is redacted by its redact: regexes too. */
	p = probe_new(&spec, hc, cfg != NULL ? cfg->redaction : NULL, NULL,
	    NULL, &err);
	if (p == NULL) {
		fprintf(stderr, "omniwatch %s\n", err);
		goto usage;
	}
	if (probe_run(p, hc, epfd) != 0 || probe_last(p) == NULL)
		goto done;
	probe_print(probe_last(p), spec.method != NULL ? spec.method : "GET",
	    is_json);
	rc = probe_last(p)->verdict == PROBE_OK ? PROBE_EXIT_OK :
	    PROBE_EXIT_CRITICAL;
	goto done;

usage:
	probe_usage();
	rc = PROBE_EXIT_UNKNOWN;
done:
	probe_free(p);
	http_client_free(hc);
	if (epfd >= 0)
		close(epfd);
	config_free(cfg);
	for (size_t i = 0; i < nheaders; i++) {
		free(headers[i].name);
		memset(headers[i].value, 0, strlen(headers[i].value));
		free(headers[i].value);
	}
	if (url != NULL)
		memset(url, 0, strlen(url));
	free(url);
	free(err);
	return rc;
}
