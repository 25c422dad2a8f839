#!/usr/bin/env bash
# The layout's rules (docs/ARCHITECTURE.md), checked on the sources:
#  - every include of a library header reaches down or sideways within its room, never up
#    (rooms ranked base < stats < io < config < events < features < data < learn < model
#    < score < eval < ab < synth < pipeline; a public header belongs to the room of its .c);
#  - a <module>_int.h is included only beside it, in its own folder;
#  - a learner (learn/<type>/) includes nothing of another learner;
#  - cJSON, CBLAS and LIBLINEAR are each included by one file.
# Usage: tests/check_layers.sh SOURCE_DIR. Prints every breach; exits 1 if there is any.
set -euo pipefail
root=${1:-$(dirname "$0")/..}
cd "$root"

rooms=(base stats io config events features data learn model score eval ab synth pipeline)
rank_of() {
    local i
    for i in "${!rooms[@]}"; do
        [ "${rooms[$i]}" = "$1" ] && { echo "$i"; return; }
    done
    echo -1
}

# The room of a file under src/ (learn/<type> for a learner), or of a public header: the
# room of the .c with its name.
room_of_source() { # src/learn/gbm/gbm.c -> learn/gbm ; src/io/csv.c -> io
    local rel=${1#src/}
    case $rel in
    learn/*/*) echo "${rel%/*}" ;;
    */*) echo "${rel%%/*}" ;;
    *) echo "" ;;
    esac
}
room_of_public() { # churnkit/events.h -> events
    local name
    name=$(basename "$1" .h)
    local c
    c=$(find src -path src/tools -prune -o -name "$name.c" -print | head -1)
    [ -n "$c" ] && room_of_source "$c" || echo ""
}
top_room() { echo "${1%%/*}"; }

declare -A public_room
for h in include/churnkit/*.h; do
    public_room[churnkit/$(basename "$h")]=$(room_of_public "$h")
done

breaches=0
breach() {
    echo "$1"
    breaches=$((breaches + 1))
}

check_file() { # FILE ROOM
    local file=$1 room=$2 inc target_room
    while read -r inc; do
        case $inc in
        churnkit/*) target_room=${public_room[$inc]:-} ;;
        *)
            [ -f "src/$inc" ] || continue # a tool's or a test's own header
            target_room=$(room_of_source "src/$inc")
            # a room's <module>_int.h is its own
            case $inc in
            *_int.h) [ "$(dirname "src/$inc")" = "$(dirname "$file")" ] ||
                breach "$file: includes $inc, internal to $(dirname "$inc")" ;;
            esac
            ;;
        esac
        [ -n "$target_room" ] || continue
        if [ "$(rank_of "$(top_room "$target_room")")" -gt "$(rank_of "$(top_room "$room")")" ]; then
            breach "$file ($room): includes $inc from $target_room, a room above"
        fi
        case $room/$target_room in
        learn/*/learn/*) [ "$room" = "$target_room" ] ||
            breach "$file ($room): includes $inc from another learner" ;;
        esac
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
}

while read -r f; do
    check_file "$f" "$(room_of_source "$f")"
done < <(find src -path src/tools -prune -o -name '*.[ch]' -print | sort)
for h in include/churnkit/*.h; do
    room=${public_room[churnkit/$(basename "$h")]:-}
    [ -n "$room" ] && check_file "$h" "$room"
done

only_in() { # PATTERN FILE
    local found
    found=$(grep -rl --include='*.[ch]' "$1" src include | sort | tr '\n' ' ')
    [ "$found" = "$2 " ] || [ -z "$found" ] || breach "$1 is included by: $found(only $2 may)"
}
only_in '#include <cjson/cJSON.h>' src/io/json.c
only_in '#include <cblas.h>' src/base/blas.c
only_in '#include <linear.h>' src/learn/logreg/liblinear_bridge.c

if [ "$breaches" -gt 0 ]; then
    echo "check_layers: $breaches breaches"
    exit 1
fi
echo "check_layers: every include reaches down"
