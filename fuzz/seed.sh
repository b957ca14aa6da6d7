#!/usr/bin/env bash
# Seeds the fuzz corpora from the repository's policies and scenarios (policies/, seeds/).
# The corpora themselves (fuzz/corpus/) are not committed: libFuzzer grows them.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/policy corpus/scenario corpus/condition corpus/run
for policy in ../policies/*.toml; do
  cp "$policy" "corpus/policy/$(basename "$policy")"
  # Every condition of the policy, one file each.
  grep -oE "(prohibits|when|where) = '[^']*'|(prohibits|when|where) = \"[^\"]*\"" "$policy" \
    | sed -E "s/^[a-z]+ = ['\"]//; s/['\"]$//" \
    | while IFS= read -r cond; do
        printf '%s' "$cond" > "corpus/condition/$(printf '%s' "$cond" | md5sum | cut -c1-16)"
      done
done
for dir in ../seeds/*/; do
  name=$(basename "$dir")
  posts=$(head -n 12 "$dir/posts.csv")
  printf '%s\0%s' "$(cat "$dir/scenario.toml")" "$posts" > "corpus/scenario/$name"
  for policy in ../policies/*.toml; do
    printf '%s\0%s\0%s' "$(cat "$policy")" "$(cat "$dir/scenario.toml")" "$posts" \
      > "corpus/run/$name-$(basename "$policy" .toml)"
  done
done
for expr in 'true' 'post.severity >= params.threshold && now > post.published + duration("24h")' \
  'breached("2") || available("3") && !assumptions.risk' 'state.live_reported * 2 >= 10' \
  'post.labels.exists(l, l in ["incitement", "threat"])' 'post.author == "x" || post.id in ["a", "b"]' \
  'post.labels.exists(l, l in ["incitement", "threat"]) && !post.removed && post.reported && post.published > timestamp("2020-12-15T00:00:00Z")' \
  '!(post.published >= timestamp("2021-01-06T12:00:00Z") && post.published != now) || ("threat" in post.labels && post.prohibited)'; do
  printf '%s' "$expr" > "corpus/condition/$(printf '%s' "$expr" | md5sum | cut -c1-16)"
done
mkdir -p corpus/reform corpus/exercise corpus/shard
for reform in ../policies/reforms/*.toml; do
  printf '%s\0%s' "$(cat ../policies/aws-2021-01.toml)" "$(cat "$reform")" \
    > "corpus/reform/$(basename "$reform" .toml)"
done
for file in ../exercises/*/exercise.toml ../exercises/keys/*.toml; do
  cp "$file" "corpus/exercise/$(basename "$(dirname "$file")")-$(basename "$file")"
done
# Shards as the program writes them, when a built binary is at hand.
modsim=$(ls "$PWD"/../target/release/modsim "$PWD"/../target/debug/modsim 2>/dev/null | head -n 1 || true)
if [ -n "$modsim" ]; then
  for i in 1 2; do
    (cd .. && "$modsim" sweep --vary removal_delay_median=1h,24h --replicates 6 --seed 7 \
      --shard "$i/2" --output "fuzz/corpus/shard/part$i.json")
  done
fi
echo "seeded: $(ls corpus/policy | wc -l) policy, $(ls corpus/scenario | wc -l) scenario, $(ls corpus/condition | wc -l) condition, $(ls corpus/run | wc -l) run, $(ls corpus/reform | wc -l) reform, $(ls corpus/exercise | wc -l) exercise, $(ls corpus/shard | wc -l) shard"
