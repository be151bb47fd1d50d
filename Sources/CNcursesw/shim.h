#ifndef GANTRY_CNCURSESW_SHIM_H
#define GANTRY_CNCURSESW_SHIM_H
// Wide-character ncurses for Swift. NCURSES_WIDECHAR must come before the header
// (cchar_t, setcchar, wadd_wch, get_wch). Macros and C mutable globals that Swift 6
// cannot import or read safely are wrapped in static inline functions.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <string.h>
#include <langinfo.h>
#include <wchar.h>
#include <stdio.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

static inline WINDOW *gantry_stdscr(void) { return stdscr; }
static inline int gantry_lines(void) { return LINES; }
static inline int gantry_cols(void) { return COLS; }
static inline int gantry_colors(void) { return COLORS; }
static inline int gantry_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t gantry_a_normal(void) { return A_NORMAL; }
static inline attr_t gantry_a_bold(void) { return A_BOLD; }
static inline attr_t gantry_a_dim(void) { return A_DIM; }
static inline attr_t gantry_a_reverse(void) { return A_REVERSE; }
static inline attr_t gantry_a_underline(void) { return A_UNDERLINE; }
static inline mmask_t gantry_button1_clicks(void) {
    return BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED;
}
static inline mmask_t gantry_button1_pressed(void) { return BUTTON1_PRESSED | BUTTON1_CLICKED; }
static inline mmask_t gantry_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t gantry_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline int gantry_set_cell(WINDOW *win, int y, int x, const wchar_t *text, attr_t attr, int pair) {
    cchar_t cc;
    if (setcchar(&cc, text, attr, (short)pair, NULL) != OK) return ERR;
    return mvwadd_wch(win, y, x, &cc);
}
static inline int gantry_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/// newterm on the process's own stdout/stdin (Swift 6 cannot read the C globals).
static inline SCREEN *gantry_newterm(const char *term) { return newterm(term, stdout, stdin); }

/// The terminal's size from the kernel (ioctl is variadic: not importable).
static inline int gantry_winsize(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}

/// Whether the terminal can address the cursor (TERM=dumb cannot).
static inline int gantry_has_cup(void) {
    char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1;
}

/// Async-signal-safe: mouse off, attributes reset, cursor on, alternate screen off, then the
/// saved terminal mode back (write and tcsetattr are async-signal-safe).
static inline void gantry_emergency_restore(const struct termios *saved, int valid) {
    /* mouse off, attributes reset, cursor on, keypad (application cursor keys) off, alternate screen off */
    static const char reset[] = "\033[?1000l\033[?1002l\033[?1003l\033[?1006l\033[0m\033[?25h\033[?1l\033>\033[?1049l\r\n";
    ssize_t ignored = write(1, reset, sizeof reset - 1);
    (void)ignored;
    if (valid) tcsetattr(0, TCSANOW, saved);
}

/// Async-signal-safe: one line on stderr saying what happened, instead of a backtrace.
static inline void gantry_crash_line(int sig) {
    const char *name = sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGILL ? "SIGILL"
        : sig == SIGTRAP ? "SIGTRAP" : sig == SIGFPE ? "SIGFPE" : sig == SIGABRT ? "SIGABRT" : "a signal";
    static const char head[] = "gantry: the console crashed (";
    static const char tail[] = "); the terminal is restored and deploys keep running. Please report it.\n";
    ssize_t ignored = write(2, head, sizeof head - 1);
    ignored = write(2, name, strlen(name));
    ignored = write(2, tail, sizeof tail - 1);
    (void)ignored;
}
#endif
