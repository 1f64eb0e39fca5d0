/*
 * ansi: the terminal escape sequences that apps write into their logs.
 *
 * Node apps run with FORCE_COLOR=1, and loggers that colour (chalk,
 * winston's colorize, pino-pretty, debug, util.inspect with colors), write
 * ANSI control sequences into their output, and PM2 logs them as they are:
 * "status: \e[33mfalse\e[39m".  A pattern is written for the text a
 * terminal shows, so records are matched, and shown in reports, without
 * them (match.h).
 *
 * What is removed is every complete CSI sequence (ECMA-48 section 5.4):
 * ESC '[', parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one
 * final byte 0x40-0x7E.  SGR ("\e[...m", colours and bold) is what loggers
 * write; the other CSI sequences (erase in line "\e[K", cursor moves
 * "\e[1G", "\e[2A") come from progress bars and spinners, and no more
 * stand for a character than SGR does.  Anything else stays as it is: a
 * lone ESC, a sequence cut before its final byte (the end of a record,
 * a line end, any other byte), other escapes (OSC "\e]...", charset
 * "\e(B"), and C1's one-byte CSI 0x9B, which in UTF-8 is a continuation
 * byte, not a control.
 */
#ifndef OMNIWATCH_ANSI_H
#define OMNIWATCH_ANSI_H

#include <stddef.h>

/*
 * The length of the complete CSI sequence at P (LEN bytes in hand, P[0]
 * ESC), or 0 when there is none.
 */
size_t ansi_csi_len(const char *p, size_t len);

/*
 * Copies the LEN bytes at P to OUT without their CSI sequences; OUT holds
 * at least LEN bytes (it is not NUL-terminated).  Returns the length
 * written, LEN when P holds none.  A line end is never inside a sequence,
 * so the lines stay as many.
 */
size_t ansi_strip(const char *p, size_t len, char *out);

#endif
