/*
 * probe_url_file: the URL of a probe kept in a file (the config's
 * url_file, `omniwatch probe --url-file`), since a partner's URL may
 * carry a key in its query.  Read by secret_file's rule (secret_file.h).
 */
#ifndef OMNIWATCH_PROBE_URL_FILE_H
#define OMNIWATCH_PROBE_URL_FILE_H

/*
 * The URL in the file PATH: its first line, blanks trimmed.  Returns a
 * malloc'd string, or NULL with *ERR (malloc'd, naming PATH, never its
 * content) when it cannot be read, is a directory or any other kind of
 * file than a regular one, or holds no URL.  Warns when the file is
 * readable by everyone, as receivers' secret_file does.
 */
char *probe_url_file_read(const char *path, char **err);

#endif
