#!/usr/bin/env bash
# What a shell user gets around the commands: `tide --version` naming what it was built with,
# `tide completion bash|zsh|fish` walked from the CLI definition (every command and flag that
# `--help` lists completes, nothing kept by hand), and the man page built beside the binary.
source "$(dirname "$0")/lib.sh"

# commands: the subcommands `tide --help` lists (the CLI definition's own view).
commands() {
  "$TIDE_BIN" --help | awk '/^[A-Za-z ]*[Cc]ommands:|^SUBCOMMANDS:/ {on=1; next} on && /^  [a-z]/ {print $1}'
}

# long_flags CMD: the long flags `tide CMD --help` lists.
long_flags() { "$TIDE_BIN" "$1" --help | grep -oE '(^|[ ,])--[a-z][a-z-]*' | sed 's/^[ ,]//' | sort -u; }

# bash_complete WORDS…: what the bash completion offers for the last word.
bash_complete() {
  bash -c 'source <("$0" completion bash) || exit 1
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _tide tide "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' "$TIDE_BIN" "$@"
}

scenario "--version names the version, the git commit, libpq and libpg_query"
expect 0 --version
contains "$OUT" "tide 0."
[[ "$OUT" =~ commit\ ([0-9a-f]{7,}(-dirty)?|unknown) ]] || fail "no commit in: $OUT"
[[ "$OUT" =~ libpq\ [0-9]+\.[0-9]+ ]] || fail "no libpq version in: $OUT"
[[ "$OUT" =~ libpg_query\ [0-9]+-[0-9]+\.[0-9]+ ]] || fail "no libpg_query version in: $OUT"
if git -C "$TIDE_SOURCE_DIR" rev-parse HEAD >/dev/null 2>&1; then
  contains "$OUT" "$(git -C "$TIDE_SOURCE_DIR" rev-parse --short=12 HEAD)"
fi

scenario "bash: 'complete -p tide' after sourcing; commands, flags and choices complete"
script=$("$TIDE_BIN" completion bash)
contains "$(bash -c 'source /dev/stdin; complete -p tide' <<<"$script")" "-F _tide tide"
mapfile -t cmds < <(commands)
[ "${#cmds[@]}" -ge 10 ] || fail "expected at least 10 commands in --help, got: ${cmds[*]}"
offered=$(bash_complete tide "")
for c in "${cmds[@]}"; do
  contains "$offered" "$c"
  [ "$c" = help ] && continue
  flags=$(bash_complete tide "$c" --)
  while read -r f; do
    [ -n "$f" ] && [ "$f" != --help ] || continue
    grep -qx -- "$f" <<<"$flags" || fail "bash: 'tide $c --' does not offer $f (tide $c --help lists it):\n$flags"
  done < <(long_flags "$c")
done
contains "$(bash_complete tide u)" "up"
equals "$(bash_complete tide up --dry)" "--dry-run"
equals "$(bash_complete tide --log-format "" | sort | tr '\n' ' ')" "json text "
equals "$(bash_complete tide completion "" | sort | tr '\n' ' ')" "bash fish zsh "
equals "$(bash_complete tide -e prod st)" "status"
equals "$(bash_complete tide --no-color st)" "status"  # a flag takes no value
equals "$(bash_complete tide up --dry-run --fo)" "--format"

scenario "zsh and fish: the scripts load and offer the same commands"
expect 0 completion zsh
contains "$OUT" "#compdef tide"
if command -v zsh >/dev/null; then
  zsh -n <<<"$OUT" || fail "zsh: syntax error in the completion script"
  zsh -c 'autoload -Uz compinit && compinit -u -D && source /dev/stdin && print -r -- ${_comps[tide]}' \
    <<<"$OUT" | grep -qx _tide || fail "zsh: sourcing does not register _tide for tide"
fi
for c in "${cmds[@]}"; do contains "$OUT" "'$c:"; done
expect 0 completion fish
if command -v fish >/dev/null; then
  fish_out=$(printf '%s\n' "$OUT" | fish -c 'source; complete -C "tide "; complete -C "tide up --d"; complete -C "tide --log-format "')
  for c in "${cmds[@]}"; do contains "$fish_out" "$c"; done
  contains "$fish_out" "--dry-run"
  contains "$fish_out" "json"
fi
expect 2 completion tcsh
contains "$ERR" "tcsh"

scenario "the man page is built beside the binary, renders and covers every command"
page="$(dirname "$TIDE_BIN")/man/tide.1"
[ -s "$page" ] || fail "no man page at $page"
rendered=$(MANWIDTH=100 man -l "$page" 2>&1) || fail "man -l failed:\n$rendered"
contains "$rendered" "EXIT STATUS"
for c in "${cmds[@]}"; do
  grep -qE "^ *tide $c( |\$)" <<<"$rendered" || fail "man page lacks a section for 'tide $c'"
done

done_suite
