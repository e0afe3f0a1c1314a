#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora under fuzz/corpus/ (outside git): the built-in
# example mailbox (each message alone and in small mbox runs), the baselines and profile
# records learned from it, and any hostile-mail fixtures under tests/hostile/. Each extra
# argument is an mbox whose messages are added too, sampled down to FUZZ_SAMPLE in all
# (default 3000), e.g. `scripts/fuzz-seed.sh /path/to/*/mailbox.mbox`.
set -euo pipefail
cd "$(dirname "$0")/.."

mail=fuzz/corpus/score_learn
baselines=fuzz/corpus/baseline_decode
sample=${FUZZ_SAMPLE:-3000}
mkdir -p "$mail" "$baselines"

cargo run --quiet --release --manifest-path fuzz/Cargo.toml --bin write_seeds -- \
  "$mail" "$baselines"

if [ -d tests/hostile ]; then
  find tests/hostile -type f \( -name '*.eml' -o -name '*.mbox' -o -name '*.txt' \) |
    while read -r f; do
      cp "$f" "$mail/hostile-$(basename "$f")"
    done
fi

if [ "$#" -gt 0 ]; then
  python3 - "$mail" "$sample" "$@" <<'PY'
import hashlib, random, sys

out, sample, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
messages = []
for path in paths:
    with open(path, "rb") as f:
        data = b"\n" + f.read()
    for chunk in data.split(b"\nFrom ")[1:]:
        # Drop the mbox separator line; keep the message as a client would hand it over.
        message = chunk.partition(b"\n")[2]
        if message and len(message) < 1 << 20:
            messages.append(message)
random.Random(1).shuffle(messages)
for message in messages[:sample]:
    name = hashlib.sha1(message).hexdigest()[:16]
    with open(f"{out}/mbox-{name}.eml", "wb") as f:
        f.write(message)
print(f"fuzz-seed: {min(sample, len(messages))} of {len(messages)} messages sampled", file=sys.stderr)
PY
fi

echo "fuzz-seed: $(ls "$mail" | wc -l) mail seeds, $(ls "$baselines" | wc -l) baseline seeds"
