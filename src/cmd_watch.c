#include "autoconf.h"
#include "cmd.h"
int cmd_watch(int argc, char **argv) { (void)argc; (void)argv; return 2; }
