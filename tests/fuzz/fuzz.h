/*
 * fuzz: what the fuzz targets under tests/fuzz share.
 *
 * Each target is one file defining LLVMFuzzerTestOneInput (libFuzzer's
 * entry point, https://llvm.org/docs/LibFuzzer.html), and optionally
 * LLVMFuzzerInitialize.  It is linked twice: with libFuzzer's main when
 * configured with --enable-fuzzing (tests/fuzz/fuzz_NAME, run by
 * `make fuzz`), and with driver.c's main by any compiler
 * (tests/fuzz/regress_NAME, run by `make check` on the inputs kept in
 * tests/fuzz/regressions/NAME and tests/fuzz/corpus/NAME).
 *
 * A target must be deterministic, must not leak, and must abort() on a
 * wrong answer it can tell (a differential check) so that the fuzzer
 * keeps the input; sanitizers catch the rest.
 */
#ifndef OMNIWATCH_FUZZ_H
#define OMNIWATCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * Puts (DATA, SIZE) in a file that lives in memory (memfd_create(2)) and
 * writes its path ("/proc/self/fd/N") into PATH (PATHLEN bytes), for the
 * loaders that take a path.  Returns the descriptor to close, or aborts:
 * a fuzzer that cannot make its input file has nothing to report.
 */
int fuzz_memfile(const uint8_t *data, size_t size, char *path,
    size_t pathlen);

#endif
