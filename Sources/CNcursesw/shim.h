#ifndef RANKSCOPE_CNCURSESW_SHIM_H
#define RANKSCOPE_CNCURSESW_SHIM_H
/* Wide-character curses. NCURSES_WIDECHAR must precede the include so the
   wide API (wget_wch, cchar_t) is declared. */
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <ncursesw/curses.h>

/* Macros Swift cannot import, wrapped as functions. Only stdscr is used, so
   no WINDOW type crosses into Swift. */
static inline int rs_lines(void) { return LINES; }
static inline int rs_cols(void) { return COLS; }
static inline int rs_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int rs_attr_bold(void) { return (int)A_BOLD; }
static inline int rs_attr_reverse(void) { return (int)A_REVERSE; }
static inline int rs_attr_underline(void) { return (int)A_UNDERLINE; }
static inline int rs_attr_dim(void) { return (int)A_DIM; }
static inline int rs_key_resize(void) { return KEY_RESIZE; }
static inline int rs_key_up(void) { return KEY_UP; }
static inline int rs_key_down(void) { return KEY_DOWN; }
static inline int rs_key_left(void) { return KEY_LEFT; }
static inline int rs_key_right(void) { return KEY_RIGHT; }
static inline int rs_key_home(void) { return KEY_HOME; }
static inline int rs_key_end(void) { return KEY_END; }
static inline int rs_key_npage(void) { return KEY_NPAGE; }
static inline int rs_key_ppage(void) { return KEY_PPAGE; }
static inline int rs_key_backspace(void) { return KEY_BACKSPACE; }
static inline int rs_key_enter(void) { return KEY_ENTER; }
static inline int rs_key_code_yes(void) { return KEY_CODE_YES; }
static inline int rs_get_wch(wint_t *out) { return get_wch(out); }
static inline int rs_keypad_stdscr(int on) { return keypad(stdscr, on ? TRUE : FALSE); }
static inline int rs_timeout_stdscr(int ms) { wtimeout(stdscr, ms); return 0; }
static inline int rs_mvadd_wch(int y, int x, const cchar_t *c) { return mvadd_wch(y, x, c); }
/* Added for TerminalUI's CursesBackend: colours, wide-cell output, extra keys.
   Everything goes through stdscr so no WINDOW type crosses into Swift. */
static inline int rs_initscr(void) { return initscr() == NULL ? -1 : 0; }
/* Declared here rather than through <term.h>, whose capability macros (lines, columns, …)
   would leak into every file that includes this shim. */
extern int setupterm(const char *term, int filedes, int *errret);
struct term;
extern struct term *set_curterm(struct term *terminal);
extern int del_curterm(struct term *terminal);
/* Whether curses can drive the terminal TERM names, asked of terminfo before initscr (which
   would exit the process with its own message for an unknown TERM): 0 usable, 1 unknown to
   terminfo, 2 known but unable to move the cursor or clear the screen (dumb, lpr, glasstty). */
static inline int rs_terminal_support(void) {
    int status = 0;
    if (setupterm(NULL, 1, &status) != OK) return 1;
    char *cup = tigetstr("cup"), *clear_screen = tigetstr("clear");
    int usable = cup != NULL && cup != (char *)-1 && clear_screen != NULL && clear_screen != (char *)-1;
    /* The question's terminal is not the one initscr sets up: free it (LeakSanitizer saw it). */
    del_curterm(set_curterm(NULL));
    return usable ? 0 : 2;
}
static inline int rs_has_colors(void) { return has_colors() ? 1 : 0; }
static inline int rs_start_color(void) { return start_color(); }
static inline int rs_use_default_colors(void) { return use_default_colors(); }
static inline int rs_colors(void) { return COLORS; }
static inline int rs_color_pairs(void) { return COLOR_PAIRS; }
static inline int rs_init_pair(int pair, int fg, int bg) { return init_pair((short)pair, (short)fg, (short)bg); }
static inline int rs_attr_normal(void) { return (int)A_NORMAL; }
static inline int rs_key_btab(void) { return KEY_BTAB; }
static inline int rs_key_dc(void) { return KEY_DC; }
static inline int rs_key_f0(void) { return KEY_F0; }
static inline int rs_set_escdelay(int ms) { return set_escdelay(ms); }
static inline int rs_leaveok_stdscr(int on) { return leaveok(stdscr, on ? TRUE : FALSE); }
static inline int rs_clearok_stdscr(int on) { return clearok(stdscr, on ? TRUE : FALSE); }
/* Draws one cell: up to 4 wide chars (spacing char first, then combining marks,
   NUL-terminated) with attributes and a colour pair, via setcchar + mvadd_wch. */
static inline int rs_put_cell(int y, int x, const wchar_t *wch, int attrs, int pair) {
    cchar_t c;
    if (setcchar(&c, wch, (attr_t)attrs, (short)pair, NULL) == ERR) return ERR;
    return mvadd_wch(y, x, &c);
}
/* Mouse: report left clicks and the wheel (as button 4/5 presses). */
static inline int rs_enable_mouse(void) {
    mmask_t mask = BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
    mask |= BUTTON5_PRESSED;
#endif
    mouseinterval(0);
    return mousemask(mask, NULL) == 0 ? -1 : 0;
}
static inline int rs_key_mouse(void) { return KEY_MOUSE; }
/* Reads the pending mouse event: 1 left click, 4 wheel up, 5 wheel down, 0 other, -1 none. */
static inline int rs_get_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    *x = event.x;
    *y = event.y;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 4;
#ifdef BUTTON5_PRESSED
    if (event.bstate & BUTTON5_PRESSED) return 5;
#endif
    return 0;
}
#endif
