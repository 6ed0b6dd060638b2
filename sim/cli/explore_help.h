/* The text of `warmer explore --help` (explore_help.c). */
#ifndef WM_EXPLORE_HELP_H
#define WM_EXPLORE_HELP_H

extern const char wm_explore_help[];

#endif
