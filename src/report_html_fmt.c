/*
 * report_html_fmt: the small writers every part of the HTML report uses
 * (report_html_part.h): escaping, numbers, rates.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_html_part.h"
#include "utf8.h"

/* (P, LEN) as HTML text or attribute value: valid UTF-8, escaped. */
void
report_html_esc(FILE *fp, const char *p, size_t len)
{
	size_t n;
	char *s = utf8_clean(p, len, &n);

	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			if ((unsigned char)s[i] < 0x20 && s[i] != '\n' &&
			    s[i] != '\t')
				fputs("\xEF\xBF\xBD", fp);	/* U+FFFD */
			else
				fputc(s[i], fp);
		}
	}
	free(s);
}

void
report_html_escs(FILE *fp, const char *s)
{
	report_html_esc(fp, s, strlen(s));
}

/* N with thousands separators ("12,345") into BUF (32 bytes). */
const char *
report_html_num(uint64_t n, char *buf)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)n);
	size_t k = 0;

	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = tmp[i];
	}
	buf[k] = '\0';
	return buf;
}

/* "83.3%", "n/a" into BUF (16 bytes). */
const char *
report_html_rate(double rate, char *buf)
{
	if (rate < 0)
		snprintf(buf, 16, "n/a");
	else
		snprintf(buf, 16, "%.1f%%", rate * 100.0);
	return buf;
}

/* CSS class for a failure rate: how worried to look. */
const char *
report_html_rate_class(double rate)
{
	if (rate < 0)
		return "none";
	if (rate >= 0.5)
		return "bad";
	if (rate >= 0.1)
		return "warn";
	return "good";
}
