/*
 * watch_reload: SIGHUP's reload, proven in a child before the loop takes
 * it.  Loading a config may take long whatever the file is: libfyaml
 * expands aliases (a "billion laughs" runs into yaml_load's limit of
 * YAML_PARSE_MS per file), and a config names several files.  So the
 * child loads the new config and all it names and exits 0 or 1, while the
 * loop counts and serves /metrics on; its exit arrives as SIGCHLD through
 * the loop's signalfd.  Only a config the child loaded is loaded by the
 * loop itself (watch_reload), where the same bytes parse as fast as they
 * did in the child.  Not a library module.
 */
#ifndef OMNIWATCH_WATCH_RELOAD_H
#define OMNIWATCH_WATCH_RELOAD_H

struct watch;

/*
 * SIGHUP: starts the child that proves W's config (a child still at work
 * on an earlier SIGHUP is stopped: the file has changed again).  Where
 * fork fails, reloads at once, as watch_reload() does.  Returns 0, or -1
 * when such a reload failed half-way (logged): the loop must end then.
 */
int watch_reload_start(struct watch *w);

/*
 * SIGCHLD: when the child has ended, takes the config it proved
 * (watch_reload), or logs that the old one keeps running.  Returns 0, or
 * -1 when the modules could not be opened again (logged): the loop must
 * end then.
 */
int watch_reload_reap(struct watch *w);

/* The loop ends: a child still at work is stopped and reaped. */
void watch_reload_stop(struct watch *w);

#endif
