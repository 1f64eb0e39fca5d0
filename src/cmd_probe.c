/*
 * cmd_probe: `omniwatch probe URL`, one probe of a partner's endpoint
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
#include "log.h"
#include "loop.h"
#include "probe.h"
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
	    "regexes match" },
	{ NULL, 0, 0, NULL, NULL },
};

/* A usage error: the usage line, and UNKNOWN (3), as plugins exit. */
static int
probe_usage(void)
{
	(void)cmd_usage("probe");
	return PROBE_EXIT_UNKNOWN;
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

/* The config's redact: regexes, when -c is given. */
static struct redact *
probe_redact_from(const char *config_path, int *rc)
{
	struct config *cfg;
	struct redact *rd;
	char *err = NULL;

	*rc = 0;
	if (config_path == NULL)
		return NULL;
	cfg = config_load(config_path, &err);
	if (cfg == NULL) {
		log_error("%s", err);
		free(err);
		*rc = -1;
		return NULL;
	}
	/* Compiled once, when the config was read: taken over from it. */
	rd = cfg->redaction;
	cfg->redaction = NULL;
	config_free(cfg);
	return rd;
}

int
cmd_probe(int argc, char **argv)
{
	struct cmd_opt_parser op;
	struct config_header headers[PROBE_HEADERS_MAX];
	struct probe_spec spec;
	const char *url_file = NULL, *config_path = NULL;
	struct http_client *hc = NULL;
	struct probe *p = NULL;
	struct redact *rd = NULL;
	char *url = NULL, *err = NULL;
	bool is_json = false;
	int ch, rc = PROBE_EXIT_UNKNOWN, epfd = -1, rrc;
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
			/* The value may be a token: never echoed. */
			if (nheaders == PROBE_HEADERS_MAX ||
			    probe_header_parse(optarg,
			    &headers[nheaders]) != 0) {
				fprintf(stderr, "omniwatch probe: --header: "
				    "expected 'Name: value' (at most %d)\n",
				    PROBE_HEADERS_MAX);
				goto usage;
			}
			nheaders++;
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
	if ((url_file == NULL) == (optind + 1 != argc)) {
		fprintf(stderr, "omniwatch probe: give one URL, or --url-file "
		    "FILE\n");
		goto usage;
	}
	if (url_file != NULL) {
		url = probe_read_url_file(url_file, &err);
		if (url == NULL) {
			fprintf(stderr, "omniwatch probe: %s\n", err);
			goto usage;
		}
	} else
		url = xstrdup(argv[optind]);
	rd = probe_redact_from(config_path, &rrc);
	if (rrc != 0)
		goto done;
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
	p = probe_new(&spec, hc, rd, NULL, NULL, &err);
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
	redact_free(rd);
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
