/*
 * fuzz_config: the config loader (config_load): any bytes as
 * omniwatch.yaml.  It must load or give an error that names the file,
 * never crash, hang or leak.  A config that loads is checked for the
 * invariants its users rely on (a state_dir, sources each with exactly
 * one of pm2_home and path).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"
#include "log.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_LEVEL_ERROR);
	/* The default state_dir comes from here: the same for every run. */
	setenv("HOME", "/nonexistent/fuzz", 1);
	unsetenv("XDG_STATE_HOME");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], *err = NULL;
	int fd = fuzz_memfile(data, size, path, sizeof(path));
	struct config *cfg = config_load(path, &err);

	if (cfg == NULL) {
		if (err == NULL || strstr(err, path) == NULL) {
			fprintf(stderr, "fuzz_config: error without the path: "
			    "%s\n", err != NULL ? err : "(null)");
			abort();
		}
		free(err);
	} else {
		if (cfg->state_dir == NULL)
			abort();
		for (size_t i = 0; i < cfg->nsources; i++)
			if ((cfg->sources[i].pm2_home == NULL) ==
			    (cfg->sources[i].path == NULL))
				abort();
		config_free(cfg);
	}
	close(fd);
	return 0;
}
