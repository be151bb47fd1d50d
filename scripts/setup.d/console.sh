# Sourced by scripts/test.sh: what the console's tests need on a fresh machine.
# ncurses (wide characters) headers for the CNcursesw system library.
dpkg -s libncurses-dev >/dev/null 2>&1 || apt_install libncurses-dev
# tmux drives the real binary in the end-to-end tests (they fail, never skip, without it).
need tmux || apt_install tmux
# The tests run the console under a UTF-8 locale; C.UTF-8 is built into glibc.
export LANG="${LANG:-C.UTF-8}"
