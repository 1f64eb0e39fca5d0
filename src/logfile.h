/*
 * logfile: which files named on the command line are logs.  scan and test
 * read a file given by name only when its name is a log's, so that a glob
 * over a directory (test DIR/NAME*) does not read DIR/README.txt as a
 * log; what they skip, they say (LOGFILE_SKIPPED).  A directory is another
 * matter: scan reads PM2's logs in it (pm2_log_name_parse).
 */
#ifndef OMNIWATCH_LOGFILE_H
#define OMNIWATCH_LOGFILE_H

#include <stdbool.h>

/* What scan and test say, after the file's path, for a file skipped. */
#define LOGFILE_SKIPPED \
	"not named like a log (NAME.log, NAME-out.log, .gz, rotated .1, " \
	".2.gz, -20261129); skipped (to read it anyway, give it as standard " \
	"input: - < FILE)"

/*
 * True when PATH's last component is a log's name: PM2's (NAME-out.log,
 * NAME-error-3.log and their rotations, pm2.h), or a name ending in .log,
 * .out or .err, or with no extension at all (syslog, messages), each
 * optionally followed by the rotation suffixes of logrotate(8) (.1, .2.gz,
 * dateext's -20261129) or a .gz; a .gz alone (old-logs.gz) too.  Anything
 * else (README.txt, notes.md, a .yaml or .json) is not.
 */
bool logfile_is_log(const char *path);

/*
 * When PATH's last component is a log's name followed by the suffix of a
 * compressor we do not read (".xz", ".zst", ".bz2", ".lz4", ".lzo",
 * ".lzma", ".Z": logrotate's compresscmd), that compressor's program
 * ("xz"), a static string; else NULL.  With PM2_ONLY, the name must be
 * PM2's (pm2_log_name_parse), as in a directory scan reads.  A log we
 * cannot read is said so, never skipped quietly.
 */
const char *logfile_unread_compression(const char *path, bool pm2_only);

/* The program of the compressor we do not read whose suffix ends NAME
 * (a file name), with *EXT_LEN its length in bytes; else NULL. */
const char *logfile_compressor(const char *name, size_t *ext_len);

/*
 * What scan says, after the file's path, of PATH ("-": standard input)
 * compressed with PROG, which we do not read: "compressed with xz, which
 * omniwatch does not read (it reads gzip): not counted; to scan it: xz
 * -dc PATH | omniwatch scan -", PATH quoted for the shell when it needs
 * it.  Malloc'd; the caller frees it.  Whether the compressor was told by
 * the name (logfile_unread_compression) or by the bytes (source.c).
 */
char *logfile_unread_message(const char *prog, const char *path);

#endif
